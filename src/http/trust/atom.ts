/**
 * The blog's Atom 1.0 feed (SPEC §10, RFC 4287), built by hand: a few fixed elements whose every text
 * and attribute goes through xmlEscape, which also drops the characters XML 1.0 cannot carry. A feed
 * library (`feed`) would add a dependency for ~60 lines and still need our own permalinks and content.
 */
import type { Blog, Entry } from '../../schema.js';
import { escapeHtml } from '../../shared/escape-html.js';
import { entryHeadline } from '../../shared/jsonld.js';
import { correctionsHtml } from '../../shared/presentation.js';
import { t, verificationText } from '../../shared/i18n/index.js';

/** Entries in one feed (SPEC §10: the newest 50 published). */
export const FEED_ENTRIES_MAX = 50;

const NOT_XML =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Text for XML content and quoted attributes: escaped, without characters XML 1.0 forbids. */
export function xmlEscape(text: string): string {
  return text.replace(NOT_XML, '').replace(/[&<>"']/g, (c) => XML_ENTITIES[c] ?? c);
}

export interface AtomOptions {
  /** The blog page's absolute URL (no trailing slash). */
  pageUrl: string;
  /** This feed's own absolute URL. */
  selfUrl: string;
  keyEventsOnly: boolean;
  toPlainText: (html: string) => string;
}

/**
 * The entry's HTML content: its verification label, body and corrections, as the page shows them, in the
 * blog's language (times in UTC).
 */
function contentHtml(entry: Entry, language: string): string {
  const label = verificationText(language, entry.verification);
  return `${label ? `<p><strong>${escapeHtml(label)}</strong></p>` : ''}${entry.html}${correctionsHtml(entry, { language, timeZone: 'UTC' })}`;
}

export function renderAtom(blog: Blog, entries: Entry[], o: AtomOptions): string {
  const lang = blog.language;
  let updated = blog.updatedAt;
  for (const e of entries) if (e.updatedAt > updated) updated = e.updatedAt;
  const items = entries.map((e) => {
    const permalink = `${o.pageUrl}#entry-${e.id}`;
    return `<entry>
<id>${xmlEscape(permalink)}</id>
<title type="text">${xmlEscape(entryHeadline(e, o.toPlainText(e.html)))}</title>
<link rel="alternate" type="text/html" href="${xmlEscape(permalink)}"/>
<published>${xmlEscape(e.createdAt)}</published>
<updated>${xmlEscape(e.updatedAt)}</updated>
<author><name>${xmlEscape(e.author.name)}</name></author>${e.keyEvent ? `\n<category term="key-event" label="${xmlEscape(t(lang, 'keyEvent'))}"/>` : ''}
<content type="html">${xmlEscape(contentHtml(e, lang))}</content>
</entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<id>${xmlEscape(o.keyEventsOnly ? o.selfUrl : o.pageUrl)}</id>
<title type="text">${xmlEscape(o.keyEventsOnly ? t(lang, 'feedTitleKeyEvents', { title: blog.title }) : blog.title)}</title>${blog.description ? `\n<subtitle type="text">${xmlEscape(blog.description)}</subtitle>` : ''}
<updated>${xmlEscape(updated)}</updated>
<link rel="alternate" type="text/html" href="${xmlEscape(o.pageUrl)}"/>
<link rel="self" type="application/atom+xml" href="${xmlEscape(o.selfUrl)}"/>
<generator>liveblog</generator>
${items.join('\n')}
</feed>
`;
}
