/**
 * The reader page's schema.org `LiveBlogPosting` (SPEC §7). Pure and DOM-free, so the server renders it
 * into the page and the browser client rebuilds it on every change from the same code; each side passes
 * its own HTML → plain-text function.
 */
import type { Blog, Entry } from '../schema.js';
import { photosIn, videosIn } from './entry-media.js';
import { newestFirst } from './presentation.js';

/** Longest derived headline (search engines cut longer ones). */
const DERIVED_HEADLINE_MAX_CHARS = 110;

export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The entry's headline, or the first line of its text. */
export function entryHeadline(entry: Entry, plain: string): string {
  return entry.headline || truncate(plain.split('\n')[0] ?? '', DERIVED_HEADLINE_MAX_CHARS);
}

export function buildLiveBlogPosting(
  blog: Blog,
  entries: Entry[],
  pageUrl: string,
  toPlainText: (html: string) => string,
): Record<string, unknown> {
  const ordered = [...entries].sort(newestFirst);
  let modified = blog.updatedAt;
  for (const entry of entries) if (entry.updatedAt > modified) modified = entry.updatedAt;
  const posting: Record<string, unknown> = {
    '@context': 'https://schema.org',
    '@type': 'LiveBlogPosting',
    '@id': pageUrl,
    url: pageUrl,
    headline: blog.title,
    description: blog.description,
    datePublished: blog.createdAt,
    dateModified: modified,
    coverageStartTime: blog.createdAt,
  };
  if (blog.status === 'ended') posting['coverageEndTime'] = blog.updatedAt;
  const origin = new URL(pageUrl).origin;
  posting['liveBlogUpdate'] = ordered.map((entry) => {
    const articleBody = toPlainText(entry.html);
    return {
      ...mediaOf(entry, origin),
      '@type': 'BlogPosting',
      headline: entryHeadline(entry, articleBody),
      articleBody,
      datePublished: entry.createdAt,
      dateModified: entry.updatedAt,
      author: { '@type': 'Person', name: entry.author.name },
      url: `${pageUrl}#entry-${entry.id}`,
    };
  });
  return posting;
}

/** schema.org `image` (ImageObject) and `video` (VideoObject) of an entry that carries them. */
function mediaOf(entry: Entry, origin: string): Record<string, unknown> {
  const media: Record<string, unknown> = {};
  const images = photosIn(entry.html).map((p) => ({
    '@type': 'ImageObject',
    contentUrl: origin + p.src,
    url: origin + p.src,
    width: p.width,
    height: p.height,
    ...(p.caption ? { caption: p.caption } : {}),
    description: p.alt,
  }));
  const videos = videosIn(entry.html).map((v) => ({
    '@type': 'VideoObject',
    name: v.title,
    url: v.video.watchUrl,
    embedUrl: v.video.embedUrl.replace(/\?.*$/, ''),
    uploadDate: entry.createdAt,
  }));
  if (images.length > 0) media['image'] = images.length === 1 ? images[0] : images;
  if (videos.length > 0) media['video'] = videos.length === 1 ? videos[0] : videos;
  return media;
}

/** The newest entry's first photo, as an absolute URL (OpenGraph `og:image`); undefined without one. */
export function newestPhotoUrl(entries: readonly Entry[], origin: string): string | undefined {
  for (const entry of [...entries].sort(newestFirst)) {
    const photo = photosIn(entry.html)[0];
    if (photo) return origin + photo.src;
  }
  return undefined;
}

/** JSON for a data `<script>` block: `<` becomes \u003c, so nothing inside can close the element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}
