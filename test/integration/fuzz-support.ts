/**
 * The fuzz harness (issue 8): a real server with a witness blog, one entry in it and a bystander reader
 * subscribed to it; properties that send fuzzed requests and judge each answer with fuzz-oracle.ts; and
 * the checks that nothing was written and nobody was harmed.
 */
import fc from 'fast-check';
import type { Socket } from 'socket.io-client';
import { Decoder, Encoder, PacketType } from 'socket.io-parser';
import { expect } from 'vitest';
import type { Entry } from '../../src/schema.js';
import type { FuzzedEvent } from '../helpers/fuzz-oracle.js';
import { EDITOR_TOKEN, SECOND_EDITOR_TOKEN, startApp, uniqueId, type TestApp } from '../helpers/app.js';
import { examples, fieldGens, httpCases, httpExamples, payloads } from '../helpers/arbitraries.js';
import {
  api,
  call,
  connectEditor,
  connectReader,
  EventLog,
  newBlog,
  newEntry,
  type ReaderSocket,
} from '../helpers/clients.js';
import {
  httpVerdictFor,
  isPlainObject,
  isWrite,
  statusOf,
  verdictForArguments,
  type FuzzWorld,
  type HttpCase,
  type Outcome,
  type WriteMethod,
} from '../helpers/fuzz-oracle.js';
import { until, within } from '../helpers/wait.js';

/** SPEC §4's error codes, written out rather than imported, so the server is checked against the SPEC. */
export const ERROR_CODES = [
  'invalid',
  'unauthorized',
  'not_found',
  'conflict',
  'rate_limited',
  'too_large',
  'unavailable',
  'internal',
] as const;

/**
 * Run counts scale with FUZZ_SCALE (default 1) for a longer local hunt; FUZZ_SEED replays a failure
 * together with the `path` fast-check prints.
 */
export function fuzzParams<T>(numRuns: number, examples: T[] = []): fc.Parameters<T> {
  const scale = Number(process.env.FUZZ_SCALE ?? '1');
  const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
  return {
    numRuns: Math.max(1, Math.round(numRuns * (Number.isFinite(scale) && scale > 0 ? scale : 1))),
    examples,
    ...(seed !== undefined && Number.isFinite(seed) ? { seed } : {}),
    ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}),
    // A failing run is replayed many times while shrinking; keep a broken server from taking forever.
    interruptAfterTimeLimit: 90_000,
    markInterruptAsFailure: true,
  };
}

/** With FUZZ_STATS=1, how often each request got each answer (to tune the generators). */
const outcomes = new Map<string, number>();
export function tally(what: string, outcome: string | number): void {
  const key = `${what} → ${outcome}`;
  outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
}
export function printTally(): void {
  if (!process.env.FUZZ_STATS) return;
  console.log(
    [...outcomes]
      .map(([key, n]) => `${key}: ${n}`)
      .sort()
      .join('\n'),
  );
}

/** Sockets of one namespace, replaced before the per-socket request limit (a burst of 20) refuses them. */
export class SocketPool {
  private socket: ReaderSocket | undefined;
  private used = 0;
  constructor(
    private readonly open: () => Promise<ReaderSocket>,
    private readonly perSocket = 15,
  ) {}

  async get(): Promise<ReaderSocket> {
    if (!this.socket || this.used >= this.perSocket) {
      this.socket?.close();
      this.socket = await this.open();
      this.used = 0;
    }
    this.used += 1;
    return this.socket;
  }

  close(): void {
    this.socket?.close();
    this.socket = undefined;
  }
}

export interface Fuzzing {
  app: TestApp;
  world: FuzzWorld;
  /** A reader subscribed to the witness blog for the whole file, and the events it received. */
  bystander: ReaderSocket;
  bystanderLog: EventLog;
  readers: SocketPool;
  editors: SocketPool;
  /** The witness blog's seq and the blog list before any fuzzing. */
  baseline: { seq: number; blogs: Set<string> };
  stop(): Promise<void>;
}

export async function startFuzzing(options: { redisUrl?: string } = {}): Promise<Fuzzing> {
  const app = await startApp(
    options.redisUrl ? { redisUrl: options.redisUrl, prefix: `${uniqueId('fuzz')}:` } : {},
  );
  const blogId = await newBlog(app, { label: 'fuzz-witness' });
  const entry = await newEntry(app, blogId, { body: 'the witness entry', headline: 'witness' });
  const head = await witnessHead(app.url, blogId);
  const bystander = await connectReader(app.url);
  const bystanderLog = new EventLog(bystander);
  expect(await call(bystander, 'subscribe', { blogId })).toMatchObject({ ok: true, seq: head.seq });
  const blogs = await blogIds(app.url);
  const readers = new SocketPool(() => connectReader(app.url));
  const editors = new SocketPool(() => connectEditor(app.url, EDITOR_TOKEN));
  return {
    app,
    world: {
      blogId,
      entryId: entry.id,
      entryVersion: entry.version,
      cursor: head.cursor,
      created: new Set(),
    },
    bystander,
    bystanderLog,
    readers,
    editors,
    baseline: { seq: head.seq, blogs },
    async stop() {
      readers.close();
      editors.close();
      bystander.close();
      await app.stop();
    },
  };
}

