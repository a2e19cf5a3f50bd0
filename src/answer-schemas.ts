/**
 * The server's answers (SPEC §3–§5) as zod schemas, for the API descriptions (http/openapi.ts,
 * http/asyncapi.ts) and for services that validate what they read. schema.ts declares these answers as
 * TypeScript interfaces; the checks at the end of this file fail the type-check when a schema here and its
 * interface there drift apart, so the descriptions cannot document a shape the server does not send.
 */
import { z } from 'zod';
import {
  BlogSchema,
  ERROR_CODES,
  EntrySchema,
  EventSchema,
  type BlogPage,
  type ErrorBody,
  type FreshSubscribeAck,
  type ReadersMessage,
  type ResumedSubscribeAck,
} from './schema.js';

export const ErrorBodySchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  /** Only for `invalid`: each field that was refused, `path` an array of keys such as `["body"]`. */
  issues: z
    .array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() }))
    .optional(),
});

/** Every HTTP error answer (SPEC §5). */
export const ErrorAnswerSchema = z.object({ error: ErrorBodySchema });

/** A Socket.IO acknowledgement of a request that failed (SPEC §4). */
export const FailureSchema = z.object({ ok: z.literal(false), error: ErrorBodySchema });

const Cursor = z.string();
const Seq = z.number().int().nonnegative();

export const EntriesPageSchema = z.object({
  entries: z.array(EntrySchema),
  hasMore: z.boolean(),
  /** The position of the latest event when the page was read: resume from it. */
  cursor: Cursor,
  seq: Seq,
});

export const BlogPageSchema = z.object({
  blog: BlogSchema,
  entries: z.array(EntrySchema),
  pinned: EntrySchema.nullable(),
  hasMore: z.boolean(),
  cursor: Cursor,
  seq: Seq,
});

export const FreshSubscribeAckSchema = BlogPageSchema.extend({
  ok: z.literal(true),
  resumed: z.literal(false),
  readers: z.number().int().nonnegative(),
});

export const ResumedSubscribeAckSchema = z.object({
  ok: z.literal(true),
  resumed: z.literal(true),
  blog: BlogSchema,
  events: z.array(EventSchema),
  cursor: Cursor,
  seq: Seq,
});

/** `GET /api/blogs/:blogId/events` (SPEC §5, bounded as in §9). */
export const EventsCatchUpSchema = z.discriminatedUnion('resumed', [
  z.object({
    resumed: z.literal(true),
    /** Every event after the cursor, oldest first, up to the answer's bound. */
    events: z.array(EventSchema),
    /** The position of the last event included: ask again from it while `hasMore`. */
    cursor: Cursor,
    seq: Seq,
    hasMore: z.boolean(),
  }),
  z.object({
    resumed: z.literal(false),
    /** The position of the latest event: re-read `entries`, then resume from here. */
    cursor: Cursor,
    seq: Seq,
  }),
]);

export const ReadersMessageSchema = z.object({ blogId: z.string(), count: z.number().int().nonnegative() });

// ---- the schemas above and the interfaces in schema.ts are one shape -------------------------------

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function same<A, B>(proof: Same<A, B>): void {
  void proof;
}
same<z.infer<typeof ErrorBodySchema>, ErrorBody>(true);
same<z.infer<typeof BlogPageSchema>, BlogPage>(true);
same<z.infer<typeof FreshSubscribeAckSchema>, FreshSubscribeAck>(true);
same<z.infer<typeof ResumedSubscribeAckSchema>, ResumedSubscribeAck>(true);
same<z.infer<typeof ReadersMessageSchema>, ReadersMessage>(true);
