/**
 * Issue 8.8: the absolute URLs of the pages (permalinks, canonical, og:url, JSON-LD) never come from
 * what a client sends unless it is a plain http(s) origin; PUBLIC_URL fixes them; TRUST_PROXY says when
 * X-Forwarded-* counts (SPEC §9).
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDITOR_TOKEN, startApp, uniqueId, type TestApp } from '../helpers/app.js';
import { api } from '../helpers/clients.js';

/** GET with any headers, Host included (fetch would not send a hostile Host). */
function get(
  app: TestApp,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: app.port, path, headers, setHost: !('host' in headers) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Every absolute URL the reader page names as its own: canonical, og:url, JSON-LD url and permalinks. */
function ownUrls(html: string): string[] {
  const urls: string[] = [];
  for (const m of html.matchAll(/<link rel="canonical" href="([^"]*)"/g)) urls.push(m[1] ?? '');
  for (const m of html.matchAll(/<meta property="og:url" content="([^"]*)"/g)) urls.push(m[1] ?? '');
  const jsonld = /<script type="application\/ld\+json" id="liveblog-jsonld">([\s\S]*?)<\/script>/.exec(
    html,
  )?.[1];
  if (jsonld) {
    for (const m of jsonld.matchAll(/"url":"([^"]*)"/g)) urls.push(m[1] ?? '');
  }
  return urls;
}

async function newBlogWithEntry(app: TestApp): Promise<string> {
  const blogId = uniqueId('origin');
  const auth = { token: EDITOR_TOKEN };
  expect(
    (await api(app.url, 'PUT', `/api/blogs/${blogId}`, { ...auth, body: { title: 'Origins' } })).status,
  ).toBe(201);
  expect(
    (await api(app.url, 'POST', `/api/blogs/${blogId}/entries`, { ...auth, body: { body: 'first' } })).status,
  ).toBe(201);
  return blogId;
}

const HOSTILE_HOSTS = [
  'evil.example"><script>alert(1)</script>',
  'javascript:alert(1)//',
  'evil.example/path?x=',
  'evil.example:99999',
  'evil.example@good.example',
  '<b>x</b>',
  "evil.example'onmouseover='x",
];
const HOSTILE_PROTOS = ['javascript', 'javascript:alert(1)//', 'data', 'https"><script>', 'ftp'];

describe('without PUBLIC_URL and TRUST_PROXY', () => {
  let app: TestApp;
  let blogId = '';
  beforeAll(async () => {
    app = await startApp();
    blogId = await newBlogWithEntry(app);
  });
  afterAll(() => app.stop());

  it('a valid Host header makes the origin of every URL of the page', async () => {
    const page = await get(app, `/blogs/${blogId}`, { host: 'live.example.org:8080' });
    expect(page.status).toBe(200);
    const urls = ownUrls(page.text);
    expect(urls.length).toBeGreaterThanOrEqual(3);
    for (const u of urls) expect(u).toMatch(/^http:\/\/live\.example\.org:8080\/blogs\//);
  });

  it.each(HOSTILE_HOSTS)(
    'a hostile Host %j never reaches the page; the server’s own address stands in',
    async (host) => {
      const page = await get(app, `/blogs/${blogId}`, { host });
      expect(page.status).toBe(200);
      expect(page.text).not.toContain('evil');
      expect(page.text).not.toContain('javascript:');
      expect(page.text).not.toContain('<script>alert');
      const urls = ownUrls(page.text);
      expect(urls.length).toBeGreaterThanOrEqual(3);
      for (const u of urls) expect(u.startsWith(`http://127.0.0.1:${app.port}/blogs/`), u).toBe(true);
    },
  );

  it.each(HOSTILE_PROTOS)('X-Forwarded-Proto %j is not trusted: the scheme stays http', async (proto) => {
    const page = await get(app, `/blogs/${blogId}`, { 'x-forwarded-proto': proto });
    expect(page.text).not.toContain('javascript');
    expect(page.text).not.toContain(`${proto}://`);
    for (const u of ownUrls(page.text)) expect(u.startsWith('http://127.0.0.1:'), u).toBe(true);
  });

  it('X-Forwarded-Proto: https and X-Forwarded-Host from an untrusted peer are ignored', async () => {
    const page = await get(app, `/blogs/${blogId}`, {
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'forwarded.example',
    });
    expect(page.text).not.toContain('forwarded.example');
    for (const u of ownUrls(page.text)) expect(u.startsWith(`http://127.0.0.1:${app.port}/`), u).toBe(true);
  });

  it('the index and 404 pages take the same origin', async () => {
    const index = await get(app, '/', { host: HOSTILE_HOSTS[0] ?? '' });
    expect(index.text).toContain(`<link rel="canonical" href="http://127.0.0.1:${app.port}/">`);
    expect(index.text).not.toContain('evil');
  });
});

describe('with PUBLIC_URL', () => {
  let app: TestApp;
  let blogId = '';
  beforeAll(async () => {
    app = await startApp({ env: { PUBLIC_URL: 'https://live.example.org', TRUST_PROXY: '1' } });
    blogId = await newBlogWithEntry(app);
  });
  afterAll(() => app.stop());

  it('every URL of the page uses it, whatever Host and X-Forwarded-* say', async () => {
    const variants: Record<string, string>[] = [
      {},
      { host: 'other.example:3000' },
      { host: HOSTILE_HOSTS[0] ?? '' },
      { 'x-forwarded-proto': 'javascript', 'x-forwarded-host': 'forwarded.example' },
      { 'x-forwarded-proto': 'http' },
    ];
    for (const headers of variants) {
      const page = await get(app, `/blogs/${blogId}`, headers);
      expect(page.status).toBe(200);
      const urls = ownUrls(page.text);
      expect(urls.length).toBeGreaterThanOrEqual(3);
      for (const u of urls) expect(u.startsWith(`https://live.example.org/blogs/${blogId}`), u).toBe(true);
      expect(page.text).not.toContain('other.example');
      expect(page.text).not.toContain('forwarded.example');
      expect(page.text).not.toContain('evil');
    }
  });
});

describe('with TRUST_PROXY=1 (one proxy in front, here the test itself)', () => {
  let app: TestApp;
  let blogId = '';
  beforeAll(async () => {
    app = await startApp({ env: { TRUST_PROXY: '1' } });
    blogId = await newBlogWithEntry(app);
  });
  afterAll(() => app.stop());

  it('X-Forwarded-Proto: https and a valid X-Forwarded-Host are honoured', async () => {
    const page = await get(app, `/blogs/${blogId}`, {
      host: 'internal:3000',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'live.example.org',
    });
    const urls = ownUrls(page.text);
    expect(urls.length).toBeGreaterThanOrEqual(3);
    for (const u of urls) expect(u.startsWith(`https://live.example.org/blogs/${blogId}`), u).toBe(true);
  });

  it.each(HOSTILE_PROTOS)('a trusted but hostile X-Forwarded-Proto %j falls back to http', async (proto) => {
    const page = await get(app, `/blogs/${blogId}`, { host: 'live.example.org', 'x-forwarded-proto': proto });
    expect(page.text).not.toContain('javascript');
    for (const u of ownUrls(page.text)) expect(u.startsWith('http://live.example.org/'), u).toBe(true);
  });

  it.each(HOSTILE_HOSTS)('a trusted but hostile X-Forwarded-Host %j never reaches the page', async (host) => {
    const page = await get(app, `/blogs/${blogId}`, {
      'x-forwarded-host': host,
      'x-forwarded-proto': 'https',
    });
    expect(page.text).not.toContain('evil');
    expect(page.text).not.toContain('<script>alert');
    for (const u of ownUrls(page.text)) expect(u.startsWith(`https://127.0.0.1:${app.port}/`), u).toBe(true);
  });
});
