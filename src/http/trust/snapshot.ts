/**
 * `snapshot.html` (SPEC §10): the whole blog in one file to save and pass on where the site is blocked.
 * Self-contained: inline CSS, no script, nothing a browser would load from anywhere (no stylesheet,
 * icon, font or image URL — an image becomes its alt text), only plain links a reader may follow.
 * Small and readable on a phone: system fonts, one column, a few hundred bytes of CSS.
 */
import type { Blog, Entry } from '../../schema.js';
import { escapeHtml } from '../../shared/escape-html.js';
import { correctionsHtml, utcDateTime } from '../../shared/presentation.js';
import {
  t,
  textDirection,
  verificationText,
  type MessageKey,
  type PageLocale,
} from '../../shared/i18n/index.js';

const CSS = `:root{color-scheme:light dark;--fg:#1b1b1b;--bg:#fff;--muted:#5c5c5c;--line:#ddd;--key:#8a1c1c;--note:#fff6d6}
@media(prefers-color-scheme:dark){:root{--fg:#eee;--bg:#141414;--muted:#aaa;--line:#333;--key:#f08a8a;--note:#3a3320}}
body{margin:0 auto;max-width:42rem;padding:1rem;font:1.05rem/1.55 system-ui,sans-serif;color:var(--fg);background:var(--bg);overflow-wrap:anywhere}
h1{font-size:1.5rem;line-height:1.25;margin:.2em 0}h2{font-size:1.15rem}h3{font-size:1.05rem;margin:.2em 0}
.made,.meta,.by{color:var(--muted);font-size:.9rem}.summary{border:1px solid var(--line);border-radius:6px;padding:0 1rem;margin:1rem 0}
ol{list-style:none;padding:0;margin:0}li.e{border-top:1px solid var(--line);padding:.8rem 0}
.key .meta::before{content:"★ ";color:var(--key)}.v{font-weight:600;margin-inline-start:.5em}
.entry-corrections{background:var(--note);border-radius:4px;padding:.2rem .8rem;font-size:.95rem}.entry-corrections ul{padding:0;list-style:none}
blockquote{border-inline-start:3px solid var(--line);margin-inline-start:0;padding-inline-start:1rem}a{color:inherit}`;

/** `<img>` (should the sanitiser ever let one through) becomes its alt text: nothing to load. */
function withoutImages(html: string, lang: string): string {
  return html.replace(/<img\b[^>]*>/gi, (tag) => {
    const alt = /\balt\s*=\s*"([^"]*)"/i.exec(tag)?.[1] ?? '';
    return `<span class="img">[${escapeHtml(t(lang, 'imageRemoved'))}${alt ? `: ${alt}` : ''}]</span>`;
  });
}

function entryItem(entry: Entry, pageUrl: string, locale: PageLocale): string {
  const lang = locale.language;
  const label = verificationText(lang, entry.verification);
  const edited =
    entry.version > 1 ? ` · ${escapeHtml(t(lang, 'updatedAt', { time: utcDateTime(entry.updatedAt) }))}` : '';
  return `<li class="e${entry.keyEvent ? ' key' : ''}" id="entry-${escapeHtml(entry.id)}">
<p class="meta"><a href="${escapeHtml(`${pageUrl}#entry-${entry.id}`)}"><time datetime="${escapeHtml(entry.createdAt)}">${escapeHtml(utcDateTime(entry.createdAt))}</time></a>${edited}${label ? `<span class="v" data-verification="${escapeHtml(entry.verification ?? '')}">${escapeHtml(label)}</span>` : ''}</p>
${entry.headline ? `<h3>${escapeHtml(entry.headline)}</h3>\n` : ''}<div class="body">${withoutImages(entry.html, lang)}</div>
${correctionsHtml(entry, locale)}<p class="by">${escapeHtml(t(lang, 'byAuthor', { name: entry.author.name }))}</p>
</li>`;
}

/** The snapshot file: `entries` newest first, `madeAt` an ISO time. */
export function renderSnapshot(blog: Blog, entries: Entry[], pageUrl: string, madeAt: string): string {
  // The blog's words; every time in UTC, as the rest of the file (the saved copy may travel anywhere).
  const locale: PageLocale = { language: blog.language, timeZone: 'UTC' };
  const lang = locale.language;
  const say = (key: MessageKey): string => escapeHtml(t(lang, key));
  return `<!doctype html>
<html lang="${escapeHtml(lang)}" dir="${textDirection(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(blog.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(blog.title)}</h1>
${blog.description ? `<p>${escapeHtml(blog.description)}</p>\n` : ''}<p class="made">${say('snapshotMadeAt')} <time datetime="${escapeHtml(madeAt)}">${escapeHtml(utcDateTime(madeAt))}</time>. ${say('snapshotLive')}: <a href="${escapeHtml(pageUrl)}">${escapeHtml(pageUrl)}</a></p>
</header>
${blog.summaryHtml ? `<section class="summary"><h2>${say('whatWeKnow')}</h2>\n${withoutImages(blog.summaryHtml, lang)}</section>\n` : ''}<main>
<ol>
${entries.map((e) => entryItem(e, pageUrl, locale)).join('\n')}
</ol>
</main>
</body>
</html>
`;
}

/** `20261129T120000Z` for the file name. */
export function fileTimestamp(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
}
