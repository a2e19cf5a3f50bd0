/**
 * The pure part of one blog's live feed: ordering by `seq`, the early buffer, the ring of recent
 * events and the snapshot cache. No I/O and no timers: `BlogFeed` feeds it what the bus and the store
 * said and does what it answers (deliver these events, fill a gap, start over). Unit-tested alone.
 */
import { formatCursor, parseCursor } from '../cursor.js';
import type { Blog, BlogPage, Entry, LiveEvent } from '../schema.js';
import type { Snapshot } from '../store/store.js';

/** Newest entries kept in the snapshot cache: the largest `limit` a subscribe may ask for. */
export const FEED_CACHE_ENTRIES = 100;
/** Recent events kept in memory per blog for resume without a store round trip. */
export const FEED_RING_EVENTS = 512;

/** What the I/O side must do after the sequencer took in something. */
export interface Step {
  /** Events now in order after the last delivered one: deliver them, in this order. */
  deliver: LiveEvent[];
  /** Events are held that cannot be delivered before missing ones: read the gap from the store. */
  gap: boolean;
  /** An event of another epoch arrived (the history was wiped): reload from the store, reset readers. */
  newEpoch: boolean;
}

export type ResumeAnswer = { resumed: true; blog: Blog; events: LiveEvent[]; cursor: string; seq: number };

interface Cache {
  blog: Blog;
  entries: Entry[];
  pinned: Entry | null;
  total: number;
  epoch: string;
}

const NOTHING: Step = { deliver: [], gap: false, newEpoch: false };

export class FeedSequencer {
  private cache: Cache | null = null;
  private lastSeq = 0;
  private ring: LiveEvent[] = [];
  /** The pages handed out at the current (cache, seq), by limit. */
  private views: { cache: Cache | null; seq: number; pages: Map<number, BlogPage> } = {
    cache: null,
    seq: -1,
    pages: new Map(),
  };
  private readonly early = new Map<number, LiveEvent>();

  /** The blog is known (loaded from a snapshot or seen created). */
  get loaded(): boolean {
    return this.cache !== null;
  }

  get seq(): number {
    return this.lastSeq;
  }

  get epoch(): string | undefined {
    return this.cache?.epoch;
  }

  /** Events held back, waiting for missing ones. */
  get waiting(): number {
    return this.early.size;
  }

  /** Start (over) from a store snapshot; held events newer than it are delivered when in order. */
  adopt(snap: Snapshot): Step {
    this.cache = {
      blog: snap.blog,
      entries: snap.entries,
      pinned: snap.pinned,
      total: snap.total,
      epoch: snap.epoch,
    };
    this.lastSeq = snap.seq;
    this.ring = [];
    return this.drain();
  }

  /** True when a snapshot of `epoch` would not replace what is held (a creation event got here first). */
  holdsEpoch(epoch: string): boolean {
    return this.cache?.epoch === epoch;
  }

  /** An event from the bus (or from the log while filling a gap). */
  offer(event: LiveEvent): Step {
    const cache = this.cache;
    if (!cache) {
      // Still loading (or the blog was just created): hold it; the snapshot decides by seq.
      this.early.set(event.seq, event);
      if (event.seq === 1 && event.type === 'blog.updated') return this.adoptCreation(event);
      return NOTHING;
    }
    if (parseCursor(event.cursor)?.epoch !== cache.epoch) {
      this.early.clear();
      this.early.set(event.seq, event);
      return { deliver: [], gap: false, newEpoch: true };
    }
    if (event.seq <= this.lastSeq) return NOTHING;
    this.early.set(event.seq, event);
    return this.drain();
  }

  /** Events read from the store's log after `seq`; the answer says whether a hole remains. */
  fill(events: LiveEvent[]): Step & { holeRemains: boolean } {
    for (const e of events) if (e.seq > this.lastSeq) this.early.set(e.seq, e);
    if (this.early.size > 0 && !this.early.has(this.lastSeq + 1)) {
      return { deliver: [], gap: true, newEpoch: false, holeRemains: true };
    }
    return { ...this.drain(), holeRemains: false };
  }

  /** A blog created after its feed found it missing: its first event is a complete snapshot. */
  private adoptCreation(event: Extract<LiveEvent, { type: 'blog.updated' }>): Step {
    const epoch = parseCursor(event.cursor)?.epoch ?? '';
    this.cache = { blog: event.blog, entries: [], pinned: null, total: 0, epoch };
    this.lastSeq = 0;
    return this.drain();
  }

  private drain(): Step {
    for (const seq of [...this.early.keys()]) if (seq <= this.lastSeq) this.early.delete(seq);
    const deliver: LiveEvent[] = [];
    let next = this.early.get(this.lastSeq + 1);
    while (next && this.cache) {
      this.early.delete(next.seq);
      this.apply(this.cache, next);
      deliver.push(next);
      next = this.early.get(this.lastSeq + 1);
    }
    return { deliver, gap: this.early.size > 0, newEpoch: false };
  }

  private apply(cache: Cache, event: LiveEvent): void {
    this.lastSeq = event.seq;
    this.ring.push(event);
    if (this.ring.length > FEED_RING_EVENTS) this.ring.splice(0, this.ring.length - FEED_RING_EVENTS);
    applyToCache(cache, event);
  }

