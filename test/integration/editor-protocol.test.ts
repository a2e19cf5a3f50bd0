/** SPEC §4: the editor namespace `/editor` over real sockets, on the Redis store. */
import { Redis } from 'ioredis';
import { SignJWT } from 'jose';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FreshSubscribeAck, LiveEvent } from '../../src/schema.js';
import type { Ack, PayloadOf, SuccessOf } from '../../src/shared/protocol.js';
import { EDITOR_TOKEN, SECOND_EDITOR_TOKEN, startApp, uniqueId, type TestApp } from '../helpers/app.js';
import {
  expectOk,
  api,
  call,
  callUnchecked,
  connectEditor,
  connectReader,
  EventLog,
  expectFresh,
  newBlog,
  expectRefused,
  type EditorSocket,
  type ReaderSocket,
} from '../helpers/clients.js';
import { until, within } from '../helpers/wait.js';

const JWT_SECRET = 'editor-protocol-jwt-secret-0123';
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

let app: TestApp;
let prefix: string;
const opened: Socket[] = [];

beforeAll(async () => {
  prefix = `${uniqueId('editor-proto')}:`;
  app = await startApp({
    redisUrl: inject('redisUrl'),
    prefix,
    // The write limit is per editor across connections; its own describe below starts an app with it.
    env: { JWT_SECRET, EDITOR_WRITES_PER_SECOND: '0' },
  });
});
afterAll(async () => {
  await app.stop();
});
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

/** A fresh editor socket per test. */
async function editorSocket(token = EDITOR_TOKEN): Promise<EditorSocket> {
  const socket = await connectEditor(app.url, token);
  opened.push(socket);
  return socket;
}

async function readerSocket(): Promise<ReaderSocket> {
  const socket = await connectReader(app.url);
  opened.push(socket);
  return socket;
}

async function create(
  editor: EditorSocket,
  payload: PayloadOf<'entry:create'>,
): Promise<SuccessOf<'entry:create'>> {
  const ack = await call(editor, 'entry:create', payload);
  if (!ack.ok) throw new Error(`entry:create failed: ${ack.error.code} ${ack.error.message}`);
  return ack;
}

/** Subscribes a reader to a blog and records its events. */
async function watch(
  blogId: string,
): Promise<{ log: EventLog; ack: FreshSubscribeAck; socket: ReaderSocket }> {
  const socket = await readerSocket();
  const log = new EventLog(socket);
  const answer = await call(socket, 'subscribe', { blogId });
  expect(answer).toMatchObject({ ok: true, resumed: false });
  return { log, ack: expectFresh(answer), socket };
}

/** Connects to /editor with the given handshake and resolves with the connect_error's message. */
function refusal(auth: Record<string, unknown> | undefined): Promise<string> {
  const socket = io(`${app.url}/editor`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(auth ? { auth } : {}),
  });
  opened.push(socket);
  return within(
    5000,
    'connect_error',
    new Promise<string>((resolve, reject) => {
      socket.once('connect', () => reject(new Error('the editor connection was accepted')));
      socket.once('connect_error', (err) => resolve(err.message));
    }),
  );
}

function jwt(claims: Record<string, unknown>, exp: string | number): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(JWT_SECRET));
}

function issuePaths(ack: Ack): unknown[] {
  return (expectRefused(ack).issues ?? []).map((i) => i.path);
}

