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

/** A value the server receives as binary (a Buffer), not as JSON. */
export class Binary {
  constructor(readonly bytes: number) {}
}

/**
 * What the server receives: the value as Socket.IO (or JSON) carries it. `undefined` in an object
 * disappears, in an array (or a hole) becomes null; NaN and ±Infinity become null; -0 becomes 0; boxed
 * primitives unbox; a Date becomes its ISO string; Maps and Sets become `{}`; bytes (a Buffer, a typed
 * array) stay binary. Own keys are kept as own keys, `__proto__` included, as JSON.parse makes them.
 */
export function toWire(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return new Binary(value.byteLength);
  if (value instanceof Number || value instanceof String || value instanceof Boolean) {
    return toWire(value.valueOf());
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === 'number') return Number.isFinite(value) ? value + 0 : null;
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) return Array.from(value as unknown[], (v) => toWire(v));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v: unknown = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    Object.defineProperty(out, key, {
      value: toWire(v),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Binary);
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

const RULES: Record<EditorEvent, EventRules> = {
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
export const isWrite = (event: EditorEvent): boolean => (WRITE_EVENTS as readonly string[]).includes(event);

/**
 * The verdict for `payload` as the server receives it (see `toWire`) on `event`.
 * A field outside its bounds is `invalid` (SPEC §2); otherwise the answer depends on what exists.
 */
export function verdictFor(event: EditorEvent, payload: unknown, world: FuzzWorld): Verdict {
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

  const { outcome, writesWorld, upserts } = validOutcome(event, payload, world);
  if (worst === 'bad') return { allowed: new Set(['invalid']), unaccounted: false, why };
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
  event: EditorEvent,
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
        : { outcome: 'ok', writesWorld: false, upserts: String(p.id) };
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
