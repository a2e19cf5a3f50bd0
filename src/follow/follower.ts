/**
 * follow — another service's durable, in-order view of one blog or every blog, read from the blogs'
 * Redis Streams (SPEC §9: `<prefix>{<blogId>}:stream`, entry id `<seq>-0`, field `event`).
 *
 * One loop, one dedicated connection: `XREAD BLOCK` over every followed stream from the last id each has
 * delivered, then each event in turn — validated, handed to `onEvent` and awaited (the back-pressure),
 * then checkpointed. XREAD BLOCK is answered by the same XADD that runs next to the PUBLISH, so it is as
 * prompt as pub/sub, and a single source needs no merging or de-duplication of two.
 *
 * On a Redis Cluster one XREAD may name only keys of one slot, and each blog has its own: there a
 * follower follows exactly one blog (start one per blog; see the README).
 */
import { Cluster, Redis } from 'ioredis';
import { formatCursor, parseCursor } from '../cursor.js';
import { BlogIdSchema, EventSchema, type LiveEvent } from '../schema.js';
import { blogIndexKey, blogKeys } from '../store/keys.js';
import { fieldOf, parseEntries, parseXread, seqOfId, type StreamEntry } from './stream-reply.js';

/** How long one XREAD waits for new events before the loop looks at epochs and the blog index. */
export const FOLLOW_BLOCK_MS = 1000;
/** How often the followed blogs' epochs (a wiped history) and, for `'all'`, the blog index are re-read. */
export const FOLLOW_CHECK_INTERVAL_MS = 2000;
/** On a Redis Cluster, with several blogs followed: the pause after a round of XREADs that found nothing. */
export const FOLLOW_CLUSTER_POLL_MS = 200;
/** Events taken per stream per XREAD: what the follower holds in memory at most per blog. */
export const FOLLOW_BATCH_MAX_EVENTS = 100;
const RETRY_MAX_MS = 5000;
/** The follower's connection's name in `CLIENT LIST`, unless the caller's client has one. */
const FOLLOW_CONNECTION_NAME = 'liveblog-follow';

/** Where the caller keeps each blog's position: the cursor of the last event it has processed. */
export interface CheckpointStore {
  load(blogId: string): Promise<string | undefined>;
  save(blogId: string, cursor: string): Promise<void>;
}

/**
 * Why a blog's events do not continue where the follower was: `epoch` — its history was wiped and
 * started again at seq 1 (delivery resumes from the new epoch's first event); `trimmed` — the events
 * after the checkpoint were trimmed from the stream (delivery resumes at the oldest one kept).
 * Either way state built from the earlier events should be rebuilt (e.g. from `GET /api/blogs/:id`).
 */
export type ResetReason = 'epoch' | 'trimmed';

export interface FollowOptions {
  /**
   * An ioredis client the caller keeps owning (the follower `duplicate()`s it), or a Redis URL. A
   * `Cluster` client follows exactly one blog.
   */
  redis: Redis | Cluster | string;
  /** The server's REDIS_PREFIX. Default `liveblog:`. */
  prefix?: string;
  /** Blog ids, or `'all'`: every blog in `<prefix>blogs`, re-read every `checkIntervalMs` for new ones. */
  blogs: readonly string[] | 'all';
  /**
   * Where a blog with no stored checkpoint starts: `'now'` (default: only events after start-up),
   * `'start'` (the oldest event the stream keeps) or a cursor (right after that event). A blog that
   * `'all'` discovers after start-up starts at `'start'`, so none of its events is missed.
   */
  from?: string;
  /** Called once per event, per blog in seq order; the next event waits for the returned promise. */
  onEvent: (event: LiveEvent) => Promise<void> | void;
  /** Default: positions kept in memory for this follower's lifetime only. */
  checkpoints?: CheckpointStore;
  /** Called (and awaited) before the first event after a gap that no checkpoint can bridge. */
  onReset?: (blogId: string, reason: ResetReason) => Promise<void> | void;
  /** Problems the follower rides over: a malformed stream entry (skipped), a lost connection (retried). Default: `process.emitWarning`. */
  onError?: (error: Error, blogId?: string) => void;
  /** Default `FOLLOW_BLOCK_MS`. */
  blockMs?: number;
  /** Default `FOLLOW_CHECK_INTERVAL_MS`. */
  checkIntervalMs?: number;
}

