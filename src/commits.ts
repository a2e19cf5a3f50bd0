/**
 * The named commits: pure builders of every change a write makes, used by the use cases and by the
 * store tests alike. Each returns one `Commit` — the optimistic checks, the writes and the events, in
 * the order readers must see them (an unpinned entry's `entry.updated` comes first, SPEC §2).
 */
import type { Author, Blog, Entry, Revision } from './schema.js';
import type { Commit, EventDraft } from './store/store.js';

export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

function commitOf(blogId: string, parts: Partial<Commit>): Commit {
  return { blogId, requireBlog: true, expect: [], putEntries: [], deleteEntries: [], events: [], ...parts };
}

/** Who published a version, and the correction note it carries (SPEC §10); default: the author, none. */
export interface PublishedBy {
  editor?: Author;
  correction?: string | null;
}

/** The revision record of one published version of `entry`. */
export function revisionOf(entry: Entry, by: PublishedBy = {}): Revision {
  return {
    version: entry.version,
    at: entry.version === 1 ? entry.createdAt : entry.updatedAt,
    editor: by.editor ?? entry.author,
    ...(entry.headline ? { headline: entry.headline } : {}),
    body: entry.body,
    html: entry.html,
    keyEvent: entry.keyEvent,
    correction: by.correction ?? null,
  };
}

/** Creates or replaces a blog; its event is the blog's `blog.updated`. */
export function upsertBlogCommit(blog: Blog): Commit {
  return commitOf(blog.id, {
    requireBlog: false,
    putBlog: blog,
    events: [{ type: 'blog.updated', at: blog.updatedAt, blog }],
  });
}

/**
 * The idempotency namespace of one editor's key. The editor id is percent-encoded, so the first `:`
 * always ends it: editors `a:b` + key `c` and `a` + key `b:c` never share a record.
 */
export function idempotencyKeyOf(editorId: string, key: string): string {
  return `${encodeURIComponent(editorId)}:${key}`;
}

/**
 * Unpins `pinnedNow` (when it is another entry) because `entryId` becomes the pinned entry: checks the
 * pinned id is still `pinnedNow`'s and puts the unpinned entry's event first.
 */
function pinInstead(entryId: string, pinnedNow: Entry | null, at: string, by: PublishedBy): Partial<Commit> {
  const previous = pinnedNow && pinnedNow.id !== entryId ? pinnedNow : null;
  if (!previous) return { expectPinned: pinnedNow?.id ?? '', setPinned: entryId };
  const unpinned: Entry = { ...previous, pinned: false, updatedAt: at, version: previous.version + 1 };
  return {
    expectPinned: previous.id,
    setPinned: entryId,
    expect: [{ entryId: previous.id, version: previous.version }],
    putEntries: [unpinned],
    putRevisions: [{ entryId: unpinned.id, revision: revisionOf(unpinned, { editor: by.editor }) }],
    events: [{ type: 'entry.updated', at, entry: unpinned }],
  };
}

/** Adds `parts` after `base`'s checks, writes and events. */
function merge(base: Partial<Commit>, parts: Partial<Commit>): Partial<Commit> {
  return {
    ...base,
    ...parts,
    expect: [...(base.expect ?? []), ...(parts.expect ?? [])],
    putEntries: [...(base.putEntries ?? []), ...(parts.putEntries ?? [])],
    putRevisions: [...(base.putRevisions ?? []), ...(parts.putRevisions ?? [])],
    events: [...(base.events ?? []), ...(parts.events ?? [])],
  };
}

/**
 * Creates `entry` (which must not exist yet). `pinnedNow` is the blog's pinned entry as read before,
 * needed only when `entry.pinned`. With `idempotency`, the entry is remembered under the editor's key.
 */
export function createEntryCommit(
  entry: Entry,
  pinnedNow: Entry | null,
  idempotency?: { editorId: string; key: string },
  by: PublishedBy = {},
): Commit {
  const pin = entry.pinned ? pinInstead(entry.id, pinnedNow, entry.createdAt, by) : {};
  const own: Partial<Commit> = {
    expect: [{ entryId: entry.id, version: 0 }],
    putEntries: [entry],
    putRevisions: [{ entryId: entry.id, revision: revisionOf(entry, by) }],
    events: [{ type: 'entry.created', at: entry.createdAt, entry }],
    ...(idempotency
      ? {
          idempotency: {
            key: idempotencyKeyOf(idempotency.editorId, idempotency.key),
            ttlSeconds: IDEMPOTENCY_TTL_SECONDS,
            entry,
          },
        }
      : {}),
  };
  return commitOf(entry.blogId, merge(pin, own));
}

/**
 * Replaces `current` by `next` (its version + 1). `pinnedNow` is needed only when `next` becomes
 * pinned; unpinning checks that `current` is still the pinned entry.
 */
export function updateEntryCommit(
  current: Entry,
  next: Entry,
  pinnedNow: Entry | null,
  by: PublishedBy = {},
): Commit {
  let pin: Partial<Commit> = {};
  if (next.pinned && !current.pinned) pin = pinInstead(next.id, pinnedNow, next.updatedAt, by);
  else if (!next.pinned && current.pinned) pin = { expectPinned: current.id, setPinned: '' };
  const own: Partial<Commit> = {
    expect: [{ entryId: current.id, version: current.version }],
    putEntries: [next],
    putRevisions: [{ entryId: next.id, revision: revisionOf(next, by) }],
    events: [{ type: 'entry.updated', at: next.updatedAt, entry: next }],
  };
  return commitOf(next.blogId, merge(pin, own));
}

/** Deletes `current` (at its current version); a pinned entry leaves the blog without one. */
export function deleteEntryCommit(current: Entry, at: string): Commit {
  const event: EventDraft = { type: 'entry.deleted', at, entryId: current.id };
  return commitOf(current.blogId, {
    expect: [{ entryId: current.id, version: current.version }],
    deleteEntries: [current.id],
    ...(current.pinned ? { expectPinned: current.id, setPinned: '' } : {}),
    events: [event],
  });
}
