/**
 * One run of one scenario step against one arm: fresh server instances on a flushed Redis, readers
 * connected, entries published open-loop, everything measured from outside the servers.
 */
import type { Redis } from 'ioredis';
import { nowMs, sleep } from './clock.js';
import { Editors, type PublishResult } from './editors.js';
import type { LatencySummary } from './histogram.js';
import { commandDelta, commandStats, eventLoopP99Ms, sumValues } from './observe.js';
import { CpuWindow, rssBytes } from './proc.js';
import { startServer, stopProcess, type ServerProcess } from './processes.js';
import type { Assignment, ReaderPool } from './reader-pool.js';
import type { Scenario } from './scenarios.js';

export type Arm = 'liveblog' | 'baseline';

export const EDITOR_TOKEN = 'bench-token-1234';
const SEED_ENTRIES = 20;
/** A generator process above this share of one core may have been the bottleneck. */
const GENERATOR_CPU_LIMIT = 0.9;
/** Other processes on the machine above this share of one core make the run's figures unreliable. */
const FOREIGN_CPU_LIMIT = 0.25;

export interface RunContext {
  redis: Redis;
  redisUrl: string;
  redisPid: number;
  pool: ReaderPool;
  commands: Record<Arm, readonly string[]>;
  cwd: string;
  runIndex: number;
  log: (line: string) => void;
  /** The servers' environment as the scenario needs it (e.g. a Redis Cluster instead of REDIS_URL). */
  serverEnv?: (env: Record<string, string>) => Record<string, string>;
  /** The ids of a many-blogs run (default `<prefix>-<i>`), e.g. chosen to land on different shards. */
  blogIds?: (prefix: string, count: number) => string[];
}

export interface RunResult {
  scenario: string;
  kind: Scenario['kind'];
  arm: Arm;
  rep: number;
  ratePerSec: number;
  durationS: number;
  placement: Scenario['placement'];
  readers: { planned: number; subscribed: number; failed: number; errors: string[] };
  entries: { sent: number; acked: number; errors: number; errorSamples: string[]; perSec: number };
  deliveries: { count: number; perSec: number; expectedPerReader: number; drained: boolean };
  loss: { lost: number; gaps: number; duplicates: number; disconnected: number };
  /** Delivery latency (intended send → receipt), all readers; for `crowd`, the subscribe ack. */
  latencyMs: LatencySummary;
  deliveryLatencyMs: LatencySummary;
  probeLatencyMs: LatencySummary;
  subscribeAckMs: LatencySummary;
  /** Intended connection time → subscribe ack. */
  readyMs: LatencySummary;
  /** Intended connection time → Socket.IO namespace connected. */
  connectMs: LatencySummary;
  editorAckMs: LatencySummary;
  editorLatenessMs: LatencySummary;
  server: {
    pids: number[];
    cpuShare: number[];
    cpuShareTotal: number;
    cpuMicrosPerDelivery: number;
    eventLoopP99Ms: (number | null)[];
    rssBeforeBytes: number[];
    rssAfterBytes: number[];
    rssPerReaderBytes: number;
    /** `many-blogs`: RSS growth of the readers' instance per blog (with its readers). */
    rssPerBlogBytes?: number;
  };
  /** How many blogs the readers and entries were spread over. */
  blogs?: number;
  /** `reconnect-storm` (bench/storm.ts). */
  storm?: {
    readers: number;
    resumed: number;
    fresh: number;
    failedAttempts: number;
    /** SIGKILL → the last reader's resumed answer. */
    allResumedMs: number;
    /** connection closed → resumed answer, per reader. */
    resumeSinceCloseMs: LatencySummary;
    /** resume subscribe sent → answer, per reader. */
    resumeAckMs: LatencySummary;
    /** The survivor's CPU from the kill until all had resumed, µs per resumed reader. */
    cpuMicrosPerResume: number;
    survivorCpuShare: number;
  };
  redis: {
    commands: number;
    perOp: number;
    op: 'subscribe' | 'entry';
    byCommand: Record<string, number>;
    cpuShare: number;
  };
  generator: {
    workers: { pid: number; mode: string; cpuShare: number }[];
    mainCpuShare: number;
    /** CPU used by processes that are not part of the benchmark, share of one core. */
    foreignCpuShare: number;
    valid: boolean;
    reasons: string[];
  };
  windowS: number;
  ok: boolean;
  failures: string[];
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, 64);
}

