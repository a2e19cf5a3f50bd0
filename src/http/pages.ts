/**
 * Server-rendered HTML pages (SPEC §5, §7). Pure functions: data in, HTML string out. Every string from
 * data is escaped; the only markup inserted as is, is entry.html, which the server sanitised (render.ts).
 * The page's CSP forbids inline scripts and styles, so behaviour and looks come from /assets; the JSON
 * blocks below are data (`application/ld+json`, `application/json`), not scripts, with `<` escaped.
 */
import type { Blog, BlogPage, Entry } from '../schema.js';
import { escapeHtml } from '../shared/escape-html.js';
import {
  buildLiveBlogPosting,
  entryHeadline,
  jsonForScript,
  newestPhotoUrl,
  truncate,
} from '../shared/jsonld.js';
import { entryHtml, keyEventHtml, newestFirst } from '../shared/presentation.js';
import {
  t,
  textDirection,
  VERIFICATIONS,
  verificationText,
  type MessageKey,
  type PageLocale,
} from '../shared/i18n/index.js';
import { toPlainText } from '../render.js';

export interface PageContext {
  /** e.g. "http://127.0.0.1:3000", no trailing slash. */
  origin: string;
}

const DESCRIPTION_MAX_CHARS = 200;

function blogUrl(ctx: PageContext, blogId: string): string {
  return `${ctx.origin}/blogs/${encodeURIComponent(blogId)}`;
}

export function layout(opts: {
  ctx: PageContext;
  title: string;
  bodyClass: string;
  head?: string;
  script?: 'reader' | 'console';
  main: string;
  /** The page's language (BCP 47): `<html lang dir>` and the skip link follow it. Default English. */
  language?: string;
}): string {
  const script = opts.script ? `\n<script src="/assets/${opts.script}.js" defer></script>` : '';
  const lang = opts.language ?? 'en';
  return `<!doctype html>
<html lang="${escapeHtml(lang)}" dir="${textDirection(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(opts.title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/style.css">${opts.head ?? ''}${script}
</head>
<body class="${opts.bodyClass}">
<a class="skip-link" href="#main">${escapeHtml(t(lang, 'skipToContent'))}</a>
<header class="site-header"><a class="site-name" href="/">liveblog</a></header>
<main id="main" tabindex="-1">
${opts.main}
</main>
</body>
</html>
`;
}

// ---- GET / -------------------------------------------------------------------------------------

export function renderIndexPage(ctx: PageContext, blogs: Blog[]): string {
  const items = blogs
    .map(
      (b) => `<li class="blog-card">
<a class="blog-card-title" href="/blogs/${escapeHtml(encodeURIComponent(b.id))}">${escapeHtml(b.title)}</a>
<span class="blog-status" data-status="${b.status === 'ended' ? 'ended' : 'live'}">${b.status === 'ended' ? 'Ended' : 'Live'}</span>
${b.description ? `<p>${escapeHtml(b.description)}</p>` : ''}
</li>`,
    )
    .join('\n');
  return layout({
    ctx,
    title: 'Live blogs',
    bodyClass: 'index',
    head: `\n<link rel="canonical" href="${escapeHtml(`${ctx.origin}/`)}">`,
    main: `<h1>Live blogs</h1>
${blogs.length ? `<ul class="blog-list">\n${items}\n</ul>` : '<p>No live blogs yet.</p>'}
<p class="console-link"><a href="/console">Editor console</a></p>`,
  });
}

/** `og:image` from the newest photo (README "Photos and video"); nothing when the blog has none. */
function ogImage(entries: readonly Entry[], pageUrl: string): string {
  const image = newestPhotoUrl(entries, new URL(pageUrl).origin);
  return image ? `<meta property="og:image" content="${escapeHtml(image)}">\n` : '';
}

// ---- GET /blogs/:blogId ------------------------------------------------------------------------

/** SPEC §10 reading order: `?order=oldest` reads top to bottom; the default stays newest first. */
export type FeedOrder = 'newest' | 'oldest';
/** Entries an oldest-first page shows at most (the newest this many, oldest first). */
export const OLDEST_ORDER_MAX_ENTRIES = 1000;

/**
 * An older page of the feed for readers without JavaScript (SPEC §9: `?before=<entryId>`): the entries
 * older than `before`, and whether more remain.
 */