export interface Follower {
  /** Ends after the event in hand (if any) has been processed and checkpointed; closes the connection. */
  stop(): Promise<void>;
  /**
   * Resolves once the blogs known at start-up have their positions (with `from: 'now'`, events committed
   * after it are delivered), or when the follower ends first.
   */
  readonly ready: Promise<void>;
  /** Settles when the follower ends: resolves after `stop()`, rejects with an error of a callback or checkpoint store. */
  readonly done: Promise<void>;
}

/**
 * A blog's position: events up to `seq` of `epoch` are delivered (seq 0: none yet), and XREAD goes on
 * after `lastId` — `<seq>-0`, unless a foreign entry with another id came after it.
 */
interface Position {
  blogId: string;
  stream: string;
  epochKey: string;
  epoch: string | undefined;
  seq: number;
  lastId: string;
}

/** Moves a position to `seq` of its epoch (0 after a reset: the new epoch's first event is next). */
function moveTo(pos: Position, seq: number): void {
  pos.seq = seq;
  pos.lastId = `${seq}-0`;
}

/** An error thrown by the caller's code: it ends the follower instead of being retried. */
class CallerError extends Error {}

function memoryCheckpoints(): CheckpointStore {
  const cursors = new Map<string, string>();
  return {
    load: (blogId) => Promise.resolve(cursors.get(blogId)),
    save: (blogId, cursor) => {
      cursors.set(blogId, cursor);
      return Promise.resolve();
    },
  };
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

export function follow(options: FollowOptions): Follower {
  const prefix = options.prefix ?? 'liveblog:';
  const blockMs = options.blockMs ?? FOLLOW_BLOCK_MS;
  const checkIntervalMs = options.checkIntervalMs ?? FOLLOW_CHECK_INTERVAL_MS;
  const checkpoints = options.checkpoints ?? memoryCheckpoints();
  const report = options.onError ?? ((err: Error) => process.emitWarning(err));
  const from = options.from ?? 'now';
  if (from !== 'now' && from !== 'start' && !parseCursor(from)) {
    throw new Error(`from must be 'now', 'start' or a cursor <epoch>.<seq>, not ${JSON.stringify(from)}`);
  }
  if (options.blogs !== 'all') {
    const bad = options.blogs.find((id) => !BlogIdSchema.safeParse(id).success);
    if (bad !== undefined) throw new Error(`${JSON.stringify(bad)} is not a blog id (a slug: a-z, 0-9, "-")`);
  }

  const conn: Redis | Cluster =
    typeof options.redis === 'string'
      ? new Redis(options.redis, { connectionName: FOLLOW_CONNECTION_NAME })
      : ownCopy(options.redis, blockMs);
  conn.on('error', (err: Error) => report(err));
  const positions = new Map<string, Position>();
  const wake = new AbortController();
  let stopping = false;
  let lastCheck = 0;
  let markReady = (): void => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  /** Runs the caller's code; what it throws ends the follower. */
  async function caller(what: string, fn: () => Promise<void> | void): Promise<void> {
    try {
      await fn();
    } catch (err) {
      throw new CallerError(`${what} failed: ${asError(err).message}`, { cause: err });
    }
  }

  async function reset(pos: Position, reason: ResetReason): Promise<void> {
    await caller('onReset', () => options.onReset?.(pos.blogId, reason));
  }

  /** The position of a newly followed blog: its checkpoint, else `start`. */
  async function place(blogId: string, start: string): Promise<void> {
    const k = blogKeys(prefix, blogId);
    const pos: Position = {
      blogId,
      stream: k.stream,
      epochKey: k.epoch,
      epoch: undefined,
      seq: 0,
      lastId: '0-0',
    };
    let saved: string | undefined;
    await caller('checkpoints.load', async () => {
      saved = await checkpoints.load(blogId);
    });
    const at = saved ?? start;
    if (at !== 'start') {
      // Both keys carry the blog's hash tag: one MULTI reads them at one instant.
      const reply = await conn
        .multi()
        .get(k.epoch)
        .xrange(k.stream, '-', '+', 'COUNT', 1)
        .xrevrange(k.stream, '+', '-', 'COUNT', 1)
        .exec();
      const [epochReply, firstReply, lastReply] = reply ?? [];
      if (epochReply?.[0] || firstReply?.[0] || lastReply?.[0])
        throw new Error(`reading ${blogId}'s stream failed`);
      const epoch = typeof epochReply?.[1] === 'string' ? epochReply[1] : undefined;
      const first = parseEntries(firstReply?.[1])[0];
      const last = parseEntries(lastReply?.[1])[0];
      if (at === 'now') {
        pos.epoch = epoch;
        pos.seq = last ? (seqOfId(last.id) ?? 0) : 0;
        pos.lastId = last?.id ?? '0-0';
      } else {
        const cursor = parseCursor(at);
        if (!cursor) throw new CallerError(`${blogId}'s checkpoint ${JSON.stringify(at)} is not a cursor`);
        pos.epoch = cursor.epoch;
        moveTo(pos, cursor.seq);
        const firstSeq = first ? seqOfId(first.id) : null;
        if (epoch !== undefined && epoch !== cursor.epoch) {
          pos.epoch = epoch;
          moveTo(pos, 0);
          await reset(pos, 'epoch');
        } else if (epoch !== undefined && firstSeq !== null && firstSeq > cursor.seq + 1) {
          moveTo(pos, firstSeq - 1);
          await reset(pos, 'trimmed');
        }
      }
    }
    positions.set(blogId, pos);
  }

  /** Re-reads the epochs (a wiped blog restarts at 1-0, below the id XREAD waits after) and the index. */
  async function check(initial: boolean): Promise<void> {
    if (options.blogs === 'all') {
      const ids = await conn.zrange(blogIndexKey(prefix), 0, -1);
      for (const id of ids) {
        if (!positions.has(id) && BlogIdSchema.safeParse(id).success)
          await place(id, initial ? from : 'start');
      }
    } else if (initial) {
      for (const id of options.blogs) if (!positions.has(id)) await place(id, from);
    }
    const list = [...positions.values()];
    if (list.length === 0) return;
    const epochs = await readEpochs(list);
    for (const [i, pos] of list.entries()) {
      const epoch = epochs[i];
      if (typeof epoch !== 'string' || epoch === pos.epoch) continue;
      const known = pos.epoch;
      pos.epoch = epoch;
      if (known === undefined) continue; // a blog followed before it had any history: nothing to reset
      moveTo(pos, 0);
      await reset(pos, 'epoch');
    }
  }

  /** Delivers a blog's entries in order; stops at a new epoch (the caller then re-reads from 0-0). */
  async function deliver(pos: Position, entries: StreamEntry[]): Promise<void> {
    for (const entry of entries) {
      if (stopping) return;
      const seq = seqOfId(entry.id);
      if (seq === null) {
        // Not written by liveblog (ids are <seq>-0): step over it, and never read it again.
        report(new Error(`stream entry ${entry.id} of ${pos.blogId} is not <seq>-0`), pos.blogId);
        pos.lastId = entry.id;
        continue;
      }
      if (seq <= pos.seq) continue;
      const event = parseEntry(pos.blogId, entry, seq);
      if (event instanceof Error) {
        report(event, pos.blogId);
        moveTo(pos, seq);
        const epoch = pos.epoch;
        if (epoch !== undefined) await save(pos, formatCursor(epoch, seq));
        continue;
      }
      const epoch = parseCursor(event.cursor)?.epoch;
      if (pos.epoch !== undefined && epoch !== pos.epoch) {
        // A wiped history restarted at 1-0: re-read the new epoch from its start.
        pos.epoch = epoch;
        moveTo(pos, 0);
        await reset(pos, 'epoch');
        return;
      }
      pos.epoch = epoch;
      if (pos.seq > 0 && seq > pos.seq + 1) await reset(pos, 'trimmed');
      await caller('onEvent', () => options.onEvent(event));
      moveTo(pos, seq);
      await save(pos, event.cursor);
    }
  }

  async function save(pos: Position, cursor: string): Promise<void> {
    await caller('checkpoints.save', () => checkpoints.save(pos.blogId, cursor));
  }

  /** Each position's epoch: one pipeline on one Redis; on a cluster each key in its own slot, sent together. */
  async function readEpochs(list: Position[]): Promise<(string | null)[]> {
    if (conn instanceof Cluster) return Promise.all(list.map((pos) => conn.get(pos.epochKey)));
    const pipeline = conn.pipeline();
    for (const pos of list) pipeline.get(pos.epochKey);
    const replies = (await pipeline.exec()) ?? [];
    return list.map((_, i) => {
      const value = replies[i]?.[1];
      return typeof value === 'string' ? value : null;
    });
  }

  /** On a cluster, several blogs: one XREAD per stream (each in its own slot), then a pause if all were idle. */
  async function readEachOnce(list: Position[]): Promise<void> {
    const replies = await Promise.all(
      list.map((p) => conn.call('XREAD', 'COUNT', FOLLOW_BATCH_MAX_EVENTS, 'STREAMS', p.stream, p.lastId)),
    );
    let idle = true;
    for (const [i, pos] of list.entries()) {
      const entries = parseXread(replies[i]).get(pos.stream);
      if (!entries?.length) continue;
      idle = false;
      await deliver(pos, entries);
    }
    if (idle) await sleep(Math.min(FOLLOW_CLUSTER_POLL_MS, blockMs), wake.signal);
  }

  async function readOnce(): Promise<void> {
    if (Date.now() - lastCheck >= checkIntervalMs) {
      await check(lastCheck === 0);
      lastCheck = Date.now();
      markReady();
    }
    const list = [...positions.values()];
    if (list.length === 0) {
      await sleep(Math.min(blockMs, checkIntervalMs), wake.signal);
      return;
    }
    if (conn instanceof Cluster && list.length > 1) return readEachOnce(list);
    const args = ['COUNT', FOLLOW_BATCH_MAX_EVENTS, 'BLOCK', blockMs, 'STREAMS'];
    const reply = await conn.call(
      'XREAD',
      ...args,
      ...list.map((p) => p.stream),
      ...list.map((p) => p.lastId),
    );
    const byKey = parseXread(reply);
    for (const pos of list) {
      const entries = byKey.get(pos.stream);
      if (entries) await deliver(pos, entries);
    }
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!stopping) {
      try {
        await readOnce();
        failures = 0;
      } catch (err) {
        if (err instanceof CallerError) throw err;
        if (stopping) break;
        report(asError(err));
        failures += 1;
        const ceiling = Math.min(RETRY_MAX_MS, 100 * 2 ** failures);
        await sleep(ceiling / 2 + Math.random() * (ceiling / 2), wake.signal);
      }
    }
  }

  const done = run().finally(() => {
    conn.disconnect();
    markReady();
  });
  return {
    ready,
    done,
    async stop() {
      stopping = true;
      wake.abort();
      // A pending XREAD BLOCK would hold the loop for up to blockMs: closing the connection ends it.
      // Events it had not yet answered stay unconsumed: the checkpoint still points before them.
      conn.disconnect();
      await done.catch(() => undefined);
    },
  };
}

