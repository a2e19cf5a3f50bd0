/**
 * Photos over HTTP (README "Photos and video"): POST /api/media decodes, strips and resizes; every served
 * variant carries no metadata of the original; non-images, oversized uploads and anonymous callers are
 * refused with the SPEC's codes; entries place the photo by id; hostile texts are escaped.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MediaObject } from '../../src/media/media.js';
import type { Entry } from '../../src/schema.js';
import { EDITOR_TOKEN, startApp, uniqueId, type TestApp } from '../helpers/app.js';
import { startLocalS3 } from '../helpers/s3-server.js';

let app: TestApp;
let dir: string;
let prefix: string;
const MAX_BYTES = 400_000;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'liveblog-media-'));
  prefix = `${uniqueId('media-http')}:`;
  app = await startApp({
    redisUrl: inject('redisUrl'),
    prefix,
    env: { MEDIA_DIR: dir, MEDIA_MAX_BYTES: String(MAX_BYTES), MEDIA_MAX_PIXELS: '4000000' },
  });
});
afterAll(async () => {
  await app.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A 1200×800 JPEG stored sideways (EXIF orientation 6) with GPS coordinates and a copyright name. */
async function jpegWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 1200, height: 800, channels: 3, background: '#3366aa' } })
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD0: { Copyright: 'secret-reporter-name', Artist: 'secret-reporter-name' },
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