describe('the handshake', () => {
  it.each([
    ['no auth at all', undefined],
    ['an auth object without token', {}],
    ['an empty token', { token: '' }],
    ['a wrong token', { token: 'not-the-token' }],
    ['a token that is not a string', { token: 12345 }],
  ])('refuses %s with connect_error "unauthorized"', async (_what, auth) => {
    expect(await refusal(auth)).toBe('unauthorized');
  });

  it('accepts an HS256 JWT signed with JWT_SECRET: the author is sub / name', async () => {
    const token = await jwt({ sub: 'jwt-bob', name: 'Bob Jones' }, '1h');
    const editor = await editorSocket(token);
    const blogId = await newBlog(app, { editor: editor });
    const { entry } = await create(editor, { blogId, body: 'from a JWT' });
    expect(entry.author).toEqual({ id: 'jwt-bob', name: 'Bob Jones' });
  });

  it('refuses an expired JWT', async () => {
    const token = await jwt({ sub: 'jwt-bob', name: 'Bob' }, Math.floor(Date.now() / 1000) - 30);
    expect(await refusal({ token })).toBe('unauthorized');
  });

  it('refuses a JWT signed with another secret', async () => {
    const token = await new SignJWT({ sub: 'mallory' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('some-other-secret-0123456789'));
    expect(await refusal({ token })).toBe('unauthorized');
  });
});

describe('blog:upsert', () => {
  it('creates a blog whose first event is blog.updated with seq 1', async () => {
    const editor = await editorSocket();
    const id = uniqueId('blog');
    const channel = `${prefix}{${id}}:events`;
    const sub = new Redis(inject('redisUrl'));
    const published: LiveEvent[] = [];
    sub.on('message', (_c: string, message: string) => published.push(JSON.parse(message) as LiveEvent));
    try {
      await sub.subscribe(channel);
      const answer = await call(editor, 'blog:upsert', {
        id,
        title: 'Kerry, Lavrov Begin Crisis Talks',
        description: 'Live from London',
      });
      expect(answer).toMatchObject({
        ok: true,
        blog: {
          id,
          title: 'Kerry, Lavrov Begin Crisis Talks',
          description: 'Live from London',
          status: 'live',
        },
      });
      const ack = expectOk(answer);
      expect(ack.blog.createdAt).toMatch(ISO_MS);
      expect(ack.blog.updatedAt).toBe(ack.blog.createdAt);
      await until('the creation event', () => published.length >= 1);
      expect(published).toHaveLength(1);
      expect(published[0]).toMatchObject({ v: 1, type: 'blog.updated', blogId: id, seq: 1, blog: ack.blog });
    } finally {
      sub.disconnect();
    }
  });

  it('an update keeps createdAt, changes the rest and is the next blog.updated event', async () => {
    const editor = await editorSocket();
    const id = uniqueId('blog');
    const created = expectOk(await call(editor, 'blog:upsert', { id, title: 'Before' }));
    const { log, ack: snap } = await watch(id);
    const updated = expectOk(await call(editor, 'blog:upsert', { id, title: 'After', status: 'ended' }));
    expect(updated.blog).toMatchObject({
      id,
      title: 'After',
      status: 'ended',
      createdAt: created.blog.createdAt,
    });
    expect(updated.blog.updatedAt >= created.blog.updatedAt).toBe(true);
    const [event] = await log.waitFor(1, id);
    expect(event).toMatchObject({ type: 'blog.updated', seq: snap.seq + 1, blog: updated.blog });
  });

  it.each([
    ['an id that is not a slug', { id: 'Not A Slug', title: 't' }, ['id']],
    ['a missing title', { id: 'valid-id' }, ['title']],
    ['an empty title', { id: 'valid-id', title: '   ' }, ['title']],
    ['an unknown status', { id: 'valid-id', title: 't', status: 'paused' }, ['status']],
  ])('refuses %s as invalid', async (_what, payload, path) => {
    const ack = await callUnchecked(await editorSocket(), 'blog:upsert', payload);
    expect(ack).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(issuePaths(ack)).toContainEqual(path);
  });
});

describe('entry:create', () => {
  it('answers the whole new entry with duplicate: false and publishes entry.created', async () => {
    const editor = await editorSocket();
    const blogId = await newBlog(app, { editor: editor });
    const { log, ack: snap } = await watch(blogId);
    const ack = await create(editor, {
      blogId,
      headline: 'Kerry and Lavrov meet in London',
      body: 'U.S. Secretary of State **John Kerry** and …',
      keyEvent: true,
    });
    expect(ack).toMatchObject({ ok: true, duplicate: false });
    const { entry } = ack;
    expect(entry).toMatchObject({
      blogId,
      headline: 'Kerry and Lavrov meet in London',
      body: 'U.S. Secretary of State **John Kerry** and …',
      html: '<p>U.S. Secretary of State <strong>John Kerry</strong> and …</p>',
      author: { id: 'alice-smith', name: 'Alice Smith' },
      keyEvent: true,
      pinned: false,
      version: 1,
    });
    expect(typeof entry.id).toBe('string');
    expect(entry.createdAt).toMatch(ISO_MS);
    expect(entry.updatedAt).toBe(entry.createdAt);
    expect(Math.abs(Date.parse(entry.createdAt) - Date.now())).toBeLessThan(60_000);
    const [event] = await log.waitFor(1, blogId);
    expect(event).toMatchObject({ v: 1, type: 'entry.created', blogId, seq: snap.seq + 1, entry });
    expect(typeof event?.cursor).toBe('string');
    expect(event?.at).toMatch(ISO_MS);
  });

  it('accepts the bounds: a 200-character headline and a 20,000-character body', async () => {
    const editor = await editorSocket();
    const blogId = await newBlog(app, { editor: editor });
    const { entry } = await create(editor, { blogId, headline: 'h'.repeat(200), body: 'b'.repeat(20_000) });
    expect(entry.headline).toHaveLength(200);
    expect(entry.body).toHaveLength(20_000);
  });

  it.each([
    ['a headline over 200 characters', { headline: 'h'.repeat(201) }, ['headline']],
    ['an empty body', { body: '' }, ['body']],
    ['a blank body', { body: ' \n ' }, ['body']],
    ['a body over 20,000 characters', { body: 'b'.repeat(20_001) }, ['body']],
    ['a body that is not a string', { body: 42 }, ['body']],
    ['a keyEvent that is not a boolean', { keyEvent: 'yes' }, ['keyEvent']],
    ['an empty idempotencyKey', { idempotencyKey: '' }, ['idempotencyKey']],
    ['an idempotencyKey over 100 characters', { idempotencyKey: 'k'.repeat(101) }, ['idempotencyKey']],
    ['a missing blogId', { blogId: undefined }, ['blogId']],
  ])('refuses %s as invalid with the path of the field', async (_what, change, path) => {
    const editor = await editorSocket();
    const blogId = await newBlog(app, { editor: editor });
    const ack = await callUnchecked(editor, 'entry:create', { blogId, body: 'ok', ...change });
    expect(ack).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(typeof expectRefused(ack).message).toBe('string');
    expect(issuePaths(ack)).toContainEqual(path);
  });

  it('refuses an unknown field as invalid and names it', async () => {
    const editor = await editorSocket();
    const blogId = await newBlog(app, { editor: editor });
    const ack = await callUnchecked(editor, 'entry:create', { blogId, body: 'ok', colour: 'red' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(JSON.stringify(expectRefused(ack))).toContain('colour');
  });

  it('reports an unknown field at its own path', async () => {
    const editor = await editorSocket();
    const blogId = await newBlog(app, { editor: editor });
    const ack = await callUnchecked(editor, 'entry:create', { blogId, body: 'ok', colour: 'red' });
    expect(issuePaths(ack)).toContainEqual(['colour']);
  });

  it('answers not_found on a blog that does not exist', async () => {
    const ack = await call(await editorSocket(), 'entry:create', {
      blogId: uniqueId('missing'),
      body: 'hello',
    });
    expect(ack).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('the same idempotencyKey from the same editor returns the first entry with duplicate: true and publishes nothing', async () => {
    const editor = await editorSocket();
    const blogId = await newBlog(app, { editor: editor });
    const { log, ack: snap } = await watch(blogId);
    const key = uniqueId('key');
    const first = await create(editor, { blogId, body: 'once', idempotencyKey: key });
    const retry = await create(editor, { blogId, body: 'once (retry)', idempotencyKey: key });
    expect(first.duplicate).toBe(false);
    expect(retry).toEqual({ ok: true, entry: first.entry, duplicate: true });
    // the next write is exactly one seq later: the retry made no event
    const next = await create(editor, { blogId, body: 'next' });
    const events = await log.waitFor(2, blogId);
    expect(events.map((e) => [e.seq, e.type === 'entry.created' ? e.entry.id : e.type])).toEqual([
      [snap.seq + 1, first.entry.id],
      [snap.seq + 2, next.entry.id],
    ]);
  });

  it('concurrent retries with one idempotencyKey make one entry', async () => {
    const editor = await editorSocket();
    const blogId = await newBlog(app, { editor: editor });
    const key = uniqueId('key');
    const acks = await Promise.all(
      Array.from({ length: 5 }, () => create(editor, { blogId, body: 'racing', idempotencyKey: key })),
    );
    expect(new Set(acks.map((a) => a.entry.id)).size).toBe(1);
    expect(acks.filter((a) => !a.duplicate)).toHaveLength(1);
    const page = expectOk(await call(editor, 'entries', { blogId }));
    expect(page.entries).toHaveLength(1);
  });

  it('the same key from another editor makes another entry', async () => {
    const alice = await editorSocket(EDITOR_TOKEN);
    const wire = await editorSocket(SECOND_EDITOR_TOKEN);
    const blogId = await newBlog(app, { editor: alice });
    const key = uniqueId('key');
    const a = await create(alice, { blogId, body: 'alice', idempotencyKey: key });
    const w = await create(wire, { blogId, body: 'wire', idempotencyKey: key });
    expect(w.duplicate).toBe(false);
    expect(w.entry.id).not.toBe(a.entry.id);
    expect(w.entry.author).toEqual({ id: 'wire-desk', name: 'Wire desk' });
  });

  it('an HTTP create and a Socket.IO create with the same editor and key are one entry, either way round', async () => {
    const editor = await editorSocket();
    const blogId = await newBlog(app, { editor: editor });
    const key1 = uniqueId('key');
    const viaHttp = await api(app.url, 'POST', `/api/blogs/${blogId}/entries`, {
      token: EDITOR_TOKEN,
      body: { body: 'over HTTP' },
      headers: { 'idempotency-key': key1 },
    });
    expect(viaHttp.status).toBe(201);
    const viaSocket = await create(editor, { blogId, body: 'over HTTP', idempotencyKey: key1 });
    expect(viaSocket).toEqual({ ok: true, entry: viaHttp.body.entry, duplicate: true });

    const key2 = uniqueId('key');
    const first = await create(editor, { blogId, body: 'over the socket', idempotencyKey: key2 });
    const again = await api(app.url, 'POST', `/api/blogs/${blogId}/entries`, {
      token: EDITOR_TOKEN,
      body: { body: 'over the socket' },
      headers: { 'idempotency-key': key2 },
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ entry: first.entry, duplicate: true });
  });
});

describe('entry:update', () => {
  it('bumps the version, re-renders html, keeps createdAt and publishes the whole entry', async () => {
    const editor = await editorSocket();
    const blogId = await newBlog(app, { editor: editor });
    const { entry: original } = await create(editor, { blogId, headline: 'Old', body: 'plain' });
    const { log, ack: snap } = await watch(blogId);
    const answer = await call(editor, 'entry:update', {
      blogId,
      entryId: original.id,
      body: 'now *emphasised*',
      keyEvent: true,
    });
    expect(answer.ok).toBe(true);
    const ack = expectOk(answer);
    expect(ack.entry).toMatchObject({
      id: original.id,
      headline: 'Old',
      body: 'now *emphasised*',
      html: '<p>now <em>emphasised</em></p>',
      keyEvent: true,
      version: 2,
      createdAt: original.createdAt,
      author: original.author,
    });
    expect(ack.entry.updatedAt >= original.updatedAt).toBe(true);
    const [event] = await log.waitFor(1, blogId);
    expect(event).toMatchObject({ type: 'entry.updated', seq: snap.seq + 1, entry: ack.entry });

    const headlineOnly = expectOk(
      await call(editor, 'entry:update', {
        blogId,
        entryId: original.id,
        headline: 'New',
        version: 2,
      }),
    );
    expect(headlineOnly.entry).toMatchObject({ headline: 'New', body: 'now *emphasised*', version: 3 });
  });

  it('refuses a stale version with conflict and changes nothing', async () => {
    const editor = await editorSocket();
    const blogId = await newBlog(app, { editor: editor });
    const { entry } = await create(editor, { blogId, body: 'v1' });
    await call(editor, 'entry:update', { blogId, entryId: entry.id, body: 'v2', version: 1 });
    const stale = await call(editor, 'entry:update', {
      blogId,
      entryId: entry.id,
      body: 'lost edit',
      version: 1,
    });
    expect(stale).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const page = expectOk(await call(editor, 'entries', { blogId }));
    expect(page.entries[0]).toMatchObject({ body: 'v2', version: 2 });
  });

  it('answers not_found for an unknown entry or blog', async () => {
    const editor = await editorSocket();
    const blogId = await newBlog(app, { editor: editor });
    expect(await call(editor, 'entry:update', { blogId, entryId: 'no-such-entry', body: 'x' })).toMatchObject(
      {
        ok: false,
        error: { code: 'not_found' },
      },
    );
    const { entry } = await create(editor, { blogId, body: 'x' });
    expect(
      await call(editor, 'entry:update', { blogId: uniqueId('missing'), entryId: entry.id, body: 'y' }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('refuses an invalid change with the path of the field', async () => {
    const editor = await editorSocket();
    const blogId = await newBlog(app, { editor: editor });
    const { entry } = await create(editor, { blogId, body: 'x' });
    const ack = await call(editor, 'entry:update', { blogId, entryId: entry.id, body: '' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(issuePaths(ack)).toContainEqual(['body']);
    const v = await callUnchecked(editor, 'entry:update', { blogId, entryId: entry.id, version: 'one' });
    expect(issuePaths(v)).toContainEqual(['version']);
  });
});

describe('pinning', () => {
  it('creating a pinned entry unpins the previous one first: A updated (pinned false), then B created, consecutive seqs', async () => {
    const editor = await editorSocket();
    const blogId = await newBlog(app, { editor: editor });
    const { entry: a } = await create(editor, { blogId, body: 'A', pinned: true });
    const { log, ack: snap } = await watch(blogId);
    expect(snap.pinned).toEqual(a);
    const { entry: b } = await create(editor, { blogId, body: 'B', pinned: true });
    const [first, second] = await log.waitFor(2, blogId);
    expect(first).toMatchObject({
      type: 'entry.updated',
      seq: snap.seq + 1,
      entry: { id: a.id, pinned: false, version: 2 },
    });
    expect(second).toMatchObject({
      type: 'entry.created',
      seq: snap.seq + 2,
      entry: { id: b.id, pinned: true },
    });
    const after = (await watch(blogId)).ack;
    expect(after.pinned?.id).toBe(b.id);
    expect(after.entries.find((e) => e.id === a.id)?.pinned).toBe(false);
  });

  it('pinning an existing entry by update unpins the previous one first; unpinning leaves none pinned', async () => {
    const editor = await editorSocket();
    const blogId = await newBlog(app, { editor: editor });
    const { entry: a } = await create(editor, { blogId, body: 'A', pinned: true });
    const { entry: b } = await create(editor, { blogId, body: 'B' });
    const { log, ack: snap } = await watch(blogId);
    const pinned = expectOk(await call(editor, 'entry:update', { blogId, entryId: b.id, pinned: true }));
    expect(pinned.entry).toMatchObject({ id: b.id, pinned: true, version: 2 });
    const events = await log.waitFor(2, blogId);
    expect(
      events.map((e) => [
        e.seq,
        e.type,
        e.type === 'entry.updated' && e.entry.id,
        e.type === 'entry.updated' && e.entry.pinned,
      ]),
    ).toEqual([
      [snap.seq + 1, 'entry.updated', a.id, false],
      [snap.seq + 2, 'entry.updated', b.id, true],
    ]);
    await call(editor, 'entry:update', { blogId, entryId: b.id, pinned: false });
    // A new subscriber is answered from this instance's live cache: once the change is live here.
    await log.waitFor(3, blogId);
    expect((await watch(blogId)).ack.pinned).toBeNull();
  });

  it('deleting the pinned entry leaves none pinned', async () => {
    const editor = await editorSocket();
    const blogId = await newBlog(app, { editor: editor });
    const { entry } = await create(editor, { blogId, body: 'A', pinned: true });
    expect(await call(editor, 'entry:delete', { blogId, entryId: entry.id })).toEqual({ ok: true });
    const { ack } = await watch(blogId);
    expect(ack.pinned).toBeNull();
    expect(ack.entries).toEqual([]);
  });
});

describe('entry:delete', () => {
  it('answers { ok: true } and publishes entry.deleted with the entryId', async () => {
    const editor = await editorSocket();
    const blogId = await newBlog(app, { editor: editor });
    const { entry } = await create(editor, { blogId, body: 'doomed' });
    const { log, ack: snap } = await watch(blogId);
    expect(await call(editor, 'entry:delete', { blogId, entryId: entry.id })).toEqual({ ok: true });
    const [event] = await log.waitFor(1, blogId);
    expect(event).toMatchObject({ type: 'entry.deleted', seq: snap.seq + 1, entryId: entry.id });
    expect(event).not.toHaveProperty('entry');
  });

  it('answers not_found for an unknown entry, and for one already deleted', async () => {
    const editor = await editorSocket();
    const blogId = await newBlog(app, { editor: editor });
    expect(await call(editor, 'entry:delete', { blogId, entryId: 'no-such-entry' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    const { entry } = await create(editor, { blogId, body: 'x' });
    await call(editor, 'entry:delete', { blogId, entryId: entry.id });
    expect(await call(editor, 'entry:delete', { blogId, entryId: entry.id })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await call(editor, 'entry:update', { blogId, entryId: entry.id, body: 'y' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});

describe('editors as readers', () => {
  it('an editor socket can subscribe and receives the events of the blog', async () => {
    const editor = await editorSocket();
    const blogId = await newBlog(app, { editor: editor });
    const log = new EventLog(editor);
    expect(await call(editor, 'subscribe', { blogId })).toMatchObject({
      ok: true,
      resumed: false,
      seq: 1,
      entries: [],
    });
    const { entry } = await create(editor, { blogId, body: 'seen by its author' });
    const [event] = await log.waitFor(1, blogId);
    expect(event).toMatchObject({ type: 'entry.created', seq: 2, entry: { id: entry.id } });
    const page = expectOk(await call(editor, 'entries', { blogId }));
    expect(page.entries.map((e) => e.id)).toEqual([entry.id]);
    expect(await call(editor, 'unsubscribe', { blogId })).toEqual({ ok: true });
  });
});

describe('write rate limit', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await startApp({
      redisUrl: inject('redisUrl'),
      prefix,
      env: { JWT_SECRET, EDITOR_WRITES_PER_SECOND: '20' },
    });
  });
  afterAll(async () => {
    await limited.stop();
  });

  it('a flood of 100 creates gets some rate_limited acks, and every accepted one is exactly one event', async () => {
    const other = await editorSocket(SECOND_EDITOR_TOKEN);
    const blogId = await newBlog(app, { editor: other });
    const { log, ack: snap } = await watch(blogId);
    // A fresh editor on the limited instance: a full budget, a burst of 40.
    const editor = await connectEditor(
      limited.url,
      await jwt({ sub: uniqueId('flooder'), name: 'Flooder' }, '5m'),
    );
    opened.push(editor);
    const acks = await Promise.all(
      Array.from({ length: 100 }, (_, i) => call(editor, 'entry:create', { blogId, body: `flood ${i}` })),
    );
    const created = acks.filter((a) => a.ok);
    const errors = acks.filter((a) => !a.ok).map((a) => a.error);
    expect(errors.length).toBeGreaterThan(0);
    expect(created.length).toBeGreaterThanOrEqual(40);
    expect(errors.every((e) => e.code === 'rate_limited')).toBe(true);
    const events = await log.waitFor(created.length, blogId);
    // one more write from another socket proves nothing else is still on its way
    await create(other, { blogId, body: 'sentinel' });
    await log.waitFor(created.length + 1, blogId);
    expect(log.events.map((e) => e.seq)).toEqual(
      Array.from({ length: created.length + 1 }, (_, i) => snap.seq + 1 + i),
    );
    const eventIds = events
      .slice(0, created.length)
      .map((e) => (e.type === 'entry.created' ? e.entry.id : ''));
    expect(new Set(eventIds)).toEqual(new Set(created.map((a) => a.entry.id)));
  });
});
