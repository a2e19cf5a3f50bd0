/**
 * What the parts of liveblog report about themselves, as plain calls: the core stays free of any metrics
 * library, and `createMetrics` (src/metrics.ts) turns these calls into Prometheus series.
 */
import type { ErrorCode } from './schema.js';

export interface Telemetry {
  /** A subscribe was answered with a fresh snapshot or a resume. */
  subscribed(kind: 'fresh' | 'resumed'): void;
  /** A write ended: `ok` or the SPEC's error code it was answered with. */
  wrote(outcome: 'ok' | ErrorCode): void;
  /** This instance committed (recorded and published) `count` events. */
  published(count: number): void;
  /** One event went out to `sockets` local sockets, `latencyMs` after its commit time. */
  delivered(sockets: number, latencyMs: number): void;
  /** A reader too far behind (`backlogBytes` waiting for it) was dropped. */
  slowReaderDropped(socketId: string, backlogBytes: number): void;
  /** A request was refused with `rate_limited`. */
  rateLimited(who: 'reader' | 'editor'): void;
  /** A Redis client reported an error, or (re)connected. */
  redis(client: string, what: 'error' | 'ready'): void;
}

const ignore = (): void => undefined;

/** Reports nowhere: for tests and tools that do not serve /metrics. */
export const NO_TELEMETRY: Telemetry = {
  subscribed: ignore,
  wrote: ignore,
  published: ignore,
  delivered: ignore,
  slowReaderDropped: ignore,
  rateLimited: ignore,
  redis: ignore,
};
