/**
 * What the reader-count exchange costs Redis, by Redis's own accounting (INFO commandstats, which counts
 * the commands a script runs, and their time). `tsx bench/readers-cost.ts [blogs=1000] [intervals=10]
 * [store module=../src/store/redis-store.ts]` starts a private redis-server and plays the many-blogs
 * scenario's exchange without servers: two instances each report every blog every interval (2 and 1
 * readers a blog, a steady crowd), as LiveHub does every READERS_INTERVAL_MS, after one warm-up interval
 * (the first writes). Then one interval where a tenth of the blogs changed on one instance.
 * Pass another checkout's redis-store.ts to measure its exchange the same way (the ttl is the hub's 30 s
 * here; pass any ttl an older hub used as the 4th argument).
 */
import { Redis } from 'ioredis';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RedisStore as Current } from '../src/store/redis-store.js';
import { READERS_TTL_MS } from '../src/live/live-hub.js';
import { startRedis, stopAll } from './processes.js';

const blogs = Number(process.argv[2] ?? 1000);
const intervals = Number(process.argv[3] ?? 10);
const modulePath = process.argv[4] ?? new URL('../src/store/redis-store.ts', import.meta.url).pathname;
const ttlMs = Number(process.argv[5] ?? READERS_TTL_MS);

const { RedisStore } = (await import(pathToFileURL(resolve(modulePath)).href)) as {
  RedisStore: typeof Current;
};

interface Stat {
  calls: number;
  usec: number;
}

function stats(info: string): Map<string, Stat> {
  const out = new Map<string, Stat>();
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
    const name = m[1] ?? '';
    if (!/^(info|config)\b/.test(name)) out.set(name, { calls: Number(m[2]), usec: Number(m[3]) });
  }
  return out;
}

/** The redis-server process's CPU seconds (user + system): what the exchange costs it, I/O included. */
async function cpuSeconds(admin: Redis): Promise<number> {
  const info = await admin.info('cpu');
  const field = (name: string): number => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return field('used_cpu_user') + field('used_cpu_sys');
}

function print(label: string, s: Map<string, Stat>, per: number, cpu: number, clientUs: number): void {
  let calls = 0;
  let usec = 0;
  const parts: string[] = [];
  for (const [name, st] of [...s].sort((x, y) => y[1].calls - x[1].calls)) {
    parts.push(`${name} ${(st.calls / per).toFixed(1)} (${(st.usec / per / 1000).toFixed(2)} ms)`);
    calls += st.calls;
    usec += st.usec;
  }
  console.log(`${label}: ${(calls / per).toFixed(1)} commands per interval (${parts.join(', ')}),`);
  console.log(
    `  ${(usec / per / 1000).toFixed(2)} ms of command time (a script's includes its commands'), ` +
      `${((cpu / per) * 1000).toFixed(2)} ms of redis-server CPU per interval, ` +
      `${(clientUs / per / 1000).toFixed(2)} ms of this process's CPU (both instances' side)`,
  );
}

const redis = await startRedis();
try {
  const ids = Array.from({ length: blogs }, (_, i) => `readers-cost-${i}`);
  const clients = [new Redis(redis.url), new Redis(redis.url), new Redis(redis.url)];
  for (const c of clients) c.on('error', () => undefined);
  const [admin, ca, cb] = clients as [Redis, Redis, Redis];
  // Separate connections, as two instances have.
  const a = new RedisStore(ca);
  const b = new RedisStore(cb);
  const countsA = new Map(ids.map((id) => [id, 2]));
  const countsB = new Map(ids.map((id) => [id, 1]));
  const exchange = (): Promise<unknown> =>
    Promise.all([
      a.reportReaders('instance-a', countsA, ttlMs),
      b.reportReaders('instance-b', countsB, ttlMs),
    ]);
  await exchange();
  await admin.config('RESETSTAT');
  let cpu = await cpuSeconds(admin);
  let client = process.cpuUsage();
  for (let i = 0; i < intervals; i++) await exchange();
  client = process.cpuUsage(client);
  cpu = (await cpuSeconds(admin)) - cpu;
  console.log(`${blogs} blogs, 2 instances, ${intervals} steady intervals (both instances together):`);
  print('steady', stats(await admin.info('commandstats')), intervals, cpu, client.user + client.system);
  await admin.config('RESETSTAT');
  cpu = await cpuSeconds(admin);
  client = process.cpuUsage();
  ids.forEach((id, i) => {
    if (i % 10 === 0) countsA.set(id, 3);
  });
  await exchange();
  client = process.cpuUsage(client);
  cpu = (await cpuSeconds(admin)) - cpu;
  print('a tenth changed', stats(await admin.info('commandstats')), 1, cpu, client.user + client.system);
  await Promise.all([a.close(), b.close(), admin.quit()]);
} finally {
  await redis.stop();
  await stopAll();
}
