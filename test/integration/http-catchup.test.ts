/**
 * Issue 8.5 / SPEC §9: a catch-up answer (GET /api/blogs/:blogId/events?cursor=) is bounded — at most
 * 100 events and about 1 MB of event JSON — and says `hasMore: true` with the cursor of its last event
 * when more remain; following the cursors gives every event once, in order.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { LiveEvent } from '../../src/schema.js';
import { EDITOR_TOKEN, startApp, uniqueId, type TestApp } from '../helpers/app.js';
import { api } from '../helpers/clients.js';

const EVENTS_PER_ANSWER_MAX = 100;
const EVENT_BYTES_PER_ANSWER_MAX = 1024 * 1024;

interface CatchUp {
  resumed: boolean;
  events: LiveEvent[];
  cursor: string;
  seq: number;
  hasMore: boolean;
}

let app: TestApp;
beforeAll(async () => {
  app = await startApp({ redisUrl: inject('redisUrl'), prefix: `${uniqueId('http-catchup')}:` });
});
afterAll(() => app.stop());

const auth = { token: EDITOR_TOKEN };

/** A blog and the cursor of its first event (its creation, seq 1). */
async function newBlog(): Promise<{ blogId: string; cursor: string }> {
  const blogId = uniqueId('catchup');
  expect(
    (await api(app.url, 'PUT', `/api/blogs/${blogId}`, { ...auth, body: { title: 'Catch-up' } })).status,
  ).toBe(201);
  const start = await api(app.url, 'GET', `/api/blogs/${blogId}/entries`);
  expect(start.body.seq).toBe(1);
  return { blogId, cursor: start.body.cursor as string };
}

async function postMany(blogId: string, count: number, body: (i: number) => string): Promise<void> {
  // A few at a time: fast, and the order of the events is whatever the store decides.
  for (let i = 0; i < count; i += 10) {
    const batch = Array.from({ length: Math.min(10, count - i) }, (_, k) =>
      api(app.url, 'POST', `/api/blogs/${blogId}/entries`, { ...auth, body: { body: body(i + k) } }),
    );
    for (const res of await Promise.all(batch)) expect(res.status).toBe(201);
  }
}

async function catchUp(blogId: string, cursor: string): Promise<CatchUp> {
  const res = await api(app.url, 'GET', `/api/blogs/${blogId}/events?cursor=${encodeURIComponent(cursor)}`);
  expect(res.status).toBe(200);
  return res.body as unknown as CatchUp;
}

/** Follows the cursors until hasMore is false; every answer checked on the way. */
async function followAll(blogId: string, cursor: string): Promise<CatchUp[]> {
  const answers: CatchUp[] = [];
  for (let next = cursor; ;) {
    const answer = await catchUp(blogId, next);
    expect(answer.resumed).toBe(true);
    answers.push(answer);
    const last = answer.events[answer.events.length - 1];
    // The answer's cursor and seq are those of its last event: the place to continue from.
    if (last) expect([answer.cursor, answer.seq]).toEqual([last.cursor, last.seq]);
    if (!answer.hasMore) return answers;
    expect(answer.events.length).toBeGreaterThan(0);
    expect(answers.length).toBeLessThan(100);
    next = answer.cursor;
  }
}

function expectContiguous(events: LiveEvent[], firstSeq: number, lastSeq: number): void {
  expect(events.map((e) => e.seq)).toEqual(
    Array.from({ length: lastSeq - firstSeq + 1 }, (_, i) => firstSeq + i),
  );
}

describe('GET /api/blogs/:blogId/events is bounded', () => {
  it('150 events come as 100 with hasMore: true, then the remaining 50 with hasMore: false, none missing or twice', async () => {
    const { blogId, cursor } = await newBlog();
    await postMany(blogId, 150, (i) => `entry ${i}`);
    const first = await catchUp(blogId, cursor);
    expect(first).toMatchObject({ resumed: true, hasMore: true, seq: 101 });
    expect(first.events).toHaveLength(EVENTS_PER_ANSWER_MAX);
    expectContiguous(first.events, 2, 101);
    expect(first.cursor).toBe(first.events[99]?.cursor);

    const rest = await catchUp(blogId, first.cursor);
    expect(rest).toMatchObject({ resumed: true, hasMore: false, seq: 151 });
    expect(rest.events).toHaveLength(50);
    expectContiguous(rest.events, 102, 151);

    const caughtUp = await catchUp(blogId, rest.cursor);
    expect(caughtUp).toEqual({ resumed: true, events: [], cursor: rest.cursor, seq: 151, hasMore: false });
  });

  it('an answer holds about 1 MB of events at most (plus one event), and the cursors lead through all of them', async () => {
    const { blogId, cursor } = await newBlog();
    // Entries at the body limit, half of them in two-byte characters: ~40–60 KB of JSON per event.
    await postMany(blogId, 60, (i) => (i % 2 ? 'x' : 'é').repeat(20_000));
    const answers = await followAll(blogId, cursor);
    expect(answers.length).toBeGreaterThan(2);
    const all = answers.flatMap((a) => a.events);
    expectContiguous(all, 2, 61);
    const largestEvent = Math.max(...all.map((e) => Buffer.byteLength(JSON.stringify(e))));
    for (const answer of answers) {
      const bytes = Buffer.byteLength(JSON.stringify(answer.events));
      expect(bytes).toBeLessThanOrEqual(EVENT_BYTES_PER_ANSWER_MAX + largestEvent);
      expect(answer.events.length).toBeLessThanOrEqual(EVENTS_PER_ANSWER_MAX);
    }
    expect(answers.slice(0, -1).every((a) => a.hasMore)).toBe(true);
    expect(answers[answers.length - 1]?.hasMore).toBe(false);
  });

  it('a cursor that cannot be resumed still answers { resumed: false, cursor, seq } without hasMore', async () => {
    const { blogId } = await newBlog();
    const res = await api(app.url, 'GET', `/api/blogs/${blogId}/events?cursor=garbage`);
    expect(res.body).toEqual({ resumed: false, cursor: expect.any(String) as unknown, seq: 1 });
  });
});
