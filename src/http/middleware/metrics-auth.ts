/** METRICS_TOKEN (SPEC §9): when set, `/metrics` needs `Authorization: Bearer <token>`; unset = open. */
import type { RequestHandler } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { bearerToken } from '../../auth.js';
import { AppError } from '../../errors.js';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Lets a request through when `token` is undefined or the request's bearer token equals it. */
export function metricsAuth(token: string | undefined): RequestHandler {
  // Comparing equal-length digests: the time taken says nothing about the token.
  const expected = token === undefined ? undefined : digest(token);
  return (req, res, next) => {
    if (expected) {
      const given = bearerToken(req.headers.authorization);
      if (given === undefined || given.length > 4096 || !timingSafeEqual(digest(given), expected)) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
        throw new AppError('unauthorized', 'the metrics token is required (Authorization: Bearer …)');
      }
    }
    next();
  };
}
