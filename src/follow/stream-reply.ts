/** Shapes of the Redis Stream replies the follower reads, checked rather than cast. */

/** One stream entry: its id and its flat field/value list. */
export interface StreamEntry {
  id: string;
  fields: string[];
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/** Entries of an XRANGE / XREVRANGE reply. */
export function parseEntries(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply)) throw new Error('a stream range reply is not an array');
  return reply.map((row: unknown) => {
    if (!Array.isArray(row) || typeof row[0] !== 'string' || !isStringArray(row[1])) {
      throw new Error('a stream entry is not [id, [field, value, …]]');
    }
    return { id: row[0], fields: row[1] };
  });
}

/** Entries per stream key of an XREAD reply (null when it timed out). */
export function parseXread(reply: unknown): Map<string, StreamEntry[]> {
  const byKey = new Map<string, StreamEntry[]>();
  if (reply === null) return byKey;
  if (!Array.isArray(reply)) throw new Error('an XREAD reply is not an array');
  for (const row of reply as unknown[]) {
    if (!Array.isArray(row) || typeof row[0] !== 'string')
      throw new Error('an XREAD row is not [key, entries]');
    byKey.set(row[0], parseEntries(row[1]));
  }
  return byKey;
}

/** The seq of an entry id `<seq>-0` (SPEC §9), or null for an id liveblog did not write. */
export function seqOfId(id: string): number | null {
  const m = /^(\d{1,15})-0$/.exec(id);
  return m?.[1] ? Number(m[1]) : null;
}

/** The value of `field` in a flat field/value list. */
export function fieldOf(fields: string[], field: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === field) return fields[i + 1];
  return undefined;
}
