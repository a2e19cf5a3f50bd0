/**
 * The store contract (src/store/store.ts), run against every implementation: MemoryStore + MemoryBus,
 * RedisStore + RedisBus on a real, private Redis, and the same on a private 3-master Redis Cluster
 * (sharded: SPUBLISH/SSUBSCRIBE, no cross-slot pipelines). Redis-only guarantees (key layout, the channel bytes,
 * surviving a flush or a restart of Redis) follow in their own blocks.
 */
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DeskMessage, Draft } from '../../src/desk/schema.js';
import type { Entry, LiveEvent } from '../../src/schema.js';
import { blogIndexKey, blogKeys } from '../../src/store/keys.js';
import { MemoryBus, MemoryStore } from '../../src/store/memory-store.js';
import { RedisBus, RedisStore } from '../../src/store/redis-store.js';
import { parseCursor } from '../../src/cursor.js';
import type { EventBus, EventDraft, Store } from '../../src/store/store.js';
import { RedisCluster } from '../helpers/redis-cluster.js';
import { RedisServer } from '../helpers/redis-server.js';
import {
  createBlogCommit,
  createEntryCommit,
  deleteEntryCommit,
  makeBlog,
  makeEntry,
  newBlogId,
  newPrefix,
  Recorder,
  revise,
  updateEntryCommit,
} from '../helpers/store-fixtures.js';
import { until, within } from '../helpers/wait.js';

interface Harness {
  store: Store;
  bus: EventBus;
  close(): Promise<void>;
}

interface HarnessOptions {
  resumeLogMaxEvents?: number;
}

type Factory = (options?: HarnessOptions) => Harness;

/** An ioredis client with the `error` listener every client needs (errors surface as rejected commands). */
function redisClient(url: string, options: RedisOptions = {}): Redis {
  const client = new Redis(url, options);
  client.on('error', () => undefined);
  return client;
}

function redisHarness(
  url: string,
  prefix: string,
  options: HarnessOptions = {},
  clientOptions: { commands?: RedisOptions; subscriber?: RedisOptions } = {},
): Harness & { commands: Redis; subscriber: Redis } {
  const commands = redisClient(url, clientOptions.commands);
  const subscriber = redisClient(url, clientOptions.subscriber);
  const store = new RedisStore(commands, { prefix, ...options });
  const bus = new RedisBus(subscriber, prefix);
  return {
    store,
    bus,
    commands,
    subscriber,
    async close() {
      await bus.close();
      await store.close();
    },
  };
}

/** Started once for this file: the contract's cluster run. */
let cluster: RedisCluster | undefined;
beforeAll(async () => {
  cluster = await RedisCluster.start();
}, 30_000);
afterAll(async () => {
  await cluster?.dispose();
});

function clusterHarness(prefix: string, options: HarnessOptions = {}): Harness {
  if (!cluster) throw new Error('the cluster is not started');
  const commands = new Cluster(cluster.nodes);
  const subscriber = new Cluster(cluster.nodes, { shardedSubscribers: true });
  for (const c of [commands, subscriber]) c.on('error', () => undefined);
  const store = new RedisStore(commands, { prefix, sharded: true, ...options });
  const bus = new RedisBus(subscriber, prefix, undefined, true);
  return {
    store,
    bus,
    async close() {
      await bus.close();
      await store.close();
    },
  };
}

const factories: [string, Factory][] = [
  [
    'MemoryStore + MemoryBus',
    (options = {}) => {
      const store = new MemoryStore(options);
      const bus = new MemoryBus(store);
      return {
        store,
        bus,
        close: async () => Promise.all([bus.close(), store.close()]).then(() => undefined),
      };
    },
  ],
  ['RedisStore + RedisBus', (options = {}) => redisHarness(inject('redisUrl'), newPrefix(), options)],
  [
    'RedisStore + RedisBus on a Redis Cluster',
    (options = {}) => clusterHarness(newPrefix('cluster'), options),
  ],
];

/** The envelope a consumer must see, built independently of src/store/events.ts (keys in SPEC order). */
function envelope(blogId: string, epoch: string, seq: number, draft: EventDraft): string {
  const base = { v: 1, type: draft.type, blogId, seq, cursor: `${epoch}.${seq}`, at: draft.at };
  switch (draft.type) {
    case 'entry.created':
    case 'entry.updated':
      return JSON.stringify({ ...base, entry: draft.entry });
    case 'entry.deleted':
      return JSON.stringify({ ...base, entryId: draft.entryId });
    case 'blog.updated':
      return JSON.stringify({ ...base, blog: draft.blog });
  }
}

function epochOf(cursor: string): string {
  const parsed = parseCursor(cursor);
  if (!parsed) throw new Error(`not a cursor: ${cursor}`);
  return parsed.epoch;
}

