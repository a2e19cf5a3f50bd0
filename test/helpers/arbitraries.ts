/**
 * fast-check generators for the fuzz tests (issue 8): any value a client can send, and payloads of the
 * right shape with fields of the wrong type or just outside their bounds (SPEC §2–§5). Generators that
 * aim at things which exist take the fuzzed world (the witness blog and entry); whether a payload is
 * valid is for fuzz-oracle.ts to say, not for the generator.
 */
import fc from 'fast-check';
import type { EditorEvent } from '../../src/shared/protocol.js';
import type { FuzzWorld } from './fuzz-oracle.js';

/** Keys that have tripped JavaScript servers: prototype pollution and friends. */
export const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'toJSON',
  'then',
  '__defineGetter__',
  'length',
  '0',
  '',
];

/** Field names of the protocol, including SPEC 1.1/1.2 ones, to appear where they do not belong. */
export const FIELD_NAMES = [
  'blogId',
  'id',
  'entryId',
  'body',
  'headline',
  'title',
  'description',
  'status',
  'limit',
  'cursor',
  'before',
  'keyEvents',
  'keyEvent',
  'pinned',
  'version',
  'idempotencyKey',
  'correction',
  'verification',
  'summary',
  'language',
  'timeZone',
  'media',
];

export const TRICKY_STRINGS = [
  '',
  ' ',
  '\t\n\r',
  '\u00a0',
  '\u3000',
  '\u200b',
  '\u200b\u200c\u200d\u2060',
  '\ufeff',
  '\u0000',
  'a\u0000b',
  '\u0007\u001b[31m',
  '\u202eevil',
  '\ud800',
  'x\udfff',
  '😀',
  'e\u0301',
  '<script>alert(1)</script>',
  '[x](javascript:alert(1))',
  '../../etc/passwd',
  '*',
  '?',
  '{a}',
  'a}:x',
  '$gt',
  '%00',
  '%',
  'null',
  'undefined',
  'NaN',
  'true',
  '0',
  '-1',
  '1e3',
  '__proto__',
  'constructor',
  'A',
  'a b',
  '-a',
  'a_b',
  'é',
];

const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** Builds an object whose keys are all own data properties, `__proto__` included (as JSON.parse does). */
export function ownRecord(entries: Iterable<readonly [string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

export const anyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string() },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme' }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary' }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii' }) },
  { weight: 2, arbitrary: fc.constantFrom(...TRICKY_STRINGS) },
);

/** Non-integers, out of range, beyond safe integers, and NaN/±Infinity/−0 (which JSON turns into null/0). */
export const anyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(
    0,
    -0,
    1,
    -1,
    0.5,
    1.5,
    100,
    101,
    2 ** 31,
    2 ** 53,
    2 ** 53 + 2,
    -(2 ** 53),
    1e21,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    Number.EPSILON,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
  ),
);

/** One code point each: n of them is n characters however they are counted... except in UTF-16 units. */
const LIMIT_UNITS = ['a', 'é', '中', '😀', ' ', '\u200b', '\n', '*', '<', '\u0000'];

/** A string of `limit - 1`, `limit` or `limit + 1` code points of one kind. */
export function nearLimit(limit: number): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(limit - 1, limit, limit + 1), fc.constantFrom(...LIMIT_UNITS))
    .map(([n, unit]) => unit.repeat(Math.max(0, n)));
}

/** Markdown that makes parsers work hard, `limit - 1` to `limit + 1` characters long. */
export function markdownBomb(limit: number): fc.Arbitrary<string> {
  const patterns = [
    '*a',
    '**a',
    '_a',
    '[a](',
    '> ',
    '- ',
    '`a',
    '<a>',
    '![a](b)',
    '\\*',
    'a\n',
    '1. ',
    '[',
    '*',
  ];
  return fc
    .tuple(fc.constantFrom(limit - 1, limit, limit + 1), fc.constantFrom(...patterns))
    .map(([n, p]) => p.repeat(Math.ceil(n / p.length)).slice(0, n));
}

