/**
 * The shared store: all Redis access of liveblog lives in this file and its Lua scripts.
 * One command connection for reads and commits; RedisBus holds the subscriber connection.
 */
import type { Cluster, Redis, Result } from 'ioredis';
import { AppError } from '../errors.js';
import type { Blog, Entry, LiveEvent, Revision } from '../schema.js';
import { draftHalves, parseEvent } from './events.js';
import { blogIdFromChannel, blogIndexKey, blogKeys } from './keys.js';
import type { DeskMessage, Draft } from '../desk/schema.js';
import { COMMIT_LUA, DRAFT_WRITE_LUA, EVENTS_LUA, PAGE_LUA, READERS_LUA, SNAPSHOT_LUA } from './lua.js';
import { newEpoch } from './memory-store.js';
import { readBlog, readEntry } from './upgrade.js';
import type {
  Commit,
  CommitResult,
  DraftWriteResult,
  EntryPageQuery,
  EventBus,
  EventListener,
  Snapshot,
  Store,
} from './store.js';
import { READERS_REFRESH_SHARE } from './store.js';

type Arg = string | number;

/** A single Redis (plain or found through Sentinel) or a Redis Cluster. */
export type RedisClient = Redis | Cluster;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    lbCommit(...args: Arg[]): Result<(string | number)[], Context>;
    lbSnapshot(...args: Arg[]): Result<(string | number)[] | null, Context>;
    lbPage(...args: Arg[]): Result<(string | number)[], Context>;
    lbEvents(...args: Arg[]): Result<string[] | null, Context>;
    lbDraftWrite(...args: Arg[]): Result<string[], Context>;
    /** numberOfKeys first: the readers script takes a batch of keys. */
    lbReaders(...args: Arg[]): Result<number[], Context>;
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
  /**
   * On a Redis Cluster: events go out with SPUBLISH (sharded pub/sub on the blog's shard), and no
   * pipeline mixes the keys of several blogs (slots). Default false: PUBLISH, one pipeline.
   */
  sharded?: boolean;
  /**
   * Sentinel: after a commit, `WAIT <replicas> <timeoutMs>` before answering, so an acknowledged write is
   * on a replica that a failover can promote. Undefined (default): no WAIT.
   */
  replicaWait?: { replicas: number; timeoutMs: number };
  /** Told when a commit was not confirmed by `replicaWait.replicas` replicas in time (it is acknowledged anyway). */
  onUnreplicated?: (blogId: string, replicas: number) => void;
}

/** Re-measure the Redis clock this often (its offset to ours drifts slowly). */
const CLOCK_SYNC_INTERVAL_MS = 30_000;

/**
 * A commit's deadline leaves this share of the command timeout between "Redis may still run it" and
 * "we answer unavailable": room for a reply in flight and for the error of the clock offset.
 */
const DEADLINE_SHARE = 0.6;

/** Blogs per reader-count script call: bounds one call's time in Redis and its arguments. */
export const READERS_BATCH_MAX = 200;

/** Wall-clock milliseconds that never jump with the system clock. */
function monotonicMs(): number {
  return performance.timeOrigin + performance.now();
}

export class RedisStore implements Store {
  private readonly prefix: string;
  private readonly logMax: number;
  private readonly commandTimeoutMs: number;
  private readonly sharded: boolean;
  private readonly replicaWait: { replicas: number; timeoutMs: number } | undefined;
  private readonly onUnreplicated: (blogId: string, replicas: number) => void;
  /** Redis's clock minus ours (ms), from the sample with the shortest round trip; null until measured. */
  private clockOffsetMs: number | null = null;
  private clockRoundTripMs = Infinity;
  private clockSyncedAt = -Infinity;
  private clockSync: Promise<void> | null = null;

