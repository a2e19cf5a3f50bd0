import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler } from '../../../src/http/error-handler.js';
import { clientKey, readerRateLimit } from '../../../src/http/middleware/reader-rate-limit.js';
import { serve, type TinyApp } from '../../helpers/tiny-app.js';

describe('clientKey', () => {
  it.each([
    [undefined, 'unknown'],
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['::1', '0:0:0:0::/64'],
    ['2001:db8::', '2001:db8:0:0::/64'],
    ['64:ff9b::203.0.113.7', '64:ff9b:0:0::/64'],
  ])('%s counts as %s', (ip, key) => {
    expect(clientKey(ip)).toBe(key);
  });
});

describe('the reader rate limit middleware', () => {
  let app: TinyApp;
  beforeAll(async () => {
    const e = express();
    e.use(readerRateLimit({ requestsPerSecond: 1, skip: (req) => req.path === '/free' }));
    e.all('/{*any}', (_req, res) => {
      res.json({ ok: true });
    });
    e.use(
      errorHandler({
        bodyMaxBytes: 1024,
        log: { error: () => undefined, warn: () => undefined, debug: () => undefined },
      }),
    );
    app = await serve(e);
  });
  afterAll(() => app.close());

  it('allows a burst of twice the rate, then answers 429 with Retry-After; other methods and skipped paths pass', async () => {
    expect((await fetch(`${app.url}/a`)).status).toBe(200);
    expect((await fetch(`${app.url}/b`, { method: 'HEAD' })).status).toBe(200);
    const refused = await fetch(`${app.url}/c`);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect((await fetch(`${app.url}/free`)).status).toBe(200);
    expect((await fetch(`${app.url}/write`, { method: 'POST' })).status).toBe(200);
  });
});
