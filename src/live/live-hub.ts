/**
 * The live path of this instance, with one owner: LiveHub answers a `subscribe` and joins the member
 * (a socket) to the blog's stream in the same synchronous step, so the member receives every event
 * after its answer's `seq`, after the answer, and none before it. It owns
 * - the feeds (one `BlogFeed` per followed blog, released after an idle grace period);
 * - who is a member of which blog, as sets — a member counts once per blog however many subscribes it
 *   sends, and the per-member blog limit counts subscribes still in flight;
 * - the reader-count exchange with the other instances through the store.
 */
import { AppError } from '../errors.js';
import {
  PAGE_LIMIT_DEFAULT,
  SUBSCRIPTIONS_PER_SOCKET_MAX,
  SubscribeSchema,
  type BlogPage,
  type FreshSubscribeAck,
  type LiveEvent,
  type ReadersMessage,
  type ResumedSubscribeAck,
} from '../schema.js';
import type { EventBus, Store } from '../store/store.js';
import { NO_TELEMETRY, type Telemetry } from '../telemetry.js';
import { freshAnswer, resumedAnswer } from './answer-json.js';
import { BlogFeed } from './blog-feed.js';
import type { ResumeAnswer } from './sequencer.js';

/** How often reader counts are exchanged and, when changed, announced (SPEC §3: at most every 2 s). */
export const READERS_INTERVAL_MS = 2000;
/**
 * The life of this instance's reader count for a blog in the store. The store rewrites a steady count only
 * when a third of this is left (every 20 s rather than every exchange), so a long life makes writes rare;
 * the price is that a crashed instance's readers stay counted for up to 30 s. A stopping instance
 * withdraws its counts at once (close()).
 */
export const READERS_TTL_MS = 30_000;
/** close() waits this long at most for the withdrawal of this instance's counts (the store may be down). */
const READERS_WITHDRAW_WAIT_MS = 1000;
/** A feed without members stays subscribed this long, so a reload does not churn Redis. */
export const FEED_IDLE_MS = 30_000;
/** Cursors longer than this are not parsed; they get a fresh answer. */
const CURSOR_MAX_CHARS = 200;
/**
 * A resume whose events would exceed this (approximately, in bytes of JSON) is answered with a fresh
 * snapshot instead (SPEC §3 allows it, §9 asks catch-up answers to be bounded): one reader's cursor can
 * no longer make the server build an answer of every large entry of the log.
 */
export const RESUME_ANSWER_MAX_BYTES = 1024 * 1024;

/** The size of an event's JSON, closely enough to bound an answer without serialising it. */
function approxBytes(event: LiveEvent): number {
  switch (event.type) {
    case 'entry.created':
    case 'entry.updated':
      return 400 + event.entry.body.length + event.entry.html.length + (event.entry.headline?.length ?? 0);
    case 'blog.updated':
      return 400 + event.blog.title.length + event.blog.description.length;
    case 'entry.deleted':
      return 200;
  }
}

/** A resume answer within RESUME_ANSWER_MAX_BYTES, else null (answer fresh). */
function bounded(answer: ResumeAnswer | null): ResumeAnswer | null {
  if (!answer) return null;
  let bytes = 0;
  for (const e of answer.events) {
    bytes += approxBytes(e);
    if (bytes > RESUME_ANSWER_MAX_BYTES) return null;
  }
  return answer;
}

/** One connection that follows blogs (a Socket.IO socket). */
export interface LiveMember {
  readonly connected: boolean;
  /** Start receiving the blog's events; whatever was handed to the output before goes out first. */
  join(blogId: string): void;
  leave(blogId: string): void;
  /** The blog's history restarted: drop the connection so the client reconnects and starts afresh. */
  restart(): void;
  /** False for an editor's socket (the console): it gets the events but is not counted as a reader. */
  readonly countsAsReader?: boolean;
}

/** Where this instance's events and reader counts go (the Socket.IO fan-out writer). */
export interface LiveOutput {
  event(event: LiveEvent): void;
  readers(message: ReadersMessage): void;
}

