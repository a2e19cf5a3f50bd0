import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

function rejection(env: Record<string, string>): Error {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof Error) return err;
    throw new Error(`loadConfig threw a non-Error: ${String(err)}`);
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    expect(loadConfig({})).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      redisUrl: undefined,
      redisPrefix: 'liveblog:',
      editorTokens: [],
      jwtSecret: undefined,
      corsOrigins: [],
      logLevel: 'info',
    });
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', REDIS_URL: '', LOG_LEVEL: '' })).toMatchObject({
      port: 3000,
      redisUrl: undefined,
      logLevel: 'info',
    });
  });

  it('reads every documented variable', () => {
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      REDIS_URL: 'rediss://cache.example:6380',
      REDIS_PREFIX: 'lb-test:',
      EDITOR_TOKENS: 'Alice Smith:s3cr3t-one,Wire desk:s3cr3t-two',
      CONTRIBUTOR_TOKENS: 'Carol Jones:s3cr3t-three',
      JWT_SECRET: 'a-secret-of-sixteen-plus',
      CORS_ORIGINS: 'https://a.example, https://b.example',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      port: 0,
      host: '127.0.0.1',
      redisUrl: 'rediss://cache.example:6380',
      redisPrefix: 'lb-test:',
      editorTokens: [
        { name: 'Alice Smith', token: 's3cr3t-one' },
        { name: 'Wire desk', token: 's3cr3t-two' },
      ],
      contributorTokens: [{ name: 'Carol Jones', token: 's3cr3t-three' }],
      jwtSecret: 'a-secret-of-sixteen-plus',
      corsOrigins: ['https://a.example', 'https://b.example'],
      logLevel: 'debug',
    });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['REDIS_URL', 'http://x'],
    ['LOG_LEVEL', 'loud'],
    ['EDITOR_TOKENS', 'garbage'],
    ['EDITOR_TOKENS', 'Alice:short'],
    ['CONTRIBUTOR_TOKENS', 'Carol:short'],
    ['JWT_SECRET', 'too-short'],
    ['CORS_ORIGINS', 'not a url'],
  ])('rejects %s=%s with a ConfigError naming the variable', (name, value) => {
    const err = rejection({ [name]: value });
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain(name);
    expect(err.message).not.toContain('\n');
  });

  it('never echoes an editor token in the error message', () => {
    const err = rejection({ EDITOR_TOKENS: 'Alice:tiny' });
    expect(err.message).not.toContain('tiny');
  });

  describe('PUBLIC_URL', () => {
    it('is unset by default and keeps only the origin of an http(s) URL', () => {
      expect(loadConfig({}).publicUrl).toBeUndefined();
      expect(loadConfig({ PUBLIC_URL: 'https://live.example.org' }).publicUrl).toBe(
        'https://live.example.org',
      );
      expect(loadConfig({ PUBLIC_URL: 'https://Live.Example.org/' }).publicUrl).toBe(
        'https://live.example.org',
      );
      expect(loadConfig({ PUBLIC_URL: 'http://127.0.0.1:8080' }).publicUrl).toBe('http://127.0.0.1:8080');
    });

    it.each([
      'javascript:alert(1)',
      'ftp://live.example.org',
      'live.example.org',
      'https://live.example.org/blogs',
      'https://live.example.org/?q=1',
      'https://live.example.org/#x',
      'https://user:pass@live.example.org',
      'https://live.example.org"><script>',
    ])('rejects %s', (value) => {
      const err = rejection({ PUBLIC_URL: value });
      expect(err).toBeInstanceOf(ConfigError);
      expect(err.message).toContain('PUBLIC_URL');
    });
  });

  describe('TRUST_PROXY', () => {
    it('is never trusting by default', () => {
      expect(loadConfig({}).trustProxy).toBe(false);
    });

    it('takes a hop count or comma-separated addresses, subnets and proxy-addr names', () => {
      expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
      expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
      expect(loadConfig({ TRUST_PROXY: '10.0.0.1, 192.168.0.0/16,loopback,fd00::/8' }).trustProxy).toEqual([
        '10.0.0.1',
        '192.168.0.0/16',
        'loopback',
        'fd00::/8',
      ]);
    });

    it.each([
      'true',
      'yes',
      '-1',
      '1.5',
      '10.0.0.0/33',
      '10.0.0.300',
      'example.org',
      '10.0.0.1,,',
      'fd00::/129',
    ])('rejects %s', (value) => {
      const err = rejection({ TRUST_PROXY: value });
      expect(err).toBeInstanceOf(ConfigError);
      expect(err.message).toContain('TRUST_PROXY');
    });
  });
  describe('METRICS_TOKEN', () => {
    it('is unset by default and needs 16+ characters', () => {
      expect(loadConfig({}).metricsToken).toBeUndefined();
      expect(loadConfig({ METRICS_TOKEN: 'scrape-token-0123456789' }).metricsToken).toBe(
        'scrape-token-0123456789',
      );
      const err = rejection({ METRICS_TOKEN: 'short' });
      expect(err.message).toContain('METRICS_TOKEN');
      expect(err.message).not.toContain('short');
    });
  });
  describe('READER_REQUESTS_PER_SECOND', () => {
    it('defaults to 20 per second, 0 = unlimited', () => {
      expect(loadConfig({}).readerRequestsPerSecond).toBe(20);
      expect(loadConfig({ READER_REQUESTS_PER_SECOND: '0' }).readerRequestsPerSecond).toBe(0);
      expect(loadConfig({ READER_REQUESTS_PER_SECOND: '2.5' }).readerRequestsPerSecond).toBe(2.5);
      expect(rejection({ READER_REQUESTS_PER_SECOND: '-1' }).message).toContain('READER_REQUESTS_PER_SECOND');
      expect(rejection({ READER_REQUESTS_PER_SECOND: 'lots' }).message).toContain(
        'READER_REQUESTS_PER_SECOND',
      );
    });
  });

  describe('REDIS_CLUSTER_NODES, REDIS_SENTINELS and REDIS_SENTINEL_NAME', () => {
    it("reads a cluster's nodes and sentinels as host:port lists (IPv6 in brackets)", () => {
      expect(loadConfig({ REDIS_CLUSTER_NODES: 'redis-a:7000, 10.0.0.2:7001,[::1]:7002' })).toMatchObject({
        redisUrl: undefined,
        redisSentinel: undefined,
        redisClusterNodes: [
          { host: 'redis-a', port: 7000 },
          { host: '10.0.0.2', port: 7001 },
          { host: '::1', port: 7002 },
        ],
      });
      expect(
        loadConfig({ REDIS_SENTINELS: 's1:26379,s2:26379', REDIS_SENTINEL_NAME: 'liveblog' }),
      ).toMatchObject({
        redisUrl: undefined,
        redisClusterNodes: undefined,
        redisSentinel: {
          name: 'liveblog',
          sentinels: [
            { host: 's1', port: 26379 },
            { host: 's2', port: 26379 },
          ],
        },
      });
    });

    it.each([
      [{ REDIS_CLUSTER_NODES: 'redis-a' }, 'REDIS_CLUSTER_NODES'],
      [{ REDIS_CLUSTER_NODES: 'redis-a:0' }, 'REDIS_CLUSTER_NODES'],
      [{ REDIS_CLUSTER_NODES: 'redis-a:7000,,' }, 'REDIS_CLUSTER_NODES'],
      [{ REDIS_SENTINELS: 'redis://s1:26379', REDIS_SENTINEL_NAME: 'm' }, 'REDIS_SENTINELS'],
      [{ REDIS_SENTINELS: 's1:26379' }, 'REDIS_SENTINEL_NAME'],
      [{ REDIS_SENTINEL_NAME: 'liveblog' }, 'REDIS_SENTINEL_NAME'],
      [{ REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'bad name' }, 'REDIS_SENTINEL_NAME'],
      [{ REDIS_URL: 'redis://r:6379', REDIS_CLUSTER_NODES: 'a:7000' }, 'REDIS_CLUSTER_NODES'],
      [
        { REDIS_URL: 'redis://r:6379', REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'm' },
        'REDIS_SENTINELS',
      ],
      [
        { REDIS_CLUSTER_NODES: 'a:7000', REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'm' },
        'REDIS_SENTINELS',
      ],
    ])('refuses %o with one line naming %s', (env, name) => {
      const err = rejection(env);
      expect(err).toBeInstanceOf(ConfigError);
      expect(err.message).toContain(`invalid ${name}`);
      expect(err.message).not.toContain('\n');
    });
  });
});
