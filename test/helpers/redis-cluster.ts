/**
 * A private 3-master Redis Cluster on free loopback ports: three `redis-server --cluster-enabled yes`,
 * joined by `redis-cli --cluster create … --cluster-replicas 0`. Start it once per test file.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { RedisServer } from './redis-server.js';
import { until } from './wait.js';

const run = promisify(execFile);

export class RedisCluster {
  private constructor(readonly servers: RedisServer[]) {}

  /** `host:port,…` as REDIS_CLUSTER_NODES takes it. */
  get nodesEnv(): string {
    return this.servers.map((s) => `127.0.0.1:${s.port}`).join(',');
  }

  get nodes(): { host: string; port: number }[] {
    return this.servers.map((s) => ({ host: '127.0.0.1', port: s.port }));
  }

  static async start(masters = 3): Promise<RedisCluster> {
    const servers: RedisServer[] = [];
    try {
      for (let i = 0; i < masters; i++) {
        servers.push(
          await RedisServer.start(undefined, {
            args: ['--cluster-enabled', 'yes', '--cluster-node-timeout', '2000'],
          }),
        );
      }
      await run(
        'redis-cli',
        [
          '--cluster',
          'create',
          ...servers.map((s) => `127.0.0.1:${s.port}`),
          '--cluster-replicas',
          '0',
          '--cluster-yes',
        ],
        { timeout: 20_000 },
      );
      const cluster = new RedisCluster(servers);
      await until(
        'every node to see the cluster as ok',
        async () => {
          const states = await Promise.all(
            servers.map((s) => cluster.onNode(s.port, (r) => r.cluster('INFO'))),
          );
          return states.every((info) => String(info).includes('cluster_state:ok'));
        },
        15_000,
      );
      return cluster;
    } catch (err) {
      await Promise.all(servers.map((s) => s.dispose()));
      throw err;
    }
  }

  /** Runs `fn` with a plain (non-cluster) client of the node on `port`. */
  async onNode<T>(port: number, fn: (redis: Redis) => Promise<T>): Promise<T> {
    const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      return await fn(redis);
    } finally {
      redis.disconnect();
    }
  }

  /** The slot of a key, as the cluster computes it. */
  async keyslot(key: string): Promise<number> {
    const first = this.servers[0];
    if (!first) throw new Error('no cluster node');
    return this.onNode(first.port, async (r) => Number(await r.cluster('KEYSLOT', key)));
  }

  /** The port of the master that owns `slot`. */
  async ownerOf(slot: number): Promise<number> {
    const first = this.servers[0];
    if (!first) throw new Error('no cluster node');
    const ranges = await this.onNode(first.port, (r) => r.cluster('SLOTS'));
    const range = ranges.find(([from, to]) => slot >= from && slot <= to);
    const port = range?.[2]?.[1];
    if (port === undefined) throw new Error(`no node owns slot ${slot}`);
    return port;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.dispose()));
  }
}