const seqs = (events: LiveEvent[]): number[] => events.map((e) => e.seq);
const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe.each(factories)('the store contract on %s', (_name, factory) => {
  const open: Harness[] = [];
  function harness(options?: HarnessOptions): Harness {
    const h = factory(options);
    open.push(h);
    return h;
  }
  afterEach(async () => {
    await Promise.all(open.splice(0).map((h) => h.close()));
  });

  /** A harness, a subscribed recorder, and a created blog (its event is seq 1). */
  async function withBlog(options?: HarnessOptions) {
    const h = harness(options);
    const blog = makeBlog(newBlogId());
    const rec = new Recorder();
    await h.bus.subscribe(blog.id, rec);
    const created = await h.store.commit(createBlogCommit(blog));
    expect(created).toMatchObject({ status: 'ok', seq: 1 });
    const epoch = created.status === 'ok' ? epochOf(created.cursor) : '';
    return { h, store: h.store, blog, blogId: blog.id, rec, epoch };
  }

  async function addEntries(store: Store, blogId: string, n: number, overrides: Partial<Entry>[] = []) {
    const entries: Entry[] = [];
    for (let i = 0; i < n; i++) {
      const entry = makeEntry(blogId, overrides[i] ?? {});
      expect(await store.commit(createEntryCommit(entry))).toMatchObject({ status: 'ok' });
      entries.push(entry);
    }
    return entries;
  }

  /**
   * Proves a rejected commit recorded and published nothing: the next good commit gets exactly
   * `nextSeq`, and the bus has delivered exactly seqs 1..nextSeq, the last being that commit.
   */
  async function expectNothingRecordedBefore(store: Store, rec: Recorder, blogId: string, nextSeq: number) {
    const probe = makeEntry(blogId, { headline: 'probe' });
    expect(await store.commit(createEntryCommit(probe))).toMatchObject({ status: 'ok', seq: nextSeq });
    // Delivery is ordered, so anything the rejected commit published would arrive before the probe.
    const events = await rec.waitFor(nextSeq);
    expect(seqs(events)).toEqual(range(1, nextSeq));
    expect(events[nextSeq - 1]).toMatchObject({ type: 'entry.created', entry: { id: probe.id } });
  }

  describe('commits, seq and the event envelope', () => {
    it('seq starts at 1, grows by exactly 1 per event (multi-event commits too) and cursors are <epoch>.<seq>', async () => {
      const { store, blog, blogId, rec, epoch } = await withBlog();
      expect(epoch).toMatch(/^[A-Za-z0-9]{1,40}$/);

      const a = makeEntry(blogId, { keyEvent: true });
      const r2 = await store.commit(createEntryCommit(a));
      expect(r2).toEqual({ status: 'ok', seq: 2, cursor: `${epoch}.2` });

      // One commit, three events: an update, a create and a blog update.
      const a2 = revise(a, { body: 'updated', html: '<p>updated</p>' });
      const b = makeEntry(blogId);
      const blog2 = { ...blog, title: 'Renamed', updatedAt: new Date().toISOString() };
      const drafts: EventDraft[] = [
        { type: 'entry.updated', at: a2.updatedAt, entry: a2 },
        { type: 'entry.created', at: b.createdAt, entry: b },
        { type: 'blog.updated', at: blog2.updatedAt, blog: blog2 },
      ];
      const r3 = await store.commit({
        blogId,
        requireBlog: true,
        expect: [
          { entryId: a.id, version: 1 },
          { entryId: b.id, version: 0 },
        ],
        putEntries: [a2, b],
        deleteEntries: [],
        putBlog: blog2,
        events: drafts,
      });
      expect(r3).toEqual({ status: 'ok', seq: 5, cursor: `${epoch}.5` });

      const del: EventDraft = { type: 'entry.deleted', at: new Date().toISOString(), entryId: b.id };
      const r6 = await store.commit({ ...deleteEntryCommit(b), events: [del] });
      expect(r6).toEqual({ status: 'ok', seq: 6, cursor: `${epoch}.6` });

      expect(await store.head(blogId)).toEqual({ seq: 6, epoch });
      expect(await store.getBlog(blogId)).toEqual(blog2);
      expect(await store.getEntry(blogId, a.id)).toEqual(a2);
      expect(await store.getEntry(blogId, b.id)).toBeNull();

      const expected = [
        envelope(blogId, epoch, 1, { type: 'blog.updated', at: blog.updatedAt, blog }),
        envelope(blogId, epoch, 2, { type: 'entry.created', at: a.createdAt, entry: a }),
        ...drafts.map((d, i) => envelope(blogId, epoch, 3 + i, d)),
        envelope(blogId, epoch, 6, del),
      ];
      const delivered = await rec.waitFor(6);
      expect(delivered.map((e) => JSON.stringify(e))).toEqual(expected);
      expect(delivered.map((e) => Object.keys(e).slice(0, 6))).toEqual(
        Array(6).fill(['v', 'type', 'blogId', 'seq', 'cursor', 'at']),
      );
      // The resume log holds the very same events.
      const logged = await store.readEvents(blogId, epoch, 0);
      expect(logged?.map((e) => JSON.stringify(e))).toEqual(expected);
    });

    it('a commit with no events writes its changes and leaves seq where it was', async () => {
      const { store, blogId, rec } = await withBlog();
      const entry = makeEntry(blogId);
      const result = await store.commit({ ...createEntryCommit(entry), events: [] });
      expect(result).toMatchObject({ status: 'ok', seq: 1 });
      expect(await store.getEntry(blogId, entry.id)).toEqual(entry);
      await expectNothingRecordedBefore(store, rec, blogId, 2);
    });

    it('20 concurrent commits to one blog get seqs 2..21 with no gap or duplicate, delivered in order', async () => {
      const { store, blogId, rec, epoch } = await withBlog();
      const entries = Array.from({ length: 20 }, () => makeEntry(blogId));
      const results = await Promise.all(entries.map((e) => store.commit(createEntryCommit(e))));
      const got = results.map((r) => (r.status === 'ok' ? r.seq : -1));
      expect([...got].sort((x, y) => x - y)).toEqual(range(2, 21));

      const delivered = await rec.waitFor(21);
      expect(seqs(delivered)).toEqual(range(1, 21));
      // Each event carries the entry of the commit that was given that seq.
      results.forEach((r, i) => {
        if (r.status !== 'ok') throw new Error('commit failed');
        expect(r.cursor).toBe(`${epoch}.${r.seq}`);
        expect(delivered[r.seq - 1]).toMatchObject({ type: 'entry.created', entry: { id: entries[i]?.id } });
      });
      expect(await store.head(blogId)).toEqual({ seq: 21, epoch });
      expect((await store.snapshot(blogId, 100))?.total).toBe(20);
    });
  });

  describe('checks: nothing is written or published when one fails', () => {
    it('an entry commit to an unknown blog is not_found and records nothing', async () => {
      const h = harness();
      const blogId = newBlogId();
      const rec = new Recorder();
      await h.bus.subscribe(blogId, rec);
      const entry = makeEntry(blogId);
      expect(await h.store.commit(createEntryCommit(entry))).toEqual({ status: 'not_found' });
      expect(await h.store.getEntry(blogId, entry.id)).toBeNull();
      expect(await h.store.head(blogId)).toBeNull();
      expect(await h.store.snapshot(blogId, 10)).toBeNull();
      expect(await h.store.getBlog(blogId)).toBeNull();
      expect(await h.store.listBlogs()).toEqual([]);

      // Creating the blog afterwards starts at seq 1, and the bus saw nothing of the rejected commit.
      const blog = makeBlog(blogId);
      expect(await h.store.commit(createBlogCommit(blog))).toMatchObject({ status: 'ok', seq: 1 });
      await expectNothingRecordedBefore(h.store, rec, blogId, 2);
    });

    it('a commit with a stale version is a conflict and writes nothing', async () => {
      const { store, blogId, rec } = await withBlog();
      const [a, b] = await addEntries(store, blogId, 2);
      if (!a || !b) throw new Error('no entries');
      const a2 = revise(a, { body: 'first edit' });
      expect(await store.commit(updateEntryCommit(a, a2))).toMatchObject({ status: 'ok', seq: 4 });

      // Still expects version 1 of `a`, and also writes `b` and a new entry: none of it may land.
      const stale = revise(a, { body: 'lost edit' });
      const b2 = revise(b, { body: 'collateral' });
      const c = makeEntry(blogId);
      const result = await store.commit({
        blogId,
        requireBlog: true,
        expect: [
          { entryId: b.id, version: 1 },
          { entryId: a.id, version: 1 },
        ],
        putEntries: [b2, stale, c],
        deleteEntries: [],
        setPinned: b.id,
        events: [
          { type: 'entry.updated', at: b2.updatedAt, entry: b2 },
          { type: 'entry.updated', at: stale.updatedAt, entry: stale },
          { type: 'entry.created', at: c.createdAt, entry: c },
        ],
      });
      expect(result).toEqual({ status: 'conflict', entryId: a.id });
      expect(await store.getEntry(blogId, a.id)).toEqual(a2);
      expect(await store.getEntry(blogId, b.id)).toEqual(b);
      expect(await store.getEntry(blogId, c.id)).toBeNull();
      const snap = await store.snapshot(blogId, 10);
      expect(snap).toMatchObject({ seq: 4, total: 2, pinned: null });
      await expectNothingRecordedBefore(store, rec, blogId, 5);
    });

    it('creating an entry whose id already exists (expect version 0) is a conflict', async () => {
      const { store, blogId, rec } = await withBlog();
      const [a] = await addEntries(store, blogId, 1);
      if (!a) throw new Error('no entry');
      const clash = { ...a, body: 'other' };
      expect(await store.commit(createEntryCommit(clash))).toEqual({ status: 'conflict', entryId: a.id });
      expect(await store.getEntry(blogId, a.id)).toEqual(a);
      await expectNothingRecordedBefore(store, rec, blogId, 3);
    });

    it('expecting a version of an entry that does not exist is not_found and writes nothing', async () => {
      const { store, blogId, rec } = await withBlog();
      const ghost = makeEntry(blogId);
      expect(await store.commit(updateEntryCommit(ghost, revise(ghost)))).toEqual({ status: 'not_found' });
      expect(await store.commit(deleteEntryCommit(ghost))).toEqual({ status: 'not_found' });
      expect(await store.getEntry(blogId, ghost.id)).toBeNull();
      await expectNothingRecordedBefore(store, rec, blogId, 2);
    });

    it('a commit whose expectPinned does not match is a conflict and writes nothing', async () => {
      const { store, blogId, rec } = await withBlog();
      const [a, b] = await addEntries(store, blogId, 2);
      if (!a || !b) throw new Error('no entries');
      const a2 = revise(a, { pinned: true });
      expect(
        await store.commit(updateEntryCommit(a, a2, { expectPinned: '', setPinned: a.id })),
      ).toMatchObject({ status: 'ok', seq: 4 });

      // Believes nothing is pinned, but `a` is.
      const b2 = revise(b, { pinned: true });
      const result = await store.commit(updateEntryCommit(b, b2, { expectPinned: '', setPinned: b.id }));
      // The conflict names the entry that is pinned now.
      expect(result).toEqual({ status: 'pin_conflict', pinnedId: a.id });
      // Believes `b` is pinned, but `a` is.
      const result2 = await store.commit(updateEntryCommit(b, b2, { expectPinned: b.id, setPinned: '' }));
      expect(result2).toEqual({ status: 'pin_conflict', pinnedId: a.id });

      expect(await store.getEntry(blogId, b.id)).toEqual(b);
      expect((await store.snapshot(blogId, 0))?.pinned).toEqual(a2);
      await expectNothingRecordedBefore(store, rec, blogId, 5);
    });
  });

  describe('idempotency', () => {
    it('a second commit with the same key is a duplicate: the first entry, no write, no event, no seq', async () => {
      const { store, blogId, rec } = await withBlog();
      const first = makeEntry(blogId, { body: 'first try' });
      const idem = (entry: Entry, key = 'alice-smith:k1') => ({ key, ttlSeconds: 60, entry });
      expect(await store.commit(createEntryCommit(first, { idempotency: idem(first) }))).toMatchObject({
        status: 'ok',
        seq: 2,
      });

      const retry = makeEntry(blogId, { body: 'retry' });
      expect(await store.commit(createEntryCommit(retry, { idempotency: idem(retry) }))).toEqual({
        status: 'duplicate',
        entry: first,
      });
      expect(await store.getEntry(blogId, retry.id)).toBeNull();
      expect(await store.head(blogId)).toMatchObject({ seq: 2 });

      const other = makeEntry(blogId, { body: 'another post' });
      expect(
        await store.commit(createEntryCommit(other, { idempotency: idem(other, 'alice-smith:k2') })),
      ).toMatchObject({ status: 'ok', seq: 3 });
      expect(await store.getEntry(blogId, other.id)).toEqual(other);
      await expectNothingRecordedBefore(store, rec, blogId, 4);
    });

    it('a rejected commit does not use up its idempotency key', async () => {
      const h = harness();
      const blogId = newBlogId();
      const entry = makeEntry(blogId);
      const idempotency = { key: 'alice-smith:early', ttlSeconds: 60, entry };
      expect(await h.store.commit(createEntryCommit(entry, { idempotency }))).toEqual({
        status: 'not_found',
      });
      await h.store.commit(createBlogCommit(makeBlog(blogId)));
      expect(await h.store.commit(createEntryCommit(entry, { idempotency }))).toMatchObject({
        status: 'ok',
        seq: 2,
      });
    });
  });

  describe('pinned', () => {
    it('setPinned pins an entry, snapshot.pinned shows it, and "" clears it', async () => {
      const { store, blogId } = await withBlog();
      const [a, b] = await addEntries(store, blogId, 2);
      if (!a || !b) throw new Error('no entries');
      expect((await store.snapshot(blogId, 10))?.pinned).toBeNull();

      const a2 = revise(a, { pinned: true });
      expect(await store.commit(updateEntryCommit(a, a2, { setPinned: a.id }))).toMatchObject({
        status: 'ok',
      });
      expect((await store.snapshot(blogId, 10))?.pinned).toEqual(a2);

      // Pinning b unpins a in the same commit; expectPinned names the current one.
      const a3 = revise(a2, { pinned: false });
      const b2 = revise(b, { pinned: true });
      const moved = await store.commit({
        blogId,
        requireBlog: true,
        expect: [
          { entryId: a.id, version: a2.version },
          { entryId: b.id, version: b.version },
        ],
        expectPinned: a.id,
        setPinned: b.id,
        putEntries: [a3, b2],
        deleteEntries: [],
        events: [
          { type: 'entry.updated', at: a3.updatedAt, entry: a3 },
          { type: 'entry.updated', at: b2.updatedAt, entry: b2 },
        ],
      });
      expect(moved).toMatchObject({ status: 'ok' });
      expect((await store.snapshot(blogId, 10))?.pinned).toEqual(b2);

      const b3 = revise(b2, { pinned: false });
      expect(
        await store.commit(updateEntryCommit(b2, b3, { expectPinned: b.id, setPinned: '' })),
      ).toMatchObject({ status: 'ok' });
      expect((await store.snapshot(blogId, 10))?.pinned).toBeNull();
      // Nothing pinned now: expecting '' passes again.
      expect(
        await store.commit(updateEntryCommit(a3, revise(a3), { expectPinned: '', setPinned: '' })),
      ).toMatchObject({ status: 'ok' });
    });
  });

  describe('listEntries', () => {
    it('pages newest first with limit, hasMore and an exclusive before, also past a deleted entry', async () => {
      const { store, blogId } = await withBlog();
      const [e1, e2, e3, e4, e5] = await addEntries(store, blogId, 5);
      if (!e1 || !e2 || !e3 || !e4 || !e5) throw new Error('no entries');
      const ids = (page: { entries: Entry[] }) => page.entries.map((e) => e.id);

      const first = await store.listEntries(blogId, { limit: 2 });
      expect(ids(first)).toEqual([e5.id, e4.id]);
      expect(first.hasMore).toBe(true);
      expect(first.entries[0]).toEqual(e5);
      const second = await store.listEntries(blogId, { limit: 2, before: e4.id });
      expect(ids(second)).toEqual([e3.id, e2.id]);
      expect(second.hasMore).toBe(true);
      const last = await store.listEntries(blogId, { limit: 2, before: e2.id });
      expect(ids(last)).toEqual([e1.id]);
      expect(last.hasMore).toBe(false);
      const exact = await store.listEntries(blogId, { limit: 5 });
      expect(ids(exact)).toEqual([e5.id, e4.id, e3.id, e2.id, e1.id]);
      expect(exact.hasMore).toBe(false);
      expect(await store.listEntries(blogId, { limit: 3, before: e1.id })).toEqual({
        entries: [],
        hasMore: false,
      });

      expect(await store.commit(deleteEntryCommit(e3))).toMatchObject({ status: 'ok' });
      expect(ids(await store.listEntries(blogId, { limit: 10 }))).toEqual([e5.id, e4.id, e2.id, e1.id]);
      const pastDeleted = await store.listEntries(blogId, { limit: 1, before: e3.id });
      expect(ids(pastDeleted)).toEqual([e2.id]);
      expect(pastDeleted.hasMore).toBe(true);
    });

    it('keyEvents lists only key events; an entry updated to keyEvent false leaves the list', async () => {
      const { store, blogId } = await withBlog();
      const [e1, e2, e3, e4] = await addEntries(store, blogId, 4, [
        { keyEvent: true },
        { keyEvent: false },
        { keyEvent: true },
        { keyEvent: true },
      ]);
      if (!e1 || !e2 || !e3 || !e4) throw new Error('no entries');
      const keyIds = async (q: { limit: number; before?: string }) =>
        (await store.listEntries(blogId, { ...q, keyEvents: true })).entries.map((e) => e.id);

      expect(await keyIds({ limit: 10 })).toEqual([e4.id, e3.id, e1.id]);
      const page = await store.listEntries(blogId, { limit: 1, keyEvents: true, before: e3.id });
      expect(page).toEqual({ entries: [e1], hasMore: false });

      const e4b = revise(e4, { keyEvent: false });
      expect(await store.commit(updateEntryCommit(e4, e4b))).toMatchObject({ status: 'ok' });
      const e2b = revise(e2, { keyEvent: true });
      expect(await store.commit(updateEntryCommit(e2, e2b))).toMatchObject({ status: 'ok' });
      expect(await store.commit(deleteEntryCommit(e3))).toMatchObject({ status: 'ok' });

      const keyPage = await store.listEntries(blogId, { limit: 10, keyEvents: true });
      expect(keyPage).toEqual({ entries: [e2b, e1], hasMore: false });
      expect(await keyIds({ limit: 10, before: e3.id })).toEqual([e2.id, e1.id]);
      // The unfiltered list still holds the demoted entry, in its new version.
      expect((await store.listEntries(blogId, { limit: 10 })).entries).toEqual([e4b, e2b, e1]);
    });

    it('an unknown blog lists no entries', async () => {
      const h = harness();
      expect(await h.store.listEntries(newBlogId(), { limit: 10 })).toEqual({ entries: [], hasMore: false });
    });
  });

  describe('snapshot, head and blogs', () => {
    it('a snapshot holds the blog, the newest `limit` entries, pinned, total, seq and epoch consistently', async () => {
      const { store, blogId, blog, epoch } = await withBlog();
      const [e1, e2, e3] = await addEntries(store, blogId, 3);
      if (!e1 || !e2 || !e3) throw new Error('no entries');
      const e1b = revise(e1, { pinned: true });
      expect(await store.commit(updateEntryCommit(e1, e1b, { setPinned: e1.id }))).toMatchObject({
        status: 'ok',
        seq: 5,
      });

      expect(await store.snapshot(blogId, 2)).toEqual({
        blog,
        entries: [e3, e2],
        pinned: e1b,
        total: 3,
        seq: 5,
        epoch,
      });
      expect(await store.head(blogId)).toEqual({ seq: 5, epoch });

      const zero = await store.snapshot(blogId, 0);
      expect(zero?.entries).toEqual([]);
      expect(zero).toMatchObject({ total: 3, seq: 5, pinned: e1b });

      expect(await store.commit(deleteEntryCommit(e2))).toMatchObject({ status: 'ok', seq: 6 });
      expect(await store.snapshot(blogId, 10)).toMatchObject({ entries: [e3, e1b], total: 2, seq: 6 });
    });

    it('snapshot and head are null for an unknown blog', async () => {
      const h = harness();
      expect(await h.store.snapshot(newBlogId(), 10)).toBeNull();
      expect(await h.store.head(newBlogId())).toBeNull();
    });

    it('getBlog and listBlogs return the stored blogs, most recently updated first', async () => {
      const h = harness();
      const older = makeBlog(newBlogId(), { updatedAt: '2024-01-01T00:00:00.000Z' });
      const newer = makeBlog(newBlogId(), { updatedAt: '2024-06-01T00:00:00.000Z' });
      await h.store.commit(createBlogCommit(older));
      await h.store.commit(createBlogCommit(newer));
      expect(await h.store.getBlog(older.id)).toEqual(older);
      expect(await h.store.listBlogs()).toEqual([newer, older]);
    });
  });

  describe('readEvents', () => {
    it('returns every event after a seq, oldest first; [] at the head; null past the head or for another epoch', async () => {
      const { store, blogId, rec, epoch } = await withBlog();
      await addEntries(store, blogId, 4);
      const delivered = await rec.waitFor(5);

      expect(await store.readEvents(blogId, epoch, 0)).toEqual(delivered);
      expect(await store.readEvents(blogId, epoch, 3)).toEqual(delivered.slice(3));
      expect(seqs((await store.readEvents(blogId, epoch, 3)) ?? [])).toEqual([4, 5]);
      expect(await store.readEvents(blogId, epoch, 5)).toEqual([]);
      expect(await store.readEvents(blogId, epoch, 6)).toBeNull();
      expect(await store.readEvents(blogId, `${epoch}x`, 3)).toBeNull();
      expect(await store.readEvents(newBlogId(), epoch, 0)).toBeNull();
    });

    it('is null when the wanted events were trimmed from the log', async () => {
      const { store, blogId, epoch } = await withBlog({ resumeLogMaxEvents: 10 });
      await addEntries(store, blogId, 14);
      expect(await store.head(blogId)).toEqual({ seq: 15, epoch });

      expect(seqs((await store.readEvents(blogId, epoch, 5)) ?? [])).toEqual(range(6, 15));
      expect(await store.readEvents(blogId, epoch, 4)).toBeNull();
      expect(await store.readEvents(blogId, epoch, 0)).toBeNull();
      expect(await store.readEvents(blogId, epoch, 15)).toEqual([]);
    });
  });

  describe('drafts (SPEC §10)', () => {
    const note = (blogId: string, draftId: string): DeskMessage => ({
      kind: 'draft',
      authorId: 'carol',
      event: { type: 'draft.deleted', blogId, draftId },
    });
    const draftOf = (blogId: string, version = 1): Draft => {
      const at = new Date().toISOString();
      return {
        id: `d-${version}-${Math.random().toString(36).slice(2)}`,
        blogId,
        body: 'not for readers',
        html: '<p>not for readers</p>',
        keyEvent: false,
        author: { id: 'carol', name: 'Carol' },
        state: 'submitted',
        publishAt: null,
        createdAt: at,
        updatedAt: at,
        version,
      };
    };

    it('writes a draft at an expected version, refuses a stale one, and never on an unknown blog', async () => {
      const { store, blogId, rec } = await withBlog();
      const d = draftOf(blogId);
      expect(await store.writeDraft('nx-blog', d.id, 0, d, note(blogId, d.id))).toEqual({
        status: 'not_found',
      });
      expect(await store.writeDraft(blogId, d.id, 0, d, note(blogId, d.id))).toEqual({ status: 'ok' });
      expect(await store.writeDraft(blogId, d.id, 0, d, note(blogId, d.id))).toEqual({ status: 'conflict' });
      const v2 = { ...d, body: 'second', version: 2 };
      expect(await store.writeDraft(blogId, d.id, 1, v2, note(blogId, d.id))).toEqual({ status: 'ok' });
      expect(await store.writeDraft(blogId, d.id, 1, v2, note(blogId, d.id))).toEqual({ status: 'conflict' });
      expect(await store.getDraft(blogId, d.id)).toEqual(v2);
      expect(await store.listDrafts(blogId)).toEqual([v2]);
      expect(await store.writeDraft(blogId, d.id, 2, null, note(blogId, d.id))).toEqual({ status: 'ok' });
      expect(await store.getDraft(blogId, d.id)).toBeNull();
      expect(await store.writeDraft(blogId, d.id, 2, null, note(blogId, d.id))).toEqual({
        status: 'not_found',
      });
      // No event: seq 2 is the next commit's.
      await expectNothingRecordedBefore(store, rec, blogId, 2);
    });

    it('a commit that consumes a draft publishes once: a second is not_found, a stale version conflict, nothing recorded', async () => {
      const { store, blogId, rec } = await withBlog();
      const d = draftOf(blogId);
      expect(await store.writeDraft(blogId, d.id, 0, d, note(blogId, d.id))).toEqual({ status: 'ok' });
      const stale = createEntryCommit(makeEntry(blogId));
      stale.consumeDraft = { draftId: d.id, version: 2, message: note(blogId, d.id) };
      expect(await store.commit(stale)).toEqual({ status: 'conflict', entryId: d.id });
      const first = createEntryCommit(makeEntry(blogId));
      first.consumeDraft = { draftId: d.id, version: 1, message: note(blogId, d.id) };
      expect(await store.commit(first)).toMatchObject({ status: 'ok', seq: 2 });
      expect(await store.getDraft(blogId, d.id)).toBeNull();
      const again = createEntryCommit(makeEntry(blogId));
      again.consumeDraft = { draftId: d.id, version: 1, message: note(blogId, d.id) };
      expect(await store.commit(again)).toEqual({ status: 'not_found' });
      await expectNothingRecordedBefore(store, rec, blogId, 3);
      expect((await store.listEntries(blogId, { limit: 10 })).entries.map((e) => e.id)).toHaveLength(2);
    });
  });

  describe('reportReaders', () => {
    it('sums the counts of every instance and replaces an instance’s previous report', async () => {
      const h = harness();
      const [b1, b2] = [newBlogId(), newBlogId()];
      expect(await h.store.reportReaders('instance-a', new Map([[b1, 3]]), 10_000)).toEqual(
        new Map([[b1, 3]]),
      );
      expect(await h.store.reportReaders('instance-b', readerCounts({ [b1]: 2, [b2]: 4 }), 10_000)).toEqual(
        readerCounts({ [b1]: 5, [b2]: 4 }),
      );
      expect(await h.store.reportReaders('instance-a', new Map([[b1, 1]]), 10_000)).toEqual(
        new Map([[b1, 3]]),
      );
    });

    it('an instance whose ttl expired stops counting', async () => {
      const h = harness();
      const blogId = newBlogId();
      // 400 ms: room for a first call that also connects (a cluster client first learns the slots).
      expect(await h.store.reportReaders('short-lived', new Map([[blogId, 5]]), 400)).toEqual(
        new Map([[blogId, 5]]),
      );
      expect(await h.store.reportReaders('long-lived', new Map([[blogId, 2]]), 10_000)).toEqual(
        new Map([[blogId, 7]]),
      );
      const total = await until(
        'the short-lived count to expire',
        async () => {
          const t = (await h.store.reportReaders('long-lived', new Map([[blogId, 2]]), 10_000)).get(blogId);
          return t === 7 ? undefined : t;
        },
        3000,
      );
      expect(total).toBe(2);
    });

    it('a count that did not change is not rewritten: it still counts, and once its instance stops reporting (a crash) it expires a ttl after it was written', async () => {
      const h = harness();
      const blogId = newBlogId();
      const ttl = 1500;
      // The observer's first call also connects (a cluster client first learns the slots).
      await h.store.reportReaders('observer', new Map([[blogId, 1]]), 60_000);
      expect(await h.store.reportReaders('steady', new Map([[blogId, 4]]), ttl)).toEqual(
        new Map([[blogId, 5]]),
      );
      const written = Date.now();
      // Same count, while more than a third of the ttl is left: counted, not rewritten (a rewrite would
      // move the expiry to 700 ms + ttl or later).
      await until('700 ms of steady reports', async () => {
        const seen = await h.store.reportReaders('observer', new Map([[blogId, 1]]), 60_000);
        expect(seen.get(blogId)).toBe(5);
        const total = await h.store.reportReaders('steady', new Map([[blogId, 4]]), ttl);
        expect(total.get(blogId)).toBe(5);
        return Date.now() - written >= 700;
      });
      const expiredAfter = await until(
        'the steady count to expire',
        async () => {
          const total = (await h.store.reportReaders('observer', new Map([[blogId, 1]]), 60_000)).get(blogId);
          return total === 1 ? Date.now() - written : undefined;
        },
        5000,
      );
      expect(expiredAfter).toBeGreaterThanOrEqual(ttl - 200);
      expect(expiredAfter).toBeLessThan(ttl + 500);
    });

    it('an instance that keeps reporting the same count keeps counting: the count is rewritten before it expires', async () => {
      const h = harness();
      const blogId = newBlogId();
      const ttl = 1200;
      expect(await h.store.reportReaders('steady', new Map([[blogId, 2]]), ttl)).toEqual(
        new Map([[blogId, 2]]),
      );
      const start = Date.now();
      await until(
        'two and a half ttls of steady reports',
        async () => {
          await h.store.reportReaders('steady', new Map([[blogId, 2]]), ttl);
          // A report of 0 only reads: what the other instances count.
          const seen = await h.store.reportReaders('observer', new Map([[blogId, 0]]), ttl);
          expect(seen.get(blogId)).toBe(2);
          return Date.now() - start >= ttl * 2.5;
        },
        10_000,
      );
    });

    it('a report of 0 removes the instance’s share of that blog at once', async () => {
      const h = harness();
      const [b1, b2] = [newBlogId(), newBlogId()];
      await h.store.reportReaders('instance-a', new Map([[b1, 3]]), 60_000);
      expect(await h.store.reportReaders('instance-b', readerCounts({ [b1]: 2, [b2]: 1 }), 60_000)).toEqual(
        readerCounts({ [b1]: 5, [b2]: 1 }),
      );
      expect(await h.store.reportReaders('instance-a', new Map([[b1, 0]]), 60_000)).toEqual(
        new Map([[b1, 2]]),
      );
      expect(await h.store.reportReaders('instance-b', readerCounts({ [b1]: 2, [b2]: 0 }), 60_000)).toEqual(
        readerCounts({ [b1]: 2, [b2]: 0 }),
      );
      expect(await h.store.reportReaders('instance-a', new Map([[b2, 0]]), 60_000)).toEqual(
        new Map([[b2, 0]]),
      );
    });

    it('a report of more blogs than one batch (450) answers the right total for each', async () => {
      const h = harness();
      const blogIds = Array.from({ length: 450 }, () => newBlogId());
      const a = new Map(blogIds.map((id, i) => [id, (i % 7) + 1]));
      const b = new Map(blogIds.map((id, i) => [id, i % 3]));
      expect(await h.store.reportReaders('instance-a', a, 60_000)).toEqual(a);
      const both = new Map(blogIds.map((id) => [id, (a.get(id) ?? 0) + (b.get(id) ?? 0)]));
      expect(await h.store.reportReaders('instance-b', b, 60_000)).toEqual(both);
      // Changed counts in the last batch only, and one blog dropped to 0, seen from the other instance.
      const a2 = new Map(a);
      a2.set(blogIds[0] ?? '', 0);
      a2.set(blogIds[449] ?? '', 40);
      expect(await h.store.reportReaders('instance-a', a2, 60_000)).toEqual(
        new Map(blogIds.map((id) => [id, (a2.get(id) ?? 0) + (b.get(id) ?? 0)])),
      );
      const seen = await h.store.reportReaders('instance-b', b, 60_000);
      expect(seen.get(blogIds[0] ?? '')).toBe(0);
      expect(seen.get(blogIds[449] ?? '')).toBe(40 + 2);
      expect(seen.get(blogIds[200] ?? '')).toBe((200 % 7) + 1 + (200 % 3));
    });
  });
});

