/**
 * Photos and video in a real browser (README "Photos and video"): a GPS-tagged JPEG uploaded through the
 * console reaches the reader page as a responsive, lazy <picture> whose served bytes carry no EXIF; a
 * YouTube placeholder makes no third-party request until it is clicked, then holds a sandboxed
 * youtube-nocookie.com iframe (the request is answered here, so nothing leaves the machine).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Entry } from '../../src/schema.js';
import { startApp, uniqueId, type TestApp } from '../helpers/app.js';
import { api } from '../helpers/clients.js';
import {
  assertAssetsServed,
  buildClient,
  createBlog,
  launchBrowser,
  openPage,
  postEntry,
} from './support.js';

let app: TestApp;
let browser: Browser;
let mediaDir: string;

beforeAll(async () => {
  buildClient();
  mediaDir = await mkdtemp(join(tmpdir(), 'liveblog-e2e-media-'));
  [app, browser] = await Promise.all([startApp({ env: { MEDIA_DIR: mediaDir } }), launchBrowser()]);
  await assertAssetsServed(app.url);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await rm(mediaDir, { recursive: true, force: true });
});

async function gpsJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 1400, height: 900, channels: 3, background: '#2a6f4e' } })
    .withMetadata({ orientation: 3 })
    .withExif({
      IFD0: { Artist: 'secret-source-name' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '48/1 0/1 0/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '37/1 48/1 0/1',
      },
    })
    .jpeg()
    .toBuffer();
}

describe('photos and video in the browser', () => {
  it('uploads a GPS-tagged photo in the console, posts it with a caption, and readers get a clean responsive picture', async () => {
    const blogId = uniqueId('e2e-media');
    await createBlog(app.url, app.token, blogId, 'Media blog');
    const original = await gpsJpeg();
    expect((await sharp(original).metadata()).exif).toBeDefined();

    const { page, errors, close } = await openPage(browser);
    page.setDefaultTimeout(15_000);
    try {
      await page.goto(`${app.url}/console`);
      await page.fill('#token', app.token);
      await page.click('#signin-form button[type="submit"]');
      await page.locator('#workspace').waitFor();
      await page.locator(`#blog-select option[value="${blogId}"]`).waitFor({ state: 'attached' });
      await page.selectOption('#blog-select', blogId);
      await page.locator('#compose-panel').waitFor();

      await page.fill('#compose-body', 'Kerry and Lavrov met today.');
      await page.setInputFiles('#media-file', {
        name: 'kerry-lavrov.jpg',
        mimeType: 'image/jpeg',
        buffer: original,
      });
      // Alt text is required: without it nothing is uploaded.
      await page.click('#media-insert');
      await page.locator('#media-error:not(:empty)').waitFor();
      await page.fill('#media-alt', 'Two men shake hands');
      await page.fill('#media-caption', 'Kerry and Lavrov are meeting in London');
      await page.fill('#media-credit', 'AP');
      await page.click('#media-insert');
      await page.locator('#media-status', { hasText: 'Photo inserted' }).waitFor();
      const body = await page.inputValue('#compose-body');
      expect(body).toMatch(
        /^Kerry and Lavrov met today\.\n\n!\[Two men shake hands\]\(media:[0-9A-Z]{26}\)\n\n$/,
      );
      // The preview shows the photo as readers will see it.
      await page.locator('#compose-preview figure.lb-photo img[srcset]').waitFor();
      await page.click('#compose-submit');
      await page.locator('#compose-status', { hasText: 'Posted' }).waitFor();
      expect(errors).toEqual([]);
    } finally {
      await close();
    }

    const entries = (await api(app.url, 'GET', `/api/blogs/${blogId}/entries`)).body['entries'] as Entry[];
    expect(entries).toHaveLength(1);

    for (const javaScriptEnabled of [true, false]) {
      const reader = await openPage(browser, { javaScriptEnabled });
      reader.page.setDefaultTimeout(15_000);
      try {
        await reader.page.goto(`${app.url}/blogs/${blogId}`);
        const img = reader.page.locator('figure.lb-photo picture img');
        await img.scrollIntoViewIfNeeded();
        expect(await img.getAttribute('loading')).toBe('lazy');
        expect(await img.getAttribute('width')).toBe('1400');
        expect(await img.getAttribute('height')).toBe('900');
        expect(await img.getAttribute('alt')).toBe('Two men shake hands');
        expect(
          await reader.page.locator('figure.lb-photo source[type="image/webp"]').getAttribute('srcset'),
        ).toMatch(/480\.webp 480w, .*960\.webp 960w, .*1400\.webp 1400w$/);
        expect(await reader.page.locator('figure.lb-photo figcaption').textContent()).toBe(
          'Kerry and Lavrov are meeting in London · AP',
        );
        await expect
          .poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth))
          .toBeGreaterThan(0);
        const srcset = (await img.getAttribute('srcset')) ?? '';
        const urls = srcset.split(',').map((c) => c.trim().split(' ')[0] ?? '');
        expect(urls).toHaveLength(3);
        for (const url of urls) {
          const bytes = Buffer.from(await (await fetch(app.url + url)).arrayBuffer());
          const meta = await sharp(bytes).metadata();
          expect(meta.exif).toBeUndefined();
          expect(meta.orientation ?? 1).toBe(1);
          expect(bytes.includes(Buffer.from('secret-source-name'))).toBe(false);
        }
        expect(reader.errors).toEqual([]);
      } finally {
        await reader.close();
      }
    }
  }, 90_000);

  it('makes no third-party request for a YouTube embed until it is clicked, then loads only youtube-nocookie.com', async () => {
    const blogId = uniqueId('e2e-video');
    await createBlog(app.url, app.token, blogId, 'Video blog');
    await postEntry(app.url, app.token, blogId, {
      body: '[WATCH: Rival Protesters Clash In Donetsk](https://www.youtube.com/watch?v=dQw4w9WgXcQ)',
    });
    const { page, errors, close } = await openPage(browser);
    page.setDefaultTimeout(15_000);
    const requests: string[] = [];
    const own = new URL(app.url).origin;
    try {
      page.on('request', (request) => requests.push(request.url()));
      // Nothing may leave the machine: every foreign request is answered here (the iframe gets a stub).
      await page.route(
        (url) => url.origin !== own,
        (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<p>player stub</p>' }),
      );
      await page.goto(`${app.url}/blogs/${blogId}`);
      await page.locator('#connection-state[data-state="live"]').waitFor();
      const play = page.locator('a.lb-video-play');
      expect(await play.textContent()).toBe('Play video on YouTube');
      expect(await play.getAttribute('href')).toBe('https://www.youtube.com/watch?v=dQw4w9WgXcQ');
      expect(await page.locator('figure.lb-video figcaption').textContent()).toBe(
        'WATCH: Rival Protesters Clash In Donetsk',
      );
      await page.waitForLoadState('networkidle');
      expect(requests.filter((u) => new URL(u).origin !== own)).toEqual([]);

      await play.click();
      const frame = page.locator('figure.lb-video iframe.lb-video-frame');
      await frame.waitFor();
      expect(await frame.getAttribute('src')).toBe(
        'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1',
      );
      expect(await frame.getAttribute('sandbox')).toBe(
        'allow-scripts allow-same-origin allow-presentation allow-popups',
      );
      expect(await frame.getAttribute('title')).toBe('WATCH: Rival Protesters Clash In Donetsk');
      await expect
        .poll(() => requests.filter((u) => new URL(u).origin !== own))
        .toEqual(['https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1']);
      expect(page.url()).toBe(`${app.url}/blogs/${blogId}`);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  }, 60_000);
});
