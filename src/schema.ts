/**
 * The public data model (SPEC §2) and every inbound payload (SPEC §3–§5), as zod schemas.
 * The TypeScript types are inferred from them, so another service can import both from here
 * (`liveblog/schema`) and validate what it reads from the Redis channel with `EventSchema`.
 */
import { z } from 'zod';

export const BLOG_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const HEADLINE_MAX_CHARS = 200;
export const BODY_MAX_CHARS = 20_000;
export const PAGE_LIMIT_DEFAULT = 20;
export const PAGE_LIMIT_MAX = 100;
export const SUBSCRIPTIONS_PER_SOCKET_MAX = 10;

export const BlogIdSchema = z.string().regex(BLOG_ID_PATTERN, 'must be a slug: a-z, 0-9 and "-", 1–64 chars');
export const EntryIdSchema = z.string().min(1).max(64);
const IsoTime = z.string();

export const BlogStatusSchema = z.enum(['live', 'ended']);

export const SUMMARY_MAX_CHARS = 5_000;
export const CORRECTION_MAX_CHARS = 500;
/** SPEC §9: a blog's language (BCP 47) and time zone (IANA), and what a blog without them reads as. */
export const DEFAULT_LANGUAGE = 'en';
export const DEFAULT_TIME_ZONE = 'UTC';

/** A BCP 47 tag `Intl` accepts, in its canonical form ("EN-gb" → "en-GB"); anything else fails. */
export const LanguageSchema = z
  .string()
  .min(1)
  .max(35)
  .transform((tag, ctx) => {
    try {
      const [canonical] = Intl.getCanonicalLocales(tag);
      if (canonical) return canonical;
    } catch {
      // falls through to the issue below
    }
    ctx.addIssue({ code: 'custom', message: 'must be a BCP 47 language tag, e.g. "en", "fa", "uk-UA"' });
    return z.NEVER;
  });

/** An IANA time zone `Intl.DateTimeFormat` accepts, in its canonical case ("asia/tehran" → "Asia/Tehran"). */
export const TimeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .transform((zone, ctx) => {
    try {
      const resolved = new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
      // ICU spells some zones by an older link name (Europe/Kyiv → Europe/Kiev): only the case is taken.
      return resolved.toLowerCase() === zone.toLowerCase() ? resolved : zone;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an IANA time zone, e.g. "UTC", "Europe/Kyiv"' });
      return z.NEVER;
    }
  });

