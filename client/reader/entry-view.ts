/**
 * One entry of the reader feed: the server page's own markup (entryHtml), so server-rendered and live
 * entries are the same nodes; then what needs JavaScript is switched on and times are made local.
 */
import type { Entry } from '../../src/schema.js';
import { entryHtml } from '../../src/shared/presentation.js';
import { refreshTimes } from '../lib/time.js';
import type { PageLocale } from '../../src/shared/i18n/index.js';
import { fromHtml } from './markup.js';

export function buildEntry(entry: Entry, pageUrl: string, locale?: PageLocale): HTMLLIElement {
  const now = Date.now();
  const item = fromHtml(entryHtml(entry, pageUrl, locale, now)).firstElementChild;
  if (!(item instanceof HTMLLIElement)) throw new Error('entryHtml did not render one <li>');
  // Copying needs JavaScript, so the markup starts it hidden (as reader.ts does for the server's entries).
  for (const button of Array.from(item.querySelectorAll<HTMLButtonElement>('button.copy-link')))
    button.hidden = false;
  refreshTimes(item, now, locale);
  return item;
}
