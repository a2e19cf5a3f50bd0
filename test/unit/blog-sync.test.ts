/**
 * The browser's sync rules without a server: the event sequence (in-order apply, held early events, jump
 * detection), the retry backoff, and BlogSync's states over a fake socket.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  BlogSync,
  RETRY_MAX_DELAY_MS,
  RETRY_MIN_DELAY_MS,
  retryDelayMs,
  type BlogSyncHandlers,
} from '../../client/lib/blog-sync.js';
import { EventSequence } from '../../client/lib/event-sequence.js';
import type { ReaderSocket } from '../../client/lib/sockets.js';
import type { Blog, FreshSubscribeAck, LiveEvent } from '../../src/schema.js';
import type { AnswerOf, PayloadOf } from '../../src/shared/protocol.js';

const BLOG_ID = 'sync-blog';

function event(seq: number, blogId = BLOG_ID): LiveEvent {
  return {
    v: 1,
    type: 'entry.deleted',
    blogId,
    seq,
    cursor: `c${seq}`,
    at: '2024-01-01T00:00:00.000Z',
    entryId: `e${seq}`,
  };
}

/** A sequence at `seq` and the seqs it delivers. */
function sequenceAt(seq?: number): { sequence: EventSequence; delivered: number[] } {
  const delivered: number[] = [];
  const sequence = new EventSequence(
    (e) => delivered.push(e.seq),
    seq === undefined ? {} : { seq, cursor: `c${seq}` },
  );
  return { sequence, delivered };
}

describe('EventSequence', () => {
  it('starts with no position when none is given, so only a snapshot will do', () => {
    const { sequence } = sequenceAt();
    expect(sequence.seq).toBe(0);
    expect(sequence.cursor).toBeUndefined();
  });

  it('applies the next event once and ignores events at or before its position', () => {
    const { sequence, delivered } = sequenceAt(3);
    expect(sequence.offer(event(4))).toBe('applied');
    expect(sequence.offer(event(4))).toBe('stale');
    expect(sequence.offer(event(2))).toBe('stale');
    expect(delivered).toEqual([4]);
    expect(sequence.seq).toBe(4);
    expect(sequence.cursor).toBe('c4');
  });

  it('detects a jump: the event past the gap is held, not applied, and the position stays', () => {
    const { sequence, delivered } = sequenceAt(1);
    expect(sequence.offer(event(3))).toBe('gap');
    expect(delivered).toEqual([]);
    expect(sequence.heldCount).toBe(1);
    expect(sequence.seq).toBe(1);
    expect(sequence.cursor).toBe('c1');
    // The missed event arrives (a resumed answer): both apply, in order.
    expect(sequence.offer(event(2))).toBe('applied');
    expect(sequence.drain()).toBe('applied');
    expect(delivered).toEqual([2, 3]);
    expect(sequence.heldCount).toBe(0);
  });

  it('applies held early events in seq order, each once, whatever order they came in', () => {
    const { sequence, delivered } = sequenceAt(2);
    for (const seq of [5, 3, 4, 3]) sequence.hold(event(seq));
    expect(sequence.drain()).toBe('applied');
    expect(delivered).toEqual([3, 4, 5]);
    expect(sequence.seq).toBe(5);
  });

  it('stops draining at a gap and keeps that event and the later ones held', () => {
    const { sequence, delivered } = sequenceAt(0);
    for (const seq of [1, 3, 4]) sequence.hold(event(seq));
    expect(sequence.drain()).toBe('gap');
    expect(delivered).toEqual([1]);
    expect(sequence.heldCount).toBe(2);
    expect(sequence.offer(event(2))).toBe('applied');
    expect(sequence.drain()).toBe('applied');
    expect(delivered).toEqual([1, 2, 3, 4]);
  });

  it('after a fresh snapshot, held events it already covers are dropped', () => {
    const { sequence, delivered } = sequenceAt(1);
    for (const seq of [4, 5, 6]) sequence.hold(event(seq));
    sequence.reset(5, 'c5');
    expect(sequence.drain()).toBe('applied');
    expect(delivered).toEqual([6]);
    expect(sequence.cursor).toBe('c6');
  });

  it('forgetting the cursor keeps the position', () => {
    const { sequence } = sequenceAt(7);
    sequence.forgetCursor();
    expect(sequence.cursor).toBeUndefined();
    expect(sequence.seq).toBe(7);
  });
});

