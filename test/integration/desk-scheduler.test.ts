/**
 * Scheduled publishing (SPEC §10) against instances that die: real processes on one real Redis. A draft
 * scheduled on instance A is published by B after A is SIGKILLed; several drafts due at the same moment
 * with two instances polling are each published exactly once; and a claim whose instance died before it
 * published is taken over once its lease ends (the scheduler and its queue, in process).
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { Desk } from '../../src/desk/desk.js';
import { Scheduler } from '../../src/desk/scheduler.js';
import { Liveblog } from '../../src/liveblog.js';
import type { LiveEvent } from '../../src/schema.js';
import { MemoryScheduleQueue } from '../../src/store/memory-desk.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { RedisScheduleQueue } from '../../src/store/redis-desk.js';
import { RedisStore } from '../../src/store/redis-store.js';
import type { ScheduleQueue, Store } from '../../src/store/store.js';
import { uniqueId } from '../helpers/app.js';
import { call, connectEditor, connectReader, EventLog, expectOk, newBlog } from '../helpers/clients.js';
import { launchInstance, type Instance } from '../helpers/instance.js';
import { freePort } from '../helpers/redis-server.js';
import { until } from '../helpers/wait.js';

const TOKEN = 'desk-scheduler-token-1';

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

/** Two instances on one Redis, started one after the other (each start compiles with tsx). */
async function twoInstances(label: string): Promise<[Instance, Instance]> {
  const env = {
    REDIS_URL: inject('redisUrl'),
    REDIS_PREFIX: `${uniqueId(label)}:`,
    EDITOR_TOKENS: `Desk:${TOKEN}`,
    EDITOR_WRITES_PER_SECOND: '0',
  };
  const a = await launchInstance(await freePort(), env);
  let port = await freePort();
  while (port === a.port) port = await freePort();
  return [a, await launchInstance(port, env)];
}

async function readerOf(url: string, blogId: string): Promise<EventLog> {
  const reader = await connectReader(url);
  cleanups.push(() => void reader.close());
  const log = new EventLog(reader);
  expectOk(await call(reader, 'subscribe', { blogId }));
  return log;
}

const created = (events: LiveEvent[]) => events.filter((e) => e.type === 'entry.created');

describe('scheduled drafts on Redis with instances that die', { timeout: 30_000 }, () => {
  let a: Instance;
  let b: Instance;
  beforeAll(async () => {
    [a, b] = await twoInstances('sched');
  }, 60_000);
  afterAll(async () => {
    await a.kill();
    await b.kill();
  });

  it('two instances publish each of several drafts due at the same moment exactly once', async () => {
    const blogId = await newBlog({ url: a.url, token: TOKEN });
    const log = await readerOf(b.url, blogId);
    const editors = [await connectEditor(a.url, TOKEN), await connectEditor(b.url, TOKEN)];
    cleanups.push(() => editors.forEach((e) => e.close()));
    const publishAt = new Date(Date.now() + 2000).toISOString();
    const DRAFTS = 12;
    await Promise.all(
      Array.from({ length: DRAFTS }, (_, i) =>
        call(editors[i % 2] ?? editors[0]!, 'draft:save', { blogId, body: `due together ${i}`, publishAt }),
      ),
    );
    await until('every draft published', () => created(log.events).length >= DRAFTS || undefined, 8000);
    await new Promise((r) => setTimeout(r, 1500));
    const bodies = created(log.events).map((e) => (e.type === 'entry.created' ? e.entry.body : ''));
    expect(bodies).toHaveLength(DRAFTS);
    expect(new Set(bodies).size).toBe(DRAFTS);
    const drafts = expectOk(await call(editors[0]!, 'drafts', { blogId })).drafts;
    expect(drafts).toEqual([]);
  });

  it('a draft scheduled 3 s ahead on A is published once, by B, after A is SIGKILLed', async () => {
    const app = { url: a.url, token: TOKEN };
    const blogId = await newBlog(app);
    const log = await readerOf(b.url, blogId);
    const editor = await connectEditor(a.url, TOKEN);
    const publishAt = new Date(Date.now() + 3000).toISOString();
    expectOk(await call(editor, 'draft:save', { blogId, body: 'after the scheduler died', publishAt }));
    editor.close();
    await a.kill();
    const [event] = await log.waitFor(1, blogId, 8000);
    expect(event?.type).toBe('entry.created');
    const late = Date.parse(event?.at ?? '') - Date.parse(publishAt);
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(2000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(created(log.events)).toHaveLength(1);
  });
});

describe.each(['memory', 'redis'] as const)('the scheduler on the %s queue', (kind) => {
  it('takes over a claim whose instance died before publishing, once its lease ends', async () => {
    let store: Store;
    let queues: [ScheduleQueue, ScheduleQueue];
    const prefix = `${uniqueId('sched-lease')}:`;
    if (kind === 'redis') {
      const clients = [new Redis(inject('redisUrl')), new Redis(inject('redisUrl'))] as const;
      cleanups.push(() => clients.forEach((c) => c.disconnect()));
      store = new RedisStore(clients[0], { prefix });
      queues = [new RedisScheduleQueue(clients[0], prefix), new RedisScheduleQueue(clients[1], prefix)];
    } else {
      store = new MemoryStore();
      const shared = new MemoryScheduleQueue();
      queues = [shared, shared];
    }
    const service = new Liveblog(store);
    const deskA = new Desk(store, service, queues[0]);
    const editor = { id: 'ed', name: 'Ed' };
    const blogId = uniqueId('lease');
    await service.upsertBlog(editor, { id: blogId, title: 'Lease' });
    const draft = await deskA.save(editor, {
      blogId,
      body: 'claimed by the dead',
      publishAt: new Date(Date.now() + 200).toISOString(),
    });
    await new Promise((r) => setTimeout(r, 300));
    // Instance A claims it and dies before publishing: nothing is published during its lease.
    const claimedByA = await queues[0].claimDue(Date.now(), 1000, 10);
    expect(claimedByA.map((c) => c.ref.draftId)).toEqual([draft.id]);
    const deskB = new Desk(store, service, queues[1]);
    const b = new Scheduler(queues[1], deskB, { pollIntervalMs: 100, leaseMs: 1000 });
    const c = new Scheduler(queues[1], new Desk(store, service, queues[1]), { pollIntervalMs: 100 });
    b.start();
    c.start();
    cleanups.push(() => b.stop());
    cleanups.push(() => c.stop());
    await new Promise((r) => setTimeout(r, 600));
    expect((await store.listEntries(blogId, { limit: 10 })).entries).toEqual([]);
    await until(
      'published after the lease',
      async () => (await store.listEntries(blogId, { limit: 10 })).entries.length > 0,
      4000,
    );
    await new Promise((r) => setTimeout(r, 500));
    const { entries } = await store.listEntries(blogId, { limit: 10 });
    expect(entries.map((e) => e.body)).toEqual(['claimed by the dead']);
    expect(await store.getDraft(blogId, draft.id)).toBeNull();
  });
});
