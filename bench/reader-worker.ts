/**
 * A reader worker process: holds many readers of one blog and reports what they received.
 *
 * `raw` mode speaks Engine.IO v4 / Socket.IO v5 over `ws` by hand and never JSON-parses an event: it
 * scans the frame bytes for the envelope's `seq` and the headline stamp, so thousands of readers cost
 * little generator CPU. `sio` mode uses the real socket.io-client (full parsing) as latency probes.
 */
import WebSocket from 'ws';
import { io as ioClient, type Socket } from 'socket.io-client';
import { nowMs } from './clock.js';
import { Histogram } from './histogram.js';
import { reconnectBaseDelayMs, RECONNECT_DELAY_MAX_MS } from '../client/lib/sockets.js';
import { frameSeq, frameStamp, headlineStamp, type Stamp } from './payload.js';
import type { ConnectCommand, FromWorker, ReaderMode, ToWorker } from './protocol.js';

const mode: ReaderMode = process.argv[2] === 'sio' ? 'sio' : 'raw';

interface Reader {
  index: number;
  blogId: string;
  close: () => void;
  intendedAt: number;
  subSentAt: number;
  subscribed: boolean;
  settled: boolean;
  open: boolean;
  lastSeq: number;
  unique: number;
  duplicates: number;
  gaps: number;
  disconnected: boolean;
  /** reconnect-storm: the epoch part of the cursor (`<epoch>.<seq>`), to resume from lastSeq. */
  epoch: string | undefined;
  /** Closed, reconnecting, waiting for the resumed answer. */
  resuming: boolean;
  closedAt: number;
  attempt: number;
  resumed: number;
  /** Live events that arrived on a new connection before its resumed answer. */
  held: [number, Stamp | null, number][];
}

let readers: Reader[] = [];
let closing = false;
let frames = 0;
const latency = new Histogram();
const subscribeAck = new Histogram();
const ready = new Histogram();
/** intended connection time → namespace connected (the Socket.IO handshake done). */
const connected = new Histogram();
const errors = new Set<string>();
let minSeq = Number.POSITIVE_INFINITY;
let maxSeq = -1;
let pendingConnect: { cmd: ConnectCommand; timer: NodeJS.Timeout | undefined; done: boolean } | undefined;
// reconnect-storm
let failoverUrls: string[] | undefined;
const resumeSinceClose = new Histogram();
const resumeAck = new Histogram();
let fresh = 0;
let failedAttempts = 0;
let lastResumedAt = -1;

function send(msg: FromWorker): void {
  process.send?.(msg);
}

function noteError(text: string): void {
  if (errors.size < 5) errors.add(text.slice(0, 200));
}

function onSubscribed(r: Reader, ok: boolean, seq: number, errorText: string): void {
  if (r.settled) return;
  r.settled = true;
  const now = nowMs();
  if (pendingConnect?.done) {
    // Subscribed after the connect phase was reported as failed for it: it must not count as a reader
    // (its snapshot is later than the others', so it would show as loss).
    r.close();
    return;
  }
  if (ok && seq >= 0) {
    r.subscribed = true;
    r.lastSeq = seq;
    if (seq < minSeq) minSeq = seq;
    if (seq > maxSeq) maxSeq = seq;
    subscribeAck.record(now - r.subSentAt);
    ready.record(now - r.intendedAt);
  } else {
    noteError(errorText || 'subscribe failed');
    r.close();
  }
  checkConnected();
}

function onFailed(r: Reader, text: string): void {
  if (r.settled) return;
  r.settled = true;
  noteError(text);
  checkConnected();
}

function onEvent(r: Reader, seq: number, stamp: Stamp | null, now: number): void {
  if (!r.subscribed) return;
  if (r.resuming) {
    r.held.push([seq, stamp, now]);
    return;
  }
  if (seq === r.lastSeq + 1) {
    r.unique++;
    r.lastSeq = seq;
  } else if (seq > r.lastSeq) {
    r.gaps += seq - r.lastSeq - 1;
    r.unique++;
    r.lastSeq = seq;
  } else {
    r.duplicates++;
    return;
  }
  if (stamp !== null && stamp.phase === 'm') latency.record(now - stamp.sentMs);
}

