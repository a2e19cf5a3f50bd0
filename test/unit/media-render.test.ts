/** Photos and video in the Markdown renderer, the video URL allowlist, and JSON-LD / og:image from them. */
import { describe, expect, it } from 'vitest';
import { mediaIdsIn, renderMarkdown, toPlainText, type RenderMedia } from '../../src/render.js';
import { parseVideoUrl } from '../../src/shared/embeds.js';
import { buildLiveBlogPosting, newestPhotoUrl } from '../../src/shared/jsonld.js';
import type { Blog, Entry } from '../../src/schema.js';

const ID = '01HSABCDEFGHJKMNPQRSTVWXYZ';
const PHOTO: RenderMedia = {
  id: ID,
  width: 1600,
  height: 1000,
  widths: [480, 960, 1600],
  alt: 'Stored alt',
  caption: 'Kerry and Lavrov are meeting in London',
  credit: 'AP',
};
const media = new Map([[ID, PHOTO]]);

describe('video URLs', () => {
  it('recognises YouTube and Vimeo forms and nothing else', () => {
    for (const url of [
      'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
      'https://youtu.be/dQw4w9WgXcQ',
      'https://m.youtube.com/shorts/dQw4w9WgXcQ',
      'https://www.youtube.com/embed/dQw4w9WgXcQ',
    ]) {
      expect(parseVideoUrl(url)?.embedUrl, url).toBe(
        'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1',
      );
    }
    expect(parseVideoUrl('https://vimeo.com/76979871')?.embedUrl).toBe(
      'https://player.vimeo.com/video/76979871?autoplay=1&dnt=1',
    );
    for (const url of [
      'https://evil.example/watch?v=dQw4w9WgXcQ',
      'https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ',
      'https://www.youtube.com/watch?v=dQw4w9WgXcQ"><script>',
      'javascript:alert(1)//youtube.com/watch?v=dQw4w9WgXcQ',
      'https://user:pw@www.youtube.com/watch?v=dQw4w9WgXcQ',
      'https://vimeo.com/channels/staffpicks',
    ]) {
      expect(parseVideoUrl(url), url).toBeNull();
    }
  });
});

describe('renderMarkdown with media', () => {
  it('lists the media ids a body refers to', () => {
    expect(
      mediaIdsIn(`a ![x](media:${ID}) b ![y](/media/${ID}/480.jpg) ![z](https://x.example/a.png)`),
    ).toEqual([ID]);
  });

  it('renders a photo alone in its paragraph as a figure with a picture, srcset, size and lazy loading', () => {
    const html = renderMarkdown(`![Two men](media:${ID})`, media);
    expect(html).toBe(
      `<figure class="lb-photo"><picture><source type="image/webp" srcset="/media/${ID}/480.webp 480w, /media/${ID}/960.webp 960w, /media/${ID}/1600.webp 1600w" sizes="(min-width: 48rem) 46rem, 100vw" />` +
        `<img src="/media/${ID}/960.jpg" srcset="/media/${ID}/480.jpg 480w, /media/${ID}/960.jpg 960w, /media/${ID}/1600.jpg 1600w" sizes="(min-width: 48rem) 46rem, 100vw" width="1600" height="1000" alt="Two men" loading="lazy" decoding="async" /></picture>` +
        `<figcaption>Kerry and Lavrov are meeting in London · AP</figcaption></figure>`,
    );
    expect(toPlainText(html)).toBe('Kerry and Lavrov are meeting in London · AP');
  });

  it('never loads an external image and never lets raw HTML images through', () => {
    expect(renderMarkdown('![t](https://tracker.example/p.gif)', media)).toBe(
      '<a href="https://tracker.example/p.gif" rel="noopener noreferrer nofollow">t</a>',
    );
    expect(
      renderMarkdown('<img src="https://tracker.example/p.gif" onerror="alert(1)">', media),
    ).not.toContain('<img');
    expect(renderMarkdown(`![x](javascript:alert(1))`, media)).not.toContain('href="javascript');
  });

  it('escapes hostile alt text, caption and credit', () => {
    const hostile = new Map([
      [ID, { ...PHOTO, caption: '<script>alert(1)</script>', credit: '" onload="x' }],
    ]);
    const html = renderMarkdown(`![a" onerror="alert(1)](media:${ID})`, hostile);
    expect(html).not.toContain('<script');
    expect(html).not.toMatch(/\sonerror="/);
    expect(html).toContain('alt="a&quot; onerror=&quot;alert(1)"');
    // Quotes in text content are text: no tag gains an onload attribute.
    expect(html).not.toMatch(/<[^>]*\sonload=/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('renders a video URL alone in its paragraph as a placeholder, and leaves one inside a sentence a link', () => {
    expect(renderMarkdown('https://vimeo.com/76979871')).toBe(
      '<figure class="lb-video"><figcaption>Video on Vimeo</figcaption><a class="lb-video-play" href="https://vimeo.com/76979871" rel="noopener noreferrer nofollow">Play video on Vimeo</a></figure>',
    );
    expect(renderMarkdown('see https://vimeo.com/76979871 now')).not.toContain('lb-video');
  });
});

describe('JSON-LD and og:image', () => {
  const blog: Blog = {
    id: 'b',
    title: 'B',
    description: '',
    status: 'live',
    summary: '',
    summaryHtml: '',
    language: 'en',
    timeZone: 'UTC',
    createdAt: '2014-03-14T09:00:00.000Z',
    updatedAt: '2014-03-14T09:00:00.000Z',
  };
  const entry = (id: string, body: string, at: string): Entry => ({
    id,
    blogId: 'b',
    body,
    html: renderMarkdown(body, media),
    author: { id: 'a', name: 'A' },
    keyEvent: false,
    pinned: false,
    createdAt: at,
    updatedAt: at,
    version: 1,
    corrections: [],
    verification: null,
  });

  it('gives a photo entry an ImageObject, a video entry a VideoObject, and og:image the newest photo', () => {
    const photo = entry('01A', `![x](media:${ID})`, '2014-03-14T10:00:00.000Z');
    const video = entry('01B', '[WATCH](https://youtu.be/dQw4w9WgXcQ)', '2014-03-14T11:00:00.000Z');
    const posting = buildLiveBlogPosting(
      blog,
      [photo, video],
      'https://live.example.org/blogs/b',
      toPlainText,
    );
    const [first, second] = posting['liveBlogUpdate'] as Record<string, unknown>[];
    expect(first?.['video']).toMatchObject({
      '@type': 'VideoObject',
      name: 'WATCH',
      embedUrl: 'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ',
    });
    expect(second?.['image']).toMatchObject({
      '@type': 'ImageObject',
      contentUrl: `https://live.example.org/media/${ID}/1600.jpg`,
      width: 1600,
      height: 1000,
      caption: 'Kerry and Lavrov are meeting in London · AP',
    });
    expect(newestPhotoUrl([photo, video], 'https://live.example.org')).toBe(
      `https://live.example.org/media/${ID}/1600.jpg`,
    );
    expect(newestPhotoUrl([video], 'https://live.example.org')).toBeUndefined();
  });
});
