/**
 * The shared store: all Redis access of liveblog lives in this file and its Lua scripts.
 * One command connection for reads and commits; RedisBus holds the subscriber connection.
 */
import type { Redis, Result } from 'ioredis';
import { AppError } from '../errors.js';
import { withBlogDefaults, type Blog, type Entry, type LiveEvent } from '../schema.js';
import { draftHalves, parseEvent } from './events.js';
import { blogIdFromChannel, blogIndexKey, blogKeys } from './keys.js';
import { COMMIT_LUA, EVENTS_LUA, PAGE_LUA, SNAPSHOT_LUA } from './lua.js';
import { newEpoch } from './memory-store.js';
import type {
  Commit,
  CommitResult,
  EntryPageQuery,
  EventBus,
  EventListener,
  Snapshot,
  Store,
} from './store.js';

type Arg = string | number;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    lbCommit(...args: Arg[]): Result<(string | number)[], Context>;
    lbSnapshot(...args: Arg[]): Result<(string | number)[] | null, Context>;
    lbPage(...args: Arg[]): Result<(string | number)[], Context>;
    lbEvents(...args: Arg[]): Result<string[] | null, Context>;
  }
}

export interface RedisStoreOptions {
  /** Key and channel prefix. Default `liveblog:`. */
  prefix?: string;
  /** Events kept per blog for resume. Default 1,000. */
  resumeLogMaxEvents?: number;
  /**
   * The connection's command timeout: a commit not answered within it is reported `unavailable`, so
   * Redis must not run it later. Default 5,000.
   */
  commandTimeoutMs?: number;
}

/** Re-measure the Redis clock this often (its offset to ours drifts slowly). */
const CLOCK_SYNC_INTERVAL_MS = 30_000;

/**
 * A commit's deadline leaves this share of the command timeout between "Redis may still run it" and
 * "we answer unavailable": room for a reply in flight and for the error of the clock offset.
 */
const DEADLINE_SHARE = 0.6;

/** Wall-clock milliseconds that never jump with the system clock. */
function monotonicMs(): number {
  return performance.timeOrigin + performance.now();
}

export class RedisStore implements Store {
  private readonly prefix: string;
  private readonly logMax: number;
  private readonly commandTimeoutMs: number;
  /** Redis's clock minus ours (ms), from the sample with the shortest round trip; null until measured. */
  private clockOffsetMs: number | null = null;
  private clockRoundTripMs = Infinity;
  private clockSyncedAt = -Infinity;
  private clockSync: Promise<void> | null = null;

  constructor(
    private readonly redis: Redis,
    options: RedisStoreOptions = {},
  ) {
    this.prefix = options.prefix ?? 'liveblog:';
    this.logMax = options.resumeLogMaxEvents ?? 1000;
    this.commandTimeoutMs = options.commandTimeoutMs ?? 5000;
    redis.defineCommand('lbCommit', { numberOfKeys: 10, lua: COMMIT_LUA });
    redis.defineCommand('lbSnapshot', { numberOfKeys: 6, lua: SNAPSHOT_LUA });
    redis.defineCommand('lbPage', { numberOfKeys: 2, lua: PAGE_LUA });
    redis.defineCommand('lbEvents', { numberOfKeys: 3, lua: EVENTS_LUA });
  }

  /** Measure Redis's clock against ours; commits carry deadlines in Redis time. */
  private syncClock(): Promise<void> {
    this.clockSync ??= (async () => {
      try {
        const before = monotonicMs();
        const [sec, usec] = await this.redis.time();
        const after = monotonicMs();
        const roundTrip = after - before;
        const offset = Number(sec) * 1000 + Math.floor(Number(usec) / 1000) - (before + after) / 2;
        // Keep the best sample unless it is old: a shorter round trip bounds the error better.
        const stale = monotonicMs() - this.clockSyncedAt > CLOCK_SYNC_INTERVAL_MS * 4;
        if (roundTrip <= this.clockRoundTripMs || stale) {
          this.clockOffsetMs = offset;
          this.clockRoundTripMs = roundTrip;
        }
        this.clockSyncedAt = after;
      } finally {
        this.clockSync = null;
      }
    })();
    return this.clockSync;
  }

  /** The latest Redis time at which a commit sent now may still run. */
  private async deadline(): Promise<number> {
    if (this.clockOffsetMs === null) await this.syncClock();
    else if (monotonicMs() - this.clockSyncedAt > CLOCK_SYNC_INTERVAL_MS)
      void this.syncClock().catch(() => 0);
    const offset = this.clockOffsetMs ?? 0;
    return Math.floor(monotonicMs() + offset + this.commandTimeoutMs * DEADLINE_SHARE);
  }

