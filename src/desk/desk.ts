/**
 * The desk's use cases (SPEC §10), next to the entries' in liveblog.ts: drafts saved, submitted,
 * scheduled, deleted and published, and presence. Who may do what is decided here, for HTTP and
 * Socket.IO alike: a contributor may save, submit, list and delete its own drafts; everything else is
 * an editor's (`unauthorized`, HTTP 403). Publishing goes through Liveblog's one write path.
 */
import { monotonicFactory } from 'ulid';
import { isContributor, type AuthenticatedEditor } from '../auth.js';
import { AppError, ForbiddenError } from '../errors.js';
import type { Liveblog } from '../liveblog.js';
import { renderMarkdown } from '../render.js';
import type { Entry } from '../schema.js';
import type { ScheduledRef, ScheduleQueue, Store } from '../store/store.js';
import {
  DraftDeleteSchema,
  DraftPublishSchema,
  DraftSaveSchema,
  DraftsQuerySchema,
  EditingSchema,
  type DeskMessage,
  type Draft,
  type DraftSave,
  type DraftState,
} from './schema.js';

/** Who asks: an editor, or a contributor (`role: 'contributor'`). */
export type Actor = AuthenticatedEditor;

/** Retries of a draft save that lost a race and did not name a version. */
const SAVE_ATTEMPTS_MAX = 5;

/** What became of a due scheduled draft. */
export type DueOutcome =
  | { status: 'published'; entry: Entry }
  /** Gone, unscheduled, or published by someone else: nothing more to do. */
  | { status: 'gone' }
  /** Rescheduled for later. */
  | { status: 'later'; atMs: number };

export interface DeskOptions {
  now?: () => number;
}

export class Desk {
  private readonly now: () => number;
  private readonly newId = monotonicFactory();