/** Markdown with links, HTML and scripts mixed in. */
export const markdownish: fc.Arbitrary<string> = fc
  .array(
    fc.constantFrom(
      '**',
      '*',
      '_',
      '[',
      '](',
      'javascript:alert(1)',
      ')',
      '<script>',
      '</script>',
      '> ',
      '- ',
      '1. ',
      '\n',
      '\n\n',
      '`',
      '![x](',
      'http://x',
      'mailto:a@b',
      '<img src=x onerror=alert(1)>',
      '&lt;',
      '\\',
      '#',
      'a',
      ' ',
    ),
    { minLength: 1, maxLength: 200 },
  )
  .map((parts) => parts.join(''));

/** Objects or arrays nested up to 1,000 deep. */
export const deepValue: fc.Arbitrary<unknown> = fc
  .tuple(
    fc.integer({ min: 20, max: 1000 }),
    fc.constantFrom('object', 'array'),
    fc.constantFrom(...FIELD_NAMES),
  )
  .map(([depth, kind, key]) => {
    let v: unknown = 'x';
    for (let i = 0; i < depth; i++) v = kind === 'object' ? ownRecord([[key, v]]) : [v];
    return v;
  });

/** Bytes: Socket.IO carries them as binary attachments, the server receives a Buffer. */
export const binary: fc.Arbitrary<unknown> = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
  fc.float64Array({ maxLength: 8 }),
);

const anyKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.string() },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_KEYS) },
  { weight: 2, arbitrary: fc.constantFrom(...FIELD_NAMES) },
);

/** Every kind of value fast-check makes that JSON or Socket.IO can carry (no BigInt, no functions). */
const anything: fc.Arbitrary<unknown> = fc.anything({
  key: anyKey,
  maxDepth: 3,
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withDate: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
});

const leaf: fc.Arbitrary<unknown> = fc.oneof(fc.jsonValue({ maxDepth: 2 }), anyString, anyNumber);

/** Objects made of hostile keys and field names. */
export const hostileObject: fc.Arbitrary<Record<string, unknown>> = fc
  .array(fc.tuple(anyKey, leaf), { maxLength: 6 })
  .map((entries) => ownRecord(entries));

/** Any value at all, as a payload or as a field. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 3, arbitrary: anything },
  { weight: 2, arbitrary: anyString },
  { weight: 2, arbitrary: anyNumber },
  { weight: 2, arbitrary: hostileObject },
  { weight: 1, arbitrary: deepValue },
  { weight: 1, arbitrary: binary },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined, true, false, [], {}, '') },
);

const badBool = fc.oneof(fc.constantFrom('true', 'false', 1, 0, null, [], {}), hostileValue);

/** The field generators of every payload: `good` values are in bounds (mostly), `bad` ones are not (mostly). */
export interface FieldGen {
  good: fc.Arbitrary<unknown>;
  bad: fc.Arbitrary<unknown>;
  required?: boolean;
}

