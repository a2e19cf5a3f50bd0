/**
 * The use cases. HTTP and Socket.IO both call these, so a write has the same validation, events and
 * idempotency whichever way it came. Payloads are validated here (zod), not in the transports.
 */
import { monotonicFactory } from 'ulid';
import { formatCursor, parseCursor } from './cursor.js';
import { AppError } from './errors.js';
import { renderMarkdown } from './render.js';
import {
  BlogIdSchema,
  BlogUpsertSchema,
  EntriesQuerySchema,
  EntryCreateSchema,
  EntryDeleteSchema,
  EntryUpdateSchema,
  PAGE_LIMIT_DEFAULT,
  type Author,
  type Blog,
  type BlogPage,
  type Entry,
  type LiveEvent,
} from './schema.js';
import type { Commit, CommitResult, Store } from './store/store.js';

export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/** Retries of an optimistic write that lost a race and did not ask for a specific version. */
const WRITE_ATTEMPTS_MAX = 8;

export type Editor = Author;

export interface LiveblogOptions {
  now?: () => number;
}

export class Liveblog {
  private readonly now: () => number;
  private readonly newId = monotonicFactory();
  private inFlight = 0;
  private drained: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    options: LiveblogOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  // ---- writes: the transport authenticated the editor; an edited entry keeps its original author -----

  upsertBlog(_editor: Editor, payload: unknown): Promise<{ blog: Blog; created: boolean }> {
    return this.track(() => this.upsertBlogNow(payload));
  }

  private async upsertBlogNow(payload: unknown): Promise<{ blog: Blog; created: boolean }> {
    const input = BlogUpsertSchema.parse(payload);
    for (let attempt = 0; ; attempt++) {
      const existing = await this.store.getBlog(input.id);
      const at = new Date(this.now()).toISOString();
      const blog: Blog = {
        id: input.id,
        title: input.title,
        description: input.description ?? existing?.description ?? '',
        status: input.status ?? existing?.status ?? 'live',
        createdAt: existing?.createdAt ?? at,
        updatedAt: at,
      };
      const result = await this.store.commit({
        blogId: blog.id,
        requireBlog: false,
        expect: [],
        putEntries: [],
        deleteEntries: [],
        putBlog: blog,
        events: [{ type: 'blog.updated', at, blog }],
      });
      if (result.status === 'ok') return { blog, created: !existing };
      if (attempt >= WRITE_ATTEMPTS_MAX) throw unexpected(result);
    }
  }

  createEntry(editor: Editor, payload: unknown): Promise<{ entry: Entry; duplicate: boolean }> {
    return this.track(() => this.createEntryNow(editor, payload));
  }

  private async createEntryNow(
    editor: Editor,
    payload: unknown,
  ): Promise<{ entry: Entry; duplicate: boolean }> {
    const input = EntryCreateSchema.parse(payload);
    for (let attempt = 0; ; attempt++) {
      const nowMs = this.now();
      const at = new Date(nowMs).toISOString();
      const entry: Entry = {
        id: this.newId(nowMs),
        blogId: input.blogId,
        ...(input.headline ? { headline: input.headline } : {}),
        body: input.body,
        html: renderMarkdown(input.body),
        author: { id: editor.id, name: editor.name },
        keyEvent: input.keyEvent ?? false,
        pinned: input.pinned ?? false,
        createdAt: at,
        updatedAt: at,
        version: 1,
      };
      const commit: Commit = {
        blogId: input.blogId,
        requireBlog: true,
        expect: [{ entryId: entry.id, version: 0 }],
        putEntries: [entry],
        deleteEntries: [],
        events: [],
        ...(input.idempotencyKey
          ? {
              idempotency: {
                key: `${editor.id}:${input.idempotencyKey}`,
                ttlSeconds: IDEMPOTENCY_TTL_SECONDS,
                entry,
              },
            }
          : {}),
      };
      if (entry.pinned) await this.unpinPrevious(commit, entry.id, at);
      commit.events.push({ type: 'entry.created', at, entry });
      const result = await this.store.commit(commit);
      if (result.status === 'ok') return { entry, duplicate: false };
      if (result.status === 'duplicate') return { entry: result.entry, duplicate: true };
      if (result.status === 'not_found')
        throw new AppError('not_found', `blog ${input.blogId} does not exist`);
      if (attempt >= WRITE_ATTEMPTS_MAX) throw unexpected(result);
    }
  }

