/**
 * A connected reader must not keep its WebSocket upgrade request alive (issue 12: memory per reader).
 * engine.io's `WebSocketResponse` listens for the TCP socket's `close` for the connection's whole life
 * and holds the `IncomingMessage` (headers, raw headers, stream state) with it; the server removes that
 * listener. Measured here directly: the requests of connected, subscribed readers are garbage-collected.
 */
import { Server as HttpServer, type IncomingMessage } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, uniqueId, type TestApp } from '../helpers/app.js';
import { call, connectReader, expectFresh, type ReaderSocket } from '../helpers/clients.js';
import { upsertOverHttp } from '../helpers/writes.js';

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

/** Weak references to every upgrade request any HTTP server of this process receives. */
const upgrades: WeakRef<IncomingMessage>[] = [];
// The prototype's own method, called below with each server as `this`.
// eslint-disable-next-line @typescript-eslint/unbound-method
const emit = HttpServer.prototype.emit;

let app: TestApp;
beforeAll(async () => {
  HttpServer.prototype.emit = function (this: HttpServer, event: string | symbol, ...args: unknown[]) {
    if (event === 'upgrade') upgrades.push(new WeakRef(args[0] as IncomingMessage));
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  } as typeof emit;
  app = await startApp();
});
afterAll(async () => {
  HttpServer.prototype.emit = emit;
  await app.stop();
});

describe('memory of a connected reader', () => {
  it('the upgrade request of a connected, subscribed reader is collected', async () => {
    const blogId = uniqueId('upgrade-memory');
    expect(await upsertOverHttp(app.url, app.token, blogId)).toMatchObject({ ok: true });
    const readers: ReaderSocket[] = [];
    for (let i = 0; i < 5; i++) {
      const reader = await connectReader(app.url);
      expectFresh(await call(reader, 'subscribe', { blogId }));
      readers.push(reader);
    }
    expect(upgrades.length).toBe(5);
    // Let the upgrades' own timers and microtasks finish, then collect.
    await new Promise((resolve) => setTimeout(resolve, 50));
    gc();
    gc();
    const alive = upgrades.filter((ref) => ref.deref() !== undefined).length;
    // The readers are still connected and subscribed.
    expect(readers.every((r) => r.connected)).toBe(true);
    expect(alive).toBe(0);
    for (const r of readers) r.close();
  });
});
