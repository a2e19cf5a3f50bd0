/**
 * Issue 8, defect 2: every transport has a per-client bound. A reader that stops reading — an abandoned
 * long-polling session or a WebSocket whose peer stopped reading — is dropped once it is too far behind
 * (it may reconnect and resume), so the server's memory stays flat; readers that keep up get everything.
 */
import type { Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startApp, uniqueId, type TestApp } from '../helpers/app.js';
import { api, call, connectReader, EventLog } from '../helpers/clients.js';
import { until } from '../helpers/wait.js';

let app: TestApp;
const sockets: Socket[] = [];

beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await app.stop();
});

async function connectedSockets(): Promise<number> {
  const res = await fetch(`${app.url}/metrics`);
  const m = /\nliveblog_connected_sockets (\d+)\n/.exec(await res.text());
  return Number(m?.[1] ?? NaN);
}

/** An Engine.IO v4 long-polling session that subscribes, then never polls again. */
async function abandonedPoller(blogId: string): Promise<string> {
  const base = `${app.url}/socket.io/?EIO=4&transport=polling`;
  const open = await (await fetch(base)).text();
  const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid;
  const url = `${base}&sid=${sid}`;
  await fetch(url, { method: 'POST', body: '40' });
  expect(await (await fetch(url)).text()).toMatch(/^40/);
  await fetch(url, { method: 'POST', body: `420${JSON.stringify(['subscribe', { blogId }])}` });
  expect(await (await fetch(url)).text()).toMatch(/^430\[\{"ok":true/);
  return url;
}

/** A raw WebSocket reader that subscribes, then stops reading from its TCP socket. */
async function stalledWebSocket(blogId: string): Promise<WebSocket> {
  const ws = new WebSocket(`${app.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
  const frames: string[] = [];
  ws.on('message', (data: Buffer) => frames.push(data.toString()));
  await until('the open packet', () => frames.some((f) => f.startsWith('0')));
  ws.send('40');
  await until('the connect packet', () => frames.some((f) => f.startsWith('40')));
  ws.send(`420${JSON.stringify(['subscribe', { blogId }])}`);
  await until('the subscribe answer', () => frames.some((f) => f.startsWith('430')));
  // Stop reading: the kernel buffers fill, then the server's.
  (ws as unknown as { _socket: { pause(): void } })._socket.pause();
  return ws;
}

it('drops readers that stop reading on any transport, and keeps delivering to the others', async () => {
  const blogId = uniqueId('flood');
  expect(
    (await api(app.url, 'PUT', `/api/blogs/${blogId}`, { token: app.token, body: { title: 'Flood' } }))
      .status,
  ).toBe(201);
  const healthy = await connectReader(app.url);
  sockets.push(healthy);
  const log = new EventLog(healthy);
  await call(healthy, 'subscribe', { blogId });
  const pollUrl = await abandonedPoller(blogId);
  const ws = await stalledWebSocket(blogId);
  expect(await connectedSockets()).toBe(3);

  // About 40 KB per event (body and html), 24 MB in all: far more than any one reader may hold back.
  const ENTRIES = 600;
  const body = `${'Crimea '.repeat(2700)}`;
  for (let i = 0; i < ENTRIES; i += 20) {
    await Promise.all(
      Array.from({ length: 20 }, () =>
        api(app.url, 'POST', `/api/blogs/${blogId}/entries`, { token: app.token, body: { body } }),
      ),
    );
  }

  await until('the two stalled readers to be dropped', async () => (await connectedSockets()) === 1, 10_000);
  // The abandoned session is gone (its queue with it): polling it again is an unknown session.
  expect((await fetch(pollUrl)).status).toBe(400);
  ws.terminate();
  const events = await log.waitFor(ENTRIES, blogId, 20_000);
  expect(events.map((e) => e.seq)).toEqual(Array.from({ length: ENTRIES }, (_, i) => i + 2));
});
