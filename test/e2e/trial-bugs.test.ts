/**
 * Issue 9, "What the trial found", in a real Chromium: each test was written before its fix and failed
 * on the code before it.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, uniqueId, type TestApp } from '../helpers/app.js';
import {
  assertAssetsServed,
  createBlog,
  openPage,
  postEntry,
  startBrowserAndApp,
  stopBrowserAndApp,
} from './support.js';

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  ({ app, browser } = await startBrowserAndApp());
});
afterAll(() => stopBrowserAndApp(app, browser));

/** True when the element's box is inside the viewport (the reader can see it without scrolling). */
function onScreen(page: Page, selector: string): Promise<boolean> {
  return page.$eval(selector, (el) => {
    const r = el.getBoundingClientRect();
    return !(el as HTMLElement).hidden && r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight;
  });
}

describe('reader page', () => {
  it('drops "No updates yet." when the first entry arrives live', async () => {
    const blogId = uniqueId('e2e-empty');
    await createBlog(app.url, app.token, blogId);
    const { page, errors, close } = await openPage(browser);
    try {
      await page.goto(`${app.url}/blogs/${blogId}`);
      await page.getByText('No updates yet.').waitFor();
      await page.locator('#connection-state[data-state="live"]').waitFor();
      const entry = await postEntry(app.url, app.token, blogId, { body: 'The first update.' });
      await page.locator(`#entry-${entry.id}`).waitFor();
      await page.getByText('No updates yet.').waitFor({ state: 'hidden' });
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('says on screen, not "Reconnecting…" forever, when the blog is gone after a restart', async () => {
    // The embedded store lives in the process: a restart on the same port is a wiped store.
    const own = await startApp();
    const blogId = uniqueId('e2e-gone');
    await createBlog(own.url, own.token, blogId);
    for (let i = 0; i < 12; i++) await postEntry(own.url, own.token, blogId, { body: `Update ${i}` });
    const { page, close } = await openPage(browser, { viewport: { width: 1280, height: 700 } });
    let again: TestApp | undefined;
    try {
      await page.goto(`${own.url}/blogs/${blogId}`);
      await page.locator('#connection-state[data-state="live"]').waitFor();
      await own.stop();
      again = await startApp({ env: { PORT: String(own.port) } });
      await assertAssetsServed(again.url);
      const state = page.locator('#connection-state');
      await page.locator('#connection-state[data-state="gone"]').waitFor({ timeout: 10_000 });
      expect(await state.textContent()).toContain('no longer exists');
      expect(await onScreen(page, '#connection-state')).toBe(true);
      // It stays so: no reconnect loop replaces it.
      await page.waitForTimeout(1_500);
      expect(await state.getAttribute('data-state')).toBe('gone');
    } finally {
      await close();
      await again?.stop();
      await own.stop();
    }
  });
});

async function signIn(page: Page, blogId: string): Promise<void> {
  await page.goto(`${app.url}/console`);
  await page.fill('#token', app.token);
  await page.click('#signin-form button[type="submit"]');
  await page.locator('#workspace').waitFor();
  await page.selectOption('#blog-select', blogId);
  await page.locator('#compose-panel').waitFor();
}

describe('editor console', () => {
  it('previews the headline as readers will see it, without raw ** marks', async () => {
    const blogId = uniqueId('e2e-headline');
    await createBlog(app.url, app.token, blogId);
    const { page, errors, close } = await openPage(browser);
    try {
      await signIn(page, blogId);
      await page.fill('#compose-headline', '**Breaking:** talks begin');
      await page.fill('#compose-body', 'Kerry meets Lavrov.');
      await page.locator('#compose-preview .entry-headline', { hasText: 'Breaking: talks begin' }).waitFor();
      expect(await page.locator('#compose-preview').textContent()).not.toContain('**');
      await page.click('#compose-submit');
      await page.locator('#compose-status', { hasText: 'Posted.' }).waitFor();
      const res = await fetch(`${app.url}/api/blogs/${blogId}/entries`);
      const { entries } = (await res.json()) as { entries: { headline?: string }[] };
      expect(entries[0]?.headline).toBe('Breaking: talks begin');
      // "Posted." gives way by itself, without the editor typing anything.
      await expect.poll(() => page.locator('#compose-status').textContent(), { timeout: 8_000 }).toBe('');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('puts the composer and the live entries side by side at desktop width', async () => {
    const blogId = uniqueId('e2e-wide');
    await createBlog(app.url, app.token, blogId);
    await postEntry(app.url, app.token, blogId, { body: 'Already here.' });
    const { page, close } = await openPage(browser, { viewport: { width: 1440, height: 900 } });
    try {
      await signIn(page, blogId);
      await page.locator('#entries-panel').waitFor();
      const compose = await page.locator('#compose-panel').boundingBox();
      const entries = await page.locator('#entries-panel').boundingBox();
      if (!compose || !entries) throw new Error('panels not laid out');
      // Side by side: they share rows on screen, and the entries column starts right of the composer.
      expect(entries.x).toBeGreaterThanOrEqual(compose.x + compose.width - 1);
      expect(entries.y).toBeLessThan(compose.y + compose.height);
      expect(compose.width + entries.width).toBeGreaterThan(1000);
    } finally {
      await close();
    }
  });
});
