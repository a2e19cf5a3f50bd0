import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApp, uniqueId, type TestApp } from '../helpers/app.js';
import { io } from 'socket.io-client';
import {
  call,
  connectEditor,
  connectReader,
  EventLog,
  expectFresh,
  expectOk,
  newBlog,
  type ReaderSocket,
} from '../helpers/clients.js';

describe.each([
  ['memory store', false],
  ['redis store', true],
])('the live path on the %s', (_name, useRedis) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(useRedis ? { redisUrl: inject('redisUrl'), prefix: `${uniqueId('live')}:` } : {});
  });
  afterAll(async () => {
    await app.stop();
  });

  it('a reader receives an entry an editor posts, after a snapshot that already held the earlier ones', async () => {
    const blogId = uniqueId('blog');
    const editor = await connectEditor(app.url, app.token);
    const reader = await connectReader(app.url);
    try {
      await newBlog(app, { id: blogId, title: 'Crisis', editor });
      const first = expectOk(await call(editor, 'entry:create', { blogId, body: 'first' }));
      const log = new EventLog(reader);
      const ack = await call(reader, 'subscribe', { blogId });
      expect(ack).toMatchObject({ ok: true, resumed: false, seq: 2, hasMore: false, pinned: null });
      expect(expectFresh(ack).entries.map((e) => e.id)).toEqual([first.entry.id]);
      const second = expectOk(await call(editor, 'entry:create', { blogId, body: '**second**' }));
      const [event] = await log.waitFor(1, blogId);
      expect(event).toMatchObject({
        v: 1,
        type: 'entry.created',
        blogId,
        seq: 3,
        entry: { id: second.entry.id },
      });
      expect(event?.type === 'entry.created' && event.entry.html).toBe('<p><strong>second</strong></p>');
    } finally {
      editor.close();
      reader.close();
    }
  });

  it('a burst reaches WebSocket and long-polling readers alike: every event once, in seq order', async () => {
    const blogId = uniqueId('burst');
    const editor = await connectEditor(app.url, app.token);
    const ws = await connectReader(app.url);
    const polling: ReaderSocket = io(app.url, {
      transports: ['polling'],
      reconnection: false,
      forceNew: true,
    });
    try {
      await newBlog(app, { id: blogId, title: 'Burst', editor });
      const wsLog = new EventLog(ws);
      const pollLog = new EventLog(polling);
      await call(ws, 'subscribe', { blogId });
      await call(polling, 'subscribe', { blogId });
      const acks = await Promise.all(
        Array.from({ length: 30 }, (_, i) => call(editor, 'entry:create', { blogId, body: `burst ${i}` })),
      );
      expect(acks.every((a) => a.ok === true)).toBe(true);
      const expected = Array.from({ length: 30 }, (_, i) => i + 2);
      expect((await wsLog.waitFor(30, blogId)).map((e) => e.seq)).toEqual(expected);
      expect((await pollLog.waitFor(30, blogId)).map((e) => e.seq)).toEqual(expected);
      expect(pollLog.events).toEqual(wsLog.events);
    } finally {
      editor.close();
      ws.close();
      polling.close();
    }
  });
});
