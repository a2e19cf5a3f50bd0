/**
 * The reader's running feed: a model of every known entry plus a keyed DOM reconciliation.
 * New entries are held back (behind the "N new updates" button) while the reader is scrolled down or
 * the tab is hidden, so the text being read never moves.
 */
import type { Blog, BlogPage, Entry, LiveEvent } from '../../src/schema.js';
import { prefersReducedMotion } from '../lib/dom.js';
import { isNewer, newestFirst } from '../../src/shared/presentation.js';
import { renderKeyedList, type RenderedNodes } from '../lib/keyed-list.js';
import { buildEntry } from './entry-view.js';
import { t, type PageLocale } from '../../src/shared/i18n/index.js';

export interface FeedElements {
  list: HTMLOListElement;
  newUpdates: HTMLButtonElement;
  loadOlder: HTMLButtonElement;
  /** "No updates yet.": shown only while the feed shows nothing. */
  empty: HTMLElement;
}

/** The part of the public snapshot (`BlogPage`) the feed shows. */
export type Snapshot = Pick<BlogPage, 'blog' | 'entries' | 'pinned' | 'hasMore'>;

export interface FeedCallbacks {
  /** Anything in the model changed (JSON-LD, key events…). */
  onChange(feed: Feed): void;
  onBlog(blog: Blog): void;
  /** `count` entries arrived; `held` says whether they wait behind the button. */
  onNewEntries(count: number, held: boolean): void;
}

/** How far (px) the list top may be above the viewport while the reader still counts as "at the top". */
const AT_TOP_TOLERANCE_PX = 8;

export class Feed {
  blog: Blog;
  hasMore: boolean;
  private readonly entries = new Map<string, Entry>();
  private readonly held = new Set<string>();
  /** The oldest entry loaded by paging; older entries are not shown until "load older" reaches them. */
  private boundary: Entry | null = null;
  private readonly rendered: RenderedNodes = new Map();
  private baseTitle: string;

  constructor(
    private readonly els: FeedElements,
    private readonly pageUrl: string,
    private readonly locale: PageLocale,
    snapshot: Snapshot,
    /** `oldest`: oldest first, new entries join at the end, so they never move what is being read. */
    private readonly order: 'newest' | 'oldest',
    private readonly callbacks: FeedCallbacks,
  ) {
    this.blog = snapshot.blog;
    this.hasMore = snapshot.hasMore;
    this.baseTitle = document.title;
    // Adopt the server-rendered entries: a node whose version matches is kept as it is.
    for (const node of Array.from(els.list.querySelectorAll<HTMLLIElement>(':scope > li.entry'))) {
      const id = node.id.replace(/^entry-/, '');
      this.rendered.set(id, { node, version: Number(node.dataset['version']) });
    }
    this.setSnapshot(snapshot);
    this.render();
  }

  /** Every known entry (not the held ones' order — the model), newest first. */
  all(): Entry[] {
    return [...this.entries.values()].sort(newestFirst);
  }

  get heldCount(): number {
    return this.held.size;
  }

  has(entryId: string): boolean {
    return this.rendered.has(entryId);
  }

  isHeld(entryId: string): boolean {
    return this.held.has(entryId);
  }

  /** The reader sees the top of the feed in a visible tab: new entries may appear directly. */
  isAtTop(): boolean {
    if (this.order === 'oldest') return true;
    if (document.visibilityState !== 'visible') return false;
    return this.els.list.getBoundingClientRect().top >= -AT_TOP_TOLERANCE_PX;
  }

  /** Replaces the whole feed with a fresh snapshot (after a resume was impossible). */
  replace(snapshot: Snapshot): void {
    const shown = this.visible()
      .filter((e) => !e.pinned)
      .sort(newestFirst);
    const newestShown = shown[0];
    const holdNew = this.held.size > 0 || !this.isAtTop();
    const before = new Set(this.entries.keys());
    this.setSnapshot(snapshot);
    let arrived = 0;
    for (const entry of this.entries.values()) {
      if (before.has(entry.id) && !this.held.has(entry.id)) continue;
      if (newestShown && !isNewer(entry, newestShown)) continue;
      if (!before.has(entry.id)) arrived++;
      if (holdNew) this.held.add(entry.id);
    }
    for (const id of this.held) if (!this.entries.has(id)) this.held.delete(id);
    this.callbacks.onBlog(this.blog);
    this.render();
    if (arrived > 0) this.callbacks.onNewEntries(arrived, holdNew);
    this.callbacks.onChange(this);
  }

