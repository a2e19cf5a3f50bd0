/**
 * Following blogs from another service (issue 11): the `liveblog/follow` library and the `liveblog follow`
 * command line over the blogs' Redis Streams, and consumer groups sharing the work — on a real Redis.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { follow, type CheckpointStore, type Follower, type ResetReason } from '../../src/follow/index.js';
import { parseXread } from '../../src/follow/stream-reply.js';
import type { LiveEvent } from '../../src/schema.js';
import { blogKeys } from '../../src/store/keys.js';
import { RedisStore } from '../../src/store/redis-store.js';
import {
  createBlogCommit,
  createEntryCommit,
  makeBlog,
  makeEntry,
  newBlogId,
  newPrefix,
} from '../helpers/store-fixtures.js';
import { until, within } from '../helpers/wait.js';

const redis = new Redis(inject('redisUrl'));
afterAll(() => {
  redis.disconnect();
});

function storeFor(prefix: string, resumeLogMaxEvents = 10_000): RedisStore {
  return new RedisStore(redis, { prefix, resumeLogMaxEvents });
}

/** Commits a blog and `entries` entries; resolves with the number of events (seq of the last). */
async function seedBlog(store: RedisStore, blogId: string, entries: number): Promise<number> {
  await store.commit(createBlogCommit(makeBlog(blogId)));
  for (let i = 0; i < entries; i++) await store.commit(createEntryCommit(makeEntry(blogId)));
  return entries + 1;
}

function mapCheckpoints(): CheckpointStore & { cursors: Map<string, string> } {
  const cursors = new Map<string, string>();
  return {
    cursors,
    load: (blogId) => Promise.resolve(cursors.get(blogId)),
    save: (blogId, cursor) => {
      cursors.set(blogId, cursor);
      return Promise.resolve();
    },
  };
}

