/**
 * Editor writes whose every answer is recorded (ok, an error code, or no answer at all), a load of such
 * writes running until stopped, and the store's view read back over HTTP: what fault tests compare.
 */
import type { Socket } from 'socket.io-client';
import type { Blog, Entry } from '../../src/schema.js';

/** Long enough for the server's default 5 s Redis command timeout plus a margin. */
export const WRITE_ANSWER_MS = 15_000;

export interface WriteOutcome {
  /** Which way it went, e.g. `http@a`. */
  via: string;
  /** Unique per write: how a stored entry is traced back to its write. */
  body: string;
  idempotencyKey: string;
  ok: boolean;
  duplicate?: boolean;
  entryId?: string;
  /** The SPEC error code, or `no answer` (timeout, connection lost): the outcome is then unknown. */
  code?: string;
  /** When the answer came (Date.now()). */
  at: number;
}

interface ErrorAnswer {
  error?: { code?: string };
}

/** The JSON body, or {} when there is none (the status then tells what happened). */
async function jsonOf<T>(res: Response): Promise<Partial<T>> {
  const text = await res.text();
  try {
    return JSON.parse(text) as Partial<T>;
  } catch {
    return {};
  }
}

export async function createOverHttp(
  via: string,
  url: string,
  token: string,
  blogId: string,
  body: string,
  idempotencyKey: string,
  ms = WRITE_ANSWER_MS,
): Promise<WriteOutcome> {
  const base = { via, body, idempotencyKey };
  try {
    const res = await fetch(`${url}/api/blogs/${blogId}/entries`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': idempotencyKey,
      },
      body: JSON.stringify({ body }),
      signal: AbortSignal.timeout(ms),
    });
    const answer = await jsonOf<{ entry: Entry; duplicate: boolean } & ErrorAnswer>(res);
    if ((res.status === 201 || res.status === 200) && answer.entry)
      return {
        ...base,
        ok: true,
        duplicate: answer.duplicate === true,
        entryId: answer.entry.id,
        at: Date.now(),
      };
    return { ...base, ok: false, code: answer.error?.code ?? `http ${res.status}`, at: Date.now() };
  } catch {
    return { ...base, ok: false, code: 'no answer', at: Date.now() };
  }
}

export async function createOverSocket(
  via: string,
  editor: Socket,
  blogId: string,
  body: string,
  idempotencyKey: string,
  ms = WRITE_ANSWER_MS,
): Promise<WriteOutcome> {
  const base = { via, body, idempotencyKey };
  try {
    const ack = (await editor.timeout(ms).emitWithAck('entry:create', { blogId, body, idempotencyKey })) as
      { ok: true; entry: Entry; duplicate: boolean } | { ok: false; error: { code: string } };
    if (ack.ok) return { ...base, ok: true, duplicate: ack.duplicate, entryId: ack.entry.id, at: Date.now() };
    return { ...base, ok: false, code: ack.error.code, at: Date.now() };
  } catch {
    return { ...base, ok: false, code: 'no answer', at: Date.now() };
  }
}

export interface UpsertOutcome {
  blogId: string;
  ok: boolean;
  code?: string;
}

export async function upsertOverHttp(
  url: string,
  token: string,
  blogId: string,
  ms = WRITE_ANSWER_MS,
): Promise<UpsertOutcome> {
  try {
    const res = await fetch(`${url}/api/blogs/${blogId}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: `Live: ${blogId}` }),
      signal: AbortSignal.timeout(ms),
    });
    const answer = await jsonOf<ErrorAnswer>(res);
    if (res.status === 201 || res.status === 200) return { blogId, ok: true };
    return { blogId, ok: false, code: answer.error?.code ?? `http ${res.status}` };
  } catch {
    return { blogId, ok: false, code: 'no answer' };
  }
}

export async function upsertOverSocket(
  editor: Socket,
  blogId: string,
  ms = WRITE_ANSWER_MS,
): Promise<UpsertOutcome> {
  try {
    const ack = (await editor
      .timeout(ms)
      .emitWithAck('blog:upsert', { id: blogId, title: `Live: ${blogId}` })) as
      { ok: true; blog: Blog } | { ok: false; error: { code: string } };
    return ack.ok ? { blogId, ok: true } : { blogId, ok: false, code: ack.error.code };
  } catch {
    return { blogId, ok: false, code: 'no answer' };
  }
}

/** Every entry of a blog as the store holds it (all pages), with the cursor and seq of its latest event. */
export async function storedEntries(
  url: string,
  blogId: string,
): Promise<{ entries: Entry[]; cursor: string; seq: number }> {
  const entries: Entry[] = [];
  let first: { cursor: string; seq: number } | undefined;
  for (let before = ''; ;) {
    const res = await fetch(`${url}/api/blogs/${blogId}/entries?limit=100${before}`, {
      signal: AbortSignal.timeout(5000),
    });
    if (res.status !== 200) throw new Error(`GET entries of ${blogId} answered ${res.status}`);
    const page = (await res.json()) as { entries: Entry[]; hasMore: boolean; cursor: string; seq: number };
    first ??= { cursor: page.cursor, seq: page.seq };
    entries.push(...page.entries);
    const last = page.entries[page.entries.length - 1];
    if (!page.hasMore || !last) break;
    before = `&before=${encodeURIComponent(last.id)}`;
  }
  return { entries, ...first };
}

/** The blog ids of GET /api/blogs. */
export async function listedBlogIds(url: string): Promise<string[]> {
  const res = await fetch(`${url}/api/blogs`, { signal: AbortSignal.timeout(5000) });
  const answer = (await res.json()) as { blogs: Blog[] };
  return answer.blogs.map((b) => b.id);
}

export type Writer = (body: string, idempotencyKey: string) => Promise<WriteOutcome>;

/** Pacing between a writer's writes: editors post often, not in a tight loop, and back off on failure. */
const PAUSE_AFTER_OK_MS = 25;
const PAUSE_AFTER_FAILURE_MS = 60;

/**
 * Each writer posts one entry after another (unique bodies and idempotency keys) until `stop()`;
 * every answer is kept. `onNotFound` runs when the blog is gone (e.g. re-creates a wiped one).
 */
export class WriteLoad {
  readonly outcomes: WriteOutcome[] = [];
  private running = true;
  private readonly loops: Promise<void>[];

  constructor(
    private readonly label: string,
    writers: Writer[],
    private readonly onNotFound?: () => Promise<unknown>,
  ) {
    this.loops = writers.map((write, i) => this.loop(write, i));
  }

  acknowledged(): WriteOutcome[] {
    return this.outcomes.filter((o) => o.ok);
  }

  /** Acknowledged writes whose answer came after `since`, optionally only those that went `via`. */
  acknowledgedSince(since: number, via?: string): WriteOutcome[] {
    return this.acknowledged().filter((o) => o.at > since && (via === undefined || o.via === via));
  }

  async stop(): Promise<WriteOutcome[]> {
    this.running = false;
    await Promise.all(this.loops);
    return this.outcomes;
  }

  private async loop(write: Writer, index: number): Promise<void> {
    for (let n = 0; this.running; n++) {
      const outcome = await write(`${this.label} writer ${index} #${n}`, `${this.label}-w${index}-${n}`);
      this.outcomes.push(outcome);
      if (outcome.code === 'not_found' && this.onNotFound) await this.onNotFound().catch(() => undefined);
      await new Promise((r) => setTimeout(r, outcome.ok ? PAUSE_AFTER_OK_MS : PAUSE_AFTER_FAILURE_MS));
    }
  }
}
