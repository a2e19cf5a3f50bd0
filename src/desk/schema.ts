/**
 * The desk's shapes (SPEC §10 "Drafts"): the Draft, the inbound payloads of `draft:*`, `drafts` and
 * `editing`, the `draft` event editors receive, and the private desk message that carries it between
 * instances. A leaf: it imports only zod and the entry schemas.
 */
import { z } from 'zod';
import { AuthorSchema, BlogIdSchema, BodySchema, EntryIdSchema, HeadlineSchema } from '../schema.js';

export const DRAFT_STATES = ['draft', 'submitted', 'scheduled'] as const;
export const DraftStateSchema = z.enum(DRAFT_STATES);
export type DraftState = z.infer<typeof DraftStateSchema>;

export const DraftSchema = z.object({
  id: EntryIdSchema,
  blogId: BlogIdSchema,
  headline: z.string().optional(),
  body: z.string(),
  html: z.string(),
  keyEvent: z.boolean(),
  author: AuthorSchema,
  state: DraftStateSchema,
  publishAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int().positive(),
});
export type Draft = z.infer<typeof DraftSchema>;

const Version = z.number().int().positive();

export const DraftSaveSchema = z.strictObject({
  blogId: BlogIdSchema,
  draftId: EntryIdSchema.optional(),
  version: Version.optional(),
  body: BodySchema,
  headline: HeadlineSchema.optional(),
  keyEvent: z.boolean().optional(),
  /** true: submitted for review; false: back to `draft`; absent: the state stays. */
  submit: z.boolean().optional(),
  /** A future ISO time (editors only): scheduled; null: unscheduled. */
  publishAt: z.iso.datetime({ offset: true }).nullable().optional(),
});
export type DraftSave = z.infer<typeof DraftSaveSchema>;

export const DraftPublishSchema = z.strictObject({
  blogId: BlogIdSchema,
  draftId: EntryIdSchema,
  version: Version.optional(),
});
export const DraftDeleteSchema = z.strictObject({ blogId: BlogIdSchema, draftId: EntryIdSchema });
export const DraftsQuerySchema = z.strictObject({ blogId: BlogIdSchema });

/** Presence: "I am editing this entry/draft" (active) or "I stopped" (not active). */
export const EditingSchema = z.strictObject({
  blogId: BlogIdSchema,
  target: z.enum(['entry', 'draft']),
  id: EntryIdSchema,
  active: z.boolean(),
});
export type Editing = z.infer<typeof EditingSchema>;

/** The `draft` event on `/editor` (SPEC §10): `draft` with draft.saved, `entryId` with draft.published. */
export const DraftEventSchema = z.object({
  type: z.enum(['draft.saved', 'draft.deleted', 'draft.published']),
  blogId: BlogIdSchema,
  draftId: EntryIdSchema,
  draft: DraftSchema.optional(),
  entryId: EntryIdSchema.optional(),
});
export type DraftEvent = z.infer<typeof DraftEventSchema>;

/** The `editing` event on `/editor`: someone else has the entry or draft open (or closed it). */
export const EditingEventSchema = EditingSchema.extend({ editor: AuthorSchema });
export type EditingEvent = z.infer<typeof EditingEventSchema>;

/**
 * What travels on the private desk channel `<prefix>{<blogId>}:desk` between instances. Never on the
 * public channel. `authorId` is the draft's author: a contributor's socket gets only its own; `from` is
 * the socket that announced an `editing`, which does not get its own announcement back.
 */
export type DeskMessage =
  | { kind: 'draft'; authorId: string; event: DraftEvent }
  | { kind: 'editing'; authorId: string | null; from: string; event: EditingEvent };

/** The `session` event on `/editor`: who signed in, and whether as an editor or a contributor. */
export const SessionSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(['editor', 'contributor']),
});
export type Session = z.infer<typeof SessionSchema>;