describe('retryDelayMs', () => {
  it('waits between half and all of RETRY_MIN_DELAY_MS before the first retry', () => {
    expect(retryDelayMs(0, () => 0)).toBe(RETRY_MIN_DELAY_MS / 2);
    expect(retryDelayMs(0, () => 0.999999)).toBeLessThanOrEqual(RETRY_MIN_DELAY_MS);
    expect(retryDelayMs(0, () => 0.999999)).toBeGreaterThan(RETRY_MIN_DELAY_MS * 0.99);
  });

  it('doubles its range on each further failure', () => {
    for (let attempt = 0; attempt < 4; attempt++) {
      const ceiling = RETRY_MIN_DELAY_MS * 2 ** attempt;
      expect(retryDelayMs(attempt, () => 0)).toBe(ceiling / 2);
      expect(retryDelayMs(attempt, () => 1)).toBe(ceiling);
    }
  });

  it('never waits longer than RETRY_MAX_DELAY_MS nor less than half of RETRY_MIN_DELAY_MS', () => {
    for (const attempt of [0, 1, 5, 10, 30, 100, 5000]) {
      for (const r of [0, 0.25, 0.5, 0.75, 0.999999]) {
        const delay = retryDelayMs(attempt, () => r);
        expect(delay).toBeGreaterThanOrEqual(RETRY_MIN_DELAY_MS / 2);
        expect(delay).toBeLessThanOrEqual(RETRY_MAX_DELAY_MS);
      }
    }
    expect(retryDelayMs(5000, () => 0)).toBe(RETRY_MAX_DELAY_MS / 2);
  });

  it('spreads retries with jitter (Math.random by default)', () => {
    const delays = new Set(Array.from({ length: 20 }, () => retryDelayMs(3)));
    expect(delays.size).toBeGreaterThan(1);
  });
});

// ---- BlogSync over a fake socket ------------------------------------------------------------------

interface Sent {
  event: string;
  payload: unknown;
  /** Calls the acknowledgement as a timeout-decorated emit does: (err, answer). */
  answer: (err: Error | null, ack?: AnswerOf<'subscribe'>) => void;
}

/** Just what BlogSync uses of a socket.io-client Socket. */
class FakeSocket {
  connected = true;
  readonly sent: Sent[] = [];
  private readonly listeners = new Map<string, Set<(...args: never[]) => void>>();

  on(name: string, fn: (...args: never[]) => void): this {
    const set = this.listeners.get(name) ?? new Set();
    set.add(fn);
    this.listeners.set(name, set);
    return this;
  }
  off(name: string, fn: (...args: never[]) => void): this {
    this.listeners.get(name)?.delete(fn);
    return this;
  }
  timeout(_ms: number): { emit: (event: string, payload: unknown, cb: Sent['answer']) => void } {
    return { emit: (event, payload, cb) => this.sent.push({ event, payload, answer: cb }) };
  }
  emit(event: string, payload: unknown, cb: (ack: unknown) => void): this {
    this.sent.push({ event, payload, answer: (_err, ack) => cb(ack) });
    return this;
  }
  fire(name: string, ...args: unknown[]): void {
    for (const fn of this.listeners.get(name) ?? []) (fn as (...a: unknown[]) => void)(...args);
  }
  subscribes(): PayloadOf<'subscribe'>[] {
    return this.sent.filter((s) => s.event === 'subscribe').map((s) => s.payload as PayloadOf<'subscribe'>);
  }
  lastSubscribe(): Sent {
    const last = this.sent.filter((s) => s.event === 'subscribe').at(-1);
    if (!last) throw new Error('no subscribe sent');
    return last;
  }
}

const blog: Blog = {
  id: BLOG_ID,
  title: 'T',
  description: '',
  status: 'live',
  summary: '',
  summaryHtml: '',
  language: 'en',
  timeZone: 'UTC',
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-01T00:00:00.000Z',
};

function fresh(seq: number): FreshSubscribeAck {
  return {
    ok: true,
    resumed: false,
    blog,
    entries: [],
    pinned: null,
    hasMore: false,
    cursor: `c${seq}`,
    seq,
    readers: 1,
  };
}

function startSync(options: { seq?: number; cursor?: string } = {}): {
  socket: FakeSocket;
  sync: BlogSync;
  seen: string[];
} {
  const socket = new FakeSocket();
  const seen: string[] = [];
  const handlers: BlogSyncHandlers = {
    onFresh: (ack) => seen.push(`fresh ${ack.seq}`),
    onEvent: (e) => seen.push(`event ${e.seq}`),
    onSynced: () => seen.push('synced'),
    onError: (error) => seen.push(`error ${error.code}`),
  };
  // The fake implements only what BlogSync calls.
  const sync = new BlogSync(socket as unknown as ReaderSocket, BLOG_ID, handlers, options);
  return { socket, sync, seen };
}