function seqs(events: LiveEvent[], blogId?: string): number[] {
  return events.filter((e) => blogId === undefined || e.blogId === blogId).map((e) => e.seq);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the follower library', () => {
  const prefix = newPrefix('follow');
  const store = storeFor(prefix);
  const followers: Follower[] = [];
  afterAll(async () => {
    await Promise.all(followers.map((f) => f.stop()));
  });

  it('stopped mid-stream and restarted from its checkpoint, it delivers every event exactly once, in seq order', async () => {
    const blogId = newBlogId('restart');
    await store.commit(createBlogCommit(makeBlog(blogId)));
    let committed = 1;
    let writing = true;
    const writer = (async () => {
      while (writing && committed < 2000) {
        await store.commit(createEntryCommit(makeEntry(blogId)));
        committed += 1;
        await tick(2);
      }
    })();
    const checkpoints = mapCheckpoints();
    const got: LiveEvent[] = [];
    const start = () =>
      follow({
        redis,
        prefix,
        blogs: [blogId],
        from: 'start',
        checkpoints,
        onEvent: (e) => void got.push(e),
      });
    try {
      const first = start();
      await until('20 events before the stop', () => got.length >= 20);
      await first.stop();
      const atStop = got.length;
      expect(checkpoints.cursors.get(blogId)).toBe(got.at(-1)?.cursor);
      await until('20 events committed while stopped', () => committed >= atStop + 20);
      expect(got.length).toBe(atStop);

      const second = start();
      followers.push(second);
      await until('20 more events after the restart', () => got.length >= atStop + 40);
      writing = false;
      await writer;
      await until(`all ${committed} events`, () => got.length >= committed);
      await second.stop();
      expect(seqs(got)).toEqual(range(1, committed));
      expect(checkpoints.cursors.get(blogId)).toBe(got.at(-1)?.cursor);
    } finally {
      writing = false;
      await writer;
    }
  });

  it("following 'all' picks up a blog created after it started, from that blog's first event", async () => {
    const ownPrefix = newPrefix('followall');
    const own = storeFor(ownPrefix);
    const early = newBlogId('early');
    await seedBlog(own, early, 2);
    const got: LiveEvent[] = [];
    const f = follow({
      redis,
      prefix: ownPrefix,
      blogs: 'all',
      checkIntervalMs: 200,
      onEvent: (e) => void got.push(e),
    });
    followers.push(f);
    await within(5000, 'the follower to be ready', f.ready);
    await own.commit(createEntryCommit(makeEntry(early)));
    await until('the live event of the early blog', () => got.length >= 1);

    const late = newBlogId('late');
    const lateEvents = await seedBlog(own, late, 3);
    await until("the late blog's events", () => seqs(got, late).length >= lateEvents);
    await f.stop();
    expect(seqs(got, early)).toEqual([4]); // from 'now': only what came after start-up
    expect(seqs(got, late)).toEqual(range(1, lateEvents));
  });

  it('a slow onEvent holds the follower back: one event at a time, in order, none lost', async () => {
    const blogId = newBlogId('slow');
    let inFlight = 0;
    let maxInFlight = 0;
    const got: LiveEvent[] = [];
    const f = follow({
      redis,
      prefix,
      blogs: [blogId],
      onEvent: async (e) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await tick(15);
        got.push(e);
        inFlight -= 1;
      },
    });
    followers.push(f);
    await f.ready;
    const total = await seedBlog(store, blogId, 40);
    const deliveredWhenWritten = got.length;
    await until(`all ${total} events`, () => got.length >= total, 10_000);
    await f.stop();
    expect(deliveredWhenWritten).toBeLessThan(total);
    expect(maxInFlight).toBe(1);
    expect(seqs(got)).toEqual(range(1, total));
  });

  it('a checkpoint from a wiped history is reported as a new epoch and delivery restarts at its seq 1', async () => {
    const blogId = newBlogId('wiped');
    await seedBlog(store, blogId, 2);
    const checkpoints = mapCheckpoints();
    const [[, fields] = ['', []]] = (await redis.xrevrange(
      blogKeys(prefix, blogId).stream,
      '+',
      '-',
      'COUNT',
      1,
    )) as [string, string[]][];
    checkpoints.cursors.set(blogId, (JSON.parse(fields[1] ?? '{}') as LiveEvent).cursor);
    const k = blogKeys(prefix, blogId);
    await redis.del(k.blog, k.entries, k.timeline, k.keyEvents, k.pinned, k.seq, k.epoch, k.log, k.stream);
    const total = await seedBlog(store, blogId, 1);

    const resets: ResetReason[] = [];
    const got: LiveEvent[] = [];
    const f = follow({
      redis,
      prefix,
      blogs: [blogId],
      checkpoints,
      onReset: (_id, reason) => void resets.push(reason),
      onEvent: (e) => void got.push(e),
    });
    followers.push(f);
    await until('the new epoch', () => got.length >= total);
    await f.stop();
    expect(resets).toEqual(['epoch']);
    expect(seqs(got)).toEqual(range(1, total));
  });

  it('a history wiped while it follows is reported as a new epoch, and the new epoch is delivered from seq 1', async () => {
    const blogId = newBlogId('livewipe');
    const resets: ResetReason[] = [];
    const got: LiveEvent[] = [];
    const f = follow({
      redis,
      prefix,
      blogs: [blogId],
      checkIntervalMs: 200,
      onReset: (_id, reason) => void resets.push(reason),
      onEvent: (e) => void got.push(e),
    });
    followers.push(f);
    await f.ready;
    const before = await seedBlog(store, blogId, 5);
    await until('the first epoch', () => got.length >= before);
    const k = blogKeys(prefix, blogId);
    await redis.del(k.blog, k.entries, k.timeline, k.keyEvents, k.pinned, k.seq, k.epoch, k.log, k.stream);
    const after = await seedBlog(store, blogId, 1); // ids 1-0, 2-0: below where XREAD was waiting
    await until('the new epoch', () => got.length >= before + after);
    await f.stop();
    expect(resets).toEqual(['epoch']);
    expect(seqs(got)).toEqual([...range(1, before), ...range(1, after)]);
    expect(got[0]?.cursor.split('.')[0]).not.toBe(got.at(-1)?.cursor.split('.')[0]);
  });

  it('a dropped connection is retried from where it was: nothing missed, nothing twice', async () => {
    const blogId = newBlogId('dropped');
    const got: LiveEvent[] = [];
    const errors: Error[] = [];
    const f = follow({
      redis: inject('redisUrl'),
      prefix,
      blogs: [blogId],
      onError: (err) => void errors.push(err),
      onEvent: (e) => void got.push(e),
    });
    followers.push(f);
    await f.ready;
    const before = await seedBlog(store, blogId, 3);
    await until('the first events', () => got.length >= before);
    const clients = (await redis.client('LIST')) as string;
    const ids = [...clients.matchAll(/^id=(\d+) .*name=liveblog-follow /gm)].map((m) => m[1] ?? '');
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) await redis.client('KILL', 'ID', id);
    for (let i = 0; i < 3; i++) await store.commit(createEntryCommit(makeEntry(blogId)));
    await until('the events after the drop', () => got.length >= before + 3);
    await f.stop();
    expect(seqs(got)).toEqual(range(1, before + 3));
  });

  it('a checkpoint older than the trimmed stream is reported as trimmed; delivery goes on from the oldest kept', async () => {
    const ownPrefix = newPrefix('followtrim');
    const blogId = newBlogId('trim');
    const total = await seedBlog(storeFor(ownPrefix, 10), blogId, 300);
    const [[firstId] = ['']] = await redis.xrange(blogKeys(ownPrefix, blogId).stream, '-', '+', 'COUNT', 1);
    const firstSeq = Number(firstId.split('-')[0]);
    expect(firstSeq).toBeGreaterThan(3);
    const epoch = await redis.get(blogKeys(ownPrefix, blogId).epoch);
    const checkpoints = mapCheckpoints();
    checkpoints.cursors.set(blogId, `${epoch}.2`);
    const resets: ResetReason[] = [];
    const got: LiveEvent[] = [];
    const f = follow({
      redis,
      prefix: ownPrefix,
      blogs: [blogId],
      checkpoints,
      onReset: (_id, reason) => void resets.push(reason),
      onEvent: (e) => void got.push(e),
    });
    followers.push(f);
    await until('the kept events', () => got.length >= total - firstSeq + 1);
    await f.stop();
    expect(resets).toEqual(['trimmed']);
    expect(seqs(got)).toEqual(range(firstSeq, total));
  });

  it('a malformed stream entry is reported and skipped; the events around it are delivered', async () => {
    const blogId = newBlogId('malformed');
    const before = await seedBlog(store, blogId, 1);
    const k = blogKeys(prefix, blogId);
    // What a foreign writer might leave: an entry at the next seq that is no event.
    await redis.xadd(k.stream, `${before + 1}-0`, 'event', '{"not":"an event"}');
    await redis.incr(k.seq);
    await store.commit(createEntryCommit(makeEntry(blogId)));
    const errors: string[] = [];
    const got: LiveEvent[] = [];
    const f = follow({
      redis,
      prefix,
      blogs: [blogId],
      from: 'start',
      onError: (err, id) => errors.push(`${id}: ${err.message}`),
      onEvent: (e) => void got.push(e),
    });
    followers.push(f);
    await until('the event after the malformed one', () => got.length >= before + 1);
    await f.stop();
    expect(seqs(got)).toEqual([...range(1, before), before + 2]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`${blogId}: stream entry ${before + 1}-0`);
  });
});