  updateEntry(_editor: Editor, payload: unknown): Promise<Entry> {
    return this.track(() => this.updateEntryNow(payload));
  }

  private async updateEntryNow(payload: unknown): Promise<Entry> {
    const input = EntryUpdateSchema.parse(payload);
    for (let attempt = 0; ; attempt++) {
      const current = await this.store.getEntry(input.blogId, input.entryId);
      if (!current) throw new AppError('not_found', `entry ${input.entryId} does not exist`);
      if (input.version !== undefined && input.version !== current.version) {
        throw conflict(input.entryId, current.version);
      }
      const at = new Date(this.now()).toISOString();
      const { headline: _old, ...rest } = current;
      const headline = input.headline ?? current.headline;
      const entry: Entry = {
        ...rest,
        ...(headline ? { headline } : {}),
        ...(input.body !== undefined ? { body: input.body, html: renderMarkdown(input.body) } : {}),
        keyEvent: input.keyEvent ?? current.keyEvent,
        pinned: input.pinned ?? current.pinned,
        updatedAt: at,
        version: current.version + 1,
      };
      const commit: Commit = {
        blogId: input.blogId,
        requireBlog: true,
        expect: [{ entryId: entry.id, version: current.version }],
        putEntries: [],
        deleteEntries: [],
        events: [],
      };
      if (entry.pinned && !current.pinned) await this.unpinPrevious(commit, entry.id, at);
      if (!entry.pinned && current.pinned) {
        commit.expectPinned = entry.id;
        commit.setPinned = '';
      }
      commit.putEntries.push(entry);
      commit.events.push({ type: 'entry.updated', at, entry });
      const result = await this.store.commit(commit);
      if (result.status === 'ok') return entry;
      if (result.status === 'not_found')
        throw new AppError('not_found', `entry ${input.entryId} does not exist`);
      if (result.status === 'conflict' && input.version !== undefined && result.entryId === entry.id) {
        throw conflict(input.entryId);
      }
      if (attempt >= WRITE_ATTEMPTS_MAX) throw unexpected(result);
    }
  }

  deleteEntry(_editor: Editor, payload: unknown): Promise<void> {
    return this.track(() => this.deleteEntryNow(payload));
  }

  private async deleteEntryNow(payload: unknown): Promise<void> {
    const input = EntryDeleteSchema.parse(payload);
    for (let attempt = 0; ; attempt++) {
      const current = await this.store.getEntry(input.blogId, input.entryId);
      if (!current) throw new AppError('not_found', `entry ${input.entryId} does not exist`);
      const at = new Date(this.now()).toISOString();
      const result = await this.store.commit({
        blogId: input.blogId,
        requireBlog: true,
        expect: [{ entryId: current.id, version: current.version }],
        putEntries: [],
        deleteEntries: [current.id],
        ...(current.pinned ? { expectPinned: current.id, setPinned: '' } : {}),
        events: [{ type: 'entry.deleted', at, entryId: current.id }],
      });
      if (result.status === 'ok') return;
      if (result.status === 'not_found')
        throw new AppError('not_found', `entry ${input.entryId} does not exist`);
      if (attempt >= WRITE_ATTEMPTS_MAX) throw unexpected(result);
    }
  }

