/** The API description builders (src/http/openapi.ts, asyncapi.ts) are pure functions of their options. */
import { describe, expect, it } from 'vitest';
import { buildAsyncApi } from '../../../src/http/asyncapi.js';
import { buildOpenApi } from '../../../src/http/openapi.js';
import { ERROR_CODES } from '../../../src/schema.js';
import { HTTP_STATUS } from '../../../src/errors.js';

/** The document as a client reads it: JSON. */
const served = <T>(doc: object): T => JSON.parse(JSON.stringify(doc)) as T;

describe('buildOpenApi', () => {
  it('gives the same document every time', () => {
    expect(JSON.stringify(buildOpenApi())).toBe(JSON.stringify(buildOpenApi()));
  });

  it('names PUBLIC_URL as its server, and no server without it (paths are relative to the document)', () => {
    expect(buildOpenApi({ publicUrl: 'https://live.example.org' }).servers).toEqual([
      { url: 'https://live.example.org' },
    ]);
    expect(buildOpenApi().servers).toBeUndefined();
  });

  it('has a shared answer for every error code, with the status of SPEC §5', () => {
    const doc = served<{ paths: object; components: { responses: object } }>(buildOpenApi());
    const text = JSON.stringify(doc.paths);
    for (const code of ERROR_CODES)
      expect(text).toContain(`"${HTTP_STATUS[code]}":{"$ref":"#/components/responses/`);
    // One per code, plus 403 Forbidden: `unauthorized` for a contributor's editor-only request (SPEC §10).
    expect(Object.keys(doc.components.responses)).toHaveLength(ERROR_CODES.length + 1);
    expect(text).toContain('"403":{"$ref":"#/components/responses/Forbidden"}');
  });
});

describe('buildAsyncApi', () => {
  it('follows REDIS_PREFIX and PUBLIC_URL', () => {
    const doc = served<{
      channels: Record<string, { address: string }>;
      servers: Record<string, { host: string; protocol: string }>;
    }>(buildAsyncApi({ redisPrefix: 'news:', publicUrl: 'https://live.example.org' }));
    expect(doc.channels.blogEvents?.address).toBe('news:{blogTag}:events');
    expect(doc.servers.socketio).toMatchObject({ host: 'live.example.org', protocol: 'wss' });
  });
});
