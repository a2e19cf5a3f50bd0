/**
 * The reader page's schema.org `LiveBlogPosting` (SPEC §7). Pure and DOM-free, so the server renders it
 * into the page and the browser client rebuilds it on every change from the same code; each side passes
 * its own HTML → plain-text function.
 */
import type { Blog, Entry } from '../schema.js';
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
  posting['liveBlogUpdate'] = ordered.map((entry) => {
    const articleBody = toPlainText(entry.html);
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

/** JSON for a data `<script>` block: `<` becomes \u003c, so nothing inside can close the element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}