  // ---- answers for subscribe ---------------------------------------------------------------------

  /** The cache holds fewer entries than `limit` asks while the blog has more (deletions shrank it). */
  needsEntries(limit: number): boolean {
    const cache = this.cache;
    return cache !== null && cache.entries.length < Math.min(limit, cache.total);
  }

  /**
   * Refill the cached entries from a store snapshot taken at or before `seq`, replaying the ring on top.
   * Answers false when the snapshot cannot be used (another epoch, or the ring no longer bridges it).
   */
  refill(snap: Snapshot): boolean {
    const cache = this.cache;
    if (!cache || snap.epoch !== cache.epoch || snap.seq > this.lastSeq) return false;
    const oldest = this.ring[0]?.seq ?? this.lastSeq + 1;
    if (snap.seq < this.lastSeq && oldest > snap.seq + 1) return false;
    const fresh: Cache = { ...cache, entries: snap.entries, pinned: snap.pinned, total: snap.total };
    for (const e of this.ring) if (e.seq > snap.seq) applyToCache(fresh, e);
    this.cache = fresh;
    return true;
  }

  /**
   * The snapshot at exactly the last delivered `seq`: the same object for the same (seq, limit), so what
   * is derived from it (its JSON) can be made once for every reader arriving at that `seq`.
   */
  view(limit: number): BlogPage | null {
    const cache = this.cache;
    if (!cache) return null;
    if (this.views.cache !== cache || this.views.seq !== this.lastSeq) {
      this.views = { cache, seq: this.lastSeq, pages: new Map() };
    }
    let page = this.views.pages.get(limit);
    if (!page) {
      page = {
        blog: cache.blog,
        entries: cache.entries.slice(0, limit),
        pinned: cache.pinned,
        hasMore: cache.total > limit,
        cursor: formatCursor(cache.epoch, this.lastSeq),
        seq: this.lastSeq,
      };
      this.views.pages.set(limit, page);
    }
    return page;
  }

  /**
   * How a resume from `cursor` can be answered: `'ring'` from memory, `'log'` after reading the store's
   * log from the cursor's seq, `null` not at all (another epoch, ahead, malformed).
   */
  resumeSource(cursor: string): { from: 'ring' | 'log'; epoch: string; seq: number } | null {
    const c = parseCursor(cursor);
    const cache = this.cache;
    if (!c || !cache || c.epoch !== cache.epoch || c.seq > this.lastSeq) return null;
    return { from: this.ringHolds(c.seq) ? 'ring' : 'log', epoch: c.epoch, seq: c.seq };
  }

  /**
   * Every event after `cursor` up to the last delivered one, from `fetched` (the store's log, possibly
   * older than now) completed from the ring; null when they cannot all be had.
   */
  resume(cursor: string, fetched: LiveEvent[]): ResumeAnswer | null {
    const source = this.resumeSource(cursor);
    const cache = this.cache;
    if (!source || !cache) return null;
    const events = fetched.filter((e) => e.seq > source.seq && e.seq <= this.lastSeq);
    const have = events.at(-1)?.seq ?? source.seq;
    if (have < this.lastSeq) {
      if (!this.ringHolds(have)) return null;
      for (const e of this.ring) if (e.seq > have) events.push(e);
    }
    if (events.length !== this.lastSeq - source.seq) return null;
    return {
      resumed: true,
      blog: cache.blog,
      events,
      cursor: formatCursor(cache.epoch, this.lastSeq),
      seq: this.lastSeq,
    };
  }

  /** The ring holds every event after `seq`. */
  private ringHolds(seq: number): boolean {
    if (seq === this.lastSeq) return true;
    const first = this.ring[0];
    return first !== undefined && first.seq <= seq + 1;
  }
}

function applyToCache(cache: Cache, event: LiveEvent): void {
  switch (event.type) {
    case 'blog.updated':
      cache.blog = event.blog;
      return;
    case 'entry.created':
    case 'entry.updated': {
      const entry = event.entry;
      const i = cache.entries.findIndex((e) => e.id === entry.id);
      if (i >= 0) cache.entries[i] = entry;
      else if (event.type === 'entry.created') {
        cache.total += 1;
        insertNewestFirst(cache.entries, entry);
        if (cache.entries.length > FEED_CACHE_ENTRIES) cache.entries.pop();
      }
      if (entry.pinned) cache.pinned = entry;
      else if (cache.pinned?.id === entry.id) cache.pinned = null;
      return;
    }
    case 'entry.deleted': {
      const i = cache.entries.findIndex((e) => e.id === event.entryId);
      if (i >= 0) cache.entries.splice(i, 1);
      cache.total = Math.max(0, cache.total - 1);
      if (cache.pinned?.id === event.entryId) cache.pinned = null;
      return;
    }
  }
}

/** Entries are ordered newest first by id (ids sort like createdAt). */
function insertNewestFirst(entries: Entry[], entry: Entry): void {
  let i = 0;
  while (i < entries.length && (entries[i]?.id ?? '') > entry.id) i++;
  entries.splice(i, 0, entry);
}
