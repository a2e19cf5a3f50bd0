/**
 * What the contract (SPEC §2–§5) says the server must answer to a request, written from the SPEC and the
 * documented bounds rather than imported from src/schema.ts, so the fuzz tests judge the server against
 * the contract and not against itself.
 *
 * Where the contract leaves room, a verdict allows both readings: characters counted as code points or
 * as UTF-16 units; control, format and zero-width characters (issue 8 leaves them to decide); a non-slug
 * blog id or an over-long entry id, which is as unknown as it is malformed; fields of SPEC 1.1/1.2 that
 * the server may or may not accept yet.
 */
import type { ErrorCode } from '../../src/schema.js';
import type { EditorEvent } from '../../src/shared/protocol.js';

export type Outcome = 'ok' | ErrorCode;

/** The events of SPEC §3–§4 that the fuzz runs cover (the desk's of §10 have their own tests). */
export type FuzzedEvent = Exclude<
  EditorEvent,
  'draft:save' | 'draft:publish' | 'draft:delete' | 'drafts' | 'editing'
>;

/** What exists while a fuzz run goes: one witness blog with one entry, and blogs the run created. */
export interface FuzzWorld {
  blogId: string;
  entryId: string;
  entryVersion: number;
  /** The witness blog's cursor when the run started. */
  cursor: string;
  /** Blogs created by fuzzed upserts that were valid (accounted writes, never the witness). */
  created: Set<string>;
}

export interface Verdict {
  /** The answers the contract allows. */
  allowed: ReadonlySet<Outcome>;
  /**
   * The request could change the world beyond what the run accounts for (a valid write to the witness,
   * or a blog that may or may not be created): the property skips it, so "no write" stays checkable.
   */
  unaccounted: boolean;
  /** A blog that a valid upsert creates or updates when answered ok (never the witness). */
  upserts?: string;
  /** Why: the field checks, for failure messages. */
  why: string[];
}

type Check = 'ok' | 'bad' | 'gray';
type Rule = (value: unknown) => Check;

const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** An object as JSON makes them: not null, not an array, not bytes (Socket.IO delivers those as a Buffer). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !ArrayBuffer.isView(v) &&
    !(v instanceof ArrayBuffer)
  );
}

const codePoints = (s: string): number => [...s].length;

/** Characters the contract has not ruled on: control (besides tab/newline), format, zero-width, unpaired surrogates. */
function undecided(s: string): boolean {
  return /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\u200b-\u200d\u2060]/u.test(s.replace(/[\t\n\r]/g, ''));
}

/** A string of `min`–`max` characters. `blank`: whitespace only is refused; `trim`: bounds count after trimming. */
function text(
  min: number,
  max: number,
  options: { blank?: boolean; trim?: boolean; human?: boolean } = {},
): Rule {
  return (v) => {
    if (typeof v !== 'string') return 'bad';
    const s = options.trim ? v.trim() : v;
    if (s.length < min) return 'bad';
    if (options.blank && s.trim() === '') return 'bad';
    if (codePoints(s) > max) return 'bad';
    if (s.length > max) return 'gray';
    if (options.human && undecided(s)) return 'gray';
    return 'ok';
  };
}

const anything: Rule = () => 'ok';
const bool: Rule = (v) => (typeof v === 'boolean' ? 'ok' : 'bad');
const oneOf =
  (...values: unknown[]): Rule =>
  (v) =>
    values.includes(v) ? 'ok' : 'bad';
/** A blog id: a slug; another string names no blog, so `not_found` is as right as `invalid`. */
const blogRef: Rule = (v) => (typeof v !== 'string' ? 'bad' : SLUG.test(v) ? 'ok' : 'gray');
/** The id of a blog to create: a slug, nothing else. */
const newBlogId: Rule = (v) => (typeof v === 'string' && SLUG.test(v) ? 'ok' : 'bad');
/** An entry id (server-made, opaque): a string; an empty or over-long one is no entry. */
const entryRef: Rule = (v) =>
  typeof v !== 'string' ? 'bad' : v.length >= 1 && v.length <= 64 ? 'ok' : 'gray';
