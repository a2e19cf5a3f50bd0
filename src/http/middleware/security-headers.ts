/** Response headers that harden every answer, and the Content-Security-Policy of the HTML pages. */
import type { RequestHandler, Response } from 'express';

/** The pages load only their own scripts, styles and sockets; nothing may frame them. */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/** `X-Content-Type-Options: nosniff` and a `Referrer-Policy` on every response. */
export function securityHeaders(): RequestHandler {
  return (_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
    next();
  };
}

/** Sends a server-rendered HTML page under PAGE_CSP. */
export function sendPage(res: Response, status: number, html: string): void {
  res.status(status).setHeader('Content-Security-Policy', PAGE_CSP);
  res.type('html').send(html);
}
