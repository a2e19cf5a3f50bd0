/**
 * Readers arriving at the same `seq` get the same snapshot, so its JSON is made once per
 * (blog, seq, limit) and reused: `FeedSequencer.view` hands out one `BlogPage` object per (seq, limit),
 * `pageJson` serialises each such object once, and `freshAnswer` builds a subscribe answer whose JSON is
 * that text with the reader count spliced in. The Socket.IO side asks `answerJson` for the text and
 * writes it as it is (see src/realtime/answer-parser.ts). Serialising a 20-entry snapshot per reader was a
 * tenth of the CPU of a crowd's arrival.
 */
import type { BlogPage, FreshSubscribeAck, LiveEvent, ResumedSubscribeAck } from '../schema.js';
import type { ResumeAnswer } from './sequencer.js';

const pages = new WeakMap<BlogPage, string>();
/** Blogs and events are shared objects of the feed (its cache and ring): each is serialised once. */
const parts = new WeakMap<object, string>();
const answers = new WeakMap<object, string>();

function partJson(value: object): string {
  let json = parts.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    parts.set(value, json);
  }
  return json;
}

/** The JSON of a page, made once per page object. */
export function pageJson(page: BlogPage): string {
  let json = pages.get(page);
  if (json === undefined) {
    json = JSON.stringify(page);
    pages.set(page, json);
  }
  return json;
}

/** `{ ok: true, resumed: false, ...page, readers }`, with its JSON known without serialising the page. */
export function freshAnswer(page: BlogPage, readers: number): FreshSubscribeAck {
  const answer: FreshSubscribeAck = { ok: true, resumed: false, ...page, readers };
  const body = pageJson(page);
  // `{}` has no fields to splice; any other page object's JSON opens with `{"` and closes with `}`.
  const fields = body.length > 2 ? `${body.slice(1, -1)},` : '';
  answers.set(answer, `{"ok":true,"resumed":false,${fields}"readers":${JSON.stringify(readers)}}`);
  return answer;
}

/**
 * `{ ok: true, ...resume }` with its JSON assembled from each event's JSON, made once per event however
 * many readers resume over it (a reconnect storm after an instance died).
 */
export function resumedAnswer(resume: ResumeAnswer): ResumedSubscribeAck {
  const answer: ResumedSubscribeAck = { ok: true, ...resume };
  const events = resume.events.map((e: LiveEvent) => partJson(e)).join(',');
  answers.set(
    answer,
    `{"ok":true,"resumed":true,"blog":${partJson(resume.blog)},"events":[${events}],` +
      `"cursor":${JSON.stringify(resume.cursor)},"seq":${JSON.stringify(resume.seq)}}`,
  );
  return answer;
}

/** The JSON of an answer made by `freshAnswer`, or undefined for any other value. */
export function answerJson(answer: unknown): string | undefined {
  return typeof answer === 'object' && answer !== null ? answers.get(answer) : undefined;
}
