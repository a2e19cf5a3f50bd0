/**
 * Two instances on Redis Sentinel (REDIS_SENTINELS + REDIS_SENTINEL_NAME): the master is SIGKILLed while
 * editors post through both instances and readers on both listen. The sentinel promotes the replica, the
 * instances follow it by themselves, every acknowledged write is on the new master (each commit was
 * acknowledged only once a replica held it), `seq` never repeats and readers go on without a gap, a
 * duplicate or a new snapshot.
 */
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { SECOND_EDITOR_TOKEN, startApp, uniqueId, type TestApp } from '../helpers/app.js';
import { api, connectEditor } from '../helpers/clients.js';
import { RedisServer } from '../helpers/redis-server.js';
import { RedisSentinelSetup } from '../helpers/redis-sentinel.js';
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

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

describe('Redis Sentinel: the master is killed while editors post', () => {
  it('the replica is promoted, writes succeed again, every acknowledged entry is kept, seq never repeats and every reader goes on with no gap and no duplicate', async () => {
    const sentinel = await RedisSentinelSetup.start();
    cleanups.push(() => sentinel.dispose());
    const oldMaster = sentinel.master.port;
    const prefix = `${uniqueId('sentinel')}:`;
    const env = { ...sentinel.env, REDIS_COMMAND_TIMEOUT_MS: '1000' };
    const a: TestApp = await startApp({ prefix, env });
    cleanups.push(() => a.stop());
    const b: TestApp = await startApp({ prefix, env });
    cleanups.push(() => b.stop());
    const blogId = uniqueId('sentinel-blog');
    expect(await upsertOverHttp(a.url, a.token, blogId)).toMatchObject({ ok: true });
    const readers = await Promise.all([a, a, b, b].map((app) => TrackingReader.open(app.url, blogId)));
    cleanups.push(() => readers.forEach((r) => r.close()));
    const editorB: Socket = await connectEditor(b.url, SECOND_EDITOR_TOKEN);
    cleanups.push(() => void editorB.close());

    const load = new WriteLoad('sentinel', [
      (body, key) => createOverHttp('http@a', a.url, a.token, blogId, body, key),
      (body, key) => createOverSocket('socket@b', editorB, blogId, body, key),
    ]);
    let outcomes: WriteOutcome[];
    let killed = 0;
    try {
      await until('writes before the kill', () => load.acknowledged().length >= 6, 10_000);
      await sentinel.master.stop(); // SIGKILL
      killed = Date.now();
      await until(
        'the sentinel to promote the replica',
        async () => (await sentinel.masterPort()) !== oldMaster,
        20_000,
      );
      expect(await sentinel.masterPort()).toBe(sentinel.replica.port);
      await until('writes after the failover', () => load.acknowledgedSince(killed).length >= 6, 20_000);
    } finally {
      outcomes = await load.stop();
    }
    // While there was no master, writes answered `unavailable`, never another error.
    const odd = outcomes.filter((o) => !o.ok && o.code !== 'unavailable');
    expect(
      odd.map((o) => `${o.via}: ${o.code}`),
      `answers: ${JSON.stringify(tally(outcomes))}`,
    ).toEqual([]);
    expect(outcomes.some((o) => o.ok && o.at > killed)).toBe(true);

    const marker = await until(
      'a marker write on the new master',
      async () => {
        const o = await createOverHttp('http@a', a.url, a.token, blogId, 'marker', 'sentinel-marker', 3000);
        return o.ok && o;
      },
      15_000,
    );
    const stored = await storedEntries(a.url, blogId);
    expectAcknowledgedStored([...load.acknowledged(), marker], stored);
    // seq never went back or repeated: one event per stored entry plus the blog's creation, numbered 1…n.
    expect(stored.seq).toBe(stored.entries.length + 1);
    await readersCaughtUp(readers, stored.cursor);
    for (const reader of readers) expectReaderMatchesStore(reader, stored, { oneSegment: true });
  }, 60_000);

  it('a write that reaches a replica (as a demoted master is) answers unavailable and writes nothing', async () => {
    const master = await RedisServer.start();
    cleanups.push(() => master.dispose());
    const replica = await RedisServer.start(undefined, {
      args: ['--replicaof', '127.0.0.1', String(master.port)],
    });
    cleanups.push(() => replica.dispose());
    const prefix = `${uniqueId('readonly')}:`;
    const app = await startApp({ redisUrl: replica.url, prefix });
    cleanups.push(() => app.stop());
    const res = await api(app.url, 'PUT', `/api/blogs/${uniqueId('ro')}`, {
      token: app.token,
      body: { title: 'Never written' },
    });
    expect(res.status).toBe(503);
    expect(res.body.error?.code).toBe('unavailable');
    const list = await api(app.url, 'GET', '/api/blogs');
    expect(list.body.blogs).toEqual([]);
  });
});
