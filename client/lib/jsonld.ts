/**
 * The page's JSON-LD LiveBlogPosting (schema.org), rebuilt by the client on every change.
 * Mirrors what src/http/pages.ts renders on the server.
 */
import type { Blog, Entry } from '../../src/schema.js';
import { htmlToPlainText } from './dom.js';

const HEADLINE_MAX_CHARS = 110;

export function entryHeadline(entry: Entry, plain: string): string {
  if (entry.headline) return entry.headline;
  const firstLine = plain.split('\n')[0] ?? '';
  return firstLine.length > HEADLINE_MAX_CHARS ? `${firstLine.slice(0, HEADLINE_MAX_CHARS - 1)}…` : firstLine;
}

export function buildLiveBlogPosting(blog: Blog, entries: Entry[], pageUrl: string): Record<string, unknown> {
  const newestFirst = [...entries].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
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
  posting['liveBlogUpdate'] = newestFirst.map((entry) => {
    const articleBody = htmlToPlainText(entry.html);
    return {
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

/** JSON for a `<script type="application/ld+json">` data block: `<` escaped so no tag can close it. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}
