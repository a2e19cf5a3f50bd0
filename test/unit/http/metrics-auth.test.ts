import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler } from '../../../src/http/error-handler.js';
import { metricsAuth } from '../../../src/http/middleware/metrics-auth.js';
import { serve, type TinyApp } from '../../helpers/tiny-app.js';

async function start(token: string | undefined): Promise<TinyApp> {
  const e = express();
  e.get('/metrics', metricsAuth(token), (_req, res) => {
    res.type('text/plain').send('up 1\n');
  });
  e.use(
    errorHandler({
      bodyMaxBytes: 1024,
      log: { error: () => undefined, warn: () => undefined, debug: () => undefined },
    }),
  );
  return serve(e);
}

describe('the metrics token middleware', () => {
  let guarded: TinyApp;
  let open: TinyApp;
  beforeAll(async () => {
    guarded = await start('metrics-token-0123456789');
    open = await start(undefined);
  });
  afterAll(async () => {
    await guarded.close();
    await open.close();
  });

  const scrape = (app: TinyApp, authorization?: string): Promise<Response> =>
    fetch(`${app.url}/metrics`, { headers: authorization === undefined ? {} : { authorization } });

  it('lets the right bearer token through', async () => {
    const res = await scrape(guarded, 'Bearer metrics-token-0123456789');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('up 1\n');
  });

  it.each([
    undefined,
    'Bearer wrong',
    'Bearer metrics-token-012345678',
    'metrics-token-0123456789',
    'Bearer ',
  ])('answers %j with 401 unauthorized and a WWW-Authenticate challenge', async (authorization) => {
    const res = await scrape(guarded, authorization);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect(await res.json()).toEqual({
      error: { code: 'unauthorized', message: 'the metrics token is required (Authorization: Bearer …)' },
    });
  });

  it('lets everything through when no token is configured', async () => {
    expect((await scrape(open)).status).toBe(200);
    expect((await scrape(open, 'Bearer anything')).status).toBe(200);
  });
});
