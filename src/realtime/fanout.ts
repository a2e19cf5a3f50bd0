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

/** The payloads of one write, framed once when the first WebSocket needs them. */
class Frames<P> {
  private bytes: Buffer | undefined;
  constructor(
    private readonly nsp: string,
    readonly name: string,
    readonly payloads: readonly P[],
  ) {}
  get frame(): Buffer {
    this.bytes ??= Buffer.concat(this.payloads.map((payload) => frameOf(this.nsp, this.name, payload)));
    return this.bytes;
  }
}

/**
 * Writes `frames` to one socket: straight to its WebSocket when that may be written now, else through
 * Socket.IO; a socket too far behind is dropped instead. True when the socket was written to.
 */
function deliver<P>(socket: Socket, frames: Frames<P>, telemetry: Telemetry): boolean {
  const ws = directSocket(socket);
  if (!ws) {
    const backlog = backlogBytes(socket.conn as unknown as EngineConnection);
    if (backlog > SLOW_READER_BUFFER_MAX_BYTES) {
      dropSlowReader(socket, telemetry, backlog);
      return false;
    }
    for (const payload of frames.payloads) socket.emit(frames.name, payload);
    return true;
  }
  if (ws.bufferedAmount > SLOW_READER_BUFFER_MAX_BYTES) {
    dropSlowReader(socket, telemetry, ws.bufferedAmount);
    return false;
  }
  ws._sender?.sendFrame?.([frames.frame], ignore);
  return true;
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
    const frames = new Frames(this.nsp.name, this.name, payloads);
    let reached = 0;
    for (const sid of sids) {
      const socket = this.nsp.sockets.get(sid);
      if (socket && deliver(socket, frames, this.telemetry)) reached += 1;
    }
    if (this.committedAt) {
      const now = Date.now();
      for (const payload of payloads) this.telemetry.delivered(reached, now - this.committedAt(payload));
    }
  }
}

/**
 * The shortest time between two reader counts sent to a room of `sockets` on this instance: SPEC §3's
 * 2 s up to 1,000 sockets, then 2 s more per 1,000, up to 20 s. A count is one frame to every socket
 * of the room, so in a crowd of 5,000 that changes every 2 s it would cost as much as an entry every 2 s
 * — and arrive more often than anyone can read a number that large. The count sent is always the
 * latest; only how often it goes out depends on the room's size.
 */
export function readersIntervalMs(sockets: number): number {
  return Math.min(20_000, 2000 * Math.max(1, Math.ceil(sockets / 1000)));
}
/** A count goes to this many sockets per event-loop turn, so a large room never holds up the others. */
export const READERS_SOCKETS_PER_TURN = 500;

/** How reader counts go out (tests shorten it). */
export interface ReadersPacing {
  /** The shortest time between two counts to a room of this many sockets. */
  intervalMs(sockets: number): number;
  /** Sockets written per event-loop turn. */
  socketsPerTurn: number;
}

const READERS_PACING: ReadersPacing = {
  intervalMs: readersIntervalMs,
  socketsPerTurn: READERS_SOCKETS_PER_TURN,
};

interface CountRoom {
  /** The latest count not yet sent. */
  latest: ReadersMessage | undefined;
  sentAt: number;
  timer: NodeJS.Timeout | undefined;
  /** A write in progress (it goes out over several turns). */
  writing: boolean;
}

/** Reader counts to the rooms of one namespace: coalesced, paced by room size, written in slices. */
class CountWriter {
  private readonly rooms = new Map<string, CountRoom>();

  constructor(
    readonly nsp: Namespace,
    private readonly telemetry: Telemetry,
    private readonly pacing: ReadersPacing,
  ) {}

  send(message: ReadersMessage): void {
    const room = message.blogId;
    const size = this.nsp.adapter.rooms.get(room)?.size ?? 0;
    let state = this.rooms.get(room);
    if (!state) {
      if (size === 0) return;
      state = { latest: undefined, sentAt: 0, timer: undefined, writing: false };
      this.rooms.set(room, state);
    }
    state.latest = message;
    this.schedule(room, state, size);
  }

  private schedule(room: string, state: CountRoom, size: number): void {
    if (size === 0) {
      this.forget(room, state);
      return;
    }
    if (state.timer || state.writing || !state.latest) return;
    const wait = Math.max(0, state.sentAt + this.pacing.intervalMs(size) - Date.now());
    state.timer = setTimeout(() => {
      state.timer = undefined;
      this.write(room, state);
    }, wait);
    state.timer.unref();
  }

  private write(room: string, state: CountRoom): void {
    const message = state.latest;
    const sids = this.nsp.adapter.rooms.get(room);
    if (!message || !sids?.size) {
      this.forget(room, state);
      return;
    }
    state.latest = undefined;
    state.sentAt = Date.now();
    state.writing = true;
    const frames = new Frames(this.nsp.name, 'readers', [message]);
    const targets = [...sids];
    const slice = (from: number): void => {
      const to = Math.min(targets.length, from + this.pacing.socketsPerTurn);
      for (let i = from; i < to; i++) {
        const socket = this.nsp.sockets.get(targets[i] ?? '');
        if (socket) deliver(socket, frames, this.telemetry);
      }
      if (to < targets.length) {
        setImmediate(() => slice(to));
        return;
      }
      state.writing = false;
      this.schedule(room, state, this.nsp.adapter.rooms.get(room)?.size ?? 0);
    };
    slice(0);
  }

  private forget(room: string, state: CountRoom): void {
    clearTimeout(state.timer);
    state.timer = undefined;
    if (!state.writing) this.rooms.delete(room);
  }
}

/** This instance's live output: events and reader counts to the blog's room in every namespace. */
export class Fanout implements LiveOutput {
  private readonly events: RoomWriter<LiveEvent>[];
  private readonly counts: CountWriter[];

  constructor(
    namespaces: Namespace[],
    telemetry: Telemetry = NO_TELEMETRY,
    pacing: ReadersPacing = READERS_PACING,
  ) {
    const at = (event: LiveEvent): number => Date.parse(event.at);
    this.events = namespaces.map((nsp) => new RoomWriter<LiveEvent>(nsp, 'event', telemetry, at));
    this.counts = namespaces.map((nsp) => new CountWriter(nsp, telemetry, pacing));
  }

  event(event: LiveEvent): void {
    for (const w of this.events) w.send(event.blogId, event);
  }

  readers(message: ReadersMessage): void {
    for (const w of this.counts) w.send(message);
  }

  /** Joins a socket to a blog's room after writing what is queued for that room (its answer covers it). */
  join(socket: Socket, blogId: string): void {
    for (const w of this.events) if (w.nsp === socket.nsp) w.flush(blogId);
    void socket.join(blogId);
  }
}