/** A report's or a total's counts by blog, as `reportReaders` takes and answers them. */
function readerCounts(byBlog: Record<string, number>): Map<string, number> {
  return new Map(Object.entries(byBlog));
}

describe('RedisStore on Redis', () => {
  const url = inject('redisUrl');
  const clients: Redis[] = [];
  const open: Harness[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((h) => h.close()));
    await Promise.all(clients.splice(0).map((c) => c.quit()));
  });
  function harness(prefix: string) {
    const h = redisHarness(url, prefix);
    open.push(h);
    return h;
  }
  function client(): Redis {
    const c = redisClient(url);
    clients.push(c);
    return c;
  }

  it('a plain SUBSCRIBE on <prefix>{<blogId>}:events receives byte-identical JSON, keys in SPEC order', async () => {
    const prefix = newPrefix();
    const { store } = harness(prefix);
    const blog = makeBlog(newBlogId());
    const raw = client();
    const messages: string[] = [];
    raw.on('message', (channel: string, message: string) => {
      if (channel === `${prefix}{${blog.id}}:events`) messages.push(message);
    });
    await raw.subscribe(`${prefix}{${blog.id}}:events`);

    const r1 = await store.commit(createBlogCommit(blog));
    if (r1.status !== 'ok') throw new Error('blog not created');
    const epoch = epochOf(r1.cursor);
    const entry = makeEntry(blog.id, { headline: 'Tricky "json" \u2028 <b>&</b>' });
    await store.commit(createEntryCommit(entry));
    const deleted: EventDraft = { type: 'entry.deleted', at: new Date().toISOString(), entryId: entry.id };
    await store.commit({ ...deleteEntryCommit(entry), events: [deleted] });

    await until('3 raw messages', () => messages.length >= 3);
    expect(messages).toEqual([
      envelope(blog.id, epoch, 1, { type: 'blog.updated', at: blog.updatedAt, blog }),
      envelope(blog.id, epoch, 2, { type: 'entry.created', at: entry.createdAt, entry }),
      envelope(blog.id, epoch, 3, deleted),
    ]);
  });

  it('every key the store writes for a blog is under the prefix with the hash tag {<blogId>}', async () => {
    const prefix = newPrefix();
    const { store } = harness(prefix);
    const blogId = newBlogId();
    await store.commit(createBlogCommit(makeBlog(blogId)));
    const a = makeEntry(blogId, { keyEvent: true });
    const b = makeEntry(blogId);
    await store.commit(createEntryCommit(a, { idempotency: { key: 'alice:k', ttlSeconds: 60, entry: a } }));
    await store.commit(createEntryCommit(b));
    await store.commit(updateEntryCommit(a, revise(a, { pinned: true }), { setPinned: a.id }));
    await store.commit(deleteEntryCommit(b));
    await store.reportReaders('instance-a', new Map([[blogId, 3]]), 10_000);

    const keys = new Set<string>();
    let cursor = '0';
    do {
      const [next, batch] = await client().scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      batch.forEach((k) => keys.add(k));
    } while (cursor !== '0');

    const tagged = `${prefix}{${blogId}}:`;
    const outside = [...keys].filter((k) => !k.startsWith(tagged));
    // The blog index spans blogs, so it is the one documented key without a blog's hash tag.
    expect(outside).toEqual([blogIndexKey(prefix)]);
    const k = blogKeys(prefix, blogId);
    for (const key of [
      k.blog,
      k.entries,
      k.timeline,
      k.keyEvents,
      k.pinned,
      k.seq,
      k.epoch,
      k.log,
      k.readers,
    ])
      expect(keys).toContain(key);
    expect(keys).toContain(`${k.idempotencyPrefix}alice:k`);
  });

  it('the idempotency key expires after about ttlSeconds', async () => {
    const prefix = newPrefix();
    const { store } = harness(prefix);
    const blogId = newBlogId();
    await store.commit(createBlogCommit(makeBlog(blogId)));
    const entry = makeEntry(blogId);
    await store.commit(
      createEntryCommit(entry, { idempotency: { key: 'alice:ttl', ttlSeconds: 90, entry } }),
    );
    const ttl = await client().ttl(`${blogKeys(prefix, blogId).idempotencyPrefix}alice:ttl`);
    expect(ttl).toBeGreaterThan(85);
    expect(ttl).toBeLessThanOrEqual(90);
  });
});

