/**
 * One entry of the reader feed, built with DOM APIs. The same markup as the server's (pages.ts), so the
 * client can adopt server-rendered entries. Only entry.html — already sanitised by the server — is
 * inserted as HTML; every other string goes in as text.
 */
import type { Entry } from '../../src/schema.js';
import { el } from '../lib/dom.js';
import { isEdited } from '../../src/shared/presentation.js';
import { refreshTimes } from '../lib/time.js';

export function buildEntry(entry: Entry, pageUrl: string): HTMLLIElement {
  const id = `entry-${entry.id}`;
  const permalink = `${pageUrl}#${id}`;
  const classes = ['entry'];
  if (entry.keyEvent) classes.push('key-event');
  if (entry.pinned) classes.push('pinned');

  const meta = el('div', { class: 'entry-meta' });
  if (entry.pinned) meta.append(el('span', { class: 'badge badge-pinned' }, 'Pinned'));
  if (entry.keyEvent) meta.append(el('span', { class: 'badge badge-key' }, 'Key event'));
  meta.append(
    el(
      'a',
      { class: 'entry-time', href: `#${id}` },
      el('time', { datetime: entry.createdAt, 'data-format': 'relative' }, entry.createdAt),
    ),
  );
  if (isEdited(entry)) {
    meta.append(
      el(
        'span',
        { class: 'entry-updated' },
        'Updated ',
        el('time', { datetime: entry.updatedAt, 'data-format': 'clock' }, entry.updatedAt),
      ),
    );
  }

  const body = el('div', { class: 'entry-body' });
  body.innerHTML = entry.html; // sanitised by the server (SPEC §2 `html`)

  const copy = el('button', { type: 'button', class: 'copy-link', 'data-url': permalink }, 'Copy link');
  const footer = el(
    'footer',
    { class: 'entry-footer' },
    el('span', { class: 'entry-author' }, `By ${entry.author.name}`),
    el('a', { class: 'permalink', href: permalink }, 'Permalink'),
    copy,
  );

  const article = el('article', { class: 'entry-article' }, meta);
  if (entry.headline) article.append(el('h3', { class: 'entry-headline' }, entry.headline));
  article.append(body, footer);

  const item = el(
    'li',
    { class: classes.join(' '), id, tabindex: '-1', 'data-version': String(entry.version) },
    article,
  );
  refreshTimes(item);
  return item;
}