const limit: Rule = (v) => (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 100 ? 'ok' : 'bad');
const version: Rule = (v) =>
  typeof v !== 'number' || !Number.isInteger(v) || v <= 0 ? 'bad' : Number.isSafeInteger(v) ? 'ok' : 'gray';
/** A field of a later SPEC version: in its bounds it may be accepted or refused as unknown; outside, refused. */
const later =
  (rule: Rule): Rule =>
  (v) =>
    rule(v) === 'bad' ? 'bad' : 'gray';

const body = text(1, 20_000, { blank: true, human: true });
const headline = text(0, 200, { human: true });

interface EventRules {
  fields: Record<string, Rule>;
  required: string[];
  /** Unknown fields are refused (writes); reads may ignore them. */
  strict: boolean;
}

const RULES: Record<FuzzedEvent, EventRules> = {
  subscribe: { fields: { blogId: blogRef, cursor: anything, limit }, required: ['blogId'], strict: false },
  unsubscribe: { fields: { blogId: blogRef }, required: ['blogId'], strict: false },
  entries: {
    fields: { blogId: blogRef, before: entryRef, limit, keyEvents: bool },
    required: ['blogId'],
    strict: false,
  },
  'blog:upsert': {
    fields: {
      id: newBlogId,
      title: text(1, 200, { trim: true, human: true }),
      description: text(0, 2_000, { human: true }),
      status: oneOf('live', 'ended'),
      language: later((v) => (typeof v === 'string' ? 'ok' : 'bad')),
      timeZone: later((v) => (typeof v === 'string' ? 'ok' : 'bad')),
      summary: later(text(0, 5_000)),
    },
    required: ['id', 'title'],
    strict: true,
  },
  'entry:create': {
    fields: {
      blogId: blogRef,
      body,
      headline,
      keyEvent: bool,
      pinned: bool,
      idempotencyKey: text(1, 100),
      verification: later(oneOf(null, 'unconfirmed', 'confirmed', 'disputed')),
      media: later(anything),
    },
    required: ['blogId', 'body'],
    strict: true,
  },
  'entry:update': {
    fields: {
      blogId: blogRef,
      entryId: entryRef,
      version,
      body,
      headline,
      keyEvent: bool,
      pinned: bool,
      correction: later(text(1, 500)),
      verification: later(oneOf(null, 'unconfirmed', 'confirmed', 'disputed')),
      media: later(anything),
    },
    required: ['blogId', 'entryId'],
    strict: true,
  },
  'entry:delete': {
    fields: { blogId: blogRef, entryId: entryRef },
    required: ['blogId', 'entryId'],
    strict: true,
  },
};

export const WRITE_EVENTS = ['blog:upsert', 'entry:create', 'entry:update', 'entry:delete'] as const;
/**
 * The verdict for an emit with `args` before its acknowledgement. One payload is the usual call; none is a
 * missing payload (`invalid`); with more, the first is the payload and the others may be ignored or refused.
 */
export function verdictForArguments(event: FuzzedEvent, args: unknown[], world: FuzzWorld): Verdict {
  const first = verdictFor(event, args.length > 0 ? args[0] : undefined, world);
  return args.length > 1 ? union(first, invalidOnly('more than one argument')) : first;
}

export const isWrite = (event: EditorEvent): boolean => (WRITE_EVENTS as readonly string[]).includes(event);

/**
 * The verdict for `payload`, as the server receives it, on `event`.
 * A field outside its bounds is `invalid` (SPEC §2); otherwise the answer depends on what exists.
 */
export function verdictFor(event: FuzzedEvent, payload: unknown, world: FuzzWorld): Verdict {
  if (!isPlainObject(payload))
    return { allowed: new Set(['invalid']), unaccounted: false, why: ['not an object'] };
  const rules = RULES[event];
  const why: string[] = [];
  const checks: Check[] = [];
  const note = (check: Check, what: string): void => {
    checks.push(check);
    if (check !== 'ok') why.push(`${what}: ${check}`);
  };
  for (const key of Object.keys(payload)) {
    const rule = Object.hasOwn(rules.fields, key) ? rules.fields[key] : undefined;
    note(rule ? rule(payload[key]) : rules.strict ? 'bad' : 'gray', rule ? key : `unknown field ${key}`);
  }
  for (const key of rules.required) if (!Object.hasOwn(payload, key)) note('bad', `missing ${key}`);
  const worst: Check = checks.includes('bad') ? 'bad' : checks.includes('gray') ? 'gray' : 'ok';

  if (worst === 'bad') return { allowed: new Set(['invalid']), unaccounted: false, why };
  const { outcome, writesWorld, upserts } = validOutcome(event, payload, world);
  if (worst === 'gray') {
    return { allowed: new Set(['invalid', outcome]), unaccounted: writesWorld || upserts !== undefined, why };
  }
  return {
    allowed: new Set([outcome]),
    unaccounted: writesWorld,
    ...(upserts !== undefined ? { upserts } : {}),
    why,
  };
}

