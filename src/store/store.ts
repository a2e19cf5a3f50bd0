/**
 * The storage interface the use cases depend on. Two implementations pass one contract suite:
 * RedisStore (shared by every instance) and MemoryStore (one process, no Redis).
 */
import type { DeskMessage, Draft } from '../desk/schema.js';
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
  /**
   * Publishing a draft (SPEC §10): the draft must exist at `version` (else `not_found` / `conflict` with
   * its id) and leaves the drafts in this same commit, which also announces `message` on the private desk
   * channel. So a draft is published once, however many try.
   */
  consumeDraft?: { draftId: string; version: number; message: DeskMessage };
}

/** What a draft write did; only `ok` wrote (and announced) anything. */
export type DraftWriteResult = { status: 'ok' } | { status: 'not_found' } | { status: 'conflict' };

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

/**
 * A steady reader count is rewritten when less than this share of its ttl is left (with the hub's 30 s
 * ttl: every 20 s), not on every report.
 */
export const READERS_REFRESH_SHARE = 1 / 3;

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
   * Presence: record this instance's reader counts and answer the totals over every live instance for
   * the same blogs. A count is written with a life of `ttlMs`, and rewritten only when it changed or
   * less than READERS_REFRESH_SHARE of its life is left: an instance that keeps reporting keeps counting,
   * one that stops (a crash) stops counting at most `ttlMs` after its last write. A count of 0 removes
   * the instance's share of that blog at once.
   */
  reportReaders(instanceId: string, counts: Map<string, number>, ttlMs: number): Promise<Map<string, number>>;
  /**
   * Drafts (SPEC §10) live beside the blog's entries and never in its events, stream or snapshots.
   * `expectVersion` 0 = the draft must not exist; the blog must. `draft` null deletes. The same atomic
   * step announces `message` on the blog's private desk channel.
   */
  writeDraft(
    blogId: string,
    draftId: string,
    expectVersion: number,
    draft: Draft | null,
    message: DeskMessage,
  ): Promise<DraftWriteResult>;
  getDraft(blogId: string, draftId: string): Promise<Draft | null>;
  listDrafts(blogId: string): Promise<Draft[]>;
  /** Announces a message (presence) on the blog's private desk channel. */
  announce(blogId: string, message: DeskMessage): Promise<void>;
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

/** The private desk channel of every blog, on every instance (SPEC §10: never the public channel). */
export interface DeskBus {
  /** Resolves once messages of every blog are being received. */
  listen(listener: (blogId: string, message: DeskMessage) => void): Promise<void>;
  close(): Promise<void>;
}

/** A due scheduled draft, as `<blogId>/<draftId>`. */
export interface ScheduledRef {
  blogId: string;
  draftId: string;
}

/**
 * When drafts are due (SPEC §10 scheduling). Shared by every instance: a due draft is claimed by one
 * instance for `leaseMs`; one that is not `done` by then (its claimer died) is due again.
 */
export interface ScheduleQueue {
  /** (Re)schedules the draft at `atMs`, replacing any earlier time or claim. */
  add(ref: ScheduledRef, atMs: number): Promise<void>;
  remove(ref: ScheduledRef): Promise<void>;
  /** Claims up to `max` drafts due at `nowMs`; each claim is the claimer's until `nowMs + leaseMs`. */
  claimDue(nowMs: number, leaseMs: number, max: number): Promise<{ ref: ScheduledRef; claim: number }[]>;
  /** Removes a claimed draft unless it was rescheduled since the claim. */
  done(ref: ScheduledRef, claim: number): Promise<void>;
}
