/**
 * The use cases. HTTP and Socket.IO both call these, so a write has the same validation, events and
 * idempotency whichever way it came. Payloads are validated here (zod), not in the transports.
 */
import { monotonicFactory } from 'ulid';
import { formatCursor, parseCursor } from './cursor.js';
import { AppError, toErrorBody } from './errors.js';
import { NO_TELEMETRY, type Telemetry } from './telemetry.js';
import { mediaIdsIn, renderMarkdown, type MediaLookup } from './render.js';
import {
  BlogIdSchema,
  BlogUpsertSchema,
  EntriesQuerySchema,
  EntryCreateSchema,
  EntryDeleteSchema,
  EntryIdSchema,
  EntryUpdateSchema,
  DEFAULT_LANGUAGE,
  DEFAULT_TIME_ZONE,
  PAGE_LIMIT_DEFAULT,
  type Author,
  type Blog,
  type BlogPage,
  type Entry,
  type LiveEvent,
  type Revision,
} from './schema.js';
import type { Draft } from './desk/schema.js';
import type { Commit, Store } from './store/store.js';
import { createEntryCommit, deleteEntryCommit, updateEntryCommit, upsertBlogCommit } from './commits.js';

export { IDEMPOTENCY_TTL_SECONDS } from './commits.js';
/** Entries read per store call when a whole blog is read. */
const WHOLE_BLOG_PAGE = 500;
/** Retries of an optimistic write that lost a race and did not ask for a specific version. */
const WRITE_ATTEMPTS_MAX = 8;
/** Events in one catch-up answer (SPEC §9: bounded; the client continues from its cursor). */
export const CATCH_UP_EVENTS_MAX = 100;
/** Bytes of event JSON in one catch-up answer; the event that crosses it goes in the next answer. */
export const CATCH_UP_BYTES_MAX = 1024 * 1024;

export type Editor = Author;

/** Where the uploaded photos an entry's body refers to are looked up (the MediaService). */
export interface MediaSource {
  records(ids: Iterable<string>): Promise<MediaLookup>;
}

export interface LiveblogOptions {
  now?: () => number;
  /** Uploaded media for `![alt](media:<id>)`; without it, any media reference is `invalid`. */
  media?: MediaSource;
  /** Where writes are counted. Default: nowhere. */
  telemetry?: Telemetry;
}