export function fieldGens(world: FuzzWorld) {
  const missingBlog = fc.stringMatching(/^[a-z0-9-]{0,20}$/).map((s) => `nx-${s}`);
  const badSlug = fc.oneof(
    anyString.filter((s) => !SLUG.test(s)),
    fc.constantFrom('A', 'Blog', '-a', 'a_b', 'a b', 'a/b', 'a.b', 'é', '', ' a', 'a\n', '{a}', 'a}:x', 'a*'),
    fc.stringMatching(/^[a-z0-9-]{64}$/).map((s) => `a${s}`),
    hostileValue,
  );
  const epoch = world.cursor.split('.')[0] ?? '';
  const blogRef: FieldGen = {
    good: fc.oneof(
      { weight: 3, arbitrary: fc.constant(world.blogId) },
      { weight: 2, arbitrary: missingBlog },
      { weight: 1, arbitrary: fc.constant('z'.repeat(64)) },
    ),
    bad: badSlug,
    required: true,
  };
  const entryRef: FieldGen = {
    good: fc.oneof(
      { weight: 3, arbitrary: fc.constant(world.entryId) },
      { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 64 }) },
      { weight: 1, arbitrary: nearLimit(64) },
    ),
    bad: fc.oneof(fc.constant(''), hostileValue),
    required: true,
  };
  const limit: FieldGen = {
    good: fc.integer({ min: 1, max: 100 }),
    bad: fc.oneof(
      fc.constantFrom(0, 101, -1, 1.5, '5', '', null, true, 1e21, 2 ** 53),
      anyNumber,
      hostileValue,
    ),
  };
  const bool: FieldGen = { good: fc.boolean(), bad: badBool };
  return {
    blogRef,
    entryRef,
    limit,
    bool,
    cursor: {
      good: fc.oneof(
        fc.constantFrom(world.cursor, `${epoch}.0`, `${epoch}.99999999`, `${epoch}.-1`, 'abc.1', '.', ''),
        anyString,
        hostileValue,
      ),
      bad: hostileValue,
    },
    before: {
      good: fc.oneof(fc.constant(world.entryId), fc.string({ minLength: 1, maxLength: 64 }), nearLimit(64)),
      bad: fc.oneof(fc.constant(''), hostileValue),
    },
    newBlogId: { good: fc.oneof(fc.constant(world.blogId), missingBlog), bad: badSlug, required: true },
    title: {
      good: fc.oneof(
        fc.string({ minLength: 1, maxLength: 80 }),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
        nearLimit(200),
      ),
      bad: fc.oneof(fc.constantFrom('', ' ', '\t\n', 'x'.repeat(201)), hostileValue),
      required: true,
    },
    description: {
      good: fc.oneof(fc.string({ maxLength: 200 }), nearLimit(2000)),
      bad: fc.oneof(fc.constant('d'.repeat(2001)), hostileValue),
    },
    status: {
      good: fc.constantFrom('live', 'ended'),
      bad: fc.oneof(
        fc.constantFrom('LIVE', 'Live', 'draft', '', ' live', 'ended\n', 0, null, true),
        hostileValue,
      ),
    },
    body: {
      good: fc.oneof(
        fc.string({ minLength: 1 }),
        fc.string({ unit: 'grapheme', minLength: 1 }),
        markdownish,
        nearLimit(20_000),
        markdownBomb(20_000),
      ),
      bad: fc.oneof(
        fc.constantFrom('', ' ', '\n\t ', '\u3000', ' '.repeat(20_000), 'x'.repeat(20_001)),
        hostileValue,
      ),
      required: true,
    },
    headline: {
      good: fc.oneof(fc.string({ maxLength: 100 }), nearLimit(200)),
      bad: fc.oneof(fc.constant('h'.repeat(201)), hostileValue),
    },
    idempotencyKey: {
      good: fc.oneof(fc.string({ minLength: 1, maxLength: 100 }), nearLimit(100)),
      bad: fc.oneof(fc.constantFrom('', 'k'.repeat(101)), hostileValue),
    },
    version: {
      good: fc.oneof(fc.constant(world.entryVersion), fc.integer({ min: 1, max: 2 ** 31 })),
      bad: fc.oneof(
        fc.constantFrom(0, -1, 1.5, '1', null, true, 2 ** 53 + 2, Number.NaN),
        anyNumber,
        hostileValue,
      ),
    },
  } satisfies Record<string, FieldGen>;
}

export type FieldGens = ReturnType<typeof fieldGens>;

const OMIT = Symbol('omit');

/** A field's value: left out (if optional), or from `source`. */
function slot(g: FieldGen, source: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return g.required
    ? source
    : fc.oneof({ weight: 1, arbitrary: fc.constant<unknown>(OMIT) }, { weight: 2, arbitrary: source });
}

const strays = fc.array(fc.tuple(anyKey, hostileValue), { minLength: 1, maxLength: 3 });

function build(values: Record<string, unknown>, extra: [string, unknown][] = []): Record<string, unknown> {
  return ownRecord([...Object.entries(values).filter(([, v]) => v !== OMIT), ...extra]);
}

/**
 * Objects with the given fields, in three mixes: every field in bounds (or left out, if optional);
 * exactly one defect — one field out of bounds, a required one missing, or a stray key (a hostile key, a
 * field of another event, a later SPEC's field); and every field anything.
 */
