/** The "Key events" box: every key event of the blog, newest first, each a link that jumps to it. */
import type { Entry, LiveEvent } from '../../src/schema.js';
import { htmlToPlainText } from '../lib/dom.js';
import { entryHeadline } from '../../src/shared/jsonld.js';
import { keyEventHtml, newestFirst } from '../../src/shared/presentation.js';
import { refreshTimes } from '../lib/time.js';
import type { PageLocale } from '../../src/shared/i18n/index.js';
import { fromHtml } from './markup.js';

export class KeyEvents {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly box: HTMLElement,
    private readonly list: HTMLOListElement,
    private readonly locale: PageLocale,
    private readonly jumpTo: (entryId: string) => void,
  ) {
    list.addEventListener('click', (event) => {
      const link = (event.target as Element | null)?.closest<HTMLAnchorElement>('a[data-entry-id]');
      const id = link?.dataset['entryId'];
      if (!id) return;
      event.preventDefault();
      this.jumpTo(id);
    });
  }

  /** Replaces the list (the answer of `entries` with `keyEvents: true`, plus what the feed knows). */
  reset(entries: Entry[]): void {
    this.entries.clear();
    this.merge(entries);
  }

  merge(entries: Entry[]): void {
    for (const entry of entries) {
      if (entry.keyEvent) this.entries.set(entry.id, entry);
      else this.entries.delete(entry.id);
    }
    this.render();
  }

  apply(event: LiveEvent): void {
    if (event.type === 'entry.created' || event.type === 'entry.updated') this.merge([event.entry]);
    else if (event.type === 'entry.deleted' && this.entries.delete(event.entryId)) this.render();
  }

  private render(): void {
    const sorted = [...this.entries.values()].sort(newestFirst);
    const items = sorted.map((entry) =>
      keyEventHtml(entry, entryHeadline(entry, htmlToPlainText(entry.html)), this.locale),
    );
    this.list.replaceChildren(fromHtml(items.join('')));
    refreshTimes(this.list, Date.now(), this.locale);
    this.box.hidden = sorted.length === 0;
  }
}
