/** Outside views of a running server and of Redis: command counts, event-loop delay. */
import type { Redis } from 'ioredis';

/** Calls per command from INFO commandstats (our own INFO calls left out). */
export async function commandStats(redis: Redis): Promise<Map<string, number>> {
  const text = await redis.info('commandstats');
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    const name = m[1] ?? '';
    if (name !== 'info') out.set(name, Number(m[2]));
  }
  return out;
}

export function commandDelta(
  before: Map<string, number>,
  after: Map<string, number>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, calls] of after) {
    const d = calls - (before.get(name) ?? 0);
    if (d > 0) out[name] = d;
  }
  return out;
}

export function sumValues(rec: Record<string, number>): number {
  return Object.values(rec).reduce((a, b) => a + b, 0);
}

/**
 * The server's event-loop delay p99 in ms, from `nodejs_eventloop_lag_p99_seconds` on `/metrics`
 * (prom-client resets its histogram on every scrape, so a scrape at the start of a window and one at
 * its end give the p99 over the window). null when the server does not expose it.
 */
export async function eventLoopP99Ms(baseUrl: string): Promise<number | null> {
  try {
    const res = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(3000) });
    if (!res.ok) return null;
    const text = await res.text();
    const m = /^nodejs_eventloop_lag_p99_seconds(?:\{[^}]*\})?\s+(\S+)/m.exec(text);
    const v = m?.[1] === undefined ? Number.NaN : Number(m[1]);
    return Number.isFinite(v) ? v * 1000 : null;
  } catch {
    return null;
  }
}
