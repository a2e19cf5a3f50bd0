import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cors } from '../../../src/http/middleware/cors.js';
import { serve, type TinyApp } from '../../helpers/tiny-app.js';

const ALLOWED = 'https://desk.example.org';

describe('the CORS middleware', () => {
  let app: TinyApp;
  beforeAll(async () => {
    const e = express();
    e.use(cors([ALLOWED, 'https://other.example.org']));
    e.all('/thing', (req, res) => {
      res.json({ reached: req.method });
    });
    app = await serve(e);
  });
  afterAll(() => app.close());

  it('answers an allowed origin with its own origin and the allowed headers and methods', async () => {
    const res = await fetch(`${app.url}/thing`, { headers: { origin: ALLOWED } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(res.headers.get('vary')).toBe('Origin');
    expect(res.headers.get('access-control-allow-headers')).toBe(
      'Authorization, Content-Type, Idempotency-Key, If-Match',
    );
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, PUT, POST, PATCH, DELETE');
    expect(await res.json()).toEqual({ reached: 'GET' });
  });

  it('answers a preflight from an allowed origin with an empty 204, without reaching the route', async () => {
    const res = await fetch(`${app.url}/thing`, {
      method: 'OPTIONS',
      headers: { origin: ALLOWED, 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(await res.text()).toBe('');
  });

  it('gives another origin no CORS header and lets its preflight through to the routes', async () => {
    const res = await fetch(`${app.url}/thing`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.com' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-methods')).toBeNull();
    expect(await res.json()).toEqual({ reached: 'OPTIONS' });
  });

  it('adds nothing to a same-origin request (no Origin header)', async () => {
    const res = await fetch(`${app.url}/thing`);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('vary')).toBeNull();
  });
});
