/** The reader page in a real browser: server-rendered HTML, live updates, the new-updates button, safety. */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_BLOG, DEMO_ENTRIES } from '../../src/demo-entries.js';
import { startApp, uniqueId, type TestApp } from '../helpers/app.js';
import { api } from '../helpers/clients.js';
import {
  ARTIFACTS,
  ROOT,
  buildClient,
  createBlog,
  deleteEntry,
  feedIds,
  launchBrowser,
  openPage,
  patchEntry,
  postEntry,
} from './support.js';

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  buildClient();
  // Tests here post dozens of entries in a row: no write rate limit.
  [app, browser] = await Promise.all([startApp({ env: { EDITOR_WRITES_PER_SECOND: '0' } }), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

interface LdUpdate {
  '@type': string;
  headline: string;
  articleBody: string;
  datePublished: string;
  dateModified: string;
  author: { name: string };
  url: string;
}
interface LdPosting {
  '@type': string;
  headline: string;
  datePublished: string;
  dateModified: string;
  coverageStartTime: string;
  coverageEndTime?: string;
  liveBlogUpdate: LdUpdate[];
}

function jsonLdOf(html: string): LdPosting {
  const match = /<script type="application\/ld\+json"[^>]*>([\s\S]*?)<\/script>/.exec(html);
  if (!match?.[1]) throw new Error('no JSON-LD block');
  return JSON.parse(match[1]) as LdPosting;
}

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
    expect(html).toContain(`href="${pageUrl}#entry-${first.id}"`);
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

  it('shows an entry posted through the API within 2 s, then its edit and its deletion', async () => {
    const blogId = uniqueId('e2e-live');
    await createBlog(app.url, app.token, blogId);
    const old = await postEntry(app.url, app.token, blogId, { body: 'Before the page opened.' });
    const { page, errors, close } = await openPage(browser);
    try {
      await page.goto(`${app.url}/blogs/${blogId}`);
      await page.locator('#connection-state[data-state="live"]').waitFor();

      const entry = await postEntry(app.url, app.token, blogId, {
        headline: 'Kerry and Lavrov meet',
        body: 'The two sides sit down in **London**.',
        keyEvent: true,
      });
      const item = page.locator(`#entry-${entry.id}`);
      await item.waitFor({ timeout: 2_000 });
      expect(await feedIds(page)).toEqual([entry.id, old.id]);
      expect(await item.locator('strong').textContent()).toBe('London');
      expect(await item.locator('time').first().getAttribute('datetime')).toBe(entry.createdAt);
      await page.locator(`#key-events-list a[href="#entry-${entry.id}"]`).waitFor();
      await item.locator('button.copy-link').click();
      await item.locator('button.copy-link', { hasText: /Link copied|Link in address bar/ }).waitFor();
      await expect.poll(() => page.locator('#announcer').textContent()).toBe('1 new update');

      // The JSON-LD follows the feed.
      const ld = await page.locator('#liveblog-jsonld').textContent();
      expect((JSON.parse(ld ?? '{}') as LdPosting).liveBlogUpdate.map((u) => u.url.split('#')[1])).toEqual([
        `entry-${entry.id}`,
        `entry-${old.id}`,
      ]);

      await patchEntry(app.url, app.token, blogId, entry.id, { body: 'The talks run *late*.' });
      await item.locator('em', { hasText: 'late' }).waitFor({ timeout: 2_000 });
      expect(await item.locator('.entry-updated').textContent()).toMatch(/^Updated \d/);

      await deleteEntry(app.url, app.token, blogId, entry.id);
      await item.waitFor({ state: 'detached', timeout: 2_000 });
      expect(await feedIds(page)).toEqual([old.id]);
      expect(await page.locator('#key-events').isHidden()).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('holds new entries behind a button while the reader is scrolled down, without moving the text', async () => {
    const blogId = uniqueId('e2e-hold');
    await createBlog(app.url, app.token, blogId);
    const existing = [];
    for (let i = 1; i <= 12; i++) {
      existing.push(
        await postEntry(app.url, app.token, blogId, {
          headline: `Update ${i}`,
          body: `Paragraph ${i}. ${'The talks go on in London, with no agreement in sight. '.repeat(6)}`,
        }),
      );
    }
    const { page, errors, close } = await openPage(browser, { viewport: { width: 375, height: 700 } });
    try {
      await page.goto(`${app.url}/blogs/${blogId}`);
      await page.locator('#connection-state[data-state="live"]').waitFor();
      const anchor = page.locator(`#entry-${existing[4]?.id ?? ''}`);
      await anchor.scrollIntoViewIfNeeded();
      await page.mouse.wheel(0, 200);
      await page.waitForFunction(() => window.scrollY > 500);
      const before = await anchor.boundingBox();

      const a = await postEntry(app.url, app.token, blogId, { body: 'First new one.' });
      const b = await postEntry(app.url, app.token, blogId, { body: 'Second new one.' });
      const button = page.locator('#new-updates');
      await page.locator('#new-updates', { hasText: '2 new updates' }).waitFor({ timeout: 2_000 });
      await expect.poll(() => page.title()).toMatch(/^\(2\) /);
      expect(await page.locator(`#entry-${a.id}`).count()).toBe(0);
      expect(await anchor.boundingBox()).toEqual(before);
      await expect.poll(() => page.locator('#announcer').textContent()).toBe('2 new updates');

      await button.click();
      await page.locator(`#entry-${b.id}`).waitFor();
      expect((await feedIds(page)).slice(0, 3)).toEqual([b.id, a.id, existing[11]?.id]);
      expect(await button.isHidden()).toBe(true);
      await expect.poll(() => page.title()).not.toMatch(/^\(/);
      await expect.poll(() => page.evaluate(() => window.scrollY), { timeout: 3_000 }).toBeLessThan(400);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('pages back with "load older", jumps to an unloaded key event, and keeps the pinned entry on top', async () => {
    const blogId = uniqueId('e2e-older');
    await createBlog(app.url, app.token, blogId);
    const posted = [];
    for (let i = 1; i <= 45; i++) {
      posted.push(
        await postEntry(app.url, app.token, blogId, {
          body: `Entry ${i}.`,
          keyEvent: i === 20,
          headline: `Entry ${i}`,
        }),
      );
    }
    const newestFirst = posted.map((e) => e.id).reverse();
    const { page, errors, close } = await openPage(browser);
    try {
      await page.goto(`${app.url}/blogs/${blogId}`);
      await page.locator('#connection-state[data-state="live"]').waitFor();
      expect(await feedIds(page)).toEqual(newestFirst.slice(0, 20));

      // The key-events box knows entry 20 although the feed has not loaded it; a click pages back to it.
      const keyId = posted[19]?.id ?? '';
      await page.locator(`#key-events-list a[href="#entry-${keyId}"]`).click();
      await page.locator(`#entry-${keyId}`).waitFor();
      await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#entry-${keyId}`);
      expect(await feedIds(page)).toEqual(newestFirst.slice(0, 40));
      await page.locator('#load-older').click();
      await expect.poll(() => feedIds(page)).toEqual(newestFirst);
      expect(await page.locator('#load-older').isHidden()).toBe(true);

      // Pinning moves an entry to the top; pinning another unpins it back into place.
      const oldId = posted[5]?.id ?? '';
      await patchEntry(app.url, app.token, blogId, oldId, { pinned: true });
      await expect.poll(() => feedIds(page).then((ids) => ids[0])).toBe(oldId);
      expect(await page.locator(`#entry-${oldId} .badge-pinned`).count()).toBe(1);
      await patchEntry(app.url, app.token, blogId, posted[9]?.id ?? '', { pinned: true });
      await expect.poll(() => feedIds(page).then((ids) => ids[0])).toBe(posted[9]?.id);
      expect(await page.locator(`#entry-${oldId} .badge-pinned`).count()).toBe(0);
      expect((await feedIds(page)).filter((id) => id === oldId)).toHaveLength(1);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it("shows times in the reader's own time zone and stops updating once the blog has ended", async () => {
    const blogId = uniqueId('e2e-ended');
    await createBlog(app.url, app.token, blogId);
    const entry = await postEntry(app.url, app.token, blogId, { body: 'The last word.' });
    const { page, errors, close } = await openPage(browser, { timezoneId: 'Asia/Kolkata', locale: 'en-GB' });
    try {
      await page.goto(`${app.url}/blogs/${blogId}`);
      await page.locator('#connection-state[data-state="live"]').waitFor();
      const time = page.locator(`#entry-${entry.id} .entry-time time`);
      const expected = new Intl.DateTimeFormat('en-GB', {
        dateStyle: 'full',
        timeStyle: 'long',
        timeZone: 'Asia/Kolkata',
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

  it('holds new entries while the tab is hidden, and shows when the reader is offline', async () => {
    const blogId = uniqueId('e2e-hidden');
    await createBlog(app.url, app.token, blogId);
    const { page, errors, close } = await openPage(browser);
    try {
      await page.goto(`${app.url}/blogs/${blogId}`);
      await page.locator('#connection-state[data-state="live"]').waitFor();

      await page.context().setOffline(true);
      await page.locator('#connection-state[data-state="offline"]').waitFor();
      await page.context().setOffline(false);
      await page.locator('#connection-state[data-state="live"]').waitFor({ timeout: 10_000 });

      // The reader is at the top, but in a background tab: the entry waits behind the button.
      await page.evaluate(() => {
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
        document.dispatchEvent(new Event('visibilitychange'));
      });
      const entry = await postEntry(app.url, app.token, blogId, { body: 'While you were away.' });
      await page.locator('#new-updates', { hasText: '1 new update' }).waitFor({ timeout: 2_000 });
      expect(await page.locator(`#entry-${entry.id}`).count()).toBe(0);
      await expect.poll(() => page.title()).toMatch(/^\(1\) /);
      await page.locator('#new-updates').press('Enter');
      await page.locator(`#entry-${entry.id}`).waitFor();
      // Keyboard users land on the revealed entry.
      expect(await page.evaluate(() => document.activeElement?.id)).toBe(`entry-${entry.id}`);
      expect(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|WebSocket/.test(e))).toEqual([]);
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
    for (const entry of DEMO_ENTRIES.slice(0, 8)) await postEntry(app.url, app.token, blogId, entry);
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
        await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
        if (name === 'reader-desktop') await page.screenshot({ path: join(ROOT, 'docs', 'reader.png') });
        expect(errors).toEqual([]);
      } finally {
        await close();
      }
    }
  });
});