export class Liveblog {
  private readonly now: () => number;
  private readonly telemetry: Telemetry;
  private readonly media: MediaSource | undefined;
  private readonly newId = monotonicFactory();
  private inFlight = 0;
  private drained: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    options: LiveblogOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.telemetry = options.telemetry ?? NO_TELEMETRY;
    this.media = options.media;
  }

  /** The body's HTML, with its uploaded photos; a reference to media that does not exist is `invalid`. */
  private async render(body: string): Promise<string> {
    const ids = mediaIdsIn(body);
    if (ids.length === 0) return renderMarkdown(body);
    const found: MediaLookup = this.media ? await this.media.records(ids) : new Map();
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) {
      const message = `unknown media ${missing.join(', ')}: upload it with POST /api/media first`;
      throw new AppError('invalid', message, [{ path: ['body'], message }]);
    }
    return renderMarkdown(body, found);
  }

  // ---- writes: the transport authenticated the editor; an edited entry keeps its original author -----
  // Each use case plans one named commit from what it reads; `write` runs it (tracking, retries, the
  // store's answers) the same way for all of them.

  upsertBlog(_editor: Editor, payload: unknown): Promise<{ blog: Blog; created: boolean }> {
    return this.write(async () => {
      const input = BlogUpsertSchema.parse(payload);
      const existing = await this.store.getBlog(input.id);
      const at = this.isoNow();
      const blog: Blog = {
        id: input.id,
        title: input.title,
        description: input.description ?? existing?.description ?? '',
        status: input.status ?? existing?.status ?? 'live',
        ...summaryOf(input.summary ?? existing?.summary ?? ''),
        language: input.language ?? existing?.language ?? DEFAULT_LANGUAGE,
        timeZone: input.timeZone ?? existing?.timeZone ?? DEFAULT_TIME_ZONE,
        createdAt: existing?.createdAt ?? at,
        updatedAt: at,
      };
      return { commit: upsertBlogCommit(blog), ok: () => ({ blog, created: !existing }) };
    });
  }

  createEntry(editor: Editor, payload: unknown): Promise<{ entry: Entry; duplicate: boolean }> {
    return this.write<{ entry: Entry; duplicate: boolean }>(async () => {
      const input = EntryCreateSchema.parse(payload);
      const nowMs = this.now();
      const at = new Date(nowMs).toISOString();
      const entry: Entry = {
        id: this.newId(nowMs),
        blogId: input.blogId,
        ...(input.headline ? { headline: input.headline } : {}),
        body: input.body,
        html: await this.render(input.body),
        author: { id: editor.id, name: editor.name },
        keyEvent: input.keyEvent ?? false,
        pinned: input.pinned ?? false,
        createdAt: at,
        updatedAt: at,
        version: 1,
        corrections: [],
        verification: input.verification ?? null,
      };
      const pinnedNow = entry.pinned ? await this.pinnedEntry(input.blogId) : null;
      const idempotency = input.idempotencyKey
        ? { editorId: editor.id, key: input.idempotencyKey }
        : undefined;
      return {
        commit: createEntryCommit(entry, pinnedNow, idempotency, { editor }),
        ok: () => ({ entry, duplicate: false }),
        duplicate: (first) => ({ entry: first, duplicate: true }),
        notFound: `blog ${input.blogId} does not exist`,
      };
    });
  }

  updateEntry(editor: Editor, payload: unknown): Promise<Entry> {
    return this.write(async () => {
      const input = EntryUpdateSchema.parse(payload);
      const current = await this.store.getEntry(input.blogId, input.entryId);
      if (!current) throw new AppError('not_found', `entry ${input.entryId} does not exist`);
      if (input.version !== undefined && input.version !== current.version) {
        throw conflict(input.entryId, current.version);
      }
      const { headline: _old, ...rest } = current;
      const headline = input.headline ?? current.headline;
      const updatedAt = this.isoNow();
      const entry: Entry = {
        ...rest,
        ...(headline ? { headline } : {}),
        ...(input.body !== undefined ? { body: input.body, html: await this.render(input.body) } : {}),
        keyEvent: input.keyEvent ?? current.keyEvent,
        pinned: input.pinned ?? current.pinned,
        verification: input.verification === undefined ? current.verification : input.verification,
        corrections: input.correction
          ? [...current.corrections, { at: updatedAt, note: input.correction }]
          : current.corrections,
        updatedAt,
        version: current.version + 1,
      };
      // An update that changes nothing is no change: no new version, no event for readers to re-render.
      // A correction note alone is a change: it is published on the entry.
      if (!input.correction && sameContent(current, entry)) return { unchanged: true, value: current };
      const pinnedNow = entry.pinned && !current.pinned ? await this.pinnedEntry(input.blogId) : null;
      return {
        commit: updateEntryCommit(current, entry, pinnedNow, {
          editor,
          correction: input.correction ?? null,
        }),
        ok: () => entry,
        notFound: `entry ${input.entryId} does not exist`,
        // The editor named the version it edits: someone else's change in between is final.
        ...(input.version !== undefined ? { conflictIsFinalFor: entry.id } : {}),
      };
    });
  }

  deleteEntry(_editor: Editor, payload: unknown): Promise<void> {
    return this.write(async () => {
      const input = EntryDeleteSchema.parse(payload);
      const current = await this.store.getEntry(input.blogId, input.entryId);
      if (!current) throw new AppError('not_found', `entry ${input.entryId} does not exist`);
      return {
        commit: deleteEntryCommit(current, this.isoNow()),
        ok: () => undefined,
        notFound: `entry ${input.entryId} does not exist`,
      };
    });
  }

  /**
   * Publishes a draft (SPEC §10) through the one write path: a new entry (`entry.created`, createdAt =
   * now, the draft's author) in the commit that takes the draft out of the drafts, so a draft becomes
   * one entry however many publish it at once. `expectVersion` undefined = whatever version it has now;
   * `check` may refuse the draft as read (a role rule, a schedule no longer due).
   */
  publishDraft(
    blogId: string,
    draftId: string,
    expectVersion: number | undefined,
    check: (draft: Draft) => void = () => undefined,
  ): Promise<Entry> {
    return this.write(async () => {
      const draft = await this.store.getDraft(blogId, draftId);
      if (!draft) throw new AppError('not_found', `draft ${draftId} does not exist`);
      if (expectVersion !== undefined && expectVersion !== draft.version) {
        throw new AppError(
          'conflict',
          `draft ${draftId} was changed by someone else (now at version ${draft.version})`,
        );
      }
      check(draft);
      const nowMs = this.now();
      const at = new Date(nowMs).toISOString();
      const entry: Entry = {
        id: this.newId(nowMs),
        blogId,
        ...(draft.headline ? { headline: draft.headline } : {}),
        body: draft.body,
        html: draft.html,
        author: draft.author,
        keyEvent: draft.keyEvent,
        pinned: false,
        createdAt: at,
        updatedAt: at,
        version: 1,
        corrections: [],
        verification: null,
      };
      const commit = createEntryCommit(entry, null);
      commit.consumeDraft = {
        draftId,
        version: draft.version,
        message: {
          kind: 'draft',
          authorId: draft.author.id,
          event: { type: 'draft.published', blogId, draftId, entryId: entry.id },
        },
      };
      return {
        commit,
        ok: () => entry,
        notFound: `draft ${draftId} does not exist`,
        ...(expectVersion !== undefined ? { conflictIsFinalFor: draftId } : {}),
      };
    });
  }

  /**
   * The one write routine: counts the write in flight (shutdown waits for it), plans and commits, and
   * turns the store's answer into the result or the SPEC's error. A conflict the caller did not ask to
   * be told about (a concurrent edit of another entry, the pinned entry moving) is retried from a fresh
   * read, up to WRITE_ATTEMPTS_MAX times.
   */
  private write<T>(plan: () => Promise<Planned<T>>): Promise<T> {
    return this.track(() => this.attempts(plan)).then(
      (result) => {
        this.telemetry.wrote('ok');
        return result;
      },
      (err: unknown) => {
        this.telemetry.wrote(toErrorBody(err).code);
        throw err;
      },
    );
  }

  private async attempts<T>(plan: () => Promise<Planned<T>>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const p = await plan();
      if (p.unchanged) return p.value;
      const result = await this.store.commit(p.commit);
      switch (result.status) {
        case 'ok':
          this.telemetry.published(p.commit.events.length);
          return p.ok();
        case 'duplicate':
          if (!p.duplicate) throw new AppError('internal', 'the store answered duplicate to a keyless write');
          return p.duplicate(result.entry);
        case 'not_found':
          throw new AppError('not_found', p.notFound ?? 'not found');
        case 'conflict':
          if (result.entryId === p.conflictIsFinalFor) throw conflict(result.entryId);
          break;
        case 'pin_conflict':
          break;
        default:
          return unreachable(result);
      }
      if (attempt >= WRITE_ATTEMPTS_MAX)
        throw new AppError('conflict', 'too many concurrent changes; try again');
    }
  }

  private isoNow(): string {
    return new Date(this.now()).toISOString();
  }

  /** The blog's pinned entry now, read before a commit that moves the pin (the commit re-checks it). */
  private async pinnedEntry(blogId: string): Promise<Entry | null> {
    return (await this.store.snapshot(blogId, 0))?.pinned ?? null;
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

  /** Every published version of an entry, oldest first (SPEC §10); a deleted entry's are gone. */
  async revisions(blogId: string, entryId: string): Promise<Revision[]> {
    await this.getBlog(blogId);
    EntryIdSchema.parse(entryId);
    const revisions = await this.store.getRevisions(blogId, entryId);
    if (!revisions) throw new AppError('not_found', `entry ${entryId} does not exist`);
    return revisions;
  }

  /** The blog and every one of its entries, newest first (feeds, snapshots, the export). */
  async wholeBlog(blogId: string): Promise<{ blog: Blog; entries: Entry[] }> {
    const blog = await this.getBlog(blogId);
    const entries: Entry[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await this.store.listEntries(blogId, { before, limit: WHOLE_BLOG_PAGE });
      entries.push(...page.entries);
      const last = page.entries[page.entries.length - 1];
      if (!page.hasMore || !last) return { blog, entries };
      before = last.id;
    }
  }

  /**
   * The editors' export (SPEC §10): `{ blog }` first, then `{ entry, revisions }` for every entry, oldest
   * first. An entry deleted while the export runs is left out.
   */
  async *exportBlog(
    blogId: string,
  ): AsyncGenerator<{ blog: Blog } | { entry: Entry; revisions: Revision[] }, void, undefined> {
    const { blog, entries } = await this.wholeBlog(blogId);
    yield { blog };
    for (const entry of entries.reverse()) {
      const revisions = await this.store.getRevisions(blogId, entry.id);
      if (revisions) yield { entry, revisions };
    }
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

  /**
   * Catch-up for pollers (HTTP GET events), bounded (SPEC §9): at most CATCH_UP_EVENTS_MAX events and
   * about CATCH_UP_BYTES_MAX of their JSON (always at least one event). `cursor`/`seq` are those of the
   * last event included; `hasMore` says whether to ask again from there.
   */
  async eventsAfter(
    blogId: string,
    cursor: string | undefined,
  ): Promise<
    | { resumed: true; events: LiveEvent[]; cursor: string; seq: number; hasMore: boolean }
    | { resumed: false; cursor: string; seq: number }
  > {
    BlogIdSchema.parse(blogId);
    const head = await this.store.head(blogId);
    if (!head) throw new AppError('not_found', `blog ${blogId} does not exist`);
    const c = cursor ? parseCursor(cursor) : null;
    // The store reads every held event after the cursor (its log is bounded by RESUME_LOG_MAX_EVENTS);
    // the answer is cut here.
    const held = c ? await this.store.readEvents(blogId, c.epoch, c.seq) : null;
    if (c && held) {
      const events = boundedPrefix(held);
      const last = events[events.length - 1];
      return {
        resumed: true,
        events,
        cursor: formatCursor(c.epoch, last?.seq ?? c.seq),
        seq: last?.seq ?? c.seq,
        hasMore: events.length < held.length,
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

/** The longest prefix of `events` within CATCH_UP_EVENTS_MAX and CATCH_UP_BYTES_MAX, never empty. */
function boundedPrefix(events: LiveEvent[]): LiveEvent[] {
  let bytes = 0;
  let count = 0;
  for (const event of events) {
    if (count === CATCH_UP_EVENTS_MAX) break;
    bytes += Buffer.byteLength(JSON.stringify(event));
    if (count > 0 && bytes > CATCH_UP_BYTES_MAX) break;
    count += 1;
  }
  return count === events.length ? events : events.slice(0, count);
}

/** A blog's summary and its sanitised rendering ('' stays ''). */
function summaryOf(summary: string): { summary: string; summaryHtml: string } {
  return { summary, summaryHtml: summary.trim() ? renderMarkdown(summary) : '' };
}

function conflict(entryId: string, currentVersion?: number): AppError {
  const suffix = currentVersion === undefined ? '' : ` (now at version ${currentVersion})`;
  return new AppError('conflict', `entry ${entryId} was changed by someone else${suffix}`);
}

function unreachable(value: never): never {
  throw new Error(`unexpected store answer: ${JSON.stringify(value)}`);
}

/** What one attempt of a write commits, and how the store's answers map to its result. */
interface WritePlan<T> {
  unchanged?: false;
  commit: Commit;
  ok(): T;
  /** Only for writes with an idempotency key: the entry the key created before. */
  duplicate?(entry: Entry): T;
  /** The message of `not_found` when the blog or entry is gone. */
  notFound?: string;
  /** A version conflict on this entry is reported, not retried. */
  conflictIsFinalFor?: string;
}

/** Two versions of an entry say the same to a reader. */
function sameContent(a: Entry, b: Entry): boolean {
  return (
    a.body === b.body &&
    (a.headline ?? '') === (b.headline ?? '') &&
    a.keyEvent === b.keyEvent &&
    a.pinned === b.pinned &&
    a.verification === b.verification
  );
}

/** A write that has nothing to change answers at once with `value`. */
interface Unchanged<T> {
  unchanged: true;
  value: T;
}

type Planned<T> = WritePlan<T> | Unchanged<T>;