export interface OlderPage {
  before: string;
  entries: BlogPage['entries'];
  hasMore: boolean;
}

function blogPath(blogId: string): string {
  return `/blogs/${encodeURIComponent(blogId)}`;
}

export function renderBlogPage(
  ctx: PageContext,
  data: BlogPage,
  older?: OlderPage,
  now: number = Date.now(),
  order: FeedOrder = 'newest',
): string {
  const { blog, pinned } = data;
  const locale: PageLocale = { language: blog.language, timeZone: blog.timeZone };
  const lang = blog.language;
  const url = blogUrl(ctx, blog.id);
  const rest = data.entries.filter((e) => e.id !== pinned?.id);
  if (order === 'oldest' && !older) rest.reverse();
  const newest = pinned ? [pinned, ...rest] : rest;
  const all = [...newest].sort(newestFirst);
  // The newest page shows the pinned entry on top; an older page shows its slice of the timeline.
  const shown = older ? older.entries : newest;
  const hasMore = older ? older.hasMore : data.hasMore;
  const keyEvents = all.filter((e) => e.keyEvent);
  const ended = blog.status === 'ended';
  // Not the newest entry's text: it changes by the minute and a share card would keep a passing update.
  const description = truncate(
    blog.description || t(lang, 'liveUpdatesAbout', { title: blog.title }),
    DESCRIPTION_MAX_CHARS,
  );
  const state = {
    blog,
    entries: data.entries,
    pinned,
    hasMore: data.hasMore,
    cursor: data.cursor,
    seq: data.seq,
  };

  const head = `
<meta name="description" content="${escapeHtml(description)}">
<link rel="canonical" href="${escapeHtml(url)}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="liveblog">
<meta property="og:title" content="${escapeHtml(blog.title)}">
<meta property="og:description" content="${escapeHtml(description)}">
<meta property="og:url" content="${escapeHtml(url)}">
<meta property="og:locale" content="${escapeHtml(lang.replace('-', '_'))}">
<meta property="article:published_time" content="${escapeHtml(blog.createdAt)}">
<meta property="article:modified_time" content="${escapeHtml(blog.updatedAt)}">
${ogImage(all, url)}<meta name="twitter:card" content="summary">
<link rel="alternate" type="application/atom+xml" title="${escapeHtml(`${blog.title} — ${t(lang, 'atomFeed')}`)}" href="${escapeHtml(`${url}/feed.atom`)}">
<link rel="alternate" type="application/atom+xml" title="${escapeHtml(`${blog.title} — ${t(lang, 'atomFeedKeyEvents')}`)}" href="${escapeHtml(`${url}/feed.atom?keyEvents=true`)}">
<script type="application/ld+json" id="liveblog-jsonld">${jsonForScript(buildLiveBlogPosting(blog, all, url, toPlainText))}</script>${older ? '\n<meta name="robots" content="noindex, follow">' : `\n<script type="application/json" id="liveblog-state">${jsonForScript(state)}</script>`}`;

  const keyEventItems = keyEvents
    .map((e) => keyEventHtml(e, entryHeadline(e, toPlainText(e.html)), locale, now))
    .join('\n');

  // Paging without JavaScript: plain links (the live client hides them and pages with "load older").
  const oldest = [...(older ? older.entries : data.entries)].sort(newestFirst).at(-1);
  const olderLink =
    hasMore && oldest
      ? `<a class="page-link" id="older-page" rel="next" href="${escapeHtml(`${blogPath(blog.id)}?before=${encodeURIComponent(oldest.id)}`)}">${escapeHtml(t(lang, 'olderPage'))}</a>`
      : '';
  const newestLink = older
    ? `<a class="page-link" id="newest-page" href="${escapeHtml(blogPath(blog.id))}">${escapeHtml(t(lang, 'newestPage'))}</a>`
    : '';
  const pageNav =
    olderLink || newestLink
      ? `<nav class="page-nav" id="page-nav" aria-label="${escapeHtml(t(lang, 'pageNavigation'))}">${newestLink}${olderLink}</nav>`
      : '';

  // The feed comes before the key-event box in the document, so keyboard users reach the first entry
  // first; on wide screens the box is laid out beside the feed (style.css).
  const main = `<div class="blog-layout">
<header class="blog-header">
<p class="blog-status" id="blog-status" data-status="${ended ? 'ended' : 'live'}">${escapeHtml(ended ? t(lang, 'statusEnded') : t(lang, 'statusLive'))}</p>
<h1 id="blog-title">${escapeHtml(blog.title)}</h1>
<p class="blog-description" id="blog-description"${blog.description ? '' : ' hidden'}>${escapeHtml(blog.description)}</p>
<p class="connection" id="connection-state" role="status" hidden></p>
<p class="feed-error" id="feed-error" role="alert"></p>
</header>
<section class="feed" aria-labelledby="feed-title">
<section class="summary" id="blog-summary" aria-labelledby="summary-title"${blog.summaryHtml ? '' : ' hidden'}>
<h2 id="summary-title">${escapeHtml(t(lang, 'whatWeKnow'))}</h2>
<div class="summary-body entry-body" id="blog-summary-body">${blog.summaryHtml}</div>
</section>
<h2 id="feed-title" class="visually-hidden">${escapeHtml(t(lang, 'updates'))}</h2>
${feedToolsHtml(blog.id, order, lang)}
<button type="button" class="new-updates" id="new-updates" hidden></button>
<ol class="entries" id="feed" data-order="${order}">
${shown.map((e) => entryHtml(e, url, locale, now)).join('\n')}
</ol>
<p class="empty" id="feed-empty"${shown.length ? ' hidden' : ''}>${escapeHtml(t(lang, 'noUpdates'))}</p>
<button type="button" class="load-older" id="load-older" hidden>${escapeHtml(t(lang, 'loadOlder'))}</button>
${pageNav}
</section>
<aside class="key-events" id="key-events" aria-labelledby="key-events-title"${keyEvents.length ? '' : ' hidden'}>
<h2 id="key-events-title">${escapeHtml(t(lang, 'keyEvents'))}</h2>
<ol class="key-events-list" id="key-events-list">
${keyEventItems}
</ol>
</aside>
<div class="visually-hidden" id="announcer" aria-live="polite" aria-atomic="true"></div>
</div>`;

  return layout({
    ctx,
    title: blog.title,
    bodyClass: 'reader',
    head,
    ...(older ? {} : { script: 'reader' as const }),
    main,
    language: lang,
  });
}