describe('a consumer group (XREADGROUP, XACK, XAUTOCLAIM)', () => {
  it('shares the work between two workers; when one dies without XACK the other claims its events: none is lost', async () => {
    const prefix = newPrefix('group');
    const store = storeFor(prefix);
    const blogId = newBlogId('group');
    const key = blogKeys(prefix, blogId).stream;
    // After the blog's first commit: a first commit (a new epoch) starts the stream, and its groups, afresh.
    await store.commit(createBlogCommit(makeBlog(blogId)));
    await redis.xgroup('CREATE', key, 'workers', '0', 'MKSTREAM');
    for (let i = 0; i < 20; i++) await store.commit(createEntryCommit(makeEntry(blogId)));
    const total = 21;

    const dying = new Redis(inject('redisUrl'));
    const worker = new Redis(inject('redisUrl'));
    try {
      const readGroup = async (client: Redis, consumer: string, count: number) =>
        parseXread(
          await client.call('XREADGROUP', 'GROUP', 'workers', consumer, 'COUNT', count, 'STREAMS', key, '>'),
        ).get(key) ?? [];
      // Worker a takes five events and dies before acknowledging any.
      const taken = await readGroup(dying, 'a', 5);
      expect(taken).toHaveLength(5);
      dying.disconnect();

      const processed: number[] = [];
      const work = async (entries: { id: string }[]) => {
        for (const { id } of entries) processed.push(Number(id.split('-')[0]));
        if (entries.length > 0) await worker.xack(key, 'workers', ...entries.map((e) => e.id));
      };
      // Worker b takes the rest, more arriving meanwhile…
      await store.commit(createEntryCommit(makeEntry(blogId)));
      for (
        let batch = await readGroup(worker, 'b', 7);
        batch.length > 0;
        batch = await readGroup(worker, 'b', 7)
      ) {
        await work(batch);
      }
      // …then claims what a left pending longer than 50 ms.
      await until('a’s events to be claimable', async () => {
        const reply = (await worker.call(
          'XAUTOCLAIM',
          key,
          'workers',
          'b',
          50,
          '0-0',
          'COUNT',
          100,
        )) as unknown[];
        const claimed = parseXread([[key, reply[1]]]).get(key) ?? [];
        await work(claimed);
        return claimed.length > 0;
      });
      expect(processed.sort((x, y) => x - y)).toEqual(range(1, total + 1));
      const pending = (await worker.xpending(key, 'workers')) as [number, ...unknown[]];
      expect(pending[0]).toBe(0);
    } finally {
      dying.disconnect();
      worker.disconnect();
    }
  });
});

