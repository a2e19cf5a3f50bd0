import { describe, expect, it } from 'vitest';
import type { Entry } from '../../src/schema.js';
import { isEdited, isNewer, newestFirst } from '../../src/shared/presentation.js';

const T0 = '2014-03-14T09:00:00.000Z';
const T1 = '2014-03-14T09:05:00.000Z';

function entry(overrides: Partial<Entry> = {}): Entry {
  return {
    id: '01HS0000000000000000000000',
    blogId: 'crisis-in-ukraine',
    headline: 'Kerry and Lavrov meet in London',
    body: 'Talks **begin**.',
    html: '<p>Talks <strong>begin</strong>.</p>',
    author: { id: 'alice-smith', name: 'Alice Smith' },
    keyEvent: false,
    pinned: false,
    createdAt: T0,
    updatedAt: T0,
    version: 1,
    ...overrides,
  };
}

describe('newestFirst', () => {
  it('puts the newest createdAt first, whatever the ids say', () => {
    const older = entry({ id: '01HS000000000000000000000Z', createdAt: T0 });
    const newer = entry({ id: '01HS0000000000000000000001', createdAt: T1 });
    expect([older, newer].sort(newestFirst)).toEqual([newer, older]);
    expect(isNewer(newer, older)).toBe(true);
    expect(isNewer(older, newer)).toBe(false);
  });

  it('orders entries with the same createdAt by id, highest first (the store order)', () => {
    const ids = ['01HS0000000000000000000002', '01HS0000000000000000000009', '01HS0000000000000000000005'];
    const sorted = ids.map((id) => entry({ id })).sort(newestFirst);
    expect(sorted.map((e) => e.id)).toEqual([
      '01HS0000000000000000000009',
      '01HS0000000000000000000005',
      '01HS0000000000000000000002',
    ]);
  });

  it('is a total order: the input order never changes the result', () => {
    const entries = [
      entry({ id: '01HS0000000000000000000001', createdAt: T0 }),
      entry({ id: '01HS0000000000000000000002', createdAt: T0 }),
      entry({ id: '01HS0000000000000000000003', createdAt: T1 }),
      entry({ id: '01HS0000000000000000000004', createdAt: T1 }),
    ];
    const expected = ['4', '3', '2', '1'].map((n) => `01HS000000000000000000000${n}`);
    expect([...entries].sort(newestFirst).map((e) => e.id)).toEqual(expected);
    expect(
      [...entries]
        .reverse()
        .sort(newestFirst)
        .map((e) => e.id),
    ).toEqual(expected);
  });

  it('compares an entry with itself as equal, and neither is newer', () => {
    const a = entry();
    expect(newestFirst(a, { ...a })).toBe(0);
    expect(isNewer(a, { ...a })).toBe(false);
  });
});

describe('isEdited', () => {
  it('is false for a new entry', () => {
    expect(isEdited(entry())).toBe(false);
  });

  it('is true once an update moved version and updatedAt on', () => {
    expect(isEdited(entry({ version: 2, updatedAt: T1 }))).toBe(true);
  });

  it('is false when updatedAt still equals createdAt, whatever the version', () => {
    expect(isEdited(entry({ version: 3, updatedAt: T0 }))).toBe(false);
  });
});
