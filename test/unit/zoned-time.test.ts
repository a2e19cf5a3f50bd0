import { describe, expect, it } from 'vitest';
import { zonedToUtc } from '../../src/shared/zoned-time.js';

describe('zonedToUtc: a wall-clock time in the blog’s time zone', () => {
  it.each([
    ['2026-01-15T12:00', 'UTC', '2026-01-15T12:00:00.000Z'],
    ['2026-01-15T12:00', 'Europe/Kyiv', '2026-01-15T10:00:00.000Z'],
    ['2026-07-15T12:00', 'Europe/Kyiv', '2026-07-15T09:00:00.000Z'],
    ['2026-11-03T21:00', 'America/New_York', '2026-11-04T02:00:00.000Z'],
    ['2026-03-08T12:00', 'America/New_York', '2026-03-08T16:00:00.000Z'],
    ['2026-06-01T00:30', 'Asia/Kolkata', '2026-05-31T19:00:00.000Z'],
  ])('%s in %s is %s', (local, zone, utc) => {
    expect(zonedToUtc(local, zone).toISOString()).toBe(utc);
  });
});