  async commit(c: Commit): Promise<CommitResult> {
    const k = blogKeys(this.prefix, c.blogId);
    if (c.putBlog) {
      // The index spans blogs (another Cluster slot), so it cannot be in the script. It is written first:
      // an id whose blog was never committed is skipped by listBlogs, so the index heals itself.
      await this.redis.zadd(blogIndexKey(this.prefix), 0, c.blogId);
    }
    const deadline = await this.deadline();
    const op = {
      requireBlog: c.requireBlog,
      expect: c.expect.map((e) => ({ id: e.entryId, version: e.version })),
      expectPinned: c.expectPinned,
      puts: c.putEntries.map((e) => ({ id: e.id, json: JSON.stringify(e), key: e.keyEvent })),
      dels: c.deleteEntries,
      pin: c.setPinned,
      blog: c.putBlog ? JSON.stringify(c.putBlog) : undefined,
      events: c.events.map((d) => draftHalves(c.blogId, d)),
      idem: c.idempotency
        ? { json: JSON.stringify(c.idempotency.entry), ttl: c.idempotency.ttlSeconds }
        : undefined,
    };
    const idemKey = `${k.idempotencyPrefix}${c.idempotency?.key ?? ''}`;
    const reply = await this.redis.lbCommit(
      k.blog,
      k.entries,
      k.timeline,
      k.keyEvents,
      k.pinned,
      k.seq,
      k.epoch,
      k.log,
      idemKey,
      k.stream,
      JSON.stringify(op),
      k.channel,
      newEpoch(),
      this.logMax,
      deadline,
    );
    const [status, a, b] = reply;
    switch (status) {
      case 'expired':
        // Redis ran it too late: it wrote nothing, and the caller may already have given up on it.
        throw new Error('Redis reached the commit after its deadline; nothing was written');
      case 'ok':
        return { status: 'ok', seq: Number(a), cursor: `${String(b)}.${Number(a)}` };
      case 'duplicate':
        return { status: 'duplicate', entry: JSON.parse(String(a)) as Entry };
      case 'not_found':
        return { status: 'not_found' };
      case 'conflict':
        return { status: 'conflict', entryId: String(a) };
      case 'pin_conflict':
        return { status: 'pin_conflict', pinnedId: String(a ?? '') };
      default:
        throw new Error(`commit script answered an unknown status: ${String(status)}`);
    }
  }

  async getBlog(blogId: string): Promise<Blog | null> {
    const json = await this.redis.get(blogKeys(this.prefix, blogId).blog);
    return json ? readBlog(json) : null;
  }

  async listBlogs(): Promise<Blog[]> {
    const ids = await this.redis.zrange(blogIndexKey(this.prefix), 0, -1);
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.get(blogKeys(this.prefix, id).blog);
    const rows = (await pipeline.exec()) ?? [];
    const blogs = rows.flatMap(([err, json]) => (!err && typeof json === 'string' ? [readBlog(json)] : []));
    return blogs.sort((x, y) => (x.updatedAt < y.updatedAt ? 1 : -1));
  }

  async getEntry(blogId: string, entryId: string): Promise<Entry | null> {
    const json = await this.redis.hget(blogKeys(this.prefix, blogId).entries, entryId);
    return json ? (JSON.parse(json) as Entry) : null;
  }

  async listEntries(blogId: string, q: EntryPageQuery): Promise<{ entries: Entry[]; hasMore: boolean }> {
    const k = blogKeys(this.prefix, blogId);
    const reply = await this.redis.lbPage(
      k.entries,
      q.keyEvents ? k.keyEvents : k.timeline,
      q.before === undefined ? '+' : `(${q.before}`,
      q.limit,
    );
    const [hasMore, ...rows] = reply;
    return { entries: rows.map((r) => JSON.parse(String(r)) as Entry), hasMore: hasMore === 1 };
  }

  async snapshot(blogId: string, limit: number): Promise<Snapshot | null> {
    const k = blogKeys(this.prefix, blogId);
    const reply = await this.redis.lbSnapshot(k.blog, k.entries, k.timeline, k.pinned, k.seq, k.epoch, limit);
    if (!reply) return null;
    const [blog, seq, epoch, total, pinned, ...rows] = reply;
    return {
      blog: readBlog(String(blog)),
      seq: Number(seq),
      epoch: String(epoch),
      total: Number(total),
      pinned: pinned ? (JSON.parse(String(pinned)) as Entry) : null,
      entries: rows.map((r) => JSON.parse(String(r)) as Entry),
    };
  }