  /** Counts a write in flight, so shutdown can wait for it (an acknowledged write is never lost). */
  private async track<T>(write: () => Promise<T>): Promise<T> {
    this.inFlight += 1;
    try {
      return await write();
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) for (const resolve of this.drained.splice(0)) resolve();
    }
  }

  /** Resolves when no write is in flight. */
  drain(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((resolve) => this.drained.push(resolve));
  }

  /** Adds "unpin the currently pinned entry" to a commit (its event comes first, SPEC §2). */
  private async unpinPrevious(commit: Commit, newPinnedId: string, at: string): Promise<void> {
    const snap = await this.store.snapshot(commit.blogId, 0);
    const previous = snap?.pinned ?? null;
    commit.expectPinned = previous?.id ?? '';
    commit.setPinned = newPinnedId;
    if (!previous || previous.id === newPinnedId) return;
    const unpinned: Entry = { ...previous, pinned: false, updatedAt: at, version: previous.version + 1 };
    commit.expect.push({ entryId: previous.id, version: previous.version });
    commit.putEntries.push(unpinned);
    commit.events.push({ type: 'entry.updated', at, entry: unpinned });
  }

  // ---- reads ---------------------------------------------------------------------------------

  async listBlogs(): Promise<Blog[]> {
    return this.store.listBlogs();
  }

  async getBlog(blogId: string): Promise<Blog> {
    BlogIdSchema.parse(blogId);
    const blog = await this.store.getBlog(blogId);
    if (!blog) throw new AppError('not_found', `blog ${blogId} does not exist`);
    return blog;
  }

  async listEntries(payload: unknown): Promise<{ entries: Entry[]; hasMore: boolean }> {
    const q = EntriesQuerySchema.parse(payload);
    await this.getBlog(q.blogId);
    return this.store.listEntries(q.blogId, {
      before: q.before,
      limit: q.limit ?? PAGE_LIMIT_DEFAULT,
      keyEvents: q.keyEvents,
    });
  }

  /** Entries page plus the position of the latest event, read consistently (HTTP GET entries). */
  async entriesWithCursor(
    payload: unknown,
  ): Promise<{ entries: Entry[]; hasMore: boolean; cursor: string; seq: number }> {
    const q = EntriesQuerySchema.parse(payload);
    const limit = q.limit ?? PAGE_LIMIT_DEFAULT;
    if (q.before === undefined && !q.keyEvents) {
      const snap = await this.store.snapshot(q.blogId, limit);
      if (!snap) throw new AppError('not_found', `blog ${q.blogId} does not exist`);
      return {
        entries: snap.entries,
        hasMore: snap.total > limit,
        cursor: formatCursor(snap.epoch, snap.seq),
        seq: snap.seq,
      };
    }
    const head = await this.store.head(q.blogId);
    if (!head) throw new AppError('not_found', `blog ${q.blogId} does not exist`);
    const page = await this.store.listEntries(q.blogId, { before: q.before, limit, keyEvents: q.keyEvents });
    return { ...page, cursor: formatCursor(head.epoch, head.seq), seq: head.seq };
  }

  /** The server-rendered reader page's data. */
  async pageData(blogId: string, limit = PAGE_LIMIT_DEFAULT): Promise<BlogPage> {
    BlogIdSchema.parse(blogId);
    const snap = await this.store.snapshot(blogId, limit);
    if (!snap) throw new AppError('not_found', `blog ${blogId} does not exist`);
    return {
      blog: snap.blog,
      entries: snap.entries,
      pinned: snap.pinned,
      hasMore: snap.total > limit,
      cursor: formatCursor(snap.epoch, snap.seq),
      seq: snap.seq,
    };
  }

  /** Catch-up for pollers (HTTP GET events). */
  async eventsAfter(
    blogId: string,
    cursor: string | undefined,
  ): Promise<
    | { resumed: true; events: LiveEvent[]; cursor: string; seq: number }
    | { resumed: false; cursor: string; seq: number }
  > {
    BlogIdSchema.parse(blogId);
    const head = await this.store.head(blogId);
    if (!head) throw new AppError('not_found', `blog ${blogId} does not exist`);
    const c = cursor ? parseCursor(cursor) : null;
    const events = c ? await this.store.readEvents(blogId, c.epoch, c.seq) : null;
    if (c && events) {
      const last = events[events.length - 1];
      return {
        resumed: true,
        events,
        cursor: formatCursor(c.epoch, last?.seq ?? c.seq),
        seq: last?.seq ?? c.seq,
      };
    }
    return { resumed: false, cursor: formatCursor(head.epoch, head.seq), seq: head.seq };
  }

  async ready(): Promise<boolean> {
    try {
      await this.store.ping();
      return true;
    } catch {
      return false;
    }
  }
}

function conflict(entryId: string, currentVersion?: number): AppError {
  const suffix = currentVersion === undefined ? '' : ` (now at version ${currentVersion})`;
  return new AppError('conflict', `entry ${entryId} was changed by someone else${suffix}`);
}

function unexpected(result: CommitResult): AppError {
  if (result.status === 'conflict') return new AppError('conflict', 'too many concurrent changes; try again');
  return new AppError('internal', `write failed: ${result.status}`);
}
