/**
 * The BlogFeeds of this instance: one per blog with local subscribers, released after an idle grace
 * period, plus the reader-count presence loop shared with the other instances through the store.
 */
import { BlogFeed, type FeedSink } from './feed.js';
import type { ReadersMessage } from './schema.js';
import type { EventBus, Store } from './store/store.js';

/** How often reader counts are exchanged and, when changed, announced (SPEC §3: at most every 2 s). */
export const READERS_INTERVAL_MS = 2000;
/** A feed without subscribers stays subscribed this long, so a reload does not churn Redis. */
export const FEED_IDLE_MS = 30_000;

export interface HubSink extends FeedSink {
  readers(message: ReadersMessage): void;
}

export class FeedHub {
  private readonly feeds = new Map<string, BlogFeed>();
  /** Totals from the last exchange, and the local count that went into them. */
  private readonly totals = new Map<string, { total: number; local: number }>();
  private timer: NodeJS.Timeout | undefined;
  private sink: HubSink = { event: () => undefined, reset: () => undefined, readers: () => undefined };

  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly instanceId: string,
    private readonly onError: (err: unknown) => void,
  ) {}

  setSink(sink: HubSink): void {
    this.sink = sink;
  }

  start(): void {
    this.timer = setInterval(() => void this.exchangeReaders(), READERS_INTERVAL_MS);
    this.timer.unref();
  }

  /** The live feed of a blog (loading it if needed); null when the blog does not exist. */
  async acquire(blogId: string): Promise<BlogFeed | null> {
    let feed = this.feeds.get(blogId);
    if (!feed) {
      feed = new BlogFeed(
        blogId,
        this.store,
        this.bus,
        { event: (e) => this.sink.event(e), reset: (id) => this.sink.reset(id) },
        this.onError,
      );
      this.feeds.set(blogId, feed);
    }
    clearTimeout(feed.idleTimer);
    try {
      await feed.ready;
    } catch (err) {
      this.drop(feed);
      throw err;
    }
    if (!feed.exists) {
      if (feed.subscribers === 0) this.drop(feed);
      return null;
    }
    return feed;
  }

  /** Count a subscriber in; call synchronously with joining the socket to the stream. */
  addSubscriber(feed: BlogFeed): void {
    feed.subscribers += 1;
    clearTimeout(feed.idleTimer);
  }

  removeSubscriber(blogId: string): void {
    const feed = this.feeds.get(blogId);
    if (!feed) return;
    feed.subscribers = Math.max(0, feed.subscribers - 1);
    if (feed.subscribers === 0) {
      clearTimeout(feed.idleTimer);
      feed.idleTimer = setTimeout(() => this.drop(feed), FEED_IDLE_MS);
      feed.idleTimer.unref();
    }
  }

  private drop(feed: BlogFeed): void {
    if (this.feeds.get(feed.blogId) !== feed) return;
    this.feeds.delete(feed.blogId);
    feed.close().catch(this.onError);
  }

  /** The best current estimate of a blog's reader count over all instances. */
  readers(blogId: string): number {
    const local = this.feeds.get(blogId)?.subscribers ?? 0;
    const t = this.totals.get(blogId);
    return t ? Math.max(local, t.total - t.local + local) : local;
  }

  private async exchangeReaders(): Promise<void> {
    const counts = new Map<string, number>();
    for (const [blogId, feed] of this.feeds) counts.set(blogId, feed.subscribers);
    // Blogs we announced before but no longer serve still get a 0 from us, so others' totals drop.
    for (const blogId of this.totals.keys()) if (!counts.has(blogId)) counts.set(blogId, 0);
    if (counts.size === 0) return;
    try {
      const totals = await this.store.reportReaders(this.instanceId, counts, READERS_INTERVAL_MS * 3);
      for (const [blogId, total] of totals) {
        if (!this.feeds.has(blogId)) {
          this.totals.delete(blogId);
          continue;
        }
        const changed = this.totals.get(blogId)?.total !== total;
        this.totals.set(blogId, { total, local: counts.get(blogId) ?? 0 });
        if (changed) this.sink.readers({ blogId, count: total });
      }
    } catch (err) {
      this.onError(err);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    const feeds = [...this.feeds.values()];
    this.feeds.clear();
    await Promise.allSettled(feeds.map((f) => f.close()));
  }
}