async function upload(
  bytes: Buffer | string,
  query: Record<string, string>,
  token: string | null = EDITOR_TOKEN,
): Promise<{ status: number; body: { media?: MediaObject; error?: { code: string; message: string } } }> {
  const res = await fetch(`${app.url}/api/media?${new URLSearchParams(query).toString()}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/octet-stream',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: typeof bytes === 'string' ? bytes : new Uint8Array(bytes),
  });
  return { status: res.status, body: (await res.json()) as never };
}

async function editorJson(
  method: string,
  path: string,
  body: unknown,
): Promise<{ status: number; body: never }> {
  const res = await fetch(app.url + path, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${EDITOR_TOKEN}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as never };
}

describe('POST /api/media', () => {
  it('re-encodes a GPS-tagged JPEG: every served variant has no EXIF/GPS/ICC and the orientation applied', async () => {
    const original = await jpegWithGps();
    const before = await sharp(original).metadata();
    expect(before.exif).toBeDefined();
    expect(before.orientation).toBe(6);
    expect(original.includes(Buffer.from('secret-reporter-name'))).toBe(true);

    const res = await upload(original, { alt: 'A blue square', caption: 'The square', credit: 'AP' });
    expect(res.status).toBe(201);
    const media = res.body.media as MediaObject;
    // Turned upright: 800 wide, 1200 high.
    expect([media.width, media.height]).toEqual([800, 1200]);
    expect(media).toMatchObject({ alt: 'A blue square', caption: 'The square', credit: 'AP' });
    expect(media.markdown).toBe(`![A blue square](media:${media.id})`);
    expect(media.urls.variants.map((v) => `${v.width}.${v.format}`)).toEqual([
      '480.webp',
      '480.jpg',
      '800.webp',
      '800.jpg',
    ]);
    for (const variant of media.urls.variants) {
      const served = await fetch(app.url + variant.url);
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe(variant.contentType);
      expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(served.headers.get('x-content-type-options')).toBe('nosniff');
      const bytes = Buffer.from(await served.arrayBuffer());
      const meta = await sharp(bytes).metadata();
      expect(meta.format).toBe(variant.format === 'jpg' ? 'jpeg' : 'webp');
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.icc).toBeUndefined();
      expect(meta.orientation ?? 1).toBe(1);
      expect(meta.width).toBe(variant.width);
      expect(meta.height).toBe(Math.round((variant.width * 1200) / 800));
      expect(bytes.includes(Buffer.from('secret-reporter-name'))).toBe(false);
      expect(bytes.includes(Buffer.from('Exif'))).toBe(false);
    }
    // The record is kept in Redis under <prefix>media:<id>.
    const redis = new Redis(inject('redisUrl'));
    try {
      const stored = JSON.parse((await redis.get(`${prefix}media:${media.id}`)) ?? 'null') as {
        alt?: string;
      };
      expect(stored.alt).toBe('A blue square');
    } finally {
      redis.disconnect();
    }
    const described = await fetch(`${app.url}/api/media/${media.id}`);
    expect(((await described.json()) as { media: MediaObject }).media.id).toBe(media.id);
  });

  it('refuses a non-image with invalid', async () => {
    const res = await upload('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', {
      alt: 'x',
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('invalid');
    const text = await upload('just some text, not a picture', { alt: 'x' });
    expect(text.body.error?.code).toBe('invalid');
  });

  it('refuses an upload without alt text with invalid', async () => {
    const png = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    const res = await upload(png, {});
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('invalid');
  });

  it('refuses too many bytes and too many pixels with too_large', async () => {
    const big = await upload(Buffer.alloc(MAX_BYTES + 1, 1), { alt: 'x' });
    expect(big.status).toBe(413);
    expect(big.body.error?.code).toBe('too_large');
    // 3000×3000 = 9 megapixels, over the 4 set here, in a few kilobytes of PNG.
    const wide = await sharp({ create: { width: 3000, height: 3000, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    expect(wide.length).toBeLessThan(MAX_BYTES);
    const res = await upload(wide, { alt: 'x' });
    expect(res.status).toBe(413);
    expect(res.body.error?.code).toBe('too_large');
  });

  it('refuses an upload without a valid editor token with 401', async () => {
    const png = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    expect((await upload(png, { alt: 'x' }, null)).status).toBe(401);
    expect((await upload(png, { alt: 'x' }, 'not-a-token-at-all')).status).toBe(401);
  });

  it('answers 404 for an unknown media id or variant', async () => {
    expect((await fetch(`${app.url}/media/01HSABCDEFGHJKMNPQRSTVWXYZ/480.jpg`)).status).toBe(404);
    expect((await fetch(`${app.url}/media/..%2F..%2Fpackage.json/480.jpg`)).status).toBe(404);
    expect((await fetch(`${app.url}/media/01HSABCDEFGHJKMNPQRSTVWXYZ/480.svg`)).status).toBe(404);
  });
});

describe('photos in entries', () => {
  it('places an uploaded photo by id, escapes a hostile alt and caption, and keeps it when another entry is deleted', async () => {
    const png = await sharp({ create: { width: 1000, height: 500, channels: 3, background: '#0a0' } })
      .png()
      .toBuffer();
    const hostile = '"><img src=x onerror=alert(1)><script>alert(2)</script>';
    const up = await upload(png, { alt: hostile, caption: hostile, credit: '<b>AP</b>' });
    expect(up.status).toBe(201);
    const media = up.body.media as MediaObject;
    const blogId = uniqueId('media-blog');
    expect((await editorJson('PUT', `/api/blogs/${blogId}`, { title: 'Media' })).status).toBe(201);
    const first = await editorJson('POST', `/api/blogs/${blogId}/entries`, {
      body: `Look:\n\n${media.markdown}`,
    });
    expect(first.status).toBe(201);
    const entry = (first.body as { entry: Entry }).entry;
    expect(entry.html).toContain('<figure class="lb-photo"><picture><source type="image/webp"');
    expect(entry.html).toContain(
      `srcset="/media/${media.id}/480.jpg 480w, /media/${media.id}/960.jpg 960w, /media/${media.id}/1000.jpg 1000w"`,
    );
    expect(entry.html).toContain('width="1000" height="500"');
    expect(entry.html).toContain('loading="lazy" decoding="async"');
    expect(entry.html).not.toContain('<script');
    expect(entry.html).not.toContain('<img src=x');
    expect(entry.html).toContain('&lt;b&gt;AP&lt;/b&gt;');
    const second = await editorJson('POST', `/api/blogs/${blogId}/entries`, { body: media.markdown });
    const secondId = (second.body as { entry: Entry }).entry.id;
    const del = await fetch(`${app.url}/api/blogs/${blogId}/entries/${secondId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${EDITOR_TOKEN}` },
    });
    expect(del.status).toBe(204);
    expect((await fetch(`${app.url}/media/${media.id}/480.webp`)).status).toBe(200);
    const page = await (await fetch(`${app.url}/blogs/${blogId}`)).text();
    expect(page).toContain(`src="/media/${media.id}/960.jpg"`);
    expect(page).toMatch(
      /<meta property="og:image" content="http:\/\/127\.0\.0\.1:\d+\/media\/[0-9A-Z]{26}\/1000\.jpg"/,
    );
  });

  it('refuses a reference to media that does not exist, and never loads an external image', async () => {
    const blogId = uniqueId('media-blog');
    await editorJson('PUT', `/api/blogs/${blogId}`, { title: 'Media' });
    const unknown = await editorJson('POST', `/api/blogs/${blogId}/entries`, {
      body: '![x](media:01HSABCDEFGHJKMNPQRSTVWXYZ)',
    });
    expect(unknown.status).toBe(400);
    const external = await editorJson('POST', `/api/blogs/${blogId}/entries`, {
      body: '![tracker](https://evil.example/pixel.gif)',
    });
    const html = (external.body as { entry: Entry }).entry.html;
    expect(html).not.toContain('<img');
    expect(html).toContain('<a href="https://evil.example/pixel.gif"');
  });

  it('turns a YouTube URL into a click-to-load placeholder that links to the video', async () => {
    const blogId = uniqueId('media-blog');
    await editorJson('PUT', `/api/blogs/${blogId}`, { title: 'Media' });
    const res = await editorJson('POST', `/api/blogs/${blogId}/entries`, {
      body: '[WATCH: Rival Protesters Clash In Donetsk](https://youtu.be/dQw4w9WgXcQ)',
    });
    const html = (res.body as { entry: Entry }).entry.html;
    expect(html).toBe(
      '<figure class="lb-video"><figcaption>WATCH: Rival Protesters Clash In Donetsk</figcaption><a class="lb-video-play" href="https://www.youtube.com/watch?v=dQw4w9WgXcQ" rel="noopener noreferrer nofollow">Play video on YouTube</a></figure>',
    );
    const page = await fetch(`${app.url}/blogs/${blogId}`);
    expect(page.headers.get('content-security-policy')).toContain(
      'frame-src https://www.youtube-nocookie.com https://player.vimeo.com',
    );
  });
});

describe('two instances on one Redis and one S3-compatible bucket', () => {
  it('a photo uploaded through one instance is placed and served by the other', async () => {
    const s3 = await startLocalS3();
    const shared = `${uniqueId('media-two')}:`;
    const env = {
      MEDIA_S3_BUCKET: s3.bucket,
      MEDIA_S3_ENDPOINT: s3.endpoint,
      MEDIA_S3_ACCESS_KEY_ID: s3.accessKeyId,
      MEDIA_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      // No local directory is used: a write there would fail.
      MEDIA_DIR: '/nonexistent/liveblog-media',
    };
    const a = await startApp({ redisUrl: inject('redisUrl'), prefix: shared, env });
    const b = await startApp({ redisUrl: inject('redisUrl'), prefix: shared, env });
    try {
      const png = await sharp({ create: { width: 600, height: 400, channels: 3, background: '#933' } })
        .png()
        .toBuffer();
      const res = await fetch(`${a.url}/api/media?alt=Red`, {
        method: 'POST',
        headers: { authorization: `Bearer ${EDITOR_TOKEN}` },
        body: new Uint8Array(png),
      });
      expect(res.status).toBe(201);
      const media = ((await res.json()) as { media: MediaObject }).media;
      const blogId = uniqueId('media-two');
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${EDITOR_TOKEN}` };
      await fetch(`${b.url}/api/blogs/${blogId}`, {
        method: 'PUT',
        headers,
        body: JSON.stringify({ title: 'T' }),
      });
      const posted = await fetch(`${b.url}/api/blogs/${blogId}/entries`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ body: media.markdown }),
      });
      expect(posted.status).toBe(201);
      expect(((await posted.json()) as { entry: Entry }).entry.html).toContain(`/media/${media.id}/600.jpg`);
      const served = await fetch(`${b.url}/media/${media.id}/600.webp`);
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('image/webp');
      expect((await sharp(Buffer.from(await served.arrayBuffer())).metadata()).width).toBe(600);
    } finally {
      await a.stop();
      await b.stop();
      await s3.stop();
    }
  });
});
