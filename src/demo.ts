/**
 * `npm run demo`: a server with the demo blog `crisis-in-ukraine`, replaying its updates one every
 * DEMO_INTERVAL_MS (default 4000) through the public HTTP API, so a newcomer sees the feed move.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { loadConfig } from './config.js';
import { DEMO_BLOG, DEMO_ENTRIES, DEMO_PHOTO, DEMO_PHOTO_SLOT } from './demo-entries.js';
import { createServer, startupText } from './server.js';

const DEFAULT_INTERVAL_MS = 4000;

function intervalMs(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_INTERVAL_MS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`invalid DEMO_INTERVAL_MS: ${raw} (whole milliseconds)`);
  return value;
}

/** A URL a browser on this machine can open (the server may bind 0.0.0.0 or ::). */
function localUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.hostname === '0.0.0.0' || parsed.hostname === '[::]') parsed.hostname = '127.0.0.1';
  return parsed.origin;
}

async function call(
  base: string,
  token: string,
  method: string,
  path: string,
  body: unknown,
  key?: string,
): Promise<void> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
  };
  if (key) headers['idempotency-key'] = key;
  const res = await fetch(`${base}${path}`, { method, headers, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
}

/** The package's root, whether this runs from `dist/src/` or from `src/`. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** Uploads the demo photo (POST /api/media) and answers the Markdown that places it. */
async function uploadPhoto(base: string, token: string): Promise<string> {
  const bytes = await readFile(join(packageRoot(), DEMO_PHOTO.file));
  const query = new URLSearchParams({
    alt: DEMO_PHOTO.alt,
    caption: DEMO_PHOTO.caption,
    credit: DEMO_PHOTO.credit,
  });
  const res = await fetch(`${base}/api/media?${query.toString()}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'image/jpeg' },
    body: bytes,
  });
  if (!res.ok) throw new Error(`POST /api/media: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { media: { markdown: string } }).media.markdown;
}

/** With only JWT_SECRET configured there is no static token: sign a short-lived one for the demo desk. */
async function demoJwt(secret: string | undefined): Promise<string> {
  if (!secret) throw new Error('no editor token available (set EDITOR_TOKENS or JWT_SECRET)');
  return new SignJWT({ name: 'Demo desk' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('demo-desk')
    .setExpirationTime('12h')
    .sign(new TextEncoder().encode(secret));
}

async function main(): Promise<void> {
  const every = intervalMs(process.env['DEMO_INTERVAL_MS']);
  const config = loadConfig(process.env);
  const server = await createServer(config);
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    clearTimeout(timer);
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('demo: stop failed:', err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const started = await server.start();
  process.stdout.write(startupText(started));
  const base = localUrl(started.url);
  const token = server.editorToken || (await demoJwt(config.jwtSecret));
  await call(base, token, 'PUT', `/api/blogs/${DEMO_BLOG.id}`, {
    title: DEMO_BLOG.title,
    description: DEMO_BLOG.description,
    status: 'live',
  });

  const photo = await uploadPhoto(base, token);

  console.log(`\nliveblog demo\n  reader:  ${base}/blogs/${DEMO_BLOG.id}\n  console: ${base}/console`);
  console.log(`  editor token: ${token}`);
  console.log(`  posting ${DEMO_ENTRIES.length} updates, one every ${every / 1000} s — Ctrl+C to stop\n`);

  // One key per run and entry: a retried request never posts twice, a new run replays afresh.
  const run = randomUUID();
  const post = async (index: number): Promise<void> => {
    const entry = DEMO_ENTRIES[index];
    if (stopping || !entry) {
      if (!stopping) console.log('demo: all updates posted; the server keeps running — Ctrl+C to stop');
      return;
    }
    try {
      const payload = { ...entry, body: entry.body.replace(DEMO_PHOTO_SLOT, photo) };
      await call(base, token, 'POST', `/api/blogs/${DEMO_BLOG.id}/entries`, payload, `demo-${run}-${index}`);
      console.log(
        `demo: posted ${index + 1}/${DEMO_ENTRIES.length}${entry.headline ? ` — ${entry.headline}` : ''}`,
      );
    } catch (err) {
      console.error(`demo: update ${index + 1} failed:`, err instanceof Error ? err.message : err);
    }
    timer = setTimeout(() => void post(index + 1), every);
  };
  timer = setTimeout(() => void post(0), Math.min(every, 1000));
}

main().catch((err: unknown) => {
  console.error(`demo: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
