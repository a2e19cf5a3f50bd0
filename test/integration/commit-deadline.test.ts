/**
 * SPEC §4: `unavailable` means nothing was written, and nothing of it will be written later (issue 8,
 * defect 1). A commit that Redis only gets to run after the caller gave up must change nothing.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisStore } from '../../src/store/redis-store.js';
import { blogIndexKey } from '../../src/store/keys.js';
import { RedisServer } from '../helpers/redis-server.js';
import {
  createBlogCommit,
  createEntryCommit,
  makeBlog,
  makeEntry,
  newBlogId,
  newPrefix,
} from '../helpers/store-fixtures.js';
import { until } from '../helpers/wait.js';

const TIMEOUT_MS = 400;
let server: RedisServer;
let admin: Redis;
let client: Redis;
let store: RedisStore;
const prefix = newPrefix('deadline');

beforeAll(async () => {
  server = await RedisServer.start();
  admin = new Redis(server.url);
  client = new Redis(server.url, { commandTimeout: TIMEOUT_MS, maxRetriesPerRequest: 1 });
  store = new RedisStore(client, { prefix, commandTimeoutMs: TIMEOUT_MS });
  await store.ping();
});
afterAll(async () => {
  client.disconnect();
  admin.disconnect();
  await server.dispose();
});

it('a commit that timed out while Redis paused writes is never applied when Redis resumes', async () => {
  const blogId = newBlogId('paused');
  const blog = makeBlog(blogId);
  expect(await store.commit(createBlogCommit(blog))).toMatchObject({ status: 'ok', seq: 1 });

  await admin.call('CLIENT', 'PAUSE', String(TIMEOUT_MS * 3), 'WRITE');
  const entry = makeEntry(blogId);
  await expect(store.commit(createEntryCommit(entry))).rejects.toThrow();
  const otherBlog = newBlogId('paused-new');
  await expect(store.commit(createBlogCommit(makeBlog(otherBlog)))).rejects.toThrow();

  // Once Redis runs the queued scripts, they find their deadline passed.
  await until(
    'Redis to accept writes again',
    async () => (await admin.set(`${prefix}probe`, '1')) === 'OK',
    5000,
  );
  await until('the queued commits to have run', async () => (await client.ping()) === 'PONG');
  expect(await store.getEntry(blogId, entry.id)).toBeNull();
  expect(await store.head(blogId)).toMatchObject({ seq: 1 });
  expect(await store.getBlog(otherBlog)).toBeNull();
  // The index may name the id it tried (it is written first), but the blog list never shows it.
  expect((await store.listBlogs()).map((b) => b.id)).toEqual([blogId]);
  expect(await admin.zscore(blogIndexKey(prefix), blogId)).toBe('0');

  // And the store works on.
  expect(await store.commit(createEntryCommit(makeEntry(blogId)))).toMatchObject({ status: 'ok', seq: 2 });
});