export interface LiveHubOptions {
  instanceId: string;
  onError: (err: unknown) => void;
  /** Grace period of a feed without members. Default FEED_IDLE_MS. */
  feedIdleMs?: number;
  /** Where subscribe answers are counted. Default: nowhere. */
  telemetry?: Telemetry;
}

/** A subscribe in flight; cancelled by an unsubscribe of its blog or the member's disconnect. */
interface Ticket {
  blogId: string;
  cancelled: boolean;
}

/**
 * Blogs joined (at most 10) and subscribes in flight. Arrays, replaced rather than grown: one made by
 * `concat` is exactly its length, where `push` (or a spread, or `filter`) makes room for 17 — for every
 * socket.
 */
interface Membership {
  joined: readonly string[];
  pending: readonly Ticket[];
}

const NONE: readonly never[] = Object.freeze([]);

/** `list` without `item` (a new array: `slice` and `concat` size it exactly), or `list` itself. */
function without<T>(list: readonly T[], item: T): readonly T[] {
  const i = list.indexOf(item);
  return i < 0 ? list : list.slice(0, i).concat(list.slice(i + 1));
}

interface FeedSlot {
  feed: BlogFeed;
  members: Set<LiveMember>;
  /** The members that are not readers (editors' sockets): in `members`, left out of the reader count. */
  notReaders: Set<LiveMember>;
  idle: NodeJS.Timeout | undefined;
}

function readerCount(slot: FeedSlot): number {
  return slot.members.size - slot.notReaders.size;
}

export type SubscribeAnswer = FreshSubscribeAck | ResumedSubscribeAck;

