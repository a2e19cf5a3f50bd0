/** Graceful shutdown (SPEC §1): in-flight writes finish and are acknowledged; clients reconnect by themselves. */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApp, uniqueId, type TestApp } from '../helpers/app.js';
import {
  api,
  call,
  connectEditor,
  connectReconnectingReader,
  expectFresh,
  expectOk,
  expectResumed,
  newBlog,
  nextEvent,
} from '../helpers/clients.js';
import { until, within } from '../helpers/wait.js';
import { RedisServer } from '../helpers/redis-server.js';
import { Redis } from 'ioredis';

describe('stopping an instance', () => {
  const prefix = `${uniqueId('shutdown')}:`;
  let other: TestApp;
  beforeAll(async () => {
    other = await startApp({ redisUrl: inject('redisUrl'), prefix });
  });
  afterAll(async () => {
    await other.stop();
  });

  it('acknowledges a write that was in flight, and the entry is kept', async () => {
    // A private Redis whose writes we can hold back, so the write is provably in flight at stop().
    const redis = await RedisServer.start();
    const admin = new Redis(redis.url);
    admin.on('error', () => undefined);
    const app = await startApp({ redisUrl: redis.url, prefix });
    const after = await startApp({ redisUrl: redis.url, prefix });
    try {
      const blogId = await newBlog(app, { title: 'Shutdown' });
      const editor = await connectEditor(app.url, app.token);
      await admin.client('PAUSE', 1500, 'WRITE');
      const pending = editor.emitWithAck('entry:create', { blogId, body: 'in flight' });
      await until('the write to reach Redis', async () => {
        // A client held by the pause is flagged `b` and names the command it is held on.
        const lines = String(await admin.client('LIST')).split('\n');
        return lines.some((l) => /flags=b\b/.test(l) && /cmd=eval(sha)?\b/.test(l));
      });
      const stopping = app.stop();
      const ack = await within(5000, 'the in-flight ack', pending);
      await stopping;
      expect(ack.ok).toBe(true);
      const page = await api(after.url, 'GET', `/api/blogs/${blogId}/entries`);
      expect((page.body.entries as { id: string }[]).map((e) => e.id)).toEqual([expectOk(ack).entry.id]);
      editor.close();
    } finally {
      await Promise.all([app.stop(), after.stop()]);
      admin.disconnect();
      await redis.dispose();
    }
  });

  it('closes reader connections so that they reconnect by themselves and resume what they missed', async () => {
    const app = await startApp({ redisUrl: inject('redisUrl'), prefix });
    const port = app.port;
    const blogId = await newBlog(app, { title: 'Shutdown' });
    const reader = await connectReconnectingReader(app.url);
    try {
      const ack = expectFresh(await call(reader, 'subscribe', { blogId }));
      const reason = nextEvent<string>(reader, 'disconnect');
      await app.stop();
      // "io server disconnect" would stop socket.io-client from reconnecting on its own.
      expect(await reason).toBe('transport close');
      const missed = await api(other.url, 'POST', `/api/blogs/${blogId}/entries`, {
        token: other.token,
        body: { body: 'posted while the reader was away' },
      });
      expect(missed.status).toBe(201);
      const reconnected = nextEvent(reader, 'connect', 10_000);
      const replacement = await startApp({
        redisUrl: inject('redisUrl'),
        prefix,
        env: { PORT: String(port) },
      });
      try {
        await reconnected;
        const resumed = await call(reader, 'subscribe', { blogId, cursor: ack.cursor });
        expect(resumed).toMatchObject({ resumed: true });
        expect(expectResumed(resumed).events.map((e) => e.seq)).toEqual([ack.seq + 1]);
      } finally {
        await replacement.stop();
      }
    } finally {
      reader.close();
    }
  });
});
