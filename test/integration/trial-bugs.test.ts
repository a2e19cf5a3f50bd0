/**
 * Issue 9, "What the trial found", on the server: each test was written before its fix and failed on
 * the code before it. Memory store (the embedded default).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDITOR_TOKEN, startApp, uniqueId, type TestApp } from '../helpers/app.js';
import { api, call, connectEditor, connectReader, expectFresh } from '../helpers/clients.js';

let app: TestApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app.stop();
});

async function blogWith(n: number): Promise<{ blogId: string; ids: string[] }> {
  const blogId = uniqueId('trial');
  await api(app.url, 'PUT', `/api/blogs/${blogId}`, { token: EDITOR_TOKEN, body: { title: 'Trial' } });
  const ids: string[] = [];
  for (let i = 1; i <= n; i++) {
    const res = await api(app.url, 'POST', `/api/blogs/${blogId}/entries`, {
      token: EDITOR_TOKEN,
      body: { body: `Entry number ${i}` },
    });
    ids.push((res.body['entry'] as { id: string }).id);
  }
  return { blogId, ids };
}

describe('the console does not count itself as a reader', () => {
  it('an editor socket subscribed to the blog adds nothing to the reader count', async () => {
    const { blogId } = await blogWith(1);
    const editor = await connectEditor(app.url, EDITOR_TOKEN);
    const reader = await connectReader(app.url);
    try {
      expectFresh(await call(editor, 'subscribe', { blogId }));
      const ack = expectFresh(await call(reader, 'subscribe', { blogId }));
      expect(ack.readers).toBe(1);
      // The editor's own view of the count says the same.
      const again = expectFresh(await call(editor, 'subscribe', { blogId }));
      expect(again.readers).toBe(1);
    } finally {
      editor.close();
      reader.close();
    }
  });
});

describe('without JavaScript every entry is reachable: GET /blogs/:blogId?before=<entryId>', () => {
  it('links from the newest page to older pages until the first entry, and back', async () => {
    const { blogId, ids } = await blogWith(45);
    const seen = new Set<string>();
    let path: string | undefined = `/blogs/${blogId}`;
    let pages = 0;
    while (path) {
      const res = await fetch(`${app.url}${path}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      for (const m of html.matchAll(/<li class="entry[^"]*" id="entry-([^"]+)"/g)) seen.add(m[1] ?? '');
      if (pages > 0) expect(html).toContain(`href="/blogs/${blogId}"`);
      const older = /<a [^>]*rel="next"[^>]*href="([^"]+)"|<a [^>]*href="([^"]+)"[^>]*rel="next"/.exec(html);
      path = older ? (older[1] ?? older[2])?.replace(/&amp;/g, '&') : undefined;
      pages += 1;
      expect(pages).toBeLessThan(10);
    }
    expect(pages).toBe(3);
    expect([...seen].sort()).toEqual([...ids].sort());
  });

  it('answers an unusable before with 400 and an unknown blog with 404', async () => {
    const { blogId } = await blogWith(1);
    expect((await fetch(`${app.url}/blogs/${blogId}?before=${'x'.repeat(65)}`)).status).toBe(400);
    expect((await fetch(`${app.url}/blogs/no-such-blog-here?before=01HS`)).status).toBe(404);
  });
});
