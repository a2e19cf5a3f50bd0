/**
 * Issue 9, reader safety: at the default log level the server writes no reader's address — not for a
 * page, an API read, a refused (rate-limited, 404) request nor a Socket.IO reader. The reader connects
 * from its own loopback address (127.0.0.7), so any trace of it in the log is its, not the server's.
 */
import { request } from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createServer, type LiveblogServer } from '../../src/server.js';
import { EDITOR_TOKEN, uniqueId } from '../helpers/app.js';
import { api } from '../helpers/clients.js';

const READER_ADDRESS = '127.0.0.7';
const lines: string[] = [];
let server: LiveblogServer;
let url: string;

beforeAll(async () => {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    EDITOR_TOKENS: `Alice:${EDITOR_TOKEN}`,
    READER_REQUESTS_PER_SECOND: '2',
  });
  expect(config.logLevel).toBe('info'); // the default level is what is tested
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  server = await createServer(config, { logger: pino({ level: config.logLevel }, sink) });
  ({ url } = await server.start());
});
afterAll(async () => {
  await server.stop();
});

/** A GET from the reader's own address. */
function get(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { localAddress: READER_ADDRESS }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the log at the default level', () => {
  it('names no reader address, whatever the reader does', async () => {
    const blogId = uniqueId('privacy');
    await api(url, 'PUT', `/api/blogs/${blogId}`, { token: EDITOR_TOKEN, body: { title: 'Private' } });
    const statuses: number[] = [];
    for (const path of [`/blogs/${blogId}`, `/api/blogs/${blogId}/entries`, '/blogs/nope', '/no/such/page']) {
      statuses.push(await get(path));
    }
    // Past the per-address budget: refused, and still not logged with the address.
    for (let i = 0; i < 8; i++) statuses.push(await get(`/api/blogs/${blogId}`));
    expect(statuses).toContain(200);
    expect(statuses).toContain(404);
    expect(statuses).toContain(429);

    const socket = io(url, { transports: ['websocket'], localAddress: READER_ADDRESS } as Parameters<
      typeof io
    >[1]);
    try {
      const ack: unknown = await socket.timeout(5_000).emitWithAck('subscribe', { blogId });
      expect(ack).toMatchObject({ ok: true });
      socket.emit('no-such-event', { junk: true });
      await socket.timeout(5_000).emitWithAck('subscribe', { blogId: 'NOT A SLUG' });
    } finally {
      socket.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(lines.length).toBeGreaterThan(0); // the log is on: it says the server started
    const log = lines.join('');
    expect(log).not.toContain(READER_ADDRESS);
    expect(log).not.toMatch(/"remoteAddress"|"ip"\s*:/);
  });
});
