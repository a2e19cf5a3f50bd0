/** The named commits: what each change checks, writes and announces, in order. */
import { describe, expect, it } from 'vitest';
import {
  createEntryCommit,
  deleteEntryCommit,
  idempotencyKeyOf,
  updateEntryCommit,
} from '../../src/commits.js';
import { makeEntry, revise } from '../helpers/store-fixtures.js';

describe('commit builders', () => {
  it('pinning a new entry unpins the previous one, whose event comes first', () => {
    const previous = makeEntry('b', { pinned: true });
    const entry = makeEntry('b', { pinned: true });
    const c = createEntryCommit(entry, previous);
    expect(c.expectPinned).toBe(previous.id);
    expect(c.setPinned).toBe(entry.id);
    expect(c.events.map((e) => e.type)).toEqual(['entry.updated', 'entry.created']);
    expect(c.putEntries.map((e) => [e.id, e.pinned, e.version])).toEqual([
      [previous.id, false, previous.version + 1],
      [entry.id, true, 1],
    ]);
    expect(c.expect).toEqual([
      { entryId: previous.id, version: previous.version },
      { entryId: entry.id, version: 0 },
    ]);
  });

  it('an unpinned entry touches no pin', () => {
    const c = createEntryCommit(makeEntry('b'), null);
    expect(c.expectPinned).toBeUndefined();
    expect(c.setPinned).toBeUndefined();
  });

  it('unpinning by update checks the entry is still the pinned one; deleting it clears the pin', () => {
    const current = makeEntry('b', { pinned: true });
    const next = revise(current, { pinned: false });
    expect(updateEntryCommit(current, next, null)).toMatchObject({ expectPinned: current.id, setPinned: '' });
    expect(deleteEntryCommit(current, current.updatedAt)).toMatchObject({
      expectPinned: current.id,
      setPinned: '',
      deleteEntries: [current.id],
    });
  });

  it('idempotency keys of different editors never share a record', () => {
    expect(idempotencyKeyOf('a:b', 'c')).not.toBe(idempotencyKeyOf('a', 'b:c'));
    expect(idempotencyKeyOf('alice-smith', 'kerry-1')).toBe('alice-smith:kerry-1');
  });
});
