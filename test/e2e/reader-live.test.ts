/** The reader page live: new entries, edits, deletions, the new-updates button, paging, pinning. */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueId, type TestApp } from '../helpers/app.js';
import {
  createBlog,
  deleteEntry,
  feedIds,
  openPage,
  patchEntry,
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

describe('live reader', () => {
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
});
