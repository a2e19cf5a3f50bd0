/** Response headers that harden every answer, and the Content-Security-Policy of the HTML pages. */
import type { RequestHandler, Response } from 'express';
import { VIDEO_FRAME_ORIGINS } from '../../shared/embeds.js';

/**
 * The pages load only their own scripts, styles, images and sockets; nothing may frame them. The only
 * frames they may hold are the video players of VIDEO_FRAME_ORIGINS, loaded when a reader clicks play.
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  `frame-src ${VIDEO_FRAME_ORIGINS.join(' ')}`,
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/**
 * The embed page (GET /embed/:blogId, README "Embed") is made to be framed by any site: the same policy
 * as the pages but `frame-ancestors *`, and the page sandboxes itself (CSP `sandbox`) exactly as embed.js
 * sandboxes its iframe, so it runs in an opaque origin however it is loaded. `extraStyleHashes` lets
 * the one server-written `<style>` block (the host's accent colour) in, by its hash, and nothing else.
 */
export function embedCsp(extraStyleHashes: readonly string[] = []): string {
  return PAGE_CSP.replace("frame-ancestors 'none'", 'frame-ancestors *')
    .replace("form-action 'self'", "form-action 'none'")
    .replace("style-src 'self'", ["style-src 'self'", ...extraStyleHashes.map((h) => `'${h}'`)].join(' '))
    .concat('; sandbox allow-scripts allow-popups allow-popups-to-escape-sandbox');
}

/** `X-Content-Type-Options: nosniff` and a `Referrer-Policy` on every response. */
export function securityHeaders(): RequestHandler {
  return (_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
    next();
  };
}

/** Sends a server-rendered HTML page under PAGE_CSP (or another policy, e.g. embedCsp()). */
export function sendPage(res: Response, status: number, html: string, csp: string = PAGE_CSP): void {
  res.status(status).setHeader('Content-Security-Policy', csp);
  res.type('html').send(html);
}