describe('the command line', () => {
  const prefix = newPrefix('followcli');
  const store = storeFor(prefix);

  /** `liveblog follow <args>` from the sources, its stdout as lines. */
  function runCli(args: string[]) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/follow/cli.ts', 'follow', ...args], {
      env: { ...process.env, REDIS_URL: inject('redisUrl') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, lines, exited, stderr: () => stderr };
  }

  it('prints the events as NDJSON, live, and exits 0 on SIGTERM', async () => {
    const blogId = newBlogId('cli');
    let total = await seedBlog(store, blogId, 4);
    const cli = runCli([blogId, '--from', 'start', '--prefix', prefix]);
    const { child, lines } = cli;
    try {
      await until('the history on stdout', () => lines.length >= total, 15_000);
      for (let i = 0; i < 3; i++) await store.commit(createEntryCommit(makeEntry(blogId)));
      total += 3;
      await until('the live events on stdout', () => lines.length >= total);
      const stream = await redis.xrange(blogKeys(prefix, blogId).stream, '-', '+');
      expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(
        stream.map(([, fields]) => JSON.parse(fields[1] ?? '') as unknown),
      );
      child.kill('SIGTERM');
      expect(await within(10_000, 'the command to exit', cli.exited)).toBe(0);
      expect(cli.stderr()).toBe('');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('exits 0, quietly, when the reading end of its pipe closes (| head)', async () => {
    const blogId = newBlogId('clipipe');
    const total = await seedBlog(store, blogId, 2);
    const cli = runCli([blogId, '--from', 'start', '--prefix', prefix]);
    try {
      await until('the history on stdout', () => cli.lines.length >= total, 15_000);
      cli.child.stdout.destroy();
      await store.commit(createEntryCommit(makeEntry(blogId))); // its line meets the closed pipe
      expect(await within(10_000, 'the command to exit', cli.exited)).toBe(0);
      expect(cli.stderr()).toBe('');
    } finally {
      cli.child.kill('SIGKILL');
    }
  });
});