  constructor(
    private readonly store: Store,
    private readonly service: Liveblog,
    private readonly schedule: ScheduleQueue,
    options: DeskOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** `draft:save`: a new draft without `draftId`, else the named draft's new version. */
  async save(actor: Actor, payload: unknown): Promise<Draft> {
    const input = DraftSaveSchema.parse(payload);
    if (isContributor(actor) && input.publishAt !== undefined) {
      throw new ForbiddenError('only editors schedule drafts (publishAt)');
    }
    for (let attempt = 1; ; attempt++) {
      const current = input.draftId ? await this.store.getDraft(input.blogId, input.draftId) : null;
      if (input.draftId && !current) throw new AppError('not_found', `draft ${input.draftId} does not exist`);
      if (current) this.mayTouch(actor, current);
      if (current && input.version !== undefined && input.version !== current.version) {
        throw draftConflict(current);
      }
      const draft = this.next(actor, input, current);
      const ref = { blogId: draft.blogId, draftId: draft.id };
      // Scheduled before it is saved: a save that then fails leaves a schedule that finds nothing due.
      if (draft.state === 'scheduled' && draft.publishAt)
        await this.schedule.add(ref, Date.parse(draft.publishAt));
      const message: DeskMessage = {
        kind: 'draft',
        authorId: draft.author.id,
        event: { type: 'draft.saved', blogId: draft.blogId, draftId: draft.id, draft },
      };
      const result = await this.store.writeDraft(
        draft.blogId,
        draft.id,
        current?.version ?? 0,
        draft,
        message,
      );
      if (result.status === 'ok') {
        if (current?.state === 'scheduled' && draft.state !== 'scheduled') await this.schedule.remove(ref);
        return draft;
      }
      if (result.status === 'not_found') {
        throw new AppError(
          'not_found',
          current ? `draft ${draft.id} does not exist` : `blog ${draft.blogId} does not exist`,
        );
      }
      if (input.version !== undefined || attempt >= SAVE_ATTEMPTS_MAX || !current)
        throw draftConflict(current);
    }
  }

  /** The draft after `input` is applied to `current` (or a new one). */
  private next(actor: Actor, input: DraftSave, current: Draft | null): Draft {
    const nowMs = this.now();
    const at = new Date(nowMs).toISOString();
    let state: DraftState = current?.state ?? 'draft';
    let publishAt = current?.publishAt ?? null;
    if (typeof input.publishAt === 'string') {
      const dueMs = Date.parse(input.publishAt);
      if (!(dueMs > nowMs)) {
        throw new AppError('invalid', 'publishAt: must be in the future', [
          { path: ['publishAt'], message: 'must be in the future' },
        ]);
      }
      state = 'scheduled';
      publishAt = new Date(dueMs).toISOString();
    } else if (input.publishAt === null || input.submit !== undefined || isContributor(actor)) {
      // Unscheduled, submitted, returned, or changed by a contributor: an editor approves it again.
      if (input.submit !== undefined) state = input.submit ? 'submitted' : 'draft';
      else if (state === 'scheduled') state = 'submitted';
      publishAt = null;
    }
    const headline = input.headline ?? current?.headline;
    return {
      id: current?.id ?? this.newId(nowMs),
      blogId: input.blogId,
      ...(headline ? { headline } : {}),
      body: input.body,
      html: renderMarkdown(input.body),
      keyEvent: input.keyEvent ?? current?.keyEvent ?? false,
      author: current?.author ?? { id: actor.id, name: actor.name },
      state,
      publishAt,
      createdAt: current?.createdAt ?? at,
      updatedAt: at,
      version: (current?.version ?? 0) + 1,
    };
  }

  /** A contributor touches only its own drafts. */
  private mayTouch(actor: Actor, draft: Draft): void {
    if (isContributor(actor) && draft.author.id !== actor.id) {
      throw new ForbiddenError('a contributor may change only its own drafts');
    }
  }

  /** `draft:delete`. */
  async remove(actor: Actor, payload: unknown): Promise<void> {
    const input = DraftDeleteSchema.parse(payload);
    for (let attempt = 1; ; attempt++) {
      const current = await this.store.getDraft(input.blogId, input.draftId);
      if (!current) throw new AppError('not_found', `draft ${input.draftId} does not exist`);
      this.mayTouch(actor, current);
      const message: DeskMessage = {
        kind: 'draft',
        authorId: current.author.id,
        event: { type: 'draft.deleted', blogId: input.blogId, draftId: input.draftId },
      };
      const result = await this.store.writeDraft(input.blogId, input.draftId, current.version, null, message);
      if (result.status === 'ok') {
        if (current.state === 'scheduled') await this.schedule.remove(input);
        return;
      }
      if (result.status === 'not_found')
        throw new AppError('not_found', `draft ${input.draftId} does not exist`);
      if (attempt >= SAVE_ATTEMPTS_MAX) throw draftConflict(current);
    }
  }

  /** `drafts`: every draft of the blog for an editor, a contributor's own for a contributor; oldest first. */
  async list(actor: Actor, payload: unknown): Promise<Draft[]> {
    const { blogId } = DraftsQuerySchema.parse(payload);
    await this.service.getBlog(blogId);
    const drafts = await this.store.listDrafts(blogId);
    return drafts
      .filter((d) => !isContributor(actor) || d.author.id === actor.id)
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /** `draft:publish` (editors only). */
  async publish(actor: Actor, payload: unknown): Promise<Entry> {
    if (isContributor(actor)) throw new ForbiddenError('only editors publish');
    const input = DraftPublishSchema.parse(payload);
    let wasScheduled = false;
    const entry = await this.service.publishDraft(input.blogId, input.draftId, input.version, (d) => {
      wasScheduled = d.state === 'scheduled';
    });
    if (wasScheduled) await this.schedule.remove(input).catch(() => undefined);
    return entry;
  }

  /** `editing`: tells the blog's other editors (and the draft's author) who has this open. */
  async editing(actor: Actor, from: string, payload: unknown): Promise<void> {
    const input = EditingSchema.parse(payload);
    let authorId: string | null = null;
    if (input.target === 'draft') {
      const draft = await this.store.getDraft(input.blogId, input.id);
      if (!draft) throw new AppError('not_found', `draft ${input.id} does not exist`);
      this.mayTouch(actor, draft);
      authorId = draft.author.id;
    } else if (isContributor(actor)) {
      throw new ForbiddenError('only editors edit entries');
    }
    await this.store.announce(input.blogId, {
      kind: 'editing',
      authorId,
      from,
      event: { ...input, editor: { id: actor.id, name: actor.name } },
    });
  }

  /**
   * A scheduled draft came due (the scheduler claimed it): publish it if it is still scheduled for now.
   * Publishing is the same atomic commit as `draft:publish`, so a retry after a crash, or a second
   * instance with a stale claim, never makes a second entry.
   */
  async publishDue(ref: ScheduledRef): Promise<DueOutcome> {
    const draft = await this.store.getDraft(ref.blogId, ref.draftId);
    if (draft?.state !== 'scheduled' || !draft.publishAt) return { status: 'gone' };
    const dueMs = Date.parse(draft.publishAt);
    if (dueMs > this.now()) return { status: 'later', atMs: dueMs };
    try {
      const entry = await this.service.publishDraft(ref.blogId, ref.draftId, draft.version);
      return { status: 'published', entry };
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') return { status: 'gone' };
      // Changed since it was read: look again at once.
      if (err instanceof AppError && err.code === 'conflict') return { status: 'later', atMs: this.now() };
      throw err;
    }
  }
}

function draftConflict(current: Draft | null): AppError {
  const suffix = current ? ` (now at version ${current.version})` : '';
  return new AppError('conflict', `the draft was changed by someone else${suffix}`);
}
