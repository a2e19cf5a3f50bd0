/** store/connect.ts: the store and bus a config picks, connected and closed as one. */
import { createServer } from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import type { LiveEvent } from '../../src/schema.js';
import { connectStore, type StoreConnection, type StoreLog } from '../../src/store/connect.js';
import { createBlogCommit, makeBlog, newBlogId, newPrefix } from '../helpers/store-fixtures.js';
import { within } from '../helpers/wait.js';

type Line = { obj?: object; msg: string };

function recordingLog(): { log: StoreLog; lines: Line[] } {
  const lines: Line[] = [];
  const warn = (objOrMsg: object | string, msg?: string): void => {
    lines.push(typeof objOrMsg === 'string' ? { msg: objOrMsg } : { obj: objOrMsg, msg: msg ?? '' });
  };
  return { log: { warn }, lines };
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** Creates a blog through the store and returns the event the bus delivered for it. */
async function createBlogAndHear(connection: StoreConnection): Promise<LiveEvent> {
  const blogId = newBlogId('connect');
  let heard: (event: LiveEvent) => void = () => undefined;
  const event = new Promise<LiveEvent>((resolve) => (heard = resolve));
  await connection.bus.subscribe(blogId, { event: (e) => heard(e), reconnected: () => undefined });
  await connection.store.commit(createBlogCommit(makeBlog(blogId)));
  expect((await connection.store.getBlog(blogId))?.id).toBe(blogId);
  return within(5000, 'the blog.updated event on the bus', event);
}

const base = { redisPrefix: 'liveblog:', resumeLogMaxEvents: 100, redisCommandTimeoutMs: 5000 };

describe('connectStore', () => {
  it('without a Redis URL uses the in-memory store and bus, and warns that it is single-instance', async () => {
    const { log, lines } = recordingLog();
    const connection = connectStore({ ...base, redisUrl: undefined }, log);
    await connection.start();
    expect(lines).toEqual([
      {
        msg: 'REDIS_URL is not set: using the embedded in-memory store (single instance only, history is lost on exit)',
      },
    ]);
    expect(await createBlogAndHear(connection)).toMatchObject({ type: 'blog.updated', seq: 1 });
    await connection.close();
  });

  it('with a Redis URL connects a store and a bus on that Redis, and closes both', async () => {
    const { log, lines } = recordingLog();
    const connection = connectStore({ ...base, redisUrl: inject('redisUrl'), redisPrefix: newPrefix() }, log);
    await connection.start();
    expect(await createBlogAndHear(connection)).toMatchObject({ type: 'blog.updated', seq: 1 });
    await connection.close();
    // Closed: the store no longer answers, and says so in the SPEC's words.
    await expect(connection.store.ping()).rejects.toMatchObject({ code: 'unavailable' });
    // The test Redis keeps nothing on disk, which is worth a warning; nothing else is.
    expect(lines.map((l) => l.msg).filter((m) => !/keeps nothing on disk|store unreachable/.test(m))).toEqual(
      [],
    );
  });

  it('fails to start when Redis cannot be reached, logging the client errors instead of throwing them', async () => {
    const { log, lines } = recordingLog();
    const connection = connectStore({ ...base, redisUrl: `redis://127.0.0.1:${await closedPort()}` }, log);
    await expect(connection.start()).rejects.toThrow();
    expect(lines.some((l) => l.msg === 'redis error')).toBe(true);
    await connection.close();
  });
});
