/** SPEC §3: the reader namespace `/` over real sockets, on the Redis store. */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Entry, FreshSubscribeAck, ReadersMessage } from '../../src/schema.js';
import type { PayloadOf } from '../../src/shared/protocol.js';
import { startApp, uniqueId, type TestApp } from '../helpers/app.js';
import {
  api,
  call,
  callUnchecked,
  connectReader,
  EventLog,
  expectFresh,
  expectOk,
  expectRefused,
  caughtUp,
  expectResumed,
  newBlog,
  newEntry,
  type ReaderSocket,
} from '../helpers/clients.js';
import { until } from '../helpers/wait.js';

let app: TestApp;
const opened: ReaderSocket[] = [];

beforeAll(async () => {
  // Set-up writes are many and fast; the write rate limit has its own tests (editor-protocol, http-api).
  app = await startApp({
    redisUrl: inject('redisUrl'),
    prefix: `${uniqueId('reader-proto')}:`,
    env: { EDITOR_WRITES_PER_SECOND: '0' },
  });
});
afterAll(async () => {
  await app.stop();
});
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

async function reader(): Promise<ReaderSocket> {
  const socket = await connectReader(app.url);
  opened.push(socket);
  return socket;
}

// Set-up writes go through HTTP (the same operation, SPEC §5), so the editor socket's write rate limit
// never gets in the way of a reader test.
function post(blogId: string, body: string, extra: Record<string, unknown> = {}): Promise<Entry> {
  return newEntry(app, blogId, { body, ...extra });
}

async function change(method: 'PATCH' | 'DELETE', blogId: string, entryId: string, body?: object) {
  const res = await api(app.url, method, `/api/blogs/${blogId}/entries/${entryId}`, {
    token: app.token,
    ...(body ? { body } : {}),
  });
  expect(res.status).toBe(method === 'DELETE' ? 204 : 200);
}

async function subscribe(socket: ReaderSocket, payload: PayloadOf<'subscribe'>): Promise<FreshSubscribeAck> {
  const ack = await call(socket, 'subscribe', payload);
  expect(ack).toMatchObject({ ok: true, resumed: false });
  return expectFresh(ack);
}

/**
 * Resolves once everything the server sent `socket` before now has arrived: the ack of a later request
 * on the same connection is delivered after any event that was emitted to it before that request.
 */
async function drained(socket: ReaderSocket, blogId: string): Promise<void> {
  await call(socket, 'entries', { blogId, limit: 1 });
}

