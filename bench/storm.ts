/**
 * `reconnect-storm`: readers sit on instance A of two; A is SIGKILLed (no shutdown, no goodbye); every
 * reader reconnects the way the browser client does (a per-reader backoff base of 0.5–2 s, ±50 %:
 * client/lib/sockets.ts) to instance B and resumes from its cursor, while editors keep posting to B.
 * Measured: the time from the kill until the last reader has resumed, each reader's close → resumed
 * answer, the answer time of the resume itself, B's CPU per resume, and every event exactly once.
 */
import { nowMs, sleep } from './clock.js';
import { Editors } from './editors.js';
import { commandDelta, commandStats, sumValues } from './observe.js';
import { CpuWindow, rssBytes } from './proc.js';
import { startServer, stopProcess, type ServerProcess } from './processes.js';
import { EDITOR_TOKEN, emptySummary, type Arm, type RunContext, type RunResult } from './run-once.js';
import type { Scenario } from './scenarios.js';

const SEED_ENTRIES = 20;
/** Every reader must have resumed within this after the kill. */
const RESUME_DEADLINE_MS = 60_000;

export async function runStorm(ctx: RunContext, sc: Scenario, arm: Arm, rep: number): Promise<RunResult> {
  const { redis, pool, log } = ctx;
  await redis.flushall();
  const env = {
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL: ctx.redisUrl,
    REDIS_PREFIX: `bench${ctx.runIndex}:`,
    EDITOR_TOKENS: `Bench:${EDITOR_TOKEN}`,
    LOG_LEVEL: 'warn',
    EDITOR_WRITES_PER_SECOND: '0',
    NODE_ENV: 'production',
  };
  const servers: ServerProcess[] = [];
  let editors: Editors | undefined;
  const failures: string[] = [];
  const plan = pool.plan(sc.readers, 0);
  try {
    const started = await Promise.allSettled(
      [1, 2].map((n) => startServer(ctx.commands[arm], env, `${arm} instance ${n}`, ctx.cwd)),
    );
    for (const s of started) if (s.status === 'fulfilled') servers.push(s.value);
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    const [a, b] = servers;
    if (!a || !b) throw new Error('server instances missing');

    editors = await Editors.connect(b.url, EDITOR_TOKEN, sc.editors);
    const blogId = `bench-storm-${arm}-${ctx.runIndex}`;
    await editors.upsertBlog(blogId, `Benchmark: ${sc.description}`);
    await editors.seed(blogId, SEED_ENTRIES);

    const startAt = nowMs() + 50;
    const conn = await pool.connect(plan, {
      blogId,
      urls: [a.url],
      failoverUrls: [b.url],
      totalRatePerSec: sc.connectRatePerSec,
      startAtMs: startAt,
      deadlineMs: startAt + (sc.readers / sc.connectRatePerSec) * 1000 + 15_000,
    });
    if (conn.failed > 0)
      failures.push(`${conn.failed} readers failed to subscribe: ${conn.errors.join(' | ')}`);
    log(`  ${conn.subscribed}/${sc.readers} readers subscribed on A`);
    const warm = await editors.publish(blogId, sc.ratePerSec, sc.warmupS, 'w');
    await sleep(500);

    // The storm: kill A while entries keep coming through B.
    const rssBefore = rssBytes(b.pid);
    const cmdsBefore = await commandStats(redis);
    const cpu = new CpuWindow([b.pid, ctx.redisPid, ...pool.pids, process.pid]);
    const killAt = nowMs();
    cpu.begin(killAt);
    a.child.kill('SIGKILL');
    const publishing = editors.publish(blogId, sc.ratePerSec, sc.durationS, 'm');
    let st = await pool.storm(plan);
    while (st.resumed < conn.subscribed && nowMs() - killAt < RESUME_DEADLINE_MS) {
      await sleep(100);
      st = await pool.storm(plan);
    }
    const cpuEnd = nowMs();
    const cpuRes = cpu.end(cpuEnd);
    const foreign = cpu.foreignShare(cpuEnd, cpuRes);
    const rssAfter = rssBytes(b.pid);
    const allResumedMs = st.lastResumedAt > 0 ? st.lastResumedAt - killAt : Number.NaN;
    if (st.resumed < conn.subscribed)
      failures.push(
        `${conn.subscribed - st.resumed} readers not resumed ${RESUME_DEADLINE_MS / 1000} s after the kill`,
      );
    if (st.fresh > 0) failures.push(`${st.fresh} readers got a fresh snapshot instead of a resume`);
    log(
      `  all ${st.resumed} resumed ${(allResumedMs / 1000).toFixed(2)} s after the kill ` +
        `(${st.failedAttempts} failed attempts, ${st.fresh} fresh)`,
    );

    const measured = await publishing;
    const expected = warm.acked + measured.acked;
    const deadline = nowMs() + sc.drainTimeoutMs;
    for (;;) {
      const p = await pool.progress(plan);
      if (p.received >= expected * conn.subscribed || nowMs() > deadline) break;
      await sleep(100);
    }
    const cmdDelta = commandDelta(cmdsBefore, await commandStats(redis));
    const col = await pool.collect(plan, expected);
    await pool.closeReaders(plan);
    if (col.lost > 0) failures.push(`${col.lost} deliveries lost`);
    if (col.gaps > 0) failures.push(`${col.gaps} seq gaps`);
    if (col.duplicates > 0) failures.push(`${col.duplicates} duplicates`);
    const publishErrors = warm.errors + measured.errors;
    if (publishErrors > 0)
      failures.push(`${publishErrors} entry:create errors: ${measured.errorSamples.slice(0, 3).join(' | ')}`);

    const bMicros = cpuRes.get(b.pid)?.micros ?? Number.NaN;
    const windowS = (cpuEnd - killAt) / 1000;
    const redisCommands = sumValues(cmdDelta);
    return {
      scenario: sc.name,
      kind: sc.kind,
      arm,
      rep,
      ratePerSec: sc.ratePerSec,
      durationS: sc.durationS,
      placement: sc.placement,
      readers: { planned: sc.readers, subscribed: conn.subscribed, failed: conn.failed, errors: conn.errors },
      entries: {
        sent: measured.sent,
        acked: measured.acked,
        errors: publishErrors,
        errorSamples: measured.errorSamples,
        perSec: measured.acked / sc.durationS,
      },
      deliveries: {
        count: col.latency.count,
        perSec: col.latency.count / sc.durationS,
        expectedPerReader: expected,
        drained: col.lost === 0,
      },
      loss: { lost: col.lost, gaps: col.gaps, duplicates: col.duplicates, disconnected: col.disconnected },
      // The headline figure of this scenario: each reader's close → resumed answer.
      latencyMs: st.resumeSinceClose.summary(),
      deliveryLatencyMs: col.latency.summary(),
      probeLatencyMs: emptySummary(),
      subscribeAckMs: conn.subscribeAck.summary(),
      readyMs: conn.ready.summary(),
      connectMs: conn.connected.summary(),
      editorAckMs: measured.ack.summary(),
      editorLatenessMs: measured.lateness.summary(),
      server: {
        pids: [b.pid],
        cpuShare: [cpuRes.get(b.pid)?.share ?? Number.NaN],
        cpuShareTotal: cpuRes.get(b.pid)?.share ?? Number.NaN,
        cpuMicrosPerDelivery: bMicros / Math.max(1, st.resumed),
        eventLoopP99Ms: [],
        rssBeforeBytes: [rssBefore],
        rssAfterBytes: [rssAfter],
        rssPerReaderBytes: (rssAfter - rssBefore) / Math.max(1, st.resumed),
      },
      redis: {
        commands: redisCommands,
        perOp: redisCommands / Math.max(1, st.resumed),
        op: 'subscribe',
        byCommand: cmdDelta,
        cpuShare: cpuRes.get(ctx.redisPid)?.share ?? Number.NaN,
      },
      storm: {
        readers: conn.subscribed,
        resumed: st.resumed,
        fresh: st.fresh,
        failedAttempts: st.failedAttempts,
        allResumedMs,
        resumeSinceCloseMs: st.resumeSinceClose.summary(),
        resumeAckMs: st.resumeAck.summary(),
        cpuMicrosPerResume: bMicros / Math.max(1, st.resumed),
        survivorCpuShare: cpuRes.get(b.pid)?.share ?? Number.NaN,
      },
      generator: {
        workers: pool.described.map((d) => ({ ...d, cpuShare: cpuRes.get(d.pid)?.share ?? Number.NaN })),
        mainCpuShare: cpuRes.get(process.pid)?.share ?? Number.NaN,
        foreignCpuShare: foreign,
        valid: foreign <= 0.25,
        reasons: foreign > 0.25 ? [`other processes used ${(foreign * 100).toFixed(0)} % of a core`] : [],
      },
      windowS,
      ok: failures.length === 0,
      failures,
    };
  } finally {
    editors?.close();
    await pool.closeReaders(plan).catch(() => undefined);
    await Promise.all(servers.map((s) => stopProcess(s.child, 10_000)));
  }
}
