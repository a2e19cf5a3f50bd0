/**
 * Issue 8.5 (HTTP): reader traffic is limited per client IP (READER_REQUESTS_PER_SECOND, bursts of
 * twice that): API reads and pages beyond it answer 429 rate_limited with Retry-After; editor writes,
 * health checks, metrics and static assets are not counted. The IP is the one express sees (TRUST_PROXY).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDITOR_TOKEN, startApp, uniqueId, type TestApp } from '../helpers/app.js';
import { api } from '../helpers/clients.js';
import { until } from '../helpers/wait.js';

/** 2 requests per second, bursts of 4: the 5th request in a burst is refused. */
const RATE = 2;
const BURST = RATE * 2;

async function getStatus(
  app: TestApp,
  path: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  const res = await fetch(`${app.url}${path}`, { headers });
  await res.arrayBuffer();
  return res;
}

describe('READER_REQUESTS_PER_SECOND', () => {
  let app: TestApp;
  let blogId = '';
  beforeAll(async () => {
    // TRUST_PROXY=loopback: the tests stand for several clients behind a proxy with X-Forwarded-For.
    app = await startApp({ env: { READER_REQUESTS_PER_SECOND: String(RATE), TRUST_PROXY: 'loopback' } });
    blogId = uniqueId('limited');
    const created = await api(app.url, 'PUT', `/api/blogs/${blogId}`, {
      token: EDITOR_TOKEN,
      body: { title: 'Limited' },
      headers: { 'x-forwarded-for': '198.51.100.1' },
    });
    expect(created.status).toBe(201);
  });
  afterAll(() => app.stop());

  it('answers a burst over the limit with 429 rate_limited and Retry-After, then lets the client in again', async () => {
    const client = { 'x-forwarded-for': '203.0.113.10' };
    const paths = ['/api/blogs', `/api/blogs/${blogId}`, `/blogs/${blogId}`, `/api/blogs/${blogId}/entries`];
    for (const path of paths.slice(0, BURST))
      expect((await getStatus(app, path, client)).status, path).toBe(200);
    const refused = await fetch(`${app.url}/api/blogs/${blogId}/events?cursor=x`, { headers: client });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
    expect(await refused.json()).toEqual({
      error: { code: 'rate_limited', message: 'too many requests from this address; slow down' },
    });
    expect((await getStatus(app, `/blogs/${blogId}`, client)).status).toBe(429);
    expect((await getStatus(app, '/no-such-page', client)).status).toBe(429);
    await until(
      'the window to pass',
      async () => (await getStatus(app, '/api/blogs', client)).status === 200,
      4000,
    );
  });

  it('counts each client address on its own', async () => {
    const first = { 'x-forwarded-for': '203.0.113.20' };
    for (let i = 0; i < BURST; i++) expect((await getStatus(app, '/api/blogs', first)).status).toBe(200);
    expect((await getStatus(app, '/api/blogs', first)).status).toBe(429);
    expect((await getStatus(app, '/api/blogs', { 'x-forwarded-for': '203.0.113.21' })).status).toBe(200);
  });

  it('counts an IPv6 /64 as one client', async () => {
    for (let i = 0; i < BURST; i++) {
      const res = await getStatus(app, '/api/blogs', { 'x-forwarded-for': `2001:db8:1:2::${i + 1}` });
      expect(res.status).toBe(200);
    }
    expect((await getStatus(app, '/api/blogs', { 'x-forwarded-for': '2001:db8:1:2:ffff::9' })).status).toBe(
      429,
    );
    expect((await getStatus(app, '/api/blogs', { 'x-forwarded-for': '2001:db8:1:3::1' })).status).toBe(200);
  });

  it('does not count editor writes, health checks, metrics or static assets', async () => {
    const client = { 'x-forwarded-for': '203.0.113.30' };
    for (let i = 0; i < BURST * 2; i++) {
      expect((await getStatus(app, '/healthz', client)).status).toBe(200);
      expect((await getStatus(app, '/readyz', client)).status).toBe(200);
      expect((await getStatus(app, '/metrics', client)).status).toBe(200);
      expect([200, 404]).toContain((await getStatus(app, '/assets/style.css', client)).status);
      const write = await api(app.url, 'POST', `/api/blogs/${blogId}/entries`, {
        token: EDITOR_TOKEN,
        body: { body: `entry ${i}` },
        headers: client,
      });
      expect(write.status).toBe(201);
    }
    expect((await getStatus(app, '/api/blogs', client)).status).toBe(200);
  });
});

describe('without TRUST_PROXY', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp({ env: { READER_REQUESTS_PER_SECOND: String(RATE) } });
  });
  afterAll(() => app.stop());

  it('a forged X-Forwarded-For does not escape the limit', async () => {
    for (let i = 0; i < BURST; i++) {
      expect((await getStatus(app, '/api/blogs', { 'x-forwarded-for': `203.0.113.${i}` })).status).toBe(200);
    }
    expect((await getStatus(app, '/api/blogs', { 'x-forwarded-for': '203.0.113.99' })).status).toBe(429);
  });
});

describe('READER_REQUESTS_PER_SECOND=0', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp({ env: { READER_REQUESTS_PER_SECOND: '0' } });
  });
  afterAll(() => app.stop());

  it('never limits readers', async () => {
    for (let i = 0; i < 50; i++) expect((await getStatus(app, '/api/blogs')).status).toBe(200);
  });
});
