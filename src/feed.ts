/**
 * Per-instance fan-out of one blog's events, in `seq` order, exactly once.
 *
 * A BlogFeed is the only consumer of its blog's bus channel on this instance. It keeps
 * - `lastSeq`: the last event handed to the sink (local sockets); events arrive from the bus, are
 *   buffered when early, and a jump is filled from the store's event log before anything newer goes out;
 * - a snapshot cache (blog, newest entries, pinned, total) that every delivered event updates, so a
 *   `subscribe` is answered from memory at exactly `lastSeq` and the socket joins the stream in the same
 *   synchronous step: no event can fall between the snapshot and the live stream, and none comes twice;
 * - a ring of recent events, so most resumes need no Redis command either.
 */
import type { Blog, BlogPage, Entry, LiveEvent } from './schema.js';
import { formatCursor, parseCursor } from './cursor.js';
import type { EventBus, EventListener, Snapshot, Store } from './store/store.js';

/** Newest entries kept in the snapshot cache: the largest `limit` a subscribe may ask for. */
export const FEED_CACHE_ENTRIES = 100;
/** Recent events kept in memory per blog for resume without a store round trip. */
export const FEED_RING_EVENTS = 512;

export interface FeedSink {
  /** Deliver one event to every local subscriber of its blog. Called in seq order, once per event. */
  event(event: LiveEvent): void;
  /**
   * The blog's history was wiped and restarted (a new epoch): seq numbers start again, so subscribers
   * must drop their state and subscribe afresh.
   */
  reset(blogId: string): void;
}

export type ResumeResult = { resumed: true; blog: Blog; events: LiveEvent[]; cursor: string; seq: number };

interface CacheState {
  blog: Blog;
  entries: Entry[];
  pinned: Entry | null;
  total: number;
  epoch: string;
}

