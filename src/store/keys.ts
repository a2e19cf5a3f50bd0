/**
 * The Redis key layout (documented in the README). Every key of one blog carries the hash tag
 * `{<blogId>}`, so a blog's keys live in one Redis Cluster slot and one Lua script may touch them all.
 */
export interface BlogKeys {
  blog: string;
  entries: string;
  timeline: string;
  keyEvents: string;
  pinned: string;
  seq: string;
  epoch: string;
  log: string;
  /** The blog's events as a Redis Stream (SPEC §9), entry id `<seq>-0`, field `event`. */
  stream: string;
  /** SPEC §10 revisions: a hash, field = entry id, value = the JSON array of its published versions. */
  revisions: string;
  readers: string;
  idempotencyPrefix: string;
  channel: string;
  /** The blog's drafts (SPEC §10): a hash draftId → Draft JSON, never in the events or the stream. */
  drafts: string;
  /** The private desk channel: draft events and presence for editors, never for readers. */
  desk: string;
}

export function blogKeys(prefix: string, blogId: string): BlogKeys {
  const base = `${prefix}{${blogId}}:`;
  return {
    blog: `${base}blog`,
    entries: `${base}entries`,
    timeline: `${base}timeline`,
    keyEvents: `${base}keyevents`,
    pinned: `${base}pinned`,
    seq: `${base}seq`,
    epoch: `${base}epoch`,
    log: `${base}log`,
    stream: `${base}stream`,
    revisions: `${base}revisions`,
    readers: `${base}readers`,
    idempotencyPrefix: `${base}idem:`,
    channel: `${base}events`,
    drafts: `${base}drafts`,
    desk: `${base}desk`,
  };
}

/** The blog index (not hash-tagged: it spans blogs). */
export function blogIndexKey(prefix: string): string {
  return `${prefix}blogs`;
}

/** blogId from a channel name, or null when the channel is not one of ours. */
export function blogIdFromChannel(prefix: string, channel: string): string | null {
  if (!channel.startsWith(`${prefix}{`) || !channel.endsWith('}:events')) return null;
  return channel.slice(prefix.length + 1, -'}:events'.length);
}

/** Scheduled drafts of every blog: a sorted set, member `<blogId>/<draftId>`, score = due time (ms). */
export function scheduleKey(prefix: string): string {
  return `${prefix}schedule`;
}

/** The PSUBSCRIBE pattern of every blog's private desk channel. */
export function deskPattern(prefix: string): string {
  return `${prefix}{*}:desk`;
}

/** blogId from a desk channel name, or null. */
export function blogIdFromDeskChannel(prefix: string, channel: string): string | null {
  if (!channel.startsWith(`${prefix}{`) || !channel.endsWith('}:desk')) return null;
  return channel.slice(prefix.length + 1, -'}:desk'.length);
}
