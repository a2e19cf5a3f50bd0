/**
 * How entries are presented, decided once for the server page and the browser client (reader and
 * console). DOM-free: plain data in, plain data (or an HTML string) out.
 */
import type { Entry } from '../schema.js';

/** What the feed order looks at. Ids are ULIDs and sort like createdAt (monotonic within a millisecond). */
export type Ordered = Pick<Entry, 'id' | 'createdAt'>;

/**
 * The feed order (SPEC §2): newest `createdAt` first; equal times by id, highest first, which is the
 * store's order (ids sort like createdAt). A total order, so every sort of the same entries agrees.
 */
export function newestFirst(a: Ordered, b: Ordered): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id === b.id ? 0 : a.id < b.id ? 1 : -1;
}

/** True when `a` comes before `b` in the feed order. */
export function isNewer(a: Ordered, b: Ordered): boolean {
  return newestFirst(a, b) < 0;
}

/** The entry was changed after it was posted: it shows an "Updated" time. */
export function isEdited(entry: Pick<Entry, 'version' | 'createdAt' | 'updatedAt'>): boolean {
  return entry.version > 1 && entry.updatedAt !== entry.createdAt;
}
