/**
 * `npm run bench [-- --quick] [--scenario a,b] [--arm liveblog|baseline] [--reps N] [--liveblog-cmd "…"]`
 *
 * Starts a private redis-server, reader worker processes, and — per run — two instances of the arm
 * under test; runs every scenario against both arms alternately; prints a table and writes
 * bench/results/latest.json. Exits non-zero when any run failed or lost a delivery.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { nowMs, sleep } from './clock.js';
import { machineBusyMicros } from './proc.js';
import { killAllNow, startRedis, stopAll, type RedisProcess } from './processes.js';
import { ReaderPool } from './reader-pool.js';
import { spread, table, targets, toRows } from './report.js';
import { runOnce, type Arm, type RunContext, type RunResult } from './run-once.js';
import { runCluster } from './cluster.js';
import { FULL_SCENARIOS, QUICK_SCENARIOS, TOPOLOGY_SCENARIOS, type Scenario } from './scenarios.js';
import { runStorm } from './storm.js';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH_DIR);
const ARMS: Arm[] = ['liveblog', 'baseline'];
/** Busy CPU (share of one core) below which the idle machine counts as quiet. */
const QUIET_CPU_SHARE = 0.25;
const QUIET_WAIT_MS = 180_000;

interface Options {
  quick: boolean;
  scenarios: string[];
  arms: Arm[];
  reps: number;
  liveblogCmd: string[] | undefined;
  out: string;
  rawWorkers: number;
  /** Wait for other processes to quieten before each run, and redo a run they disturbed once. */
  patient: boolean;
  /** Overrides every selected scenario's reader count (trials on a small machine). */
  readers: number | undefined;
}

function usage(): string {
  const names = [...FULL_SCENARIOS, ...QUICK_SCENARIOS, ...TOPOLOGY_SCENARIOS].map((s) => s.name).join(', ');
  return [
    'usage: npm run bench -- [--quick] [--scenario <name>[,<name>…]] [--arm liveblog|baseline] [--reps N]',
    '                        [--liveblog-cmd "<command>"] [--out <file>] [--workers N] [--impatient]',
    '                        [--readers N]',
    `scenarios: ${names}`,
  ].join('\n');
}

function parseArgs(argv: string[]): Options {
  const opts: Options = {
    quick: false,
    scenarios: [],
    arms: ARMS,
    reps: 1,
    liveblogCmd: undefined,
    out: join(BENCH_DIR, 'results', 'latest.json'),
    rawWorkers: 2,
    patient: true,
    readers: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${usage()}`);
      return v;
    };
    switch (flag) {
      case '--quick':
        opts.quick = true;
        opts.patient = false;
        break;
      case '--readers':
        opts.readers = Math.max(1, Math.floor(Number(value())) || 1);
        break;
      case '--impatient':
        opts.patient = false;
        break;
      case '--scenario':
        opts.scenarios.push(...value().split(','));
        break;
      case '--arm': {
        const v = value();
        if (v !== 'liveblog' && v !== 'baseline')
          throw new Error(`--arm must be liveblog or baseline\n${usage()}`);
        opts.arms = [v];
        break;
      }
      case '--reps':
        opts.reps = Math.max(1, Math.floor(Number(value())) || 1);
        break;
      case '--liveblog-cmd':
        opts.liveblogCmd = value().split(/\s+/).filter(Boolean);
        break;
      case '--out':
        opts.out = value();
        break;
      case '--workers':
        opts.rawWorkers = Math.max(1, Math.floor(Number(value())) || 2);
        break;
      case '--help':
      case '-h':
        console.log(usage());
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument ${arg}\n${usage()}`);
    }
  }
  return opts;
}

