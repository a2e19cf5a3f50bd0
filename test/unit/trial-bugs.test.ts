/**
 * Issue 9, "What the trial found", as far as the server-rendered page shows it: each test was written
 * before its fix and failed on the code before it.
 */
import { describe, expect, it } from 'vitest';
import { renderBlogPage } from '../../src/http/pages.js';
import type { Blog, BlogPage, Entry } from '../../src/schema.js';
import { entryHtml } from '../../src/shared/presentation.js';

const ORIGIN = 'https://live.example.org';
const PAGE = `${ORIGIN}/blogs/crisis`;

function entry(n: number, overrides: Partial<Entry> = {}): Entry {
  const at = new Date(Date.UTC(2014, 2, 14, 9, n)).toISOString();
  return {
    id: `01HS00000000000000000000${String(n).padStart(2, '0')}`,
    blogId: 'crisis',
    body: `Update number ${n}`,
    html: `<p>Update number ${n}</p>`,
    author: { id: 'alice', name: 'Alice' },
    keyEvent: false,
    pinned: false,
    createdAt: at,
    updatedAt: at,
    version: 1,
    corrections: [],
    verification: null,
    ...overrides,
  };
}

function blog(overrides: Partial<Blog> = {}): Blog {
  return {
    id: 'crisis',
    title: 'Crisis in Ukraine',
    description: '',
    status: 'live',
    summary: '',
    summaryHtml: '',
    language: 'en',
    timeZone: 'UTC',
    createdAt: '2014-03-14T08:00:00.000Z',
    updatedAt: '2014-03-14T08:00:00.000Z',
    ...overrides,
  };
}

function page(entries: Entry[], b: Blog = blog()): string {
  const data: BlogPage = {
    blog: b,
    entries,
    pinned: null,
    hasMore: false,
    cursor: 'c',
    seq: entries.length + 1,
  };
  return renderBlogPage({ origin: ORIGIN }, data);
}

describe('tab order', () => {
  it('gives each entry one link to its own URL, not two', () => {
    const e = entry(1);
    const html = entryHtml(e, PAGE);
    const links = [...html.matchAll(/<a [^>]*href="([^"]*)"/g)].map((m) => m[1] ?? '');
    const toEntry = links.filter((href) => href.endsWith(`#entry-${e.id}`));
    expect(toEntry).toHaveLength(1);
  });

  it('puts the first entry before the key-event links in the document (and so in tab order)', () => {
    const entries = [entry(1, { keyEvent: true, headline: 'Talks begin' }), entry(2), entry(3)];
    const html = page(entries);
    const firstEntry = html.indexOf('<li class="entry');
    const firstKeyEventLink = html.indexOf('data-entry-id=');
    expect(firstEntry).toBeGreaterThan(0);
    expect(firstKeyEventLink).toBeGreaterThan(0);
    expect(firstEntry).toBeLessThan(firstKeyEventLink);
  });
});

describe('og:description of a blog without a description', () => {
  it('does not repeat the newest entry (a passing update) but names the blog', () => {
    const html = page([entry(1), entry(2)]);
    const og = /<meta property="og:description" content="([^"]*)">/.exec(html)?.[1];
    expect(og).toBe('Live updates: Crisis in Ukraine');
    expect(og).not.toContain('Update number');
  });

  it('keeps the description when there is one', () => {
    const html = page([entry(1)], blog({ description: 'Talks in London' }));
    expect(html).toContain('<meta property="og:description" content="Talks in London">');
  });
});
