/** GET /blogs/:blogId/entries/:entryId/revisions: an entry's published versions, oldest first, for people. */
import type { Blog, Revision } from '../../schema.js';
import { escapeHtml } from '../../shared/escape-html.js';
import { utcDateTime } from '../../shared/presentation.js';
import { t, type MessageKey } from '../../shared/i18n/index.js';
import { layout, type PageContext } from '../pages.js';

export function renderRevisionsPage(
  ctx: PageContext,
  blog: Blog,
  entryId: string,
  revisions: Revision[],
): string {
  const blogPath = `/blogs/${encodeURIComponent(blog.id)}`;
  const lang = blog.language;
  const say = (key: MessageKey, vars?: Record<string, string | number>): string =>
    escapeHtml(t(lang, key, vars));
  const items = revisions
    .map(
      (r) => `<li class="revision" id="version-${r.version}">
<p class="revision-meta">${say('revisionVersion', { n: r.version })} · <time datetime="${escapeHtml(r.at)}">${escapeHtml(utcDateTime(r.at))}</time> ${say('revisionBy', { name: r.editor.name })}</p>
${r.correction ? `<p class="revision-correction"><strong>${say('correction')}:</strong> ${escapeHtml(r.correction)}</p>\n` : ''}${r.headline ? `<h3 class="entry-headline">${escapeHtml(r.headline)}</h3>\n` : ''}<div class="entry-body">${r.html}</div>
</li>`,
    )
    .join('\n');
  return layout({
    ctx,
    title: `${t(lang, 'revisionsTitle')} — ${blog.title}`,
    bodyClass: 'revisions',
    head: '\n<meta name="robots" content="noindex">',
    main: `<h1>${say('revisionsTitle')}</h1>
<p><a href="${escapeHtml(`${blogPath}#entry-${entryId}`)}">${say('backToBlog')}: ${escapeHtml(blog.title)}</a> · <a href="${escapeHtml(`/api${blogPath}/entries/${encodeURIComponent(entryId)}/revisions`)}">JSON</a></p>
<ol class="revisions-list">
${items}
</ol>`,
    language: lang,
  });
}
