/** SPEC §5: every HTTP route with its statuses, on the Redis store; 503 on a Redis of its own. */
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Blog, Entry, ErrorBody, LiveEvent } from '../../src/schema.js';
import { EDITOR_TOKEN, startApp, uniqueId, type TestApp } from '../helpers/app.js';
import {
  api,
  call,
  connectEditor,
  connectReader,
  EventLog,
  expectFresh,
  newBlog,
  newEntry,
} from '../helpers/clients.js';
import { RedisServer } from '../helpers/redis-server.js';
import { until } from '../helpers/wait.js';

let app: TestApp;
const opened: Socket[] = [];

beforeAll(async () => {
  // Set-up writes are many and fast; the write rate limit has its own tests (editor-protocol, http-api).
  app = await startApp({
    redisUrl: inject('redisUrl'),
    prefix: `${uniqueId('http-api')}:`,
    env: { EDITOR_WRITES_PER_SECOND: '0' },
  });
});
afterAll(async () => {
  await app.stop();
});
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

const auth = { token: EDITOR_TOKEN };

async function post(blogId: string, body: Record<string, unknown>, headers?: Record<string, string>) {
  return api(app.url, 'POST', `/api/blogs/${blogId}/entries`, {
    ...auth,
    body,
    ...(headers ? { headers } : {}),
  });
}

function errorOf(res: { body: { error?: unknown } }): ErrorBody {
  return res.body.error as ErrorBody;
}

function paths(res: { body: { error?: unknown } }): unknown[] {
  return (errorOf(res).issues ?? []).map((i) => i.path);
}

async function page(path: string): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(`${app.url}${path}`);
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

