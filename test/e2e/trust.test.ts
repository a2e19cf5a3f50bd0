/**
 * SPEC §10 in a real Chromium: the verification label, a correction and the summary arrive live on an
 * open reader page and are there without JavaScript; `?order=oldest` appends new entries at the end;
 * the snapshot, saved to disk and opened from file:// with every network request blocked, shows every
 * entry and makes no request at all.
 */
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueId, type TestApp } from '../helpers/app.js';
import { api } from '../helpers/clients.js';
import {
  createBlog,
  feedIds,
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

const patch = (blogId: string, entryId: string, body: Record<string, unknown>) =>
  api(app.url, 'PATCH', `/api/blogs/${blogId}/entries/${entryId}`, { token: app.token, body });

describe('the readers’ trust in the browser', () => {
  it('verification, a correction and the summary update live, and show without JavaScript', async () => {
    const blogId = uniqueId('e2e-trust');
    await createBlog(app.url, app.token, blogId);
    const entry = await postEntry(app.url, app.token, blogId, { body: 'Explosions heard near the port.' });
    const { page, errors, close } = await openPage(browser);
    try {
      await page.goto(`${app.url}/blogs/${blogId}`);
      await page.locator('#connection-state[data-state="live"]').waitFor();
      expect(await page.locator('#blog-summary').isHidden()).toBe(true);

      expect((await patch(blogId, entry.id, { verification: 'unconfirmed' })).status).toBe(200);
      const item = page.locator(`#entry-${entry.id}`);
      await item.locator('.badge-verification', { hasText: 'Unconfirmed' }).waitFor({ timeout: 2_000 });
      expect(
        (
          await patch(blogId, entry.id, {
            verification: 'confirmed',
            correction: 'It was the port, not the airport.',
          })
        ).status,
      ).toBe(200);
      await item.locator('.badge-verification', { hasText: 'Confirmed' }).waitFor({ timeout: 2_000 });
      await item
        .locator('.entry-corrections li', { hasText: 'It was the port, not the airport.' })
        .waitFor({ timeout: 2_000 });
      expect(await item.locator('.entry-corrections time').getAttribute('datetime')).toMatch(
        /^\d{4}-\d\d-\d\dT/,
      );
      expect(await item.locator('a.entry-history').getAttribute('href')).toContain(
        `/blogs/${blogId}/entries/${entry.id}/revisions`,
      );

      await api(app.url, 'PUT', `/api/blogs/${blogId}`, {
        token: app.token,
        body: { title: `Blog ${blogId}`, summary: 'The port was **hit** twice.' },
      });
      await page.locator('#blog-summary strong', { hasText: 'hit' }).waitFor({ timeout: 2_000 });
      expect(await page.locator('#blog-summary').isVisible()).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }

    const noJs = await openPage(browser, { javaScriptEnabled: false });
    try {
      await noJs.page.goto(`${app.url}/blogs/${blogId}`);
      expect(await noJs.page.locator('#blog-summary strong').textContent()).toBe('hit');
      const staticItem = noJs.page.locator(`#entry-${entry.id}`);
      expect(await staticItem.locator('.badge-verification').textContent()).toBe('Verification: Confirmed');
      expect(await staticItem.locator('.entry-corrections').innerText()).toMatch(
        /Correction .*UTC: It was the port, not the airport\./,
      );
      await noJs.page.locator(`#entry-${entry.id} a.entry-history`).click();
      await noJs.page.locator('.revision').nth(2).waitFor();
      expect(await noJs.page.locator('.revision').count()).toBe(3);
    } finally {
      await noJs.close();
    }
  });

  it('?order=oldest reads top to bottom and a new entry joins at the end', async () => {
    const blogId = uniqueId('e2e-oldest');
    await createBlog(app.url, app.token, blogId);
    const a = await postEntry(app.url, app.token, blogId, { body: 'Question one' });
    const b = await postEntry(app.url, app.token, blogId, { body: 'Question two' });
    const { page, errors, close } = await openPage(browser);
    try {
      await page.goto(`${app.url}/blogs/${blogId}?order=oldest`);
      await page.locator('#connection-state[data-state="live"]').waitFor();
      expect(await feedIds(page)).toEqual([a.id, b.id]);
      const c = await postEntry(app.url, app.token, blogId, { body: 'Question three' });
      await page.locator(`#entry-${c.id}`).waitFor({ timeout: 2_000 });
      expect(await feedIds(page)).toEqual([a.id, b.id, c.id]);
      expect(await page.locator('#new-updates').isHidden()).toBe(true);
      await page.locator('#feed-order a', { hasText: 'Newest first' }).click();
      await page.locator('#connection-state[data-state="live"]').waitFor();
      expect(new URL(page.url()).search).toBe('');
      expect(await feedIds(page)).toEqual([c.id, b.id, a.id]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('the snapshot opened from disk with every request blocked shows every entry and makes no request', async () => {
    const blogId = uniqueId('e2e-snapshot');
    await createBlog(app.url, app.token, blogId);
    await api(app.url, 'PUT', `/api/blogs/${blogId}`, {
      token: app.token,
      body: { title: 'Snapshot blog', summary: 'What we **know**.' },
    });
    const bodies: string[] = [];
    for (let i = 0; i < 30; i++) {
      const e = await postEntry(app.url, app.token, blogId, {
        body: `Update ${i}: see [the agency](https://example.org/${i}).`,
      });
      bodies.push(`Update ${i}: see the agency.`);
      if (i === 5)
        await patch(blogId, e.id, { correction: 'Update five corrected.', verification: 'disputed' });
    }
    const res = await fetch(`${app.url}/blogs/${blogId}/snapshot.html`);
    const html = await res.text();
    const dir = mkdtempSync(join(tmpdir(), 'liveblog-snapshot-'));
    const file = join(dir, 'snapshot.html');
    writeFileSync(file, html);
    expect(statSync(file).size).toBeLessThan(30_000);

    const { page, close } = await openPage(browser, { offline: true });
    const requests: string[] = [];
    try {
      // Every request but the file itself is recorded and refused.
      await page.context().route('**/*', (route) => {
        if (route.request().url() === pathToFileURL(file).href) return route.continue();
        requests.push(route.request().url());
        return route.abort();
      });
      page.on('request', (r) => {
        if (r.url() !== pathToFileURL(file).href) requests.push(r.url());
      });
      await page.goto(pathToFileURL(file).href);
      await page.waitForLoadState('load');
      expect(await page.locator('h1').textContent()).toBe('Snapshot blog');
      expect(await page.locator('.summary strong').textContent()).toBe('know');
      expect(await page.locator('li.e').count()).toBe(30);
      const text = await page.locator('main').innerText();
      for (const body of bodies) expect(text).toContain(body);
      expect(text).toContain('Update five corrected.');
      expect(text).toContain('Disputed');
      expect(await page.locator('.made time').getAttribute('datetime')).toMatch(/^\d{4}-/);
      expect(await page.evaluate(() => document.scripts.length)).toBe(0);
      expect(requests).toEqual([]);
    } finally {
      await close();
    }
  });

  it('the console sets verification on a post, a correction and a new label on an edit, and the summary', async () => {
    const blogId = uniqueId('e2e-desk');
    await createBlog(app.url, app.token, blogId);
    const { page, errors, close } = await openPage(browser);
    try {
      await page.goto(`${app.url}/console`);
      await page.fill('#token', app.token);
      await page.click('#signin-form button[type="submit"]');
      await page.locator('#workspace').waitFor();
      await page.selectOption('#blog-select', blogId);
      await page.locator('#compose-panel').waitFor();

      await page.fill('#compose-body', 'Casualty figures from the ministry.');
      await page.selectOption('#compose-verification', 'unconfirmed');
      await page.click('#compose-submit');
      await page.locator('#compose-status', { hasText: 'Posted.' }).waitFor();
      const listed = await api(app.url, 'GET', `/api/blogs/${blogId}/entries`);
      const [posted] = listed.body['entries'] as { id: string; verification: string | null }[];
      expect(posted?.verification).toBe('unconfirmed');

      const item = page.locator(`#admin-entry-${posted?.id ?? ''}`);
      await item.locator('button', { hasText: 'Edit' }).click();
      const editor = item.locator('form.entry-editor');
      expect(await editor.locator('select').inputValue()).toBe('unconfirmed');
      await editor.locator('select').selectOption('disputed');
      await editor.getByLabel(/Correction note/).fill('The ministry revised its figures.');
      await editor.locator('button[type="submit"]').click();
      await item.locator('.badge-verification', { hasText: 'Disputed' }).waitFor();
      const revisions = await api(
        app.url,
        'GET',
        `/api/blogs/${blogId}/entries/${posted?.id ?? ''}/revisions`,
      );
      expect(
        (revisions.body['revisions'] as { correction: string | null }[]).map((r) => r.correction),
      ).toEqual([null, 'The ministry revised its figures.']);

      await page.click('#blog-form-details summary');
      await page.fill('#blog-summary', 'Two things are **certain**.');
      await page.click('#blog-form button[type="submit"]');
      await expect
        .poll(
          async () =>
            ((await api(app.url, 'GET', `/api/blogs/${blogId}`)).body['blog'] as { summaryHtml: string })
              .summaryHtml,
        )
        .toContain('<strong>certain</strong>');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
