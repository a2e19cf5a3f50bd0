/**
 * One blog's live feed on this instance: the only consumer of the blog's bus channel here. It wraps the
 * pure `FeedSequencer` with the I/O that keeps it exact — subscribing to the bus, loading the snapshot,
 * filling `seq` gaps from the store's log and reloading after a wipe, retrying each with backoff — and
 * hands every event, in `seq` order and once, to its output.
 *
 * Its sync state has a name and one place that changes it (`setState`):
 *   loading → live ⇄ filling
 *   live/filling → reloading → live           (a wiped history, or a gap the log no longer holds)
 *   any → closed
 */
import { AppError } from '../errors.js';
import type { BlogPage, LiveEvent } from '../schema.js';
import type { EventBus, EventListener, Store } from '../store/store.js';
import { FEED_CACHE_ENTRIES, FeedSequencer, type ResumeAnswer, type Step } from './sequencer.js';

export type FeedState = 'loading' | 'live' | 'filling' | 'reloading' | 'closed';

export interface FeedOutput {
  /** Deliver one event to every local member of its blog. Called in seq order, once per event. */
  event(event: LiveEvent): void;
  /** The history was wiped and restarted (a new epoch): members must drop their state and start over. */
  reset(blogId: string): void;
}

/** Retry delays of the feed's store reads. */
const GAP_RETRY_MS = 50;
const ERROR_RETRY_MS = 500;
/** How long a subscribe waits for a reload before it answers `unavailable`. */
const RELOAD_WAIT_MS = 2500;

export class BlogFeed implements EventListener {
  private readonly seqr = new FeedSequencer();
  private stateName: FeedState = 'loading';
  private refilling: Promise<void> | null = null;
  /** Set while reloading: what subscribes wait for. */
  private reloaded: Promise<void> | null = null;
  private reloadedResolve: () => void = () => undefined;
  /** Resolves when the feed is live (or the blog is known not to exist). */
  readonly ready: Promise<void>;

  constructor(
    readonly blogId: string,
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly output: FeedOutput,
    private readonly onError: (err: unknown) => void,
  ) {
    this.ready = this.start();
  }

  get state(): FeedState {
    return this.stateName;
  }

  get exists(): boolean {
    return this.seqr.loaded;
  }

  private setState(next: FeedState): void {
    if (this.stateName === 'closed') return;
    this.stateName = next;
  }

  private async start(): Promise<void> {
    await this.bus.subscribe(this.blogId, this);
    const snap = await this.store.snapshot(this.blogId, FEED_CACHE_ENTRIES);
    // A creation event may have made the feed live while the snapshot was on its way; keep that stream.
    if (snap && !this.seqr.holdsEpoch(snap.epoch)) this.run(this.seqr.adopt(snap));
    if (this.seqr.loaded && this.stateName === 'loading') this.setState('live');
  }

  // ---- EventListener (the bus) ---------------------------------------------------------------

  event(event: LiveEvent): void {
    if (this.stateName === 'closed') return;
    const wasLoaded = this.seqr.loaded;
    this.run(this.seqr.offer(event));
    if (!wasLoaded && this.seqr.loaded && this.stateName === 'loading') this.setState('live');
  }

  reconnected(): void {
    this.fillGap();
  }

  /** Carry out what the sequencer answered. */
  private run(step: Step): void {
    for (const event of step.deliver) {
      try {
        this.output.event(event);
      } catch (err) {
        this.onError(err);
      }
    }
    if (step.newEpoch) this.reload();
    else if (step.gap) this.fillGap();
  }

  /** Fill a seq jump (or a bus outage) from the store's event log before anything newer goes out. */
  private fillGap(): void {
    if (this.stateName !== 'live') return;
    const epoch = this.seqr.epoch;
    if (epoch === undefined) return;
    this.setState('filling');
    this.store.readEvents(this.blogId, epoch, this.seqr.seq).then(
      (events) => {
        if (this.stateName !== 'filling') return;
        if (events === null) {
          // The log no longer holds them: rebuild the cache (members see the jump and resubscribe).
          this.reload();
          return;
        }
        const step = this.seqr.fill(events);
        this.setState('live');
        if (step.holeRemains) {
          // Events we hold are newer than the store's log: wait for them to be in the log, then retry.
          this.later(GAP_RETRY_MS, () => this.fillGap());
          return;
        }
        this.run(step);
      },
      (err: unknown) => {
        if (this.stateName !== 'filling') return;
        this.onError(err);
        this.setState('live');
        this.later(ERROR_RETRY_MS, () => this.fillGap());
      },
    );
  }