export const BlogSchema = z.object({
  id: BlogIdSchema,
  title: z.string(),
  description: z.string(),
  status: BlogStatusSchema,
  /** "What we know" (SPEC §10): Markdown, '' when there is none; blogs stored before 1.2 read as ''. */
  summary: z.string().default(''),
  /** The server's sanitised rendering of `summary` (as `Entry.html`). */
  summaryHtml: z.string().default(''),
  language: z.string(),
  timeZone: z.string(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type Blog = z.infer<typeof BlogSchema>;

/** A stored blog as it reads today: one written before SPEC §9 has no language or time zone yet. */
export function withBlogDefaults(stored: Omit<Blog, 'language' | 'timeZone'> & Partial<Blog>): Blog {
  return {
    ...stored,
    language: stored.language ?? DEFAULT_LANGUAGE,
    timeZone: stored.timeZone ?? DEFAULT_TIME_ZONE,
  };
}

export const AuthorSchema = z.object({ id: z.string(), name: z.string() });
export type Author = z.infer<typeof AuthorSchema>;

/** SPEC §10: how sure the newsroom is of an entry's claim; null = not said. */
export const VerificationSchema = z.enum(['unconfirmed', 'confirmed', 'disputed']).nullable();
export type Verification = z.infer<typeof VerificationSchema>;

/** A correction made in the open: when, and what was corrected. */
export const CorrectionSchema = z.object({ at: IsoTime, note: z.string() });
export type Correction = z.infer<typeof CorrectionSchema>;

export const EntrySchema = z.object({
  id: EntryIdSchema,
  blogId: BlogIdSchema,
  headline: z.string().optional(),
  body: z.string(),
  html: z.string(),
  author: AuthorSchema,
  keyEvent: z.boolean(),
  pinned: z.boolean(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  version: z.number().int().positive(),
  /** Oldest first; entries stored before 1.2 read as []. */
  corrections: z.array(CorrectionSchema).default([]),
  verification: VerificationSchema.default(null),
});
export type Entry = z.infer<typeof EntrySchema>;

/** One published version of an entry (SPEC §10 revisions); `editor` is who published it. */
export const RevisionSchema = z.object({
  version: z.number().int().positive(),
  at: IsoTime,
  editor: AuthorSchema,
  headline: z.string().optional(),
  body: z.string(),
  html: z.string(),
  keyEvent: z.boolean(),
  /** The correction note this version was published with, or null. */
  correction: z.string().nullable(),
});
export type Revision = z.infer<typeof RevisionSchema>;

const EventBase = {
  v: z.literal(1),
  blogId: BlogIdSchema,
  seq: z.number().int().positive(),
  cursor: z.string(),
  at: IsoTime,
};

export const EventSchema = z.discriminatedUnion('type', [
  z.object({ ...EventBase, type: z.literal('entry.created'), entry: EntrySchema }),
  z.object({ ...EventBase, type: z.literal('entry.updated'), entry: EntrySchema }),
  z.object({ ...EventBase, type: z.literal('entry.deleted'), entryId: EntryIdSchema }),
  z.object({ ...EventBase, type: z.literal('blog.updated'), blog: BlogSchema }),
]);
export type LiveEvent = z.infer<typeof EventSchema>;
export type EventType = LiveEvent['type'];

// ---- inbound payloads ------------------------------------------------------------------------

/**
 * C0 and C1 control characters other than tab, line feed and carriage return. They never render and can
 * break what consumes the text (XML feeds, terminals, logs), so they are removed from headlines and bodies.
 */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
/** Text that shows nothing: whitespace, zero-width spaces and joiners, word joiner, BOM, soft hyphen. */
const INVISIBLE = /^[\s\u00AD\u180E\u200B-\u200D\u2060\uFEFF]*$/;

const Headline = z
  .string()
  .max(HEADLINE_MAX_CHARS)
  .transform((s) => s.replace(CONTROL_CHARS, '').replace(/[\t\n\r]+/g, ' '));
const Body = z
  .string()
  .min(1, 'must not be empty')
  .max(BODY_MAX_CHARS)
  .transform((s) => s.replace(CONTROL_CHARS, ''))
  .refine((s) => !INVISIBLE.test(s), 'must not be blank (only spaces or invisible characters)');
const Correction = z
  .string()
  .transform((s) => s.replace(CONTROL_CHARS, '').trim())
  .pipe(z.string().min(1, 'must not be empty').max(CORRECTION_MAX_CHARS));
const Limit = z.number().int().min(1).max(PAGE_LIMIT_MAX);

export const BlogUpsertSchema = z.strictObject({
  id: BlogIdSchema,
  title: z.string().trim().min(1).max(200),
  description: z.string().max(2_000).optional(),
  status: BlogStatusSchema.optional(),
  summary: z
    .string()
    .max(SUMMARY_MAX_CHARS)
    .transform((s) => s.replace(CONTROL_CHARS, ''))
    .optional(),
  language: LanguageSchema.optional(),
  timeZone: TimeZoneSchema.optional(),
});
export type BlogUpsert = z.infer<typeof BlogUpsertSchema>;

export const EntryCreateSchema = z.strictObject({
  blogId: BlogIdSchema,
  body: Body,
  headline: Headline.optional(),
  keyEvent: z.boolean().optional(),
  pinned: z.boolean().optional(),
  verification: VerificationSchema.optional(),
  idempotencyKey: z.string().min(1).max(100).optional(),
});
export type EntryCreate = z.infer<typeof EntryCreateSchema>;

export const EntryUpdateSchema = z.strictObject({
  blogId: BlogIdSchema,
  entryId: EntryIdSchema,
  version: z.number().int().positive().optional(),
  body: Body.optional(),
  headline: Headline.optional(),
  keyEvent: z.boolean().optional(),
  pinned: z.boolean().optional(),
  verification: VerificationSchema.optional(),
  /** SPEC §10: a note shown on the entry with its time, and kept with this version. */
  correction: Correction.optional(),
});
export type EntryUpdate = z.infer<typeof EntryUpdateSchema>;

export const EntryDeleteSchema = z.strictObject({ blogId: BlogIdSchema, entryId: EntryIdSchema });
export type EntryDelete = z.infer<typeof EntryDeleteSchema>;

export const SubscribeSchema = z.object({
  blogId: BlogIdSchema,
  /** Opaque; anything that is not a resumable cursor (even a non-string) gets a fresh answer. */
  cursor: z.unknown().optional(),
  limit: Limit.optional(),
});
export type Subscribe = z.infer<typeof SubscribeSchema>;

export const UnsubscribeSchema = z.object({ blogId: BlogIdSchema });

export const EntriesQuerySchema = z.object({
  blogId: BlogIdSchema,
  before: EntryIdSchema.optional(),
  limit: Limit.optional(),
  keyEvents: z.boolean().optional(),
});
export type EntriesQuery = z.infer<typeof EntriesQuerySchema>;

/** The same query as it arrives in an HTTP query string (all strings). */
export const EntriesHttpQuerySchema = z.object({
  before: EntryIdSchema.optional(),
  limit: z.coerce.number().pipe(Limit).optional(),
  keyEvents: z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .optional(),
});

// ---- answers ---------------------------------------------------------------------------------

export const ERROR_CODES = [
  'invalid',
  'unauthorized',
  'not_found',
  'conflict',
  'rate_limited',
  'too_large',
  'unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  issues?: { path: (string | number)[]; message: string }[];
}

/** A blog with its newest entries at one position of its event stream (a page, a snapshot). */
export interface BlogPage {
  blog: Blog;
  entries: Entry[];
  pinned: Entry | null;
  hasMore: boolean;
  cursor: string;
  seq: number;
}

export interface FreshSubscribeAck extends BlogPage {
  ok: true;
  resumed: false;
  readers: number;
}

export interface ResumedSubscribeAck {
  ok: true;
  resumed: true;
  blog: Blog;
  events: LiveEvent[];
  cursor: string;
  seq: number;
}

export type SubscribeAck = FreshSubscribeAck | ResumedSubscribeAck | { ok: false; error: ErrorBody };

export interface ReadersMessage {
  blogId: string;
  count: number;
}

/** The entry fields' rules, reused by the drafts' payloads (src/desk/schema.ts). */
export { Body as BodySchema, Headline as HeadlineSchema };