export function shaped(fields: Record<string, FieldGen>): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(fields);
  const goods = (except?: string) =>
    fc.record(
      Object.fromEntries(
        Object.entries(fields)
          .filter(([key]) => key !== except)
          .map(([key, g]) => [key, slot(g, g.good)]),
      ),
    );
  const inBounds = goods().map((values) => build(values));
  const oneDefect = fc.oneof(
    fc
      .constantFrom(...keys)
      .chain((key) =>
        fc
          .tuple(goods(key), fields[key]?.bad ?? hostileValue)
          .map(([values, bad]) => build({ ...values, [key]: bad })),
      ),
    fc
      .constantFrom(...keys.filter((key) => fields[key]?.required))
      .chain((key) => goods(key).map((values) => build(values))),
    fc.tuple(goods(), strays).map(([values, extra]) => build(values, extra)),
  );
  const wild = fc
    .tuple(
      fc.record(
        Object.fromEntries(
          Object.entries(fields).map(([key, g]) => [
            key,
            slot(g, fc.oneof({ weight: 3, arbitrary: g.good }, { weight: 2, arbitrary: g.bad })),
          ]),
        ),
      ),
      fc.oneof(
        { weight: 3, arbitrary: fc.constant<[string, unknown][]>([]) },
        { weight: 1, arbitrary: strays },
      ),
    )
    .map(([values, extra]) => build(values, extra));
  return fc.oneof(
    { weight: 3, arbitrary: inBounds },
    { weight: 4, arbitrary: oneDefect },
    { weight: 2, arbitrary: wild },
  );
}

/** Payloads of each event: near-valid shapes (mostly) and anything at all. */
export function payloads(event: EditorEvent, g: FieldGens): fc.Arbitrary<unknown> {
  const shapes: Record<EditorEvent, Record<string, FieldGen>> = {
    subscribe: { blogId: g.blogRef, cursor: g.cursor, limit: g.limit },
    unsubscribe: { blogId: g.blogRef },
    entries: { blogId: g.blogRef, before: g.before, limit: g.limit, keyEvents: g.bool },
    'blog:upsert': { id: g.newBlogId, title: g.title, description: g.description, status: g.status },
    'entry:create': {
      blogId: g.blogRef,
      body: g.body,
      headline: g.headline,
      keyEvent: g.bool,
      pinned: g.bool,
      idempotencyKey: g.idempotencyKey,
    },
    'entry:update': {
      blogId: g.blogRef,
      entryId: g.entryRef,
      version: g.version,
      body: { ...g.body, required: false },
      headline: g.headline,
      keyEvent: g.bool,
      pinned: g.bool,
    },
    'entry:delete': { blogId: g.blogRef, entryId: g.entryRef },
  };
  return fc.oneof({ weight: 4, arbitrary: shaped(shapes[event]) }, { weight: 1, arbitrary: hostileValue });
}

/** Payloads every run tries first, whatever the seed: the sharp edges of each event. */
export function examples(event: EditorEvent, world: FuzzWorld): unknown[] {
  const { blogId, entryId } = world;
  const proto = (base: Record<string, unknown>, value: unknown = { polluted: true }) =>
    ownRecord([...Object.entries(base), ['__proto__', value]]);
  const byEvent: Record<EditorEvent, unknown[]> = {
    subscribe: [
      { blogId },
      { blogId, cursor: world.cursor, limit: 100 },
      { blogId, limit: 0 },
      { blogId: 'nx-none' },
      proto({}, { blogId }),
    ],
    unsubscribe: [{ blogId: 'nx-none' }, { blogId: 'Not A Slug' }],
    entries: [
      { blogId, before: entryId, limit: 1, keyEvents: true },
      { blogId, limit: 101 },
      { blogId: 'nx-none' },
    ],
    'blog:upsert': [
      { id: blogId, title: ' ' },
      proto({ id: blogId, title: 'polluted' }),
      { id: blogId, title: 'x', constructor: { prototype: { polluted: true } } },
      { id: 'A', title: 'x' },
    ],
    'entry:create': [
      { blogId: 'nx-none', body: 'x' },
      { blogId, body: ' \n\t' },
      { blogId, body: 'x'.repeat(20_001) },
      { blogId, body: 'x', headline: 'h'.repeat(201) },
      { blogId, body: 'x', idempotencyKey: 'k'.repeat(101) },
      proto({ blogId, body: 'polluted' }),
      proto({ body: 'polluted' }, { blogId }),
    ],
    'entry:update': [
      { blogId, entryId, version: world.entryVersion + 1, body: 'stale' },
      { blogId, entryId, version: world.entryVersion, body: '' },
      { blogId, entryId, version: 1.5 },
      { blogId, entryId: 'nx-none', body: 'x' },
      proto({ blogId, entryId, pinned: true }),
    ],
    'entry:delete': [{ blogId, entryId: 'nx-none' }, { blogId, entryId: '' }, proto({ blogId, entryId })],
  };
  return byEvent[event];
}