describe('PUT /api/blogs/:blogId', () => {
  it('answers 201 { blog } when it creates and 200 { blog } when it updates, keeping createdAt', async () => {
    const id = uniqueId('blog');
    const created = await api(app.url, 'PUT', `/api/blogs/${id}`, {
      ...auth,
      body: { title: 'Crisis', description: 'd' },
    });
    expect(created.status).toBe(201);
    const blog = created.body.blog as Blog;
    expect(blog).toMatchObject({ id, title: 'Crisis', description: 'd', status: 'live' });
    const updated = await api(app.url, 'PUT', `/api/blogs/${id}`, {
      ...auth,
      body: { id, title: 'Crisis over', status: 'ended' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.blog).toMatchObject({
      id,
      title: 'Crisis over',
      status: 'ended',
      createdAt: blog.createdAt,
    });
  });

  it('answers 400 invalid for a bad field, an id differing from the URL, a non-object body and malformed JSON', async () => {
    const id = uniqueId('blog');
    const noTitle = await api(app.url, 'PUT', `/api/blogs/${id}`, { ...auth, body: { description: 'x' } });
    expect(noTitle.status).toBe(400);
    expect(errorOf(noTitle).code).toBe('invalid');
    expect(paths(noTitle)).toContainEqual(['title']);

    const otherId = await api(app.url, 'PUT', `/api/blogs/${id}`, {
      ...auth,
      body: { id: 'other', title: 't' },
    });
    expect(otherId.status).toBe(400);
    expect(paths(otherId)).toContainEqual(['id']);

    const badSlug = await api(app.url, 'PUT', '/api/blogs/Bad_Slug', { ...auth, body: { title: 't' } });
    expect(badSlug.status).toBe(400);
    expect(paths(badSlug)).toContainEqual(['id']);

    for (const raw of ['{"title": ', '[1,2]', '"a string"', 'null']) {
      const res = await api(app.url, 'PUT', `/api/blogs/${id}`, {
        ...auth,
        raw,
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status, raw).toBe(400);
      expect(errorOf(res).code, raw).toBe('invalid');
    }
    // none of those created the blog
    expect((await api(app.url, 'GET', `/api/blogs/${id}`)).status).toBe(404);
  });

  it.each([
    ['no Authorization header', {}],
    ['a wrong bearer token', { token: 'wrong-token' }],
    ['another scheme', { headers: { authorization: `Basic ${EDITOR_TOKEN}` } }],
  ])('answers 401 unauthorized with %s', async (_what, credentials) => {
    const id = uniqueId('blog');
    const res = await api(app.url, 'PUT', `/api/blogs/${id}`, { ...credentials, body: { title: 't' } });
    expect(res.status).toBe(401);
    expect(errorOf(res)).toMatchObject({ code: 'unauthorized' });
    expect(typeof errorOf(res).message).toBe('string');
    expect((await api(app.url, 'GET', `/api/blogs/${id}`)).status).toBe(404);
  });
});

describe('GET /api/blogs and /api/blogs/:blogId', () => {
  it('lists blogs and reads one', async () => {
    const id = await newBlog(app, { title: 'Listed' });
    const list = await api(app.url, 'GET', '/api/blogs');
    expect(list.status).toBe(200);
    expect((list.body.blogs as Blog[]).find((b) => b.id === id)).toMatchObject({ id, title: 'Listed' });
    const one = await api(app.url, 'GET', `/api/blogs/${id}`);
    expect(one).toMatchObject({ status: 200, body: { blog: { id, title: 'Listed' } } });
  });

  it('answers 404 not_found for an unknown blog', async () => {
    const res = await api(app.url, 'GET', `/api/blogs/${uniqueId('missing')}`);
    expect(res.status).toBe(404);
    expect(errorOf(res).code).toBe('not_found');
  });
});

describe('POST /api/blogs/:blogId/entries', () => {
  it('answers 201 { entry } and publishes entry.created to readers', async () => {
    const blogId = await newBlog(app);
    const reader = await connectReader(app.url);
    opened.push(reader);
    const log = new EventLog(reader);
    const snap = expectFresh(await call(reader, 'subscribe', { blogId }));
    const res = await post(blogId, { body: '*hi*', headline: 'H', keyEvent: true });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body)).toEqual(['entry']);
    const entry = res.body.entry as Entry;
    expect(entry).toMatchObject({
      blogId,
      headline: 'H',
      body: '*hi*',
      html: '<p><em>hi</em></p>',
      keyEvent: true,
      pinned: false,
      version: 1,
      author: { id: 'alice-smith', name: 'Alice Smith' },
    });
    const [event] = await log.waitFor(1, blogId);
    expect(event).toMatchObject({ type: 'entry.created', seq: snap.seq + 1, entry });
  });

  it('with the same Idempotency-Key answers 200 { entry, duplicate: true } with the first entry and no new event', async () => {
    const blogId = await newBlog(app);
    const key = uniqueId('key');
    const first = await post(blogId, { body: 'once' }, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    const again = await post(blogId, { body: 'once' }, { 'Idempotency-Key': key });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ entry: first.body.entry, duplicate: true });
    const entries = await api(app.url, 'GET', `/api/blogs/${blogId}/entries`);
    expect(entries.body).toMatchObject({ seq: 2 });
    expect(entries.body.entries).toHaveLength(1);
  });

  it('answers 400 for an invalid entry (with the field path), 404 for an unknown blog and 401 without a token', async () => {
    const blogId = await newBlog(app);
    const empty = await post(blogId, { body: '' });
    expect(empty.status).toBe(400);
    expect(paths(empty)).toContainEqual(['body']);
    const long = await post(blogId, { body: 'x', headline: 'h'.repeat(201) });
    expect(long.status).toBe(400);
    expect(paths(long)).toContainEqual(['headline']);
    const badKey = await post(blogId, { body: 'x' }, { 'Idempotency-Key': 'k'.repeat(101) });
    expect(badKey.status).toBe(400);
    expect(paths(badKey)).toContainEqual(['idempotencyKey']);
    const unknown = await post(uniqueId('missing'), { body: 'x' });
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown).code).toBe('not_found');
    const anonymous = await api(app.url, 'POST', `/api/blogs/${blogId}/entries`, { body: { body: 'x' } });
    expect(anonymous.status).toBe(401);
    const list = await api(app.url, 'GET', `/api/blogs/${blogId}/entries`);
    expect(list.body.entries).toEqual([]);
  });
});