/**
 * A connection of the caller's settings for the follower alone (XREAD BLOCK holds it): without a key
 * prefix (the follower names whole keys) and with room for the block in any command timeout.
 */
function ownCopy(redis: Redis | Cluster, blockMs: number): Redis | Cluster {
  if (redis instanceof Cluster) {
    const node = redis.options.redisOptions ?? {};
    const timeout = node.commandTimeout;
    return redis.duplicate(undefined, {
      keyPrefix: '',
      redisOptions: {
        ...node,
        keyPrefix: '',
        connectionName: node.connectionName ?? FOLLOW_CONNECTION_NAME,
        ...(timeout ? { commandTimeout: timeout + blockMs } : {}),
      },
    });
  }
  const timeout = redis.options.commandTimeout;
  return redis.duplicate({
    keyPrefix: '',
    connectionName: redis.options.connectionName ?? FOLLOW_CONNECTION_NAME,
    ...(timeout ? { commandTimeout: timeout + blockMs } : {}),
  });
}

/** The validated event of a stream entry, or why it is not one. */
function parseEntry(blogId: string, entry: StreamEntry, seq: number | null): LiveEvent | Error {
  const json = fieldOf(entry.fields, 'event');
  if (json === undefined) return new Error(`stream entry ${entry.id} of ${blogId} has no event field`);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return new Error(`stream entry ${entry.id} of ${blogId} is not JSON`);
  }
  const parsed = EventSchema.safeParse(value);
  if (!parsed.success)
    return new Error(`stream entry ${entry.id} of ${blogId} is not an event: ${parsed.error.message}`);
  const event = parsed.data;
  if (event.blogId !== blogId || event.seq !== seq || !parseCursor(event.cursor)) {
    return new Error(
      `stream entry ${entry.id} of ${blogId} carries blog ${event.blogId} seq ${event.seq} cursor ${event.cursor}`,
    );
  }
  return event;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
