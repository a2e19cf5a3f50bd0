/**
 * Redis SIGKILLed and restarted on the same port while editors post through two instances and readers
 * on both listen (SPEC §2, §3, §6). With AOF (appendfsync always) nothing acknowledged is lost and
 * readers go on as if nothing happened; without persistence the history is gone, the blog starts a new
 * epoch when it is re-created, and readers must replace their state with a fresh snapshot.
 */
import { Redis } from 'ioredis';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { SECOND_EDITOR_TOKEN, startApp, uniqueId, type TestApp } from '../helpers/app.js';
import { connectEditor } from '../helpers/clients.js';
import { RedisServer } from '../helpers/redis-server.js';
import { TrackingReader } from '../helpers/tracking-reader.js';
import { until } from '../helpers/wait.js';
import {
  createOverHttp,
  createOverSocket,
  storedEntries,
  upsertOverHttp,
  WriteLoad,
  type WriteOutcome,
} from '../helpers/writes.js';
import {
  expectAcknowledgedStored,
  expectReaderMatchesStore,
  readersCaughtUp,
  tally,
} from './faults-support.js';

const ENV = { REDIS_COMMAND_TIMEOUT_MS: '1000' };

interface Setup {
  redis: RedisServer;
  a: TestApp;
  b: TestApp;
  blogId: string;
  readers: TrackingReader[];
  editorB: Socket;
}

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function setUp(label: string, persistence: 'none' | 'aof'): Promise<Setup> {
  const redis = await RedisServer.start(undefined, { persistence });
  cleanups.push(() => redis.dispose());
  const prefix = `${uniqueId(label)}:`;
  const a = await startApp({ redisUrl: redis.url, prefix, env: ENV });
  cleanups.push(() => a.stop());
  const b = await startApp({ redisUrl: redis.url, prefix, env: ENV });
  cleanups.push(() => b.stop());
  const blogId = uniqueId(`${label}-blog`);
  expect(await upsertOverHttp(a.url, a.token, blogId)).toMatchObject({ ok: true });
  const readers = await Promise.all([a, a, b, b].map((app) => TrackingReader.open(app.url, blogId)));
  cleanups.push(() => readers.forEach((r) => r.close()));
  const editorB = await connectEditor(b.url, SECOND_EDITOR_TOKEN);
  cleanups.push(() => void editorB.close());
  return { redis, a, b, blogId, readers, editorB };
}

/** Posts a marker until it is acknowledged (the store is back), and answers with the store's view then. */
async function markerThenStore(s: Setup, label: string): Promise<Awaited<ReturnType<typeof storedEntries>>> {
  const marker = await until(
    'a write after the restart to succeed',
    async () => {
      const o = await createOverHttp(
        'http@a',
        s.a.url,
        s.a.token,
        s.blogId,
        `${label} marker`,
        `${label}-marker`,
        3000,
      );
      return o.ok && o;
    },
    15_000,
  );
  const stored = await storedEntries(s.a.url, s.blogId);
  expectAcknowledgedStored([marker], stored);
  return stored;
}

