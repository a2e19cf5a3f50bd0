/** Folding runs into per-(scenario, arm) rows, the liveblog/baseline ratios, the targets, the table. */
import type { Arm, RunResult } from './run-once.js';

export interface Row {
  scenario: string;
  arm: Arm;
  runs: number;
  readers: number;
  entriesPerSec: number;
  deliveriesPerSec: number;
  lost: number;
  duplicates: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  probeP99: number;
  editorAckP99: number;
  /** Crowd: intended connection time → Socket.IO namespace connected, p99. */
  connectP99: number;
  serverCpuPct: number;
  /** Server CPU µs per delivery (per subscribe for crowd). */
  cpuMicrosPerOp: number;
  eventLoopP99Ms: number;
  rssPerReaderKB: number;
  redisPerOp: number;
  redisCpuPct: number;
  generatorCpuPct: number;
  /** CPU of processes outside the benchmark, % of one core. */
  otherCpuPct: number;
  valid: boolean;
  ok: boolean;
}

/** Figures compared as liveblog / baseline. */
export const RATIO_FIELDS = [
  'deliveriesPerSec',
  'p50',
  'p95',
  'p99',
  'max',
  'editorAckP99',
  'connectP99',
  'serverCpuPct',
  'cpuMicrosPerOp',
  'eventLoopP99Ms',
  'rssPerReaderKB',
  'redisPerOp',
] as const satisfies readonly (keyof Row)[];

export type Ratios = Partial<Record<(typeof RATIO_FIELDS)[number], number>>;

function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? (v[mid] ?? Number.NaN) : ((v[mid - 1] ?? 0) + (v[mid] ?? 0)) / 2;
}

function maxOf(values: (number | null)[]): number {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length > 0 ? Math.max(...v) : Number.NaN;
}

