/**
 * Several instances on one Redis: ordered, exactly-once fan-out, the Redis channel contract, resume,
 * the snapshot→live hand-over under load, concurrent editors, and recovery from a dropped subscription.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { LiveEvent } from '../../src/schema.js';
import { startApp, uniqueId, type TestApp } from '../helpers/app.js';
import {
  call,
  connectEditor,
  connectReader,
  EventLog,
  expectFresh,
  expectOk,
  caughtUp,
  expectResumed,
  newBlog,
  type EditorSocket,
  type ReaderSocket,
} from '../helpers/clients.js';
import { until } from '../helpers/wait.js';

/** Asserts a socket's events for a blog are exactly seq from+1 … to, in order. */
function expectContiguous(events: LiveEvent[], from: number, to: number): void {
  expect(events.map((e) => e.seq)).toEqual(Array.from({ length: to - from }, (_, i) => from + i + 1));
}

describe('two instances on one Redis', () => {
  const prefix = `${uniqueId('multi')}:`;
  let a: TestApp;
  let b: TestApp;
  const sockets: ReaderSocket[] = [];
  const redisClients: Redis[] = [];

  beforeAll(async () => {
    const redisUrl = inject('redisUrl');
    a = await startApp({ redisUrl, prefix, env: { RESUME_LOG_MAX_EVENTS: '10' } });
    b = await startApp({ redisUrl, prefix, env: { RESUME_LOG_MAX_EVENTS: '10' } });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const r of redisClients) r.disconnect();
    await Promise.all([a.stop(), b.stop()]);
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

  it('readers on both instances receive every event exactly once, in seq order, identical to the Redis channel', async () => {
    const blogId = await newBlog(a);
    const sub = new Redis(inject('redisUrl'));
    sub.on('error', () => undefined);
    redisClients.push(sub);
    const raw: string[] = [];
    sub.on('message', (_channel: string, message: string) => raw.push(message));
    await sub.subscribe(`${prefix}{${blogId}}:events`);

    const ra = await reader(a);
    const rb = await reader(b);
    const logA = new EventLog(ra);
    const logB = new EventLog(rb);
    const ackA = expectFresh(await call(ra, 'subscribe', { blogId }));
    const ackB = expectFresh(await call(rb, 'subscribe', { blogId }));
    expect(ackA.seq).toBe(1);
    expect(ackB.seq).toBe(1);

    const ed = await editor(a);
    for (let i = 0; i < 12; i++) {
      expect(await call(ed, 'entry:create', { blogId, body: `update ${i}` })).toMatchObject({
        ok: true,
      });
    }
    const eventsA = await logA.waitFor(12, blogId);
    const eventsB = await logB.waitFor(12, blogId);
    await until('12 raw messages', () => raw.length >= 12);
    expectContiguous(eventsA, 1, 13);
    expectContiguous(eventsB, 1, 13);
    expect(eventsB).toEqual(eventsA);
    // The channel carries the exact envelope the sockets deliver, field for field and byte for byte.
    expect(raw.map((m) => JSON.parse(m) as unknown)).toEqual(eventsA);
    expect(raw).toEqual(eventsA.map((e) => JSON.stringify(e)));
    expect(Object.keys(JSON.parse(raw[0] ?? '{}') as object)).toEqual([
      'v',
      'type',
      'blogId',
      'seq',
      'cursor',
      'at',
      'entry',
    ]);
  });

  it('a resumed reader receives exactly the missed events, on either instance', async () => {
    const blogId = await newBlog(a);
    const ed = await editor(b);
    await call(ed, 'entry:create', { blogId, body: 'before' });
    const first = await reader(a);
    const ack = expectFresh(await call(first, 'subscribe', { blogId }));
    first.close();
    const posted: string[] = [];
    for (let i = 0; i < 5; i++) {
      posted.push(expectOk(await call(ed, 'entry:create', { blogId, body: `missed ${i}` })).entry.id);
    }
    const again = await reader(a);
    const log = new EventLog(again);
    const answer = await call(again, 'subscribe', { blogId, cursor: ack.cursor });
    expect(answer).toMatchObject({ resumed: true });
    // Live events continue right after the resumed ones (and carry any of the five that reached
    // instance a after it answered).
    const live = expectOk(await call(ed, 'entry:create', { blogId, body: 'live after resume' }));
    const all = await caughtUp(expectResumed(answer), log, blogId, ack.seq + 6);
    expectContiguous(all, ack.seq, ack.seq + 6);
    expect(all.map((e) => (e.type === 'entry.created' ? e.entry.id : ''))).toEqual([
      ...posted,
      live.entry.id,
    ]);
    // The other instance resumes the same old cursor with all six.
    const other = await reader(b);
    const otherLog = new EventLog(other);
    const fromB = await call(other, 'subscribe', { blogId, cursor: ack.cursor });
    expect(fromB).toMatchObject({ resumed: true });
    expect(await caughtUp(expectResumed(fromB), otherLog, blogId, ack.seq + 6)).toEqual(all);
  });

  it('a cursor whose events were trimmed, or from another epoch, gets a fresh snapshot instead', async () => {
    const blogId = await newBlog(a);
    const ed = await editor(a);
    const r1 = await reader(b);
    const ack = expectFresh(await call(r1, 'subscribe', { blogId }));
    r1.close();
    for (let i = 0; i < 15; i++) await call(ed, 'entry:create', { blogId, body: `flood ${i}` });
    // Instance b's in-memory ring may still hold them; a reader on a new instance relies on Redis alone.
    const c = await startApp({ redisUrl: inject('redisUrl'), prefix, env: { RESUME_LOG_MAX_EVENTS: '10' } });
    try {
      const r2 = await connectReader(c.url);
      sockets.push(r2);
      const stale = await call(r2, 'subscribe', { blogId, cursor: ack.cursor });
      expect(stale).toMatchObject({ ok: true, resumed: false, seq: 16 });
      expect(expectFresh(stale).entries).toHaveLength(15);
      const foreign = await call(r2, 'subscribe', {
        blogId,
        cursor: `zzzz9999.${ack.seq}`,
      });
      expect(foreign).toMatchObject({ ok: true, resumed: false, seq: 16 });
      const garbage = await call(r2, 'subscribe', { blogId, cursor: 'not a cursor' });
      expect(garbage).toMatchObject({ ok: true, resumed: false });
      const future = await call(r2, 'subscribe', {
        blogId,
        cursor: `${ack.cursor.split('.')[0]}.999`,
      });
      expect(future).toMatchObject({ ok: true, resumed: false });
    } finally {
      await c.stop();
    }
  });

  it('readers subscribing while entries stream in get a snapshot and then every later event, no gap, no duplicate', async () => {
    const blogId = await newBlog(a);
    const ed = await editor(a);
    const total = 30;
    const posting = (async () => {
      for (let i = 0; i < total; i++) await call(ed, 'entry:create', { blogId, body: `stream ${i}` });
    })();
    const joins = Array.from({ length: 10 }, async (_, i) => {
      const s = await reader(i % 2 === 0 ? a : b);
      const log = new EventLog(s);
      const ack = expectFresh(await call(s, 'subscribe', { blogId, limit: 100 }));
      return { ack, log };
    });
    const readers = await Promise.all(joins);
    await posting;
    const last = total + 1;
    for (const { ack, log } of readers) {
      const events = await log.waitFor(last - ack.seq, blogId);
      expectContiguous(events, ack.seq, last);
      // the snapshot holds exactly the entries created up to its seq
      expect(ack.entries).toHaveLength(ack.seq - 1);
    }
  });

  it('20 editors posting at once produce seq 2..21 with no gap, and every reader sees the same order', async () => {
    const blogId = await newBlog(a);
    const ra = await reader(a);
    const rb = await reader(b);
    const logA = new EventLog(ra);
    const logB = new EventLog(rb);
    await call(ra, 'subscribe', { blogId });
    await call(rb, 'subscribe', { blogId });
    const editors = await Promise.all(Array.from({ length: 20 }, (_, i) => editor(i % 2 === 0 ? a : b)));
    const acks = await Promise.all(
      editors.map((e, i) => call(e, 'entry:create', { blogId, body: `editor ${i}` })),
    );
    expect(acks.every((x) => x.ok)).toBe(true);
    const eventsA = await logA.waitFor(20, blogId);
    const eventsB = await logB.waitFor(20, blogId);
    expectContiguous(eventsA, 1, 21);
    expect(eventsB).toEqual(eventsA);
    expect(new Set(eventsA.map((e) => (e.type === 'entry.created' ? e.entry.id : ''))).size).toBe(20);
  });

  it('the reader count counts the sockets of every instance, and drops when one leaves', async () => {
    const blogId = await newBlog(a);
    const ra = await reader(a);
    const counts: number[] = [];
    ra.on('readers', (m) => {
      if (m.blogId === blogId) counts.push(m.count);
    });
    await call(ra, 'subscribe', { blogId });
    const rb1 = await reader(b);
    const rb2 = await reader(b);
    await call(rb1, 'subscribe', { blogId });
    await call(rb2, 'subscribe', { blogId });
    await until('a count of 3', () => counts.includes(3), 8000);
    rb2.close();
    await until('a count of 2 after one left', () => counts[counts.length - 1] === 2, 8000);
    const late = await reader(a);
    const ack = expectFresh(await call(late, 'subscribe', { blogId }));
    expect(ack.readers).toBe(3);
  });

  it('an instance whose Redis subscription drops fills the gap from the event log, in order', async () => {
    const blogId = await newBlog(a);
    const rb = await reader(b);
    const log = new EventLog(rb);
    await call(rb, 'subscribe', { blogId });
    const ed = await editor(a);
    await call(ed, 'entry:create', { blogId, body: 'before the drop' });
    await log.waitFor(1, blogId);

    const admin = new Redis(inject('redisUrl'));
    admin.on('error', () => undefined);
    redisClients.push(admin);
    // Kill every pub/sub connection: both instances' subscribers reconnect; messages meanwhile are lost.
    const killing = admin.client('KILL', 'TYPE', 'pubsub');
    const posts = Array.from({ length: 5 }, (_, i) =>
      call(ed, 'entry:create', { blogId, body: `during ${i}` }),
    );
    await Promise.all([killing, ...posts]);
    const events = await log.waitFor(6, blogId, 10_000);
    expectContiguous(events, 1, 7);
  });
});