describe('PATCH /api/blogs/:blogId/entries/:entryId', () => {
  it('answers { entry } with the version bumped; If-Match with the current version succeeds, a stale one is 409', async () => {
    const blogId = await newBlog(app);
    const entry = await newEntry(app, blogId);
    const url = `/api/blogs/${blogId}/entries/${entry.id}`;
    const edited = await api(app.url, 'PATCH', url, { ...auth, body: { body: '**edited**' } });
    expect(edited.status).toBe(200);
    expect(edited.body.entry).toMatchObject({
      id: entry.id,
      version: 2,
      html: '<p><strong>edited</strong></p>',
    });

    const matched = await api(app.url, 'PATCH', url, {
      ...auth,
      body: { keyEvent: true },
      headers: { 'If-Match': '"2"' },
    });
    expect(matched.status).toBe(200);
    expect(matched.body.entry).toMatchObject({ version: 3, keyEvent: true });

    const stale = await api(app.url, 'PATCH', url, {
      ...auth,
      body: { body: 'lost' },
      headers: { 'If-Match': '2' },
    });
    expect(stale.status).toBe(409);
    expect(errorOf(stale).code).toBe('conflict');

    const garbage = await api(app.url, 'PATCH', url, {
      ...auth,
      body: { body: 'x' },
      headers: { 'If-Match': 'soon' },
    });
    expect(garbage.status).toBe(400);

    const now = await api(app.url, 'GET', `/api/blogs/${blogId}/entries`);
    expect((now.body.entries as Entry[])[0]).toMatchObject({ body: '**edited**', version: 3 });
  });

  it('If-Match: 0 never matches, and the entry is left unchanged', async () => {
    const blogId = await newBlog(app);
    const entry = await newEntry(app, blogId, { body: 'original' });
    const res = await api(app.url, 'PATCH', `/api/blogs/${blogId}/entries/${entry.id}`, {
      ...auth,
      body: { body: 'overwritten' },
      headers: { 'If-Match': '0' },
    });
    expect([400, 409]).toContain(res.status);
    const now = await api(app.url, 'GET', `/api/blogs/${blogId}/entries`);
    expect((now.body.entries as Entry[])[0]).toMatchObject({ body: 'original', version: 1 });
  });

  it('answers 404 for an unknown entry, 400 for an invalid change and 401 without a token', async () => {
    const blogId = await newBlog(app);
    const entry = await newEntry(app, blogId);
    const missing = await api(app.url, 'PATCH', `/api/blogs/${blogId}/entries/no-such-entry`, {
      ...auth,
      body: { body: 'x' },
    });
    expect(missing.status).toBe(404);
    expect(errorOf(missing).code).toBe('not_found');
    const invalid = await api(app.url, 'PATCH', `/api/blogs/${blogId}/entries/${entry.id}`, {
      ...auth,
      body: { body: '' },
    });
    expect(invalid.status).toBe(400);
    expect(paths(invalid)).toContainEqual(['body']);
    const anonymous = await api(app.url, 'PATCH', `/api/blogs/${blogId}/entries/${entry.id}`, {
      body: { body: 'x' },
    });
    expect(anonymous.status).toBe(401);
  });
});

describe('DELETE /api/blogs/:blogId/entries/:entryId', () => {
  it('answers 204, then 404 for the same entry; 401 without a token', async () => {
    const blogId = await newBlog(app);
    const entry = await newEntry(app, blogId);
    const url = `/api/blogs/${blogId}/entries/${entry.id}`;
    expect((await api(app.url, 'DELETE', url)).status).toBe(401);
    const gone = await api(app.url, 'DELETE', url, auth);
    expect(gone.status).toBe(204);
    expect(gone.body).toEqual({});
    const again = await api(app.url, 'DELETE', url, auth);
    expect(again.status).toBe(404);
    expect(errorOf(again).code).toBe('not_found');
  });
});

