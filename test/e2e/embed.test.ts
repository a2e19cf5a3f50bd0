/**
 * The embed (README "Embed"): a host page on another origin, under the strict CSP the README gives
 * hosts, includes the one-line snippet; the blog shows live in a sandboxed, self-sizing iframe that the
 * host cannot script and that cannot script the host.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueId, type TestApp } from '../helpers/app.js';
import {
  createBlog,
  openPage,
  patchEntry,
  postEntry,
  startBrowserAndApp,
  stopBrowserAndApp,
} from './support.js';

let app: TestApp;
let browser: Browser;
let host: Server;
let hostUrl = '';

/** The host page: an article with the snippet, served with the CSP the README recommends. */
function hostPage(snippetAttrs: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Kerry, Lavrov Begin Crisis Talks</title></head>
<body><h1>Kerry, Lavrov Begin Crisis Talks</h1><p id="before">The article starts here.</p>
<script src="${app.url}/embed.js" ${snippetAttrs} async></script>
<p id="after">The article goes on.</p></body></html>`;
}

beforeAll(async () => {
  ({ app, browser } = await startBrowserAndApp());
  host = createServer((req, res) => {
    const attrs = new URL(req.url ?? '/', 'http://host').searchParams.get('attrs') ?? '';
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': `default-src 'self'; script-src 'self' ${app.url}; frame-src ${app.url}; style-src 'self'; object-src 'none'; base-uri 'none'`,
    });
    res.end(hostPage(attrs));
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (host ? host.close(() => resolve()) : resolve()));
  await stopBrowserAndApp(app, browser);
});

async function openHost(page: Page, attrs: string): Promise<Frame> {
  await page.goto(`${hostUrl}/article?attrs=${encodeURIComponent(attrs)}`);
  const element = await page.waitForSelector('iframe.liveblog-embed');
  const frame = await element.contentFrame();
  if (!frame) throw new Error('the embed iframe has no frame');
  await frame.locator('#connection-state[data-state="live"]').waitFor();
  return frame;
}

function frameHeight(page: Page): Promise<number> {
  return page.$eval('iframe.liveblog-embed', (f) => f.getBoundingClientRect().height);
}

function shownIds(frame: Frame): Promise<string[]> {
  return frame.$$eval('#feed > li.entry', (items) => items.map((li) => li.id.replace(/^entry-/, '')));
}

describe('embed on a page of another origin', () => {
  it('shows the blog, follows it live, sizes the iframe to its content and opens links in a new tab, under the host CSP', async () => {
    const blogId = uniqueId('e2e-embed');
    await createBlog(app.url, app.token, blogId, 'Live Blog: Crisis In Ukraine');
    const first = await postEntry(app.url, app.token, blogId, { body: 'Kerry arrives in **London**.' });
    const { page, errors, close } = await openPage(browser);
    try {
      const frame = await openHost(page, `data-blog="${blogId}"`);
      expect(new URL(frame.url()).origin).toBe(app.url);
      expect(await page.$eval('iframe.liveblog-embed', (f) => f.getAttribute('sandbox'))).toBe(
        'allow-scripts allow-popups allow-popups-to-escape-sandbox',
      );
      // Right where the snippet is, between the article's paragraphs.
      expect(await page.$eval('#before + script + iframe + #after', (n) => n.id)).toBe('after');
      expect(await frame.locator('#blog-title').textContent()).toBe('Live Blog: Crisis In Ukraine');
      expect(await shownIds(frame)).toEqual([first.id]);
      expect(await frame.locator('#full-blog').getAttribute('href')).toBe(`${app.url}/blogs/${blogId}`);
      expect(await frame.locator('#full-blog').getAttribute('target')).toBe('_blank');

      // The frame is as tall as its page (no inner scrollbar), whatever that is.
      const contentHeight = (): Promise<number> =>
        frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
      await expect
        .poll(async () => Math.abs((await frameHeight(page)) - (await contentHeight())))
        .toBeLessThan(2);
      const before = await frameHeight(page);

      const live = await postEntry(app.url, app.token, blogId, {
        headline: 'Talks begin',
        body: Array.from({ length: 6 }, (_, i) => `Paragraph ${i + 1} of a long update.`).join('\n\n'),
      });
      await frame.locator(`#entry-${live.id}`).waitFor({ timeout: 2_000 });
      expect(await shownIds(frame)).toEqual([live.id, first.id]);
      await expect.poll(() => frameHeight(page)).toBeGreaterThan(before + 100);
      await expect
        .poll(async () => Math.abs((await frameHeight(page)) - (await contentHeight())))
        .toBeLessThan(2);

      // An entry's time link opens the entry on the full page, in a new tab; the host page stays.
      const [popup] = await Promise.all([
        page.waitForEvent('popup'),
        frame.locator(`#entry-${live.id} a.entry-time`).click(),
      ]);
      await expect.poll(() => popup.url()).toBe(`${app.url}/blogs/${blogId}#entry-${live.id}`);
      expect(page.url()).toMatch(new RegExp(`^${hostUrl}/article`));
      await popup.close();
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('the host page cannot reach into the iframe, and the iframe cannot reach the host', async () => {
    const blogId = uniqueId('e2e-embed-iso');
    await createBlog(app.url, app.token, blogId);
    await postEntry(app.url, app.token, blogId, { body: 'Nothing to see.' });
    const { page, close } = await openPage(browser);
    try {
      const frame = await openHost(page, `data-blog="${blogId}"`);
      const fromHost = await page.evaluate(() => {
        const f = document.querySelector('iframe');
        let doc: string;
        try {
          doc = f?.contentDocument === null ? 'null' : 'document';
        } catch {
          doc = 'threw';
        }
        let inner: string;
        try {
          inner = typeof f?.contentWindow?.document;
          inner = 'document';
        } catch {
          inner = 'threw';
        }
        return { doc, inner };
      });
      expect(fromHost).toEqual({ doc: 'null', inner: 'threw' });

      const fromFrame = await frame.evaluate(() => {
        let parent: string;
        try {
          parent = window.parent.document.title;
        } catch {
          parent = 'threw';
        }
        let storage: string;
        try {
          storage = String(window.localStorage.length);
        } catch {
          storage = 'threw';
        }
        return { parent, origin: window.origin, storage };
      });
      // Sandboxed without allow-same-origin: an opaque origin, nothing of liveblog's or the host's.
      expect(fromFrame).toEqual({ parent: 'threw', origin: 'null', storage: 'threw' });
    } finally {
      await close();
    }
  });

  it('in key-events mode shows only key events, also the ones posted live', async () => {
    const blogId = uniqueId('e2e-embed-key');
    await createBlog(app.url, app.token, blogId);
    const key = await postEntry(app.url, app.token, blogId, { body: 'Talks start.', keyEvent: true });
    await postEntry(app.url, app.token, blogId, { body: 'Colour from the room.' });
    const { page, errors, close } = await openPage(browser);
    try {
      const frame = await openHost(page, `data-blog="${blogId}" data-mode="key-events"`);
      expect(await shownIds(frame)).toEqual([key.id]);

      const plain = await postEntry(app.url, app.token, blogId, { body: 'More colour.' });
      const key2 = await postEntry(app.url, app.token, blogId, { body: 'Talks end.', keyEvent: true });
      await frame.locator(`#entry-${key2.id}`).waitFor({ timeout: 2_000 });
      expect(await shownIds(frame)).toEqual([key2.id, key.id]);
      expect(await frame.locator(`#entry-${plain.id}`).count()).toBe(0);

      // An entry that stops being a key event leaves the embed.
      await patchEntry(app.url, app.token, blogId, key2.id, { keyEvent: false });
      await frame.locator(`#entry-${key2.id}`).waitFor({ state: 'detached', timeout: 2_000 });
      expect(await shownIds(frame)).toEqual([key.id]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('data-limit shows only the newest N entries and data-theme="dark" turns the frame dark', async () => {
    const blogId = uniqueId('e2e-embed-limit');
    await createBlog(app.url, app.token, blogId);
    const posted = [];
    for (let i = 0; i < 4; i++)
      posted.push(await postEntry(app.url, app.token, blogId, { body: `Update ${i}` }));
    const { page, close } = await openPage(browser, { colorScheme: 'light' });
    try {
      const frame = await openHost(page, `data-blog="${blogId}" data-limit="2" data-theme="dark"`);
      expect(await shownIds(frame)).toEqual([posted[3]?.id, posted[2]?.id]);
      const live = await postEntry(app.url, app.token, blogId, { body: 'Newest' });
      await frame.locator(`#entry-${live.id}`).waitFor({ timeout: 2_000 });
      expect(await shownIds(frame)).toEqual([live.id, posted[3]?.id]);
      expect(await frame.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(
        'rgb(20, 20, 22)',
      );
    } finally {
      await close();
    }
  });

  it('an unknown blog shows a short message, and the frame shrinks to it', async () => {
    const { page, close } = await openPage(browser);
    try {
      await page.goto(
        `${hostUrl}/article?attrs=${encodeURIComponent(`data-blog="${uniqueId('e2e-none')}"`)}`,
      );
      const element = await page.waitForSelector('iframe.liveblog-embed');
      const frame = await element.contentFrame();
      await frame?.getByText('There is no live blog here.').waitFor();
      await expect.poll(() => frameHeight(page)).toBeLessThan(150);
    } finally {
      await close();
    }
  });

  it('embed.js is served as a cacheable, CORS-safe script', async () => {
    const res = await fetch(`${app.url}/embed.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('liveblog:height');
  });
});
