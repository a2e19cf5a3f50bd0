/**
 * One entry of the reader feed: the server page's own markup (entryHtml), so server-rendered and live
 * entries are the same nodes; then what needs JavaScript is switched on and times are made local.
 */
import type { Entry } from '../../src/schema.js';
import { entryHtml } from '../../src/shared/presentation.js';
import { refreshTimes } from '../lib/time.js';
import { fromHtml } from './markup.js';

export function buildEntry(entry: Entry, pageUrl: string): HTMLLIElement {
  const item = fromHtml(entryHtml(entry, pageUrl)).firstElementChild;
  if (!(item instanceof HTMLLIElement)) throw new Error('entryHtml did not render one <li>');
  // Copying needs JavaScript, so the markup starts it hidden (as reader.ts does for the server's entries).
  for (const button of Array.from(item.querySelectorAll<HTMLButtonElement>('button.copy-link')))
    button.hidden = false;
  refreshTimes(item);
  return item;
}
