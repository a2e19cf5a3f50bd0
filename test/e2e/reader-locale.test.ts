/**
 * SPEC §9 in a real Chromium: a Persian blog (language fa, timeZone Asia/Tehran) reads right to left,
 * in Persian, with clock times in Tehran — with JavaScript and without it. And reader safety (issue 9):
 * the page sets no cookie, asks nothing of another origin, and stays live over long-polling when
 * WebSockets are blocked.
 */
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueId, type TestApp } from '../helpers/app.js';
import { api } from '../helpers/clients.js';
import { openPage, postEntry, startBrowserAndApp, stopBrowserAndApp } from './support.js';

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  ({ app, browser } = await startBrowserAndApp());
});
afterAll(() => stopBrowserAndApp(app, browser));

const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹';
const latin = (s: string): string => s.replace(/[۰-۹]/g, (d) => String(PERSIAN_DIGITS.indexOf(d)));

/** "HH:MM" of an instant in Tehran (UTC+3:30, no DST since 2022), computed without Intl. */
function tehranClock(iso: string): string {
  const minutes = (Math.floor(Date.parse(iso) / 60_000) + 210) % 1440;
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

async function persianBlog(): Promise<string> {
  const blogId = uniqueId('e2e-fa');
  const res = await api(app.url, 'PUT', `/api/blogs/${blogId}`, {
    token: app.token,
    body: { title: 'بحران در اوکراین', description: '', language: 'fa', timeZone: 'Asia/Tehran' },
  });
  expect(res.status).toBe(201);
  return blogId;
}

async function expectPersianPage(page: Page, entry: { id: string; createdAt: string }): Promise<void> {
  expect(await page.getAttribute('html', 'lang')).toBe('fa');
  expect(await page.getAttribute('html', 'dir')).toBe('rtl');
  expect(await page.locator('#blog-status').textContent()).toBe('زنده');
  expect(await page.locator('.skip-link').textContent()).toBe('پرش به محتوا');
  const item = page.locator(`#entry-${entry.id}`);
  expect(await item.locator('.entry-author').textContent()).toBe('نویسنده: Alice Smith');
  expect(await item.locator('.badge-key').textContent()).toBe('رویداد مهم');
  // The clock in Tehran with the zone, in Persian digits; SPEC §7's <time datetime> kept.
  const clock = (await item.locator('.clock').textContent()) ?? '';
  expect(latin(clock)).toContain(tehranClock(entry.createdAt));
  expect(clock).toMatch(/[۰-۹]{2}:[۰-۹]{2}/);
  expect(latin(clock)).toContain('3:30');
  const time = item.locator('.entry-time time');
  expect(await time.getAttribute('datetime')).toBe(entry.createdAt);
  expect(await time.textContent()).toMatch(/پیش|اکنون|هم‌اکنون|ثانیه|دقیقه/);
  const title = (await time.getAttribute('title')) ?? '';
  expect(latin(title)).toContain(tehranClock(entry.createdAt));
  // Right to left for real: the key-event bar is on the right edge of the entry.
  const borders = await item.evaluate((li) => {
    const style = getComputedStyle(li);
    return { right: style.borderRightWidth, left: style.borderLeftWidth };
  });
  expect(borders).toEqual({ right: '4px', left: '1px' });
}

describe('a Persian blog', () => {
  it('renders right to left, in Persian, with Tehran clock times — without JavaScript', async () => {
    const blogId = await persianBlog();
    const entry = await postEntry(app.url, app.token, blogId, {
      body: 'دیدار کری و لاوروف در لندن',
      keyEvent: true,
    });
    const { page, close } = await openPage(browser, {
      javaScriptEnabled: false,
      timezoneId: 'America/New_York',
    });
    try {
      await page.goto(`${app.url}/blogs/${blogId}`);
      await expectPersianPage(page, entry);
      // The key events box sits beside the feed — on its left, since the page reads right to left.
      const feed = await page.locator('.feed').boundingBox();
      const aside = await page.locator('#key-events').boundingBox();
      if (!feed || !aside) throw new Error('not laid out');
      expect(aside.x + aside.width).toBeLessThanOrEqual(feed.x + 1);
    } finally {
      await close();
    }
  });

  it('stays Persian and in Tehran time live — with JavaScript, whatever the browser zone', async () => {
    const blogId = await persianBlog();
    const first = await postEntry(app.url, app.token, blogId, { body: 'نخستین خبر', keyEvent: true });
    const { page, errors, close } = await openPage(browser, {
      timezoneId: 'America/New_York',
      locale: 'en-US',
    });
    try {
      await page.goto(`${app.url}/blogs/${blogId}`);
      await page.locator('#connection-state[data-state="live"]').waitFor();
      expect(await page.locator('#connection-state').textContent()).toContain('متصل');
      await expectPersianPage(page, first);
      const live = await postEntry(app.url, app.token, blogId, { body: 'خبر تازه', keyEvent: true });
      await page.locator(`#entry-${live.id}`).waitFor();
      await expectPersianPage(page, live);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('the console', () => {
  it("sets a blog's language and time zone, and explains an unknown zone next to its field", async () => {
    const blogId = uniqueId('e2e-fa-console');
    const { page, errors, close } = await openPage(browser);
    try {
      await page.goto(`${app.url}/console`);
      await page.fill('#token', app.token);
      await page.click('#signin-form button[type="submit"]');
      await page.locator('#workspace').waitFor();
      await page.click('#blog-form-details summary');
      await page.fill('#blog-id', blogId);
      await page.fill('#blog-title', 'بحران در اوکراین');
      await page.fill('#blog-language', 'fa');
      await page.fill('#blog-timeZone', 'Mars/Olympus');
      await page.click('#blog-form button[type="submit"]');
      await page.locator('#blog-timeZone-error:not(:empty)').waitFor();
      await page.fill('#blog-timeZone', 'Asia/Tehran');
      await page.click('#blog-form button[type="submit"]');
      await expect.poll(() => page.locator('#blog-select').inputValue()).toBe(blogId);
      const res = await api(app.url, 'GET', `/api/blogs/${blogId}`);
      expect(res.body['blog']).toMatchObject({ language: 'fa', timeZone: 'Asia/Tehran' });
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('reader safety', () => {
  it('sets no cookie and requests nothing from another origin', async () => {
    const blogId = await persianBlog();
    await postEntry(app.url, app.token, blogId, { body: 'See [the agency](https://example.com/report).' });
    const { page, close } = await openPage(browser);
    const requested: string[] = [];
    const setCookies: string[] = [];
    page.on('request', (req) => requested.push(req.url()));
    page.on('response', (res) => {
      const cookie = res.headers()['set-cookie'];
      if (cookie) setCookies.push(`${res.url()}: ${cookie}`);
    });
    try {
      await page.goto(`${app.url}/blogs/${blogId}`);
      await page.locator('#connection-state[data-state="live"]').waitFor();
      await postEntry(app.url, app.token, blogId, { body: 'Live.' });
      await page.waitForTimeout(500);
      expect(requested.length).toBeGreaterThan(1);
      const origin = new URL(app.url).origin;
      expect(requested.filter((u) => new URL(u).origin !== origin && !u.startsWith('data:'))).toEqual([]);
      expect(setCookies).toEqual([]);
      expect(await page.context().cookies()).toEqual([]);
      expect(await page.evaluate(() => document.cookie)).toBe('');
    } finally {
      await close();
    }
  });

  it('stays live over long-polling when WebSockets are blocked', async () => {
    const blogId = await persianBlog();
    // A proxy in front of the app that passes plain HTTP and refuses every WebSocket upgrade with 403,
    // as some corporate proxies and firewalls do.
    const target = new URL(app.url);
    let upgradesRefused = 0;
    const proxy = createServer((req, res) => {
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    proxy.on('upgrade', (_req, socket: Socket) => {
      upgradesRefused += 1;
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const { port } = proxy.address() as AddressInfo;
    const { page, errors, close } = await openPage(browser);
    const polls: string[] = [];
    page.on('request', (req) => {
      if (req.url().includes('transport=polling')) polls.push(req.url());
    });
    try {
      await page.goto(`http://127.0.0.1:${port}/blogs/${blogId}`);
      await page.locator('#connection-state[data-state="live"]').waitFor({ timeout: 15_000 });
      const entry = await postEntry(app.url, app.token, blogId, { body: 'Over polling.' });
      await page.locator(`#entry-${entry.id}`).waitFor({ timeout: 10_000 });
      expect(upgradesRefused).toBeGreaterThan(0);
      expect(polls.length).toBeGreaterThan(0);
      expect(errors.filter((e) => !/WebSocket|403/i.test(e))).toEqual([]);
    } finally {
      await close();
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