function selectScenarios(opts: Options): Scenario[] {
  const pool = opts.quick ? QUICK_SCENARIOS : FULL_SCENARIOS;
  if (opts.scenarios.length === 0) return pool;
  const all = [...FULL_SCENARIOS, ...QUICK_SCENARIOS, ...TOPOLOGY_SCENARIOS];
  return opts.scenarios.map((name) => {
    const s = all.find((x) => x.name === name);
    if (!s) throw new Error(`unknown scenario ${name}\n${usage()}`);
    return s;
  });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds the server when dist/ is missing or older than src/, so the benchmark never measures stale code. */
function ensureBuilt(log: (l: string) => void): void {
  const main = join(ROOT, 'dist', 'src', 'main.js');
  const stale = !existsSync(main) || statSync(main).mtimeMs < newestMtime(join(ROOT, 'src'));
  if (!stale) return;
  log('building the server (npm run build)…');
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0 || !existsSync(main)) throw new Error('npm run build failed; cannot benchmark liveblog');
}

/** Machine CPU in use (share of one core) while the benchmark itself is idle; up to maxWaitMs. */
async function waitForQuiet(maxWaitMs: number, log: (l: string) => void): Promise<void> {
  const deadline = nowMs() + maxWaitMs;
  let said = false;
  for (;;) {
    const b0 = machineBusyMicros();
    await sleep(1000);
    const share = (machineBusyMicros() - b0) / 1e6;
    if (!(share > QUIET_CPU_SHARE) || nowMs() > deadline) {
      if (said) log(`  machine ${share > QUIET_CPU_SHARE ? 'still busy, going on' : 'quiet again'}`);
      return;
    }
    if (!said)
      log(
        `  other processes use ${(share * 100).toFixed(0)} % of a core; waiting up to ${maxWaitMs / 1000} s`,
      );
    said = true;
  }
}

function gitCommit(): string {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) return 'unknown';
  // The server is built from the working tree: say when src/ differs from the commit.
  const dirty = spawnSync('git', ['status', '--porcelain', 'src'], { cwd: ROOT, encoding: 'utf8' });
  return `${r.stdout.trim()}${dirty.stdout.trim() === '' ? '' : '+dirty src'}`;
}

