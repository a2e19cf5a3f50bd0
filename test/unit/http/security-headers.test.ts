import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  embedCsp,
  PAGE_CSP,
  securityHeaders,
  sendPage,
} from '../../../src/http/middleware/security-headers.js';
import { serve, type TinyApp } from '../../helpers/tiny-app.js';

describe('the security headers', () => {
  let app: TinyApp;
  beforeAll(async () => {
    const e = express();
    e.use(securityHeaders());
    e.get('/json', (_req, res) => {
      res.json({ ok: true });
    });
    e.get('/page', (_req, res) => {
      sendPage(res, 200, '<!doctype html><title>Page</title>');
    });
    e.get('/missing-page', (_req, res) => {
      sendPage(res, 404, '<!doctype html><title>Not found</title>');
    });
    app = await serve(e);
  });
  afterAll(() => app.close());

  it('sets nosniff and the referrer policy on every response, even a 404', async () => {
    for (const path of ['/json', '/page', '/nowhere']) {
      const res = await fetch(`${app.url}${path}`);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    }
  });

  it('sends a page as HTML with its status and the page CSP', async () => {
    const res = await fetch(`${app.url}/page`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(await res.text()).toBe('<!doctype html><title>Page</title>');
    const missing = await fetch(`${app.url}/missing-page`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toBe(PAGE_CSP);
  });

  it('the page CSP allows only the own origin for scripts and forbids framing', () => {
    const directives = PAGE_CSP.split('; ');
    expect(directives).toContain("script-src 'self'");
    expect(directives).toContain("frame-ancestors 'none'");
    expect(directives).toContain("object-src 'none'");
  });

  it('gives a JSON answer no CSP', async () => {
    const res = await fetch(`${app.url}/json`);
    expect(res.headers.get('content-security-policy')).toBeNull();
  });
});

describe('the embed page CSP', () => {
  it('differs from the page CSP only in framing by anyone, no forms, its own sandbox and the given style hashes', () => {
    const embed = embedCsp(['sha256-abc=']);
    expect(embed).toContain('frame-ancestors *');
    expect(embed).not.toContain("frame-ancestors 'none'");
    expect(embed).toContain("style-src 'self' 'sha256-abc='");
    expect(embed).toContain("form-action 'none'");
    expect(embed).toMatch(/; sandbox allow-scripts allow-popups allow-popups-to-escape-sandbox$/);
    expect(embedCsp()).toContain("style-src 'self';");
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
    ])
      expect(embed).toContain(directive);
  });
});
