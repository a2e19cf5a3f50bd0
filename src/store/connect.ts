/**
 * Connection set-up of the store layer: with Redis (a URL, a Cluster's nodes or Sentinels), two ioredis
 * clients (commands, and a subscriber for the bus) behind RedisStore and RedisBus; without, the embedded
 * MemoryStore and MemoryBus. The one place that creates Redis clients.
 */
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { MemoryMediaCatalog, RedisMediaCatalog, type MediaCatalog } from '../media/catalog.js';
import { NO_TELEMETRY, type Telemetry } from '../telemetry.js';
import { createWriteLimiter, type WriteLimiter } from '../write-limit.js';
import { guardStore, type StoreHealth } from './guarded-store.js';
import { MemoryDeskBus, MemoryScheduleQueue } from './memory-desk.js';
import { MemoryBus, MemoryStore } from './memory-store.js';
import { RedisDeskBus, RedisScheduleQueue } from './redis-desk.js';
import { RedisBus, RedisStore, type RedisClient } from './redis-store.js';
import type { DeskBus, EventBus, ScheduleQueue, Store } from './store.js';

export interface StoreConfig {
  /** `redis://…` or `rediss://…`; undefined (and no cluster or sentinels) = the embedded in-memory store. */
  redisUrl: string | undefined;
  /** A Redis Cluster's seed nodes, instead of redisUrl. */
  redisClusterNodes?: { host: string; port: number }[] | undefined;
  /** Sentinels and the monitored master's name, instead of redisUrl. */
  redisSentinel?: { sentinels: { host: string; port: number }[]; name: string } | undefined;
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
  /** The private desk channels of every blog (SPEC §10 drafts and presence). */
  readonly desk: DeskBus;
  /** When scheduled drafts are due, shared by every instance. */
  readonly schedule: ScheduleQueue;
  /** Connects the Redis clients, if any, and checks that the store answers. */
  start(): Promise<void>;
  /** Closes the bus, then the store, and with them their Redis clients. */
  close(): Promise<void>;
  /** A per-editor write limit shared by every instance on this store (in memory without Redis). */
  writeLimiter(writesPerSecond: number): WriteLimiter;
  /** Where media records are kept: Redis `<prefix>media:<id>` with Redis, memory without. */
  mediaCatalog(): MediaCatalog;
}

/** How long after ioredis gave a client up ('end') it is started again. */
const RESTART_AFTER_END_MS = 1000;

