/**
 * Issue 8.7: malformed requests are the client's error (400 invalid, never 500 with an error-level log);
 * editor routes check the token before they read a body; a partial body is never held for long.
 */
import { existsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { pino } from 'pino';
import { io as ioClient } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createServer, type LiveblogServer } from '../../src/server.js';
import { EDITOR_TOKEN, uniqueId } from '../helpers/app.js';
import { api } from '../helpers/clients.js';
import { within } from '../helpers/wait.js';

let server: LiveblogServer;
let url = '';
let port = 0;
/** Every log line the server wrote, parsed (pino: 20 debug, 30 info, 40 warn, 50 error). */
const logged: { level: number; msg: string }[] = [];

beforeAll(async () => {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    EDITOR_TOKENS: `Alice Smith:${EDITOR_TOKEN}`,
    EDITOR_WRITES_PER_SECOND: '0',
    READER_REQUESTS_PER_SECOND: '0',
  });
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => void logged.push(JSON.parse(line) as { level: number; msg: string }) },
  );
  server = await createServer(config, { logger });
  ({ url, port } = await server.start());
});
afterAll(() => server.stop());

const errorLevelLines = (): { level: number; msg: string }[] => logged.filter((l) => l.level >= 50);

async function expectInvalid(res: Response, what: string): Promise<void> {
  expect(res.status, what).toBe(400);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code, what).toBe('invalid');
  expect(body.error.message, what).toMatch(/\S/);
}