/** The reading-order toggle (kept in the URL, no cookie), the copy to save, and the feed. */
function feedToolsHtml(blogId: string, order: FeedOrder, lang: string): string {
  const say = (key: MessageKey): string => escapeHtml(t(lang, key));
  const base = `/blogs/${encodeURIComponent(blogId)}`;
  const option = (value: FeedOrder, label: string, href: string): string =>
    value === order
      ? `<strong aria-current="true">${label}</strong>`
      : `<a href="${escapeHtml(href)}" rel="nofollow">${label}</a>`;
  return `<nav class="feed-tools" id="feed-tools" aria-label="${say('readingOrder')}">
<span class="feed-order" id="feed-order">${option('newest', say('orderNewestFirst'), base)} · ${option('oldest', say('orderOldestFirst'), `${base}?order=oldest`)}</span>
<a class="save-copy" id="save-copy" href="${escapeHtml(`${base}/snapshot.html`)}" download title="${say('saveCopyHint')}">${say('saveCopy')}</a>
<a class="feed-link" href="${escapeHtml(`${base}/feed.atom`)}">${say('atomFeed')}</a>
</nav>`;
}

// ---- GET /console --------------------------------------------------------------------------------

function field(id: string, label: string, control: string, hint = ''): string {
  return `<div class="field">
<label for="${id}">${label}</label>${hint ? `\n<p class="hint" id="${id}-hint">${hint}</p>` : ''}
${control}
<p class="field-error" id="${id}-error" data-error-for="${id}"></p>
</div>`;
}