describe('GET /api/blogs/:blogId/entries', () => {
  it('answers { entries, hasMore, cursor, seq } and pages with before, limit and keyEvents', async () => {
    const blogId = await newBlog(app);
    const posted: Entry[] = [];
    for (let i = 0; i < 5; i++)
      posted.push(await newEntry(app, blogId, { body: `e${i}`, keyEvent: i % 2 === 0 }));
    const ids = posted.map((e) => e.id).reverse();
    const first = await api(app.url, 'GET', `/api/blogs/${blogId}/entries?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ hasMore: true, seq: 6 });
    expect(typeof first.body.cursor).toBe('string');
    expect((first.body.entries as Entry[]).map((e) => e.id)).toEqual(ids.slice(0, 2));
    const next = await api(app.url, 'GET', `/api/blogs/${blogId}/entries?limit=2&before=${ids[1]}`);
    expect((next.body.entries as Entry[]).map((e) => e.id)).toEqual(ids.slice(2, 4));
    expect(next.body).toMatchObject({ hasMore: true, seq: 6 });
    const keys = await api(app.url, 'GET', `/api/blogs/${blogId}/entries?keyEvents=true`);
    expect((keys.body.entries as Entry[]).map((e) => e.id)).toEqual([ids[0], ids[2], ids[4]]);
    expect(keys.body.hasMore).toBe(false);
  });

  it.each(['0', '101', 'abc'])('answers 400 invalid at ["limit"] for limit=%s', async (limit) => {
    const blogId = await newBlog(app);
    const res = await api(app.url, 'GET', `/api/blogs/${blogId}/entries?limit=${limit}`);
    expect(res.status).toBe(400);
    expect(errorOf(res).code).toBe('invalid');
    expect(paths(res)).toContainEqual(['limit']);
  });

  it('answers 404 for an unknown blog', async () => {
    const res = await api(app.url, 'GET', `/api/blogs/${uniqueId('missing')}/entries`);
    expect(res.status).toBe(404);
  });
});

describe('GET /api/blogs/:blogId/events', () => {
  it('with a cursor answers { resumed: true, events, cursor, seq } with every later event, oldest first', async () => {
    const blogId = await newBlog(app);
    const entry = await newEntry(app, blogId);
    const start = await api(app.url, 'GET', `/api/blogs/${blogId}/entries`);
    const cursor = start.body.cursor as string;
    const second = await newEntry(app, blogId, { body: 'second' });
    await api(app.url, 'PATCH', `/api/blogs/${blogId}/entries/${entry.id}`, { ...auth, body: { body: 'x' } });
    await api(app.url, 'DELETE', `/api/blogs/${blogId}/entries/${second.id}`, auth);
    const res = await api(app.url, 'GET', `/api/blogs/${blogId}/events?cursor=${encodeURIComponent(cursor)}`);
    expect(res.status).toBe(200);
    const events = res.body.events as LiveEvent[];
    expect(res.body).toMatchObject({ resumed: true, seq: 5, cursor: events[2]?.cursor });
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [3, 'entry.created'],
      [4, 'entry.updated'],
      [5, 'entry.deleted'],
    ]);
    const caughtUp = await api(
      app.url,
      'GET',
      `/api/blogs/${blogId}/events?cursor=${encodeURIComponent(res.body.cursor as string)}`,
    );
    expect(caughtUp.body).toMatchObject({ resumed: true, events: [], seq: 5 });
  });

  it.each([
    ['no cursor', ''],
    ['a malformed cursor', '?cursor=garbage'],
    ['a cursor of another epoch', '?cursor=ZZZZZZZZZZ.1'],
    ['a very long cursor', `?cursor=${'x'.repeat(500)}`],
  ])('with %s answers { resumed: false, cursor, seq }', async (_what, query) => {
    const blogId = await newBlog(app);
    await newEntry(app, blogId);
    const res = await api(app.url, 'GET', `/api/blogs/${blogId}/events${query}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ resumed: false, seq: 2 });
    expect(res.body).not.toHaveProperty('events');
    expect(typeof res.body.cursor).toBe('string');
  });

  it('answers 404 for an unknown blog', async () => {
    expect((await api(app.url, 'GET', `/api/blogs/${uniqueId('missing')}/events`)).status).toBe(404);
  });
});

