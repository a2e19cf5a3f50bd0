// Placeholder until the browser-client work lands; same signatures.
import type { Blog, Entry } from '../schema.js';

export interface PageContext {
  origin: string;
}

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export function renderIndexPage(_ctx: PageContext, blogs: Blog[]): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>liveblog</title></head><body><h1>Live blogs</h1><ul>${blogs
    .map((b) => `<li><a href="/blogs/${esc(b.id)}">${esc(b.title)}</a></li>`)
    .join('')}</ul></body></html>`;
}

export function renderBlogPage(
  _ctx: PageContext,
  data: { blog: Blog; entries: Entry[]; pinned: Entry | null; hasMore: boolean; cursor: string; seq: number },
): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(data.blog.title)}</title></head><body><h1>${esc(
    data.blog.title,
  )}</h1><ol>${data.entries
    .map((e) => `<li id="entry-${esc(e.id)}"><time datetime="${esc(e.createdAt)}">${esc(e.createdAt)}</time>${e.html}</li>`)
    .join('')}</ol></body></html>`;
}

export function renderConsolePage(_ctx: PageContext): string {
  return '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Console</title></head><body><h1>Editor console</h1><p>Coming soon.</p></body></html>';
}

export function renderNotFoundPage(_ctx: PageContext, message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found</title></head><body><h1>Not found</h1><p>${esc(message)}</p></body></html>`;
}