describe('RedisStore on a private Redis that is flushed, stopped and restarted', () => {
  let server: RedisServer;
  const open: Harness[] = [];
  const clients: Redis[] = [];
  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((h) => h.close()));
    clients.splice(0).forEach((c) => c.disconnect());
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('after FLUSHALL the old cursor no longer resumes and new commits start a new epoch at seq 1', async () => {
    const h = redisHarness(server.url, newPrefix());
    open.push(h);
    const blog = makeBlog(newBlogId());
    const rec = new Recorder();
    await h.bus.subscribe(blog.id, rec);
    await h.store.commit(createBlogCommit(blog));
    const entry = makeEntry(blog.id);
    const before = await h.store.commit(createEntryCommit(entry));
    if (before.status !== 'ok') throw new Error('entry not created');
    const oldEpoch = epochOf(before.cursor);
    expect(await h.store.readEvents(blog.id, oldEpoch, 1)).toHaveLength(1);

    const admin = redisClient(server.url);
    clients.push(admin);
    await admin.flushall();

    expect(await h.store.readEvents(blog.id, oldEpoch, 2)).toBeNull();
    expect(await h.store.readEvents(blog.id, oldEpoch, 0)).toBeNull();
    expect(await h.store.head(blog.id)).toBeNull();
    expect(await h.store.commit(createEntryCommit(makeEntry(blog.id)))).toEqual({ status: 'not_found' });

    const after = await h.store.commit(createBlogCommit(blog));
    if (after.status !== 'ok') throw new Error('blog not re-created');
    expect(after.seq).toBe(1);
    const newEpoch = epochOf(after.cursor);
    expect(newEpoch).not.toBe(oldEpoch);
    // seq 1 exists again, but a cursor of the old epoch must not resume onto it.
    expect(await h.store.readEvents(blog.id, oldEpoch, 0)).toBeNull();
    expect(await h.store.readEvents(blog.id, oldEpoch, 1)).toBeNull();
    expect(seqs((await h.store.readEvents(blog.id, newEpoch, 0)) ?? [])).toEqual([1]);
    const delivered = await rec.waitFor(3);
    expect(delivered.map((e) => e.cursor)).toEqual([`${oldEpoch}.1`, `${oldEpoch}.2`, `${newEpoch}.1`]);
  });

  it('a commit while Redis is down rejects, and after the restart commits and the bus work again', async () => {
    // The server's client settings: fail fast instead of queueing while disconnected.
    const retryStrategy = () => 50;
    const h = redisHarness(
      server.url,
      newPrefix(),
      {},
      {
        commands: { maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 2000, retryStrategy },
        subscriber: { maxRetriesPerRequest: null, enableOfflineQueue: true, retryStrategy },
      },
    );
    open.push(h);
    await until('the command connection', () => h.commands.status === 'ready');
    const blog = makeBlog(newBlogId());
    const rec = new Recorder();
    await h.bus.subscribe(blog.id, rec);
    expect(await h.store.commit(createBlogCommit(blog))).toMatchObject({ status: 'ok', seq: 1 });
    await rec.waitFor(1);

    await server.stop();
    const outcome = await within(
      5000,
      'the commit to settle while Redis is down',
      h.store.commit(createBlogCommit(blog)).then(
        () => 'resolved',
        () => 'rejected',
      ),
    );
    expect(outcome).toBe('rejected');

    await server.restart();
    await until('the store to reach Redis again', () =>
      h.store.ping().then(
        () => true,
        () => false,
      ),
    );
    await until('the bus to report its reconnection', () => rec.reconnects >= 1);
    await h.subscriber.ping(); // ordered after the automatic re-SUBSCRIBE on that connection

    // The restarted Redis holds nothing (no persistence): the blog starts over.
    const again = await h.store.commit(createBlogCommit(blog));
    expect(again).toMatchObject({ status: 'ok', seq: 1 });
    const delivered = await rec.waitFor(2);
    expect(delivered[1]).toMatchObject({ type: 'blog.updated', seq: 1, blog });
  });
});

