/**
 * A reader that behaves like the browser client (client/lib/blog-sync.ts): it reconnects by itself,
 * subscribes with its last cursor on every connect, and applies events in `seq` order. Unlike the
 * client it never repairs anything: every gap, duplicate, or entry created twice is recorded as a
 * violation for the test to assert on.
 */
import { io, type Socket } from 'socket.io-client';
import type { Entry, FreshSubscribeAck, LiveEvent, SubscribeAck } from '../../src/schema.js';
import { until } from './wait.js';

/** Retry delay after a refused or unanswered subscribe (e.g. `not_found` while a wiped blog is re-created). */
const RESUBSCRIBE_DELAY_MS = 150;
const SUBSCRIBE_ACK_MS = 5000;

/** What the reader knows since its last fresh snapshot: a resume continues a segment, a snapshot starts one. */
export interface Segment {
  readonly snapshot: FreshSubscribeAck;
  /** The snapshot's entries, then every event applied: what a page would show. */
  readonly entries: Map<string, Entry>;
  /** Every `entry.created` applied in this segment (live or in a resumed answer), in order. */
  readonly created: Entry[];
  /** The seq of every event applied in this segment, in order. */
  readonly seqs: number[];
}

export class TrackingReader {
  readonly segments: Segment[] = [];
  readonly violations: string[] = [];
  /** Every subscribe answer, in order: `fresh`, `resumed` or the error code. */
  readonly answers: string[] = [];
  connects = 0;
  seq = 0;
  cursor: string | undefined;
  private syncing = false;
  private generation = 0;
  private queue: LiveEvent[] = [];

  private constructor(
    readonly url: string,
    readonly socket: Socket,
    readonly blogId: string,
  ) {
    socket.on('connect', () => {
      this.connects += 1;
      this.subscribe();
    });
    socket.on('disconnect', () => {
      // Whatever was in flight belongs to the old connection; the next connect resubscribes.
      this.generation += 1;
      this.syncing = false;
      this.queue = [];
    });
    socket.on('event', (event: LiveEvent) => {
      if (event.blogId !== this.blogId) return;
      if (this.syncing) this.queue.push(event);
      else this.apply(event, 'live');
    });
  }

  /**
   * Connects to `url`, subscribes to `blogId` (limit 100) and resolves once the first snapshot is in.
   * WebSocket only unless `transports` says otherwise (e.g. `['polling']` for a long-polling client).
   */
  static async open(
    url: string,
    blogId: string,
    transports: ('websocket' | 'polling')[] = ['websocket'],
  ): Promise<TrackingReader> {
    const socket = io(url, {
      transports,
      forceNew: true,
      reconnectionDelay: 50,
      reconnectionDelayMax: 200,
    });
    const reader = new TrackingReader(url, socket, blogId);
    await until(`a reader of ${blogId} on ${url} to get its snapshot`, () => reader.synced(), 10_000);
    return reader;
  }

  /** Subscribed and caught up with nothing pending. */
  synced(): boolean {
    return this.socket.connected && !this.syncing && this.segments.length > 0;
  }

  get current(): Segment {
    const segment = this.segments[this.segments.length - 1];
    if (!segment) throw new Error('the reader has no snapshot yet');
    return segment;
  }

  /** How many times each entry was delivered as `entry.created` in the current segment. */
  deliveries(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const entry of this.current.created) counts.set(entry.id, (counts.get(entry.id) ?? 0) + 1);
    return counts;
  }

  close(): void {
    this.generation += 1;
    this.socket.close();
  }

  private subscribe(): void {
    const generation = ++this.generation;
    this.syncing = true;
    const payload = { blogId: this.blogId, limit: 100, ...(this.cursor ? { cursor: this.cursor } : {}) };
    const retry = (): void => {
      setTimeout(() => {
        if (generation === this.generation && this.socket.connected) this.subscribe();
      }, RESUBSCRIBE_DELAY_MS);
    };
    this.socket
      .timeout(SUBSCRIBE_ACK_MS)
      .emit('subscribe', payload, (err: Error | null, ack: SubscribeAck | undefined) => {
        if (generation !== this.generation) return;
        if (err || !ack) {
          this.answers.push('no answer');
          retry();
          return;
        }
        if (!ack.ok) {
          this.answers.push(ack.error.code);
          retry();
          return;
        }
        this.answers.push(ack.resumed ? 'resumed' : 'fresh');
        if (ack.resumed) {
          for (const event of ack.events) this.apply(event, 'resumed');
          if (ack.seq < this.seq)
            this.violations.push(`a resumed answer says seq ${ack.seq} after events up to ${this.seq}`);
          if (ack.seq > this.seq) {
            // SPEC §9: a bounded catch-up says more remains; continue from the cursor reached.
            this.subscribe();
            return;
          }
        } else {
          this.segments.push({
            snapshot: ack,
            entries: new Map(ack.entries.map((e) => [e.id, e])),
            created: [],
            seqs: [],
          });
          this.seq = ack.seq;
          this.cursor = ack.cursor;
        }
        this.syncing = false;
        for (const event of this.queue.splice(0)) this.apply(event, 'live');
      });
  }

  private apply(event: LiveEvent, how: 'live' | 'resumed'): void {
    const segment = this.segments[this.segments.length - 1];
    if (!segment) {
      this.violations.push(`${how} event seq ${event.seq} before any snapshot`);
      return;
    }
    if (event.seq <= this.seq) {
      this.violations.push(`${how} event seq ${event.seq} again (already at ${this.seq})`);
      return;
    }
    if (event.seq !== this.seq + 1) this.violations.push(`${how} event seq ${event.seq} after ${this.seq}`);
    switch (event.type) {
      case 'entry.created':
        if (segment.entries.has(event.entry.id))
          this.violations.push(`entry ${event.entry.id} created while already shown`);
        segment.entries.set(event.entry.id, event.entry);
        segment.created.push(event.entry);
        break;
      case 'entry.updated':
        segment.entries.set(event.entry.id, event.entry);
        break;
      case 'entry.deleted':
        segment.entries.delete(event.entryId);
        break;
      case 'blog.updated':
        break;
    }
    segment.seqs.push(event.seq);
    this.seq = event.seq;
    this.cursor = event.cursor;
  }
}
