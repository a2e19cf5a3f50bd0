/**
 * The photos and videos in an entry's rendered `html` (as src/render.ts writes them), for JSON-LD
 * `image` / `video` and OpenGraph `og:image`. Pure and DOM-free: the server page and the browser client
 * both call it. Reading our own sanitised markup, not arbitrary HTML.
 */
import { parseVideoUrl, type VideoRef } from './embeds.js';

export interface EntryPhoto {
  /** Same-origin path of the largest JPEG variant. */
  src: string;
  width: number;
  height: number;
  alt: string;
  caption: string;
}

export interface EntryVideo {
  video: VideoRef;
  title: string;
}

function unescape(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

function attr(tag: string, name: string): string | undefined {
  const value = new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
  return value === undefined ? undefined : unescape(value);
}

export function photosIn(html: string): EntryPhoto[] {
  const photos: EntryPhoto[] = [];
  for (const figure of html.matchAll(/<figure class="lb-photo">([\s\S]*?)<\/figure>/g)) {
    const inner = figure[1] ?? '';
    const img = /<img\s[^>]*>/.exec(inner)?.[0];
    if (!img) continue;
    const candidates = (attr(img, 'srcset') ?? '').split(',').map((c) => c.trim().split(/\s+/)[0] ?? '');
    const src = candidates[candidates.length - 1] || attr(img, 'src');
    if (!src) continue;
    photos.push({
      src,
      width: Number(attr(img, 'width') ?? 0),
      height: Number(attr(img, 'height') ?? 0),
      alt: attr(img, 'alt') ?? '',
      caption: unescape(/<figcaption>([\s\S]*?)<\/figcaption>/.exec(inner)?.[1] ?? ''),
    });
  }
  return photos;
}

export function videosIn(html: string): EntryVideo[] {
  const videos: EntryVideo[] = [];
  for (const m of html.matchAll(
    /<figure class="lb-video"><figcaption>([\s\S]*?)<\/figcaption><a class="lb-video-play" href="([^"]*)"/g,
  )) {
    const video = parseVideoUrl(unescape(m[2] ?? ''));
    if (video) videos.push({ video, title: unescape(m[1] ?? '') });
  }
  return videos;
}
