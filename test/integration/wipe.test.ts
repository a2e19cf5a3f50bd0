/** A wiped Redis history (new epoch) while readers are live: they are made to start over, never misled. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, uniqueId, type TestApp } from '../helpers/app.js';
import { api, call, connectReconnectingReader, expectFresh, nextEvent } from '../helpers/clients.js';
import { RedisServer } from '../helpers/redis-server.js';

describe('when the Redis history is wiped under live readers', () => {
  let redis: RedisServer;
  let app: TestApp;
  beforeAll(async () => {
    redis = await RedisServer.start();
    app = await startApp({ redisUrl: redis.url, prefix: `${uniqueId('wipe')}:` });
  });
  afterAll(async () => {
    await app.stop();
    await redis.dispose();
  });

  it('closes their connections so they resubscribe and get the new history as a fresh snapshot', async () => {
    const blogId = uniqueId('blog');
    const put = () =>
      api(app.url, 'PUT', `/api/blogs/${blogId}`, { token: app.token, body: { title: 'Wiped' } });
    expect((await put()).status).toBe(201);
    for (const body of ['one', 'two', 'three']) {
      await api(app.url, 'POST', `/api/blogs/${blogId}/entries`, { token: app.token, body: { body } });
    }
    const reader = await connectReconnectingReader(app.url);
    try {
      const before = expectFresh(await call(reader, 'subscribe', { blogId }));
      expect(before.seq).toBe(4);

      const admin = new Redis(redis.url);
      admin.on('error', () => undefined);
      await admin.flushall();
      admin.disconnect();
      const dropped = nextEvent<string>(reader, 'disconnect');
      expect((await put()).status).toBe(201); // seq 1 of a new epoch
      expect(await dropped).toBe('transport close');

      await nextEvent(reader, 'connect');
      const after = await call(reader, 'subscribe', { blogId, cursor: before.cursor });
      expect(after).toMatchObject({ ok: true, resumed: false, seq: 1, entries: [] });
    } finally {
      reader.close();
    }
  });
});
