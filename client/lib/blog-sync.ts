/**
 * Keeps one blog in sync over a Socket.IO connection (SPEC §3): subscribe with the last cursor on every
 * (re)connect, apply events strictly in seq order, and on a seq jump resubscribe from the cursor.
 * Consumers see each event exactly once, in order, or a fresh snapshot that replaces what they had.
 */
import type {
  ErrorBody,
  FreshSubscribeAck,
  LiveEvent,
  ReadersMessage,
  ResumedSubscribeAck,
} from '../../src/schema.js';
import type { PayloadOf } from '../../src/shared/protocol.js';
import { EventSequence } from './event-sequence.js';
import type { ReaderSocket } from './sockets.js';

export const ACK_TIMEOUT_MS = 10_000;
/** Retries of a subscribe that got no answer wait about this long at first… */
export const RETRY_MIN_DELAY_MS = 1_000;
/** …doubling on each further failure, up to this. */
export const RETRY_MAX_DELAY_MS = 20_000;

/**
 * The wait before retry number `attempt` (0 for the first): exponential, capped, with jitter so that
 * readers cut off together do not come back together. Between half and all of
 * min(RETRY_MAX_DELAY_MS, RETRY_MIN_DELAY_MS · 2^attempt).
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RETRY_MAX_DELAY_MS, RETRY_MIN_DELAY_MS * 2 ** Math.max(0, attempt));
  return ceiling / 2 + (ceiling / 2) * random();
}

/**
 * - `idle`: not subscribed (not connected yet, disconnected, or the subscribe was refused);
 * - `subscribing`: a subscribe is on its way; events that arrive meanwhile are held;
 * - `live`: caught up; events are applied as they come;
 * - `stopped`: for good.
 */
export type SyncState = 'idle' | 'subscribing' | 'live' | 'stopped';

export interface BlogSyncHandlers {
  /** A fresh snapshot: replace everything known about the blog. */
  onFresh(ack: FreshSubscribeAck): void;
  /** The next event, seq = previous + 1. */
  onEvent(event: LiveEvent): void;
  /** Caught up (after a fresh or resumed subscribe). */
  onSynced?(ack: FreshSubscribeAck | ResumedSubscribeAck): void;
  onReaders?(count: number): void;
  onError?(error: ErrorBody): void;
}

export interface BlogSyncOptions {
  /** Where the page already is (from the server-rendered state); omitted = start with a snapshot. */
  seq?: number;
  cursor?: string;
  limit?: number;
}

export class BlogSync {
  private current: SyncState = 'idle';
  private readonly sequence: EventSequence;
  /** Subscribes sent; an answer to any but the latest is ignored. */
  private generation = 0;
  /** Subscribes in a row that got no answer. */
  private failures = 0;
  private readonly onConnect = (): void => this.subscribe();
  private readonly onDisconnect = (): void => this.setState('idle');
  private readonly onEventMessage = (event: LiveEvent): void => this.receive(event);
  private readonly onReadersMessage = (message: ReadersMessage): void => {
    if (message.blogId === this.blogId) this.handlers.onReaders?.(message.count);
  };

  constructor(
    private readonly socket: ReaderSocket,
    readonly blogId: string,
    private readonly handlers: BlogSyncHandlers,
    private readonly options: BlogSyncOptions = {},
  ) {
    this.sequence = new EventSequence((event) => this.handlers.onEvent(event), options);
    socket.on('connect', this.onConnect);
    socket.on('disconnect', this.onDisconnect);
    socket.on('event', this.onEventMessage);
    socket.on('readers', this.onReadersMessage);
    if (socket.connected) this.subscribe();
  }

  get lastSeq(): number {
    return this.sequence.seq;
  }

  get state(): SyncState {
    return this.current;
  }

  /** Stops applying events and leaves the blog's room. */
  stop(): void {
    if (this.current === 'stopped') return;
    this.setState('stopped');
    this.socket.off('connect', this.onConnect);
    this.socket.off('disconnect', this.onDisconnect);
    this.socket.off('event', this.onEventMessage);
    this.socket.off('readers', this.onReadersMessage);
    if (this.socket.connected) this.socket.emit('unsubscribe', { blogId: this.blogId }, () => undefined);
  }

  /** The one place the state changes; `stopped` is for good. */
  private setState(state: SyncState): void {
    if (this.current === 'stopped') return;
    this.current = state;
  }

  private receive(event: LiveEvent): void {
    if (this.current === 'stopped' || event.blogId !== this.blogId) return;
    if (this.current === 'subscribing') this.sequence.hold(event);
    // A jump: something was missed. The event is held; catch up from the cursor.
    else if (this.sequence.offer(event) === 'gap') this.subscribe();
  }

  private subscribe(): void {
    if (this.current === 'stopped' || !this.socket.connected) return;
    this.setState('subscribing');
    const generation = ++this.generation;
    const payload: PayloadOf<'subscribe'> = { blogId: this.blogId };
    if (this.sequence.cursor !== undefined) payload.cursor = this.sequence.cursor;
    if (this.options.limit !== undefined) payload.limit = this.options.limit;
    this.socket.timeout(ACK_TIMEOUT_MS).emit('subscribe', payload, (err, ack) => {
      // A newer subscribe superseded this one, or stop() came first.
      if (generation !== this.generation || this.current === 'stopped') return;
      if (err) {
        window.setTimeout(() => {
          if (generation === this.generation) this.subscribe();
        }, retryDelayMs(this.failures++));
        return;
      }
      this.failures = 0;
      if (!ack.ok) {
        this.setState('idle');
        this.handlers.onError?.(ack.error);
        return;
      }
      if (ack.resumed) {
        // The missed events go through the same path as live ones.
        for (const event of ack.events) {
          if (this.sequence.offer(event) === 'gap') {
            // The server's answer itself has a hole: start over from a snapshot.
            this.sequence.forgetCursor();
            this.subscribe();
            return;
          }
        }
        if (ack.seq > this.sequence.seq) {
          this.sequence.forgetCursor();
          this.subscribe();
          return;
        }
      } else {
        this.sequence.reset(ack.seq, ack.cursor);
        this.handlers.onFresh(ack);
        this.handlers.onReaders?.(ack.readers);
      }
      this.setState('live');
      this.handlers.onSynced?.(ack);
      // Events that came while subscribing; a jump among them means another catch-up.
      if (this.sequence.drain() === 'gap') this.subscribe();
    });
  }
}
