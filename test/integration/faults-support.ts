/** What every fault test asserts about its readers, against what the store holds afterwards. */
import { expect } from 'vitest';
import type { Entry } from '../../src/schema.js';
import type { TrackingReader } from '../helpers/tracking-reader.js';
import { until } from '../helpers/wait.js';
import type { WriteOutcome } from '../helpers/writes.js';

/** Waits until every reader is caught up with the store's latest event (same cursor, nothing pending). */
export async function readersCaughtUp(readers: TrackingReader[], cursor: string, ms = 15_000): Promise<void> {
  await until(
    `every reader to reach cursor ${cursor}`,
    () => readers.every((r) => r.synced() && r.cursor === cursor),
    ms,
  ).catch((err: unknown) => {
    const where = readers.map((r) => `${r.cursor ?? 'none'} after ${r.answers.join(',')}`).join('; ');
    throw new Error(`${err instanceof Error ? err.message : String(err)} (readers at: ${where})`);
  });
}

const byId = (entries: Iterable<Entry>): Entry[] => [...entries].sort((x, y) => (x.id < y.id ? -1 : 1));

/**
 * The reader saw no gap, no duplicate and no entry twice, and what it shows is exactly what the store
 * holds. With `oneSegment`, it never needed a fresh snapshot after its first one (every reconnect
 * resumed), so every entry created since then reached it as exactly one `entry.created`.
 */
export function expectReaderMatchesStore(
  reader: TrackingReader,
  stored: { entries: Entry[]; cursor: string },
  options: { oneSegment: boolean },
): void {
  const who = `reader on ${reader.url} (answers ${reader.answers.join(',')})`;
  expect(reader.violations, `${who}: gaps or duplicates`).toEqual([]);
  expect(reader.cursor, `${who}: cursor`).toBe(stored.cursor);
  expect(byId(reader.current.entries.values()), `${who}: entries shown`).toEqual(byId(stored.entries));
  if (options.oneSegment) {
    expect(reader.segments, `${who}: fresh snapshots after the first`).toHaveLength(1);
    const initial = new Set(reader.current.snapshot.entries.map((e) => e.id));
    const expected = stored.entries.filter((e) => !initial.has(e.id)).map((e) => e.id);
    const counts = reader.deliveries();
    expect([...counts.keys()].sort(), `${who}: entries delivered`).toEqual(expected.sort());
    expect(
      [...counts.values()].every((n) => n === 1),
      `${who}: each delivered once`,
    ).toBe(true);
  }
}

/** Every acknowledged write is in the store, once, as the entry its answer named. */
export function expectAcknowledgedStored(acknowledged: WriteOutcome[], stored: { entries: Entry[] }): void {
  const ids = new Map<string, number>();
  for (const e of stored.entries) ids.set(e.id, (ids.get(e.id) ?? 0) + 1);
  const lost = acknowledged.filter((o) => ids.get(o.entryId ?? '') !== 1).map((o) => `${o.via}: ${o.body}`);
  expect(lost, 'acknowledged writes missing from the store').toEqual([]);
}

/** Outcome codes and how often each occurred, for assertion messages. */
export function tally(outcomes: WriteOutcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) {
    const key = o.ok ? 'ok' : (o.code ?? '?');
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
