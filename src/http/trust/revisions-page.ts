/** GET /blogs/:blogId/entries/:entryId/revisions: an entry's published versions, oldest first, for people. */
import type { Blog, Revision } from '../../schema.js';
import { escapeHtml } from '../../shared/escape-html.js';
import { utcDateTime } from '../../shared/presentation.js';
import { TRUST_TEXT } from '../../shared/trust-text.js';
import { layout, type PageContext } from '../pages.js';

export function renderRevisionsPage(
  ctx: PageContext,
  blog: Blog,
  entryId: string,
  revisions: Revision[],
): string {
  const blogPath = `/blogs/${encodeURIComponent(blog.id)}`;
  const items = revisions
    .map(
      (r) => `<li class="revision" id="version-${r.version}">
<p class="revision-meta">${TRUST_TEXT.revisionVersion} ${r.version} · <time datetime="${escapeHtml(r.at)}">${escapeHtml(utcDateTime(r.at))}</time> ${TRUST_TEXT.revisionBy} ${escapeHtml(r.editor.name)}</p>
${r.correction ? `<p class="revision-correction"><strong>${TRUST_TEXT.correctionPrefix}:</strong> ${escapeHtml(r.correction)}</p>\n` : ''}${r.headline ? `<h3 class="entry-headline">${escapeHtml(r.headline)}</h3>\n` : ''}<div class="entry-body">${r.html}</div>
</li>`,
    )
    .join('\n');
  return layout({
    ctx,
    title: `${TRUST_TEXT.revisionsTitle} — ${blog.title}`,
    bodyClass: 'revisions',
    head: '\n<meta name="robots" content="noindex">',
    main: `<h1>${TRUST_TEXT.revisionsTitle}</h1>
<p><a href="${escapeHtml(`${blogPath}#entry-${entryId}`)}">${TRUST_TEXT.backToBlog}: ${escapeHtml(blog.title)}</a> · <a href="${escapeHtml(`/api${blogPath}/entries/${encodeURIComponent(entryId)}/revisions`)}">JSON</a></p>
<ol class="revisions-list">
${items}
</ol>`,
  });
}
