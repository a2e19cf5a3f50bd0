/**
 * The desk (SPEC §10 drafts): contributors' refusals on both transports with nothing stored or sent, an
 * editor publishing a submitted draft to readers of another instance exactly once, drafts never on a
 * reader's path (reader socket, the public channel, the stream, the page, the snapshot answer), and the
 * `draft` event reaching editors (every draft) and contributors (their own only). Two in-process
 * instances on the run's real Redis, and the embedded store.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Draft, DraftEvent, EditingEvent } from '../../src/desk/schema.js';
import type { LiveEvent } from '../../src/schema.js';
import { SECOND_EDITOR_TOKEN, startApp, uniqueId, type TestApp } from '../helpers/app.js';
import {
  api,
  call,
  connectEditor,
  connectReader,
  EventLog,
  expectOk,
  expectRefused,
  newBlog,
  type EditorSocket,
  type ReaderSocket,
} from '../helpers/clients.js';
import { until } from '../helpers/wait.js';

const CONTRIBUTOR = 'test-contributor-token-1';
const OTHER_CONTRIBUTOR = 'test-contributor-token-2';
const env = { CONTRIBUTOR_TOKENS: `Carol Jones:${CONTRIBUTOR},Dan Wu:${OTHER_CONTRIBUTOR}` };
const SECRET = 'published-on-purpose';

const sockets: (EditorSocket | ReaderSocket)[] = [];
const track = <S extends EditorSocket | ReaderSocket>(s: S): S => {
  sockets.push(s);
  return s;
};

describe.each(['memory', 'redis'] as const)('the desk on the %s store', (kind) => {
  let a: TestApp;
  let b: TestApp;
  let prefix: string;
  let raw: Redis | undefined;
  let rawEvents: string[] = [];

  beforeAll(async () => {
    prefix = `${uniqueId('desk')}:`;
    if (kind === 'redis') {
      const redisUrl = inject('redisUrl');
      a = await startApp({ redisUrl, prefix, env });
      b = await startApp({ redisUrl, prefix, env });
      raw = new Redis(redisUrl);
      rawEvents = [];
      raw.on('pmessage', (_p: string, _c: string, message: string) => rawEvents.push(message));
      await raw.psubscribe(`${prefix}*:events`);
    } else {
      a = await startApp({ env });
      b = a;
    }
  });
  afterAll(async () => {
    for (const s of sockets.splice(0)) s.close();
    raw?.disconnect();
    await a.stop();
    if (b !== a) await b.stop();
  });

  it('refuses a contributor everything but its own drafts, with unauthorized (HTTP 403), storing and sending nothing', async () => {
    const blogId = await newBlog(a);
    const reader = track(await connectReader(b.url));
    const readerLog = new EventLog(reader);
    expectOk(await call(reader, 'subscribe', { blogId }));
    const carol = track(await connectEditor(a.url, CONTRIBUTOR));
    const dan = track(await connectEditor(a.url, OTHER_CONTRIBUTOR));
    const seqBefore = (await api(a.url, 'GET', `/api/blogs/${blogId}/entries`)).body.seq;

    // The socket: entry writes, blog changes, publishing and scheduling are an editor's.
    for (const [event, payload] of [
      ['entry:create', { blogId, body: 'nope' }],
      ['entry:update', { blogId, entryId: 'x', body: 'nope' }],
      ['entry:delete', { blogId, entryId: 'x' }],
      ['blog:upsert', { id: blogId, title: 'taken over' }],
    ] as const) {
      const error = expectRefused(await call(carol, event, payload as never));
      expect(error.code, event).toBe('unauthorized');
    }
    const own = expectOk(await call(carol, 'draft:save', { blogId, body: 'mine', submit: true })).draft;
    expect(own).toMatchObject({ state: 'submitted', author: { id: 'carol-jones', name: 'Carol Jones' } });
    expect(expectRefused(await call(carol, 'draft:publish', { blogId, draftId: own.id })).code).toBe(
      'unauthorized',
    );
    const future = new Date(Date.now() + 60_000).toISOString();
    expect(
      expectRefused(
        await call(carol, 'draft:save', { blogId, draftId: own.id, body: 'x', publishAt: future }),
      ).code,
    ).toBe('unauthorized');
    // Another contributor's draft: neither changed, deleted, published nor listed.
    expect(
      expectRefused(await call(dan, 'draft:save', { blogId, draftId: own.id, body: 'hijack' })).code,
    ).toBe('unauthorized');
    expect(expectRefused(await call(dan, 'draft:delete', { blogId, draftId: own.id })).code).toBe(
      'unauthorized',
    );
    expect(expectOk(await call(dan, 'drafts', { blogId })).drafts).toEqual([]);

    // HTTP: the same rules, 403.
    const as = (token: string) => ({ token });
    const refusals = [
      await api(a.url, 'POST', `/api/blogs/${blogId}/entries`, { ...as(CONTRIBUTOR), body: { body: 'x' } }),
      await api(a.url, 'PUT', `/api/blogs/${blogId}`, { ...as(CONTRIBUTOR), body: { title: 'x' } }),
      await api(a.url, 'POST', `/api/blogs/${blogId}/drafts/${own.id}/publish`, as(CONTRIBUTOR)),
      await api(a.url, 'PATCH', `/api/blogs/${blogId}/drafts/${own.id}`, {
        ...as(CONTRIBUTOR),
        body: { body: 'x', publishAt: future },
      }),
      await api(a.url, 'PATCH', `/api/blogs/${blogId}/drafts/${own.id}`, {
        ...as(OTHER_CONTRIBUTOR),
        body: { body: 'x' },
      }),
      await api(a.url, 'DELETE', `/api/blogs/${blogId}/drafts/${own.id}`, as(OTHER_CONTRIBUTOR)),
    ];
    for (const res of refusals) {
      expect(res.status).toBe(403);
      expect(res.body.error?.code).toBe('unauthorized');
    }
    // Nothing changed: no entry, no event, the draft as it was.
    const after = await api(a.url, 'GET', `/api/blogs/${blogId}/entries`);
    expect(after.body.seq).toBe(seqBefore);
    expect(after.body.entries).toEqual([]);
    const listed = (await api(a.url, 'GET', `/api/blogs/${blogId}/drafts`, as(CONTRIBUTOR))).body
      .drafts as Draft[];
    expect(listed).toEqual([own]);
    await new Promise((r) => setTimeout(r, 200));
    expect(readerLog.events).toEqual([]);
  });

  it('publishes a submitted draft once: readers of the other instance get one entry.created with the author', async () => {
    const blogId = await newBlog(a);
    const reader = track(await connectReader(b.url));
    const readerLog = new EventLog(reader);
    expectOk(await call(reader, 'subscribe', { blogId }));
    const carol = track(await connectEditor(a.url, CONTRIBUTOR));
    const editor = track(await connectEditor(b.url, a.token));
    const editorDrafts: DraftEvent[] = [];
    editor.on('draft', (e) => editorDrafts.push(e));
    expectOk(await call(editor, 'subscribe', { blogId }));
    const carolDrafts: DraftEvent[] = [];
    carol.on('draft', (e) => carolDrafts.push(e));
    expectOk(await call(carol, 'subscribe', { blogId }));

    const draft = expectOk(
      await call(carol, 'draft:save', {
        blogId,
        body: `**${SECRET}**`,
        headline: 'From the field',
        submit: true,
      }),
    ).draft;
    await until('the editor on the other instance sees the submitted draft', () =>
      editorDrafts.find((e) => e.type === 'draft.saved' && e.draft?.state === 'submitted'),
    );
    expect(expectOk(await call(editor, 'drafts', { blogId })).drafts.map((d) => d.id)).toEqual([draft.id]);

    // Two editors publish at once: one entry.
    const [first, second] = await Promise.all([
      call(editor, 'draft:publish', { blogId, draftId: draft.id }),
      api(a.url, 'POST', `/api/blogs/${blogId}/drafts/${draft.id}/publish`, { token: a.token }),
    ]);
    const answers = [
      first.ok ? 'ok' : first.error.code,
      second.status === 201 ? 'ok' : second.body.error?.code,
    ];
    expect(answers.sort()).toEqual(['not_found', 'ok']);
    const created = await readerLog.waitFor(1, blogId);
    await new Promise((r) => setTimeout(r, 300));
    expect(readerLog.events).toHaveLength(1);
    const event = created[0] as LiveEvent & { type: 'entry.created' };
    expect(event.type).toBe('entry.created');
    expect(event.entry).toMatchObject({
      headline: 'From the field',
      body: `**${SECRET}**`,
      author: { id: 'carol-jones', name: 'Carol Jones' },
      version: 1,
    });
    expect(Date.parse(event.entry.createdAt)).toBeGreaterThan(Date.parse(draft.createdAt));
    await until(
      'both hear draft.published',
      () =>
        editorDrafts.some((e) => e.type === 'draft.published' && e.entryId === event.entry.id) &&
        carolDrafts.some((e) => e.type === 'draft.published'),
    );
    expect(expectOk(await call(editor, 'drafts', { blogId })).drafts).toEqual([]);
  });

  it('keeps drafts off every reader path and tells a contributor only of its own drafts', async () => {
    const blogId = await newBlog(a);
    const SECRET = uniqueId('never-for-readers');
    const reader = track(await connectReader(b.url));
    const received: unknown[] = [];
    reader.onAny((...args: unknown[]) => received.push(args));
    expectOk(await call(reader, 'subscribe', { blogId }));
    const carol = track(await connectEditor(a.url, CONTRIBUTOR));
    const dan = track(await connectEditor(b.url, OTHER_CONTRIBUTOR));
    const danHeard: DraftEvent[] = [];
    dan.on('draft', (e) => danHeard.push(e));
    expectOk(await call(dan, 'subscribe', { blogId }));
    const editor = track(await connectEditor(b.url, a.token));
    const editorHeard: DraftEvent[] = [];
    editor.on('draft', (e) => editorHeard.push(e));
    expectOk(await call(editor, 'subscribe', { blogId }));

    const saved = expectOk(await call(carol, 'draft:save', { blogId, body: SECRET, submit: true })).draft;
    const again = expectOk(
      await call(carol, 'draft:save', {
        blogId,
        draftId: saved.id,
        version: saved.version,
        body: `${SECRET} 2`,
      }),
    ).draft;
    expect(again).toMatchObject({ version: 2, state: 'submitted' });
    expect(
      expectRefused(await call(carol, 'draft:save', { blogId, draftId: saved.id, version: 1, body: 'stale' }))
        .code,
    ).toBe('conflict');
    const returned = expectOk(
      await call(editor, 'draft:save', { blogId, draftId: saved.id, body: again.body, submit: false }),
    ).draft;
    expect(returned).toMatchObject({ state: 'draft', author: { id: 'carol-jones' } });
    expectOk(await call(carol, 'draft:delete', { blogId, draftId: saved.id }));
    await until('the editor hears the deletion', () => editorHeard.some((e) => e.type === 'draft.deleted'));
    expect(editorHeard.map((e) => e.type)).toEqual([
      'draft.saved',
      'draft.saved',
      'draft.saved',
      'draft.deleted',
    ]);
    expect(danHeard).toEqual([]);

    // Nothing of it on the reader's paths — with a draft still on the desk, submitted and scheduled.
    expectOk(await call(carol, 'draft:save', { blogId, body: `${SECRET} kept`, submit: true }));
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expectOk(await call(editor, 'draft:save', { blogId, body: `${SECRET} later`, publishAt: future }));
    expect(JSON.stringify(received)).not.toContain(SECRET);
    const page = await (await fetch(`${b.url}/blogs/${blogId}`)).text();
    expect(page).not.toContain(SECRET);
    for (const path of ['feed.atom', 'feed.atom?keyEvents=true', 'snapshot.html', '?order=oldest']) {
      const res = await fetch(`${a.url}/blogs/${blogId}${path.startsWith('?') ? '' : '/'}${path}`);
      expect(res.status).toBe(200);
      expect(await res.text()).not.toContain(SECRET);
    }
    const entries = await api(b.url, 'GET', `/api/blogs/${blogId}/entries`);
    expect(JSON.stringify(entries.body)).not.toContain(SECRET);
    expect(entries.body.seq).toBe(1);
    const fresh = expectOk(await call(track(await connectReader(a.url)), 'subscribe', { blogId }));
    expect(JSON.stringify(fresh)).not.toContain(SECRET);
    if (raw) {
      const commands = new Redis(inject('redisUrl'));
      const stream = await commands.xrange(`${prefix}{${blogId}}:stream`, '-', '+');
      commands.disconnect();
      expect(stream).toHaveLength(1); // the blog's creation, nothing else
      expect(JSON.stringify(stream)).not.toContain(SECRET);
      await until('the raw subscriber saw the blog created', () => rawEvents.some((e) => e.includes(blogId)));
      expect(rawEvents.join('\n')).not.toContain(SECRET);
    }
  });

  it('tells the other editors of the blog, on any instance, who is editing an entry or a draft', async () => {
    const blogId = await newBlog(a);
    const alice = track(await connectEditor(a.url, a.token));
    const wire = track(await connectEditor(b.url, SECOND_EDITOR_TOKEN));
    const carol = track(await connectEditor(b.url, CONTRIBUTOR));
    const heard = { alice: [] as EditingEvent[], wire: [] as EditingEvent[], carol: [] as EditingEvent[] };
    alice.on('editing', (e) => heard.alice.push(e));
    wire.on('editing', (e) => heard.wire.push(e));
    carol.on('editing', (e) => heard.carol.push(e));
    for (const s of [alice, wire, carol]) expectOk(await call(s, 'subscribe', { blogId }));
    const entry = expectOk(await call(alice, 'entry:create', { blogId, body: 'open me' })).entry;
    expectOk(await call(alice, 'editing', { blogId, target: 'entry', id: entry.id, active: true }));
    await until('wire desk hears Alice', () => heard.wire.length === 1);
    expect(heard.wire[0]).toEqual({
      blogId,
      target: 'entry',
      id: entry.id,
      active: true,
      editor: { id: 'alice-smith', name: 'Alice Smith' },
    });
    // A contributor may not announce an entry, and is not told of one.
    expect(
      expectRefused(await call(carol, 'editing', { blogId, target: 'entry', id: entry.id, active: true }))
        .code,
    ).toBe('unauthorized');
    const draft = expectOk(await call(carol, 'draft:save', { blogId, body: 'mine' })).draft;
    expectOk(await call(wire, 'editing', { blogId, target: 'draft', id: draft.id, active: true }));
    await until(
      'Carol and Alice hear the wire desk on her draft',
      () => heard.carol.length === 1 && heard.alice.length === 1,
    );
    expect(heard.carol[0]).toMatchObject({ target: 'draft', id: draft.id, editor: { name: 'Wire desk' } });
    // The second save of one version is still a conflict.
    expectOk(await call(carol, 'draft:save', { blogId, draftId: draft.id, version: 1, body: 'carol first' }));
    expect(
      expectRefused(
        await call(wire, 'draft:save', { blogId, draftId: draft.id, version: 1, body: 'wire second' }),
      ).code,
    ).toBe('conflict');
    await new Promise((r) => setTimeout(r, 200));
    expect(heard.wire).toHaveLength(1); // never its own announcement back
  });

  it('schedules a draft for an editor and publishes it at publishAt, once', async () => {
    const blogId = await newBlog(a);
    const reader = track(await connectReader(b.url));
    const readerLog = new EventLog(reader);
    expectOk(await call(reader, 'subscribe', { blogId }));
    const editor = track(await connectEditor(a.url, a.token));
    const publishAt = new Date(Date.now() + 1500).toISOString();
    const draft = expectOk(
      await call(editor, 'draft:save', { blogId, body: 'on the hour', publishAt }),
    ).draft;
    expect(draft).toMatchObject({ state: 'scheduled', publishAt });
    const past = new Date(Date.now() - 1000).toISOString();
    expect(expectRefused(await call(editor, 'draft:save', { blogId, body: 'x', publishAt: past })).code).toBe(
      'invalid',
    );
    const [event] = await readerLog.waitFor(1, blogId, 6000);
    const at = Date.parse(event?.at ?? '');
    expect(at).toBeGreaterThanOrEqual(Date.parse(publishAt));
    expect(at - Date.parse(publishAt)).toBeLessThan(2000);
    await new Promise((r) => setTimeout(r, 1200));
    expect(readerLog.events).toHaveLength(1);
    expect(expectOk(await call(editor, 'drafts', { blogId })).drafts).toEqual([]);
  });
});
