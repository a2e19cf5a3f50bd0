/** The reader page as served: HTML and JSON-LD without JavaScript, the blog list, safety, looks, ending. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_BLOG, DEMO_ENTRIES, DEMO_PHOTO, DEMO_PHOTO_SLOT } from '../../src/demo-entries.js';
import { uniqueId, type TestApp } from '../helpers/app.js';
import { api } from '../helpers/clients.js';
import {
  ARTIFACTS,
  ROOT,
  createBlog,
  feedIds,
  jsonLdOf,
  openPage,
  postEntry,
  type LdPosting,
  startBrowserAndApp,
  stopBrowserAndApp,
} from './support.js';

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  ({ app, browser } = await startBrowserAndApp());
});

afterAll(() => stopBrowserAndApp(app, browser));

describe('reader page', () => {
  it('serves the newest entries and valid JSON-LD in the HTML itself (no JavaScript needed)', async () => {
    const blogId = uniqueId('e2e-html');
    await createBlog(app.url, app.token, blogId, 'Crisis </script><b>talks</b>');
    const first = await postEntry(app.url, app.token, blogId, {
      body: 'Talks **begin** in London.',
      keyEvent: true,
    });
    const second = await postEntry(app.url, app.token, blogId, {
      headline: 'Monitors deployed',
      body: 'The UN sends monitors. </script><script>alert(1)</script>',
    });

    const res = await fetch(`${app.url}/blogs/${blogId}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const pageUrl = `${app.url}/blogs/${blogId}`;

    expect(html).toContain('<h1 id="blog-title">Crisis &lt;/script&gt;&lt;b&gt;talks&lt;/b&gt;</h1>');
    expect(html).toContain(`<link rel="canonical" href="${pageUrl}">`);
    expect(html).toContain('<meta property="og:title" content="Crisis &lt;/script&gt;');
    expect(html).toContain(`<meta property="og:url" content="${pageUrl}">`);
    // Newest first, each with its permalink anchor and a machine-readable time.
    const firstAt = html.indexOf(`id="entry-${first.id}"`);
    const secondAt = html.indexOf(`id="entry-${second.id}"`);
    expect(secondAt).toBeGreaterThan(0);
    expect(firstAt).toBeGreaterThan(secondAt);
    expect(html).toContain(`<time datetime="${first.createdAt}"`);
    expect(html).toContain('<strong>begin</strong>');
    expect(html).toContain(`data-url="${pageUrl}#entry-${first.id}"`);
    expect(html).not.toContain('<script>alert(1)');

    // Only the two data blocks and the bundle: no inline script at all.
    const scripts = html.match(/<script[^>]*>/g) ?? [];
    expect(scripts).toEqual([
      '<script type="application/ld+json" id="liveblog-jsonld">',
      '<script type="application/json" id="liveblog-state">',
      '<script src="/assets/reader.js" defer>',
    ]);
    const ld = jsonLdOf(html);
    expect(ld['@type']).toBe('LiveBlogPosting');
    expect(ld.headline).toBe('Crisis </script><b>talks</b>');
    expect(ld.coverageStartTime).toBe(ld.datePublished);
    expect(ld.coverageEndTime).toBeUndefined();
    expect(ld.dateModified >= second.createdAt).toBe(true);
    expect(ld.liveBlogUpdate.map((u) => u.url)).toEqual([
      `${pageUrl}#entry-${second.id}`,
      `${pageUrl}#entry-${first.id}`,
    ]);
    expect(ld.liveBlogUpdate[0]).toMatchObject({
      '@type': 'BlogPosting',
      headline: 'Monitors deployed',
      datePublished: second.createdAt,
      dateModified: second.updatedAt,
      author: { name: second.author.name },
    });
    expect(ld.liveBlogUpdate[1]?.articleBody).toBe('Talks begin in London.');
    expect(ld.liveBlogUpdate[0]?.articleBody).toContain('</script><script>alert(1)</script>');

    // And a browser with JavaScript off reads the same feed.
    const { page, close } = await openPage(browser, { javaScriptEnabled: false });
    try {
      await page.goto(pageUrl);
      expect(await feedIds(page)).toEqual([second.id, first.id]);
      expect(await page.locator(`#entry-${second.id} .entry-headline`).textContent()).toBe(
        'Monitors deployed',
      );
    } finally {
      await close();
    }
  });

  it('lists blogs on the home page and answers an unknown blog with a 404 page', async () => {
    const blogId = uniqueId('e2e-index');
    await createBlog(app.url, app.token, blogId, 'Index <test> & more');
    const { page, errors, close } = await openPage(browser);
    try {
      await page.goto(`${app.url}/`);
      const link = page.locator(`a[href="/blogs/${blogId}"]`);
      expect(await link.textContent()).toBe('Index <test> & more');
      await link.click();
      await page.waitForURL(`${app.url}/blogs/${blogId}`);
      expect(await page.locator('h1').textContent()).toBe('Index <test> & more');
      expect(errors).toEqual([]);
      const missing = await page.goto(`${app.url}/blogs/no-such-blog-${blogId}`);
      expect(missing?.status()).toBe(404);
      expect(await page.locator('h1').textContent()).toBe('Not found');
    } finally {
      await close();
    }
  });

  it("shows times in the blog's time zone (not the reader's) and stops updating once the blog has ended", async () => {
    const blogId = uniqueId('e2e-ended');
    await createBlog(app.url, app.token, blogId);
    const entry = await postEntry(app.url, app.token, blogId, { body: 'The last word.' });
    const { page, errors, close } = await openPage(browser, { timezoneId: 'Asia/Kolkata', locale: 'en-GB' });
    try {
      await page.goto(`${app.url}/blogs/${blogId}`);
      await page.locator('#connection-state[data-state="live"]').waitFor();
      const time = page.locator(`#entry-${entry.id} .entry-time time`);
      // SPEC §9: the blog's zone (UTC by default) and language, whatever the reader's browser says.
      const expected = new Intl.DateTimeFormat('en', {
        dateStyle: 'full',
        timeStyle: 'long',
        timeZone: 'UTC',
      }).format(new Date(entry.createdAt));
      expect(await time.getAttribute('title')).toBe(expected);
      expect(await time.textContent()).toMatch(/now|second|minute/);

      await api(app.url, 'PUT', `/api/blogs/${blogId}`, {
        token: app.token,
        body: { title: `Blog ${blogId}`, status: 'ended' },
      });
      await page
        .locator('#blog-status', { hasText: 'This live blog has ended.' })
        .waitFor({ timeout: 2_000 });
      await page.locator('#connection-state[data-state="ended"]').waitFor();
      const ld = JSON.parse((await page.locator('#liveblog-jsonld').textContent()) ?? '{}') as LdPosting;
      expect(ld.coverageEndTime).toBeDefined();
      const html = await (await fetch(`${app.url}/blogs/${blogId}`)).text();
      expect(html).toContain('This live blog has ended.');
      expect(jsonLdOf(html).coverageEndTime).toBe(ld.coverageEndTime);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('renders script tags, event handlers and javascript: links inert', async () => {
    const blogId = uniqueId('e2e-xss');
    await createBlog(app.url, app.token, blogId, '<img src=x onerror=alert(1)>');
    const evil = [
      '<script>alert("script")</script>',
      '<img src=x onerror=alert("img")>',
      '[click me](javascript:alert("link"))',
      '<a href="javascript:alert(2)">raw</a> <svg onload=alert(3)>',
    ].join('\n\n');
    const rendered = await postEntry(app.url, app.token, blogId, {
      headline: '<b onmouseover=alert(4)>h</b>',
      body: evil,
    });
    const { page, errors, dialogs, close } = await openPage(browser);
    try {
      await page.goto(`${app.url}/blogs/${blogId}`);
      await page.locator('#connection-state[data-state="live"]').waitFor();
      const live = await postEntry(app.url, app.token, blogId, { body: evil });
      await page.locator(`#entry-${live.id}`).waitFor({ timeout: 2_000 });
      for (const id of [rendered.id, live.id]) {
        const item = page.locator(`#entry-${id}`);
        expect(await item.locator('script, img, svg, [onerror], [onload], [onmouseover]').count()).toBe(0);
        const hrefs = await item
          .locator('.entry-body a')
          .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        expect(hrefs.filter((h) => h !== null && !/^(https?:|mailto:)/.test(h))).toEqual([]);
        await item.locator('.entry-body').hover();
        const link = item.locator('.entry-body a', { hasText: 'click me' });
        if ((await link.count()) > 0) await link.click();
      }
      expect(await page.locator('h1').textContent()).toBe('<img src=x onerror=alert(1)>');
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('looks right on a desktop and on a 375 px phone (screenshots)', async () => {
    const blogId = uniqueId('e2e-shot');
    await createBlog(app.url, app.token, blogId, DEMO_BLOG.title, DEMO_BLOG.description);
    // The demo's photo, uploaded as `npm run demo` does, so the screenshots show it.
    const upload = await fetch(
      `${app.url}/api/media?${new URLSearchParams({ alt: DEMO_PHOTO.alt, caption: DEMO_PHOTO.caption, credit: DEMO_PHOTO.credit }).toString()}`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${app.token}` },
        body: readFileSync(join(ROOT, DEMO_PHOTO.file)),
      },
    );
    const photo = ((await upload.json()) as { media: { markdown: string } }).media.markdown;
    for (const entry of DEMO_ENTRIES.slice(0, 8)) {
      await postEntry(app.url, app.token, blogId, {
        ...entry,
        body: entry.body.replace(DEMO_PHOTO_SLOT, photo),
      });
    }
    const summary = DEMO_ENTRIES.find((e) => e.pinned);
    if (summary) await postEntry(app.url, app.token, blogId, summary);
    for (const [name, viewport] of [
      ['reader-desktop', { width: 1280, height: 900 }],
      ['reader-375', { width: 375, height: 812 }],
    ] as const) {
      const { page, errors, close } = await openPage(browser, { viewport });
      try {
        await page.goto(`${app.url}/blogs/${blogId}`);
        await page.locator('#connection-state[data-state="live"]').waitFor();
        // Nothing sticks out sideways on a phone.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
          viewport.width,
        );
        // A full-page shot does not scroll, so lazy photos below the fold are loaded first.
        await page.evaluate(async () => {
          const images = [...document.querySelectorAll('img')];
          for (const img of images) img.loading = 'eager';
          await Promise.all(images.map((img) => img.decode().catch(() => undefined)));
        });
        await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
        // The README's screenshot is only rewritten on request, so a test run leaves the tree clean.
        const docsShot = join(ROOT, 'docs', 'reader.png');
        if (
          name === 'reader-desktop' &&
          (process.env['UPDATE_SCREENSHOTS'] === '1' || !existsSync(docsShot))
        ) {
          // The story from its start (SPEC §10 `?order=oldest`), where the demo's photo is, tall enough
          // to show it below the pinned summary.
          await page.goto(`${app.url}/blogs/${blogId}?order=oldest`);
          await page.locator('#connection-state[data-state="live"]').waitFor();
          await page.evaluate(async () => {
            const images = [...document.querySelectorAll('img')];
            for (const img of images) img.loading = 'eager';
            await Promise.all(images.map((img) => img.decode().catch(() => undefined)));
          });
          await page.screenshot({
            path: docsShot,
            fullPage: true,
            clip: { x: 0, y: 0, width: viewport.width, height: 1900 },
          });
        }
        expect(errors).toEqual([]);
      } finally {
        await close();
      }
    }
  }, 45_000);
});