function onClosed(r: Reader, why: string): void {
  r.open = false;
  if (!r.settled) onFailed(r, why);
  else if (r.subscribed && !closing) {
    if (failoverUrls && failoverUrls.length > 0) reconnect(r);
    else r.disconnected = true;
  }
}

/**
 * The browser client's reconnection (client/lib/sockets.ts): a base drawn per reader, ±50 % per
 * attempt, doubling, capped; then a subscribe with the cursor of the last event seen.
 */
function reconnect(r: Reader): void {
  if (!r.resuming) {
    r.resuming = true;
    r.closedAt = nowMs();
    r.attempt = 0;
  } else {
    failedAttempts++;
  }
  const base = reconnectBaseDelayMs() * 2 ** r.attempt++;
  const delay = Math.min(RECONNECT_DELAY_MAX_MS, base * (0.5 + Math.random()));
  const urls = failoverUrls ?? [];
  setTimeout(() => {
    if (closing || !r.subscribed) return;
    r.open = true;
    startRaw(r, urls[r.index % urls.length] ?? '', r.blogId);
  }, delay);
}

const CURSOR_RE = /"cursor":"([^"]+)"/g;

/** The epoch of the last top-level `cursor` in an ack frame (only when readers must resume later). */
function noteEpoch(r: Reader, data: Buffer): void {
  let last: string | undefined;
  for (const m of data.toString('utf8').matchAll(CURSOR_RE)) last = m[1];
  const dot = last?.lastIndexOf('.') ?? -1;
  if (last !== undefined && dot > 0) r.epoch = last.slice(0, dot);
}

interface ResumeAck {
  ok?: boolean;
  resumed?: boolean;
  seq?: number;
  cursor?: string;
  events?: { seq: number; entry?: { headline?: string } }[];
}

/** The answer to a resuming subscribe: apply its events, then what arrived meanwhile. */
function onResumeAck(r: Reader, data: Buffer, ws: WebSocket): void {
  const now = nowMs();
  let ack: ResumeAck | undefined;
  try {
    const parsed = JSON.parse(data.toString('utf8', data.indexOf(0x5b /* [ */))) as ResumeAck[];
    ack = parsed[0];
  } catch {
    ack = undefined;
  }
  if (!ack?.ok) {
    noteError(`resume: ${data.toString('utf8', 0, 200)}`);
    ws.terminate(); // closes: reconnect() tries again
    return;
  }
  r.resuming = false;
  r.resumed++;
  resumeSinceClose.record(now - r.closedAt);
  resumeAck.record(now - r.subSentAt);
  lastResumedAt = now;
  if (ack.cursor) {
    const dot = ack.cursor.lastIndexOf('.');
    if (dot > 0) r.epoch = ack.cursor.slice(0, dot);
  }
  if (ack.resumed) {
    for (const ev of ack.events ?? []) onEvent(r, ev.seq, headlineStamp(ev.entry?.headline ?? ''), now);
  } else {
    // A fresh snapshot: continuity cannot be checked across it.
    fresh++;
    r.lastSeq = ack.seq ?? r.lastSeq;
  }
  for (const [seq, stamp, at] of r.held.splice(0)) onEvent(r, seq, stamp, at);
}

const EVENT_PREFIX = Buffer.from('42["event",');
const ACK_PREFIX = Buffer.from('430[');
const OK_TRUE = Buffer.from('"ok":true');