describe('malformed requests are 400 invalid and never logged at error level', () => {
  it.each([
    '/api/blogs/%E0%A4%A',
    '/api/blogs/%zz',
    '/api/blogs/%zz/entries',
    '/api/blogs/%zz/events?cursor=x',
    '/blogs/%zz',
    '/blogs/%E0%A4%A',
  ])('a malformed percent escape in GET %s', async (path) => {
    logged.length = 0;
    await expectInvalid(await fetch(`${url}${path}`), path);
    expect(errorLevelLines()).toEqual([]);
  });

  // /assets is served only once the browser bundles are built (npm install builds them).
  it.runIf(existsSync('public'))('a malformed percent escape in GET /assets/%zz', async () => {
    logged.length = 0;
    await expectInvalid(await fetch(`${url}/assets/%zz`), '/assets/%zz');
    expect(errorLevelLines()).toEqual([]);
  });

  const auth = { authorization: `Bearer ${EDITOR_TOKEN}` };
  it.each([
    ['an unsupported charset', { 'content-type': 'application/json; charset=ebcdic' }],
    ['Content-Encoding: br on a body that is not brotli', { 'content-encoding': 'br' }],
    ['an unknown Content-Encoding', { 'content-encoding': 'x-unknown' }],
    ['Content-Encoding: compress', { 'content-encoding': 'compress' }],
  ])('%s on an editor write', async (what, headers) => {
    logged.length = 0;
    const id = uniqueId('client-errors');
    const res = await fetch(`${url}/api/blogs/${id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...auth, ...headers },
      body: JSON.stringify({ title: 'never written' }),
    });
    await expectInvalid(res, what);
    expect(errorLevelLines()).toEqual([]);
    expect((await api(url, 'GET', `/api/blogs/${id}`)).status).toBe(404);
  });
});

describe('editor routes check the token before reading the body', () => {
  it.each([
    ['PUT', '/api/blogs/unauth-put'],
    ['POST', '/api/blogs/unauth-post/entries'],
    ['PATCH', '/api/blogs/unauth-patch/entries/01HS'],
    ['DELETE', '/api/blogs/unauth-delete/entries/01HS'],
  ])(
    '%s %s without a token is 401 whatever the body (malformed, bad charset, bad encoding)',
    async (method, path) => {
      const variants: Record<string, string>[] = [
        { 'content-type': 'application/json' },
        { 'content-type': 'application/json; charset=ebcdic' },
        { 'content-type': 'application/json', 'content-encoding': 'x-unknown' },
      ];
      for (const headers of variants) {
        const res = await fetch(`${url}${path}`, { method, headers, body: '{"title": ' });
        expect(res.status, JSON.stringify(headers)).toBe(401);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
      }
    },
  );

  it('an unauthenticated request with a partial body gets 401 at once and its connection is closed', async () => {
    const socket: Socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (d: Buffer) => received.push(d));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const started = Date.now();
    // Promises 100 KB, sends 10 bytes, and never sends the rest.
    socket.write(
      'POST /api/blogs/slow-body/entries HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
        'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"body": "',
    );
    await within(5000, 'the server closing the connection', closed);
    expect(Date.now() - started).toBeLessThan(5000);
    const answer = Buffer.concat(received).toString('utf8');
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect(answer).toContain('"code":"unauthorized"');
  });
});

describe('a request that arrives too slowly is cut off', () => {
  const timeouts = { headersTimeoutMs: 500, requestTimeoutMs: 1000, checkIntervalMs: 100 };
  let slow: LiveblogServer;
  let slowUrl = '';
  let slowPort = 0;
  beforeAll(async () => {
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      EDITOR_TOKENS: `Alice Smith:${EDITOR_TOKEN}`,
      EDITOR_WRITES_PER_SECOND: '0',
      READER_REQUESTS_PER_SECOND: '0',
    });
    slow = await createServer(config, { logger: pino({ level: 'silent' }), httpTimeouts: timeouts });
    ({ url: slowUrl, port: slowPort } = await slow.start());
  });
  afterAll(() => slow.stop());

  /** Sends `text` on a raw connection and resolves with what came back once the server closed it. */
  async function sendAndWaitForClose(text: string): Promise<{ answer: string; ms: number }> {
    const socket: Socket = connect(slowPort, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (d: Buffer) => received.push(d));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const started = Date.now();
    socket.write(text);
    await within(5000, 'the server closing the connection', closed);
    return { answer: Buffer.concat(received).toString('utf8'), ms: Date.now() - started };
  }

  it('an authenticated write whose body stalls gets 408 and its connection closed after the request timeout', async () => {
    const { answer, ms } = await sendAndWaitForClose(
      `PUT /api/blogs/${uniqueId('stalled')} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${EDITOR_TOKEN}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"title": "',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeGreaterThanOrEqual(timeouts.requestTimeoutMs - 100);
    expect(ms).toBeLessThan(timeouts.requestTimeoutMs + 1500);
  });

  it('a request whose headers never end is cut off after the headers timeout', async () => {
    const { answer, ms } = await sendAndWaitForClose(
      'GET /api/blogs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeLessThan(timeouts.headersTimeoutMs + 1500);
  });

  it('a Socket.IO long-polling reader is not affected: it still gets events after the timeouts passed', async () => {
    const blogId = uniqueId('poll');
    const auth = { token: EDITOR_TOKEN };
    expect(
      (await api(slowUrl, 'PUT', `/api/blogs/${blogId}`, { ...auth, body: { title: 't' } })).status,
    ).toBe(201);
    const reader = ioClient(slowUrl, { transports: ['polling'], reconnection: false, forceNew: true });
    try {
      await within(
        5000,
        'connect',
        new Promise((resolve) => reader.once('connect', () => resolve(undefined))),
      );
      const ack = (await reader.emitWithAck('subscribe', { blogId })) as { ok: boolean };
      expect(ack.ok).toBe(true);
      // Idle long enough for a pending long-poll to outlive both timeouts.
      await new Promise((resolve) => setTimeout(resolve, timeouts.requestTimeoutMs * 2));
      const event = new Promise((resolve) => reader.once('event', resolve));
      expect(
        (await api(slowUrl, 'POST', `/api/blogs/${blogId}/entries`, { ...auth, body: { body: 'hi' } }))
          .status,
      ).toBe(201);
      await within(5000, 'the event', event);
      expect(reader.connected).toBe(true);
    } finally {
      reader.close();
    }
  });
});