describe('errors of the transport', () => {
  it('an unknown /api route is a JSON 404', async () => {
    const res = await fetch(`${app.url}/api/nothing/here`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('a body over 256 KB is 413 too_large and writes nothing', async () => {
    const blogId = await newBlog(app);
    const res = await post(blogId, { body: 'x'.repeat(300 * 1024) });
    expect(res.status).toBe(413);
    expect(errorOf(res).code).toBe('too_large');
    expect((await api(app.url, 'GET', `/api/blogs/${blogId}/entries`)).body.entries).toEqual([]);
  });
});

describe('the write rate limit', () => {
  it('an editor writing faster than EDITOR_WRITES_PER_SECOND gets 429 rate_limited, and nothing is written', async () => {
    const limited = await startApp({
      redisUrl: inject('redisUrl'),
      prefix: `${uniqueId('http-limit')}:`,
      env: { EDITOR_WRITES_PER_SECOND: '1' }, // a burst of 2
    });
    try {
      const blogId = uniqueId('blog');
      const put = await api(limited.url, 'PUT', `/api/blogs/${blogId}`, { ...auth, body: { title: 't' } });
      expect(put.status).toBe(201);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          api(limited.url, 'POST', `/api/blogs/${blogId}/entries`, { ...auth, body: { body: `b${i}` } }),
        ),
      );
      const refused = results.filter((r) => r.status === 429);
      expect(refused.length).toBeGreaterThanOrEqual(4);
      for (const r of refused) expect(errorOf(r).code).toBe('rate_limited');
      const created = results.filter((r) => r.status === 201).length;
      const list = await api(limited.url, 'GET', `/api/blogs/${blogId}/entries`);
      expect(list.body.entries).toHaveLength(created);
      expect(list.body.seq).toBe(1 + created);
      // reads are not limited
      expect((await api(limited.url, 'GET', `/api/blogs/${blogId}`)).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });
});

describe('operations endpoints', () => {
  it('GET /healthz and /readyz answer 200', async () => {
    expect((await page('/healthz')).status).toBe(200);
    expect((await page('/readyz')).status).toBe(200);
  });

  it('GET /metrics answers Prometheus text', async () => {
    const res = await page('/metrics');
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/plain');
    expect(res.text).toMatch(/^# HELP process_cpu/m);
  });
});

describe('pages', () => {
  it('GET / lists the blogs as HTML', async () => {
    const id = await newBlog(app, { title: 'Front <page> blog' });
    const res = await page('/');
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/html');
    expect(res.text).toContain(`/blogs/${id}`);
    expect(res.text).toContain('Front &lt;page&gt; blog');
    expect(res.text).not.toContain('Front <page> blog');
  });

  it('GET /blogs/:blogId renders the entries, each with id="entry-<id>"', async () => {
    const blogId = await newBlog(app, { title: 'Reader page' });
    const entry = await newEntry(app, blogId, { body: '**Kerry** meets Lavrov' });
    const res = await page(`/blogs/${blogId}`);
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/html');
    expect(res.text).toContain(`id="entry-${entry.id}"`);
    expect(res.text).toContain('<strong>Kerry</strong> meets Lavrov');
    expect(res.text).toMatch(/<h1[^>]*>[^<]*Reader page/);
  });

  it('GET /blogs/:blogId of an unknown blog is a 404 page', async () => {
    const res = await page(`/blogs/${uniqueId('missing')}`);
    expect(res.status).toBe(404);
    expect(res.type).toContain('text/html');
  });

  it('GET /console answers the editor console', async () => {
    const res = await page('/console');
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/html');
  });
});

describe('when Redis cannot be reached', () => {
  it('writes answer 503 / unavailable, /readyz 503, /healthz 200 — and the app recovers when Redis is back', async () => {
    const redis = await RedisServer.start();
    const own = await startApp({ redisUrl: redis.url, prefix: `${uniqueId('down')}:` });
    const editor = await connectEditor(own.url, own.token);
    try {
      const blogId = await newBlog(own, { title: 't' });
      for (const body of ['one', 'two']) {
        expect(
          (await api(own.url, 'POST', `/api/blogs/${blogId}/entries`, { ...auth, body: { body } })).status,
        ).toBe(201);
      }
      const oldCursor = (await api(own.url, 'GET', `/api/blogs/${blogId}/entries`)).body.cursor as string;
      await redis.stop();

      const httpWrite = await api(own.url, 'POST', `/api/blogs/${blogId}/entries`, {
        ...auth,
        body: { body: 'x' },
      });
      expect(httpWrite.status).toBe(503);
      expect(errorOf(httpWrite).code).toBe('unavailable');
      const socketWrite = await call(editor, 'entry:create', { blogId, body: 'x' });
      expect(socketWrite).toMatchObject({ ok: false, error: { code: 'unavailable' } });
      const read = await api(own.url, 'GET', `/api/blogs/${blogId}/entries`);
      expect(read.status).toBe(503);
      expect((await fetch(`${own.url}/readyz`)).status).toBe(503);
      expect((await fetch(`${own.url}/healthz`)).status).toBe(200);

      await redis.restart(); // an empty Redis: the history is gone, like a wiped store
      await until('/readyz 200 again', async () => (await fetch(`${own.url}/readyz`)).status === 200, 10_000);
      const again = await api(own.url, 'PUT', `/api/blogs/${blogId}`, { ...auth, body: { title: 't' } });
      expect(again.status).toBe(201);
      const created = await call(editor, 'entry:create', { blogId, body: 'back' });
      expect(created).toMatchObject({ ok: true, entry: { body: 'back' } });

      // A cursor from before the wipe (another epoch) never resumes onto the new history (SPEC §2),
      // even once the new history has passed its seq.
      for (const body of ['b2', 'b3', 'b4']) {
        expect(
          (await api(own.url, 'POST', `/api/blogs/${blogId}/entries`, { ...auth, body: { body } })).status,
        ).toBe(201);
      }
      const polled = await api(
        own.url,
        'GET',
        `/api/blogs/${blogId}/events?cursor=${encodeURIComponent(oldCursor)}`,
      );
      expect(polled.body).toMatchObject({ resumed: false, seq: 5 });
      const reader = await connectReader(own.url);
      try {
        const answer = await call(reader, 'subscribe', { blogId, cursor: oldCursor });
        expect(answer).toMatchObject({ ok: true, resumed: false, seq: 5 });
        expect(expectFresh(answer).entries.map((e) => e.body)).toEqual(['b4', 'b3', 'b2', 'back']);
      } finally {
        reader.close();
      }
    } finally {
      editor.close();
      await own.stop();
      await redis.dispose();
    }
  });

  it('a subscribe while Redis is down answers unavailable', async () => {
    const redis = await RedisServer.start();
    const own = await startApp({ redisUrl: redis.url, prefix: `${uniqueId('down')}:` });
    const reader = await connectReader(own.url);
    try {
      const blogId = await newBlog(own, { title: 't' });
      await redis.stop();
      expect(await call(reader, 'subscribe', { blogId })).toMatchObject({
        ok: false,
        error: { code: 'unavailable' },
      });
    } finally {
      reader.close();
      await own.stop();
      await redis.dispose();
    }
  });
});