describe('subscribe (fresh)', () => {
  it('answers the blog, its newest entries without deleted ones, the pinned entry, cursor, seq and reader count', async () => {
    const blogId = await newBlog(app);
    const a = await post(blogId, 'first');
    const b = await post(blogId, 'second', { pinned: true });
    const c = await post(blogId, 'third');
    await change('DELETE', blogId, c.id);
    const d = await post(blogId, 'fourth', { keyEvent: true });

    const ack = await subscribe(await reader(), { blogId });
    expect(ack.blog).toMatchObject({ id: blogId, title: `Blog ${blogId}`, status: 'live', description: '' });
    expect(ack.entries.map((e) => e.id)).toEqual([d.id, b.id, a.id]);
    expect(ack.entries[0]).toEqual(d);
    expect(ack.pinned).toEqual(b);
    expect(ack.hasMore).toBe(false);
    expect(typeof ack.cursor).toBe('string');
    expect(ack.cursor.length).toBeGreaterThan(0);
    // blog.updated + 4 creates + 1 delete
    expect(ack.seq).toBe(6);
    expect(ack.readers).toBeGreaterThanOrEqual(1);
  });

  it('answers pinned: null and no entries for a blog with none', async () => {
    const blogId = await newBlog(app);
    const ack = await subscribe(await reader(), { blogId });
    expect(ack).toMatchObject({ entries: [], pinned: null, hasMore: false, seq: 1 });
  });

  it('defaults to the newest 20 entries and honours limit 1 and 100', async () => {
    const blogId = await newBlog(app);
    const posted: Entry[] = [];
    for (let i = 0; i < 22; i++) posted.push(await post(blogId, `entry ${i}`));
    const newestFirst = posted.map((e) => e.id).reverse();
    const socket = await reader();

    const byDefault = await subscribe(socket, { blogId });
    expect(byDefault.entries.map((e) => e.id)).toEqual(newestFirst.slice(0, 20));
    expect(byDefault.hasMore).toBe(true);

    const one = await subscribe(socket, { blogId, limit: 1 });
    expect(one.entries.map((e) => e.id)).toEqual(newestFirst.slice(0, 1));
    expect(one.hasMore).toBe(true);

    const hundred = await subscribe(socket, { blogId, limit: 100 });
    expect(hundred.entries.map((e) => e.id)).toEqual(newestFirst);
    expect(hundred.hasMore).toBe(false);
  });

  it.each([0, 101, 1.5, -1, '5'])('refuses limit %j as invalid with issues at ["limit"]', async (limit) => {
    const blogId = await newBlog(app);
    const ack = await callUnchecked(await reader(), 'subscribe', { blogId, limit });
    expect(ack).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(expectRefused(ack).issues?.map((i) => i.path)).toContainEqual(['limit']);
  });

  it('answers not_found for an unknown blog', async () => {
    const ack = await call(await reader(), 'subscribe', { blogId: uniqueId('missing') });
    expect(ack).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(typeof expectRefused(ack).message).toBe('string');
  });

  it('answers invalid at ["blogId"] for a blog id that is not a slug', async () => {
    const ack = await call(await reader(), 'subscribe', { blogId: 'Not A Slug!' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(expectRefused(ack).issues?.map((i) => i.path)).toContainEqual(['blogId']);
  });
});

describe('live events', () => {
  it('every change after the snapshot arrives once, in seq order, with no gap — even while writes race the subscribe', async () => {
    const blogId = await newBlog(app);
    await post(blogId, 'before');
    const socket = await reader();
    const log = new EventLog(socket);
    const writes = Array.from({ length: 15 }, (_, i) => post(blogId, `racing ${i}`));
    const ack = await subscribe(socket, { blogId, limit: 100 });
    await Promise.all(writes);
    const total = 2 + 15; // blog.updated, "before", 15 racing creates
    const missed = total - ack.seq;
    const events = await log.waitFor(missed, blogId);
    await drained(socket, blogId);
    expect(log.events.map((e) => e.seq)).toEqual(Array.from({ length: missed }, (_, i) => ack.seq + 1 + i));
    // snapshot entries + live entries = every entry, each once
    const ids = [
      ...ack.entries.map((e) => e.id),
      ...events.map((e) => (e.type === 'entry.created' ? e.entry.id : '')),
    ];
    expect(new Set(ids).size).toBe(16);
    expect(ids).toHaveLength(16);
  });

  it('a socket that subscribes twice to a blog still receives each event once', async () => {
    const blogId = await newBlog(app);
    const socket = await reader();
    const log = new EventLog(socket);
    await subscribe(socket, { blogId });
    const again = await subscribe(socket, { blogId });
    await post(blogId, 'once');
    await log.waitFor(1, blogId);
    await drained(socket, blogId);
    expect(log.events.map((e) => e.seq)).toEqual([again.seq + 1]);
  });
});

describe('subscribe with a cursor (resume)', () => {
  it('a resumed reader receives exactly the missed events, oldest first, then the live ones', async () => {
    const blogId = await newBlog(app);
    const kept = await post(blogId, 'kept');
    const first = await reader();
    const fresh = await subscribe(first, { blogId });
    first.close();

    const created = await post(blogId, 'missed 1');
    await change('PATCH', blogId, kept.id, { body: 'kept, edited' });
    await change('DELETE', blogId, created.id);

    const second = await reader();
    const log = new EventLog(second);
    const answer = await call(second, 'subscribe', { blogId, cursor: fresh.cursor });
    expect(answer).toMatchObject({ ok: true, resumed: true, blog: { id: blogId } });
    const ack = expectResumed(answer);
    if (ack.events.length > 0) expect(ack.cursor).toBe(ack.events.at(-1)?.cursor);
    // The instance may answer before the last writes reached it over pub/sub: those arrive live, right
    // after the answer.
    await post(blogId, 'live');
    const all = await caughtUp(ack, log, blogId, fresh.seq + 4);
    expect(all.map((e) => [e.seq, e.type])).toEqual([
      [fresh.seq + 1, 'entry.created'],
      [fresh.seq + 2, 'entry.updated'],
      [fresh.seq + 3, 'entry.deleted'],
      [fresh.seq + 4, 'entry.created'],
    ]);
    expect(all[2]).toMatchObject({ entryId: created.id });
    await drained(second, blogId);
    expect(log.events).toHaveLength(fresh.seq + 4 - ack.seq);
  });

  it('a cursor at the head resumes with no events', async () => {
    const blogId = await newBlog(app);
    await post(blogId, 'one');
    const socket = await reader();
    const fresh = await subscribe(socket, { blogId });
    const ack = await call(await reader(), 'subscribe', { blogId, cursor: fresh.cursor });
    expect(ack).toMatchObject({ ok: true, resumed: true, events: [], seq: fresh.seq, cursor: fresh.cursor });
  });

  it('a cursor taken from an event resumes right after that event', async () => {
    const blogId = await newBlog(app);
    const socket = await reader();
    const log = new EventLog(socket);
    await subscribe(socket, { blogId });
    await post(blogId, 'a');
    await post(blogId, 'b');
    const [a] = await log.waitFor(2, blogId);
    const ack = await call(await reader(), 'subscribe', { blogId, cursor: a?.cursor });
    expect(ack).toMatchObject({ resumed: true });
    expect(expectResumed(ack).events.map((e) => e.seq)).toEqual([3]);
  });

  it.each([
    ['a garbage cursor', 'not-a-cursor'],
    ['an empty cursor', ''],
    ['a lookalike cursor of another epoch', 'AAAAAAAAAAAAAAAA.1'],
    ['a cursor ahead of the blog', 'future'],
    ['a cursor of another blog', 'foreign'],
  ])('%s gets a fresh answer, never an error', async (_what, kind) => {
    await expectFreshAnswerFor(kind);
  });

  it('a cursor longer than 200 characters gets a fresh answer, never an error', async () => {
    await expectFreshAnswerFor('x'.repeat(500));
  });

  async function expectFreshAnswerFor(kind: string): Promise<void> {
    const blogId = await newBlog(app);
    const entry = await post(blogId, 'only');
    let cursor = kind;
    if (kind === 'future' || kind === 'foreign') {
      const other = kind === 'foreign' ? await newBlog(app, { label: 'other' }) : blogId;
      if (kind === 'foreign') for (let i = 0; i < 5; i++) await post(other, `other ${i}`);
      const snap = await subscribe(await reader(), { blogId: other });
      cursor = kind === 'future' ? snap.cursor.replace(/\d+$/, '999') : snap.cursor;
    }
    const ack = await call(await reader(), 'subscribe', { blogId, cursor });
    expect(ack).toMatchObject({ ok: true, resumed: false, seq: 2, pinned: null });
    expect(expectFresh(ack).entries.map((e) => e.id)).toEqual([entry.id]);
  }
});

describe('unsubscribe', () => {
  it('answers { ok: true } and no event of that blog arrives afterwards', async () => {
    const blogId = await newBlog(app);
    const leaving = await reader();
    const witness = await reader();
    const leavingLog = new EventLog(leaving);
    const witnessLog = new EventLog(witness);
    await subscribe(leaving, { blogId });
    await subscribe(witness, { blogId });
    expect(await call(leaving, 'unsubscribe', { blogId })).toEqual({ ok: true });
    await post(blogId, 'after unsubscribe');
    await witnessLog.waitFor(1, blogId);
    await drained(leaving, blogId);
    expect(leavingLog.events).toEqual([]);
  });

  it('answers { ok: true } for a blog the socket was not subscribed to', async () => {
    expect(await call(await reader(), 'unsubscribe', { blogId: uniqueId('never') })).toEqual({ ok: true });
  });
});

describe('entries (load more, key events)', () => {
  it('pages older entries newest first with before/limit and reports hasMore', async () => {
    const blogId = await newBlog(app);
    const posted: Entry[] = [];
    for (let i = 0; i < 6; i++) posted.push(await post(blogId, `e${i}`, { keyEvent: i % 2 === 0 }));
    await change('DELETE', blogId, posted[3]?.id ?? '');
    const ids = posted
      .map((e) => e.id)
      .filter((id) => id !== posted[3]?.id)
      .reverse(); // 5,4,2,1,0
    const socket = await reader();

    const page1 = await call(socket, 'entries', { blogId, limit: 2 });
    expect(page1).toMatchObject({ ok: true, hasMore: true });
    expect(expectOk(page1).entries.map((e) => e.id)).toEqual(ids.slice(0, 2));

    const page2 = expectOk(await call(socket, 'entries', { blogId, limit: 2, before: ids[1] }));
    expect(page2.entries.map((e) => e.id)).toEqual(ids.slice(2, 4));
    expect(page2.hasMore).toBe(true);

    const page3 = expectOk(await call(socket, 'entries', { blogId, limit: 2, before: ids[3] }));
    expect(page3.entries.map((e) => e.id)).toEqual(ids.slice(4));
    expect(page3.hasMore).toBe(false);

    const all = expectOk(await call(socket, 'entries', { blogId }));
    expect(all.entries.map((e) => e.id)).toEqual(ids);
    expect(all.hasMore).toBe(false);
  });

  it('keyEvents: true lists only key events, newest first', async () => {
    const blogId = await newBlog(app);
    const posted: Entry[] = [];
    for (let i = 0; i < 5; i++) posted.push(await post(blogId, `e${i}`, { keyEvent: i !== 2 }));
    const keyIds = posted
      .filter((e) => e.keyEvent)
      .map((e) => e.id)
      .reverse();
    const socket = await reader();
    const page = expectOk(await call(socket, 'entries', { blogId, keyEvents: true, limit: 3 }));
    expect(page.entries.map((e) => e.id)).toEqual(keyIds.slice(0, 3));
    expect(page.hasMore).toBe(true);
    const rest = expectOk(await call(socket, 'entries', { blogId, keyEvents: true, before: keyIds[2] }));
    expect(rest.entries.map((e) => e.id)).toEqual(keyIds.slice(3));
    expect(rest.hasMore).toBe(false);
  });

  it('answers not_found for an unknown blog and invalid for a bad limit', async () => {
    const socket = await reader();
    expect(await call(socket, 'entries', { blogId: uniqueId('missing') })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    const blogId = await newBlog(app);
    const bad = await call(socket, 'entries', { blogId, limit: 101 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(expectRefused(bad).issues?.map((i) => i.path)).toContainEqual(['limit']);
  });
});

describe('limits and presence', () => {
  it('refuses an 11th blog on one socket with rate_limited, and allows it after an unsubscribe', async () => {
    const blogs: string[] = [];
    for (let i = 0; i < 11; i++) blogs.push(await newBlog(app, { label: `many${i}` }));
    const socket = await reader();
    for (const blogId of blogs.slice(0, 10)) await subscribe(socket, { blogId });
    const eleventh = await call(socket, 'subscribe', { blogId: blogs[10] ?? '' });
    expect(eleventh).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    // resubscribing to one it already has is not an 11th
    await subscribe(socket, { blogId: blogs[0] ?? '' });
    // and the refused blog sends nothing to this socket
    const log = new EventLog(socket);
    await post(blogs[10] ?? '', 'not for this socket');
    await post(blogs[0] ?? '', 'for this socket');
    await log.waitFor(1, blogs[0]);
    expect(log.count(blogs[10] ?? '')).toBe(0);

    expect(await call(socket, 'unsubscribe', { blogId: blogs[0] ?? '' })).toEqual({ ok: true });
    await subscribe(socket, { blogId: blogs[10] ?? '' });
  });

  it('sends readers { blogId, count } when a second reader subscribes, and again when one leaves', async () => {
    const blogId = await newBlog(app);
    const first = await reader();
    const counts: ReadersMessage[] = [];
    first.on('readers', (m) => counts.push(m));
    const ack1 = await subscribe(first, { blogId });
    expect(ack1.readers).toBe(1);
    const second = await reader();
    const ack2 = await subscribe(second, { blogId });
    expect(ack2.readers).toBe(2);
    await until('readers count 2', () => counts.some((m) => m.blogId === blogId && m.count === 2), 5000);
    second.close();
    await until('readers count 1', () => counts.at(-1)?.count === 1, 5000);
    expect(counts.every((m) => m.blogId === blogId)).toBe(true);
  });
});
