/**
 * Subscription bookkeeping under concurrent calls on one socket (issue 8, defects 3 and 4): the reader
 * count counts sockets, not calls, and the per-socket blog limit holds however the subscribes interleave.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SUBSCRIPTIONS_PER_SOCKET_MAX } from '../../src/schema.js';
import { startApp, type TestApp } from '../helpers/app.js';
import {
  api,
  call,
  connectReader,
  expectFresh,
  expectRefused,
  expectResumed,
  newBlog,
  type ReaderSocket,
} from '../helpers/clients.js';
import { until } from '../helpers/wait.js';

let app: TestApp;
const opened: ReaderSocket[] = [];

beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app.stop();
});
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

async function reader(): Promise<ReaderSocket> {
  const socket = await connectReader(app.url);
  opened.push(socket);
  return socket;
}

function blog(label: string): Promise<string> {
  return newBlog(app, { label });
}

describe('concurrent subscribes on one socket', () => {
  it('count the socket once in the reader count, and release it when it leaves', async () => {
    const blogId = await blog('count-once');
    const greedy = await reader();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => call(greedy, 'subscribe', { blogId })),
    );
    expect(answers.every((a) => a.ok)).toBe(true);

    const second = await reader();
    const ack = await call(second, 'subscribe', { blogId });
    expect(expectFresh(ack).readers).toBe(2);

    greedy.close();
    second.close();
    const third = await reader();
    await until('the count to drop back to one reader', async () => {
      return expectFresh(await call(third, 'subscribe', { blogId })).readers === 1;
    });
  });

  it(`cannot exceed ${SUBSCRIPTIONS_PER_SOCKET_MAX} blogs per socket`, async () => {
    const ids = await Promise.all(
      Array.from({ length: SUBSCRIPTIONS_PER_SOCKET_MAX + 5 }, (_, i) => blog(`limit-${i}`)),
    );
    const socket = await reader();
    const answers = await Promise.all(ids.map((blogId) => call(socket, 'subscribe', { blogId })));
    expect(answers.filter((a) => a.ok)).toHaveLength(SUBSCRIPTIONS_PER_SOCKET_MAX);
    expect(answers.filter((a) => !a.ok).map((a) => expectRefused(a).code)).toEqual(
      Array.from({ length: 5 }, () => 'rate_limited'),
    );
  });

  it('an unsubscribe frees a place for another blog', async () => {
    const ids = await Promise.all(
      Array.from({ length: SUBSCRIPTIONS_PER_SOCKET_MAX + 1 }, (_, i) => blog(`swap-${i}`)),
    );
    const socket = await reader();
    for (const blogId of ids.slice(0, SUBSCRIPTIONS_PER_SOCKET_MAX)) {
      expect((await call(socket, 'subscribe', { blogId })).ok).toBe(true);
    }
    const last = ids[SUBSCRIPTIONS_PER_SOCKET_MAX] ?? '';
    expect(expectRefused(await call(socket, 'subscribe', { blogId: last })).code).toBe('rate_limited');
    await call(socket, 'unsubscribe', { blogId: ids[0] ?? '' });
    expect((await call(socket, 'subscribe', { blogId: last })).ok).toBe(true);
  });
});

describe('a resume', () => {
  it('that would carry megabytes of events is answered with a fresh snapshot instead (bounded)', async () => {
    const blogId = await blog('big-resume');
    const socket = await reader();
    const first = expectFresh(await call(socket, 'subscribe', { blogId }));
    const body = 'Kerry and Lavrov meet in London. '.repeat(550); // about 18 KB, 36 KB per event
    for (let i = 0; i < 60; i += 20) {
      await Promise.all(
        Array.from({ length: 20 }, () =>
          api(app.url, 'POST', `/api/blogs/${blogId}/entries`, { token: app.token, body: { body } }),
        ),
      );
    }
    const again = await reader();
    // A fresh snapshot (expectFresh fails the test on a resume), of the usual 20 entries.
    const answer = expectFresh(await call(again, 'subscribe', { blogId, cursor: first.cursor }));
    expect(answer.entries).toHaveLength(20);
    expect(JSON.stringify(answer).length).toBeLessThan(1024 * 1024);

    // A small gap is still resumed.
    const cursor = answer.cursor;
    await api(app.url, 'POST', `/api/blogs/${blogId}/entries`, { token: app.token, body: { body: 'short' } });
    const third = await reader();
    const small = expectResumed(await call(third, 'subscribe', { blogId, cursor }));
    expect(small.events).toHaveLength(1);
  });
});
