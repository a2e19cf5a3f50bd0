/**
 * The shipped deploy/haproxy.cfg in front of two liveblog processes on a private redis-server: readers
 * connect through the balancer (WebSocket, and long-polling only), an instance is stopped (SIGTERM, and
 * SIGKILL), and its readers come back through the balancer on the other one and resume with no gap and
 * no duplicate. Long-polling clients keep their session on one instance (stickiness) and never see a
 * "session id unknown" 400 (which would disconnect them).
 *
 * The configuration is the file itself: only its listen address and server addresses are swapped for
 * free ports, and the lines marked `# privileged` (user, chroot, admin socket) are dropped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { uniqueId } from '../helpers/app.js';
import { launchInstance, type Instance } from '../helpers/instance.js';
import { freePort, RedisServer } from '../helpers/redis-server.js';
import { TrackingReader } from '../helpers/tracking-reader.js';
import { until } from '../helpers/wait.js';
import { createOverHttp, storedEntries, upsertOverHttp, WriteLoad } from '../helpers/writes.js';
import { expectAcknowledgedStored, expectReaderMatchesStore, readersCaughtUp } from './faults-support.js';

const HAPROXY = '/usr/sbin/haproxy';
const SHIPPED = new URL('../../deploy/haproxy.cfg', import.meta.url);
const TOKEN = 'haproxy-test-token-1';

/** deploy/haproxy.cfg with its addresses replaced; fails loudly if the file no longer has them. */
export function haproxyConfig(text: string, listenPort: number, serverPorts: [number, number]): string {
  let out = text
    .split('\n')
    .filter((line) => !line.trimEnd().endsWith('# privileged'))
    .join('\n');
  const swap = (from: string, to: string): void => {
    if (!out.includes(from)) throw new Error(`deploy/haproxy.cfg no longer contains "${from}"`);
    out = out.replace(from, to);
  };
  swap('bind 0.0.0.0:8080', `bind 127.0.0.1:${listenPort}`);
  swap('server app1 127.0.0.1:3001', `server app1 127.0.0.1:${serverPorts[0]}`);
  swap('server app2 127.0.0.1:3002', `server app2 127.0.0.1:${serverPorts[1]}`);
  return out;
}

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

interface Deployment {
  lb: string;
  instances: [Instance, Instance];
  env: Record<string, string>;
}

async function startHaproxy(config: string, port: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'liveblog-haproxy-'));
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, config);
  const child: ChildProcess = spawn(HAPROXY, ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });
  await until(
    'haproxy to answer /readyz',
    async () => {
      if (child.exitCode !== null) throw new Error(`haproxy exited: ${err}`);
      const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      return res?.status === 200;
    },
    10_000,
  );
}

async function deploy(label: string): Promise<Deployment> {
  const redis = await RedisServer.start();
  cleanups.push(() => redis.dispose());
  const env = {
    REDIS_URL: redis.url,
    REDIS_PREFIX: `${uniqueId(label)}:`,
    EDITOR_TOKENS: `Desk:${TOKEN}`,
    EDITOR_WRITES_PER_SECOND: '0',
    READER_REQUESTS_PER_SECOND: '0',
    TRUST_PROXY: 'loopback',
  };
  const ports: number[] = [];
  while (ports.length < 3) {
    const p = await freePort();
    if (!ports.includes(p)) ports.push(p);
  }
  const [lbPort = 0, p1 = 0, p2 = 0] = ports;
  const instances = await Promise.all(
    [p1, p2].map(async (port) => {
      const instance = await launchInstance(port, env);
      cleanups.push(() => instance.kill());
      return instance;
    }),
  );
  await startHaproxy(haproxyConfig(readFileSync(SHIPPED, 'utf8'), lbPort, [p1, p2]), lbPort);
  return {
    lb: `http://127.0.0.1:${lbPort}`,
    instances: [instances[0] as Instance, instances[1] as Instance],
    env,
  };
}

/** Reader sockets an instance holds now, from its own /metrics. */
async function readersOn(instance: Instance): Promise<number> {
  const text = await (await fetch(`${instance.url}/metrics`)).text();
  const m = /^liveblog_connected_readers (\d+)/m.exec(text);
  return Number(m?.[1] ?? Number.NaN);
}

