import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../../src/auth.js';
import { errorHandler } from '../../../src/http/error-handler.js';
import { editorGates, jsonObjectBody } from '../../../src/http/json-body.js';
import { createWriteLimiter } from '../../../src/write-limit.js';
import { serve, type TinyApp } from '../../helpers/tiny-app.js';

const authenticate = createAuthenticator({
  editors: [{ name: 'Alice Smith', token: 'token-alice' }],
  contributors: [{ name: 'Carol Jones', token: 'token-carol' }],
});
const BODY_MAX_BYTES = 1024;

/** `/editors` as api.ts builds its routes (editors only), `/desk` as drafts.ts (contributors too). */
async function start(): Promise<TinyApp> {
  const e = express();
  const writeLimiter = createWriteLimiter(0);
  const editors = editorGates({ authenticate, writeLimiter, bodyMaxBytes: BODY_MAX_BYTES });
  const desk = editorGates({ authenticate, writeLimiter, bodyMaxBytes: BODY_MAX_BYTES, contributors: true });
  e.post('/editors', ...editors.withJson, (req, res) => {
    res.json({ body: jsonObjectBody(req) });
  });
  e.post('/desk', ...desk.withJson, (req, res) => {
    res.json({ body: jsonObjectBody(req) });
  });
  e.use(
    errorHandler({
      bodyMaxBytes: BODY_MAX_BYTES,
      log: { error: () => undefined, warn: () => undefined, debug: () => undefined },
    }),
  );
  return serve(e);
}

describe('the editor routes’ JSON body (json-body.ts)', () => {
  let app: TinyApp;
  beforeAll(async () => {
    app = await start();
  });
  afterAll(() => app.close());

  const post = (path: string, body: string | undefined, token = 'token-alice', type = 'application/json') =>
    fetch(`${app.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': type }) },
      ...(body === undefined ? {} : { body }),
    });

  it('hands a route the JSON object, whatever the content type; no body is {}', async () => {
    const res = await post('/editors', '{"title":"Storm","n":1}', 'token-alice', 'text/plain');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ body: { title: 'Storm', n: 1 } });
    const empty = await post('/editors', undefined);
    expect(await empty.json()).toEqual({ body: {} });
  });

  it('answers a JSON array with 400 invalid: the body must be an object', async () => {
    const res = await post('/editors', '[1,2]');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        code: 'invalid',
        message: 'the body must be a JSON object',
        issues: [{ path: [], message: 'expected an object' }],
      },
    });
  });

  it.each([
    ['null', 'null'],
    ['a string', '"text"'],
  ])('answers a top-level %s with 400 invalid (the strict parser refuses it)', async (_what, body) => {
    const res = await post('/editors', body);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid' } });
  });

  it('answers a body over the limit with 413 too_large', async () => {
    const res = await post('/editors', JSON.stringify({ body: 'x'.repeat(BODY_MAX_BYTES) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'too_large' } });
  });

  it('checks the token before reading the body: an anonymous malformed body is 401, not 400', async () => {
    const res = await post('/editors', '{not json', 'token-mallory');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
    const signedIn = await post('/editors', '{not json');
    expect(signedIn.status).toBe(400);
  });

  it('refuses a contributor where contributors are not allowed, and lets one through where they are', async () => {
    expect((await post('/editors', '{}', 'token-carol')).status).toBe(403);
    const res = await post('/desk', '{"a":1}', 'token-carol');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ body: { a: 1 } });
  });
});
