import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthRoutes } from '../../../src/http/routes/health.js';
import { serve, type TinyApp } from '../../helpers/tiny-app.js';

describe('the health routes', () => {
  let app: TinyApp;
  let accepting = true;
  let storeReady = true;
  beforeAll(async () => {
    const e = express();
    e.use(
      healthRoutes({
        service: { ready: () => Promise.resolve(storeReady) },
        accepting: () => accepting,
        metrics: () => Promise.resolve({ contentType: 'text/plain; version=0.0.4', body: 'up 1\n' }),
      }),
    );
    app = await serve(e);
  });
  afterAll(() => app.close());

  it('/healthz answers 200 while the process runs', async () => {
    const res = await fetch(`${app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('/readyz answers 200 only while accepting and the store is reachable', async () => {
    const ready = async (): Promise<[number, unknown]> => {
      const res = await fetch(`${app.url}/readyz`);
      return [res.status, await res.json()];
    };
    expect(await ready()).toEqual([200, { ok: true }]);
    storeReady = false;
    expect(await ready()).toEqual([503, { ok: false }]);
    storeReady = true;
    accepting = false;
    expect(await ready()).toEqual([503, { ok: false }]);
    accepting = true;
  });

  it('/metrics answers the metrics text with its content type', async () => {
    const res = await fetch(`${app.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await res.text()).toBe('up 1\n');
  });
});
