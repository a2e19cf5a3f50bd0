/**
 * Every request gets an id, answered in `X-Request-Id` and named in the log lines about it. A client's
 * own id is kept when it is a short token (a load balancer's); anything else is replaced, so nothing a
 * client sends reaches the logs unchecked.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

const CLIENT_ID = /^[A-Za-z0-9._-]{8,64}$/;

export function requestId(): RequestHandler {
  return (req, res, next) => {
    const given = req.get('X-Request-Id');
    res.setHeader('X-Request-Id', given && CLIENT_ID.test(given) ? given : randomUUID());
    next();
  };
}
