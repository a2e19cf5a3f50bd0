/**
 * SPEC §10 "the readers' trust" over HTTP and Socket.IO, on the Redis store and on the embedded one:
 * corrections and revisions round-trip, verification, the summary, `?order=oldest`, the Atom feed
 * (parsed by fast-xml-parser, required elements checked), the snapshot's headers and self-containment,
 * the editors' NDJSON export, and hostile input.
 */
import { XMLParser } from 'fast-xml-parser';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Blog, Entry, LiveEvent, Revision } from '../../src/schema.js';
import { startApp, uniqueId, type TestApp } from '../helpers/app.js';
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

const backends: [string, () => Promise<TestApp>][] = [
  ['Redis', () => startApp({ redisUrl: inject('redisUrl'), prefix: `${uniqueId('trust')}:` })],
  ['the embedded store', () => startApp()],
];

async function text(url: string): Promise<{ status: number; headers: Headers; body: string }> {
  const res = await fetch(url);
  return { status: res.status, headers: res.headers, body: await res.text() };
}

describe.each(backends)('SPEC §10 trust on %s', (_name, start) => {
  let app: TestApp;
  const opened: Socket[] = [];
  beforeAll(async () => {
    app = await start();
  });
  afterAll(async () => {
    await app.stop();
  });
  afterEach(() => {
    for (const s of opened.splice(0)) s.close();
  });
  const patch = (blogId: string, entryId: string, body: unknown) =>
    api(app.url, 'PATCH', `/api/blogs/${blogId}/entries/${entryId}`, { token: app.token, body });
  const revisionsOf = async (blogId: string, entryId: string) =>
    api(app.url, 'GET', `/api/blogs/${blogId}/entries/${entryId}/revisions`);

  it('corrections and revisions round-trip over HTTP and Socket.IO; a deleted entry’s revisions are 404', async () => {
    const blogId = await newBlog(app);
    const entry = await newEntry(app, blogId, { body: 'Kerry met Lavrov in Paris.', headline: 'Talks' });
    expect(entry).toMatchObject({ corrections: [], verification: null, version: 1 });

    const http = await patch(blogId, entry.id, {
      body: 'Kerry met Lavrov in London.',
      correction: 'The meeting was in London, not Paris.',
    });
    expect(http.status).toBe(200);
    const v2 = http.body.entry as Entry;
    expect(v2.corrections).toEqual([{ at: v2.updatedAt, note: 'The meeting was in London, not Paris.' }]);

    const editor = await connectEditor(app.url, app.token);
    opened.push(editor);
    const ack = await call(editor, 'entry:update', {
      blogId,
      entryId: entry.id,
      version: 2,
      correction: 'A second correction, with no other change.',
    });
    expect(ack.ok).toBe(true);
    const v3 = ack.ok ? ack.entry : v2;
    expect(v3.version).toBe(3);
    expect(v3.body).toBe('Kerry met Lavrov in London.');
    expect(v3.corrections.map((c) => c.note)).toEqual([
      'The meeting was in London, not Paris.',
      'A second correction, with no other change.',
    ]);

    const res = await revisionsOf(blogId, entry.id);
    expect(res.status).toBe(200);
    const revisions = res.body.revisions as Revision[];
    expect(revisions.map((r) => [r.version, r.body, r.correction, r.editor.name])).toEqual([
      [1, 'Kerry met Lavrov in Paris.', null, 'Alice Smith'],
      [2, 'Kerry met Lavrov in London.', 'The meeting was in London, not Paris.', 'Alice Smith'],
      [3, 'Kerry met Lavrov in London.', 'A second correction, with no other change.', 'Alice Smith'],
    ]);
    expect(revisions[0]).toMatchObject({
      headline: 'Talks',
      html: '<p>Kerry met Lavrov in Paris.</p>',
      keyEvent: false,
      at: entry.createdAt,
    });

    // The page shows each correction with its time and links an edited entry to its history.
    const pageHtml = (await text(`${app.url}/blogs/${blogId}`)).body;
    expect(pageHtml).toContain('The meeting was in London, not Paris.');
    expect(pageHtml).toContain(`<time datetime="${v3.corrections[1]?.at ?? ''}"`);
    expect(pageHtml).toContain(`/blogs/${blogId}/entries/${entry.id}/revisions`);
    const history = await text(`${app.url}/blogs/${blogId}/entries/${entry.id}/revisions`);
    expect(history.status).toBe(200);
    expect(history.body).toContain('Kerry met Lavrov in Paris.');
    expect(history.body).toContain('Version 3');
    // JSON-LD dateModified follows the correction.
    expect(pageHtml).toContain(`"dateModified":"${v3.updatedAt}"`);

    expect(
      (await api(app.url, 'DELETE', `/api/blogs/${blogId}/entries/${entry.id}`, { token: app.token })).status,
    ).toBe(204);
    const gone = await revisionsOf(blogId, entry.id);
    expect(gone.status).toBe(404);
    expect(gone.body.error?.code).toBe('not_found');
    expect((await text(`${app.url}/blogs/${blogId}/entries/${entry.id}/revisions`)).status).toBe(404);
  });

  it('a correction of 501 characters (or blank) is invalid and changes nothing; 500 is accepted', async () => {
    const blogId = await newBlog(app);
    const entry = await newEntry(app, blogId);
    const long = await patch(blogId, entry.id, { correction: 'x'.repeat(501) });
    expect(long.status).toBe(400);
    expect(long.body.error?.code).toBe('invalid');
    expect(long.body.error?.issues).toEqual([expect.objectContaining({ path: ['correction'] })]);
    const blank = await patch(blogId, entry.id, { correction: '   ' });
    expect(blank.status).toBe(400);
    const editor = await connectEditor(app.url, app.token);
    opened.push(editor);
    const ack = await call(editor, 'entry:update', {
      blogId,
      entryId: entry.id,
      correction: 'y'.repeat(501),
    });
    expect(ack).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect((await revisionsOf(blogId, entry.id)).body.revisions).toHaveLength(1);
    expect((await patch(blogId, entry.id, { correction: 'z'.repeat(500) })).status).toBe(200);
  });

  it('verification is set on create and update, reaches a reader live, shows in words and rejects other values', async () => {
    const blogId = await newBlog(app);
    const reader = await connectReader(app.url);
    opened.push(reader);
    const log = new EventLog(reader);
    expectFresh(await call(reader, 'subscribe', { blogId }));
    const entry = await newEntry(app, blogId, { body: 'Shelling reported', verification: 'unconfirmed' });
    expect(entry.verification).toBe('unconfirmed');
    expect((await patch(blogId, entry.id, { verification: 'confirmed' })).status).toBe(200);
    const events = await log.waitFor(2, blogId);
    expect(
      events.map((e: LiveEvent) =>
        e.type === 'entry.updated' || e.type === 'entry.created' ? e.entry.verification : null,
      ),
    ).toEqual(['unconfirmed', 'confirmed']);
    expect((await text(`${app.url}/blogs/${blogId}`)).body).toMatch(
      /data-verification="confirmed"><span class="visually-hidden">Verification: <\/span>Confirmed</,
    );
    const bad = await patch(blogId, entry.id, { verification: 'probably' });
    expect(bad.status).toBe(400);
    expect((await patch(blogId, entry.id, { verification: null })).body.entry).toMatchObject({
      verification: null,
    });
  });

  it('the summary is rendered safely, reaches a reader as blog.updated and shows above the feed without JS', async () => {
    const blogId = await newBlog(app);
    const reader = await connectReader(app.url);
    opened.push(reader);
    const log = new EventLog(reader);
    expectFresh(await call(reader, 'subscribe', { blogId }));
    const summary =
      '**Three** things we know.\n\n<script>alert(1)</script><img src=x onerror=alert(2)>\n\n[bad](javascript:alert(3))';
    const res = await api(app.url, 'PUT', `/api/blogs/${blogId}`, {
      token: app.token,
      body: { title: 'T', summary },
    });
    expect(res.status).toBe(200);
    const blog = res.body.blog as Blog;
    expect(blog.summary).toBe(summary);
    expect(blog.summaryHtml).toContain('<strong>Three</strong>');
    expect(blog.summaryHtml).not.toMatch(/<script|<img|href="javascript:/i);
    const [event] = await log.waitFor(1, blogId);
    expect(event).toMatchObject({ type: 'blog.updated', blog: { summaryHtml: blog.summaryHtml } });
    const html = (await text(`${app.url}/blogs/${blogId}`)).body;
    const section = /<section class="summary" id="blog-summary"[^>]*>([\s\S]*?)<\/section>/.exec(html);
    expect(section?.[0]).not.toContain('hidden');
    expect(section?.[1]).toContain('<strong>Three</strong>');
    expect(html).not.toMatch(/<script>alert|<img src=x/);
    expect(html.indexOf('id="blog-summary"')).toBeLessThan(html.indexOf('id="feed"'));
    const tooLong = await api(app.url, 'PUT', `/api/blogs/${blogId}`, {
      token: app.token,
      body: { title: 'T', summary: 'x'.repeat(5001) },
    });
    expect(tooLong.status).toBe(400);
    // A title-only upsert keeps the summary.
    const kept = await api(app.url, 'PUT', `/api/blogs/${blogId}`, {
      token: app.token,
      body: { title: 'T2' },
    });
    expect((kept.body.blog as Blog).summary).toBe(summary);
  });

  it('a correction with markup is shown as text, never as markup', async () => {
    const blogId = await newBlog(app);
    const entry = await newEntry(app, blogId);
    await patch(blogId, entry.id, { correction: '<img src=x onerror=alert(1)> & "quotes"' });
    const html = (await text(`${app.url}/blogs/${blogId}`)).body;
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;');
    expect(html).not.toContain('<img src=x');
    const feed = (await text(`${app.url}/blogs/${blogId}/feed.atom`)).body;
    expect(feed).not.toContain('<img src=x');
  });

  it('?order=oldest lists oldest first with a toggle kept in the URL; the default stays newest first', async () => {
    const blogId = await newBlog(app);
    const a = await newEntry(app, blogId, { body: 'first' });
    const b = await newEntry(app, blogId, { body: 'second' });
    const c = await newEntry(app, blogId, { body: 'third' });
    const order = (html: string) =>
      [...html.matchAll(/<li class="entry[^"]*" id="entry-([^"]+)"/g)].map((m) => m[1]);
    const newest = await text(`${app.url}/blogs/${blogId}`);
    expect(order(newest.body)).toEqual([c.id, b.id, a.id]);
    expect(newest.body).toContain(`href="/blogs/${blogId}?order=oldest"`);
    expect(newest.headers.get('set-cookie')).toBeNull();
    const oldest = await text(`${app.url}/blogs/${blogId}?order=oldest`);
    expect(order(oldest.body)).toEqual([a.id, b.id, c.id]);
    expect(oldest.body).toContain('data-order="oldest"');
    expect(oldest.body).toContain(`href="/blogs/${blogId}"`);
  });

  it('the Atom feed parses, has every required element, the newest 50 and key events only on request', async () => {
    const blogId = await newBlog(app);
    await api(app.url, 'PUT', `/api/blogs/${blogId}`, { token: app.token, body: { title: 'Feed & <test>' } });
    const first = await newEntry(app, blogId, { body: 'Key **one**', headline: 'Key', keyEvent: true });
    for (let i = 0; i < 51; i++) await newEntry(app, blogId, { body: `Entry ${i} ü & <b>` });
    const res = await text(`${app.url}/blogs/${blogId}/feed.atom`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/atom+xml');
    const parser = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@',
      isArray: (n) => n === 'entry' || n === 'link',
    });
    const doc = parser.parse(res.body, true) as {
      feed: Record<string, unknown> & { entry: Record<string, unknown>[]; link: Record<string, string>[] };
    };
    const feed = doc.feed;
    expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed.id).toBe(`${app.url}/blogs/${blogId}`);
    expect(feed.title).toMatchObject({ '#text': 'Feed & <test>' });
    expect(Number.isNaN(Date.parse(String(feed.updated)))).toBe(false);
    expect(feed.link.some((l) => l['@rel'] === 'self')).toBe(true);
    expect(
      feed.link.some((l) => l['@rel'] === 'alternate' && l['@href'] === `${app.url}/blogs/${blogId}`),
    ).toBe(true);
    expect(feed.entry).toHaveLength(50);
    for (const e of feed.entry) {
      expect(String(e.id)).toMatch(new RegExp(`/blogs/${blogId}#entry-`));
      expect(e.title).toBeTruthy();
      expect(Number.isNaN(Date.parse(String(e.updated)))).toBe(false);
      expect((e.link as Record<string, string>[])[0]?.['@href']).toBe(e.id);
      expect((e.author as { name: string }).name).toBe('Alice Smith');
      expect((e.content as Record<string, string>)['@type']).toBe('html');
    }
    expect(String((feed.entry[0]?.content as Record<string, string>)['#text'])).toContain(
      '<p>Entry 50 ü &amp; &lt;b&gt;</p>',
    );
    const keyOnly = parser.parse(
      (await text(`${app.url}/blogs/${blogId}/feed.atom?keyEvents=true`)).body,
    ) as typeof doc;
    expect(keyOnly.feed.entry.map((e) => e.id)).toEqual([`${app.url}/blogs/${blogId}#entry-${first.id}`]);
    const pageHtml = (await text(`${app.url}/blogs/${blogId}`)).body;
    expect(pageHtml).toContain(`<link rel="alternate" type="application/atom+xml"`);
    expect(pageHtml).toContain(`href="${app.url}/blogs/${blogId}/feed.atom"`);
    expect((await text(`${app.url}/blogs/no-such-blog-here/feed.atom`)).status).toBe(404);
  });

  it('the snapshot is one attachment with every entry, its corrections and verification, and nothing to load', async () => {
    const blogId = await newBlog(app);
    await api(app.url, 'PUT', `/api/blogs/${blogId}`, {
      token: app.token,
      body: { title: 'Snap', summary: 'We know **this**.' },
    });
    const entries: Entry[] = [];
    for (let i = 0; i < 25; i++)
      entries.push(
        await newEntry(app, blogId, {
          body: `Update number ${i}`,
          verification: i === 3 ? 'disputed' : null,
        }),
      );
    await patch(blogId, entries[0]?.id ?? '', { correction: 'Number zero was wrong.' });
    const res = await text(`${app.url}/blogs/${blogId}/snapshot.html`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(
      new RegExp(`^attachment; filename="${blogId}-\\d{8}T\\d{6}Z\\.html"$`),
    );
    for (let i = 0; i < 25; i++) expect(res.body).toContain(`Update number ${i}</p>`);
    expect(res.body).toContain('Number zero was wrong.');
    expect(res.body).toContain('Disputed');
    expect(res.body).toContain('<strong>this</strong>');
    expect(res.body).not.toMatch(/<script|<link|<img|<iframe|src=|@import|url\(/i);
    expect((await text(`${app.url}/blogs/${blogId}`)).body).toContain(
      `href="/blogs/${blogId}/snapshot.html" download`,
    );
  });

  it('the export needs an editor and reads back: the blog first, then every entry with its revisions', async () => {
    const blogId = await newBlog(app);
    const a = await newEntry(app, blogId, { body: 'one' });
    const b = await newEntry(app, blogId, { body: 'two' });
    await patch(blogId, a.id, { body: 'one, corrected', correction: 'fixed' });
    expect((await fetch(`${app.url}/api/blogs/${blogId}/export`)).status).toBe(401);
    const res = await fetch(`${app.url}/api/blogs/${blogId}/export`, {
      headers: { authorization: `Bearer ${app.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await res.text())
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect((lines[0]?.blog as Blog | undefined)?.id).toBe(blogId);
    expect(Object.keys(lines[0] ?? {})).toEqual(['blog']);
    const rest = lines.slice(1) as { entry: Entry; revisions: Revision[] }[];
    expect(rest.map((l) => l.entry.id)).toEqual([a.id, b.id]);
    expect(rest[0]?.revisions.map((r) => r.body)).toEqual(['one', 'one, corrected']);
    expect(rest[1]?.revisions).toHaveLength(1);
  });
});

describe('SPEC §10 trust on two instances sharing Redis', () => {
  it('a correction and a verification made on A reach a reader on B live, and B serves the revisions', async () => {
    const prefix = `${uniqueId('trust-two')}:`;
    const a = await startApp({ redisUrl: inject('redisUrl'), prefix });
    const b = await startApp({ redisUrl: inject('redisUrl'), prefix });
    const reader = await connectReader(b.url);
    try {
      const blogId = await newBlog(a);
      const entry = await newEntry(a, blogId, { body: 'Two instances' });
      const log = new EventLog(reader);
      expectFresh(await call(reader, 'subscribe', { blogId }));
      const res = await api(a.url, 'PATCH', `/api/blogs/${blogId}/entries/${entry.id}`, {
        token: a.token,
        body: { verification: 'disputed', correction: 'Seen from B.' },
      });
      expect(res.status).toBe(200);
      const [event] = await log.waitFor(1, blogId);
      expect(event).toMatchObject({
        type: 'entry.updated',
        entry: { verification: 'disputed', corrections: [{ note: 'Seen from B.' }] },
      });
      const revisions = await api(b.url, 'GET', `/api/blogs/${blogId}/entries/${entry.id}/revisions`);
      expect((revisions.body.revisions as Revision[]).map((r) => r.correction)).toEqual([
        null,
        'Seen from B.',
      ]);
    } finally {
      reader.close();
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
