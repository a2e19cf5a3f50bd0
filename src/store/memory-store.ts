/**
 * The embedded store: the same contract as RedisStore, in one process. For `npm start` without Redis
 * (single instance only) and for fast tests.
 */
import { randomBytes } from 'node:crypto';
import { formatCursor } from '../cursor.js';
import { READERS_REFRESH_SHARE } from './store.js';
import type { DeskMessage, Draft } from '../desk/schema.js';
import type { Blog, Entry, LiveEvent, Revision } from '../schema.js';
import { parseEvent, serializeEvent } from './events.js';
import type {
  Commit,
  CommitResult,
  DraftWriteResult,
  EntryPageQuery,
  EventBus,
  EventListener,
  Snapshot,
  Store,
} from './store.js';

interface BlogState {
  blog: Blog | null;
  entries: Map<string, Entry>;
  /** Each entry's published versions, oldest first. */
  revisions: Map<string, Revision[]>;
  /** Entry ids, ascending (ids sort like createdAt). */
  timeline: string[];
  keyEvents: string[];
  pinned: string;
  seq: number;
  epoch: string;
  log: LiveEvent[];
  idempotency: Map<string, { entry: Entry; expiresAtMs: number }>;
}

export function newEpoch(): string {
  return randomBytes(6).toString('hex');
}

function insertSorted(list: string[], id: string): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] ?? '') < id) lo = mid + 1;
    else hi = mid;
  }
  if (list[lo] !== id) list.splice(lo, 0, id);
}

function removeSorted(list: string[], id: string): void {
  const i = list.indexOf(id);
  if (i >= 0) list.splice(i, 1);
}

/** One instance's reader count for a blog, and when it expires unless rewritten. */
interface ReaderShare {
  count: number;
  expiresAtMs: number;
}

export interface MemoryStoreOptions {
  /** Events kept per blog for resume. Default 1,000. */
  resumeLogMaxEvents?: number;
}

export class MemoryStore implements Store {
  private readonly blogs = new Map<string, BlogState>();
  /** Reader counts: blogId → instanceId → its count and when it expires (RedisStore's readers hashes). */
  private readonly presence = new Map<string, Map<string, ReaderShare>>();
  private readonly logMax: number;
  /** Set by MemoryBus: committed events go out through it, after the commit, in order. */
  publish: (event: LiveEvent) => void = () => undefined;
  /** Drafts per blog (SPEC §10), apart from the blog's entries and events. */
  private readonly drafts = new Map<string, Map<string, Draft>>();
  /** Set by MemoryDeskBus: the private desk channel. */
  publishDesk: (blogId: string, message: DeskMessage) => void = () => undefined;

  constructor(options: MemoryStoreOptions = {}) {
    this.logMax = options.resumeLogMaxEvents ?? 1000;
  }

  private state(blogId: string): BlogState {
    let s = this.blogs.get(blogId);
    if (!s) {
      s = {
        blog: null,
        entries: new Map(),
        revisions: new Map(),
        timeline: [],
        keyEvents: [],
        pinned: '',
        seq: 0,
        epoch: newEpoch(),
        log: [],
        idempotency: new Map(),
      };
      this.blogs.set(blogId, s);
    }
    return s;
  }

