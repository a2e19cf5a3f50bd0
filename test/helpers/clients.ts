/** Real Socket.IO clients and an HTTP helper for protocol tests. */
import { io, type Socket } from 'socket.io-client';
import type { LiveEvent } from '../../src/schema.js';
import { until, within } from './wait.js';

export function connectReader(url: string): Promise<Socket> {
  return connect(io(url, { transports: ['websocket'], reconnection: false, forceNew: true }));
}

export function connectEditor(url: string, token: string): Promise<Socket> {
  return connect(
    io(`${url}/editor`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token } }),
  );
}

function connect(socket: Socket): Promise<Socket> {
  return within(
    5000,
    'socket connect',
    new Promise<Socket>((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', (err) => {
        socket.close();
        reject(err);
      });
    }),
  );
}

/** Emits with an ack and resolves with the ack's payload. */
export function call<T = Record<string, unknown>>(
  socket: Socket,
  event: string,
  payload?: unknown,
): Promise<T> {
  return within(5000, `ack of ${event}`, socket.emitWithAck(event, payload) as Promise<T>);
}

/** Records every `event` a socket receives, in arrival order. */
export class EventLog {
  readonly events: LiveEvent[] = [];
  constructor(socket: Socket) {
    socket.on('event', (e: LiveEvent) => this.events.push(e));
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
export async function connectReconnectingReader(url: string): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 200 });
  await nextEvent(socket, 'connect');
  return socket;
}

/** The next time `socket` emits `name` (with its first argument), within a deadline. */
export function nextEvent<T = unknown>(socket: Socket, name: string, ms = 5000): Promise<T> {
  return within(ms, name, new Promise<T>((resolve) => socket.once(name, (value: T) => resolve(value))));
}
