/**
 * Issue 8: what a hostile or sloppy Socket.IO client can no longer do — get no answer, keep writing
 * with an expired token, or flood the server with reads at everyone else's expense.
 */
import { SignJWT } from 'jose';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../helpers/app.js';
import {
  call,
  callUnchecked,
  connectEditor,
  connectReader,
  expectOk,
  expectRefused,
  newBlog,
  type ReaderSocket,
} from '../helpers/clients.js';
import { until, within } from '../helpers/wait.js';

const JWT_SECRET = 'hostile-sockets-jwt-secret-0123';
let app: TestApp;
const opened: ReaderSocket[] = [];

beforeAll(async () => {
  app = await startApp({ env: { JWT_SECRET, READER_REQUESTS_PER_SECOND: '10' } });
});
afterAll(async () => {
  await app.stop();
});
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

async function track<S extends ReaderSocket>(socket: Promise<S>): Promise<S> {
  const s = await socket;
  opened.push(s);
  return s;
}

/** Emits `event` with only a callback, as python-socketio's `call(event)` does. */
function ackOnly(socket: ReaderSocket, event: string): Promise<unknown> {
  const untyped: Socket = socket;
  return within(2000, `an answer to ${event}`, new Promise((resolve) => untyped.emit(event, resolve)));
}

describe('every event that carries an acknowledgement gets an answer', () => {
  it('an event with an ack but no payload is answered invalid', async () => {
    const reader = await track(connectReader(app.url));
    const editor = await track(connectEditor(app.url, app.token));
    for (const event of ['subscribe', 'unsubscribe', 'entries']) {
      expect(await ackOnly(reader, event)).toMatchObject({ ok: false, error: { code: 'invalid' } });
    }
    for (const event of ['blog:upsert', 'entry:create', 'entry:update', 'entry:delete', 'subscribe']) {
      expect(await ackOnly(editor, event)).toMatchObject({ ok: false, error: { code: 'invalid' } });
    }
  });

  it('an unknown event with an ack is answered invalid, on both namespaces', async () => {
    const reader = await track(connectReader(app.url));
    const editor = await track(connectEditor(app.url, app.token));
    for (const socket of [reader, editor]) {
      const untyped: Socket = socket;
      const answer = await within(
        2000,
        'an answer',
        new Promise((resolve) => untyped.emit('entry:publish', { blogId: 'x' }, resolve)),
      );
      expect(answer).toMatchObject({ ok: false, error: { code: 'invalid', message: /unknown event/ } });
    }
    // A reader socket does not have the editor's writes.
    expect(await ackOnly(reader, 'entry:create')).toMatchObject({ ok: false, error: { code: 'invalid' } });
  });
});

describe('a JWT that expires while its socket is open', () => {
  it('stops writing: the next write is unauthorized and the connection closes', async () => {
    const exp = Math.floor(Date.now() / 1000) + 2;
    const token = await new SignJWT({ name: 'Short Lived' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('short-lived')
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(JWT_SECRET));
    const editor = await track(connectEditor(app.url, token));
    const blogId = await newBlog(app, { editor });
    expectOk(await call(editor, 'entry:create', { blogId, body: 'before it expires' }));
    await until('the token to expire', () => Date.now() > exp * 1000, 5000);
    const disconnected = new Promise<void>((resolve) => editor.once('disconnect', () => resolve()));
    expect(expectRefused(await call(editor, 'entry:create', { blogId, body: 'after' })).code).toBe(
      'unauthorized',
    );
    await within(2000, 'the connection to close', disconnected);
    const page = (await (await fetch(`${app.url}/api/blogs/${blogId}/entries`)).json()) as {
      entries: { body: string }[];
    };
    expect(page.entries.map((e) => e.body)).toEqual(['before it expires']);
  });
});

describe('a reader flooding requests', () => {
  it('is answered rate_limited, and other readers and editors are served meanwhile', async () => {
    const blogId = await newBlog(app);
    const flooder = await track(connectReader(app.url));
    const bystander = await track(connectReader(app.url));
    const editor = await track(connectEditor(app.url, app.token));
    const flood = Array.from({ length: 300 }, () => callUnchecked(flooder, 'entries', { blogId }));
    const started = Date.now();
    expectOk(await call(bystander, 'entries', { blogId }));
    expectOk(await call(editor, 'entry:create', { blogId, body: 'still responsive' }));
    expect(Date.now() - started).toBeLessThan(2000);
    const answers = await Promise.all(flood);
    const refused = answers.filter((a) => !a.ok).map((a) => expectRefused(a).code);
    // A burst of twice the rate passes; the rest is refused.
    expect(answers.filter((a) => a.ok).length).toBeLessThanOrEqual(25);
    expect(refused.length).toBeGreaterThanOrEqual(275);
    expect(new Set(refused)).toEqual(new Set(['rate_limited']));
  });
});

describe('idempotency keys of different editors (issue 8.9)', () => {
  it('never collide, whatever the editor ids and keys hold', async () => {
    const sign = (sub: string) =>
      new SignJWT({ name: sub })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(sub)
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(JWT_SECRET));
    const blogId = await newBlog(app);
    const first = await track(connectEditor(app.url, await sign('desk:night')));
    const second = await track(connectEditor(app.url, await sign('desk')));
    const a = expectOk(
      await call(first, 'entry:create', { blogId, body: 'from desk:night', idempotencyKey: 'kerry' }),
    );
    const b = expectOk(
      await call(second, 'entry:create', { blogId, body: 'from desk', idempotencyKey: 'night:kerry' }),
    );
    expect(b.duplicate).toBe(false);
    expect(b.entry.id).not.toBe(a.entry.id);
    expect(b.entry.body).toBe('from desk');
  });
});
