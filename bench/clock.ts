/**
 * The one clock every benchmark process stamps and reads: milliseconds on the wall-clock scale with
 * sub-millisecond resolution. All processes run on one machine, so `timeOrigin + now()` agrees across
 * them to within microseconds, and `now()` is monotonic inside each process.
 */
const ORIGIN = performance.timeOrigin;

export function nowMs(): number {
  return ORIGIN + performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