  constructor(
    private readonly redis: RedisClient,
    options: RedisStoreOptions = {},
  ) {
    this.sharded = options.sharded ?? false;
    this.replicaWait = options.replicaWait;
    this.onUnreplicated = options.onUnreplicated ?? (() => undefined);
    this.prefix = options.prefix ?? 'liveblog:';
    this.logMax = options.resumeLogMaxEvents ?? 1000;
    this.commandTimeoutMs = options.commandTimeoutMs ?? 5000;
    // A new connection may be to another server (a promoted replica, another host): measure its clock
    // again before the next commit's deadline.
    redis.on('ready', () => {
      this.clockOffsetMs = null;
      this.clockRoundTripMs = Infinity;
    });
    redis.defineCommand('lbCommit', { numberOfKeys: 12, lua: COMMIT_LUA });
    redis.defineCommand('lbDraftWrite', { numberOfKeys: 2, lua: DRAFT_WRITE_LUA });
    redis.defineCommand('lbSnapshot', { numberOfKeys: 6, lua: SNAPSHOT_LUA });
    redis.defineCommand('lbPage', { numberOfKeys: 2, lua: PAGE_LUA });
    redis.defineCommand('lbEvents', { numberOfKeys: 3, lua: EVENTS_LUA });
    redis.defineCommand('lbReaders', { lua: READERS_LUA });
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
      revs: (c.putRevisions ?? []).map((r) => ({ id: r.entryId, json: JSON.stringify(r.revision) })),
      dels: c.deleteEntries,
      pin: c.setPinned,
      blog: c.putBlog ? JSON.stringify(c.putBlog) : undefined,
      events: c.events.map((d) => draftHalves(c.blogId, d)),
      idem: c.idempotency
        ? { json: JSON.stringify(c.idempotency.entry), ttl: c.idempotency.ttlSeconds }
        : undefined,
      draft: c.consumeDraft
        ? {
            id: c.consumeDraft.draftId,
            version: c.consumeDraft.version,
            message: JSON.stringify(c.consumeDraft.message),
          }
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
      k.drafts,
      k.revisions,
      JSON.stringify(op),
      k.channel,
      newEpoch(),
      this.logMax,
      deadline,
      this.sharded ? 'SPUBLISH' : 'PUBLISH',
      k.desk,
    );
    const [status, a, b] = reply;
    switch (status) {
      case 'expired':
        // Redis ran it too late: it wrote nothing, and the caller may already have given up on it.
        throw new Error('Redis reached the commit after its deadline; nothing was written');
      case 'ok':
        if (this.replicaWait && c.events.length > 0) await this.awaitReplicas(c.blogId, this.replicaWait);
        return { status: 'ok', seq: Number(a), cursor: `${String(b)}.${Number(a)}` };
      case 'duplicate':
        return { status: 'duplicate', entry: readEntry(String(a)) };
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

  /**
   * Waits until `replicas` replicas hold every write of this connection so far, or `timeoutMs`. The commit
   * is applied either way (answering an error now would break the promise of `unavailable`), so a short
   * count is reported, not thrown.
   */
  private async awaitReplicas(blogId: string, wait: { replicas: number; timeoutMs: number }): Promise<void> {
    const acked = Number(await this.redis.call('WAIT', wait.replicas, wait.timeoutMs));
    if (acked < wait.replicas) this.onUnreplicated(blogId, acked);
  }

  async getBlog(blogId: string): Promise<Blog | null> {
    const json = await this.redis.get(blogKeys(this.prefix, blogId).blog);
    return json ? readBlog(json) : null;
  }

  async listBlogs(): Promise<Blog[]> {
    const ids = await this.redis.zrange(blogIndexKey(this.prefix), 0, -1);
    if (ids.length === 0) return [];
    let rows: (string | null)[];
    if (this.sharded) {
      // Each blog's key is in its own slot: one GET each, sent together (ioredis routes each to its shard).
      rows = await Promise.all(ids.map((id) => this.redis.get(blogKeys(this.prefix, id).blog)));
    } else {
      const pipeline = this.redis.pipeline();
      for (const id of ids) pipeline.get(blogKeys(this.prefix, id).blog);
      rows = ((await pipeline.exec()) ?? []).map(([err, json]) =>
        !err && typeof json === 'string' ? json : null,
      );
    }
    const blogs = rows.flatMap((json) => (typeof json === 'string' ? [readBlog(json)] : []));
    return blogs.sort((x, y) => (x.updatedAt < y.updatedAt ? 1 : -1));
  }

  async getEntry(blogId: string, entryId: string): Promise<Entry | null> {
    const json = await this.redis.hget(blogKeys(this.prefix, blogId).entries, entryId);
    return json ? readEntry(json) : null;
  }

  async getRevisions(blogId: string, entryId: string): Promise<Revision[] | null> {
    const k = blogKeys(this.prefix, blogId);
    // Both fields are written and deleted together by the commit script; MULTI reads both at one moment.
    const rows = await this.redis.multi().hexists(k.entries, entryId).hget(k.revisions, entryId).exec();
    if (!rows) throw new Error('the revisions read was aborted');
    const [[existsErr, exists] = [null, 0], [jsonErr, json] = [null, null]] = rows;
    if (existsErr) throw existsErr;
    if (jsonErr) throw jsonErr;
    if (!exists) return null;
    if (typeof json !== 'string') return [];
    return JSON.parse(json) as Revision[];
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
    return { entries: rows.map((r) => readEntry(String(r))), hasMore: hasMore === 1 };
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
      pinned: pinned ? readEntry(String(pinned)) : null,
      entries: rows.map((r) => readEntry(String(r))),
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

  /**
   * One script call per batch of READERS_BATCH_MAX blogs (one per blog on a Cluster, where each blog's key
   * is in its own slot), the batches one after another: the script writes only the counts that changed or
   * are about to expire and sums the totals in Redis, so a steady instance following 1,000 blogs sends 5
   * commands per exchange instead of 4,000 and parses 5 small replies instead of 1,000 hashes, and the
   * commits sharing the connection queue behind one batch at most, never the whole set.
   */
  async reportReaders(
    instanceId: string,
    counts: Map<string, number>,
    ttlMs: number,
  ): Promise<Map<string, number>> {
    const margin = Math.floor(ttlMs * READERS_REFRESH_SHARE);
    const entries = [...counts];
    const totals = new Map<string, number>();
    const key = (blogId: string): string => blogKeys(this.prefix, blogId).readers;
    for (let start = 0; start < entries.length; start += READERS_BATCH_MAX) {
      const batch = entries.slice(start, start + READERS_BATCH_MAX);
      let replies: number[];
      if (this.sharded) {
        replies = await Promise.all(
          batch.map(async ([blogId, count]) => {
            const [total] = await this.redis.lbReaders(1, key(blogId), instanceId, ttlMs, margin, count);
            return total ?? 0;
          }),
        );
      } else {
        replies = await this.redis.lbReaders(
          batch.length,
          ...batch.map(([blogId]) => key(blogId)),
          instanceId,
          ttlMs,
          margin,
          ...batch.map(([, count]) => count),
        );
      }
      batch.forEach(([blogId], i) => totals.set(blogId, Number(replies[i] ?? 0)));
    }
    return totals;
  }

  async writeDraft(
    blogId: string,
    draftId: string,
    expectVersion: number,
    draft: Draft | null,
    message: DeskMessage,
  ): Promise<DraftWriteResult> {
    const k = blogKeys(this.prefix, blogId);
    const [status] = await this.redis.lbDraftWrite(
      k.blog,
      k.drafts,
      draftId,
      expectVersion,
      draft ? JSON.stringify(draft) : '',
      k.desk,
      JSON.stringify(message),
    );
    if (status === 'ok' || status === 'not_found' || status === 'conflict') return { status };
    throw new Error(`draft script answered an unknown status: ${String(status)}`);
  }

  async getDraft(blogId: string, draftId: string): Promise<Draft | null> {
    const json = await this.redis.hget(blogKeys(this.prefix, blogId).drafts, draftId);
    return json ? (JSON.parse(json) as Draft) : null;
  }

  async listDrafts(blogId: string): Promise<Draft[]> {
    const rows = await this.redis.hvals(blogKeys(this.prefix, blogId).drafts);
    return rows.map((r) => JSON.parse(r) as Draft);
  }

  async announce(blogId: string, message: DeskMessage): Promise<void> {
    await this.redis.publish(blogKeys(this.prefix, blogId).desk, JSON.stringify(message));
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

  /**
   * `sharded` (a Redis Cluster created with `shardedSubscribers: true`): SSUBSCRIBE on the shard that
   * owns each blog's slot, messages as `smessage`. Otherwise SUBSCRIBE.
   */
  constructor(
    private readonly sub: RedisClient,
    private readonly prefix = 'liveblog:',
    private readonly onBadMessage: (channel: string, err: unknown) => void = () => undefined,
    private readonly sharded = false,
  ) {
    this.everReady = sub.status === 'ready';
    sub.on(sharded ? 'smessage' : 'message', (channel: string, message: string) => {
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
    const channel = blogKeys(this.prefix, blogId).channel;
    if (this.sharded) await this.sub.ssubscribe(channel);
    else await this.sub.subscribe(channel);
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
    const channel = blogKeys(this.prefix, blogId).channel;
    if (this.sharded) await this.sub.sunsubscribe(channel);
    else await this.sub.unsubscribe(channel);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.sub.quit().catch(() => this.sub.disconnect());
  }
}
