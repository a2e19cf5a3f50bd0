/**
 * The reconnect storm, browser side: readers cut off together (their instance died) must not come back
 * together. Each page's socket draws its own backoff base, on top of Socket.IO's ±50 % per attempt.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  readerSocket,
  reconnectBaseDelayMs,
  RECONNECT_BASE_MAX_MS,
  RECONNECT_BASE_MIN_MS,
  RECONNECT_DELAY_MAX_MS,
} from '../../client/lib/sockets.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('reconnection jitter', () => {
  it('draws the base uniformly between its bounds', () => {
    expect(reconnectBaseDelayMs(() => 0)).toBe(RECONNECT_BASE_MIN_MS);
    expect(reconnectBaseDelayMs(() => 0.5)).toBe((RECONNECT_BASE_MIN_MS + RECONNECT_BASE_MAX_MS) / 2);
    expect(reconnectBaseDelayMs(() => 0.999999)).toBeLessThan(RECONNECT_BASE_MAX_MS);
  });

  it("spreads a thousand pages' sockets over the whole range, with Socket.IO's own jitter on top", () => {
    // readerSocket() dials the page's own origin; it is never connected here (autoConnect: false).
    vi.stubGlobal('location', new URL('http://127.0.0.1:9/blogs/x'));
    const bases: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const manager = readerSocket().io;
      expect(manager.randomizationFactor()).toBe(0.5);
      expect(manager.reconnectionDelayMax()).toBe(RECONNECT_DELAY_MAX_MS);
      bases.push(manager.reconnectionDelay());
    }
    expect(Math.min(...bases)).toBeGreaterThanOrEqual(RECONNECT_BASE_MIN_MS);
    expect(Math.max(...bases)).toBeLessThan(RECONNECT_BASE_MAX_MS);
    // Even: each of six 250 ms slices of the 1.5 s range holds about a sixth (167) of the pages, where
    // one base for everybody (Socket.IO's default) would put them all in one slice.
    const slices = [0, 0, 0, 0, 0, 0];
    for (const b of bases) slices[Math.floor((b - RECONNECT_BASE_MIN_MS) / 250)]! += 1;
    for (const n of slices) expect(n).toBeGreaterThan(100);
    expect(new Set(bases.map(Math.round)).size).toBeGreaterThan(500);
  });
});