/** One row per (scenario, arm): the median of each figure over repetitions, loss summed. */
export function toRows(results: RunResult[]): Row[] {
  const groups = new Map<string, RunResult[]>();
  for (const r of results) {
    const key = `${r.scenario}\u0000${r.arm}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const rows: Row[] = [];
  for (const runs of groups.values()) {
    const first = runs[0];
    if (!first) continue;
    const m = (f: (r: RunResult) => number): number => median(runs.map(f));
    rows.push({
      scenario: first.scenario,
      arm: first.arm,
      runs: runs.length,
      readers: m((r) => r.readers.subscribed),
      entriesPerSec: m((r) => r.entries.perSec),
      deliveriesPerSec: m((r) => r.deliveries.perSec),
      lost: runs.reduce((n, r) => n + r.loss.lost + r.loss.gaps, 0),
      duplicates: runs.reduce((n, r) => n + r.loss.duplicates, 0),
      p50: m((r) => r.latencyMs.p50),
      p95: m((r) => r.latencyMs.p95),
      p99: m((r) => r.latencyMs.p99),
      max: m((r) => r.latencyMs.max),
      probeP99: m((r) => (r.kind === 'crowd' ? Number.NaN : r.probeLatencyMs.p99)),
      editorAckP99: m((r) => (r.kind === 'crowd' ? Number.NaN : r.editorAckMs.p99)),
      connectP99: m((r) => (r.kind === 'crowd' ? r.connectMs.p99 : Number.NaN)),
      serverCpuPct: m((r) => r.server.cpuShareTotal * 100),
      cpuMicrosPerOp: m((r) => r.server.cpuMicrosPerDelivery),
      eventLoopP99Ms: m((r) => maxOf(r.server.eventLoopP99Ms)),
      rssPerReaderKB: m((r) => r.server.rssPerReaderBytes / 1024),
      redisPerOp: m((r) => r.redis.perOp),
      redisCpuPct: m((r) => r.redis.cpuShare * 100),
      generatorCpuPct: m(
        (r) => Math.max(r.generator.mainCpuShare, ...r.generator.workers.map((w) => w.cpuShare)) * 100,
      ),
      otherCpuPct: m((r) => r.generator.foreignCpuShare * 100),
      valid: runs.every((r) => r.generator.valid),
      ok: runs.every((r) => r.ok),
    });
  }
  return rows;
}

export function ratios(rows: Row[]): Record<string, Ratios> {
  const out: Record<string, Ratios> = {};
  for (const lb of rows.filter((r) => r.arm === 'liveblog')) {
    const base = rows.find((r) => r.arm === 'baseline' && r.scenario === lb.scenario);
    if (!base) continue;
    const ratio: Ratios = {};
    for (const f of RATIO_FIELDS) {
      const v = lb[f] / base[f];
      if (Number.isFinite(v)) ratio[f] = v;
    }
    out[lb.scenario] = ratio;
  }
  return out;
}

export interface Target {
  target: string;
  value: string;
  met: boolean | null;
}

/** The issue's targets for liveblog; `met: null` when the run did not measure it. */
export function targets(rows: Row[]): Target[] {
  const lb = (s: string): Row | undefined => rows.find((r) => r.arm === 'liveblog' && r.scenario === s);
  const base = (s: string): Row | undefined => rows.find((r) => r.arm === 'baseline' && r.scenario === s);
  const out: Target[] = [];
  const add = (
    target: string,
    row: Row | undefined,
    value: (r: Row) => number,
    limit: (r: Row) => number,
    unit: string,
  ): void => {
    if (!row) {
      out.push({ target, value: 'not run', met: null });
      return;
    }
    const v = value(row);
    const l = limit(row);
    out.push({
      target,
      value: `${fmt(v)} ${unit} (limit ${fmt(l)})`,
      met: Number.isFinite(v) && Number.isFinite(l) ? v <= l : null,
    });
  };
  const lbRows = rows.filter((r) => r.arm === 'liveblog');
  const loss = lbRows.reduce((n, r) => n + r.lost + r.duplicates, 0);
  out.push({
    target: 'zero loss (every liveblog run)',
    value: `${loss} lost/dup`,
    met: lbRows.length > 0 ? loss === 0 : null,
  });
  const crowdBase = base('crowd');
  add(
    'crowd: subscribe-ack p99 ≤ 0.5 × baseline',
    lb('crowd'),
    (r) => r.p99,
    () => 0.5 * (crowdBase?.p99 ?? Number.NaN),
    'ms',
  );
  add(
    'crowd: connect p99 ≤ 1.0 × baseline',
    lb('crowd'),
    (r) => r.connectP99,
    () => crowdBase?.connectP99 ?? Number.NaN,
    'ms',
  );
  add(
    'crowd: server CPU per arriving reader ≤ 0.6 × baseline',
    lb('crowd'),
    (r) => r.cpuMicrosPerOp,
    () => 0.6 * (crowdBase?.cpuMicrosPerOp ?? Number.NaN),
    'µs',
  );
  add(
    'crowd-10k: all 10,000 readers subscribed on one instance',
    lb('crowd-10k'),
    (r) => 10_000 - r.readers,
    () => 0,
    'not subscribed',
  );
  add(
    'crowd: ≤ 0.05 Redis commands per subscribe',
    lb('crowd'),
    (r) => r.redisPerOp,
    () => 0.05,
    'cmd',
  );
  for (const [s, limit] of [
    ['fanout-1k', 25],
    ['fanout-5k', 90],
    ['fanout-10k', 200],
  ] as const) {
    add(
      `${s}: p99 ≤ ${limit} ms`,
      lb(s),
      (r) => r.p99,
      () => limit,
      'ms',
    );
    add(
      `${s}: p99 ≤ baseline`,
      lb(s),
      (r) => r.p99,
      () => base(s)?.p99 ?? Number.NaN,
      'ms',
    );
  }
  add(
    'fanout-1k-mixed: p99 ≤ baseline',
    lb('fanout-1k-mixed'),
    (r) => r.p99,
    () => base('fanout-1k-mixed')?.p99 ?? Number.NaN,
    'ms',
  );
  add(
    'bursty: p99 ≤ 20 ms',
    lb('bursty'),
    (r) => r.p99,
    () => 20,
    'ms',
  );
  for (const s of ['fanout-1k', 'fanout-5k', 'fanout-10k']) {
    add(
      `${s}: server CPU ≤ 11 µs per delivery`,
      lb(s),
      (r) => r.cpuMicrosPerOp,
      () => 11,
      'µs',
    );
  }
  add(
    'crowd: RSS ≤ 10 KB per reader at 5,000',
    lb('crowd'),
    (r) => r.rssPerReaderKB,
    () => 10,
    'KB',
  );
  add(
    'fanout-5k: RSS ≤ 12 KB per reader at 5,000',
    lb('fanout-5k'),
    (r) => r.rssPerReaderKB,
    () => 12,
    'KB',
  );
  const sat = lbRows.filter((r) => r.scenario.startsWith('saturation@'));
  if (sat.length > 0) {
    const passing = sat.filter((r) => r.ok && r.lost === 0 && r.duplicates === 0 && r.p99 <= 250);
    const best = Math.max(0, ...passing.map((r) => r.deliveriesPerSec));
    out.push({
      target: 'saturation: 100,000 deliveries/s, 0 loss, p99 ≤ 250 ms',
      value: `${fmt(best)} deliveries/s sustained`,
      met: best >= 99_000,
    });
  } else
    out.push({
      target: 'saturation: 100,000 deliveries/s, 0 loss, p99 ≤ 250 ms',
      value: 'not run',
      met: null,
    });
  add(
    'editor: ack p99 ≤ 10 ms at 50/s',
    lb('editor'),
    (r) => r.editorAckP99,
    () => 10,
    'ms',
  );
  return out;
}

export function fmt(v: number): string {
  if (!Number.isFinite(v)) return '-';
  const a = Math.abs(v);
  if (a >= 10_000) return `${(v / 1000).toFixed(1)}k`;
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

const COLUMNS: [string, (r: Row) => string][] = [
  ['scenario', (r) => r.scenario],
  ['arm', (r) => r.arm],
  ['readers', (r) => fmt(r.readers)],
  ['ent/s', (r) => fmt(r.entriesPerSec)],
  ['deliv/s', (r) => fmt(r.deliveriesPerSec)],
  ['lost', (r) => String(r.lost)],
  ['dup', (r) => String(r.duplicates)],
  ['p50', (r) => fmt(r.p50)],
  ['p95', (r) => fmt(r.p95)],
  ['p99', (r) => fmt(r.p99)],
  ['max ms', (r) => fmt(r.max)],
  ['ack p99', (r) => fmt(r.editorAckP99)],
  ['conn p99', (r) => fmt(r.connectP99)],
  ['srv CPU%', (r) => fmt(r.serverCpuPct)],
  ['µs/op', (r) => fmt(r.cpuMicrosPerOp)],
  ['EL p99', (r) => fmt(r.eventLoopP99Ms)],
  ['KB/rdr', (r) => fmt(r.rssPerReaderKB)],
  ['redis/op', (r) => fmt(r.redisPerOp)],
  ['redis%', (r) => fmt(r.redisCpuPct)],
  ['gen%', (r) => fmt(r.generatorCpuPct)],
  ['other%', (r) => fmt(r.otherCpuPct)],
  ['valid', (r) => (r.valid ? 'yes' : 'NO')],
  ['ok', (r) => (r.ok ? 'yes' : 'NO')],
];

const RATIO_COLUMN: Partial<Record<string, (typeof RATIO_FIELDS)[number]>> = {
  'deliv/s': 'deliveriesPerSec',
  p50: 'p50',
  p95: 'p95',
  p99: 'p99',
  'max ms': 'max',
  'ack p99': 'editorAckP99',
  'conn p99': 'connectP99',
  'srv CPU%': 'serverCpuPct',
  'µs/op': 'cpuMicrosPerOp',
  'EL p99': 'eventLoopP99Ms',
  'KB/rdr': 'rssPerReaderKB',
  'redis/op': 'redisPerOp',
};

export function table(rows: Row[]): string {
  const ratio = ratios(rows);
  const lines: string[][] = [COLUMNS.map(([h]) => h)];
  const scenarios = [...new Set(rows.map((r) => r.scenario))];
  for (const s of scenarios) {
    for (const r of rows.filter((x) => x.scenario === s)) lines.push(COLUMNS.map(([, f]) => f(r)));
    const q = ratio[s];
    if (q) {
      lines.push(
        COLUMNS.map(([h], i) => {
          if (i === 1) return 'lb/base';
          const f = RATIO_COLUMN[h];
          const v = f ? q[f] : undefined;
          return v === undefined ? '' : `${v.toFixed(2)}x`;
        }),
      );
    }
  }
  const widths = COLUMNS.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length)));
  const render = (l: string[]): string =>
    l.map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  const out = [render(lines[0] ?? []), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const l of lines.slice(1)) out.push(render(l));
  return out.join('\n');
}

/**
 * The spread behind each median, for scenarios run more than once (`--reps N`): every repetition's
 * headline figures per arm, and the liveblog/baseline ratio of each pair of repetitions (the arms
 * alternate, so repetition i of both ran back to back).
 */
export function spread(results: RunResult[]): string {
  const out: string[] = [];
  const scenarios = [...new Set(results.map((r) => r.scenario))];
  const figures: [string, (r: RunResult) => number][] = [
    ['p99', (r) => r.latencyMs.p99],
    ['conn p99', (r) => (r.kind === 'crowd' ? r.connectMs.p99 : Number.NaN)],
    ['µs/op', (r) => r.server.cpuMicrosPerDelivery],
    ['KB/rdr', (r) => r.server.rssPerReaderBytes / 1024],
  ];
  for (const s of scenarios) {
    const byArm = (arm: Arm): RunResult[] => results.filter((r) => r.scenario === s && r.arm === arm);
    const lb = byArm('liveblog');
    const base = byArm('baseline');
    if (Math.max(lb.length, base.length) < 2) continue;
    for (const [name, f] of figures) {
      if (!Number.isFinite(f(lb[0] ?? base[0]!))) continue;
      const list = (runs: RunResult[]): string => {
        const v = runs.map(f).filter(Number.isFinite);
        return v.length === 0
          ? '-'
          : `${v.map(fmt).join(' / ')} (${fmt(Math.min(...v))}–${fmt(Math.max(...v))})`;
      };
      const pairs = lb
        .map((r, i) => {
          const b = base[i];
          return b ? f(r) / f(b) : Number.NaN;
        })
        .filter(Number.isFinite);
      const ratio =
        pairs.length > 0
          ? `; lb/base per rep ${pairs.map((x) => `${x.toFixed(2)}x`).join(' / ')} (${Math.min(...pairs).toFixed(2)}–${Math.max(...pairs).toFixed(2)}x)`
          : '';
      out.push(`${s}  ${name}: liveblog ${list(lb)}; baseline ${list(base)}${ratio}`);
    }
  }
  return out.join('\n');
}