/** Fail a command fast rather than queue it while Redis is away; reconnect with capped, jittered backoff. */
function redisOptions(commandTimeout: number): RedisOptions {
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
  let desk: DeskBus;
  let schedule: ScheduleQueue;
  const clients: RedisClient[] = [];
  let closing = false;
  const pair = redisClients(config);
  if (pair) {
    const { commands, subscriber, deskSubscriber, sharded } = pair;
    for (const [name, client] of [
      ['commands', commands],
      ['subscriber', subscriber],
      ['desk', deskSubscriber],
    ] as const) {
      client.on('error', (err: Error) => {
        telemetry.redis(name, 'error');
        log.warn({ err: err.message, client: name }, 'redis error');
      });
      client.on('ready', () => telemetry.redis(name, 'ready'));
      // ioredis gives a client up ('end') when a (re)connect is cut short — e.g. a Sentinel lookup
      // interrupted by a failover — and would stay down for good: start it again, unless we closed it.
      client.on('end', () => {
        if (closing) return;
        log.warn({ client: name }, 'redis client gave up reconnecting: starting it again');
        setTimeout(() => {
          if (!closing && client.status === 'end') client.connect().catch(() => undefined);
        }, RESTART_AFTER_END_MS).unref();
      });
      clients.push(client);
    }
    rawStore = new RedisStore(commands, {
      prefix: config.redisPrefix,
      resumeLogMaxEvents: config.resumeLogMaxEvents,
      commandTimeoutMs: config.redisCommandTimeoutMs,
      sharded,
      // Sentinel: acknowledge a commit once a replica holds it, so a failover cannot lose it.
      replicaWait: config.redisSentinel
        ? { replicas: 1, timeoutMs: Math.floor(config.redisCommandTimeoutMs / 2) }
        : undefined,
      onUnreplicated: (blogId, replicas) =>
        log.warn(
          { blogId, replicas },
          'a commit was not confirmed by a replica in time (acknowledged anyway; a failover now could lose it)',
        ),
    });
    bus = new RedisBus(
      subscriber,
      config.redisPrefix,
      (channel, err) => log.warn({ channel, err }, 'ignored a malformed message on the events channel'),
      sharded,
    );
    desk = new RedisDeskBus(deskSubscriber, config.redisPrefix, (channel, err) =>
      log.warn({ channel, err }, 'ignored a malformed message on the desk channel'),
    );
    schedule = new RedisScheduleQueue(commands, config.redisPrefix);
  } else {
    const memory = new MemoryStore({ resumeLogMaxEvents: config.resumeLogMaxEvents });
    rawStore = memory;
    bus = new MemoryBus(memory);
    desk = new MemoryDeskBus(memory);
    schedule = new MemoryScheduleQueue();
  }
  const outage = new OutageLog(log);
  const store = guardStore(rawStore, outage);
  return {
    store,
    bus,
    desk,
    schedule,
    async start() {
      await Promise.all(clients.map((c) => c.connect()));
      await store.ping();
      const commands = clients[0];
      if (commands) for (const warning of await historySafety(commands)) log.warn(warning);
      if (!pair)
        log.warn(
          'REDIS_URL is not set: using the embedded in-memory store (single instance only, history is lost on exit)',
        );
    },
    async close() {
      closing = true;
      await desk.close();
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
 * The two clients of the configured topology, or undefined for the embedded store. A subscriber's
 * subscriptions made while reconnecting wait for the connection instead of failing.
 */
function redisClients(
  config: StoreConfig,
):
  | { commands: RedisClient; subscriber: RedisClient; deskSubscriber: RedisClient; sharded: boolean }
  | undefined {
  const options = redisOptions(config.redisCommandTimeoutMs);
  const waiting: RedisOptions = { enableOfflineQueue: true, maxRetriesPerRequest: null };
  if (config.redisClusterNodes) {
    const nodes = config.redisClusterNodes;
    const { retryStrategy, lazyConnect, enableOfflineQueue, ...nodeOptions } = options;
    const cluster = (extra: object): Cluster =>
      new Cluster(nodes, {
        lazyConnect,
        enableOfflineQueue,
        clusterRetryStrategy: retryStrategy,
        redisOptions: nodeOptions,
        ...extra,
      });
    return {
      commands: cluster({}),
      // One subscriber connection per master: SSUBSCRIBE goes to the shard that owns the channel's slot.
      subscriber: cluster({
        shardedSubscribers: true,
        enableOfflineQueue: true,
        redisOptions: { ...nodeOptions, maxRetriesPerRequest: null },
      }),
      // The desk's PSUBSCRIBE (plain pub/sub, heard on any node of the cluster).
      deskSubscriber: cluster({
        enableOfflineQueue: true,
        redisOptions: { ...nodeOptions, maxRetriesPerRequest: null },
      }),
      sharded: true,
    };
  }
  if (config.redisSentinel) {
    // ioredis asks the sentinels for the master on every (re)connect and checks its role.
    const sentinel: RedisOptions = {
      sentinels: config.redisSentinel.sentinels,
      name: config.redisSentinel.name,
      // Not ioredis's `failoverDetector`: its +switch-master handler can cut short a reconnect that is
      // asking the sentinels, which can leave the client ended for good. A dead master
      // drops the connection anyway; a demoted master answers writes with READONLY: reconnect (through
      // the sentinels, to the new master) without resending — the refused command ran nothing and
      // answers `unavailable`.
      reconnectOnError: (err: Error) => err.message.startsWith('READONLY'),
    };
    return {
      commands: new Redis({ ...options, ...sentinel }),
      subscriber: new Redis({ ...options, ...waiting, ...sentinel }),
      deskSubscriber: new Redis({ ...options, ...waiting, ...sentinel }),
      sharded: false,
    };
  }
  if (config.redisUrl) {
    return {
      commands: new Redis(config.redisUrl, options),
      subscriber: new Redis(config.redisUrl, { ...options, ...waiting }),
      deskSubscriber: new Redis(config.redisUrl, { ...options, ...waiting }),
      sharded: false,
    };
  }
  return undefined;
}

/**
 * Warnings when Redis would not keep an acknowledged entry: neither AOF nor RDB snapshots (a restart
 * loses the history), or a `maxmemory-policy` that may evict any key. Read from INFO and CONFIG; a Redis
 * that refuses CONFIG (managed services) is judged by INFO alone.
 */
export async function historySafety(redis: RedisClient): Promise<string[]> {
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