/** The answer to a payload whose every field is in bounds, given what exists. */
function validOutcome(
  event: FuzzedEvent,
  p: Record<string, unknown>,
  world: FuzzWorld,
): { outcome: Outcome; writesWorld: boolean; upserts?: string } {
  const blogExists =
    p.blogId === world.blogId || (typeof p.blogId === 'string' && world.created.has(p.blogId));
  const isWitnessEntry = p.blogId === world.blogId && p.entryId === world.entryId;
  switch (event) {
    case 'subscribe':
    case 'entries':
      return { outcome: blogExists ? 'ok' : 'not_found', writesWorld: false };
    case 'unsubscribe':
      return { outcome: 'ok', writesWorld: false };
    case 'blog:upsert':
      return p.id === world.blogId
        ? { outcome: 'ok', writesWorld: true }
        : { outcome: 'ok', writesWorld: false, upserts: p.id as string };
    case 'entry:create':
      return { outcome: blogExists ? 'ok' : 'not_found', writesWorld: blogExists };
    case 'entry:update':
      if (!isWitnessEntry) return { outcome: 'not_found', writesWorld: false };
      if (p.version !== undefined && p.version !== world.entryVersion)
        return { outcome: 'conflict', writesWorld: false };
      return { outcome: 'ok', writesWorld: true };
    case 'entry:delete':
      return isWitnessEntry
        ? { outcome: 'ok', writesWorld: true }
        : { outcome: 'not_found', writesWorld: false };
  }
}

// ---- HTTP (SPEC §5): the same operations, with the path, the headers and the body as inputs ----------

export type WriteMethod = 'PUT' | 'POST' | 'PATCH' | 'DELETE';

/** One HTTP write as a fuzz run sends it. */
export interface HttpCase {
  method: WriteMethod;
  /** The path segments as the server decodes them; they are sent URL-encoded. */
  blog: string;
  entry: string;
  /** The Authorization header, and whether it names a valid editor token. */
  auth: { header: string | undefined; valid: boolean };
  /** The body as sent (UTF-8), or none. */
  body: string | undefined;
  contentType: string | undefined;
  idempotencyKey: string | undefined;
  ifMatch: string | undefined;
}

export interface HttpVerdict {
  allowed: ReadonlySet<number>;
  unaccounted: boolean;
  upserts?: string;
  why: string[];
}

/** SPEC §2: the transport limit is documented and at least 256 KB; a body within it is never `too_large`. */
export const HTTP_BODY_MIN_LIMIT_BYTES = 256 * 1024;

