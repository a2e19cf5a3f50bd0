/**
 * The per-reader hot path: delivering one blog's events to every socket of a room.
 *
 * Socket.IO's own broadcast already encodes an event once, but then walks engine.io's per-socket packet
 * queue, flush and drain bookkeeping and writes each frame as header + payload (a `writev`). Profiles put
 * the per-socket write syscall at two thirds of the server's CPU, so this writer
 * - serialises each event once per namespace and frames it once as a WebSocket text frame;
 * - coalesces the events of one event-loop turn: every socket gets one write of all the frames of that
 *   turn (one syscall per socket per turn, however many events a burst holds);
 * - writes those bytes straight to each WebSocket whose engine.io queue is empty, so the order relative
 *   to anything engine.io sent before (the subscribe answer) is kept; any other socket (long-polling,
 *   upgrading, or with packets queued in engine.io) gets the events through Socket.IO as usual.
 * `Fanout` joins sockets to rooms: it writes what is queued for the room first, so a joining socket never
 * receives events that its snapshot already holds.
 */
import type { Namespace, Socket } from 'socket.io';
import WebSocket from 'ws';
import type { LiveOutput } from '../live/live-hub.js';
import { NO_TELEMETRY, type Telemetry } from '../telemetry.js';
import type { LiveEvent, ReadersMessage } from '../schema.js';

/**
 * A reader further behind than this — bytes its WebSocket could not hand to the kernel, plus packets
 * engine.io holds for it (a long-polling session that stopped polling) — is dropped; it reconnects and
 * resumes from its cursor. Every transport has this bound, so memory stays flat whatever clients do.
 */
export const SLOW_READER_BUFFER_MAX_BYTES = 8 * 1024 * 1024;
/** Below this many queued engine.io packets the queue is not measured (it is small by construction). */
const QUEUE_CHECK_PACKETS = 16;

/** The engine.io and ws internals used here, checked at run time (they are not public API). */
interface RawWebSocket {
  readyState: number;
  bufferedAmount: number;
  _sender?: { sendFrame?: (list: Buffer[], cb?: (err?: Error) => void) => void };
}
interface EngineConnection {
  readyState?: string;
  upgrading?: boolean;
  writeBuffer?: { data?: unknown }[];
  transport?: { name?: string; socket?: RawWebSocket };
  close(discard?: boolean): void;
}

const FRAME_OPTIONS = { readOnly: false, mask: false, rsv1: false, opcode: 1, fin: true } as const;
/** ws's frame encoder (the one Socket.IO uses for its own pre-encoded frames); untyped in @types/ws. */
const Sender = (
  WebSocket as unknown as { Sender: { frame(data: Buffer, options: typeof FRAME_OPTIONS): Buffer[] } }
).Sender;
const ignore = (): void => undefined;

/** A WebSocket text frame carrying a Socket.IO EVENT packet of namespace `nsp`. */
function frameOf(nsp: string, name: string, payload: unknown): Buffer {
  const prefix = nsp === '/' ? '42' : `42${nsp},`;
  const data = Buffer.from(`${prefix}${JSON.stringify([name, payload])}`);
  return Buffer.concat(Sender.frame(data, FRAME_OPTIONS));
}

/** Bytes this socket has waiting on the server: engine.io's queue and its WebSocket's buffer. */
function backlogBytes(conn: EngineConnection): number {
  let bytes = conn.transport?.socket?.bufferedAmount ?? 0;
  const queue = conn.writeBuffer ?? [];
  if (queue.length >= QUEUE_CHECK_PACKETS) {
    for (const packet of queue) {
      const data = packet.data;
      bytes += typeof data === 'string' ? data.length : Buffer.isBuffer(data) ? data.length : 0;
    }
  }
  return bytes;
}

/** Drop a reader that is too far behind, discarding what engine.io still holds for it. */
function dropSlowReader(socket: Socket, telemetry: Telemetry, backlog: number): void {
  telemetry.slowReaderDropped(socket.id, backlog);
  // `close(true)`: without discard, engine.io waits for its queue to drain — which an abandoned
  // long-polling session never does.
  (socket.conn as unknown as EngineConnection).close(true);
}