function machine(): Record<string, string | number> {
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: process.platform,
    commit: gitCommit(),
  };
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const info = machine();
  const scenarios = selectScenarios(opts).map((s) =>
    opts.readers === undefined
      ? s
      : { ...s, readers: opts.readers, probes: Math.min(s.probes, Math.ceil(opts.readers / 10)) },
  );
  const log = (line: string): void => console.error(line);
  const budgetMs = opts.quick ? 120_000 : 60 * 60_000;
  const watchdog = setTimeout(() => {
    console.error(`bench: time budget of ${budgetMs / 1000} s exceeded, aborting`);
    killAllNow();
    process.exit(3);
  }, budgetMs);
  watchdog.unref();

  /** liveblog runs exactly as `npm start` runs it (Node flags included), with this Node binary. */
  const startCommand = (): string[] => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: { start: string };
    };
    const [node, ...args] = pkg.scripts.start.split(/\s+/);
    return node === 'node' ? [process.execPath, ...args] : [process.execPath, 'dist/src/main.js'];
  };
  const commands: Record<Arm, string[]> = {
    liveblog: opts.liveblogCmd ?? startCommand(),
    baseline: [process.execPath, '--import', 'tsx', 'bench/baseline-server.ts'],
  };
  if (opts.arms.includes('liveblog') && !opts.liveblogCmd) ensureBuilt(log);
  // Others may rebuild dist/ while a long run goes on; a run on a different build must say so.
  const distDir = join(ROOT, 'dist', 'src');
  const buildStamp = (): number => (existsSync(distDir) ? newestMtime(distDir) : 0);
  const buildAtStart = buildStamp();
  const warnings: string[] = [];

  let redisProc: RedisProcess | undefined;
  let redis: Redis | undefined;
  let pool: ReaderPool | undefined;
  const results: RunResult[] = [];
  const errors: string[] = [];
  const t0 = nowMs();
  try {
    redisProc = await startRedis();
    redis = new Redis(redisProc.url, { maxRetriesPerRequest: 3 });
    redis.on('error', (err: Error) => log(`bench redis client: ${err.message}`));
    pool = await ReaderPool.start(opts.rawWorkers);
    const ctx: RunContext = {
      redis,
      redisUrl: redisProc.url,
      redisPid: redisProc.pid,
      pool,
      commands,
      cwd: ROOT,
      runIndex: 0,
      log,
    };
    let flip = false;
    const armsInOrder = (): Arm[] => {
      const order = flip ? [...opts.arms].reverse() : opts.arms;
      flip = !flip;
      return order;
    };
    const attempt = async (
      sc: Scenario,
      rate: number,
      arm: Arm,
      rep: number,
    ): Promise<RunResult | undefined> => {
      ctx.runIndex++;
      const label = sc.kind === 'saturation' ? `${sc.name}@${rate}` : sc.name;
      log(
        `[${((nowMs() - t0) / 1000).toFixed(0)} s] ${label} / ${arm}${opts.reps > 1 ? ` rep ${rep + 1}` : ''}: ${sc.description}`,
      );
      try {
        if (opts.patient) await waitForQuiet(QUIET_WAIT_MS, log);
        if (arm === 'liveblog' && !opts.liveblogCmd && buildStamp() !== buildAtStart) {
          const w = `${label} / liveblog rep ${rep + 1} ran on a dist/ rebuilt after the benchmark started`;
          warnings.push(w);
          log(`  WARNING ${w}`);
        }
        const run = (): Promise<RunResult> =>
          sc.kind === 'storm'
            ? runStorm(ctx, sc, arm, rep)
            : sc.kind === 'cluster'
              ? runCluster(ctx, sc, arm, rep)
              : runOnce(ctx, sc, rate, arm, rep);
        let r = await run();
        if (opts.patient && r.generator.foreignCpuShare > QUIET_CPU_SHARE) {
          log(
            `  other processes used ${(r.generator.foreignCpuShare * 100).toFixed(0)} % of a core: once more`,
          );
          await waitForQuiet(QUIET_WAIT_MS, log);
          ctx.runIndex++;
          r = await run();
        }
        results.push(r);
        log(
          `  ${r.ok ? 'ok' : `FAILED: ${r.failures.join('; ')}`} — p50 ${r.latencyMs.p50.toFixed(2)} ms, p99 ${r.latencyMs.p99.toFixed(2)} ms, ` +
            `${Math.round(r.deliveries.perSec)} deliveries/s, server CPU ${(r.server.cpuShareTotal * 100).toFixed(0)} %` +
            (r.generator.valid ? '' : ` — INVALID: ${r.generator.reasons.join('; ')}`),
        );
        if (r.storm) {
          const st = r.storm;
          log(
            `  storm: ${st.resumed}/${st.readers} resumed, all within ${(st.allResumedMs / 1000).toFixed(2)} s of the kill; ` +
              `close → resumed p50 ${st.resumeSinceCloseMs.p50.toFixed(0)} ms, p99 ${st.resumeSinceCloseMs.p99.toFixed(0)} ms; ` +
              `resume answer p99 ${st.resumeAckMs.p99.toFixed(1)} ms; survivor ${st.cpuMicrosPerResume.toFixed(0)} µs CPU / resume, ` +
              `${(st.survivorCpuShare * 100).toFixed(0)} % of a core; ${st.fresh} fresh, ${st.failedAttempts} failed attempts`,
          );
        }
        if (r.server.rssPerBlogBytes !== undefined) {
          log(
            `  ${r.blogs} blogs: RSS ${(r.server.rssPerBlogBytes / 1024).toFixed(1)} KB / blog with its readers, ` +
              `${r.server.cpuMicrosPerDelivery.toFixed(1)} µs CPU / delivery, editor ack p99 ${r.editorAckMs.p99.toFixed(1)} ms, ` +
              `${r.redis.perOp.toFixed(1)} Redis commands / entry`,
          );
        }
        return r;
      } catch (err) {
        const msg = `${label} / ${arm}: ${err instanceof Error ? err.message : String(err)}`;
        errors.push(msg);
        log(`  ERROR ${msg}`);
        return undefined;
      }
    };
    for (const sc of scenarios) {
      for (let rep = 0; rep < opts.reps; rep++) {
        if (sc.kind !== 'saturation') {
          for (const arm of armsInOrder()) {
            if (sc.arms && !sc.arms.includes(arm)) log(`${sc.name} / ${arm}: does not apply, skipped`);
            else await attempt(sc, sc.ratePerSec, arm, rep);
          }
          continue;
        }
        // Saturation: raise the rate while the arm keeps p99 within the limit and loses nothing.
        let alive = [...opts.arms];
        for (const rate of sc.ladder ?? [sc.ratePerSec]) {
          const next: Arm[] = [];
          for (const arm of armsInOrder().filter((a) => alive.includes(a))) {
            const r = await attempt(sc, rate, arm, rep);
            if (r?.ok && r.latencyMs.p99 <= (sc.p99LimitMs ?? Number.POSITIVE_INFINITY)) next.push(arm);
          }
          alive = next;
          if (alive.length === 0) break;
        }
      }
    }
  } catch (err) {
    errors.push(err instanceof Error ? err.message : String(err));
    log(`bench: ${errors.at(-1)}`);
  } finally {
    await pool?.stop().catch(() => undefined);
    redis?.disconnect();
    await redisProc?.stop().catch(() => undefined);
    await stopAll();
    clearTimeout(watchdog);
  }

  const rows = toRows(results);
  const goals = opts.quick ? [] : targets(rows);
  const lossy = results.filter((r) => !r.ok);
  const saturationStops = results.filter((r) => r.kind === 'saturation' && !r.ok);
  // A saturation step that fails is how the ladder ends, not a benchmark failure.
  const hardFailures = lossy.filter((r) => r.kind !== 'saturation');
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(
    opts.out,
    `${JSON.stringify(
      {
        when: new Date().toISOString(),
        machine: info,
        mode: opts.quick ? 'quick' : 'full',
        args: process.argv.slice(2),
        durationS: (nowMs() - t0) / 1000,
        rows,
        targets: goals,
        errors,
        warnings,
        runs: results,
      },
      (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
      2,
    )}\n`,
  );
  console.log(`\nliveblog benchmark — ${opts.quick ? 'quick' : 'full'} — ${JSON.stringify(info)}`);
  console.log(
    'latency ms: delivery (editor intended send → reader receipt); for crowd rows, subscribe → ack.',
  );
  console.log(
    'µs/op: server CPU per delivery (per subscribe for crowd); redis/op: commands per entry (per subscribe for crowd).\n',
  );
  console.log(table(rows));
  const spreads = spread(results);
  if (spreads) console.log(`\nspread over repetitions (each run, then min–max):\n${spreads}`);
  if (goals.length > 0) {
    console.log('\ntargets (liveblog):');
    for (const g of goals)
      console.log(`  ${g.met === null ? '  ?' : g.met ? ' ok' : 'MISS'}  ${g.target}: ${g.value}`);
  }
  for (const r of saturationStops)
    console.log(`\n${r.scenario} / ${r.arm} stopped the ladder: ${r.failures.join('; ')}`);
  for (const r of hardFailures) console.log(`\nFAILED ${r.scenario} / ${r.arm}: ${r.failures.join('; ')}`);
  for (const w of warnings) console.log(`\nWARNING ${w}`);
  for (const e of errors) console.log(`\nERROR ${e}`);
  console.log(`\nwrote ${opts.out} (${((nowMs() - t0) / 1000).toFixed(0)} s)`);
  return errors.length > 0 || hardFailures.length > 0 || results.length === 0 ? 1 : 0;
}

process.on('exit', killAllNow);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    console.error(`bench: ${sig}, stopping every child process`);
    killAllNow();
    process.exit(130);
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    killAllNow();
    process.exit(2);
  },
);