  apply(event: LiveEvent): void {
    switch (event.type) {
      case 'entry.created': {
        const known = this.entries.has(event.entry.id);
        this.entries.set(event.entry.id, event.entry);
        if (!known) {
          const hold = this.held.size > 0 || !this.isAtTop();
          if (hold) this.held.add(event.entry.id);
          this.callbacks.onNewEntries(1, hold);
        }
        break;
      }
      case 'entry.updated':
        this.entries.set(event.entry.id, event.entry);
        break;
      case 'entry.deleted':
        this.entries.delete(event.entryId);
        this.held.delete(event.entryId);
        if (this.boundary?.id === event.entryId) this.boundary = this.oldestWithin() ?? null;
        break;
      case 'blog.updated':
        this.blog = event.blog;
        this.callbacks.onBlog(event.blog);
        break;
    }
    this.render();
    this.callbacks.onChange(this);
  }

  /** Shows the held entries; returns the newest of them (to move focus to). */
  revealHeld(): HTMLLIElement | null {
    const ids = [...this.held];
    this.held.clear();
    this.render();
    const first = ids
      .map((id) => this.entries.get(id))
      .filter((e): e is Entry => e !== undefined)
      .sort(newestFirst)[0];
    return first ? (this.rendered.get(first.id)?.node ?? null) : null;
  }

  /** The id to page back from (`entries` with `before`). */
  oldestId(): string | undefined {
    return this.oldestWithin()?.id;
  }

  addOlder(entries: Entry[], hasMore: boolean): void {
    for (const entry of entries) if (!this.entries.has(entry.id)) this.entries.set(entry.id, entry);
    this.hasMore = hasMore;
    const oldest = [...entries].sort(newestFirst).at(-1);
    if (!hasMore) this.boundary = null;
    else if (oldest && (!this.boundary || isNewer(this.boundary, oldest))) this.boundary = oldest;
    this.render();
    this.callbacks.onChange(this);
  }

  setTitleBase(title: string): void {
    this.baseTitle = title;
    this.renderCounter();
  }

  private setSnapshot(snapshot: Snapshot): void {
    this.blog = snapshot.blog;
    this.hasMore = snapshot.hasMore;
    this.entries.clear();
    for (const entry of snapshot.entries) this.entries.set(entry.id, entry);
    if (snapshot.pinned) this.entries.set(snapshot.pinned.id, snapshot.pinned);
    this.boundary = snapshot.hasMore ? ([...snapshot.entries].sort(newestFirst).at(-1) ?? null) : null;
  }

  private oldestWithin(): Entry | undefined {
    return this.all()
      .filter((e) => !this.boundary || !isNewer(this.boundary, e))
      .at(-1);
  }

  private pinnedEntry(): Entry | undefined {
    let pinned: Entry | undefined;
    for (const entry of this.entries.values()) {
      if (entry.pinned && (!pinned || entry.updatedAt > pinned.updatedAt)) pinned = entry;
    }
    return pinned;
  }

  private visible(): Entry[] {
    const pinned = this.pinnedEntry();
    const boundary = this.boundary;
    const list = [...this.entries.values()]
      .filter((e) => e !== pinned && !this.held.has(e.id) && (!boundary || !isNewer(boundary, e)))
      .sort(newestFirst);
    if (this.order === 'oldest') list.reverse();
    return pinned && !this.held.has(pinned.id) ? [pinned, ...list] : list;
  }

  private render(): void {
    const desired = this.visible();
    renderKeyedList(this.els.list, desired, this.rendered, (entry) =>
      buildEntry(entry, this.pageUrl, this.locale),
    );
    this.els.loadOlder.hidden = !this.hasMore;
    // Held entries wait behind the button, which says so; the feed is empty only with none at all.
    this.els.empty.hidden = desired.length > 0 || this.held.size > 0;
    this.renderCounter();
  }

  private renderCounter(): void {
    const n = this.held.size;
    this.els.newUpdates.hidden = n === 0;
    this.els.newUpdates.textContent = t(this.locale.language, 'newUpdates', { n });
    document.title = n > 0 ? `(${n}) ${this.baseTitle}` : this.baseTitle;
  }
}

export function scrollToEntry(node: HTMLElement): void {
  node.focus({ preventScroll: true });
  node.scrollIntoView({ behavior: prefersReducedMotion() ? 'auto' : 'smooth', block: 'start' });
}
