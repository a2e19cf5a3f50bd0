/**
 * Shared pieces of the browser tests: the client bundle, one headless Chromium per test file, a page
 * that records console errors and dialogs, and API shortcuts for blogs and entries.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import type { Blog, Entry } from '../../src/schema.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { api } from '../helpers/clients.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ARTIFACTS = join(ROOT, 'test-artifacts');

/** Bundles client/ into public/ (atomic writes, so parallel test files may all do it). */
export function buildClient(): void {
  execFileSync(process.execPath, [join(ROOT, 'client', 'build.mjs')], { stdio: 'inherit' });
  mkdirSync(ARTIFACTS, { recursive: true });
}

/** Fails fast, in words, when the server does not serve the bundles (every browser test would time out). */
export async function assertAssetsServed(url: string): Promise<void> {
  for (const asset of ['reader.js', 'console.js', 'style.css']) {
    const res = await fetch(`${url}/assets/${asset}`);
    await res.arrayBuffer();
    if (!res.ok) {
      throw new Error(
        `GET /assets/${asset} answered ${res.status}: the server does not serve ${join(ROOT, 'public')}`,
      );
    }
  }
}

/** The usual set-up of a browser test file: fresh bundles, one app (memory store) and one Chromium. */
export async function startBrowserAndApp(): Promise<{ app: TestApp; browser: Browser }> {
  buildClient();
  const [app, browser] = await Promise.all([startApp(), launchBrowser()]);
  await assertAssetsServed(app.url);
  return { app, browser };
}

export async function stopBrowserAndApp(
  app: TestApp | undefined,
  browser: Browser | undefined,
): Promise<void> {
  await browser?.close();
  await app?.stop();
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface WatchedPage {
  page: Page;
  /** Console errors and uncaught exceptions seen so far. */
  errors: string[];
  /** Dialogs (alert/confirm/prompt) that opened; each is dismissed. */
  dialogs: string[];
  close: () => Promise<void>;
}

export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(5_000);
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return { page, errors, dialogs, close: () => context.close() };
}

export async function createBlog(
  url: string,
  token: string,
  id: string,
  title = `Blog ${id}`,
  description = 'Updates as they happen.',
): Promise<Blog> {
  const res = await api(url, 'PUT', `/api/blogs/${id}`, {
    token,
    body: { title, description },
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`upsert ${id}: ${res.status}`);
  return res.body['blog'] as Blog;
}

export async function postEntry(
  url: string,
  token: string,
  blogId: string,
  entry: { body: string; headline?: string; keyEvent?: boolean; pinned?: boolean },
): Promise<Entry> {
  const res = await api(url, 'POST', `/api/blogs/${blogId}/entries`, { token, body: entry });
  if (res.status !== 201) throw new Error(`post entry: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body['entry'] as Entry;
}

export async function patchEntry(
  url: string,
  token: string,
  blogId: string,
  entryId: string,
  changes: { body?: string; headline?: string; keyEvent?: boolean; pinned?: boolean },
): Promise<Entry> {
  const res = await api(url, 'PATCH', `/api/blogs/${blogId}/entries/${entryId}`, { token, body: changes });
  if (res.status !== 200) throw new Error(`patch entry: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body['entry'] as Entry;
}

export async function deleteEntry(
  url: string,
  token: string,
  blogId: string,
  entryId: string,
): Promise<void> {
  const res = await api(url, 'DELETE', `/api/blogs/${blogId}/entries/${entryId}`, { token });
  if (res.status !== 204) throw new Error(`delete entry: ${res.status}`);
}

/** The ids of the entries in the reader's feed, top to bottom. */
export function feedIds(page: Page): Promise<string[]> {
  return page.$$eval('#feed > li.entry', (items) => items.map((li) => li.id.replace(/^entry-/, '')));
}

// ---- JSON-LD ----

export interface LdUpdate {
  '@type': string;
  headline: string;
  articleBody: string;
  datePublished: string;
  dateModified: string;
  author: { name: string };
  url: string;
}
export interface LdPosting {
  '@type': string;
  headline: string;
  datePublished: string;
  dateModified: string;
  coverageStartTime: string;
  coverageEndTime?: string;
  liveBlogUpdate: LdUpdate[];
}

export function jsonLdOf(html: string): LdPosting {
  const match = /<script type="application\/ld\+json"[^>]*>([\s\S]*?)<\/script>/.exec(html);
  if (!match?.[1]) throw new Error('no JSON-LD block');
  return JSON.parse(match[1]) as LdPosting;
}