  commit(c: Commit): Promise<CommitResult> {
    const s = this.state(c.blogId);
    const now = Date.now();
    if (c.idempotency) {
      const hit = s.idempotency.get(c.idempotency.key);
      if (hit && hit.expiresAtMs > now) return Promise.resolve({ status: 'duplicate', entry: hit.entry });
    }
    if (c.requireBlog && !s.blog) return Promise.resolve({ status: 'not_found' });
    for (const { entryId, version } of c.expect) {
      const current = s.entries.get(entryId);
      if (version > 0 && !current) return Promise.resolve({ status: 'not_found' });
      if ((current?.version ?? 0) !== version) return Promise.resolve({ status: 'conflict', entryId });
    }
    const consumed = c.consumeDraft;
    if (consumed) {
      const draft = this.drafts.get(c.blogId)?.get(consumed.draftId);
      if (!draft) return Promise.resolve({ status: 'not_found' });
      if (draft.version !== consumed.version)
        return Promise.resolve({ status: 'conflict', entryId: consumed.draftId });
    }
    if (c.expectPinned !== undefined && s.pinned !== c.expectPinned) {
      return Promise.resolve({ status: 'pin_conflict', pinnedId: s.pinned });
    }
    for (const entry of c.putEntries) {
      s.entries.set(entry.id, entry);
      insertSorted(s.timeline, entry.id);
      if (entry.keyEvent) insertSorted(s.keyEvents, entry.id);
      else removeSorted(s.keyEvents, entry.id);
    }
    for (const { entryId, revision } of c.putRevisions ?? []) {
      const list = s.revisions.get(entryId) ?? [];
      list.push(revision);
      s.revisions.set(entryId, list);
    }
    for (const id of c.deleteEntries) {
      s.entries.delete(id);
      s.revisions.delete(id);
      removeSorted(s.timeline, id);
      removeSorted(s.keyEvents, id);
    }
    if (c.setPinned !== undefined) s.pinned = c.setPinned;
    if (c.putBlog) s.blog = c.putBlog;
    if (c.idempotency) {
      s.idempotency.set(c.idempotency.key, {
        entry: c.idempotency.entry,
        expiresAtMs: now + c.idempotency.ttlSeconds * 1000,
      });
    }
    const published: LiveEvent[] = [];
    for (const draft of c.events) {
      s.seq += 1;
      const event = parseEvent(serializeEvent(c.blogId, draft, s.epoch, s.seq));
      s.log.push(event);
      published.push(event);
    }
    if (s.log.length > this.logMax) s.log.splice(0, s.log.length - this.logMax);
    for (const event of published) this.publish(event);
    if (consumed) {
      this.drafts.get(c.blogId)?.delete(consumed.draftId);
      this.publishDesk(c.blogId, consumed.message);
    }
    return Promise.resolve({ status: 'ok', seq: s.seq, cursor: formatCursor(s.epoch, s.seq) });
  }

  getBlog(blogId: string): Promise<Blog | null> {
    return Promise.resolve(this.blogs.get(blogId)?.blog ?? null);
  }