/** The socket's WebSocket when bytes may be written to it directly right now, else null. */
function directSocket(socket: Socket): RawWebSocket | null {
  const conn = socket.conn as unknown as EngineConnection;
  const ws = conn.transport?.socket;
  if (
    conn.transport?.name !== 'websocket' ||
    conn.readyState !== 'open' ||
    conn.upgrading ||
    (conn.writeBuffer?.length ?? 1) > 0 ||
    !ws ||
    ws.readyState !== WebSocket.OPEN ||
    typeof ws._sender?.sendFrame !== 'function'
  ) {
    return null;
  }
  return ws;
}

class RoomWriter<P> {
  /** Payloads queued per room, oldest first. */
  private readonly pending = new Map<string, P[]>();
  private scheduled = false;

  /** Writes Socket.IO events called `name` to the rooms of namespace `nsp`. */
  constructor(
    readonly nsp: Namespace,
    private readonly name: string,
    private readonly telemetry: Telemetry,
    /** The commit time of a payload (ms), for the delivery figures; undefined = not counted. */
    private readonly committedAt?: (payload: P) => number,
  ) {}

  /** Queue one payload for every socket in `room`; it goes out at the end of this event-loop turn. */
  send(room: string, payload: P): void {
    if (!this.nsp.adapter.rooms.get(room)?.size) return;
    const queued = this.pending.get(room);
    if (queued) queued.push(payload);
    else this.pending.set(room, [payload]);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flushAll());
    }
  }

  flushAll(): void {
    this.scheduled = false;
    for (const room of [...this.pending.keys()]) this.flush(room);
  }

  /** Write what is queued for `room` now. */
  flush(room: string): void {
    const payloads = this.pending.get(room);
    if (!payloads) return;
    this.pending.delete(room);
    const sids = this.nsp.adapter.rooms.get(room);
    if (!sids?.size) return;
    let bytes: Buffer | undefined;
    let reached = 0;
    for (const sid of sids) {
      const socket = this.nsp.sockets.get(sid);
      if (!socket) continue;
      const ws = directSocket(socket);
      if (!ws) {
        const backlog = backlogBytes(socket.conn as unknown as EngineConnection);
        if (backlog > SLOW_READER_BUFFER_MAX_BYTES) {
          dropSlowReader(socket, this.telemetry, backlog);
          continue;
        }
        for (const payload of payloads) socket.emit(this.name, payload);
        reached += 1;
        continue;
      }
      if (ws.bufferedAmount > SLOW_READER_BUFFER_MAX_BYTES) {
        dropSlowReader(socket, this.telemetry, ws.bufferedAmount);
        continue;
      }
      bytes ??= Buffer.concat(payloads.map((payload) => frameOf(this.nsp.name, this.name, payload)));
      ws._sender?.sendFrame?.([bytes], ignore);
      reached += 1;
    }
    if (this.committedAt) {
      const now = Date.now();
      for (const payload of payloads) this.telemetry.delivered(reached, now - this.committedAt(payload));
    }
  }
}

/** This instance's live output: events and reader counts to the blog's room in every namespace. */
export class Fanout implements LiveOutput {
  private readonly events: RoomWriter<LiveEvent>[];
  private readonly counts: RoomWriter<ReadersMessage>[];

  constructor(namespaces: Namespace[], telemetry: Telemetry = NO_TELEMETRY) {
    const at = (event: LiveEvent): number => Date.parse(event.at);
    this.events = namespaces.map((nsp) => new RoomWriter<LiveEvent>(nsp, 'event', telemetry, at));
    this.counts = namespaces.map((nsp) => new RoomWriter<ReadersMessage>(nsp, 'readers', telemetry));
  }

  event(event: LiveEvent): void {
    for (const w of this.events) w.send(event.blogId, event);
  }

  readers(message: ReadersMessage): void {
    for (const w of this.counts) w.send(message.blogId, message);
  }

  /** Joins a socket to a blog's room after writing what is queued for that room (its answer covers it). */
  join(socket: Socket, blogId: string): void {
    for (const w of this.events) if (w.nsp === socket.nsp) w.flush(blogId);
    void socket.join(blogId);
  }
}
