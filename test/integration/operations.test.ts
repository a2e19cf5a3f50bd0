/** Issue 8, operations: liveblog's own metrics, and warn-level logs an operator can act on. */
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createServer, type LiveblogServer } from '../../src/server.js';
import { historySafety } from '../../src/store/connect.js';
import { EDITOR_TOKEN, startApp, uniqueId, type TestApp } from '../helpers/app.js';
import { api, call, connectReader, EventLog } from '../helpers/clients.js';
import { RedisServer } from '../helpers/redis-server.js';
import { until } from '../helpers/wait.js';

function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : NaN;
}

describe('GET /metrics', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  it("counts liveblog's own activity: readers, subscriptions, writes by outcome, deliveries and their latency", async () => {
    const blogId = uniqueId('metrics');
    await api(app.url, 'PUT', `/api/blogs/${blogId}`, { token: app.token, body: { title: 'Metrics' } });
    const reader = await connectReader(app.url);
    const log = new EventLog(reader);
    await call(reader, 'subscribe', { blogId });
    await api(app.url, 'POST', `/api/blogs/${blogId}/entries`, { token: app.token, body: { body: 'one' } });
    await api(app.url, 'POST', `/api/blogs/${blogId}/entries`, { token: app.token, body: { body: '' } });
    await log.waitFor(1, blogId);
    const text = await (await fetch(`${app.url}/metrics`)).text();
    reader.close();

    expect(sample(text, 'liveblog_connected_readers')).toBe(1);
    expect(sample(text, 'liveblog_subscriptions')).toBe(1);
    expect(sample(text, 'liveblog_followed_blogs')).toBe(1);
    expect(sample(text, 'liveblog_subscribes_total{kind="fresh"}')).toBe(1);
    expect(sample(text, 'liveblog_writes_total{outcome="ok"}')).toBe(2);
    expect(sample(text, 'liveblog_writes_total{outcome="invalid"}')).toBe(1);
    expect(sample(text, 'liveblog_events_published_total')).toBe(2);
    expect(sample(text, 'liveblog_events_delivered_total')).toBe(1);
    expect(sample(text, 'liveblog_delivery_latency_seconds_count')).toBe(1);
  });
});

/** A server on a private Redis whose warn-level log lines are collected. */
async function serverWithLog(redisUrl: string, env: Record<string, string> = {}) {
  const lines: { msg: string; [k: string]: unknown }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as { msg: string });
      done();
    },
  });
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    EDITOR_TOKENS: `Alice Smith:${EDITOR_TOKEN}`,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: `${uniqueId('ops')}:`,
    EDITOR_WRITES_PER_SECOND: '0',
    ...env,
  });
  const server: LiveblogServer = await createServer(config, { logger: pino({ level: 'warn' }, sink) });
  const { url } = await server.start();
  return { server, url, lines };
}

describe('warnings an operator needs', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(async () => {
    await redis.dispose();
  });

  it('at start-up, warns when Redis keeps nothing on disk or may evict history; not when it is safe', async () => {
    const admin = new Redis(redis.url);
    try {
      expect((await historySafety(admin)).join('\n')).toMatch(/appendonly/);
      await admin.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
      expect((await historySafety(admin)).join('\n')).toMatch(/allkeys-lru/);
      await admin.call('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
      await admin.call('CONFIG', 'SET', 'appendonly', 'yes');
      await until('AOF on', async () => (await admin.info('persistence')).includes('aof_enabled:1'));
      expect(await historySafety(admin)).toEqual([]);
      await admin.call('CONFIG', 'SET', 'appendonly', 'no');

      const { server, lines } = await serverWithLog(redis.url);
      await server.stop();
      expect(lines.some((l) => /keeps nothing on disk/.test(l.msg))).toBe(true);
    } finally {
      admin.disconnect();
    }
  });

  it('a Redis stall that fails writes is logged at warn, and so is its end', async () => {
    const admin = new Redis(redis.url);
    const { server, url, lines } = await serverWithLog(redis.url, { REDIS_COMMAND_TIMEOUT_MS: '300' });
    try {
      const blogId = uniqueId('stall');
      expect(
        (await api(url, 'PUT', `/api/blogs/${blogId}`, { token: EDITOR_TOKEN, body: { title: 'x' } })).status,
      ).toBe(201);
      await admin.call('CLIENT', 'PAUSE', '1000', 'WRITE');
      const failed = await api(url, 'POST', `/api/blogs/${blogId}/entries`, {
        token: EDITOR_TOKEN,
        body: { body: 'during the stall' },
      });
      expect(failed.status).toBe(503);
      await until('a write to succeed again', async () => {
        const r = await api(url, 'POST', `/api/blogs/${blogId}/entries`, {
          token: EDITOR_TOKEN,
          body: { body: 'after' },
        });
        return r.status === 201;
      });
      const warned = lines.filter((l) => (l as { level?: number }).level === 40).map((l) => l.msg);
      expect(warned).toContain('store unreachable: answering unavailable');
      expect(warned).toContain('store reachable again');
    } finally {
      await server.stop();
      admin.disconnect();
    }
  });
});