async function witnessHead(
  url: string,
  blogId: string,
): Promise<{ seq: number; cursor: string; entries: Entry[] }> {
  const res = await api(url, 'GET', `/api/blogs/${blogId}/entries`);
  expect(res.status).toBe(200);
  return res.body as unknown as { seq: number; cursor: string; entries: Entry[] };
}

async function blogIds(url: string): Promise<Set<string>> {
  const res = await api(url, 'GET', '/api/blogs');
  expect(res.status).toBe(200);
  return new Set((res.body.blogs as { id: string }[]).map((b) => b.id));
}

/** A value short enough to read in a failure message. */
export function excerpt(value: unknown, max = 300): string {
  let s: string;
  try {
    s = JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  return s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s;
}

/** The witness blog is exactly as it was: same seq, its entry unchanged. */
export async function expectWitnessUnchanged(f: Fuzzing, context: string): Promise<void> {
  const head = await witnessHead(f.app.url, f.world.blogId);
  if (head.seq !== f.baseline.seq) {
    throw new Error(`the witness blog was written (seq ${f.baseline.seq} → ${head.seq}) after ${context}`);
  }
  const entry = head.entries.find((e) => e.id === f.world.entryId);
  expect(entry, context).toMatchObject({ version: f.world.entryVersion, body: 'the witness entry' });
}

/**
 * Nothing was written and nobody was harmed: the witness blog is unchanged and its bystander got no
 * event, no blog appeared but those the run accounted for, the bystander is connected and served, and
 * the process still answers /healthz.
 */
export async function expectNoHarm(f: Fuzzing): Promise<void> {
  await expectWitnessUnchanged(f, 'the run');
  expect(f.bystanderLog.count(f.world.blogId), 'events reaching the bystander').toBe(0);
  const blogs = await blogIds(f.app.url);
  const expected = new Set([...f.baseline.blogs, ...f.world.created]);
  expect(
    [...blogs].filter((id) => !expected.has(id)),
    'blogs nobody created on purpose',
  ).toEqual([]);
  expect(
    [...expected].filter((id) => !blogs.has(id)),
    'blogs that disappeared',
  ).toEqual([]);
  expect(f.bystander.connected, 'the bystander is still connected').toBe(true);
  expect(await call(f.bystander, 'entries', { blogId: f.world.blogId })).toMatchObject({ ok: true });
  expect((await fetch(`${f.app.url}/healthz`)).status).toBe(200);
}

/** Afterwards, the bystander still receives the witness blog's next event (ends the witness's stillness). */
export async function expectBystanderStillLive(f: Fuzzing): Promise<void> {
  const entry = await newEntry(f.app, f.world.blogId, { body: `still here ${uniqueId('probe')}` });
  await until(
    'the bystander to receive the next event',
    () => f.bystanderLog.events.some((e) => e.type === 'entry.created' && e.entry.id === entry.id),
    5000,
  );
  expect(f.bystander.connected).toBe(true);
}

type Answer = { ok: true } & Record<string, unknown>;
type Refusal = { ok: false; error: { code: string; message: string; issues?: unknown } };

/** The acknowledgement is `{ ok: true, … }` or `{ ok: false, error: { code, message } }` with a SPEC code. */
function outcomeOf(ack: unknown): { outcome: Outcome; ack: Answer | Refusal } {
  if (isPlainObject(ack) && ack.ok === true) return { outcome: 'ok', ack: ack as Answer };
  const error = isPlainObject(ack) && ack.ok === false ? ack.error : undefined;
  if (
    !isPlainObject(error) ||
    !(ERROR_CODES as readonly unknown[]).includes(error.code) ||
    typeof error.message !== 'string'
  ) {
    throw new Error(`malformed acknowledgement: ${excerpt(ack)}`);
  }
  return { outcome: error.code as Outcome, ack: ack as Refusal };
}

/** An `invalid` answer says where: `issues` is a list of `{ path: (string|number)[], message }`. */
function expectIssues(error: Refusal['error'], context: string): void {
  const issues = error.issues;
  if (
    !Array.isArray(issues) ||
    !issues.every(
      (i) =>
        isPlainObject(i) &&
        Array.isArray(i.path) &&
        i.path.every((p) => typeof p === 'string' || typeof p === 'number') &&
        typeof i.message === 'string',
    )
  ) {
    throw new Error(`invalid without well-formed issues: ${excerpt(error)} for ${context}`);
  }
}

/**
 * What the server receives when a client emits `args`: encoded and decoded by Socket.IO's own parser
 * (JSON for most values, binary attachments for bytes). Undefined when the client cannot send them at all
 * (a value whose serialisation throws).
 */
function received(event: string, args: unknown[]): unknown[] | undefined {
  let parts: unknown[];
  try {
    parts = new Encoder().encode({
      type: PacketType.EVENT,
      nsp: '/',
      data: [event, ...args],
      id: 1,
    }) as unknown[];
  } catch {
    return undefined;
  }
  const decoder = new Decoder();
  let values: unknown[] | undefined;
  decoder.on('decoded', (packet: { data?: unknown[] }) => {
    values = packet.data?.slice(1);
  });
  for (const part of parts) decoder.add(part);
  decoder.destroy();
  return values;
}

/** Emits `event` with `args` and an acknowledgement callback; resolves with the answer, within 5 s. */
function emitWithAck(socket: ReaderSocket, event: string, args: unknown[]): Promise<unknown> {
  const untyped: Socket = socket;
  return within(
    5000,
    `the acknowledgement of ${event}`,
    new Promise<unknown>((resolve) => {
      untyped.emit(event, ...args, (answer: unknown) => resolve(answer));
    }),
  );
}

/**
 * Emits `event` with `args` (usually one payload) on a fresh-enough socket of `namespace` and checks the
 * answer against the oracle. A request the run cannot account for (a valid write to the witness) is
 * skipped.
 */
export async function sendAndJudge(
  f: Fuzzing,
  namespace: '/' | '/editor',
  event: FuzzedEvent,
  args: unknown[],
): Promise<void> {
  const wire = received(event, args);
  fc.pre(wire !== undefined);
  const verdict = verdictForArguments(event, wire, f.world);
  fc.pre(!verdict.unaccounted);
  const shown = wire.length === 1 ? excerpt(wire[0]) : `arguments ${excerpt(wire)}`;
  const context = `${event} on ${namespace} with ${shown} (oracle: ${[...verdict.allowed].join('|')}; ${verdict.why.join(', ') || 'all fields in bounds'})`;
  const socket = await (namespace === '/' ? f.readers : f.editors).get();
  let answer: unknown;
  try {
    answer = await emitWithAck(socket, event, args);
  } catch (err) {
    throw new Error(`no answer (${err instanceof Error ? err.message : String(err)}) to ${context}`);
  }
  const { outcome, ack } = outcomeOf(answer);
  if (outcome === 'internal') throw new Error(`internal error for ${context}`);
  if (!verdict.allowed.has(outcome)) {
    throw new Error(`answered ${outcome} (${excerpt(ack)}) to ${context}`);
  }
  if (!ack.ok && outcome === 'invalid') expectIssues(ack.error, context);
  if (ack.ok) expectSuccessShape(event, wire[0], ack, context);
  if (ack.ok && verdict.upserts !== undefined) f.world.created.add(verdict.upserts);
  if (isWrite(event)) await expectWitnessUnchanged(f, context);
  tally(`${namespace} ${event}${wire.length === 1 ? '' : ` (${wire.length} arguments)`}`, outcome);
}

function expectSuccessShape(event: FuzzedEvent, wire: unknown, ack: Answer, context: string): void {
  const p = isPlainObject(wire) ? wire : {};
  switch (event) {
    case 'subscribe':
      expect(ack, context).toMatchObject({ blog: { id: p.blogId } });
      expect(typeof ack.cursor, context).toBe('string');
      expect(ack.resumed === true ? ack.events : ack.entries, context).toBeInstanceOf(Array);
      return;
    case 'entries':
      expect(ack.entries, context).toBeInstanceOf(Array);
      expect(typeof ack.hasMore, context).toBe('boolean');
      return;
    case 'blog:upsert':
      expect(ack, context).toMatchObject({ blog: { id: p.id } });
      return;
    default:
      return;
  }
}

/** The property of one event on one namespace: every fuzzed payload is answered as the contract says. */
export async function fuzzEvent(
  f: Fuzzing,
  namespace: '/' | '/editor',
  event: FuzzedEvent,
  numRuns: number,
): Promise<void> {
  const arb = payloads(event, fieldGens(f.world));
  await fc.assert(
    fc.asyncProperty(arb, (payload) => sendAndJudge(f, namespace, event, [payload])),
    fuzzParams(
      numRuns,
      examples(event, f.world).map((p): [unknown] => [p]),
    ),
  );
}

/** The request line and headers of an HTTP case, for failure messages. */
function describeHttp(c: HttpCase, path: string): string {
  const headers = [
    c.auth.header === undefined
      ? 'no Authorization'
      : c.auth.valid
        ? 'a valid token'
        : `Authorization ${excerpt(c.auth.header, 60)}`,
    ...(c.contentType !== undefined ? [`Content-Type ${excerpt(c.contentType)}`] : []),
    ...(c.idempotencyKey !== undefined ? [`Idempotency-Key ${excerpt(c.idempotencyKey)}`] : []),
    ...(c.ifMatch !== undefined ? [`If-Match ${excerpt(c.ifMatch)}`] : []),
  ];
  const body = c.body === undefined ? 'no body' : `body ${excerpt(c.body, 200)}`;
  return `${c.method} ${excerpt(path, 200)} with ${headers.join(', ')}, ${body}`;
}

/** Sends an HTTP write and checks the status and error body against the oracle, then the witness. */
export async function sendHttpAndJudge(f: Fuzzing, c: HttpCase): Promise<void> {
  const verdict = httpVerdictFor(c, f.world);
  fc.pre(!verdict.unaccounted);
  const blog = encodeURIComponent(c.blog);
  const path =
    c.method === 'PUT'
      ? `/api/blogs/${blog}`
      : c.method === 'POST'
        ? `/api/blogs/${blog}/entries`
        : `/api/blogs/${blog}/entries/${encodeURIComponent(c.entry)}`;
  const headers: Record<string, string> = {};
  if (c.auth.header !== undefined) headers.authorization = c.auth.header;
  if (c.contentType !== undefined) headers['content-type'] = c.contentType;
  if (c.idempotencyKey !== undefined) headers['idempotency-key'] = c.idempotencyKey;
  if (c.ifMatch !== undefined) headers['if-match'] = c.ifMatch;
  const context = `${describeHttp(c, path)} (oracle: ${[...verdict.allowed].join('|')}; ${verdict.why.join(', ') || 'all fields in bounds'})`;
  let res: Response;
  let text: string;
  try {
    res = await fetch(`${f.app.url}${path}`, {
      method: c.method,
      headers,
      body: c.body,
      signal: AbortSignal.timeout(5000),
    });
    text = await res.text();
  } catch (err) {
    throw new Error(`no answer (${err instanceof Error ? err.message : String(err)}) to ${context}`);
  }
  if (res.status === 500) throw new Error(`500 (${excerpt(text)}) for ${context}`);
  if (!verdict.allowed.has(res.status))
    throw new Error(`answered ${res.status} (${excerpt(text)}) to ${context}`);
  tally(c.method, res.status);
  if (res.status >= 400) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`a ${res.status} whose body is not JSON (${excerpt(text)}) for ${context}`);
    }
    const error = isPlainObject(parsed) ? parsed.error : undefined;
    if (
      !isPlainObject(error) ||
      !(ERROR_CODES as readonly unknown[]).includes(error.code) ||
      typeof error.message !== 'string' ||
      statusOf(error.code as (typeof ERROR_CODES)[number]) !== res.status
    ) {
      throw new Error(
        `a ${res.status} without a matching { error: { code, message } } (${excerpt(text)}) for ${context}`,
      );
    }
    if (error.code === 'invalid') expectIssues(error as Refusal['error'], context);
  } else if (c.method === 'PUT') {
    expect(JSON.parse(text), context).toMatchObject({ blog: { id: c.blog } });
    if (verdict.upserts !== undefined) f.world.created.add(verdict.upserts);
  }
  await expectWitnessUnchanged(f, context);
}

