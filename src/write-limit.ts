/**
 * The per-editor write limit (EDITOR_WRITES_PER_SECOND): one budget per editor, whatever connections
 * and instances its writes arrive on. With Redis it is kept there (rate-limiter-flexible's
 * RateLimiterRedis), with a per-instance memory limiter as insurance while Redis cannot be reached; on
 * the embedded store it is in memory.
 */
import type { Cluster, Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';

/** The window: a burst may spend a whole window's budget (twice the per-second rate) at once. */
export const WRITE_LIMIT_WINDOW_SECONDS = 2;

export interface WriteLimiter {
  /** Counts one write of `editorId`; false when the editor is over its budget. */
  take(editorId: string): Promise<boolean>;
}

const UNLIMITED: WriteLimiter = { take: () => Promise.resolve(true) };

export function createWriteLimiter(
  writesPerSecond: number,
  redis?: { client: Redis | Cluster; prefix: string },
): WriteLimiter {
  if (writesPerSecond <= 0) return UNLIMITED;
  const points = Math.max(1, Math.round(writesPerSecond * WRITE_LIMIT_WINDOW_SECONDS));
  const memory = new RateLimiterMemory({ points, duration: WRITE_LIMIT_WINDOW_SECONDS });
  const limiter: RateLimiterAbstract = redis
    ? new RateLimiterRedis({
        storeClient: redis.client,
        keyPrefix: `${redis.prefix}ratelimit:editor`,
        points,
        duration: WRITE_LIMIT_WINDOW_SECONDS,
        insuranceLimiter: memory,
      })
    : memory;
  return {
    async take(editorId) {
      try {
        await limiter.consume(editorId);
        return true;
      } catch (refusal) {
        if (refusal instanceof RateLimiterRes) return false;
        throw refusal;
      }
    },
  };
}
