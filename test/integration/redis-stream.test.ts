/**
 * SPEC §9: each blog's events are also in the Redis Stream `liveblog:{<blogId>}:stream`, entry id
 * `<seq>-0`, field `event` = the JSON envelope, written in the same atomic step as the publish and
 * trimmed to the resume window — so any Redis client can XREAD / XREADGROUP them.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { blogKeys } from '../../src/store/keys.js';
import { RedisBus, RedisStore } from '../../src/store/redis-store.js';
import {
  createBlogCommit,
  createEntryCommit,
  makeBlog,
  makeEntry,
  newBlogId,
  newPrefix,
  Recorder,
} from '../helpers/store-fixtures.js';

const LOG_MAX = 10;
let redis: Redis;
let sub: Redis;
let store: RedisStore;
let bus: RedisBus;
const prefix = newPrefix('stream');

beforeAll(() => {
  redis = new Redis(inject('redisUrl'));
  sub = new Redis(inject('redisUrl'));
  store = new RedisStore(redis, { prefix, resumeLogMaxEvents: LOG_MAX });
  bus = new RedisBus(sub, prefix);
});
afterAll(async () => {
  await bus.close();
  redis.disconnect();
});

/** [id, event JSON] of every stream entry, oldest first. */
async function streamOf(blogId: string): Promise<[string, string][]> {
  const rows = await redis.xrange(blogKeys(prefix, blogId).stream, '-', '+');
  return rows.map(([id, fields]) => [id, fields[fields.indexOf('event') + 1] ?? '']);
}

it('holds every event, id <seq>-0, the same bytes as the channel, in the same atomic step', async () => {
  const blogId = newBlogId('stream');
  const rec = new Recorder();
  await bus.subscribe(blogId, rec);
  const channelBytes: string[] = [];
  const raw = new Redis(inject('redisUrl'));
  await raw.subscribe(blogKeys(prefix, blogId).channel);
  raw.on('message', (_channel: string, message: string) => channelBytes.push(message));
  try {
    await store.commit(createBlogCommit(makeBlog(blogId)));
    for (let i = 0; i < 3; i++) await store.commit(createEntryCommit(makeEntry(blogId)));
    await rec.waitFor(4);
    const rows = await streamOf(blogId);
    expect(rows.map(([id]) => id)).toEqual(['1-0', '2-0', '3-0', '4-0']);
    expect(rows.map(([, json]) => json)).toEqual(channelBytes);
    expect(JSON.parse(rows[3]?.[1] ?? '{}')).toMatchObject({ v: 1, type: 'entry.created', seq: 4, blogId });
  } finally {
    raw.disconnect();
    await bus.unsubscribe(blogId);
  }
});

it('is trimmed to the resume window, and a consumer group can read and acknowledge it', async () => {
  const blogId = newBlogId('trim');
  await store.commit(createBlogCommit(makeBlog(blogId)));
  const key = blogKeys(prefix, blogId).stream;
  await redis.xgroup('CREATE', key, 'archive', '0');
  for (let i = 0; i < LOG_MAX * 30; i++) await store.commit(createEntryCommit(makeEntry(blogId)));
  const length = await redis.xlen(key);
  // MAXLEN ~ keeps at least the window and trims in whole radix-tree nodes.
  expect(length).toBeGreaterThanOrEqual(LOG_MAX);
  expect(length).toBeLessThan(LOG_MAX * 30);
  const rows = await streamOf(blogId);
  expect(rows.at(-1)?.[0]).toBe(`${LOG_MAX * 30 + 1}-0`);

  const read = (await redis.xreadgroup('GROUP', 'archive', 'worker-1', 'COUNT', 5, 'STREAMS', key, '>')) as
    [string, [string, string[]][]][] | null;
  const ids = read?.[0]?.[1].map(([id]) => id) ?? [];
  expect(ids).toHaveLength(5);
  expect(await redis.xack(key, 'archive', ...ids)).toBe(5);
});