function startRaw(r: Reader, url: string, blogId: string): void {
  const ws = new WebSocket(`${url}/socket.io/?EIO=4&transport=websocket`, {
    perMessageDeflate: false,
    skipUTF8Validation: true,
    handshakeTimeout: 15_000,
  });
  const resuming = r.resuming;
  const cursor = resuming && r.epoch !== undefined ? `${r.epoch}.${r.lastSeq}` : undefined;
  const subscribeFrame = `420["subscribe",${JSON.stringify(cursor ? { blogId, cursor } : { blogId })}]`;
  r.close = () => ws.terminate();
  ws.on('message', (data, isBinary) => {
    frames++;
    if (isBinary || !Buffer.isBuffer(data)) return;
    const c0 = data[0];
    if (c0 === 0x34 /* 4: message */) {
      const c1 = data[1];
      if (c1 === 0x32 /* 2: event */) {
        if (data.compare(EVENT_PREFIX, 0, EVENT_PREFIX.length, 0, EVENT_PREFIX.length) === 0) {
          onEvent(r, frameSeq(data), frameStamp(data), nowMs());
        }
      } else if (c1 === 0x33 /* 3: ack */) {
        if (data.compare(ACK_PREFIX, 0, ACK_PREFIX.length, 0, ACK_PREFIX.length) !== 0) return;
        if (resuming) return onResumeAck(r, data, ws);
        if (failoverUrls) noteEpoch(r, data);
        const head = data.subarray(0, 64);
        const ok = head.indexOf(OK_TRUE) >= 0;
        onSubscribed(r, ok, ok ? frameSeq(data, true) : -1, ok ? '' : data.toString('utf8', 0, 200));
      } else if (c1 === 0x30 /* 0: namespace connected */) {
        r.subSentAt = nowMs();
        connected.record(r.subSentAt - r.intendedAt);
        ws.send(subscribeFrame);
      } else if (c1 === 0x34 /* 4: connect error */) {
        onFailed(r, data.toString('utf8', 0, 200));
        ws.terminate();
      }
    } else if (c0 === 0x32 /* 2: ping */) {
      ws.send('3');
    } else if (c0 === 0x30 /* 0: open */) {
      ws.send('40');
    }
  });
  ws.on('error', (err) => {
    if (!resuming) onFailed(r, `ws: ${err.message}`);
  });
  ws.on('close', () => onClosed(r, 'closed before subscribing'));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function startSio(r: Reader, url: string, blogId: string): void {
  const socket: Socket = ioClient(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: 15_000,
  });
  r.close = () => socket.disconnect();
  socket.on('connect', () => {
    r.subSentAt = nowMs();
    connected.record(r.subSentAt - r.intendedAt);
    socket.timeout(15_000).emit('subscribe', { blogId }, (err: Error | null, ack: unknown) => {
      if (err) return onSubscribed(r, false, -1, `subscribe: ${err.message}`);
      const ok = isRecord(ack) && ack.ok === true && typeof ack.seq === 'number';
      onSubscribed(r, ok, ok ? Number(ack.seq) : -1, JSON.stringify(ack).slice(0, 200));
    });
  });
  socket.on('event', (ev: unknown) => {
    frames++;
    const now = nowMs();
    if (!isRecord(ev) || typeof ev.seq !== 'number') return;
    const entry = ev.entry;
    const text = isRecord(entry) && typeof entry.headline === 'string' ? entry.headline : '';
    onEvent(r, ev.seq, headlineStamp(text), now);
  });
  socket.on('readers', () => {
    frames++;
  });
  socket.on('connect_error', (err) => {
    onFailed(r, `connect_error: ${err.message}`);
    onClosed(r, 'connect_error');
  });
  socket.on('disconnect', (reason) => onClosed(r, `disconnect: ${reason}`));
}

function checkConnected(): void {
  const p = pendingConnect;
  if (!p || p.done) return;
  const all = readers.length === p.cmd.count && readers.every((r) => r.settled);
  if (all || nowMs() > p.cmd.deadlineMs) reportConnected();
}

function reportConnected(): void {
  const p = pendingConnect;
  if (!p || p.done) return;
  p.done = true;
  if (p.timer) clearTimeout(p.timer);
  const subscribed = readers.filter((r) => r.subscribed).length;
  send({
    type: 'connected',
    subscribed,
    failed: p.cmd.count - subscribed,
    errors: [...errors],
    subscribeAck: subscribeAck.toData(),
    ready: ready.toData(),
    connected: connected.toData(),
    minSeq: Number.isFinite(minSeq) ? minSeq : -1,
    maxSeq,
  });
}

/** Closes every reader; their late close events must not count against the next run. */
function retireAll(): void {
  closing = true;
  for (const r of readers) {
    r.settled = true;
    r.subscribed = false;
    r.close();
  }
  readers = [];
}

