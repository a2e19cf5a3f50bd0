/** CORS for the origins in CORS_ORIGINS (SPEC §1); the server's own origin needs none. */
import type { RequestHandler } from 'express';

/**
 * Answers an allowed origin with the CORS headers and a preflight (`OPTIONS`) with 204. Any other origin
 * gets no CORS header, so the browser refuses the cross-origin answer.
 */
export function cors(origins: readonly string[]): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin && origins.includes(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, Idempotency-Key, If-Match');
      res.setHeader('Access-Control-Allow-Methods', 'GET, PUT, POST, PATCH, DELETE');
      if (req.method === 'OPTIONS') {
        res.status(204).end();
        return;
      }
    }
    next();
  };
}