  listBlogs(): Promise<Blog[]> {
    const blogs = [...this.blogs.values()].flatMap((s) => (s.blog ? [s.blog] : []));
    return Promise.resolve(blogs.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1)));
  }

  getEntry(blogId: string, entryId: string): Promise<Entry | null> {
    return Promise.resolve(this.blogs.get(blogId)?.entries.get(entryId) ?? null);
  }

  getRevisions(blogId: string, entryId: string): Promise<Revision[] | null> {
    const s = this.blogs.get(blogId);
    if (!s?.entries.has(entryId)) return Promise.resolve(null);
    return Promise.resolve([...(s.revisions.get(entryId) ?? [])]);
  }

  listEntries(blogId: string, q: EntryPageQuery): Promise<{ entries: Entry[]; hasMore: boolean }> {
    const s = this.blogs.get(blogId);
    if (!s) return Promise.resolve({ entries: [], hasMore: false });
    const ids = q.keyEvents ? s.keyEvents : s.timeline;
    let end = ids.length; // exclusive index of the newest entry to return
    if (q.before !== undefined) {
      const before = q.before;
      end = ids.findIndex((id) => id >= before);
      if (end < 0) end = ids.length;
    }
    const start = Math.max(0, end - q.limit);
    const entries = ids
      .slice(start, end)
      .reverse()
      .flatMap((id) => {
        const e = s.entries.get(id);
        return e ? [e] : [];
      });
    return Promise.resolve({ entries, hasMore: start > 0 });
  }

  async snapshot(blogId: string, limit: number): Promise<Snapshot | null> {
    const s = this.blogs.get(blogId);
    if (!s?.blog) return null;
    const page = await this.listEntries(blogId, { limit });
    return {
      blog: s.blog,
      entries: page.entries,
      pinned: s.entries.get(s.pinned) ?? null,
      total: s.timeline.length,
      seq: s.seq,
      epoch: s.epoch,
    };
  }

  head(blogId: string): Promise<{ seq: number; epoch: string } | null> {
    const s = this.blogs.get(blogId);
    return Promise.resolve(s?.blog ? { seq: s.seq, epoch: s.epoch } : null);
  }

  readEvents(blogId: string, epoch: string, afterSeq: number): Promise<LiveEvent[] | null> {
    const s = this.blogs.get(blogId);
    if (!s || s.epoch !== epoch || afterSeq > s.seq) return Promise.resolve(null);
    const missing = s.seq - afterSeq;
    if (missing > s.log.length) return Promise.resolve(null);
    return Promise.resolve(missing === 0 ? [] : s.log.slice(s.log.length - missing));
  }

  reportReaders(
    instanceId: string,
    counts: Map<string, number>,
    ttlMs: number,
  ): Promise<Map<string, number>> {
    const now = Date.now();
    const margin = Math.floor(ttlMs * READERS_REFRESH_SHARE);
    const totals = new Map<string, number>();
    for (const [blogId, count] of counts) {
      const fields = this.presence.get(blogId) ?? new Map<string, ReaderShare>();
      this.presence.set(blogId, fields);
      let total = 0;
      for (const [id, f] of fields) {
        if (id === instanceId) continue;
        if (f.expiresAtMs > now) total += f.count;
        else fields.delete(id);
      }
      const mine = fields.get(instanceId);
      if (count === 0) fields.delete(instanceId);
      // The same rule as the Redis script: a steady count is rewritten only when its expiry is near.
      else if (!mine || mine.count !== count || mine.expiresAtMs - now < margin)
        fields.set(instanceId, { count, expiresAtMs: now + ttlMs });
      if (fields.size === 0) this.presence.delete(blogId);
      totals.set(blogId, total + count);
    }
    return Promise.resolve(totals);
  }

  writeDraft(
    blogId: string,
    draftId: string,
    expectVersion: number,
    draft: Draft | null,
    message: DeskMessage,
  ): Promise<DraftWriteResult> {
    if (!this.blogs.get(blogId)?.blog) return Promise.resolve({ status: 'not_found' });
    let drafts = this.drafts.get(blogId);
    if (!drafts) this.drafts.set(blogId, (drafts = new Map<string, Draft>()));
    const current = drafts.get(draftId);
    if (!current && expectVersion > 0) return Promise.resolve({ status: 'not_found' });
    if (current && current.version !== expectVersion) return Promise.resolve({ status: 'conflict' });
    if (draft) drafts.set(draftId, draft);
    else drafts.delete(draftId);
    this.publishDesk(blogId, message);
    return Promise.resolve({ status: 'ok' });
  }

  getDraft(blogId: string, draftId: string): Promise<Draft | null> {
    return Promise.resolve(this.drafts.get(blogId)?.get(draftId) ?? null);
  }

  listDrafts(blogId: string): Promise<Draft[]> {
    return Promise.resolve([...(this.drafts.get(blogId)?.values() ?? [])]);
  }

  announce(blogId: string, message: DeskMessage): Promise<void> {
    this.publishDesk(blogId, message);
    return Promise.resolve();
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** In-process pub/sub over a MemoryStore: delivery is asynchronous (like Redis) and in commit order. */
export class MemoryBus implements EventBus {
  private readonly listeners = new Map<string, EventListener>();

  constructor(store: MemoryStore) {
    store.publish = (event) => {
      queueMicrotask(() => this.listeners.get(event.blogId)?.event(event));
    };
  }

  subscribe(blogId: string, listener: EventListener): Promise<void> {
    this.listeners.set(blogId, listener);
    return Promise.resolve();
  }

  unsubscribe(blogId: string): Promise<void> {
    this.listeners.delete(blogId);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.listeners.clear();
    return Promise.resolve();
  }
}