function connect(cmd: ConnectCommand): void {
  // Readers left over from a run that failed half-way must not linger.
  retireAll();
  closing = false;
  frames = 0;
  latency.reset();
  subscribeAck.reset();
  ready.reset();
  connected.reset();
  errors.clear();
  minSeq = Number.POSITIVE_INFINITY;
  maxSeq = -1;
  failoverUrls = cmd.failoverUrls;
  resumeSinceClose.reset();
  resumeAck.reset();
  fresh = 0;
  failedAttempts = 0;
  lastResumedAt = -1;
  pendingConnect = { cmd, timer: undefined, done: false };
  const intervalMs = 1000 / cmd.ratePerSec;
  const start = mode === 'raw' ? startRaw : startSio;
  let next = 0;
  const pump = (): void => {
    const now = nowMs();
    // Open-loop: open every reader whose intended time has come, however far behind we are.
    while (next < cmd.count && cmd.startAtMs + next * intervalMs <= now) {
      const blogId = cmd.blogIds?.length
        ? (cmd.blogIds[((cmd.blogOffset ?? 0) + next) % cmd.blogIds.length] ?? cmd.blogId)
        : cmd.blogId;
      const r: Reader = {
        index: next,
        blogId,
        close: () => undefined,
        intendedAt: cmd.startAtMs + next * intervalMs,
        subSentAt: 0,
        subscribed: false,
        settled: false,
        open: true,
        lastSeq: 0,
        unique: 0,
        duplicates: 0,
        gaps: 0,
        disconnected: false,
        epoch: undefined,
        resuming: false,
        closedAt: 0,
        attempt: 0,
        resumed: 0,
        held: [],
      };
      readers.push(r);
      start(r, cmd.urls[next % cmd.urls.length] ?? '', blogId);
      next++;
    }
    if (next < cmd.count) {
      setTimeout(pump, Math.max(0, Math.min(cmd.startAtMs + next * intervalMs - nowMs(), 50)));
    }
  };
  pump();
  const waitDeadline = (): void => {
    if (!pendingConnect || pendingConnect.done) return;
    if (nowMs() >= cmd.deadlineMs) reportConnected();
    else pendingConnect.timer = setTimeout(waitDeadline, Math.min(cmd.deadlineMs - nowMs() + 1, 1000));
  };
  waitDeadline();
  if (cmd.count === 0) reportConnected();
}

function handle(msg: ToWorker): void {
  switch (msg.type) {
    case 'connect':
      connect(msg);
      break;
    case 'progress': {
      let received = 0;
      let open = 0;
      for (const r of readers) {
        received += r.unique;
        if (r.subscribed && r.open) open++;
      }
      send({ type: 'progress', received, open });
      break;
    }
    case 'collect': {
      let received = 0;
      let lost = 0;
      let gaps = 0;
      let duplicates = 0;
      let disconnected = 0;
      let open = 0;
      let subscribed = 0;
      for (const r of readers) {
        if (!r.subscribed) continue;
        subscribed++;
        received += r.unique;
        lost += Math.max(0, (msg.expectedByBlog?.[r.blogId] ?? msg.expected) - r.unique);
        gaps += r.gaps;
        duplicates += r.duplicates;
        if (r.disconnected) disconnected++;
        if (r.open) open++;
      }
      send({
        type: 'collect',
        readers: subscribed,
        open,
        received,
        lost,
        gaps,
        duplicates,
        disconnected,
        frames,
        latency: latency.toData(),
      });
      break;
    }
    case 'storm': {
      let subscribed = 0;
      let resumed = 0;
      let pending = 0;
      for (const r of readers) {
        if (!r.subscribed) continue;
        subscribed++;
        if (r.resuming) pending++;
        else if (r.resumed > 0) resumed++;
      }
      send({
        type: 'storm',
        subscribed,
        resumed,
        pending,
        fresh,
        failedAttempts,
        resumeSinceClose: resumeSinceClose.toData(),
        resumeAck: resumeAck.toData(),
        lastResumedAt,
      });
      break;
    }
    case 'close': {
      retireAll();
      pendingConnect = undefined;
      send({ type: 'closed' });
      break;
    }
  }
}

process.on('message', (msg: ToWorker) => {
  try {
    handle(msg);
  } catch (err) {
    send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
});
// The orchestrator is gone: nothing left to report to.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
