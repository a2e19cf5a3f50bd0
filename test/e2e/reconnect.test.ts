/**
 * A reader whose server goes away: it resumes from its cursor on the instance that comes back and shows
 * every missed entry exactly once; when its cursor cannot be resumed it swaps in a fresh snapshot
 * without reloading the page.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApp, uniqueId, type TestApp } from '../helpers/app.js';
import {
  assertAssetsServed,
  buildClient,
  createBlog,
  feedIds,
  launchBrowser,
  openPage,
  patchEntry,
  postEntry,
} from './support.js';

let browser: Browser;
const apps: TestApp[] = [];

async function start(options: Parameters<typeof startApp>[0]): Promise<TestApp> {
  const app = await startApp(options);
  apps.push(app);
  await assertAssetsServed(app.url);
  return app;
}

beforeAll(async () => {
  buildClient();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(apps.map((app) => app.stop()));
});

describe('reader reconnection', () => {
  it('shows every entry posted while its instance was down exactly once, after resuming from its cursor', async () => {
    const redisUrl = inject('redisUrl');
    const prefix = `${uniqueId('e2e-resume')}:`;
    const a = await start({ redisUrl, prefix });
    const b = await start({ redisUrl, prefix });
    const blogId = uniqueId('e2e-resume');
    await createBlog(a.url, a.token, blogId);
    const first = await postEntry(a.url, a.token, blogId, { body: 'Before the outage.' });

    const { page, errors, close } = await openPage(browser);
    try {
      await page.goto(`${a.url}/blogs/${blogId}`);
      await page.locator('#connection-state[data-state="live"]').waitFor();
      await page.evaluate(() => document.documentElement.setAttribute('data-loaded-once', 'yes'));

      await a.stop();
      await page.locator('#connection-state[data-state="reconnecting"]').waitFor();
      const missed = [];
      for (let i = 1; i <= 4; i++)
        missed.push(await postEntry(b.url, b.token, blogId, { body: `Missed ${i}.` }));
      await patchEntry(b.url, b.token, blogId, first.id, { body: 'Before the outage, corrected.' });

      const again = await start({ redisUrl, prefix, env: { PORT: String(a.port) } });
      await page.locator('#connection-state[data-state="live"]').waitFor({ timeout: 15_000 });
      const expected = [...missed.map((e) => e.id).reverse(), first.id];
      await expect.poll(() => feedIds(page), { timeout: 5_000 }).toEqual(expected);
      expect(await page.locator(`#entry-${first.id} .entry-body`).textContent()).toBe(
        'Before the outage, corrected.',
      );

      // Live again, through the instance that came back and through the other one.
      const viaAgain = await postEntry(again.url, again.token, blogId, {
        body: 'After, via the new instance.',
      });
      const viaB = await postEntry(b.url, b.token, blogId, { body: 'After, via the other instance.' });
      await expect.poll(() => feedIds(page), { timeout: 2_000 }).toEqual([viaB.id, viaAgain.id, ...expected]);
      // The same document all along: no reload.
      expect(await page.evaluate(() => document.documentElement.getAttribute('data-loaded-once'))).toBe(
        'yes',
      );
      expect(errors.filter((e) => !/ERR_CONNECTION_REFUSED|WebSocket/.test(e))).toEqual([]);
    } finally {
      await close();
    }
  }, 40_000);

  it('replaces the feed with a fresh snapshot, without a reload, when its cursor cannot be resumed', async () => {
    // The in-memory store: a restarted instance has a new history (another epoch).
    const a = await start({});
    const blogId = uniqueId('e2e-fresh');
    await createBlog(a.url, a.token, blogId);
    const gone = await postEntry(a.url, a.token, blogId, { body: 'Only in the old history.' });

    const { page, close } = await openPage(browser);
    try {
      await page.goto(`${a.url}/blogs/${blogId}`);
      await page.locator(`#entry-${gone.id}`).waitFor();
      await page.locator('#connection-state[data-state="live"]').waitFor();
      await page.evaluate(() => document.documentElement.setAttribute('data-loaded-once', 'yes'));
      await a.stop();
      await page.locator('#connection-state[data-state="reconnecting"]').waitFor();

      const fresh = await start({ env: { PORT: String(a.port), EDITOR_TOKENS: `Alice Smith:${a.token}` } });
      await createBlog(fresh.url, fresh.token, blogId, 'A new history');
      const kept = await postEntry(fresh.url, fresh.token, blogId, { body: 'In the new history.' });

      await page.locator('#connection-state[data-state="live"]').waitFor({ timeout: 15_000 });
      await expect.poll(() => feedIds(page), { timeout: 5_000 }).toEqual([kept.id]);
      expect(await page.locator('h1').textContent()).toBe('A new history');
      expect(await page.evaluate(() => document.documentElement.getAttribute('data-loaded-once'))).toBe(
        'yes',
      );
    } finally {
      await close();
    }
  }, 40_000);
});
