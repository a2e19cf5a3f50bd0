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
import type { ReaderSocket } from './sockets.js';

export const ACK_TIMEOUT_MS = 10_000;
const RETRY_DELAY_MS = 1_000;

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
  private seq: number;
  private cursor: string | undefined;
  private syncing = false;
  private stopped = false;
  private generation = 0;
  private readonly queue: LiveEvent[] = [];
  private readonly onConnect = (): void => this.subscribe();
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
    this.seq = options.seq ?? 0;
    this.cursor = options.cursor;
    socket.on('connect', this.onConnect);
    socket.on('event', this.onEventMessage);
    socket.on('readers', this.onReadersMessage);
    if (socket.connected) this.subscribe();
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** Stops applying events and leaves the blog's room. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.socket.off('connect', this.onConnect);
    this.socket.off('event', this.onEventMessage);
    this.socket.off('readers', this.onReadersMessage);
    if (this.socket.connected) this.socket.emit('unsubscribe', { blogId: this.blogId }, () => undefined);
  }

  private receive(event: LiveEvent): void {
    if (this.stopped || event.blogId !== this.blogId) return;
    if (this.syncing) {
      this.queue.push(event);
      return;
    }
    this.apply(event);
  }

  private apply(event: LiveEvent): boolean {
    if (event.seq <= this.seq) return true; // already applied
    if (event.seq !== this.seq + 1) {
      // A jump: something was missed. Keep this one and catch up from the cursor.
      this.queue.push(event);
      this.subscribe();
      return false;
    }
    this.seq = event.seq;
    this.cursor = event.cursor;
    this.handlers.onEvent(event);
    return true;
  }

  private subscribe(): void {
    if (this.stopped || !this.socket.connected) return;
    this.syncing = true;
    const generation = ++this.generation;
    const payload: PayloadOf<'subscribe'> = { blogId: this.blogId };
    if (this.cursor !== undefined) payload.cursor = this.cursor;
    if (this.options.limit !== undefined) payload.limit = this.options.limit;
    this.socket.timeout(ACK_TIMEOUT_MS).emit('subscribe', payload, (err, ack) => {
      if (generation !== this.generation || this.stopped) return; // a newer subscribe superseded this one
      if (err) {
        window.setTimeout(() => {
          if (generation === this.generation) this.subscribe();
        }, RETRY_DELAY_MS);
        return;
      }
      if (!ack.ok) {
        this.syncing = false;
        this.handlers.onError?.(ack.error);
        return;
      }
      if (ack.resumed) {
        for (const event of ack.events) {
          if (event.seq <= this.seq) continue;
          if (event.seq !== this.seq + 1) {
            // The server's answer itself has a hole: start over from a snapshot.
            this.cursor = undefined;
            this.subscribe();
            return;
          }
          this.seq = event.seq;
          this.cursor = event.cursor;
          this.handlers.onEvent(event);
        }
        if (ack.seq > this.seq) {
          this.cursor = undefined;
          this.subscribe();
          return;
        }
      } else {
        this.seq = ack.seq;
        this.cursor = ack.cursor;
        this.handlers.onFresh(ack);
        this.handlers.onReaders?.(ack.readers);
      }
      this.syncing = false;
      this.handlers.onSynced?.(ack);
      this.drain();
    });
  }

  private drain(): void {
    while (!this.syncing && this.queue.length > 0) {
      const queued = this.queue.splice(0).sort((a, b) => a.seq - b.seq);
      for (let i = 0; i < queued.length; i++) {
        const event = queued[i];
        if (event && !this.apply(event)) {
          // apply() re-queued the jumping event and started a resubscribe; keep the rest too.
          this.queue.push(...queued.slice(i + 1));
          return;
        }
      }
    }
  }
}