/** Four WebSocket readers, then two long-polling ones; says which instance the pollers are on. */
async function openReaders(
  lb: string,
  blogId: string,
  instances: Instance[],
): Promise<{ readers: TrackingReader[]; pollersOn: number }> {
  const readers: TrackingReader[] = [];
  cleanups.push(() => readers.forEach((r) => r.close()));
  // One after another, so that leastconn spreads the WebSockets over both instances.
  for (let i = 0; i < 4; i++) readers.push(await TrackingReader.open(lb, blogId));
  const before = await Promise.all(instances.map(readersOn));
  for (let i = 0; i < 2; i++) readers.push(await TrackingReader.open(lb, blogId, ['polling']));
  const after = await Promise.all(instances.map(readersOn));
  const grew = after.map((n, i) => n - (before[i] ?? 0));
  // Both pollers come from one address: stickiness puts them on the same instance.
  expect(grew.slice().sort(), `pollers per instance (${grew.join(', ')})`).toEqual([0, 2]);
  return { readers, pollersOn: grew.indexOf(2) };
}

/**
 * Readers and an editor through the balancer; the instance the pollers stick to is stopped (`how`);
 * every reader must end up on the other one with exactly the stored entries, each once, in order.
 */
async function stopOneAndCheck(label: string, how: 'terminate' | 'kill'): Promise<void> {
  const { lb, instances } = await deploy(label);
  const blogId = uniqueId(`${label}-blog`);
  expect(await upsertOverHttp(lb, TOKEN, blogId)).toMatchObject({ ok: true });
  const { readers, pollersOn } = await openReaders(lb, blogId, instances);
  const pollers = readers.slice(4);
  const load = new WriteLoad(label, [(body, key) => createOverHttp('lb', lb, TOKEN, blogId, body, key)]);
  const victim = instances[pollersOn] as Instance;
  const survivor = instances[1 - pollersOn] as Instance;
  try {
    await until('writes through the balancer', () => load.acknowledged().length >= 15, 15_000);
    // Many long-poll round trips later, the pollers are still on their first session: every request
    // of it reached the instance that knows its sid (without stickiness they cannot even connect).
    await until('pollers to receive the writes', () => pollers.every((r) => r.seq >= 15), 10_000);
    for (const poller of pollers) {
      expect(poller.socket.io.engine.transport.name).toBe('polling');
      expect(poller.connects, 'a poller never lost its session').toBe(1);
    }
    const counts = await Promise.all([victim, survivor].map(readersOn));
    expect(
      counts.every((n) => n >= 1),
      `readers on both instances (${counts.join(', ')})`,
    ).toBe(true);

    // Stop the instance the pollers stick to: WebSocket and polling readers both have to move.
    if (how === 'terminate') {
      expect(await victim.terminate(), 'a clean exit on SIGTERM').toEqual({ code: 0, signal: null });
    } else {
      await victim.kill();
    }
    const stopped = Date.now();
    await until('writes after the stop', () => load.acknowledgedSince(stopped).length >= 10, 15_000);
    await until('every reader on the other instance', async () => (await readersOn(survivor)) === 6);
  } finally {
    await load.stop();
  }

  const marker = await createOverHttp('marker', lb, TOKEN, blogId, 'marker', 'marker');
  expect(marker.ok).toBe(true);
  const stored = await storedEntries(lb, blogId);
  await readersCaughtUp(readers, stored.cursor);
  expectAcknowledgedStored(load.acknowledged(), stored);
  for (const reader of readers) expectReaderMatchesStore(reader, stored, { oneSegment: true });
  const moved = readers.filter((r) => r.connects >= 2);
  // The pollers and at least one WebSocket reader were on the stopped instance; each came back by resuming.
  expect(moved.length).toBeGreaterThanOrEqual(3);
  for (const reader of moved) expect(reader.answers).toContain('resumed');
  for (const poller of pollers) {
    expect(poller.connects).toBeGreaterThanOrEqual(2);
    expect(poller.socket.io.engine.transport.name).toBe('polling');
  }
}

const haveHaproxy = existsSync(HAPROXY);
if (!haveHaproxy) {
  console.warn(`haproxy.test.ts skipped: ${HAPROXY} is absent (apt-get install -y haproxy; .ci/run does)`);
}

describe.skipIf(!haveHaproxy)('deploy/haproxy.cfg in front of two instances', () => {
  it('readers through the balancer (WebSocket and long-polling) resume on the other instance after a SIGTERM, with no gap and no duplicate; pollers keep one session while their instance lives', async () => {
    await stopOneAndCheck('haproxy-term', 'terminate');
  }, 60_000);

  it('the same after a SIGKILL: the health checks and the retries take the dead instance out', async () => {
    await stopOneAndCheck('haproxy-kill', 'kill');
  }, 60_000);
});
