import { describe, expect, it } from 'vitest';
import { HTTP_TIMEOUTS, httpServerOptions } from '../../../src/http/server-timeouts.js';

describe('the HTTP server timeouts', () => {
  it('cut a request off within 30 s, its headers within 10 s, checked every second', () => {
    expect(HTTP_TIMEOUTS.requestTimeoutMs).toBeLessThanOrEqual(30_000);
    expect(HTTP_TIMEOUTS.headersTimeoutMs).toBeLessThanOrEqual(10_000);
    expect(HTTP_TIMEOUTS.headersTimeoutMs).toBeLessThanOrEqual(HTTP_TIMEOUTS.requestTimeoutMs);
    expect(httpServerOptions()).toEqual({
      headersTimeout: HTTP_TIMEOUTS.headersTimeoutMs,
      requestTimeout: HTTP_TIMEOUTS.requestTimeoutMs,
      connectionsCheckingInterval: 1000,
    });
  });
});
