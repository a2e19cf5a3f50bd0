/**
 * What the Redis Stream (SPEC §9) costs the live path, measured where it is paid: the stream's `XADD` runs
 * inside the record-and-publish script, in Redis, so it adds nothing to the Node.js CPU per delivery (the
 * fan-out never touches it) and adds its own Redis time to every editor acknowledgement.
 * `tsx bench/stream-cost.ts [entries=3000]` starts a private redis-server and one liveblog instance
 * (dist/, so `npm run build` first), publishes that many bench-sized entries over HTTP, 8 at a time, and
 * prints Redis's own accounting (INFO commandstats, which counts the commands a script runs): the
 * script's time per call, the XADD's time per call inside it, and the editor's HTTP round trip for scale.
 * Timing-independent of the load on the machine only in its ratio; loopback only.
 */
import { Redis } from 'ioredis';
import { ENTRY_BODY } from './payload.js';
import { startRedis, startServer, stopAll } from './processes.js';

const entries = Number(process.argv[2] ?? 3000);
const TOKEN = 'bench-token-1234';

function stat(info: string, command: string): { calls: number; usecPerCall: number } {
  const m = new RegExp(`^cmdstat_${command}:calls=(\\d+),usec=\\d+,usec_per_call=([\\d.]+)`, 'm').exec(info);
  return { calls: Number(m?.[1] ?? 0), usecPerCall: Number(m?.[2] ?? Number.NaN) };
}

const redis = await startRedis();
try {
  const server = await startServer(
    ['node', 'dist/src/main.js'],
    {
      PORT: '0',
      HOST: '127.0.0.1',
      REDIS_URL: redis.url,
      EDITOR_TOKENS: `Bench:${TOKEN}`,
      LOG_LEVEL: 'warn',
      EDITOR_WRITES_PER_SECOND: '0',
    },
    'liveblog',
    process.cwd(),
  );
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  const put = await fetch(`${server.url}/api/blogs/stream-cost`, {
    method: 'PUT',
    headers,
    body: JSON.stringify({ title: 'Stream cost' }),
  });
  if (!put.ok) throw new Error(`blog: ${put.status}`);
  const admin = new Redis(redis.url);
  await admin.config('RESETSTAT');
  const rtts: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < entries) {
      const i = next++;
      const t0 = performance.now();
      const res = await fetch(`${server.url}/api/blogs/stream-cost/entries`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ headline: `entry ${i}`, body: ENTRY_BODY }),
      });
      if (res.status !== 201) throw new Error(`entry ${i}: ${res.status}`);
      await res.arrayBuffer();
      rtts.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const info = await admin.info('commandstats');
  await admin.quit();
  const script = stat(info, 'evalsha');
  const xadd = stat(info, 'xadd');
  const publish = stat(info, 'publish');
  rtts.sort((a, b) => a - b);
  const p99 = rtts[Math.floor(rtts.length * 0.99)] ?? Number.NaN;
  console.log(`entries: ${entries} (script calls ${script.calls}, XADD calls ${xadd.calls})`);
  console.log(`commit script: ${script.usecPerCall.toFixed(1)} µs per call in Redis`);
  console.log(
    `  of which XADD: ${xadd.usecPerCall.toFixed(1)} µs (${((100 * xadd.usecPerCall) / script.usecPerCall).toFixed(1)} % of the script)`,
  );
  console.log(`  of which PUBLISH: ${publish.usecPerCall.toFixed(1)} µs`);
  console.log(
    `editor HTTP round trip p99 (8 in flight): ${p99.toFixed(2)} ms — the XADD is ` +
      `${((100 * xadd.usecPerCall) / 1000 / p99).toFixed(3)} % of it`,
  );
} finally {
  await stopAll();
  await redis.stop();
}