const STATUS: Record<ErrorCode, number> = {
  invalid: 400,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

const SUCCESS: Record<WriteMethod, number[]> = { PUT: [200, 201], POST: [201], PATCH: [200], DELETE: [204] };

/** A JSON body as a JSON parser reads it: UTF-8 (a leading BOM dropped), an object or an array; empty is `{}`. */
function parseJsonBody(body: string | undefined): { ok: true; value: unknown } | { ok: false } {
  if (body === undefined) return { ok: true, value: undefined };
  const text = Buffer.from(body, 'utf8')
    .toString('utf8')
    .replace(/^\ufeff/, '');
  if (text === '') return { ok: true, value: {} };
  const first = text.replace(/^[ \t\n\r]+/, '')[0];
  if (first !== '{' && first !== '[') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** `{ ...base, ...extra }` keeping every own key of `base` (`__proto__` included) as an own key. */
function merged(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const source of [base, extra]) {
    for (const key of Object.keys(source)) {
      Object.defineProperty(out, key, {
        value: source[key],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return out;
}

/** Header values arrive without surrounding spaces and tabs (HTTP's optional whitespace). */
const ows = (v: string | undefined): string | undefined => v?.replace(/^[ \t]+|[ \t]+$/g, '');

const invalidOnly = (why: string): Verdict => ({
  allowed: new Set(['invalid']),
  unaccounted: false,
  why: [why],
});

function union(a: Verdict, b: Verdict): Verdict {
  return {
    allowed: new Set([...a.allowed, ...b.allowed]),
    unaccounted: a.unaccounted || b.unaccounted || a.upserts !== undefined || b.upserts !== undefined,
    why: [...a.why, ...b.why],
  };
}

/** The operation behind the route, judged as its Socket.IO twin (SPEC §5: same validation, same answers). */
function operationVerdict(c: HttpCase, body: unknown, world: FuzzWorld): Verdict {
  if (c.method === 'DELETE') return verdictFor('entry:delete', { blogId: c.blog, entryId: c.entry }, world);
  const input = body === undefined ? {} : body;
  if (!isPlainObject(input)) return invalidOnly('the body is not an object');
  if (c.method === 'PUT') {
    if (input.id !== undefined && input.id !== c.blog)
      return invalidOnly('id in the body differs from the URL');
    return verdictFor('blog:upsert', merged(input, { id: c.blog }), world);
  }
  if (c.method === 'POST') {
    const key = ows(c.idempotencyKey);
    return verdictFor(
      'entry:create',
      merged(input, { blogId: c.blog, ...(key !== undefined ? { idempotencyKey: key } : {}) }),
      world,
    );
  }
  const fields = merged(input, { blogId: c.blog, entryId: c.entry });
  const ifMatch = ows(c.ifMatch);
  if (ifMatch === undefined) return verdictFor('entry:update', fields, world);
  // `If-Match: <version>`, also quoted or weak as ETags are; half-quoted or huge numbers are the server's call.
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(ifMatch);
  if (!m?.[1]) return invalidOnly(`If-Match ${ifMatch} is no version`);
  const asVersion = verdictFor('entry:update', merged(fields, { version: Number(m[1]) }), world);
  const exact = /^(?:\d+|(?:W\/)?"\d+")$/.test(ifMatch) && m[1].length <= 15;
  return exact ? asVersion : union(asVersion, invalidOnly(`If-Match ${ifMatch} is an odd version`));
}

/**
 * The statuses SPEC §5 allows for an HTTP write. A body over 256 KB may be `too_large`; a malformed
 * body of a request without a valid token may be refused for either.
 */
export function httpVerdictFor(c: HttpCase, world: FuzzWorld): HttpVerdict {
  // A DELETE's body means nothing (RFC 9110): the server never reads it, so it cannot be malformed.
  const parsed = c.method === 'DELETE' ? { ok: true as const, value: undefined } : parseJsonBody(c.body);
  const bytes = c.body === undefined ? 0 : Buffer.byteLength(c.body);
  const statuses = new Set<number>();
  let op: Verdict | undefined;
  if (!c.auth.valid) {
    statuses.add(401);
    if (!parsed.ok) statuses.add(400);
  } else if (!parsed.ok) {
    statuses.add(400);
  } else {
    op = operationVerdict(c, parsed.value, world);
    for (const outcome of op.allowed) {
      if (outcome === 'ok') for (const s of SUCCESS[c.method]) statuses.add(s);
      else statuses.add(STATUS[outcome]);
    }
  }
  if (bytes > HTTP_BODY_MIN_LIMIT_BYTES) statuses.add(413);
  const why = [
    ...(c.auth.valid ? [] : ['no valid token']),
    ...(parsed.ok ? [] : ['malformed JSON']),
    ...(bytes > HTTP_BODY_MIN_LIMIT_BYTES ? [`${bytes} bytes`] : []),
    ...(op?.why ?? []),
  ];
  return {
    allowed: statuses,
    unaccounted: op?.unaccounted ?? false,
    ...(op?.upserts !== undefined ? { upserts: op.upserts } : {}),
    why,
  };
}