  /**
   * Start over from a store snapshot, keeping held events that are newer than it. When the snapshot is
   * of another epoch — the history was wiped and restarted, whether an event of the new epoch told us or
   * the log no longer matched our cursor — members are reset: their state belongs to the old history.
   * Subscribes wait for the reload, so none is answered from the old history meanwhile.
   */
  private reload(): void {
    if (this.stateName === 'closed') return;
    this.setState('reloading');
    if (!this.reloaded) {
      this.reloaded = new Promise<void>((resolve) => (this.reloadedResolve = resolve));
    }
    this.store.snapshot(this.blogId, FEED_CACHE_ENTRIES).then(
      (snap) => {
        if (this.stateName !== 'reloading') return;
        this.setState('live');
        // Members of the old history leave before anything of the new one goes out.
        const before = this.seqr.epoch;
        if (snap && before !== undefined && before !== snap.epoch) this.output.reset(this.blogId);
        // Held events newer than the snapshot stay held and go out once in order.
        if (snap) this.run(this.seqr.adopt(snap));
        this.reloadedResolve();
        this.reloaded = null;
      },
      (err: unknown) => {
        if (this.stateName !== 'reloading') return;
        this.onError(err);
        this.later(ERROR_RETRY_MS, () => {
          if (this.stateName === 'reloading') {
            this.setState('live');
            this.reload();
          }
        });
      },
    );
  }

  private later(ms: number, fn: () => void): void {
    setTimeout(() => {
      if (this.stateName !== 'closed') fn();
    }, ms).unref();
  }

  // ---- answers for subscribe -------------------------------------------------------------------

  /**
   * Prepare a resume from `cursor`: read from the store's log what the ring does not hold. Resolves
   * with a function that builds the answer at exactly the last delivered `seq` (call it synchronously
   * with joining the stream; LiveHub does), or null when this cursor cannot be resumed.
   */
  async prepareResume(cursor: string): Promise<(() => ResumeAnswer | null) | null> {
    await this.settled();
    const source = this.seqr.resumeSource(cursor);
    if (!source) return null;
    const fetched =
      source.from === 'log'
        ? await this.store.readEvents(this.blogId, source.epoch, source.seq).catch(() => null)
        : [];
    return fetched ? () => this.seqr.resume(cursor, fetched) : null;
  }

  /** Prepare a fresh answer of `limit` entries; the function builds it at the last delivered `seq`. */
  async prepareFresh(limit: number): Promise<() => BlogPage | null> {
    await this.settled();
    await this.ensureEntries(limit);
    return () => this.seqr.view(limit);
  }

  /** Waits out a reload (briefly: a store that stays away makes the subscribe `unavailable`). */
  private async settled(): Promise<void> {
    const reloaded = this.reloaded;
    if (!reloaded) return;
    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([
      reloaded.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), RELOAD_WAIT_MS))),
    ]);
    clearTimeout(timer);
    if (!waited) throw new AppError('unavailable', 'the blog is being reloaded from the store; try again');
  }

  /** Make sure the cache holds `limit` entries when the blog has that many (deletions can shrink it). */
  private async ensureEntries(limit: number): Promise<void> {
    for (let attempt = 0; attempt < 3 && this.seqr.needsEntries(limit); attempt++) {
      this.refilling ??= this.store
        .snapshot(this.blogId, FEED_CACHE_ENTRIES)
        .then((snap) => {
          if (snap) this.seqr.refill(snap);
        })
        .finally(() => (this.refilling = null));
      await this.refilling;
    }
  }

  async close(): Promise<void> {
    this.stateName = 'closed';
    this.reloadedResolve();
    await this.bus.unsubscribe(this.blogId);
  }
}
