/**
 * `cluster`: the fan-out scenario on a 3-master Redis Cluster — readers over both instances, blogs
 * whose hash tags `{<blogId>}` land on different shards, entries round-robin over them.
 *
 * ONLY WORKS ONCE liveblog READS REDIS_CLUSTER_NODES (issue 10, the Redis Cluster half, done on another
 * branch). Before that merge the instances get no REDIS_URL, fall back to their embedded in-memory
 * stores, and the run fails (readers of instance 2 never see instance 1's entries): that failure is
 * expected, not a benchmark bug.
 *
 * Redis figures (commands per entry, Redis CPU) are those of the first master only: one shard of three.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { nowMs, sleep } from './clock.js';
import { freePort, stopProcess } from './processes.js';
import { runOnce, type Arm, type RunContext, type RunResult } from './run-once.js';
import type { Scenario } from './scenarios.js';

const MASTERS = 3;
const SLOTS = 16384;

/** CRC16/XMODEM, Redis Cluster's key hash. */
function crc16(text: string): number {
  let crc = 0;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** The slot of every key of a blog (they all carry the hash tag `{<blogId>}`). */
export function blogSlot(blogId: string): number {
  return crc16(blogId) % SLOTS;
}

/** Which of the `redis-cli --cluster create` masters (even slot ranges, in order) holds a slot. */
export function shardOf(slot: number, masters = MASTERS): number {
  return Math.min(masters - 1, Math.floor((slot * masters) / SLOTS));
}

interface ClusterNodes {
  ports: number[];
  pids: number[];
  stop: () => Promise<void>;
}

async function startCluster(log: (l: string) => void): Promise<ClusterNodes> {
  const dir = mkdtempSync(join(tmpdir(), 'liveblog-bench-cluster-'));
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  while (ports.length < MASTERS) {
    const p = await freePort();
    if (!ports.includes(p)) ports.push(p);
  }
  const stop = async (): Promise<void> => {
    await Promise.all(children.map((c) => stopProcess(c, 2000, 'SIGKILL')));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      const child = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${port}.conf`,
          '--save',
          '',
          '--appendonly',
          'no',
          '--dir',
          dir,
        ],
        { stdio: 'ignore' },
      );
      children.push(child);
    }
    for (const port of ports) {
      const c = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1 });
      const deadline = nowMs() + 10_000;
      for (;;) {
        try {
          await c.connect();
          await c.ping();
          break;
        } catch {
          if (nowMs() > deadline) throw new Error(`cluster node on ${port} did not start`);
          c.disconnect();
          await sleep(100);
        }
      }
      c.disconnect();
    }
    const created = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { encoding: 'utf8' },
    );
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stderr}`);
    const probe = new Redis(ports[0] ?? 0, '127.0.0.1');
    const deadline = nowMs() + 15_000;
    while (!String(await probe.cluster('INFO')).includes('cluster_state:ok')) {
      if (nowMs() > deadline) throw new Error('the cluster did not reach cluster_state:ok');
      await sleep(100);
    }
    probe.disconnect();
    log(`  3-master Redis Cluster on ports ${ports.join(', ')}`);
    return { ports, pids: children.map((c) => c.pid ?? -1), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export async function runCluster(ctx: RunContext, sc: Scenario, arm: Arm, rep: number): Promise<RunResult> {
  const cluster = await startCluster(ctx.log);
  const first = new Redis(cluster.ports[0] ?? 0, '127.0.0.1', { maxRetriesPerRequest: 3 });
  try {
    const nodes = cluster.ports.map((p) => `127.0.0.1:${p}`).join(',');
    const result = await runOnce(
      {
        ...ctx,
        redis: first,
        redisPid: cluster.pids[0] ?? -1,
        blogIds: blogIdsOnShards,
        serverEnv: (env) => {
          const { REDIS_URL: _single, ...rest } = env;
          return { ...rest, REDIS_CLUSTER_NODES: nodes };
        },
      },
      sc,
      sc.ratePerSec,
      arm,
      rep,
    );
    return result;
  } finally {
    first.disconnect();
    await cluster.stop();
  }
}

/** Blog ids for `count` blogs covering every shard: `<prefix>-<i>` picked so shards alternate. */
export function blogIdsOnShards(prefix: string, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count && i < 10_000; i++) {
    const id = `${prefix}-${i}`;
    if (shardOf(blogSlot(id)) === out.length % MASTERS) out.push(id);
  }
  return out;
}
