/** SPEC §1: the real process — start-up line, config errors, SIGTERM — spawned as `node --import tsx src/main.ts`. */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Entry } from '../../src/schema.js';
import { startApp, uniqueId } from '../helpers/app.js';
import { api, call, connectReader, newBlog } from '../helpers/clients.js';
import { until, within } from '../helpers/wait.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const TOKEN = 'process-test-token-1';
/** A valid environment for one instance on a free loopback port. */
const BASE_ENV = { PORT: '0', HOST: '127.0.0.1', EDITOR_TOKENS: `Desk:${TOKEN}` };

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function launch(env: Record<string, string>): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    // Only what the process needs: nothing of the test runner's own environment leaks into its config.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function listening(running: Running): Promise<string> {
  const url = await until(
    'the "listening on http://" line',
    () => {
      if (running.child.exitCode !== null) throw new Error(`exited early: ${running.stderr()}`);
      return /listening on (http:\/\/\S+)/.exec(running.stdout())?.[1];
    },
    15_000,
  );
  return url;
}

describe('the liveblog process', () => {
  it('with PORT=0 prints "listening on http://HOST:PORT" with the real port, and /readyz answers 200', async () => {
    const running = launch({
      ...BASE_ENV,
      LOG_LEVEL: 'error',
    });
    const url = await listening(running);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url).not.toMatch(/:0$/);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    running.child.kill('SIGTERM');
    expect(await within(10_000, 'exit after SIGTERM', running.exited)).toEqual({ code: 0, signal: null });
  });

  it('without EDITOR_TOKENS or JWT_SECRET prints a generated editor token once, and it works', async () => {
    const running = launch({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error' });
    const url = await listening(running);
    const tokens = [...running.stdout().matchAll(/editor token[^:]*:\s*(\S+)/gi)].map((m) => m[1] ?? '');
    expect(tokens).toHaveLength(1);
    const token = tokens[0] ?? '';
    expect(token.length).toBeGreaterThanOrEqual(16);
    const blogId = uniqueId('generated');
    const put = await api(url, 'PUT', `/api/blogs/${blogId}`, { token, body: { title: 'x' } });
    expect(put.status).toBe(201);
    const wrong = await api(url, 'PUT', `/api/blogs/${blogId}`, { token: 'guess', body: { title: 'x' } });
    expect(wrong.status).toBe(401);
    running.child.kill('SIGTERM');
    expect((await within(10_000, 'exit after SIGTERM', running.exited)).code).toBe(0);
  });

  it.each([
    ['PORT', 'abc'],
    ['REDIS_URL', 'http://x'],
    ['LOG_LEVEL', 'loud'],
    ['EDITOR_TOKENS', 'garbage'],
  ])('with %s=%s exits non-zero with one stderr line naming the variable', async (name, value) => {
    const running = launch({ ...BASE_ENV, [name]: value });
    const { code } = await within(15_000, 'exit on a bad variable', running.exited);
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    const lines = running
      .stderr()
      .split('\n')
      .filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(name);
    expect(running.stdout()).not.toContain('listening on');
  });

  it('on SIGTERM closes client connections, keeps every acknowledged write and exits 0 within 10 s', async () => {
    const prefix = `${uniqueId('process')}:`;
    const redisUrl = inject('redisUrl');
    const running = launch({
      ...BASE_ENV,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: 'error',
    });
    const url = await listening(running);
    const blogId = await newBlog({ url, token: TOKEN }, { title: 't' });
    const reader = await connectReader(url);
    const disconnected = new Promise<void>((resolve) => reader.once('disconnect', () => resolve()));
    expect(await call(reader, 'subscribe', { blogId })).toMatchObject({ ok: true });

    // Writes in flight while the signal arrives: each either failed or was acknowledged and kept.
    const writes = Array.from({ length: 20 }, (_, i) =>
      api(url, 'POST', `/api/blogs/${blogId}/entries`, { token: TOKEN, body: { body: `w${i}` } }).catch(
        () => null,
      ),
    );
    await Promise.race(writes); // the signal arrives once at least one write was answered
    const started = Date.now();
    running.child.kill('SIGTERM');
    const results = await Promise.all(writes);
    expect(await within(10_000, 'exit after SIGTERM', running.exited)).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(10_000);
    await within(5000, 'the reader to be disconnected', disconnected);
    reader.close();

    const acknowledged = results
      .filter((r) => r?.status === 201)
      .map((r) => (r?.body.entry as Entry).id)
      .sort();
    expect(acknowledged.length).toBeGreaterThan(0);
    const next = await startApp({ redisUrl, prefix });
    try {
      const list = await api(next.url, 'GET', `/api/blogs/${blogId}/entries?limit=100`);
      const kept = new Set((list.body.entries as Entry[]).map((e) => e.id));
      for (const id of acknowledged) expect(kept.has(id), `acknowledged entry ${id} was lost`).toBe(true);
    } finally {
      await next.stop();
    }
  });

  it('a reader sending a malformed unsubscribe does not bring the process down', async () => {
    const running = launch({
      ...BASE_ENV,
      LOG_LEVEL: 'error',
    });
    const url = await listening(running);
    const reader = await connectReader(url);
    try {
      // A payload no typed client could send: through the untyped view of the socket.
      const untyped: Socket = reader;
      untyped.emit('unsubscribe', null, () => undefined);
      // a later request on the same connection is answered only after the first one was processed
      const outcome = await Promise.race([
        running.exited.then(() => 'exited'),
        call(reader, 'entries', { blogId: 'nothing-here' }).then(
          () => 'answered',
          () => 'no answer',
        ),
      ]);
      expect(outcome).toBe('answered');
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
    } finally {
      reader.close();
      running.child.kill('SIGTERM');
      await within(10_000, 'exit', running.exited);
    }
  });
});