export class LiveHub {
  private readonly slots = new Map<string, FeedSlot>();
  private readonly memberships = new Map<LiveMember, Membership>();
  /** Subscribes in flight per blog: a feed is not released under one. */
  private readonly pendingByBlog = new Map<string, number>();
  /** Totals from the last exchange, and the local count that went into them. */
  private readonly totals = new Map<string, { total: number; local: number }>();
  private readonly feedIdleMs: number;
  private readonly telemetry: Telemetry;
  private timer: NodeJS.Timeout | undefined;
  /** The exchange in flight: a slow store does not get a second one on top of it. */
  private exchanging: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly output: LiveOutput,
    private readonly options: LiveHubOptions,
  ) {
    this.feedIdleMs = options.feedIdleMs ?? FEED_IDLE_MS;
    this.telemetry = options.telemetry ?? NO_TELEMETRY;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.exchanging ??= this.exchangeReaders().finally(() => (this.exchanging = undefined));
    }, READERS_INTERVAL_MS);
    this.timer.unref();
  }

  /** Answers a subscribe and, in the same step, makes the member receive the blog's later events. */
  async subscribe(member: LiveMember, payload: unknown): Promise<SubscribeAnswer> {
    const input = SubscribeSchema.parse(payload);
    const ticket = this.reserve(member, input.blogId);
    try {
      const slot = await this.acquire(input.blogId);
      if (!slot) throw new AppError('not_found', `blog ${input.blogId} does not exist`);
      const cursor =
        typeof input.cursor === 'string' && input.cursor.length <= CURSOR_MAX_CHARS
          ? input.cursor
          : undefined;
      if (cursor !== undefined) {
        const build = await slot.feed.prepareResume(cursor);
        const resumed = build && this.enter(member, ticket, slot, () => bounded(build()));
        if (resumed) {
          this.telemetry.subscribed('resumed');
          return resumedAnswer(resumed);
        }
      }
      const build = await slot.feed.prepareFresh(input.limit ?? PAGE_LIMIT_DEFAULT);
      const page = this.enter(member, ticket, slot, build);
      if (!page) throw new AppError('not_found', `blog ${input.blogId} does not exist`);
      this.telemetry.subscribed('fresh');
      return freshAnswer(page, this.readers(input.blogId));
    } finally {
      this.settle(member, ticket);
    }
  }

  /** Stop delivering a blog to a member (and cancel its subscribes of that blog still in flight). */
  unsubscribe(member: LiveMember, blogId: string): void {
    const m = this.memberships.get(member);
    if (!m) return;
    for (const t of m.pending) if (t.blogId === blogId) t.cancelled = true;
    if (m.joined.includes(blogId)) {
      m.joined = without(m.joined, blogId);
      member.leave(blogId);
      this.removeMember(blogId, member);
    }
    this.forgetIfEmpty(member, m);
  }

  /** The member is gone: it leaves every blog. */
  disconnect(member: LiveMember): void {
    const m = this.memberships.get(member);
    if (!m) return;
    for (const t of m.pending) t.cancelled = true;
    for (const blogId of m.joined) this.removeMember(blogId, member);
    m.joined = NONE;
    this.forgetIfEmpty(member, m);
  }

  /** The best current estimate of a blog's reader count over all instances. */
  readers(blogId: string): number {
    const slot = this.slots.get(blogId);
    const local = slot ? readerCount(slot) : 0;
    const t = this.totals.get(blogId);
    return t ? Math.max(local, t.total - t.local + local) : local;
  }

  // ---- membership ----------------------------------------------------------------------------------

  private reserve(member: LiveMember, blogId: string): Ticket {
    let m = this.memberships.get(member);
    if (!m) {
      m = { joined: NONE, pending: NONE };
      this.memberships.set(member, m);
    }
    const blogs = new Set(m.joined);
    for (const t of m.pending) blogs.add(t.blogId);
    if (!blogs.has(blogId) && blogs.size >= SUBSCRIPTIONS_PER_SOCKET_MAX) {
      this.forgetIfEmpty(member, m);
      throw new AppError('rate_limited', `at most ${SUBSCRIPTIONS_PER_SOCKET_MAX} blogs per connection`);
    }
    const ticket: Ticket = { blogId, cancelled: false };
    m.pending = m.pending.concat(ticket);
    this.pendingByBlog.set(blogId, (this.pendingByBlog.get(blogId) ?? 0) + 1);
    return ticket;
  }

  /** Build the answer and join, in one synchronous step; null when the answer cannot be built now. */
  private enter<A extends ResumeAnswer | BlogPage>(
    member: LiveMember,
    ticket: Ticket,
    slot: FeedSlot,
    build: () => A | null,
  ): A | null {
    const answer = build();
    if (!answer || ticket.cancelled || !member.connected) return answer;
    const m = this.memberships.get(member);
    if (!m) return answer;
    // A resubscribe replaces the old subscription: join again so the output sends what it holds first.
    member.join(ticket.blogId);
    if (!m.joined.includes(ticket.blogId)) m.joined = m.joined.concat(ticket.blogId);
    slot.members.add(member);
    if (member.countsAsReader === false) slot.notReaders.add(member);
    clearTimeout(slot.idle);
    return answer;
  }

  private settle(member: LiveMember, ticket: Ticket): void {
    const m = this.memberships.get(member);
    if (m) {
      m.pending = without(m.pending, ticket);
      this.forgetIfEmpty(member, m);
    }
    const left = (this.pendingByBlog.get(ticket.blogId) ?? 1) - 1;
    if (left > 0) this.pendingByBlog.set(ticket.blogId, left);
    else this.pendingByBlog.delete(ticket.blogId);
    const slot = this.slots.get(ticket.blogId);
    if (slot) this.idleIfUnused(slot);
  }

  private forgetIfEmpty(member: LiveMember, m: Membership): void {
    if (m.joined.length === 0 && m.pending.length === 0) this.memberships.delete(member);
  }

  private removeMember(blogId: string, member: LiveMember): void {
    const slot = this.slots.get(blogId);
    if (!slot) return;
    slot.members.delete(member);
    slot.notReaders.delete(member);
    this.idleIfUnused(slot);
  }

  // ---- feeds -----------------------------------------------------------------------------------------

  /** The live feed of a blog (loading it if needed); null when the blog does not exist. */
  private async acquire(blogId: string): Promise<FeedSlot | null> {
    let slot = this.slots.get(blogId);
    if (!slot) {
      const feed = new BlogFeed(
        blogId,
        this.store,
        this.bus,
        { event: (e) => this.output.event(e), reset: (id) => this.restart(id) },
        this.options.onError,
      );
      slot = { feed, members: new Set(), notReaders: new Set(), idle: undefined };
      this.slots.set(blogId, slot);
    }
    clearTimeout(slot.idle);
    try {
      await slot.feed.ready;
    } catch (err) {
      this.drop(slot);
      throw err;
    }
    if (!slot.feed.exists) {
      if (slot.members.size === 0) this.drop(slot);
      return null;
    }
    return slot;
  }

  /** A feed with no members and no subscribe in flight is released after the grace period. */
  private idleIfUnused(slot: FeedSlot): void {
    if (slot.members.size > 0 || this.pendingByBlog.has(slot.feed.blogId)) return;
    if (this.slots.get(slot.feed.blogId) !== slot) return;
    clearTimeout(slot.idle);
    slot.idle = setTimeout(() => this.drop(slot), this.feedIdleMs);
    slot.idle.unref();
  }

  private drop(slot: FeedSlot): void {
    clearTimeout(slot.idle);
    if (this.slots.get(slot.feed.blogId) !== slot) return;
    this.slots.delete(slot.feed.blogId);
    slot.feed.close().catch(this.options.onError);
  }

  /** The blog's history restarted: its members leave now (nothing of the new history reaches them). */
  private restart(blogId: string): void {
    const slot = this.slots.get(blogId);
    if (!slot) return;
    const members = [...slot.members];
    for (const member of members) {
      const m = this.memberships.get(member);
      if (m) {
        m.joined = without(m.joined, blogId);
        this.forgetIfEmpty(member, m);
      }
      slot.members.delete(member);
      slot.notReaders.delete(member);
      member.leave(blogId);
    }
    for (const member of members) member.restart();
    this.idleIfUnused(slot);
  }

  /** Blog subscriptions of local members (for metrics). */
  subscriptionCount(): number {
    let n = 0;
    for (const slot of this.slots.values()) n += slot.members.size;
    return n;
  }

  /** Blogs with a feed on this instance (for tests and metrics). */
  followed(): string[] {
    return [...this.slots.keys()];
  }

  // ---- reader counts across instances -------------------------------------------------------------

  private async exchangeReaders(): Promise<void> {
    const counts = new Map<string, number>();
    for (const [blogId, slot] of this.slots) counts.set(blogId, readerCount(slot));
    // Blogs we announced before but no longer serve still get a 0 from us, so others' totals drop.
    for (const blogId of this.totals.keys()) if (!counts.has(blogId)) counts.set(blogId, 0);
    if (counts.size === 0) return;
    try {
      const totals = await this.store.reportReaders(this.options.instanceId, counts, READERS_TTL_MS);
      for (const [blogId, total] of totals) {
        if (!this.slots.has(blogId)) {
          this.totals.delete(blogId);
          continue;
        }
        const changed = this.totals.get(blogId)?.total !== total;
        this.totals.set(blogId, { total, local: counts.get(blogId) ?? 0 });
        if (changed) this.output.readers({ blogId, count: total });
      }
    } catch (err) {
      this.options.onError(err);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    const slots = [...this.slots.values()];
    const counted = new Set([...this.slots.keys(), ...this.totals.keys()]);
    this.slots.clear();
    this.totals.clear();
    for (const slot of slots) clearTimeout(slot.idle);
    await Promise.allSettled([this.withdrawReaders(counted), ...slots.map((s) => s.feed.close())]);
  }

  /**
   * Reports 0 for the blogs this instance may have counted, after the exchange in flight, so the others'
   * totals drop now rather than when the ttl runs out; waits READERS_WITHDRAW_WAIT_MS at most.
   */
  private async withdrawReaders(blogIds: Set<string>): Promise<void> {
    if (blogIds.size === 0) return;
    const withdrawal = (async () => {
      await this.exchanging;
      const zeros = new Map([...blogIds].map((blogId) => [blogId, 0]));
      await this.store.reportReaders(this.options.instanceId, zeros, READERS_TTL_MS);
    })().catch(this.options.onError);
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, READERS_WITHDRAW_WAIT_MS)));
    await Promise.race([withdrawal, waited]);
    clearTimeout(timer);
  }
}
