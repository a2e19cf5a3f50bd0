/**
 * Where a consumer is in one blog's event stream, and the rule that keeps it there: events are applied
 * strictly in seq order, each once; an event that arrives early (while subscribing) is held; an event
 * past a gap is held until the missed ones are fetched. Pure: no socket, no DOM, no timers.
 */
import type { LiveEvent } from '../../src/schema.js';

/** What `offer` did with an event. */
export type Offered =
  /** seq = previous + 1: delivered. */
  | 'applied'
  /** seq ≤ previous: delivered before (or covered by a snapshot); ignored. */
  | 'stale'
  /** seq > previous + 1: events are missing. Held; the caller must fetch what was missed. */
  | 'gap';

export class EventSequence {
  private position: number;
  private last: string | undefined;
  private readonly held: LiveEvent[] = [];

  /** `deliver` receives every applied event, in seq order, once. */
  constructor(
    private readonly deliver: (event: LiveEvent) => void,
    start: { seq?: number; cursor?: string } = {},
  ) {
    this.position = start.seq ?? 0;
    this.last = start.cursor;
  }

  /** The seq of the last event applied (or of the snapshot). */
  get seq(): number {
    return this.position;
  }

  /** Where to resume from; undefined = only a fresh snapshot will do. */
  get cursor(): string | undefined {
    return this.last;
  }

  /** How many events are held. */
  get heldCount(): number {
    return this.held.length;
  }

  /** Applies `event` if it is the next one; holds it if events before it are missing. */
  offer(event: LiveEvent): Offered {
    if (event.seq <= this.position) return 'stale';
    if (event.seq !== this.position + 1) {
      this.held.push(event);
      return 'gap';
    }
    this.position = event.seq;
    this.last = event.cursor;
    this.deliver(event);
    return 'applied';
  }

  /** Keeps an event that arrived before the position it follows is known (while subscribing). */
  hold(event: LiveEvent): void {
    this.held.push(event);
  }

  /** A fresh snapshot: the position is the snapshot's; held events at or before it become stale. */
  reset(seq: number, cursor: string): void {
    this.position = seq;
    this.last = cursor;
  }

  /** The cursor cannot be trusted to resume from (the server's answer had a hole): ask for a snapshot. */
  forgetCursor(): void {
    this.last = undefined;
  }

  /**
   * Offers the held events in seq order. Stops at the first gap, keeping that event and the rest held,
   * and returns 'gap'; else everything held was applied or stale, and it returns 'applied'.
   */
  drain(): 'applied' | 'gap' {
    while (this.held.length > 0) {
      const queued = this.held.splice(0).sort((a, b) => a.seq - b.seq);
      for (let i = 0; i < queued.length; i++) {
        const event = queued[i];
        if (event && this.offer(event) === 'gap') {
          this.held.push(...queued.slice(i + 1));
          return 'gap';
        }
      }
    }
    return 'applied';
  }
}
