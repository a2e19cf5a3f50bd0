import { createWriteLimiter } from '../../../src/write-limit.js';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../../src/auth.js';
import { errorHandler } from '../../../src/http/error-handler.js';
import { editorAuth, editorOf, type EditorLocals } from '../../../src/http/middleware/editor-auth.js';
import { serve, type TinyApp } from '../../helpers/tiny-app.js';

const authenticate = createAuthenticator({
  editors: [
    { name: 'Alice Smith', token: 'token-alice' },
    { name: 'Wire desk', token: 'token-wire' },
  ],
});

async function start(writesPerSecond: number): Promise<TinyApp> {
  const e = express();
  e.post(
    '/write',
    editorAuth({ authenticate, writeLimiter: createWriteLimiter(writesPerSecond) }),
    (_req, res: express.Response<unknown, EditorLocals>) => {
      res.json({ editor: editorOf(res) });
    },
  );
  e.use(
    errorHandler({
      bodyMaxBytes: 1024,
      log: { error: () => undefined, warn: () => undefined, debug: () => undefined },
    }),
  );
  return serve(e);
}

const write = (app: TinyApp, authorization?: string): Promise<Response> =>
  fetch(`${app.url}/write`, {
    method: 'POST',
    headers: authorization === undefined ? {} : { authorization },
  });

describe('the editor authentication middleware', () => {
  let app: TinyApp;
  beforeAll(async () => {
    app = await start(0);
  });
  afterAll(() => app.close());

  it('lets a valid bearer token through with its editor in res.locals', async () => {
    const res = await write(app, 'Bearer token-alice');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ editor: { id: 'alice-smith', name: 'Alice Smith' } });
  });

  it.each([
    ['no Authorization header', undefined],
    ['a wrong token', 'Bearer token-mallory'],
    ['a token without the Bearer scheme', 'token-alice'],
    ['another scheme', 'Basic dG9rZW4tYWxpY2U='],
  ])('answers %s with 401 unauthorized', async (_what, authorization) => {
    const res = await write(app, authorization);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: {
        code: 'unauthorized',
        message: 'a valid editor token is required (Authorization: Bearer …)',
      },
    });
  });
});

describe('the per-editor write limit', () => {
  let app: TinyApp;
  beforeAll(async () => {
    app = await start(1);
  });
  afterAll(() => app.close());

  it('answers 429 rate_limited past the burst, and only for that editor', async () => {
    // 1 write per second allows a burst of 2.
    expect((await write(app, 'Bearer token-alice')).status).toBe(200);
    expect((await write(app, 'Bearer token-alice')).status).toBe(200);
    const limited = await write(app, 'Bearer token-alice');
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({
      error: { code: 'rate_limited', message: 'too many writes; slow down' },
    });
    expect((await write(app, 'Bearer token-wire')).status).toBe(200);
  });

  it('does not count refused tokens against anyone', async () => {
    for (let i = 0; i < 5; i++) expect((await write(app, 'Bearer nobody')).status).toBe(401);
    expect((await write(app, 'Bearer token-wire')).status).toBe(200);
  });
});