async function drain(
  pool: ReaderPool,
  plan: Assignment[],
  target: number,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = nowMs() + timeoutMs;
  for (;;) {
    const p = await pool.progress(plan);
    if (p.received >= target) return true;
    if (nowMs() >= deadline) return false;
    await sleep(100);
  }
}

const emptyPublish = (): PublishResult | undefined => undefined;

/** Creates `blogIds` and seeds each with `perBlog` entries, a few at a time. */
async function createBlogs(
  editors: Editors,
  blogIds: string[],
  title: string,
  perBlog: number,
): Promise<void> {
  for (let i = 0; i < blogIds.length; i += 20) {
    await Promise.all(
      blogIds.slice(i, i + 20).map(async (id) => {
        await editors.upsertBlog(id, title);
        await editors.seed(id, perBlog);
      }),
    );
  }
}

/** Readers' expected total: reader i (over all workers) reads blogIds[i % blogs]. */
function expectedTotal(readers: number, blogIds: string[], byBlog: Record<string, number>): number {
  let n = 0;
  for (let i = 0; i < readers; i++) n += byBlog[blogIds[i % blogIds.length] ?? ''] ?? 0;
  return n;
}

function addCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

export async function runOnce(
  ctx: RunContext,
  sc: Scenario,
  ratePerSec: number,
  arm: Arm,
  rep: number,
): Promise<RunResult> {
  const { redis, pool, log } = ctx;
  await redis.flushall();
  const env = {
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL: ctx.redisUrl,
    REDIS_PREFIX: `bench${ctx.runIndex}:`,
    EDITOR_TOKENS: `Bench:${EDITOR_TOKEN}`,
    LOG_LEVEL: 'warn',
    // liveblog limits writes per editor connection (default 20/s); bursty and saturation exceed it by design.
    EDITOR_WRITES_PER_SECOND: '0',
    NODE_ENV: 'production',
  };
  const serverEnv = ctx.serverEnv ? ctx.serverEnv(env) : env;
  const servers: ServerProcess[] = [];
  let editors: Editors | undefined;
  const failures: string[] = [];
  try {
    const started = await Promise.allSettled(
      [1, 2].map((n) => startServer(ctx.commands[arm], serverEnv, `${arm} instance ${n}`, ctx.cwd)),
    );
    for (const s of started) if (s.status === 'fulfilled') servers.push(s.value);
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    const [one, two] = servers;
    if (!one || !two) throw new Error('server instances missing');

    editors = await Editors.connect(one.url, EDITOR_TOKEN, sc.editors);
    const blogId = slug(`bench-${sc.name}-${arm}-${ctx.runIndex}`);
    const many = (sc.blogs ?? 1) > 1;
    const blogIds = !many
      ? [blogId]
      : (ctx.blogIds?.(blogId, sc.blogs ?? 1) ??
        Array.from({ length: sc.blogs ?? 1 }, (_, i) => `${blogId}-${i}`));
    await createBlogs(editors, blogIds, `Benchmark: ${sc.description}`, sc.seedPerBlog ?? SEED_ENTRIES);
    await sleep(300);

    const urls = sc.placement === 'cross' ? [two.url] : [two.url, one.url];
    const hosting = sc.placement === 'cross' ? [two] : [two, one];
    const serverPids = servers.map((s) => s.pid);
    const described = pool.described;
    const allPids = [...serverPids, ctx.redisPid, ...described.map((d) => d.pid), process.pid];
    /** `plan`'s readers connect and subscribe at the scenario's rate, from `startAtMs` on. */
    const connectAll = (plan: Assignment[], readers: number, startAtMs: number) =>
      pool.connect(plan, {
        blogId,
        ...(many ? { blogIds } : {}),
        urls,
        totalRatePerSec: sc.connectRatePerSec,
        startAtMs,
        deadlineMs: startAtMs + (readers / sc.connectRatePerSec) * 1000 + 15_000,
      });
    if (sc.warmupReaders) {
      // Warm instances (see Scenario.warmupReaders): connect, subscribe and leave, then settle.
      const warmPlan = pool.plan(sc.warmupReaders, Math.min(sc.probes, 10));
      await connectAll(warmPlan, sc.warmupReaders, nowMs() + 50);
      await pool.closeReaders(warmPlan);
      await sleep(2500);
    }
    const rssBefore = hosting.map((s) => rssBytes(s.pid));

    // Window A: connecting and subscribing.
    const plan = pool.plan(sc.readers, sc.probes);
    const cmdsA = await commandStats(redis);
    await Promise.all(servers.map((s) => eventLoopP99Ms(s.url)));
    const cpuA = new CpuWindow(allPids);
    const startAt = nowMs() + 50;
    cpuA.begin(nowMs());
    const conn = await connectAll(plan, sc.readers, startAt);
    const endA = nowMs();
    const cpuResA = cpuA.end(endA);
    const foreignA = cpuA.foreignShare(endA, cpuResA);
    const cmdDeltaA = commandDelta(cmdsA, await commandStats(redis));
    const elA = await Promise.all(servers.map((s) => eventLoopP99Ms(s.url)));
    if (conn.failed > 0)
      failures.push(`${conn.failed} readers failed to subscribe: ${conn.errors.join(' | ')}`);
    log(`  ${conn.subscribed}/${sc.readers} readers subscribed in ${((endA - startAt) / 1000).toFixed(1)} s`);
    await sleep(1000);
    const rssAfter = hosting.map((s) => rssBytes(s.pid));

    let warm = emptyPublish();
    let measured = emptyPublish();
    let drained = true;
    let cpuRes = cpuResA;
    let foreign = foreignA;
    let cmdDelta = cmdDeltaA;
    let el = elA;
    let windowMs = endA - startAt;
    if (sc.kind !== 'crowd') {
      warm = await editors.publish(blogIds, ratePerSec, sc.warmupS, 'w');
      await drain(pool, plan, expectedTotal(conn.subscribed, blogIds, warm.ackedByBlog), sc.drainTimeoutMs);
      const cmdsB = await commandStats(redis);
      await Promise.all(servers.map((s) => eventLoopP99Ms(s.url)));
      const cpuB = new CpuWindow(allPids);
      const beginB = nowMs();
      cpuB.begin(beginB);
      measured = await editors.publish(blogIds, ratePerSec, sc.durationS, 'm');
      const byBlog = addCounts(warm.ackedByBlog, measured.ackedByBlog);
      drained = await drain(pool, plan, expectedTotal(conn.subscribed, blogIds, byBlog), sc.drainTimeoutMs);
      const endB = nowMs();
      cpuRes = cpuB.end(endB);
      foreign = cpuB.foreignShare(endB, cpuRes);
      cmdDelta = commandDelta(cmdsB, await commandStats(redis));
      el = await Promise.all(servers.map((s) => eventLoopP99Ms(s.url)));
      windowMs = endB - beginB;
    }
    const expectedPerReader = (warm?.acked ?? 0) + (measured?.acked ?? 0);
    const col = await pool.collect(
      plan,
      expectedPerReader,
      many ? addCounts(warm?.ackedByBlog ?? {}, measured?.ackedByBlog ?? {}) : undefined,
    );
    await pool.closeReaders(plan);

    const share = (pid: number): number => cpuRes.get(pid)?.share ?? Number.NaN;
    const serverMicros = serverPids.reduce((n, pid) => n + (cpuRes.get(pid)?.micros ?? Number.NaN), 0);
    const deliveries = col.latency.count;
    const subscribedHere = conn.subscribed;
    const rssDelta = rssAfter.reduce((n, v, i) => n + v - (rssBefore[i] ?? Number.NaN), 0);
    const workers = described.map((d) => ({ ...d, cpuShare: share(d.pid) }));
    const mainCpuShare = share(process.pid);
    const reasons: string[] = [];
    for (const w of workers) {
      if (w.cpuShare > GENERATOR_CPU_LIMIT)
        reasons.push(`${w.mode} worker ${w.pid} at ${(w.cpuShare * 100).toFixed(0)} % CPU`);
    }
    if (mainCpuShare > GENERATOR_CPU_LIMIT)
      reasons.push(`orchestrator/editors at ${(mainCpuShare * 100).toFixed(0)} % CPU`);
    if (foreign > FOREIGN_CPU_LIMIT) {
      reasons.push(`other processes used ${(foreign * 100).toFixed(0)} % of a core: figures unreliable`);
    }
    const redisCommands = sumValues(cmdDelta);
    const isCrowd = sc.kind === 'crowd';
    const lossCount = col.lost + col.gaps + col.duplicates;
    if (col.lost > 0) failures.push(`${col.lost} deliveries lost`);
    if (col.gaps > 0) failures.push(`${col.gaps} seq gaps`);
    if (col.duplicates > 0) failures.push(`${col.duplicates} duplicates`);
    if (col.disconnected > 0) failures.push(`${col.disconnected} readers disconnected`);
    const publishErrors = (warm?.errors ?? 0) + (measured?.errors ?? 0);
    if (publishErrors > 0) {
      failures.push(
        `${publishErrors} entry:create errors: ${[...(warm?.errorSamples ?? []), ...(measured?.errorSamples ?? [])].slice(0, 3).join(' | ')}`,
      );
    }
    if (!drained && lossCount === 0) failures.push('deliveries still arriving at the drain timeout');
    return {
      scenario: sc.kind === 'saturation' ? `${sc.name}@${ratePerSec}` : sc.name,
      kind: sc.kind,
      arm,
      rep,
      ratePerSec,
      durationS: sc.durationS,
      placement: sc.placement,
      readers: { planned: sc.readers, subscribed: conn.subscribed, failed: conn.failed, errors: conn.errors },
      entries: {
        sent: measured?.sent ?? 0,
        acked: measured?.acked ?? 0,
        errors: publishErrors,
        errorSamples: [...(warm?.errorSamples ?? []), ...(measured?.errorSamples ?? [])],
        perSec: measured ? measured.acked / sc.durationS : 0,
      },
      deliveries: {
        count: deliveries,
        perSec: sc.durationS > 0 ? deliveries / sc.durationS : 0,
        expectedPerReader,
        drained,
      },
      loss: { lost: col.lost, gaps: col.gaps, duplicates: col.duplicates, disconnected: col.disconnected },
      latencyMs: isCrowd ? conn.subscribeAck.summary() : col.latency.summary(),
      deliveryLatencyMs: col.latency.summary(),
      probeLatencyMs: col.probeLatency.summary(),
      subscribeAckMs: conn.subscribeAck.summary(),
      readyMs: conn.ready.summary(),
      connectMs: conn.connected.summary(),
      editorAckMs: (measured?.ack ?? warm?.ack)?.summary() ?? emptySummary(),
      editorLatenessMs: measured?.lateness.summary() ?? emptySummary(),
      server: {
        pids: serverPids,
        cpuShare: serverPids.map(share),
        cpuShareTotal: serverPids.reduce((n, pid) => n + share(pid), 0),
        cpuMicrosPerDelivery: isCrowd
          ? serverMicros / Math.max(1, subscribedHere)
          : serverMicros / Math.max(1, deliveries),
        eventLoopP99Ms: el,
        rssBeforeBytes: rssBefore,
        rssAfterBytes: rssAfter,
        rssPerReaderBytes: rssDelta / Math.max(1, subscribedHere),
        ...(many ? { rssPerBlogBytes: rssDelta / blogIds.length } : {}),
      },
      ...(many ? { blogs: blogIds.length } : {}),
      redis: {
        commands: redisCommands,
        perOp: isCrowd
          ? redisCommands / Math.max(1, subscribedHere)
          : redisCommands / Math.max(1, measured?.acked ?? 0),
        op: isCrowd ? 'subscribe' : 'entry',
        byCommand: cmdDelta,
        cpuShare: share(ctx.redisPid),
      },
      generator: { workers, mainCpuShare, foreignCpuShare: foreign, valid: reasons.length === 0, reasons },
      windowS: windowMs / 1000,
      ok: failures.length === 0,
      failures,
    };
  } finally {
    editors?.close();
    await Promise.all(servers.map((s) => stopProcess(s.child, 10_000)));
  }
}

export function emptySummary(): LatencySummary {
  return { count: 0, mean: Number.NaN, p50: Number.NaN, p95: Number.NaN, p99: Number.NaN, max: Number.NaN };
}
