/**
 * Subscription bookkeeping under concurrent calls on one socket (issue 8, defects 3 and 4): the reader
 * count counts sockets, not calls, and the per-socket blog limit holds however the subscribes interleave.
 */
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SUBSCRIPTIONS_PER_SOCKET_MAX } from '../../src/schema.js';
import { startApp, uniqueId, type TestApp } from '../helpers/app.js';
import { api, call, connectReader } from '../helpers/clients.js';
import { until } from '../helpers/wait.js';

type SubscribeAnswer = { ok: boolean; readers?: number; error?: { code: string } };

let app: TestApp;
const opened: Socket[] = [];

beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app.stop();
});
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

async function reader(): Promise<Socket> {
  const socket = await connectReader(app.url);
  opened.push(socket);
  return socket;
}

async function blog(label: string): Promise<string> {
  const id = uniqueId(label);
  const res = await api(app.url, 'PUT', `/api/blogs/${id}`, { token: app.token, body: { title: id } });
  expect(res.status).toBe(201);
  return id;
}

describe('concurrent subscribes on one socket', () => {
  it('count the socket once in the reader count, and release it when it leaves', async () => {
    const blogId = await blog('count-once');
    const greedy = await reader();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => call<SubscribeAnswer>(greedy, 'subscribe', { blogId })),
    );
    expect(answers.every((a) => a.ok)).toBe(true);

    const second = await reader();
    const ack = await call<SubscribeAnswer>(second, 'subscribe', { blogId });
    expect(ack.readers).toBe(2);

    greedy.close();
    second.close();
    const third = await reader();
    await until('the count to drop back to one reader', async () => {
      const a = await call<SubscribeAnswer>(third, 'subscribe', { blogId });
      return a.readers === 1;
    });
  });

  it(`cannot exceed ${SUBSCRIPTIONS_PER_SOCKET_MAX} blogs per socket`, async () => {
    const ids = await Promise.all(
      Array.from({ length: SUBSCRIPTIONS_PER_SOCKET_MAX + 5 }, (_, i) => blog(`limit-${i}`)),
    );
    const socket = await reader();
    const answers = await Promise.all(
      ids.map((blogId) => call<SubscribeAnswer>(socket, 'subscribe', { blogId })),
    );
    expect(answers.filter((a) => a.ok)).toHaveLength(SUBSCRIPTIONS_PER_SOCKET_MAX);
    expect(answers.filter((a) => !a.ok).map((a) => a.error?.code)).toEqual(
      Array.from({ length: 5 }, () => 'rate_limited'),
    );
  });

  it('an unsubscribe frees a place for another blog', async () => {
    const ids = await Promise.all(
      Array.from({ length: SUBSCRIPTIONS_PER_SOCKET_MAX + 1 }, (_, i) => blog(`swap-${i}`)),
    );
    const socket = await reader();
    for (const blogId of ids.slice(0, SUBSCRIPTIONS_PER_SOCKET_MAX)) {
      expect((await call<SubscribeAnswer>(socket, 'subscribe', { blogId })).ok).toBe(true);
    }
    const last = ids[SUBSCRIPTIONS_PER_SOCKET_MAX] ?? '';
    expect((await call<SubscribeAnswer>(socket, 'subscribe', { blogId: last })).error?.code).toBe(
      'rate_limited',
    );
    await call(socket, 'unsubscribe', { blogId: ids[0] });
    expect((await call<SubscribeAnswer>(socket, 'subscribe', { blogId: last })).ok).toBe(true);
  });
});

describe('a resume', () => {
  it('that would carry megabytes of events is answered with a fresh snapshot instead (bounded)', async () => {
    const blogId = await blog('big-resume');
    const socket = await reader();
    const first = await call<SubscribeAnswer & { cursor: string }>(socket, 'subscribe', { blogId });
    const body = 'Kerry and Lavrov meet in London. '.repeat(550); // about 18 KB, 36 KB per event
    for (let i = 0; i < 60; i += 20) {
      await Promise.all(
        Array.from({ length: 20 }, () =>
          api(app.url, 'POST', `/api/blogs/${blogId}/entries`, { token: app.token, body: { body } }),
        ),
      );
    }
    const again = await reader();
    const answer = await call<{ resumed: boolean; entries?: unknown[]; events?: unknown[] }>(
      again,
      'subscribe',
      {
        blogId,
        cursor: first.cursor,
      },
    );
    expect(answer.resumed).toBe(false);
    expect(answer.entries).toHaveLength(20);
    expect(JSON.stringify(answer).length).toBeLessThan(1024 * 1024);

    // A small gap is still resumed.
    const cursor = (answer as unknown as { cursor: string }).cursor;
    await api(app.url, 'POST', `/api/blogs/${blogId}/entries`, { token: app.token, body: { body: 'short' } });
    const third = await reader();
    const small = await call<{ resumed: boolean; events?: unknown[] }>(third, 'subscribe', {
      blogId,
      cursor,
    });
    expect(small.resumed).toBe(true);
    expect(small.events).toHaveLength(1);
  });
});
