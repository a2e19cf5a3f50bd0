/** SPEC §9: METRICS_TOKEN, when set, protects /metrics with a bearer token; unset, it is open. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../helpers/app.js';

const METRICS_TOKEN = 'scrape-token-0123456789';

async function scrape(
  app: TestApp,
  authorization?: string,
): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(`${app.url}/metrics`, { headers: authorization ? { authorization } : {} });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

describe('with METRICS_TOKEN set', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp({ env: { METRICS_TOKEN } });
  });
  afterAll(() => app.stop());

  it('answers the Prometheus text with Authorization: Bearer <token>', async () => {
    const res = await scrape(app, `Bearer ${METRICS_TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/plain/);
    expect(res.text).toContain('process_cpu_user_seconds_total');
  });

  it.each([
    ['no Authorization header', undefined],
    ['a wrong token', 'Bearer scrape-token-0123456780'],
    ['a prefix of the token', `Bearer ${METRICS_TOKEN.slice(0, -1)}`],
    ['the token without the Bearer scheme', METRICS_TOKEN],
    ['another scheme', `Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString('base64')}`],
  ])('answers %s with 401 unauthorized and no metrics', async (_what, authorization) => {
    const res = await scrape(app, authorization);
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'unauthorized' } });
    expect(res.text).not.toContain('process_cpu');
  });

  it('leaves /healthz and /readyz open', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
  });
});

describe('without METRICS_TOKEN', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.stop());

  it('/metrics is open', async () => {
    const res = await scrape(app);
    expect(res.status).toBe(200);
    expect(res.text).toContain('process_cpu_user_seconds_total');
  });
});