export class BlogFeed implements EventListener {
  private cache: CacheState | null = null;
  private lastSeq = 0;
  private ring: LiveEvent[] = [];
  private readonly early = new Map<number, LiveEvent>();
  private filling = false;
  private refill: Promise<void> | null = null;
  /** Resolves when the feed is live (or the blog is known not to exist). */
  readonly ready: Promise<void>;
  /** Local subscribers (sockets) of this blog on this instance. */
  subscribers = 0;
  idleTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly blogId: string,
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly sink: FeedSink,
    private readonly onError: (err: unknown) => void,
  ) {
    this.ready = this.start();
  }

  get exists(): boolean {
    return this.cache !== null;
  }

  private async start(): Promise<void> {
    await this.bus.subscribe(this.blogId, this);
    await this.load();
  }

  /** (Re)load from a store snapshot; events the bus delivered meanwhile are replayed or dropped by seq. */
  private async load(): Promise<void> {
    const snap = await this.store.snapshot(this.blogId, FEED_CACHE_ENTRIES);
    // A creation event may have made the feed live while the snapshot was on its way; keep that stream.
    if (!snap || this.cache?.epoch === snap.epoch) return;
    this.adopt(snap);
  }

  private adopt(snap: Snapshot): void {
    this.cache = {
      blog: snap.blog,
      entries: snap.entries,
      pinned: snap.pinned,
      total: snap.total,
      epoch: snap.epoch,
    };
    this.lastSeq = snap.seq;
    this.ring = [];
    this.drainEarly();
  }

  // ---- EventListener (the bus) -------------------------------------------------------------

  event(event: LiveEvent): void {
    const epoch = parseCursor(event.cursor)?.epoch;
    if (!this.cache) {
      // Still loading (or the blog was just created): keep it; load() decides by seq.
      this.early.set(event.seq, event);
      if (event.seq === 1 && event.type === 'blog.updated') this.adoptCreation(event);
      return;
    }
    if (epoch !== this.cache.epoch) {
      // The history was wiped and restarted: start over from the store, and make subscribers start over.
      this.early.clear();
      this.early.set(event.seq, event);
      this.resetFromStore();
      this.sink.reset(this.blogId);
      return;
    }
    if (event.seq <= this.lastSeq) return;
    this.early.set(event.seq, event);
    this.drainEarly();
  }

  reconnected(): void {
    this.fillGap();
  }

  /** A blog created after this feed found it missing: its first event is a complete snapshot. */
  private adoptCreation(event: Extract<LiveEvent, { type: 'blog.updated' }>): void {
    const epoch = parseCursor(event.cursor)?.epoch ?? '';
    this.cache = { blog: event.blog, entries: [], pinned: null, total: 0, epoch };
    this.lastSeq = 0;
    this.drainEarly();
  }

  private drainEarly(): void {
    for (const seq of [...this.early.keys()]) if (seq <= this.lastSeq) this.early.delete(seq);
    let next = this.early.get(this.lastSeq + 1);
    while (next) {
      this.early.delete(next.seq);
      this.apply(next);
      next = this.early.get(this.lastSeq + 1);
    }
    if (this.early.size > 0) this.fillGap();
  }

  private apply(event: LiveEvent): void {
    const cache = this.cache;
    if (!cache) return;
    this.lastSeq = event.seq;
    this.ring.push(event);
    if (this.ring.length > FEED_RING_EVENTS) this.ring.splice(0, this.ring.length - FEED_RING_EVENTS);
    applyToCache(cache, event);
    try {
      this.sink.event(event);
    } catch (err) {
      this.onError(err);
    }
  }

  /** Fill a seq jump (or a bus outage) from the store's event log before anything newer goes out. */
  private fillGap(): void {
    if (this.filling || !this.cache) return;
    this.filling = true;
    const { epoch } = this.cache;
    this.store
      .readEvents(this.blogId, epoch, this.lastSeq)
      .then((events) => {
        this.filling = false;
        if (events === null) {
          // The log no longer holds them: subscribers see the jump (and resubscribe); the cache is rebuilt.
          this.resetFromStore();
          return;
        }
        for (const e of events) if (e.seq > this.lastSeq) this.early.set(e.seq, e);
        const hasGap = this.early.size > 0 && !this.early.has(this.lastSeq + 1);
        if (!hasGap) this.drainEarly();
        else {
          // Events we hold are newer than the store's log: wait for them to be in the log, then retry.
          setTimeout(() => this.fillGap(), 50).unref();
        }
      })
      .catch((err: unknown) => {
        this.filling = false;
        this.onError(err);
        setTimeout(() => this.fillGap(), 500).unref();
      });
  }

  private resetFromStore(): void {
    const early = [...this.early.values()];
    this.store
      .snapshot(this.blogId, FEED_CACHE_ENTRIES)
      .then((snap) => {
        if (!snap) return;
        this.adopt(snap);
        for (const e of early) if (e.seq > this.lastSeq) this.early.set(e.seq, e);
        this.drainEarly();
      })
      .catch((err: unknown) => {
        this.onError(err);
        setTimeout(() => this.resetFromStore(), 500).unref();
      });
  }

  // ---- answers for subscribe -------------------------------------------------------------------

  /** Make sure the cache holds `limit` entries when the blog has that many (deletions can shrink it). */
  async ensureEntries(limit: number): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const cache = this.cache;
      if (!cache || cache.entries.length >= Math.min(limit, cache.total)) return;
      this.refill ??= this.refillCache().finally(() => (this.refill = null));
      await this.refill;
    }
  }

  private async refillCache(): Promise<void> {
    const snap = await this.store.snapshot(this.blogId, FEED_CACHE_ENTRIES);
    const cache = this.cache;
    if (!snap || !cache || snap.epoch !== cache.epoch) return;
    if (snap.seq > this.lastSeq) return; // we are behind the store; the next attempt catches up
    const oldest = this.ring[0]?.seq ?? this.lastSeq + 1;
    if (snap.seq < this.lastSeq && oldest > snap.seq + 1) return;
    const fresh: CacheState = { ...cache, entries: snap.entries, pinned: snap.pinned, total: snap.total };
    for (const e of this.ring) if (e.seq > snap.seq) applyToCache(fresh, e);
    this.cache = fresh;
  }

  /** The snapshot at exactly `lastSeq`. Synchronous, so the caller can join the stream in the same tick. */
  view(limit: number): BlogPage | null {
    const cache = this.cache;
    if (!cache) return null;
    return {
      blog: cache.blog,
      entries: cache.entries.slice(0, limit),
      pinned: cache.pinned,
      hasMore: cache.total > limit,
      cursor: formatCursor(cache.epoch, this.lastSeq),
      seq: this.lastSeq,
    };
  }

  /**
   * Every event after `cursor` up to `lastSeq`, or null when they cannot all be had. Call `resumeFrom`
   * synchronously with the result of `fetchForResume`, so the answer ends exactly at `lastSeq`.
   */
  async fetchForResume(cursor: string): Promise<LiveEvent[] | null> {
    const c = parseCursor(cursor);
    const cache = this.cache;
    if (!c || !cache || c.epoch !== cache.epoch || c.seq > this.lastSeq) return null;
    if (this.ringHolds(c.seq)) return [];
    return this.store.readEvents(this.blogId, c.epoch, c.seq);
  }

  resumeFrom(cursor: string, fetched: LiveEvent[]): ResumeResult | null {
    const c = parseCursor(cursor);
    const cache = this.cache;
    if (!c || !cache || c.epoch !== cache.epoch || c.seq > this.lastSeq) return null;
    const events = fetched.filter((e) => e.seq > c.seq && e.seq <= this.lastSeq);
    let have = events.length > 0 ? (events[events.length - 1]?.seq ?? c.seq) : c.seq;
    if (have < this.lastSeq) {
      if (!this.ringHolds(have)) return null;
      for (const e of this.ring) if (e.seq > have) events.push(e);
      have = this.lastSeq;
    }
    if (events.length !== this.lastSeq - c.seq) return null;
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

  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    await this.bus.unsubscribe(this.blogId);
  }
}

function applyToCache(cache: CacheState, event: LiveEvent): void {
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
  // An entry older than everything cached while the blog has more is not part of the newest page.
  entries.splice(i, 0, entry);
}
