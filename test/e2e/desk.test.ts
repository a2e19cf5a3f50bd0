/**
 * The desk in a real browser (SPEC §10): a contributor writes and submits a draft; the editor's queue
 * shows it live; both open it and each sees the other is there; the editor's stale save is refused as a
 * conflict; the editor publishes, and the reader page shows the entry live.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, uniqueId, type TestApp } from '../helpers/app.js';
import {
  ARTIFACTS,
  assertAssetsServed,
  buildClient,
  createBlog,
  launchBrowser,
  openPage,
} from './support.js';

const CONTRIBUTOR = 'e2e-contributor-token-1';
let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  buildClient();
  [app, browser] = await Promise.all([
    startApp({ env: { CONTRIBUTOR_TOKENS: `Carol Jones:${CONTRIBUTOR}` } }),
    launchBrowser(),
  ]);
  await assertAssetsServed(app.url);
});
afterAll(async () => {
  await browser.close();
  await app.stop();
});

async function signIn(page: Page, token: string, blogId: string): Promise<void> {
  await page.goto(`${app.url}/console`);
  await page.fill('#token', token);
  await page.click('#signin-form button[type="submit"]');
  await page.locator('#workspace').waitFor();
  await page.selectOption('#blog-select', blogId);
  await page.locator('#desk-panel').waitFor();
}

describe('the desk in the console', () => {
  it('contributor submits → the editor’s queue shows it live → presence and conflict → publish → the reader page shows it', async () => {
    const blogId = uniqueId('e2e-desk');
    await createBlog(app.url, app.token, blogId);
    const carol = await openPage(browser);
    const editor = await openPage(browser);
    const reader = await openPage(browser);
    try {
      await reader.page.goto(`${app.url}/blogs/${blogId}`);
      await signIn(editor.page, app.token, blogId);
      await signIn(carol.page, CONTRIBUTOR, blogId);
      await carol.page.locator('#desk-role', { hasText: 'contributor' }).waitFor();
      // A contributor gets the desk only: no entry composer, no blog form.
      expect(await carol.page.locator('#compose-panel').isHidden()).toBe(true);
      expect(await carol.page.locator('#blog-form-details').isHidden()).toBe(true);

      await carol.page.fill('#draft-headline', 'From the border');
      await carol.page.fill('#draft-body', 'Queues at the **crossing** since dawn.');
      await carol.page.locator('#draft-preview strong', { hasText: 'crossing' }).waitFor();
      await carol.page.click('#draft-submit');
      await carol.page.locator('#draft-status', { hasText: 'Submitted' }).waitFor();

      // The editor's queue shows it without a reload, as submitted.
      const queued = editor.page.locator('#draft-queue li', { hasText: 'From the border' });
      await queued.waitFor();
      expect(await queued.getAttribute('data-state')).toBe('submitted');
      expect(await queued.locator('strong').textContent()).toBe('crossing');

      // Both open it: each sees the other.
      await queued.getByRole('button', { name: 'Open' }).click();
      await carol.page
        .locator('#draft-queue li', { hasText: 'From the border' })
        .getByRole('button', { name: 'Open' })
        .click();
      await carol.page.locator('#draft-presence', { hasText: 'Alice Smith is editing' }).waitFor();
      await editor.page.locator('#draft-presence', { hasText: 'Carol Jones is editing' }).waitFor();

      // Carol saves first; the editor's save of the version it opened is a conflict, in words.
      await carol.page.fill('#draft-body', 'Queues at the **crossing** since dawn, longer now.');
      await carol.page.click('#draft-save');
      await carol.page.locator('#draft-status', { hasText: 'saved' }).waitFor();
      await editor.page.fill('#draft-body', 'An editor’s version.');
      await editor.page.click('#draft-save');
      await editor.page.locator('#draft-error', { hasText: 'conflict' }).waitFor();
      await editor.page.locator('#draft-queue li', { hasText: 'longer now' }).waitFor();

      // Publish from the queue: the reader page shows it live, and the draft leaves the queues.
      await editor.page
        .locator('#draft-queue li', { hasText: 'From the border' })
        .getByRole('button', { name: 'Publish now' })
        .click();
      await reader.page.locator('#feed li', { hasText: 'longer now' }).waitFor();
      expect(await reader.page.locator('#feed li', { hasText: 'longer now' }).count()).toBe(1);
      await editor.page.locator('#draft-queue-empty').waitFor();
      await carol.page.locator('#draft-queue-empty').waitFor();
      await editor.page.screenshot({ path: join(ARTIFACTS, 'desk-editor.png'), fullPage: true });
      expect([...carol.errors, ...editor.errors, ...reader.errors]).toEqual([]);
    } finally {
      await carol.close();
      await editor.close();
      await reader.close();
    }
  }, 60_000);
});