/** The console's photo upload (client/console/media-upload.ts): picker, drop or paste, then the texts. */
function mediaUploadHtml(): string {
  return `<div class="media-upload" id="media-upload">
<p class="media-drop" id="media-drop"><label for="media-file">Add a photo</label> <input type="file" id="media-file" accept="image/jpeg,image/png,image/webp,image/gif,image/avif,image/heif,image/tiff"> — or drop or paste one into the text.</p>
<fieldset class="media-details" id="media-details" hidden>
<legend>Photo <span id="media-name"></span></legend>
${field('media-alt', 'Alt text (required)', '<input id="media-alt" maxlength="500" aria-describedby="media-alt-hint media-alt-error">', 'What the photo shows, for readers who cannot see it.')}
${field('media-caption', 'Caption (optional)', '<input id="media-caption" maxlength="1000" aria-describedby="media-caption-error">')}
${field('media-credit', 'Credit (optional)', '<input id="media-credit" maxlength="200" aria-describedby="media-credit-error">')}
<p class="form-error" id="media-error" role="alert"></p>
<button type="button" id="media-insert">Upload and insert</button> <button type="button" class="secondary" id="media-cancel">Cancel</button>
</fieldset>
<p class="form-status" id="media-status" role="status"></p>
</div>`;
}

