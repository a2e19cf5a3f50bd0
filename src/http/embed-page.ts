/**
 * The embed page (GET /embed/:blogId, README "Embed"): a compact, live view of one blog for an iframe
 * on another site. Pure functions, like pages.ts: every string from data is escaped; entry.html goes in
 * as it is because the server sanitised it. The page's behaviour is /assets/embed-page.js.
 */
import { createHash } from 'node:crypto';
import type { Blog, Entry } from '../schema.js';
import { escapeHtml } from '../shared/escape-html.js';
import { jsonForScript } from '../shared/jsonld.js';
import { entryHtml } from '../shared/presentation.js';
import { textDirection } from '../shared/i18n/index.js';
import type { PageContext } from './pages.js';

export type EmbedMode = 'all' | 'key-events';
export type EmbedTheme = 'light' | 'dark' | 'auto';

export interface EmbedOptions {
  mode: EmbedMode;
  /** How many entries the embed shows, newest first. */
  limit: number;
  theme: EmbedTheme;
  /** The host's accent colour, `#rgb` or `#rrggbb` (validated by the route); undefined = liveblog's. */
  accent?: string | undefined;
}

/** What the server renders and hands to the embed client (the `liveblog-embed-state` data block). */
export interface EmbedState {
  blog: Blog;
  entries: Entry[];
  cursor: string;
  seq: number;
  mode: EmbedMode;
  limit: number;
  /** The blog's full page, where every link of the embed leads. */
  pageUrl: string;
}

export interface RenderedEmbed {
  html: string;
  /** CSP hashes (`sha256-…`) of the inline style blocks the page needs. */
  styleHashes: string[];
}

function accentStyle(accent: string | undefined): { tag: string; hashes: string[] } {
  if (!accent) return { tag: '', hashes: [] };
  // Specific enough to beat the light/dark variables of embed-style.css, whichever applies.
  const css = `:root:root:root{--accent:${accent}}`;
  const hash = `sha256-${createHash('sha256').update(css).digest('base64')}`;
  return { tag: `\n<style>${css}</style>`, hashes: [hash] };
}

function embedDocument(opts: {
  title: string;
  theme: EmbedTheme;
  head?: string;
  body: string;
  /** The blog's language (SPEC §9): `lang` and `dir` of the frame. Default English. */
  language?: string;
}): string {
  const lang = opts.language ?? 'en';
  // <base target="_blank">: every link opens a new tab (the iframe is sandboxed without top navigation).
  return `<!doctype html>
<html lang="${escapeHtml(lang)}" dir="${textDirection(lang)}" data-theme="${opts.theme}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(opts.title)}</title>
<base target="_blank">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/embed-style.css">${opts.head ?? ''}
<script src="/assets/embed-page.js" defer></script>
</head>
<body class="embed">
${opts.body}
</body>
</html>
`;
}

export function renderEmbedPage(ctx: PageContext, state: EmbedState, options: EmbedOptions): RenderedEmbed {
  const { blog, pageUrl } = state;
  const ended = blog.status === 'ended';
  const style = accentStyle(options.accent);
  const emptyText = state.mode === 'key-events' ? 'No key events yet.' : 'No updates yet.';
  const body = `<header class="embed-header">
<p class="blog-status" id="blog-status" data-status="${ended ? 'ended' : 'live'}">${ended ? 'Ended' : 'Live'}</p>
<h1 class="embed-title"><a id="blog-title" href="${escapeHtml(pageUrl)}" rel="noopener">${escapeHtml(blog.title)}</a></h1>
${state.mode === 'key-events' ? '<p class="embed-mode">Key events</p>\n' : ''}<p class="connection" id="connection-state" role="status" hidden></p>
</header>
<ol class="entries" id="feed" data-mode="${state.mode}">
${state.entries.map((e) => entryHtml(e, pageUrl, { language: state.blog.language, timeZone: state.blog.timeZone })).join('\n')}
</ol>
<p class="empty" id="feed-empty"${state.entries.length ? ' hidden' : ''}>${emptyText}</p>
<p class="embed-more"><a id="full-blog" href="${escapeHtml(pageUrl)}" target="_blank" rel="noopener">Follow the full live blog</a> <span class="embed-by">on ${escapeHtml(new URL(ctx.origin).host)}</span></p>`;
  return {
    html: embedDocument({
      title: blog.title,
      language: blog.language,
      theme: options.theme,
      head: `${style.tag}\n<script type="application/json" id="liveblog-embed-state">${jsonForScript(state)}</script>`,
      body,
    }),
    styleHashes: style.hashes,
  };
}

/**
 * The embed of a blog that does not exist: still frameable, so the host shows words, not an error; its
 * script only reports its height, so that the host's frame shrinks to the message.
 */
export function renderEmbedNotFound(theme: EmbedTheme): string {
  return embedDocument({
    title: 'Not found — liveblog',
    theme,
    body: '<p class="empty">There is no live blog here.</p>',
  });
}
