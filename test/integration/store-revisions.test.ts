/**
 * SPEC §10 revisions at the store: each published version is appended in the same commit as the entry
 * change, read back oldest first, and gone with a deleted entry. One suite, run on MemoryStore and on
 * RedisStore over a real, private Redis (the store contract pattern); then what only Redis has: the
 * revisions hash under the blog's hash tag, and entries and blogs stored before 1.2 read with defaults.
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { revisionOf } from '../../src/commits.js';
import { blogKeys } from '../../src/store/keys.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { RedisStore } from '../../src/store/redis-store.js';
import type { Store } from '../../src/store/store.js';
import {
  createBlogCommit,
  createEntryCommit,
  deleteEntryCommit,
  makeBlog,
  makeEntry,
  newBlogId,
  newPrefix,
  revise,
  updateEntryCommit,
} from '../helpers/store-fixtures.js';

const clients: Redis[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.quit()));
});

function redisStore(prefix = newPrefix('revisions')): { store: RedisStore; redis: Redis; prefix: string } {
  const redis = new Redis(inject('redisUrl'));
  redis.on('error', () => undefined);
  clients.push(redis);
  return { store: new RedisStore(redis, { prefix }), redis, prefix };
}

const factories: [string, () => Store][] = [
  ['MemoryStore', () => new MemoryStore()],
  ['RedisStore', () => redisStore().store],
];

describe.each(factories)('revisions on %s', (_name, factory) => {
  it('every committed version is kept oldest first with its editor and correction; a failed commit keeps none', async () => {
    const store = factory();
    const blog = makeBlog(newBlogId());
    await store.commit(createBlogCommit(blog));
    const v1 = makeEntry(blog.id, { body: 'First', html: '<p>First</p>' });
    expect(await store.commit(createEntryCommit(v1))).toMatchObject({ status: 'ok' });
    expect(await store.getRevisions(blog.id, v1.id)).toEqual([revisionOf(v1)]);

    const v2 = revise(v1, { body: 'Second "quoted" ü 📰', html: '<p>Second</p>' });
    const bob = { id: 'bob', name: 'Bob' };
    const update = updateEntryCommit(v1, v2, {
      putRevisions: [
        { entryId: v1.id, revision: revisionOf(v2, { editor: bob, correction: 'Fixed the name' }) },
      ],
    });
    expect(await store.commit(update)).toMatchObject({ status: 'ok' });
    // A stale version: a conflict, and its revision is not kept.
    const stale = updateEntryCommit(v1, revise(v1, { body: 'Lost' }));
    expect(await store.commit(stale)).toMatchObject({ status: 'conflict' });

    const revisions = await store.getRevisions(blog.id, v1.id);
    expect(revisions?.map((r) => [r.version, r.body, r.editor.id, r.correction])).toEqual([
      [1, 'First', 'alice-smith', null],
      [2, 'Second "quoted" ü 📰', 'bob', 'Fixed the name'],
    ]);
  });

  it('a deleted entry’s revisions are gone (null), an unknown entry has none (null)', async () => {
    const store = factory();
    const blog = makeBlog(newBlogId());
    await store.commit(createBlogCommit(blog));
    const entry = makeEntry(blog.id);
    await store.commit(createEntryCommit(entry));
    expect(await store.getRevisions(blog.id, entry.id)).toHaveLength(1);
    expect(await store.commit(deleteEntryCommit(entry))).toMatchObject({ status: 'ok' });
    expect(await store.getRevisions(blog.id, entry.id)).toBeNull();
    expect(await store.getRevisions(blog.id, 'nope')).toBeNull();
    expect(await store.getRevisions(newBlogId(), entry.id)).toBeNull();
  });
});

describe('revisions on Redis', () => {
  it('live in one hash under the blog’s hash tag and are dropped with the entry in the same commit', async () => {
    const { store, redis, prefix } = redisStore();
    const blog = makeBlog(newBlogId());
    await store.commit(createBlogCommit(blog));
    const entry = makeEntry(blog.id);
    await store.commit(createEntryCommit(entry));
    const k = blogKeys(prefix, blog.id);
    expect(k.revisions).toBe(`${prefix}{${blog.id}}:revisions`);
    expect(JSON.parse((await redis.hget(k.revisions, entry.id)) ?? 'null')).toEqual([revisionOf(entry)]);
    await store.commit(deleteEntryCommit(entry));
    expect(await redis.hexists(k.revisions, entry.id)).toBe(0);
  });

  it('an entry and a blog stored before 1.2 read as corrections [], verification null, summary ""', async () => {
    const { store, redis, prefix } = redisStore();
    const blog = makeBlog(newBlogId());
    await store.commit(createBlogCommit(blog));
    const entry = makeEntry(blog.id);
    await store.commit(createEntryCommit(entry));
    const k = blogKeys(prefix, blog.id);
    const { corrections: _c, verification: _v, ...oldEntry } = entry;
    const { summary: _s, summaryHtml: _h, ...oldBlog } = blog;
    await redis.hset(k.entries, entry.id, JSON.stringify(oldEntry));
    await redis.set(k.blog, JSON.stringify(oldBlog));
    expect(await store.getEntry(blog.id, entry.id)).toEqual(entry);
    expect(await store.getBlog(blog.id)).toEqual(blog);
    const snap = await store.snapshot(blog.id, 10);
    expect(snap?.entries[0]).toEqual(entry);
    expect(snap?.blog).toEqual(blog);
  });
});
