/**
 * Connection set-up of the store layer: with a Redis URL, two ioredis clients (commands, and a subscriber
 * for the bus) behind RedisStore and RedisBus; without one, the embedded MemoryStore and MemoryBus.
 * The one place that creates Redis clients.
 */
import { Redis } from 'ioredis';
import { MemoryMediaCatalog, RedisMediaCatalog, type MediaCatalog } from '../media/catalog.js';
import { NO_TELEMETRY, type Telemetry } from '../telemetry.js';
import { createWriteLimiter, type WriteLimiter } from '../write-limit.js';
import { guardStore, type StoreHealth } from './guarded-store.js';
import { MemoryBus, MemoryStore } from './memory-store.js';
import { RedisBus, RedisStore } from './redis-store.js';
import type { EventBus, Store } from './store.js';

export interface StoreConfig {
  /** `redis://…` or `rediss://…`; undefined = the embedded in-memory store. */
  redisUrl: string | undefined;
  redisPrefix: string;
  resumeLogMaxEvents: number;
  /** A command unanswered this long fails (a write then answers `unavailable`). */
  redisCommandTimeoutMs: number;
}

export interface StoreLog {
  warn(obj: object, msg: string): void;
  warn(msg: string): void;
}

export interface StoreConnection {
  /** The store; "cannot be reached" failures of any call are the SPEC's `unavailable`. */
  readonly store: Store;
  readonly bus: EventBus;
  /** Connects the Redis clients, if any, and checks that the store answers. */
  start(): Promise<void>;
  /** Closes the bus, then the store, and with them their Redis clients. */
  close(): Promise<void>;
  /** A per-editor write limit shared by every instance on this store (in memory without Redis). */
  writeLimiter(writesPerSecond: number): WriteLimiter;
  /** Where media records are kept: Redis `<prefix>media:<id>` with Redis, memory without. */
  mediaCatalog(): MediaCatalog;
}

/** Fail a command fast rather than queue it while Redis is away; reconnect with capped, jittered backoff. */
function redisOptions(commandTimeout: number) {
  return {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout,
    retryStrategy: (times: number) => Math.min(50 * 2 ** times, 2000) + Math.floor(Math.random() * 100),
  };
}

export function connectStore(
  config: StoreConfig,
  log: StoreLog,
  telemetry: Telemetry = NO_TELEMETRY,
): StoreConnection {
  let rawStore: Store;
  let bus: EventBus;
  const clients: Redis[] = [];
  if (config.redisUrl) {
    const options = redisOptions(config.redisCommandTimeoutMs);
    const commands = new Redis(config.redisUrl, options);
    // Subscriptions made while reconnecting wait for the connection instead of failing.
    const subscriber = new Redis(config.redisUrl, {
      ...options,
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
    });
    for (const [name, client] of [
      ['commands', commands],
      ['subscriber', subscriber],
    ] as const) {
      client.on('error', (err: Error) => {
        telemetry.redis(name, 'error');
        log.warn({ err: err.message, client: name }, 'redis error');
      });
      client.on('ready', () => telemetry.redis(name, 'ready'));
      clients.push(client);
    }
    rawStore = new RedisStore(commands, {
      prefix: config.redisPrefix,
      resumeLogMaxEvents: config.resumeLogMaxEvents,
      commandTimeoutMs: config.redisCommandTimeoutMs,
    });
    bus = new RedisBus(subscriber, config.redisPrefix, (channel, err) =>
      log.warn({ channel, err }, 'ignored a malformed message on the events channel'),
    );
  } else {
    const memory = new MemoryStore({ resumeLogMaxEvents: config.resumeLogMaxEvents });
    rawStore = memory;
    bus = new MemoryBus(memory);
  }
  const outage = new OutageLog(log);
  const store = guardStore(rawStore, outage);
  return {
    store,
    bus,
    async start() {
      await Promise.all(clients.map((c) => c.connect()));
      await store.ping();
      const commands = clients[0];
      if (commands) for (const warning of await historySafety(commands)) log.warn(warning);
      if (!config.redisUrl)
        log.warn(
          'REDIS_URL is not set: using the embedded in-memory store (single instance only, history is lost on exit)',
        );
    },
    async close() {
      await bus.close();
      await store.close();
    },
    writeLimiter(writesPerSecond) {
      const commands = clients[0];
      return createWriteLimiter(
        writesPerSecond,
        commands ? { client: commands, prefix: config.redisPrefix } : undefined,
      );
    },
    mediaCatalog() {
      const commands = clients[0];
      return commands ? new RedisMediaCatalog(commands, config.redisPrefix) : new MemoryMediaCatalog();
    },
  };
}

/**
 * Warnings when Redis would not keep an acknowledged entry: neither AOF nor RDB snapshots (a restart
 * loses the history), or a `maxmemory-policy` that may evict any key. Read from INFO and CONFIG; a Redis
 * that refuses CONFIG (managed services) is judged by INFO alone.
 */
export async function historySafety(redis: Redis): Promise<string[]> {
  const warnings: string[] = [];
  const info = await redis.info('persistence').catch(() => '');
  const field = (name: string): string | undefined =>
    new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();
  let save: string | undefined;
  let policy: string | undefined;
  try {
    save = ((await redis.call('CONFIG', 'GET', 'save')) as string[])[1];
    policy = ((await redis.call('CONFIG', 'GET', 'maxmemory-policy')) as string[])[1];
  } catch {
    // CONFIG is disabled: INFO is all there is.
  }
  if (field('aof_enabled') === '0' && save !== undefined && save.trim() === '') {
    warnings.push(
      'Redis keeps nothing on disk (appendonly no, save ""): a Redis restart loses every entry — enable AOF (appendonly yes)',
    );
  }
  if (policy?.startsWith('allkeys-')) {
    warnings.push(
      `Redis maxmemory-policy is ${policy}: under memory pressure it may evict blog history — use noeviction`,
    );
  }
  return warnings;
}

/** How often an ongoing store outage is logged again (with the count of failed calls). */
const OUTAGE_LOG_INTERVAL_MS = 5000;

/** Logs a store outage at warn: its start, a summary every few seconds, and its end. */
class OutageLog implements StoreHealth {
  private failures = 0;
  private since = 0;
  private lastLog = 0;

  constructor(private readonly log: StoreLog) {}

  failed(operation: string, err: unknown): void {
    const now = Date.now();
    this.failures += 1;
    const message = err instanceof Error ? err.message : String(err);
    if (this.failures === 1) {
      this.since = now;
      this.lastLog = now;
      this.log.warn({ operation, err: message }, 'store unreachable: answering unavailable');
    } else if (now - this.lastLog >= OUTAGE_LOG_INTERVAL_MS) {
      this.lastLog = now;
      this.log.warn(
        { operation, err: message, failures: this.failures, forMs: now - this.since },
        'store still unreachable',
      );
    }
  }

  succeeded(): void {
    if (this.failures === 0) return;
    this.log.warn({ failures: this.failures, forMs: Date.now() - this.since }, 'store reachable again');
    this.failures = 0;
  }
}
