/**
 * Two instances on a private 3-master Redis Cluster (REDIS_CLUSTER_NODES): blogs on different shards,
 * exactly-once ordered fan-out through sharded pub/sub, resume, a plain SSUBSCRIBE client on the owning
 * shard, and the cross-slot parts (the blog index, reader counts, the write limit).
 */
import { Cluster, Redis } from 'ioredis';
import { follow } from '../../src/follow/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Entry, LiveEvent } from '../../src/schema.js';
import { startApp, uniqueId, type TestApp } from '../helpers/app.js';
import {
  api,
  call,
  connectEditor,
  connectReader,
  EventLog,
  expectFresh,
  expectOk,
  expectResumed,
  newBlog,
  type EditorSocket,
  type ReaderSocket,
} from '../helpers/clients.js';
import { RedisCluster } from '../helpers/redis-cluster.js';
import { until } from '../helpers/wait.js';

const seqsOf = (events: LiveEvent[]): number[] => events.map((e) => e.seq);
const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('two instances on a 3-master Redis Cluster', () => {
  const prefix = `${uniqueId('cluster')}:`;
  let cluster: RedisCluster;
  let a: TestApp;
  let b: TestApp;
  /** One blog id per shard (master port → blog id), picked by CLUSTER KEYSLOT. */
  const blogsByShard = new Map<number, string>();
  const sockets: (ReaderSocket | EditorSocket)[] = [];
  const redisClients: Redis[] = [];

  beforeAll(async () => {
    cluster = await RedisCluster.start();
    const env = { REDIS_CLUSTER_NODES: cluster.nodesEnv, RESUME_LOG_MAX_EVENTS: '50' };
    a = await startApp({ prefix, env });
    b = await startApp({ prefix, env });
    for (let i = 0; blogsByShard.size < cluster.servers.length && i < 200; i++) {
      const id = uniqueId(`shard-${i}`);
      const port = await cluster.ownerOf(await cluster.keyslot(`${prefix}{${id}}:events`));
      if (!blogsByShard.has(port)) blogsByShard.set(port, id);
    }
    expect(blogsByShard.size).toBe(3);
  }, 40_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const r of redisClients) r.disconnect();
    await Promise.all([a?.stop(), b?.stop()]);
    await cluster?.dispose();
  });

  const reader = async (app: TestApp): Promise<ReaderSocket> => {
    const s = await connectReader(app.url);
    sockets.push(s);
    return s;
  };
  const editor = async (app: TestApp): Promise<EditorSocket> => {
    const s = await connectEditor(app.url, app.token);
    sockets.push(s);
    return s;
  };

  it('blogs on three shards: readers on both instances get every event exactly once and in order, and a plain SSUBSCRIBE on the owning shard gets the same envelopes', async () => {
    const blogIds = [...blogsByShard.values()];
    for (const id of blogIds) await newBlog(a, { id });

    // Another service: SSUBSCRIBE on the shard that owns each blog's slot, with a plain client.
    const raw = new Map<string, string[]>();
    for (const [port, id] of blogsByShard) {
      const sub = new Redis({ host: '127.0.0.1', port });
      sub.on('error', () => undefined);
      redisClients.push(sub);
      const got: string[] = [];
      raw.set(id, got);
      sub.on('smessage', (_channel: string, message: string) => got.push(message));
      await sub.ssubscribe(`${prefix}{${id}}:events`);
    }

    const readers = await Promise.all([reader(a), reader(b)]);
    const logs = readers.map((r) => new EventLog(r));
    for (const r of readers)
      for (const blogId of blogIds) expect(expectFresh(await call(r, 'subscribe', { blogId })).seq).toBe(1);

    // Editors on both instances write to all three blogs, interleaved.
    const editors = [await editor(a), await editor(b)];
    const perBlog = 8;
    for (let i = 0; i < perBlog; i++) {
      await Promise.all(
        blogIds.map(async (blogId, j) =>
          expectOk(
            await call(editors[(i + j) % 2] as EditorSocket, 'entry:create', { blogId, body: `u${i}` }),
          ),
        ),
      );
    }
    for (const blogId of blogIds) {
      const [fromA, fromB] = await Promise.all(logs.map((log) => log.waitFor(perBlog, blogId)));
      await until('the plain SSUBSCRIBE client', () => (raw.get(blogId)?.length ?? 0) >= perBlog);
      expect(seqsOf(fromA ?? [])).toEqual(range(2, perBlog + 1));
      expect(fromB).toEqual(fromA);
      // The shard channel carries the exact envelope the sockets deliver.
      expect(raw.get(blogId)).toEqual((fromA ?? []).map((e) => JSON.stringify(e)));
    }
    // Nothing more arrives: exactly once.
    await new Promise((r) => setTimeout(r, 200));
    for (const log of logs) expect(log.events).toHaveLength(perBlog * blogIds.length);
    for (const got of raw.values()) expect(got).toHaveLength(perBlog);
  });

  it('a plain SUBSCRIBE hears nothing on a cluster: events go out with SPUBLISH only', async () => {
    const [port, blogId] = [...blogsByShard.entries()][0] ?? [0, ''];
    const sub = new Redis({ host: '127.0.0.1', port });
    sub.on('error', () => undefined);
    redisClients.push(sub);
    const heard: string[] = [];
    sub.on('message', (_c: string, m: string) => heard.push(m));
    await sub.subscribe(`${prefix}{${blogId}}:events`);
    const r = await reader(b);
    const log = new EventLog(r);
    expectFresh(await call(r, 'subscribe', { blogId }));
    const ed = await editor(a);
    expectOk(await call(ed, 'entry:create', { blogId, body: 'sharded only' }));
    await log.waitFor(1, blogId);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(heard).toEqual([]);
  });

  it('a reader resumes on the other instance with exactly the missed events, on every shard', async () => {
    const ed = await editor(b);
    for (const blogId of blogsByShard.values()) {
      const first = await reader(a);
      const ack = expectFresh(await call(first, 'subscribe', { blogId }));
      first.close();
      const posted: string[] = [];
      for (let i = 0; i < 4; i++)
        posted.push(expectOk(await call(ed, 'entry:create', { blogId, body: `missed ${i}` })).entry.id);
      const again = await reader(b);
      const log = new EventLog(again);
      const resumed = expectResumed(await call(again, 'subscribe', { blogId, cursor: ack.cursor }));
      // Live events continue right after the resumed ones. Instance b may answer before the last missed
      // events reached it over sharded pub/sub: those then arrive live, right after the answer.
      expectOk(await call(ed, 'entry:create', { blogId, body: 'live again' }));
      const live = await log.waitFor(ack.seq + 5 - resumed.seq, blogId);
      const all = [...resumed.events, ...live];
      expect(seqsOf(all)).toEqual(range(ack.seq + 1, ack.seq + 5));
      expect(all.slice(0, 4).map((e) => (e.type === 'entry.created' ? e.entry.id : ''))).toEqual(posted);
    }
  });

  it('the cross-slot parts work: the blog index lists blogs of every shard, reader counts add up over both instances, the Redis Stream holds the events', async () => {
    const ids = [...blogsByShard.values()];
    const list = await api(a.url, 'GET', '/api/blogs');
    expect(list.status).toBe(200);
    const listed = (list.body.blogs as { id: string }[]).map((blog) => blog.id);
    for (const id of ids) expect(listed).toContain(id);

    const blogId = uniqueId('counted');
    await newBlog(b, { id: blogId });
    const ra = await reader(a);
    const rb = await reader(b);
    const counts: number[] = [];
    ra.on('readers', (m) => {
      if (m.blogId === blogId) counts.push(m.count);
    });
    expectFresh(await call(ra, 'subscribe', { blogId }));
    expectFresh(await call(rb, 'subscribe', { blogId }));
    await until('both instances’ readers counted', () => counts.includes(2), 8000);

    // The stream of a blog is XREAD on its shard, like any other key of the blog.
    const [port, streamBlog] = [...blogsByShard.entries()][1] ?? [0, ''];
    const node = new Redis({ host: '127.0.0.1', port });
    node.on('error', () => undefined);
    redisClients.push(node);
    const stream = await node.xrange(`${prefix}{${streamBlog}}:stream`, '-', '+');
    expect(stream.length).toBeGreaterThan(1);
    expect(stream[0]?.[0]).toBe('1-0');
  }, 15_000);

  it('the per-editor write limit is shared by both instances on the cluster', async () => {
    const env = {
      REDIS_CLUSTER_NODES: cluster.nodesEnv,
      EDITOR_WRITES_PER_SECOND: '2',
    };
    const limitedPrefix = `${uniqueId('limited')}:`;
    const la = await startApp({ prefix: limitedPrefix, env });
    const lb = await startApp({ prefix: limitedPrefix, env });
    try {
      const blogId = await newBlog(la);
      const answers: string[] = [];
      for (let i = 0; i < 6; i++) {
        const app = i % 2 === 0 ? la : lb;
        const res = await api(app.url, 'POST', `/api/blogs/${blogId}/entries`, {
          token: app.token,
          body: { body: `limited ${i}` },
        });
        answers.push(String(res.status));
      }
      // Budget: 2/s in a 2 s window = 4 writes (the blog's creation took one), whichever instance.
      expect(answers.filter((s) => s === '201').length).toBe(3);
      expect(answers.slice(3)).toEqual(['429', '429', '429']);
    } finally {
      await Promise.all([la.stop(), lb.stop()]);
    }
  });

  it('the follower library follows one blog, and every blog over three shards, each in order from the start', async () => {
    const blogIds = [...blogsByShard.values()];
    const client = new Cluster(cluster.nodes);
    client.on('error', () => undefined);
    const one: LiveEvent[] = [];
    const all: LiveEvent[] = [];
    const single = follow({
      redis: client,
      prefix,
      blogs: [blogIds[2] ?? ''],
      from: 'start',
      onEvent: (e) => void one.push(e),
    });
    const every = follow({
      redis: client,
      prefix,
      blogs: 'all',
      from: 'start',
      onEvent: (e) => void all.push(e),
    });
    try {
      await Promise.all([single.ready, every.ready]);
      const ed = await editor(a);
      const created: Entry[] = [];
      for (const blogId of blogIds) {
        created.push(
          expectOk(await call(ed, 'entry:create', { blogId, body: `followed on ${blogId}` })).entry,
        );
      }
      const has = (events: LiveEvent[], id: string): boolean =>
        events.some((e) => e.type === 'entry.created' && e.entry.id === id);
      await until('the single-blog follower to reach its new entry', () => has(one, created[2]?.id ?? ''));
      await until('the all-blogs follower to reach every new entry', () =>
        created.every((entry) => has(all, entry.id)),
      );
      expect(seqsOf(one)).toEqual(range(1, one.length));
      for (const blogId of blogIds) {
        const ofBlog = all.filter((e) => e.blogId === blogId);
        expect(seqsOf(ofBlog)).toEqual(range(1, ofBlog.length));
      }
    } finally {
      await Promise.all([single.stop(), every.stop()]);
      client.disconnect();
    }
  });

  it("the command `liveblog follow --all` on REDIS_CLUSTER_NODES prints every blog's events as NDJSON", async () => {
    const blogIds = [...blogsByShard.values()];
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/follow/cli.ts', 'follow', '--all', '--from', 'start', '--prefix', prefix],
      {
        env: { ...process.env, REDIS_URL: '', REDIS_CLUSTER_NODES: cluster.nodesEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const lines: string[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
    try {
      const ed = await editor(b);
      const ids: string[] = [];
      for (const blogId of blogIds) {
        ids.push(expectOk(await call(ed, 'entry:create', { blogId, body: `cli on ${blogId}` })).entry.id);
      }
      const printed = (): LiveEvent[] => lines.map((line) => JSON.parse(line) as LiveEvent);
      await until(
        'the command to print every new entry',
        () => ids.every((id) => printed().some((e) => e.type === 'entry.created' && e.entry.id === id)),
        15_000,
      );
      for (const blogId of blogIds) {
        const ofBlog = printed().filter((e) => e.blogId === blogId);
        expect(seqsOf(ofBlog)).toEqual(range(1, ofBlog.length));
      }
    } finally {
      child.kill('SIGKILL');
    }
  }, 30_000);
});