describe('Redis killed and restarted while editors post', () => {
  it('with AOF (appendfsync always): every acknowledged write is kept, and every reader gets each event once, in order, without a new snapshot', async () => {
    const s = await setUp('aof', 'aof');
    const load = new WriteLoad('aof', [
      (body, key) => createOverHttp('http@b', s.b.url, s.b.token, s.blogId, body, key),
      (body, key) => createOverSocket('socket@b', s.editorB, s.blogId, body, key),
    ]);
    let outcomes: WriteOutcome[];
    try {
      await until('writes before the kill', () => load.acknowledged().length >= 6, 10_000);
      await s.redis.restart();
      const restarted = Date.now();
      await until('writes after the restart', () => load.acknowledgedSince(restarted).length >= 6, 15_000);
    } finally {
      outcomes = await load.stop();
    }
    // The store could not be reached for a moment: that is `unavailable`, never another error.
    const odd = outcomes.filter((o) => !o.ok && o.code !== 'unavailable');
    expect(
      odd.map((o) => `${o.via}: ${o.code}`),
      `answers: ${JSON.stringify(tally(outcomes))}`,
    ).toEqual([]);

    const stored = await markerThenStore(s, 'aof');
    expectAcknowledgedStored(load.acknowledged(), stored);
    await readersCaughtUp(s.readers, stored.cursor);
    for (const reader of s.readers) expectReaderMatchesStore(reader, stored, { oneSegment: true });
  }, 45_000);

  it('without persistence: the re-created blog starts a new epoch, the old cursor no longer resumes, and every reader replaces its state and ends up with exactly what the store holds', async () => {
    const s = await setUp('wiped', 'none');
    for (let i = 0; i < 3; i++) {
      const o = await createOverHttp(
        'http@a',
        s.a.url,
        s.a.token,
        s.blogId,
        `wiped before ${i}`,
        `before-${i}`,
      );
      expect(o.ok).toBe(true);
    }
    const before = await storedEntries(s.a.url, s.blogId);
    await readersCaughtUp(s.readers, before.cursor);

    // An editor whose blog vanished creates it again, as an editor would.
    const recreate = (): Promise<unknown> => upsertOverHttp(s.a.url, s.a.token, s.blogId);
    const load = new WriteLoad(
      'wiped',
      [
        (body, key) => createOverHttp('http@a', s.a.url, s.a.token, s.blogId, body, key),
        (body, key) => createOverSocket('socket@b', s.editorB, s.blogId, body, key),
      ],
      recreate,
    );
    let restarted = 0;
    try {
      await until('writes before the wipe', () => load.acknowledged().length >= 3, 10_000);
      await s.redis.restart();
      restarted = Date.now();
      await until('writes after the wipe', () => load.acknowledgedSince(restarted).length >= 6, 15_000);
    } finally {
      await load.stop();
    }

    const stored = await markerThenStore(s, 'wiped');
    expect(stored.cursor).not.toBe(before.cursor);
    // Written to the new Redis: kept. (What was acknowledged before the wipe is gone with it.)
    expectAcknowledgedStored(load.acknowledgedSince(restarted), stored);
    const catchUp = await fetch(
      `${s.a.url}/api/blogs/${s.blogId}/events?cursor=${encodeURIComponent(before.cursor)}`,
    );
    expect(await catchUp.json()).toMatchObject({ resumed: false, cursor: stored.cursor, seq: stored.seq });

    await readersCaughtUp(s.readers, stored.cursor);
    for (const reader of s.readers) {
      expectReaderMatchesStore(reader, stored, { oneSegment: false });
      expect(reader.segments.length, 'a fresh snapshot replaced the old state').toBeGreaterThanOrEqual(2);
    }
  }, 45_000);

  it('a wipe the instances missed on their event stream (it reconnects only after the blog was re-created) still gives every reader a fresh snapshot, never the new epoch on top of the old state', async () => {
    const s = await setUp('missed-wipe', 'none');
    for (let i = 0; i < 4; i++) {
      const o = await createOverHttp('http@a', s.a.url, s.a.token, s.blogId, `old ${i}`, `old-${i}`);
      expect(o.ok).toBe(true);
    }
    const before = await storedEntries(s.a.url, s.blogId);
    await readersCaughtUp(s.readers, before.cursor);

    // Drop every event-stream connection and wipe the history in one step; the command connections
    // stay, so the blog is re-created and written before the streams are back (they retry after ~100 ms).
    const admin = new Redis(s.redis.url);
    admin.on('error', () => undefined);
    cleanups.push(() => admin.disconnect());
    await admin.multi().client('KILL', 'TYPE', 'pubsub').flushall().exec();
    expect(await upsertOverHttp(s.a.url, s.a.token, s.blogId)).toMatchObject({ ok: true });
    for (let i = 0; i < 6; i++) {
      const o = await createOverHttp('http@b', s.b.url, s.b.token, s.blogId, `new ${i}`, `new-${i}`);
      expect(o.ok).toBe(true);
    }

    const stored = await storedEntries(s.a.url, s.blogId);
    expect(stored.seq).toBe(7);
    await readersCaughtUp(s.readers, stored.cursor, 8000);
    for (const reader of s.readers) {
      expectReaderMatchesStore(reader, stored, { oneSegment: false });
      expect(reader.segments.length, 'a fresh snapshot replaced the old state').toBeGreaterThanOrEqual(2);
    }
  }, 30_000);
});