describe('RedisStore reader counts on a private Redis (its own command accounting)', () => {
  let server: RedisServer;
  const open: Harness[] = [];
  const clients: Redis[] = [];
  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((h) => h.close()));
    clients.splice(0).forEach((c) => c.disconnect());
  });
  afterAll(async () => {
    await server.dispose();
  });
  function setup() {
    const prefix = newPrefix();
    const h = redisHarness(server.url, prefix);
    open.push(h);
    const admin = redisClient(server.url);
    clients.push(admin);
    return { store: h.store, admin, prefix };
  }
  /**
   * Calls per command since the last CONFIG RESETSTAT (INFO commandstats counts a script's commands), our
   * own CONFIG and INFO left out.
   */
  async function calls(admin: Redis): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const m of (await admin.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
      if (!/^(info|config)\b/.test(m[1] ?? '')) out[m[1] ?? ''] = Number(m[2]);
    return out;
  }

  it('450 blogs are 3 script calls; a steady report writes nothing, a changed count writes one field', async () => {
    const { store, admin } = setup();
    const counts = new Map<string, number>(Array.from({ length: 450 }, () => [newBlogId(), 2]));
    await store.reportReaders('instance-a', counts, 60_000);
    await admin.config('RESETSTAT');
    await store.reportReaders('instance-a', counts, 60_000);
    expect(await calls(admin)).toEqual({ evalsha: 3, time: 3, hgetall: 450 });

    await admin.config('RESETSTAT');
    const changed = new Map(counts);
    const [first] = counts.keys();
    changed.set(first ?? '', 3);
    await store.reportReaders('instance-a', changed, 60_000);
    expect(await calls(admin)).toEqual({
      evalsha: 3,
      time: 3,
      hgetall: 450,
      hset: 1,
      pttl: 1,
      pexpire: 1,
    });
  });

  it('a report of 0 deletes the instance’s field, and the key with the last one; the key lives as long as its longest field', async () => {
    const { store, admin, prefix } = setup();
    const blogId = newBlogId();
    const key = blogKeys(prefix, blogId).readers;
    await store.reportReaders('instance-a', new Map([[blogId, 3]]), 60_000);
    await store.reportReaders('instance-b', new Map([[blogId, 1]]), 2_000);
    // b's shorter life does not shorten the key's: a's field must outlive it.
    expect(await admin.pttl(key)).toBeGreaterThan(50_000);
    expect(await admin.hkeys(key)).toEqual(expect.arrayContaining(['instance-a', 'instance-b']));
    await store.reportReaders('instance-a', new Map([[blogId, 0]]), 60_000);
    expect(await admin.hkeys(key)).toEqual(['instance-b']);
    await store.reportReaders('instance-b', new Map([[blogId, 0]]), 2_000);
    expect(await admin.exists(key)).toBe(0);
  });

  it('after a FLUSHALL, the next report of an unchanged count writes it again', async () => {
    const { store, admin, prefix } = setup();
    const blogId = newBlogId();
    await store.reportReaders('instance-a', new Map([[blogId, 4]]), 60_000);
    await admin.flushall();
    expect(await store.reportReaders('instance-b', new Map([[blogId, 1]]), 60_000)).toEqual(
      new Map([[blogId, 1]]),
    );
    await store.reportReaders('instance-a', new Map([[blogId, 4]]), 60_000);
    expect(await admin.hget(blogKeys(prefix, blogId).readers, 'instance-a')).toMatch(/^4:\d+$/);
    expect(await store.reportReaders('instance-b', new Map([[blogId, 1]]), 60_000)).toEqual(
      new Map([[blogId, 5]]),
    );
  });
});
