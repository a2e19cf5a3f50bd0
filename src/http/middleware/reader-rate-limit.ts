/**
 * Per-client limit on reader traffic (issue 8.5): API reads and pages, `requestsPerSecond` sustained
 * with bursts of twice that, per client address as express sees it (`req.ip`, TRUST_PROXY-aware); an
 * IPv6 client counts per /64, the block one subscriber usually holds. Beyond it: 429 `rate_limited`
 * with `Retry-After`. Per instance, in memory (rate-limiter-flexible's RateLimiterMemory).
 */
import type { Request, RequestHandler } from 'express';
import { isIPv6 } from 'node:net';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../../errors.js';

/** The window of the limiter: a burst may spend a whole window's points at once. */
const READER_WINDOW_SECONDS = 2;

export interface ReaderRateLimitOptions {
  /** Requests per second per client; 0 = unlimited. */
  requestsPerSecond: number;
  /** Requests that are never counted. */
  skip?: (req: Request) => boolean;
  /** Told of each refusal (for metrics). */
  onLimited?: () => void;
}

/** The eight hextets of an IPv6 address (an embedded dotted IPv4 tail counts as two). */
function hextets(address: string): string[] {
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  const text = dotted
    ? address.slice(0, dotted.index) +
      [0, 2].map((i) => ((Number(dotted[i + 1]) << 8) + Number(dotted[i + 2])).toString(16)).join(':')
    : address;
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((h) => h.toLowerCase().replace(/^0+(?=.)/, ''));
}

/** The key a client is counted under: its IPv4 address, or the /64 of its IPv6 address. */
export function clientKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4?.[1]) return v4[1];
  if (!isIPv6(ip)) return ip;
  return `${hextets(ip).slice(0, 4).join(':')}::/64`;
}

export function readerRateLimit(options: ReaderRateLimitOptions): RequestHandler {
  if (options.requestsPerSecond <= 0) return (_req, _res, next) => next();
  const limiter = new RateLimiterMemory({
    points: Math.max(1, Math.round(options.requestsPerSecond * READER_WINDOW_SECONDS)),
    duration: READER_WINDOW_SECONDS,
  });
  return async (req, res, next) => {
    const read = req.method === 'GET' || req.method === 'HEAD';
    if (!read || options.skip?.(req)) {
      next();
      return;
    }
    try {
      await limiter.consume(clientKey(req.ip));
    } catch (refusal) {
      // The library rejects with a RateLimiterRes when over the limit, and with an Error otherwise.
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      options.onLimited?.();
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(refusal.msBeforeNext / 1000))));
      throw new AppError('rate_limited', 'too many requests from this address; slow down');
    }
    next();
  };
}
