/**
 * The storage interface the use cases depend on. Two implementations pass one contract suite:
 * RedisStore (shared by every instance) and MemoryStore (one process, no Redis).
 */
import type { Blog, Entry, LiveEvent, Revision } from '../schema.js';

/** An event before the store numbers it: the store assigns `seq`, `cursor` and `v`. */
export type EventDraft =
  | { type: 'entry.created' | 'entry.updated'; at: string; entry: Entry }
  | { type: 'entry.deleted'; at: string; entryId: string }
  | { type: 'blog.updated'; at: string; blog: Blog };

/**
 * One atomic change of one blog: compare-and-set checks, the writes, and the events that describe them.
 * Either everything is recorded and published, or nothing is.
 */
export interface Commit {
  blogId: string;
  /** Entry writes need the blog to exist (→ `not_found`). */
  requireBlog: boolean;
  /** Optimistic checks: each entry's current version must equal `version` (0 = must not exist). */
  expect: { entryId: string; version: number }[];
  /** When set, the blog's pinned entry id must currently be this ('' = none), else `conflict`. */
  expectPinned?: string;
  putEntries: Entry[];
  /**
   * Published versions to keep (SPEC §10), appended to each entry's history in this same step.
   * Deleting an entry (`deleteEntries`) drops its history with it.
   */
  putRevisions?: { entryId: string; revision: Revision }[];
  deleteEntries: string[];
  /** New pinned entry id; '' clears it; undefined leaves it. */
  setPinned?: string;
  putBlog?: Blog;
  events: EventDraft[];
  /** Remember the created entry under this editor-scoped key; a later commit with the same key is a duplicate. */
  idempotency?: { key: string; ttlSeconds: number; entry: Entry };
}

/**
 * What a commit did. Only `ok` wrote anything. A store answers nothing else: an unknown answer is an
 * error, never a guess.
 */
export type CommitResult =
  /** Recorded and published; `seq`/`cursor` of its last event. */
  | { status: 'ok'; seq: number; cursor: string }
  /** The idempotency key was used before: the entry it created then. */
  | { status: 'duplicate'; entry: Entry }
  /** The blog (`requireBlog`) or an expected entry (version > 0) does not exist. */
  | { status: 'not_found' }
  /** An expected entry's version differs (`entryId` is that entry). */
  | { status: 'conflict'; entryId: string }
  /** The pinned entry is not `expectPinned` (`pinnedId` is the pinned one now, '' = none). */
  | { status: 'pin_conflict'; pinnedId: string };

export type CommitStatus = CommitResult['status'];

/** A consistent view of one blog at one `seq`. */
export interface Snapshot {
  blog: Blog;
  /** Newest first, at most the requested limit. */
  entries: Entry[];
  pinned: Entry | null;
  /** Number of (undeleted) entries in the blog. */
  total: number;
  seq: number;
  epoch: string;
}

export interface EntryPageQuery {
  before?: string | undefined;
  limit: number;
  keyEvents?: boolean | undefined;
}

export interface Store {
  commit(commit: Commit): Promise<CommitResult>;
  getBlog(blogId: string): Promise<Blog | null>;
  listBlogs(): Promise<Blog[]>;
  getEntry(blogId: string, entryId: string): Promise<Entry | null>;
  /** Newest first; `before` is exclusive and may name a deleted entry. */
  listEntries(blogId: string, query: EntryPageQuery): Promise<{ entries: Entry[]; hasMore: boolean }>;
  /** Every kept version of an entry, oldest first; null when the entry does not exist. */
  getRevisions(blogId: string, entryId: string): Promise<Revision[] | null>;
  snapshot(blogId: string, limit: number): Promise<Snapshot | null>;
  /** Latest seq and epoch, or null for an unknown blog. */
  head(blogId: string): Promise<{ seq: number; epoch: string } | null>;
  /**
   * Every event after `afterSeq` in epoch `epoch`, oldest first, or null when they are not all held
   * (trimmed from the log, or another epoch).
   */
  readEvents(blogId: string, epoch: string, afterSeq: number): Promise<LiveEvent[] | null>;
  /**
   * Presence: record this instance's reader counts (expiring after `ttlMs` unless refreshed) and
   * answer the totals over every live instance for the same blogs.
   */
  reportReaders(instanceId: string, counts: Map<string, number>, ttlMs: number): Promise<Map<string, number>>;
  /** Resolves when the store can be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface EventListener {
  event(event: LiveEvent): void;
  /** The bus lost its connection and got it back: events may have been missed meanwhile. */
  reconnected(): void;
}

/** Pub/sub of committed events. Delivery may be lossy (a dropped connection); `seq` reveals gaps. */
export interface EventBus {
  /** Resolves once events of this blog are being received. One listener per blog. */
  subscribe(blogId: string, listener: EventListener): Promise<void>;
  unsubscribe(blogId: string): Promise<void>;
  close(): Promise<void>;
}
