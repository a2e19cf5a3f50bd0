/**
 * The embed page over HTTP (README "Embed"): frameable by any site, sandboxed by its own CSP, escaped,
 * and a 404 for a blog that does not exist; every other page stays unframeable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, uniqueId, type TestApp } from '../helpers/app.js';
import { newBlog, newEntry } from '../helpers/clients.js';

let app: TestApp;

beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app.stop());

function directives(csp: string | null): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of (csp ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) map.set(name, values.join(' '));
  }
  return map;
}

describe('GET /embed/:blogId', () => {
  it("may be framed by any origin, sandboxes itself, and / and the reader page keep frame-ancestors 'none'", async () => {
    const blogId = await newBlog(app, { label: 'http-embed' });
    const embed = await fetch(`${app.url}/embed/${blogId}`);
    expect(embed.status).toBe(200);
    expect(embed.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = directives(embed.headers.get('content-security-policy'));
    expect(csp.get('frame-ancestors')).toBe('*');
    expect(csp.get('sandbox')).toBe('allow-scripts allow-popups allow-popups-to-escape-sandbox');
    expect(csp.get('script-src')).toBe("'self'");
    expect(embed.headers.get('x-frame-options')).toBeNull();
    await embed.text();

    for (const path of ['/', `/blogs/${blogId}`, '/console', '/no-such-page']) {
      const res = await fetch(`${app.url}${path}`);
      await res.text();
      expect(directives(res.headers.get('content-security-policy')).get('frame-ancestors'), path).toBe(
        "'none'",
      );
    }
  });

  it('an unknown blog or an id that is not a slug is a 404 page, still frameable', async () => {
    for (const path of [`/embed/${uniqueId('http-embed-none')}`, '/embed/Not%20A%20Slug']) {
      const res = await fetch(`${app.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text()).toContain('There is no live blog here.');
      expect(directives(res.headers.get('content-security-policy')).get('frame-ancestors')).toBe('*');
    }
  });

  it('escapes the blog and its entries, and takes only well-formed options', async () => {
    const blogId = await newBlog(app, {
      label: 'http-embed-esc',
      title: '<script>alert(1)</script> & "quotes"',
    });
    await newEntry(app, blogId, { headline: '<img src=x onerror=alert(1)>', body: 'Body' });
    const res = await fetch(
      `${app.url}/embed/${blogId}?theme=%22%3E%3Cscript%3E&limit=9999&mode=evil&accent=red;}body{x:y`,
    );
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(html).toContain('<html lang="en" dir="ltr" data-theme="auto">');
    expect(html).not.toContain('<style>');

    const accented = await fetch(`${app.url}/embed/${blogId}?accent=0A7&theme=dark`);
    const accentedHtml = await accented.text();
    expect(accentedHtml).toContain('<style>:root:root:root{--accent:#0a7}</style>');
    expect(accentedHtml).toContain('data-theme="dark"');
    expect(directives(accented.headers.get('content-security-policy')).get('style-src')).toMatch(
      /^'self' 'sha256-[A-Za-z0-9+/]+=*'$/,
    );
  });
});
