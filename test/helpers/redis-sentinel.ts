/**
 * A private Redis Sentinel set-up on free loopback ports: a master, one replica, and one sentinel
 * (`redis-server <conf> --sentinel`, quorum 1) with short down-after and failover timeouts, so a killed
 * master is replaced within a few seconds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, RedisServer } from './redis-server.js';
import { until } from './wait.js';

export const MASTER_NAME = 'liveblog-test';

async function onPort<T>(port: number, fn: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

export class RedisSentinelSetup {
  private constructor(
    readonly master: RedisServer,
    readonly replica: RedisServer,
    readonly sentinelPort: number,
    private readonly sentinel: ChildProcess,
    private readonly dir: string,
  ) {}

  /** As REDIS_SENTINELS and REDIS_SENTINEL_NAME take them. */
  get env(): { REDIS_SENTINELS: string; REDIS_SENTINEL_NAME: string } {
    return { REDIS_SENTINELS: `127.0.0.1:${this.sentinelPort}`, REDIS_SENTINEL_NAME: MASTER_NAME };
  }

  static async start(): Promise<RedisSentinelSetup> {
    const master = await RedisServer.start();
    const replica = await RedisServer.start(undefined, {
      args: ['--replicaof', '127.0.0.1', String(master.port)],
    });
    const dir = mkdtempSync(join(tmpdir(), 'liveblog-sentinel-'));
    let sentinel: ChildProcess | undefined;
    try {
      await until(
        'the replica to sync with the master',
        () =>
          onPort(replica.port, async (r) => (await r.info('replication')).includes('master_link_status:up')),
        10_000,
      );
      const port = await freePort();
      const conf = join(dir, 'sentinel.conf');
      writeFileSync(
        conf,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${dir}`,
          `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${master.port} 1`,
          `sentinel down-after-milliseconds ${MASTER_NAME} 1000`,
          `sentinel failover-timeout ${MASTER_NAME} 5000`,
          `sentinel parallel-syncs ${MASTER_NAME} 1`,
          '',
        ].join('\n'),
      );
      sentinel = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' });
      const setup = new RedisSentinelSetup(master, replica, port, sentinel, dir);
      await until(
        'the sentinel to know the master and its replica',
        () =>
          onPort(port, async (r) => {
            const replicas = (await r.call('SENTINEL', 'REPLICAS', MASTER_NAME)) as unknown[];
            return replicas.length >= 1;
          }).catch(() => false),
        15_000,
      );
      return setup;
    } catch (err) {
      sentinel?.kill('SIGKILL');
      await Promise.all([master.dispose(), replica.dispose()]);
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** The port of the master as the sentinel names it now. */
  async masterPort(): Promise<number> {
    const addr = await onPort(
      this.sentinelPort,
      async (r) => (await r.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME)) as [string, string],
    );
    return Number(addr[1]);
  }

  async dispose(): Promise<void> {
    const sentinel = this.sentinel;
    if (sentinel.exitCode === null && sentinel.signalCode === null) {
      await new Promise<void>((resolve) => {
        sentinel.once('exit', () => resolve());
        sentinel.kill('SIGKILL');
      });
    }
    await Promise.all([this.master.dispose(), this.replica.dispose()]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
