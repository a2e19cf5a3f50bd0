/**
 * Issue 8: the per-editor write limit holds across connections and instances (shared through Redis):
 * opening more connections, or writing to another instance, buys an editor no extra writes.
 */
import { SignJWT } from 'jose';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { startApp, uniqueId, type TestApp } from '../helpers/app.js';
import { api, callUnchecked, connectEditor, newBlog } from '../helpers/clients.js';

const JWT_SECRET = 'write-limit-jwt-secret-01234567';
const PER_SECOND = 5; // a window of 2 s holds 10 writes
let one: TestApp;
let two: TestApp;

beforeAll(async () => {
  const prefix = `${uniqueId('write-limit')}:`;
  const env = { JWT_SECRET, EDITOR_WRITES_PER_SECOND: String(PER_SECOND) };
  one = await startApp({ redisUrl: inject('redisUrl'), prefix, env });
  two = await startApp({ redisUrl: inject('redisUrl'), prefix, env });
});
afterAll(async () => {
  await Promise.all([one.stop(), two.stop()]);
});

it('one editor writing over two sockets and HTTP on two instances shares one budget', async () => {
  const blogId = await newBlog({ url: one.url, token: one.token });
  // A fresh editor, so its window starts with this burst.
  const token = await new SignJWT({ name: 'Busy Editor' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(uniqueId('busy'))
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(JWT_SECRET));
  const a = await connectEditor(one.url, token);
  const b = await connectEditor(two.url, token);
  try {
    const socketWrites = [a, b].flatMap((socket) =>
      Array.from({ length: 10 }, (_, i) =>
        callUnchecked(socket, 'entry:create', { blogId, body: `socket ${i}` }).then((ack) => ack.ok),
      ),
    );
    const httpWrites = Array.from({ length: 10 }, (_, i) =>
      api(two.url, 'POST', `/api/blogs/${blogId}/entries`, { token, body: { body: `http ${i}` } }).then(
        (res) => res.status === 201,
      ),
    );
    const results = await Promise.all([...socketWrites, ...httpWrites]);
    // Per connection, each of the three would have had 10: 30 in all. Shared, the editor has 10.
    expect(results.filter(Boolean)).toHaveLength(2 * PER_SECOND);
  } finally {
    a.close();
    b.close();
  }
});