/** The property of one HTTP write route: every fuzzed request is answered as the contract says. */
export async function fuzzHttp(f: Fuzzing, method: WriteMethod, numRuns: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(httpCases(method, f.world, [EDITOR_TOKEN, SECOND_EDITOR_TOKEN]), (c) =>
      sendHttpAndJudge(f, c),
    ),
    fuzzParams(
      numRuns,
      httpExamples(method, f.world, EDITOR_TOKEN).map((c): [HttpCase] => [c]),
    ),
  );
}

/**
 * The property of a namespace's events called with any number of arguments (none, one, several) before
 * the acknowledgement: every such call is answered (issue 8: every event that carries an ack gets one).
 */
export async function fuzzArguments(
  f: Fuzzing,
  namespace: '/' | '/editor',
  events: readonly FuzzedEvent[],
  numRuns: number,
): Promise<void> {
  const g = fieldGens(f.world);
  const calls = fc
    .constantFrom(...events)
    .chain((event) => fc.array(payloads(event, g), { maxLength: 3 }).map((args) => ({ event, args })));
  const first = events[0] ?? 'subscribe';
  await fc.assert(
    fc.asyncProperty(calls, ({ event, args }) => sendAndJudge(f, namespace, event, args)),
    fuzzParams<[{ event: FuzzedEvent; args: unknown[] }]>(numRuns, [
      [{ event: first, args: [] }],
      [{ event: first, args: [{ blogId: 'nx-none' }, 'extra'] }],
    ]),
  );
}
