/**
 * Timeouts of the node:http server, so that no client can hold a request open for long: a request's
 * headers must arrive within HTTP_HEADERS_TIMEOUT_MS and its whole body within HTTP_REQUEST_TIMEOUT_MS
 * (node answers 408 and closes the connection). They bound the receiving of requests only: a long-poll
 * answer or an upgraded WebSocket is not affected.
 */
import type { ServerOptions } from 'node:http';

/** Headers of a request, from its first byte. */
export const HTTP_HEADERS_TIMEOUT_MS = 10_000;
/** The whole request, headers and body (256 KB at most: 8.5 KB/s suffices). */
export const HTTP_REQUEST_TIMEOUT_MS = 30_000;
/** How often node looks for requests over those limits (its default is 30 s, which doubles the wait). */
export const HTTP_TIMEOUT_CHECK_INTERVAL_MS = 1_000;

export interface HttpTimeouts {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  checkIntervalMs: number;
}

export const HTTP_TIMEOUTS: HttpTimeouts = {
  headersTimeoutMs: HTTP_HEADERS_TIMEOUT_MS,
  requestTimeoutMs: HTTP_REQUEST_TIMEOUT_MS,
  checkIntervalMs: HTTP_TIMEOUT_CHECK_INTERVAL_MS,
};

/** The options of `http.createServer` that apply these timeouts. */
export function httpServerOptions(timeouts: HttpTimeouts = HTTP_TIMEOUTS): ServerOptions {
  return {
    headersTimeout: timeouts.headersTimeoutMs,
    requestTimeout: timeouts.requestTimeoutMs,
    connectionsCheckingInterval: timeouts.checkIntervalMs,
  };
}