  async head(blogId: string): Promise<{ seq: number; epoch: string } | null> {
    const k = blogKeys(this.prefix, blogId);
    const [exists, seq, epoch] = await Promise.all([
      this.redis.exists(k.blog),
      this.redis.get(k.seq),
      this.redis.get(k.epoch),
    ]);
    return exists && epoch ? { seq: Number(seq ?? 0), epoch } : null;
  }

  async readEvents(blogId: string, epoch: string, afterSeq: number): Promise<LiveEvent[] | null> {
    const k = blogKeys(this.prefix, blogId);
    const rows = await this.redis.lbEvents(k.seq, k.epoch, k.log, epoch, afterSeq);
    return rows ? rows.map(parseEvent) : null;
  }

  async reportReaders(
    instanceId: string,
    counts: Map<string, number>,
    ttlMs: number,
  ): Promise<Map<string, number>> {
    const now = Date.now();
    const blogIds = [...counts.keys()];
    const pipeline = this.redis.pipeline();
    for (const blogId of blogIds) {
      const key = blogKeys(this.prefix, blogId).readers;
      // Field value "<count>:<expiresAtMs>": a crashed instance's count expires without anyone cleaning up.
      pipeline.hset(key, instanceId, `${counts.get(blogId) ?? 0}:${now + ttlMs}`);
      // Only ever extend the key's life, so a short report cannot expire other instances' longer ones.
      pipeline.pexpire(key, ttlMs * 3, 'NX');
      pipeline.pexpire(key, ttlMs * 3, 'GT');
      pipeline.hgetall(key);
    }
    const rows = (await pipeline.exec()) ?? [];
    const totals = new Map<string, number>();
    blogIds.forEach((blogId, i) => {
      const [err, fields] = rows[i * 4 + 3] ?? [null, {}];
      let total = 0;
      const stale: string[] = [];
      if (!err && fields && typeof fields === 'object') {
        for (const [instance, value] of Object.entries(fields as Record<string, string>)) {
          const [count, expires] = value.split(':').map(Number);
          if ((expires ?? 0) > now) total += count ?? 0;
          else stale.push(instance);
        }
      }
      if (stale.length > 0)
        void this.redis.hdel(blogKeys(this.prefix, blogId).readers, ...stale).catch(() => 0);
      totals.set(blogId, total);
    });
    return totals;
  }

  async ping(): Promise<void> {
    await this.syncClock();
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** How long a subscribe waits for a reconnecting subscriber connection before answering `unavailable`. */
export const BUS_READY_WAIT_MS = 2500;

/** Pub/sub over a dedicated subscriber connection. */
export class RedisBus implements EventBus {
  private readonly listeners = new Map<string, EventListener>();
  private everReady: boolean;

  constructor(
    private readonly sub: Redis,
    private readonly prefix = 'liveblog:',
    private readonly onBadMessage: (channel: string, err: unknown) => void = () => undefined,
  ) {
    this.everReady = sub.status === 'ready';
    sub.on('message', (channel: string, message: string) => {
      const blogId = blogIdFromChannel(this.prefix, channel);
      const listener = blogId === null ? undefined : this.listeners.get(blogId);
      if (!listener) return;
      try {
        listener.event(parseEvent(message));
      } catch (err) {
        this.onBadMessage(channel, err);
      }
    });
    sub.on('ready', () => {
      // ioredis re-subscribes by itself; messages published while we were away are gone, so tell the feeds.
      if (this.everReady) for (const l of this.listeners.values()) l.reconnected();
      this.everReady = true;
    });
  }

  async subscribe(blogId: string, listener: EventListener): Promise<void> {
    // Rather than wait in the offline queue indefinitely, give a reconnecting subscriber a moment and then
    // let the caller answer `unavailable`.
    if (['reconnecting', 'close', 'end'].includes(this.sub.status)) await this.readyWithin(BUS_READY_WAIT_MS);
    this.listeners.set(blogId, listener);
    await this.sub.subscribe(blogKeys(this.prefix, blogId).channel);
  }

  private readyWithin(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onReady = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.sub.off('ready', onReady);
        reject(new AppError('unavailable', 'the event stream cannot be reached'));
      }, ms);
      this.sub.once('ready', onReady);
    });
  }

  async unsubscribe(blogId: string): Promise<void> {
    this.listeners.delete(blogId);
    await this.sub.unsubscribe(blogKeys(this.prefix, blogId).channel);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.sub.quit().catch(() => this.sub.disconnect());
  }
}

/** A stored blog; one stored before SPEC §9 reads with the default language and time zone. */
function readBlog(json: string): Blog {
  return withBlogDefaults(JSON.parse(json) as Blog);
}
