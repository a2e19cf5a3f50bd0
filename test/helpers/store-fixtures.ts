/** Builders for store-level tests: blogs, entries (ids that sort like createdAt) and the commits that write them. */
import { randomBytes } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import {
  createEntryCommit as buildCreate,
  deleteEntryCommit as buildDelete,
  updateEntryCommit as buildUpdate,
  upsertBlogCommit,
} from '../../src/commits.js';
import type { Blog, Entry, LiveEvent } from '../../src/schema.js';
import type { Commit, EventListener } from '../../src/store/store.js';
import { until } from './wait.js';

const nextUlid = monotonicFactory();

/** A blog id (a valid slug) unique to this run. */
export function newBlogId(label = 'blog'): string {
  return `${label}-${randomBytes(5).toString('hex')}`;
}

/** A Redis key prefix unique to this run. */
export function newPrefix(label = 'contract'): string {
  return `${label}-${randomBytes(5).toString('hex')}:`;
}

export function makeBlog(id: string, overrides: Partial<Blog> = {}): Blog {
  const now = new Date().toISOString();
  return {
    id,
    title: `Live: ${id}`,
    description: 'A blog for store tests',
    status: 'live',
    summary: '',
    summaryHtml: '',
    language: 'en',
    timeZone: 'UTC',
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

/** A new entry whose id is a monotonic ULID of the same instant as its createdAt, like the service makes. */
export function makeEntry(blogId: string, overrides: Partial<Entry> = {}): Entry {
  const nowMs = Date.now();
  const at = new Date(nowMs).toISOString();
  return {
    id: nextUlid(nowMs),
    blogId,
    headline: 'Headline',
    body: 'Body text with "quotes", a \\ backslash, ünïcödé and an emoji 📰',
    html: '<p>Body text with &quot;quotes&quot;, a \\ backslash, ünïcödé and an emoji 📰</p>',
    author: { id: 'alice-smith', name: 'Alice Smith' },
    keyEvent: false,
    pinned: false,
    createdAt: at,
    updatedAt: at,
    version: 1,
    corrections: [],
    verification: null,
    ...overrides,
  };
}

/** The entry after one update: version + 1, a later updatedAt. */
export function revise(entry: Entry, changes: Partial<Entry> = {}): Entry {
  return { ...entry, updatedAt: new Date().toISOString(), ...changes, version: entry.version + 1 };
}

// The commits are the service's own named builders (src/commits.ts); `extra` overrides parts of them.

export function createBlogCommit(blog: Blog): Commit {
  return upsertBlogCommit(blog);
}

export function createEntryCommit(entry: Entry, extra: Partial<Commit> = {}): Commit {
  return { ...buildCreate(entry, null), ...extra };
}

/** Replaces `previous` with `next` (expecting `previous.version`). */
export function updateEntryCommit(previous: Entry, next: Entry, extra: Partial<Commit> = {}): Commit {
  return { ...buildUpdate(previous, next, null), ...extra };
}

export function deleteEntryCommit(entry: Entry, extra: Partial<Commit> = {}): Commit {
  return { ...buildDelete(entry, new Date().toISOString()), ...extra };
}

/** An EventListener that records what a bus delivers, with a deadline-bound wait. */
export class Recorder implements EventListener {
  readonly events: LiveEvent[] = [];
  reconnects = 0;

  event(event: LiveEvent): void {
    this.events.push(event);
  }

  reconnected(): void {
    this.reconnects += 1;
  }

  /** Resolves with the first `n` events once that many have arrived. */
  waitFor(n: number, ms = 5000): Promise<LiveEvent[]> {
    return until(
      `${n} events on the bus (got ${this.events.length})`,
      () => (this.events.length >= n ? this.events.slice(0, n) : undefined),
      ms,
    );
  }
}
