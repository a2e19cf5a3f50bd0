import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../../../src/errors.js';
import { requestId } from '../../../src/http/middleware/request-id.js';
import { errorHandler } from '../../../src/http/error-handler.js';
import { serve, type TinyApp } from '../../helpers/tiny-app.js';
import { within } from '../../helpers/wait.js';

describe('the error handler', () => {
  let app: TinyApp;
  const logged: { obj: object; msg: string }[] = [];
  const debugged: { obj: object; msg: string }[] = [];
  const warned: { obj: object; msg: string }[] = [];
  beforeAll(async () => {
    const e = express();
    e.post('/json', express.json({ limit: 64 }), (req, res) => {
      res.json({ got: req.body as unknown });
    });
    e.use(requestId());
    e.get('/app-error', () => {
      throw new AppError('conflict', 'version 2 is not the current version 3');
    });
    e.get('/app-error-issues', () => {
      throw new AppError('invalid', 'body: too long', [{ path: ['body'], message: 'too long' }]);
    });
    e.get('/zod', () => {
      z.object({ limit: z.number().int().max(100) }).parse({ limit: 500 });
    });
    e.get('/async', async () => {
      await Promise.resolve();
      throw new AppError('unavailable', 'the store cannot be reached; nothing was written');
    });
    e.get('/status-404', () => {
      throw Object.assign(new Error('ENOENT'), { status: 404 });
    });
    e.get('/bug', () => {
      throw new Error('secret detail');
    });
    e.get('/bad-escape/:id', (req, res) => {
      res.json({ id: req.params.id });
    });
    e.get('/bug-after-headers', (_req, res) => {
      res.status(200).type('text/plain');
      res.write('partial answer');
      throw new Error('failed half-way');
    });
    e.use(
      errorHandler({
        bodyMaxBytes: 64,
        log: {
          error: (obj, msg) => logged.push({ obj, msg }),
          warn: (obj, msg) => warned.push({ obj, msg }),
          debug: (obj, msg) => debugged.push({ obj, msg }),
        },
      }),
    );
    app = await serve(e);
  });
  afterAll(() => app.close());

  const get = async (path: string): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(`${app.url}${path}`);
    return { status: res.status, body: await res.json() };
  };
  const post = async (body: string): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(`${app.url}/json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    return { status: res.status, body: await res.json() };
  };

  it('maps an AppError to its status and the SPEC body', async () => {
    expect(await get('/app-error')).toEqual({
      status: 409,
      body: { error: { code: 'conflict', message: 'version 2 is not the current version 3' } },
    });
    expect(await get('/app-error-issues')).toEqual({
      status: 400,
      body: {
        error: {
          code: 'invalid',
          message: 'body: too long',
          issues: [{ path: ['body'], message: 'too long' }],
        },
      },
    });
    expect((await get('/async')).status).toBe(503);
  });

  it('maps a ZodError to 400 invalid with the issues and their paths', async () => {
    const { status, body } = await get('/zod');
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { code: 'invalid', issues: [{ path: ['limit'] }] } });
  });

  it('maps a body over the limit to 413 too_large, naming the limit', async () => {
    expect(await post(JSON.stringify({ text: 'x'.repeat(100) }))).toEqual({
      status: 413,
      body: { error: { code: 'too_large', message: 'request body over 64 bytes' } },
    });
  });

  it('maps malformed JSON to 400 invalid', async () => {
    expect(await post('{"text": ')).toEqual({
      status: 400,
      body: {
        error: {
          code: 'invalid',
          message: 'the body is not valid JSON',
          issues: [{ path: [], message: 'malformed JSON' }],
        },
      },
    });
  });

  it('maps an error with status 404 to not_found', async () => {
    expect(await get('/status-404')).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: 'not found' } },
    });
  });

  it('answers anything else with 500 internal, no details, and logs it', async () => {
    logged.length = 0;
    expect(await get('/bug')).toEqual({
      status: 500,
      body: { error: { code: 'internal', message: 'internal error' } },
    });
    expect(logged).toHaveLength(1);
    expect(logged[0]?.msg).toBe('request failed');
    expect(logged[0]?.obj).toMatchObject({ path: '/bug' });
  });

  it('maps a transport error with a 4xx status (a malformed percent escape) to 400 invalid, logged at debug only', async () => {
    logged.length = 0;
    debugged.length = 0;
    const { status, body } = await get('/bad-escape/%E0%A4%A');
    expect(status).toBe(400);
    expect(body).toEqual({ error: { code: 'invalid', message: 'malformed percent-encoding in the URL' } });
    expect(logged).toEqual([]);
    expect(debugged).toHaveLength(1);
  });

  it('maps an unsupported charset or Content-Encoding to 400 invalid, logged at debug only', async () => {
    logged.length = 0;
    const variants: Record<string, string>[] = [
      { 'content-type': 'application/json; charset=ebcdic' },
      { 'content-type': 'application/json', 'content-encoding': 'x-unknown' },
      { 'content-type': 'application/json', 'content-encoding': 'br' },
    ];
    for (const headers of variants) {
      const res = await fetch(`${app.url}/json`, { method: 'POST', headers, body: '{}' });
      expect(res.status, JSON.stringify(headers)).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'invalid' } });
    }
    expect(logged).toEqual([]);
  });

  it('hands an error after the headers were sent to express, which ends the response', async () => {
    logged.length = 0;
    const res = await fetch(`${app.url}/bug-after-headers`);
    expect(res.status).toBe(200);
    // The answer is cut off (the connection is destroyed), never left hanging.
    await expect(within(5000, 'the end of the answer', res.text())).rejects.toThrow(
      /terminated|aborted|closed/i,
    );
    expect(logged).toHaveLength(1);
  });

  it('names the request in a warn line when the store was unavailable, and answers its X-Request-Id', async () => {
    const res = await fetch(`${app.url}/async`, { headers: { 'X-Request-Id': 'lb-request-0001' } });
    expect(res.status).toBe(503);
    expect(res.headers.get('x-request-id')).toBe('lb-request-0001');
    expect(warned).toContainEqual({
      obj: { method: 'GET', path: '/async', requestId: 'lb-request-0001' },
      msg: 'request failed: unavailable',
    });
    // An id that is not a short token is replaced, so nothing unchecked reaches the logs.
    const hostile = await fetch(`${app.url}/async`, {
      headers: { 'X-Request-Id': 'x<script>alert(1)</script>' },
    });
    expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
