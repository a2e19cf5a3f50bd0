/**
 * Real Socket.IO clients, typed with the protocol (src/shared/protocol.ts) as the browser's are, and the
 * HTTP and set-up helpers of the protocol tests.
 */
import { io, type Socket } from 'socket.io-client';
import { expect } from 'vitest';
import type { EditorSocket, ReaderSocket } from '../../client/lib/sockets.js';
import type {
  Entry,
  ErrorBody,
  FreshSubscribeAck,
  LiveEvent,
  ResumedSubscribeAck,
} from '../../src/schema.js';
import type { Ack, AnswerOf, EditorEvent, PayloadOf } from '../../src/shared/protocol.js';
import { uniqueId } from './app.js';
import { until, within } from './wait.js';

export type { EditorSocket, ReaderSocket };

export function connectReader(url: string): Promise<ReaderSocket> {
  return connect(io(url, { transports: ['websocket'], reconnection: false, forceNew: true }));
}

export function connectEditor(url: string, token: string): Promise<EditorSocket> {
  return connect(
    io(`${url}/editor`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token } }),
  );
}

function connect<S extends ReaderSocket>(socket: S): Promise<S> {
  return within(
    5000,
    'socket connect',
    new Promise<S>((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', (err) => {
        socket.close();
        reject(err);
      });
    }),
  );
}

/** Sends a request and resolves with its acknowledgement, typed by the event. */
export function call<E extends EditorEvent>(
  socket: ReaderSocket,
  event: E,
  payload: PayloadOf<E>,
): Promise<AnswerOf<E>> {
  return callUnchecked(socket, event, payload);
}

/** `call` with a payload the types would refuse, for tests of what the server refuses. */
export function callUnchecked<E extends EditorEvent>(
  socket: ReaderSocket,
  event: E,
  payload: unknown,
): Promise<AnswerOf<E>> {
  // TypeScript cannot check an emit whose event name is a type parameter, so this one emit goes through
  // the untyped view of the socket; the signatures above tie event and answer together.
  const untyped: Socket = socket;
  return within(
    5000,
    `ack of ${event}`,
    new Promise<AnswerOf<E>>((resolve) => {
      untyped.emit(event, payload, (answer: AnswerOf<E>) => resolve(answer));
    }),
  );
}

/** A successful acknowledgement, narrowed; throws (failing the test) with the error otherwise. */
export function expectOk<A extends Ack>(ack: A): Extract<A, { ok: true }> {
  if (isOk(ack)) return ack;
  throw new Error(`expected ok: true, got ${JSON.stringify(ack)}`);
}

function isOk<A extends Ack>(ack: A): ack is Extract<A, { ok: true }> {
  return ack.ok;
}

/** The error of a refused request; throws (failing the test) if it was not refused. */
export function expectRefused(ack: Ack): ErrorBody {
  if (!ack.ok) return ack.error;
  throw new Error(`expected ok: false, got ${JSON.stringify(ack)}`);
}

/** A subscribe answer that must be a fresh snapshot. */
export function expectFresh(ack: AnswerOf<'subscribe'>): FreshSubscribeAck {
  if (ack.ok && !ack.resumed) return ack;
  throw new Error(`expected a fresh snapshot, got ${JSON.stringify(ack)}`);
}

/** A subscribe answer that must be a resume. */
export function expectResumed(ack: AnswerOf<'subscribe'>): ResumedSubscribeAck {
  if (ack.ok && ack.resumed) return ack;
  throw new Error(`expected a resumed answer, got ${JSON.stringify(ack)}`);
}

/** Records every `event` a socket receives, in arrival order. */
export class EventLog {
  readonly events: LiveEvent[] = [];
  constructor(socket: ReaderSocket) {
    socket.on('event', (e) => this.events.push(e));
  }
  count(blogId: string): number {
    return this.events.filter((e) => e.blogId === blogId).length;
  }
  waitFor(n: number, blogId?: string, ms = 5000): Promise<LiveEvent[]> {
    return until(
      `${n} events`,
      () => {
        const got = blogId ? this.events.filter((e) => e.blogId === blogId) : this.events;
        return got.length >= n ? got : undefined;
      },
      ms,
    );
  }
}

/**
 * The events a resumed reader holds once it has caught up to `lastSeq`: its answer's, then the live ones.
 * An instance may answer a resume before the newest events reached it over pub/sub; those then arrive
 * live, right after the answer — in order, nothing missed, nothing twice (SPEC §3). Callers assert on the
 * whole sequence.
 */
export async function caughtUp(
  answer: ResumedSubscribeAck,
  log: EventLog,
  blogId: string,
  lastSeq: number,
): Promise<LiveEvent[]> {
  const missing = lastSeq - answer.seq;
  const live = missing > 0 ? (await log.waitFor(missing, blogId)).slice(0, missing) : [];
  return [...answer.events, ...live];
}

export async function api(
  url: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {},
): Promise<{
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string; issues?: unknown[] } };
}> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.raw;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const res = await fetch(`${url}${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** A reader that reconnects by itself, as browsers do, resolved once connected. */
export async function connectReconnectingReader(url: string): Promise<ReaderSocket> {
  const socket: ReaderSocket = io(url, {
    transports: ['websocket'],
    reconnectionDelay: 50,
    reconnectionDelayMax: 200,
  });
  await nextEvent(socket, 'connect');
  return socket;
}

/** The next time `socket` emits `name` (with its first argument), within a deadline. */
export function nextEvent<T = unknown>(socket: ReaderSocket, name: string, ms = 5000): Promise<T> {
  const untyped: Socket = socket;
  return within(ms, name, new Promise<T>((resolve) => untyped.once(name, (value: T) => resolve(value))));
}

/**
 * Creates a blog and returns its id (a new one from `label` unless `id` is given; the title defaults to
 * `Blog <id>`): over HTTP with the app's editor token (answered 201), or through `editor` with
 * blog:upsert (answered ok: true).
 */
export async function newBlog(
  app: { url: string; token: string },
  options: { id?: string; label?: string; title?: string; editor?: EditorSocket } = {},
): Promise<string> {
  const id = options.id ?? uniqueId(options.label ?? 'blog');
  const title = options.title ?? `Blog ${id}`;
  if (options.editor) {
    expect(await call(options.editor, 'blog:upsert', { id, title })).toMatchObject({ ok: true });
  } else {
    const res = await api(app.url, 'PUT', `/api/blogs/${id}`, { token: app.token, body: { title } });
    expect(res.status).toBe(201);
  }
  return id;
}

/** Posts an entry over HTTP with the app's editor token and returns it; throws unless answered 201. */
export async function newEntry(
  app: { url: string; token: string },
  blogId: string,
  fields: Record<string, unknown> = { body: 'hello' },
): Promise<Entry> {
  const res = await api(app.url, 'POST', `/api/blogs/${blogId}/entries`, { token: app.token, body: fields });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.entry as Entry;
}
