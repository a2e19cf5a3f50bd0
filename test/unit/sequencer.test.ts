/** The pure sequencing of a live feed: order by seq, hold early events, cache, ring and resume. */
import { describe, expect, it } from 'vitest';
import { FeedSequencer, FEED_RING_EVENTS } from '../../src/live/sequencer.js';
import type { LiveEvent } from '../../src/schema.js';
import { parseEvent, serializeEvent } from '../../src/store/events.js';
import type { Snapshot } from '../../src/store/store.js';
import { makeBlog, makeEntry } from '../helpers/store-fixtures.js';

const blog = makeBlog('seq-blog');

function created(seq: number, epoch = 'e1'): LiveEvent {
  const entry = makeEntry(blog.id, { headline: `entry ${seq}` });
  return parseEvent(
    serializeEvent(blog.id, { type: 'entry.created', at: entry.createdAt, entry }, epoch, seq),
  );
}

function snapshot(seq: number, epoch = 'e1'): Snapshot {
  return { blog, entries: [], pinned: null, total: 0, seq, epoch };
}

const seqs = (events: LiveEvent[]): number[] => events.map((e) => e.seq);

describe('FeedSequencer', () => {
  it('delivers events in seq order, holding early ones until the gap is filled', () => {
    const s = new FeedSequencer();
    s.adopt(snapshot(0));
    expect(seqs(s.offer(created(1)).deliver)).toEqual([1]);
    const early = s.offer(created(3));
    expect(early).toMatchObject({ deliver: [], gap: true });
    expect(s.waiting).toBe(1);
    const filled = s.fill([created(2)]);
    expect(seqs(filled.deliver)).toEqual([2, 3]);
    expect(filled.holeRemains).toBe(false);
    expect(s.seq).toBe(3);
  });

  it('ignores an event it already delivered', () => {
    const s = new FeedSequencer();
    s.adopt(snapshot(0));
    const one = created(1);
    s.offer(one);
    expect(s.offer(one).deliver).toEqual([]);
  });

  it('delivers what the log filled and still reports a gap it did not cover', () => {
    const s = new FeedSequencer();
    s.adopt(snapshot(0));
    s.offer(created(4));
    const partial = s.fill([created(1), created(2)]);
    expect(seqs(partial.deliver)).toEqual([1, 2]);
    expect(partial.gap).toBe(true);
    expect(seqs(s.fill([created(3)]).deliver)).toEqual([3, 4]);
  });

  it('reports a hole when the log holds nothing after the last delivered event yet', () => {
    const s = new FeedSequencer();
    s.adopt(snapshot(0));
    s.offer(created(2));
    expect(s.fill([])).toMatchObject({ deliver: [], holeRemains: true });
  });

  it('flags an event of another epoch (a wiped history)', () => {
    const s = new FeedSequencer();
    s.adopt(snapshot(5));
    expect(s.offer(created(1, 'e2'))).toMatchObject({ deliver: [], newEpoch: true });
    // Reloading from the new epoch's snapshot delivers what was held after it.
    expect(seqs(s.adopt(snapshot(0, 'e2')).deliver)).toEqual([1]);
  });

  it('delivers events held while loading once the snapshot arrives, and drops those it covers', () => {
    const s = new FeedSequencer();
    expect(s.offer(created(5)).deliver).toEqual([]);
    expect(s.offer(created(6)).deliver).toEqual([]);
    expect(seqs(s.adopt(snapshot(5)).deliver)).toEqual([6]);
  });

  it('a creation event makes an unknown blog live without a snapshot', () => {
    const s = new FeedSequencer();
    const event = parseEvent(
      serializeEvent(blog.id, { type: 'blog.updated', at: blog.createdAt, blog }, 'e1', 1),
    );
    expect(seqs(s.offer(event).deliver)).toEqual([1]);
    expect(s.loaded).toBe(true);
    expect(s.view(20)).toMatchObject({ blog, entries: [], seq: 1, cursor: 'e1.1' });
  });

  it('answers a view at exactly the last delivered seq, newest entry first', () => {
    const s = new FeedSequencer();
    s.adopt(snapshot(0));
    const events = [created(1), created(2), created(3)];
    for (const e of events) s.offer(e);
    const view = s.view(2);
    expect(view?.seq).toBe(3);
    expect(view?.hasMore).toBe(true);
    expect(view?.entries.map((e) => e.headline)).toEqual(['entry 3', 'entry 2']);
  });

  it('resumes from the ring, from the log plus the ring, and refuses what neither holds', () => {
    const s = new FeedSequencer();
    s.adopt(snapshot(10));
    for (let seq = 11; seq <= 12; seq++) s.offer(created(seq));
    expect(s.resumeSource('e1.11')).toMatchObject({ from: 'ring' });
    expect(seqs(s.resume('e1.11', [])?.events ?? [])).toEqual([12]);

    expect(s.resumeSource('e1.8')).toMatchObject({ from: 'log', seq: 8 });
    // The log read may be older than now: the ring completes it.
    expect(seqs(s.resume('e1.8', [created(9), created(10), created(11)])?.events ?? [])).toEqual([
      9, 10, 11, 12,
    ]);
    expect(s.resume('e1.8', [created(9)])).toBeNull();
    expect(s.resumeSource('e2.3')).toBeNull();
    expect(s.resumeSource('e1.99')).toBeNull();
    expect(s.resumeSource('garbage')).toBeNull();
  });

  it('keeps at most FEED_RING_EVENTS events for resume', () => {
    const s = new FeedSequencer();
    s.adopt(snapshot(0));
    for (let seq = 1; seq <= FEED_RING_EVENTS + 10; seq++) s.offer(created(seq));
    expect(s.resumeSource('e1.10')).toMatchObject({ from: 'ring' });
    expect(s.resumeSource('e1.5')).toMatchObject({ from: 'log' });
  });
});

describe('FeedSequencer.view', () => {
  it('hands out one page per (seq, limit) and a new one after an event', () => {
    const s = new FeedSequencer();
    s.adopt(snapshot(0));
    s.offer(created(1));
    const first = s.view(20);
    expect(s.view(20)).toBe(first);
    expect(s.view(5)).not.toBe(first);
    s.offer(created(2));
    const second = s.view(20);
    expect(second).not.toBe(first);
    expect(second?.seq).toBe(2);
    expect(second?.entries.map((e) => e.headline)).toEqual(['entry 2', 'entry 1']);
    expect(first?.seq).toBe(1);
  });
});