export function renderConsolePage(ctx: PageContext): string {
  const main = `<div class="console-layout">
<header class="console-header">
<h1>Editor console</h1>
<p class="connection" id="connection-state" role="status" hidden></p>
<button type="button" class="secondary" id="sign-out" hidden>Sign out</button>
</header>
<noscript><p class="notice">The editor console needs JavaScript.</p></noscript>

<section class="panel" id="signin" aria-labelledby="signin-title">
<h2 id="signin-title">Sign in</h2>
<form id="signin-form" novalidate>
${field('token', 'Editor token', '<input id="token" name="token" type="password" autocomplete="current-password" required aria-describedby="token-hint token-error">', 'Kept only in this tab (sessionStorage) until you sign out or close it.')}
<button type="submit">Sign in</button>
</form>
</section>

<div id="workspace" hidden>
<section class="panel" id="blog-panel" aria-labelledby="blog-panel-title">
<h2 id="blog-panel-title">Blog</h2>
<div class="blog-picker">
${field('blog-select', 'Choose a blog', '<select id="blog-select"><option value="">— choose —</option></select>')}
<p class="readers">Readers now: <output id="reader-count" aria-live="off">–</output></p>
<p><a id="open-reader" href="/" target="_blank" rel="noopener" hidden>Open the reader page</a></p>
</div>
<details id="blog-form-details">
<summary>Create a blog or change this one</summary>
<form id="blog-form" novalidate>
${field('blog-id', 'Id (slug)', '<input id="blog-id" name="id" required pattern="[a-z0-9][a-z0-9-]{0,63}" autocomplete="off" spellcheck="false" aria-describedby="blog-id-hint blog-id-error">', 'Lower-case letters, digits and "-", e.g. crisis-in-ukraine.')}
${field('blog-title', 'Title', '<input id="blog-title" name="title" required maxlength="200" aria-describedby="blog-title-error">')}
${field('blog-description', 'Description', '<textarea id="blog-description" name="description" rows="2" maxlength="2000" aria-describedby="blog-description-error"></textarea>')}
${field('blog-summary', t('en', 'whatWeKnow'), '<textarea id="blog-summary" name="summary" rows="5" maxlength="5000" aria-describedby="blog-summary-hint blog-summary-error"></textarea>', 'Shown to readers above the feed, live. Markdown, at most 5,000 characters; empty hides it.')}
${field('blog-language', 'Language of the reader page', '<input id="blog-language" name="language" maxlength="35" list="blog-language-list" placeholder="en" autocomplete="off" spellcheck="false" aria-describedby="blog-language-hint blog-language-error"><datalist id="blog-language-list"><option value="en">English</option><option value="ru">Русский</option><option value="uk">Українська</option><option value="fa">فارسی</option></datalist>', 'A BCP 47 tag: en, ru, uk, fa… Its words, dates and direction (right to left for fa, ar).')}
${field('blog-timeZone', 'Time zone of the clock times', '<input id="blog-timeZone" name="timeZone" maxlength="64" list="blog-timeZone-list" placeholder="UTC" autocomplete="off" spellcheck="false" aria-describedby="blog-timeZone-hint blog-timeZone-error"><datalist id="blog-timeZone-list"><option value="UTC"></option><option value="Europe/London"></option><option value="Europe/Kyiv"></option><option value="Europe/Moscow"></option><option value="Asia/Tehran"></option><option value="America/New_York"></option></datalist>', 'An IANA zone, e.g. Europe/Kyiv.')}
${field('blog-status', 'Status', '<select id="blog-status" name="status" aria-describedby="blog-status-error"><option value="live">Live</option><option value="ended">Ended</option></select>')}
<p class="form-error" id="blog-form-error" role="alert"></p>
<button type="submit">Save blog</button>
</form>
</details>
</section>

<section class="panel" id="compose-panel" aria-labelledby="compose-title" hidden>
<h2 id="compose-title">New entry</h2>
<form id="compose-form" novalidate>
${field('compose-headline', 'Headline (optional)', '<input id="compose-headline" name="headline" maxlength="200" aria-describedby="compose-headline-error">')}
${field('compose-body', 'Text', '<textarea id="compose-body" name="body" rows="7" required aria-describedby="compose-body-hint compose-body-error"></textarea>', 'Markdown: **bold**, *italic*, [link](https://…), "> " quotes, "- " lists. Ctrl+Enter or ⌘+Enter posts.')}
${mediaUploadHtml()}
<div class="preview-box"><p class="preview-label" id="compose-preview-label">Preview</p><div class="preview entry-body" id="compose-preview" aria-labelledby="compose-preview-label"></div></div>
<div class="toggles">
<label><input type="checkbox" id="compose-key" name="keyEvent"> Key event</label>
<label><input type="checkbox" id="compose-pinned" name="pinned"> Pin to top</label>
</div>
${field(
  'compose-verification',
  t('en', 'verificationLabel'),
  `<select id="compose-verification" name="verification" aria-describedby="compose-verification-error"><option value="">— none —</option>${VERIFICATIONS.map((v) => `<option value="${v}">${verificationText('en', v)}</option>`).join('')}</select>`,
)}
<p class="form-error" id="compose-error" role="alert"></p>
<p class="form-status" id="compose-status" role="status"></p>
<button type="submit" id="compose-submit">Post</button>
</form>
</section>

<section class="panel" id="desk-panel" aria-labelledby="desk-title" hidden>
<h2 id="desk-title">Drafts and review queue</h2>
<p class="hint" id="desk-role"></p>
<form id="draft-form" novalidate>
<input type="hidden" id="draft-id" value="">
${field('draft-headline', 'Headline (optional)', '<input id="draft-headline" name="headline" maxlength="200" aria-describedby="draft-headline-error">')}
${field('draft-body', 'Text', '<textarea id="draft-body" name="body" rows="5" required aria-describedby="draft-body-error"></textarea>')}
<div class="preview-box"><p class="preview-label" id="draft-preview-label">Preview</p><div class="preview entry-body" id="draft-preview" aria-labelledby="draft-preview-label"></div></div>
<label><input type="checkbox" id="draft-key" name="keyEvent"> Key event</label>
<p class="presence" id="draft-presence" role="status"></p>
<p class="form-error" id="draft-error" role="alert"></p>
<p class="form-status" id="draft-status" role="status"></p>
<div class="actions">
<button type="submit" id="draft-save" class="secondary">Save draft</button>
<button type="button" id="draft-submit">Submit for review</button>
<button type="button" id="draft-new" class="secondary">New draft</button>
</div>
</form>
<h3 id="draft-queue-title">Queue</h3>
<p class="hint" id="draft-queue-empty">No drafts.</p>
<ol class="admin-entries draft-queue" id="draft-queue" aria-labelledby="draft-queue-title"></ol>
</section>

<section class="panel" id="entries-panel" aria-labelledby="entries-title" hidden>
<h2 id="entries-title">Entries</h2>
<p class="form-error" id="entries-error" role="alert"></p>
<ol class="admin-entries" id="admin-entries"></ol>
<button type="button" class="secondary" id="admin-load-older" hidden>Load older entries</button>
</section>
</div>
</div>`;
  return layout({
    ctx,
    title: 'Editor console — liveblog',
    bodyClass: 'console',
    head: '\n<meta name="robots" content="noindex">',
    script: 'console',
    main,
  });
}

// ---- 404 -----------------------------------------------------------------------------------------

export function renderNotFoundPage(ctx: PageContext, message: string, heading = 'Not found'): string {
  return layout({
    ctx,
    title: `${heading} — liveblog`,
    bodyClass: 'not-found',
    head: '\n<meta name="robots" content="noindex">',
    main: `<h1>${escapeHtml(heading)}</h1>\n<p>${escapeHtml(message)}</p>\n<p><a href="/">See all live blogs</a></p>`,
  });
}