describe('BlogSync', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('subscribes on connect, holds the events that come meanwhile, and applies them after the snapshot', () => {
    const { socket, sync, seen } = startSync();
    expect(sync.state).toBe('subscribing');
    expect(socket.subscribes()).toEqual([{ blogId: BLOG_ID }]);
    socket.fire('event', event(5));
    socket.fire('event', event(4));
    socket.fire('event', event(6, 'another-blog'));
    socket.lastSubscribe().answer(null, fresh(4));
    expect(socket.subscribes()).toHaveLength(1);
    expect(sync.state).toBe('live');
    expect(seen).toEqual(['fresh 4', 'synced', 'event 5']);
    expect(sync.lastSeq).toBe(5);
  });

  it('resumes from its cursor: the missed events go through the same in-order path as live ones', () => {
    const { socket, sync, seen } = startSync({ seq: 2, cursor: 'c2' });
    expect(socket.subscribes()).toEqual([{ blogId: BLOG_ID, cursor: 'c2' }]);
    socket.fire('event', event(5));
    socket.lastSubscribe().answer(null, {
      ok: true,
      resumed: true,
      blog,
      events: [event(2), event(3), event(4)],
      cursor: 'c4',
      seq: 4,
    });
    expect(seen).toEqual(['event 3', 'event 4', 'synced', 'event 5']);
    expect(sync.state).toBe('live');
  });

  it('on a seq jump resubscribes from the last cursor and then applies the held event once', () => {
    const { socket, sync, seen } = startSync();
    socket.lastSubscribe().answer(null, fresh(1));
    socket.fire('event', event(3));
    expect(sync.state).toBe('subscribing');
    expect(socket.subscribes().at(-1)).toEqual({ blogId: BLOG_ID, cursor: 'c1' });
    socket
      .lastSubscribe()
      .answer(null, { ok: true, resumed: true, blog, events: [event(2)], cursor: 'c2', seq: 2 });
    expect(seen).toEqual(['fresh 1', 'synced', 'event 2', 'synced', 'event 3']);
  });

  it('asks for a fresh snapshot when a resumed answer has a hole', () => {
    const { socket, seen } = startSync({ seq: 1, cursor: 'c1' });
    socket
      .lastSubscribe()
      .answer(null, { ok: true, resumed: true, blog, events: [event(3)], cursor: 'c3', seq: 3 });
    expect(socket.subscribes().at(-1)).toEqual({ blogId: BLOG_ID });
    socket.lastSubscribe().answer(null, fresh(3));
    expect(seen).toEqual(['fresh 3', 'synced']);
  });

  it('ignores an answer superseded by a newer subscribe', () => {
    const { socket, seen } = startSync();
    const first = socket.lastSubscribe();
    socket.fire('connect');
    first.answer(null, fresh(9));
    expect(seen).toEqual([]);
    socket.lastSubscribe().answer(null, fresh(2));
    expect(seen).toEqual(['fresh 2', 'synced']);
  });

  it('is idle after a refusal or a disconnect, and subscribes again on connect', () => {
    const { socket, sync, seen } = startSync();
    socket.lastSubscribe().answer(null, { ok: false, error: { code: 'not_found', message: 'gone' } });
    expect(sync.state).toBe('idle');
    expect(seen).toEqual(['error not_found']);
    socket.fire('connect');
    socket.lastSubscribe().answer(null, fresh(1));
    expect(sync.state).toBe('live');
    socket.connected = false;
    socket.fire('disconnect');
    expect(sync.state).toBe('idle');
  });

  it('retries an unanswered subscribe after a jittered backoff that grows', () => {
    vi.useFakeTimers();
    vi.stubGlobal('window', globalThis);
    const { socket } = startSync();
    socket.lastSubscribe().answer(new Error('operation has timed out'));
    vi.advanceTimersByTime(RETRY_MIN_DELAY_MS / 2 - 1);
    expect(socket.subscribes()).toHaveLength(1);
    vi.advanceTimersByTime(RETRY_MIN_DELAY_MS / 2 + 1);
    expect(socket.subscribes()).toHaveLength(2);
    socket.lastSubscribe().answer(new Error('operation has timed out'));
    vi.advanceTimersByTime(RETRY_MIN_DELAY_MS - 1);
    expect(socket.subscribes()).toHaveLength(2);
    vi.advanceTimersByTime(RETRY_MIN_DELAY_MS + 1);
    expect(socket.subscribes()).toHaveLength(3);
  });

  it('once stopped, leaves the room and applies nothing more', () => {
    const { socket, sync, seen } = startSync();
    socket.lastSubscribe().answer(null, fresh(1));
    sync.stop();
    expect(sync.state).toBe('stopped');
    expect(socket.sent.at(-1)).toMatchObject({ event: 'unsubscribe', payload: { blogId: BLOG_ID } });
    socket.fire('event', event(2));
    socket.fire('connect');
    expect(seen).toEqual(['fresh 1', 'synced']);
    expect(socket.subscribes()).toHaveLength(1);
  });
});
