/** The editor console in a real browser: sign-in, blogs, compose with preview, edit conflicts, delete, pin. */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Entry } from '../../src/schema.js';
import { uniqueId, type TestApp } from '../helpers/app.js';
import { api } from '../helpers/clients.js';
import {
  ARTIFACTS,
  createBlog,
  openPage,
  patchEntry,
  startBrowserAndApp,
  stopBrowserAndApp,
} from './support.js';

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  ({ app, browser } = await startBrowserAndApp());
});

afterAll(() => stopBrowserAndApp(app, browser));

async function entriesOf(blogId: string): Promise<Entry[]> {
  const res = await api(app.url, 'GET', `/api/blogs/${blogId}/entries?limit=100`);
  return res.body['entries'] as Entry[];
}

describe('editor console', () => {
  it('signs in, creates a blog, posts with a preview, edits through a conflict, pins and deletes', async () => {
    const blogId = uniqueId('e2e-console');
    const { page, errors, close } = await openPage(browser);
    try {
      await page.goto(`${app.url}/console`);

      // A wrong token is refused in words, next to the field.
      await page.fill('#token', 'not-a-real-token');
      await page.click('#signin-form button[type="submit"]');
      await page.locator('#token-error', { hasText: 'unauthorized' }).waitFor();
      expect(await page.locator('#workspace').isHidden()).toBe(true);

      await page.fill('#token', app.token);
      await page.click('#signin-form button[type="submit"]');
      await page.locator('#workspace').waitFor();
      expect(await page.evaluate(() => sessionStorage.getItem('liveblog.editorToken'))).toBe(app.token);
      expect(await page.evaluate(() => localStorage.length)).toBe(0);

      // Create a blog; an invalid id is explained next to the id field.
      await page.click('#blog-form-details summary');
      await page.fill('#blog-id', 'Not A Slug!');
      await page.fill('#blog-title', 'Console test blog');
      await page.click('#blog-form button[type="submit"]');
      await page.locator('#blog-id-error:not(:empty)').waitFor();
      await page.fill('#blog-id', blogId);
      await page.click('#blog-form button[type="submit"]');
      await expect.poll(() => page.locator('#blog-select').inputValue()).toBe(blogId);
      await page.locator('#compose-panel').waitFor();

      // An empty body is refused next to the body field.
      await page.click('#compose-submit');
      await page.locator('#compose-body-error:not(:empty)').waitFor();

      // The preview follows the text and never runs or links anything unsafe.
      await page.fill('#compose-headline', 'Talks begin');
      await page.fill(
        '#compose-body',
        'Kerry meets **Lavrov** in *London*.\n\n- [agenda](https://example.com/agenda)\n- [bad](javascript:alert(1))\n\n> <img src=x onerror=alert(1)>',
      );
      const preview = page.locator('#compose-preview');
      await preview.locator('strong', { hasText: 'Lavrov' }).waitFor();
      expect(await preview.locator('em').textContent()).toBe('London');
      expect(await preview.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual([
        'https://example.com/agenda',
      ]);
      expect(await preview.locator('img').count()).toBe(0);
      expect(await preview.locator('blockquote').textContent()).toBe('<img src=x onerror=alert(1)>');
      await page.check('#compose-key');

      // Ctrl+Enter posts; the entry shows in the list once.
      await page.press('#compose-body', 'Control+Enter');
      await page.locator('#compose-status', { hasText: 'Posted.' }).waitFor();
      const [posted] = await entriesOf(blogId);
      expect(posted).toMatchObject({ headline: 'Talks begin', keyEvent: true, pinned: false });
      if (!posted) throw new Error('no entry');
      const item = page.locator(`#admin-entry-${posted.id}`);
      await item.waitFor();
      expect(await page.locator('#admin-entries > li').count()).toBe(1);
      expect(await page.inputValue('#compose-body')).toBe('');

      // Edit while someone else changes the entry: the conflict is explained, "Reload it" fixes it.
      await item.locator('button', { hasText: 'Edit' }).click();
      const editor = item.locator('form.entry-editor');
      await editor.waitFor();
      await patchEntry(app.url, app.token, blogId, posted.id, { body: 'Changed elsewhere.' });
      await editor.locator('.editor-note', { hasText: 'Someone else changed this entry' }).waitFor();
      await editor.locator('textarea').fill('My change.');
      await editor.locator('button[type="submit"]').click();
      await item.getByText('Someone else changed this entry — reload it').waitFor();
      await editor.locator('button', { hasText: 'Reload it' }).click();
      expect(await editor.locator('textarea').inputValue()).toBe('Changed elsewhere.');
      await editor.locator('textarea').fill('My change, on top of theirs.');
      await editor.locator('button[type="submit"]').click();
      await editor.waitFor({ state: 'detached' });
      await item.locator('.entry-body', { hasText: 'My change, on top of theirs.' }).waitFor();
      expect((await entriesOf(blogId))[0]?.version).toBe(3);

      // Pin it.
      await item.locator('button', { hasText: /^Pin$/ }).click();
      await item.locator('.badge-pinned').waitFor();
      expect((await entriesOf(blogId))[0]?.pinned).toBe(true);

      // A reader opening the blog shows in the live reader count.
      const before = Number(await page.locator('#reader-count').textContent());
      const reader = await openPage(browser);
      await reader.page.goto(`${app.url}/blogs/${blogId}`);
      await expect
        .poll(() => page.locator('#reader-count').textContent(), { timeout: 6_000 })
        .toBe(String(before + 1));
      await reader.close();

      await page.screenshot({ path: join(ARTIFACTS, 'console.png'), fullPage: true });

      // Delete, after an inline confirmation.
      await item.locator('button', { hasText: 'Delete' }).click();
      await item.locator('button', { hasText: 'Yes, delete' }).click();
      await item.waitFor({ state: 'detached' });
      expect(await entriesOf(blogId)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('retries a post whose answer was lost with the same idempotency key, so it appears once', async () => {
    const blogId = uniqueId('e2e-retry');
    await createBlog(app.url, app.token, blogId);
    const { page, errors, close } = await openPage(browser);
    try {
      // Let the first entry:create reach the server but lose its acknowledgement on the way back.
      let lost = false;
      await page.routeWebSocket(/\/socket\.io\//, (ws) => {
        const server = ws.connectToServer();
        let ackId: string | undefined;
        ws.onMessage((message) => {
          const create =
            typeof message === 'string' ? /^42\/editor,(\d+)\["entry:create"/.exec(message) : null;
          if (create && !lost) ackId = create[1];
          server.send(message);
        });
        server.onMessage((message) => {
          if (!lost && ackId && typeof message === 'string' && message.startsWith(`43/editor,${ackId}[`)) {
            lost = true;
            return;
          }
          ws.send(message);
        });
      });
      await page.goto(`${app.url}/console`);
      await page.fill('#token', app.token);
      await page.click('#signin-form button[type="submit"]');
      await expect.poll(() => page.locator(`#blog-select option[value="${blogId}"]`).count()).toBe(1);
      await page.selectOption('#blog-select', blogId);
      await page.fill('#compose-body', 'Posted once, whatever the network does.');
      await page.click('#compose-submit');

      await page.locator('#compose-status', { hasText: 'retrying' }).waitFor({ timeout: 15_000 });
      await page.locator('#compose-status', { hasText: 'already been posted' }).waitFor({ timeout: 15_000 });
      expect(lost).toBe(true);
      expect((await entriesOf(blogId)).map((e) => e.body)).toEqual([
        'Posted once, whatever the network does.',
      ]);
      expect(await page.locator('#admin-entries > li').count()).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  }, 40_000);
});
