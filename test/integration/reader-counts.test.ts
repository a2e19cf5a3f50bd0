/**
 * Reader counts (SPEC §3 `readers`) as the fan-out writes them: coalesced to the latest, paced by the
 * room's size, and written to a large room a slice per event-loop turn — every socket still gets each
 * count that goes out exactly once. Real Socket.IO server and clients over loopback.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fanout, readersIntervalMs } from '../../src/realtime/fanout.js';
import type { ReadersMessage } from '../../src/schema.js';
import { until } from '../helpers/wait.js';

const INTERVAL_MS = 400;
const READERS = 7;

let http: HttpServer;
let server: Server;
let fanout: Fanout;
const clients: { socket: ClientSocket; counts: { at: number; message: ReadersMessage }[] }[] = [];

beforeAll(async () => {
  http = createServer();
  server = new Server(http);
  // A slice of 2 sockets per turn: 7 readers take 4 turns.
  fanout = new Fanout([server.of('/')], undefined, { intervalMs: () => INTERVAL_MS, socketsPerTurn: 2 });
  server.of('/').on('connection', (socket) => fanout.join(socket, 'blog'));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  for (let i = 0; i < READERS; i++) {
    const socket = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true });
    const client = { socket, counts: [] as { at: number; message: ReadersMessage }[] };
    socket.on('readers', (message: ReadersMessage) => client.counts.push({ at: Date.now(), message }));
    clients.push(client);
  }
  await until(
    'readers joined',
    () => (server.of('/').adapter.rooms.get('blog')?.size ?? 0) === READERS,
    5000,
  );
});

afterAll(async () => {
  for (const c of clients) c.socket.close();
  await server.close();
});

describe('reader counts to a room', () => {
  it('every socket gets each count once; counts sent within the interval are coalesced to the latest', async () => {
    const start = Date.now();
    fanout.readers({ blogId: 'blog', count: 1 });
    await until('count 1 everywhere', () => clients.every((c) => c.counts.length === 1), 5000);
    // Two more within the interval: only the latest goes out, once the interval has passed.
    fanout.readers({ blogId: 'blog', count: 2 });
    fanout.readers({ blogId: 'blog', count: 3 });
    await until('count 3 everywhere', () => clients.every((c) => c.counts.length === 2), 5000);
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS + 200));
    for (const c of clients) {
      expect(c.counts.map((x) => x.message)).toEqual([
        { blogId: 'blog', count: 1 },
        { blogId: 'blog', count: 3 },
      ]);
      expect(c.counts[1]!.at - start).toBeGreaterThanOrEqual(INTERVAL_MS - 20);
    }
  });

  it('larger rooms hear counts less often: 2 s up to 1,000 sockets, +2 s per 1,000 more, at most 20 s', () => {
    expect(readersIntervalMs(1)).toBe(2000);
    expect(readersIntervalMs(1000)).toBe(2000);
    expect(readersIntervalMs(1001)).toBe(4000);
    expect(readersIntervalMs(5000)).toBe(10_000);
    expect(readersIntervalMs(1_000_000)).toBe(20_000);
  });
});
