/**
 * The embed's short feed: the newest `limit` entries of the blog (or of its key events), kept by the
 * same events as the reader's feed and drawn with the same markup (entry-view.ts). Unlike the reader it
 * never holds new entries back: the frame grows to fit, so nothing the reader looks at moves under them.
 */
import type { Blog, Entry, LiveEvent } from '../../src/schema.js';
import { newestFirst } from '../../src/shared/presentation.js';
import { renderKeyedList, type RenderedNodes } from '../lib/keyed-list.js';
import { buildEntry } from '../reader/entry-view.js';

export type EmbedMode = 'all' | 'key-events';

export interface EmbedFeedOptions {
  mode: EmbedMode;
  limit: number;
  /** The blog's full page: permalinks point there. */
  pageUrl: string;
  /** The blog: its language and time zone (SPEC §9) write the times, as on the full page. */
  blog: Pick<Blog, 'language' | 'timeZone'>;
}

export class EmbedFeed {
  private readonly entries = new Map<string, Entry>();
  private readonly rendered: RenderedNodes = new Map();

  constructor(
    private readonly list: HTMLOListElement,
    private readonly empty: HTMLElement,
    private readonly options: EmbedFeedOptions,
    initial: Entry[],
  ) {
    // Adopt the server-rendered entries: a node whose version matches is kept as it is.
    for (const node of Array.from(list.querySelectorAll<HTMLLIElement>(':scope > li.entry'))) {
      this.rendered.set(node.id.replace(/^entry-/, ''), { node, version: Number(node.dataset['version']) });
    }
    this.replace(initial);
  }

  /** The entries shown, newest first. */
  shown(): Entry[] {
    return [...this.entries.values()].sort(newestFirst).slice(0, this.options.limit);
  }

  /** Everything known is replaced (a fresh snapshot, or the key events read anew). */
  replace(entries: Entry[]): void {
    this.entries.clear();
    for (const entry of entries) if (this.belongs(entry)) this.entries.set(entry.id, entry);
    this.render();
  }

  apply(event: LiveEvent): void {
    if (event.type === 'entry.created' || event.type === 'entry.updated') {
      // An entry that stops being a key event leaves a key-events embed.
      if (this.belongs(event.entry)) this.entries.set(event.entry.id, event.entry);
      else this.entries.delete(event.entry.id);
    } else if (event.type === 'entry.deleted') {
      this.entries.delete(event.entryId);
    } else {
      return;
    }
    this.trim();
    this.render();
  }

  private belongs(entry: Entry): boolean {
    return this.options.mode === 'all' || entry.keyEvent;
  }

  /**
   * Keeps a few more than are shown, so that a deletion among the shown ones lets the next one move up;
   * a fresh snapshot (on the next reconnect) fills up what deletions emptied.
   */
  private trim(): void {
    const keep = this.options.limit * 2;
    const sorted = [...this.entries.values()].sort(newestFirst);
    for (const entry of sorted.slice(keep)) this.entries.delete(entry.id);
  }

  private render(): void {
    const desired = this.shown();
    renderKeyedList(this.list, desired, this.rendered, (entry) =>
      buildEntry(entry, this.options.pageUrl, {
        language: this.options.blog.language,
        timeZone: this.options.blog.timeZone,
      }),
    );
    this.empty.hidden = desired.length > 0;
  }
}
