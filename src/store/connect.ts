/**
 * Connection set-up of the store layer: with a Redis URL, two ioredis clients (commands, and a subscriber
 * for the bus) behind RedisStore and RedisBus; without one, the embedded MemoryStore and MemoryBus.
 * The one place that creates Redis clients.
 */
import { Redis } from 'ioredis';
import { guardStore } from './guarded-store.js';
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

export function connectStore(config: StoreConfig, log: StoreLog): StoreConnection {
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
      client.on('error', (err: Error) => log.warn({ err: err.message, client: name }, 'redis error'));
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
  const store = guardStore(rawStore);
  return {
    store,
    bus,
    async start() {
      await Promise.all(clients.map((c) => c.connect()));
      await store.ping();
      if (!config.redisUrl)
        log.warn(
          'REDIS_URL is not set: using the embedded in-memory store (single instance only, history is lost on exit)',
        );
    },
    async close() {
      await bus.close();
      await store.close();
    },
  };
}
