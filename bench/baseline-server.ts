/**
 * The baseline: the live blog as a team would write it by hand on plain Socket.IO with
 * `@socket.io/redis-adapter`. Same protocol surface the benchmark uses (namespace `/` with `subscribe`,
 * namespace `/editor` with `blog:upsert` and `entry:create`), same envelope and entry shape, same
 * ready line, so the load generator cannot tell the arms apart.
 *
 * - an entry is INCR'd for its seq, LPUSHed to a Redis list and broadcast with
 *   `io.to(blogId).emit('event', envelope)` (the adapter PUBLISHes it to the other instances);
 * - `subscribe` joins the room and answers the newest 20 entries with LRANGE (+ GET blog, GET seq);
 * - the reader count is the local room size (no cross-instance count, no `readers` broadcasts);
 * - `html` is the escaped body in one paragraph (the benchmark body is plain text).
 *
 * Env: PORT, HOST, REDIS_URL, REDIS_PREFIX, EDITOR_TOKENS (`name:token,…`). `/metrics` exposes the
 * event-loop delay p99 since the previous scrape, like prom-client's default metrics.
 */
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import express from 'express';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';

const PORT = Number(process.env.PORT ?? 3000);
const HOST = process.env.HOST ?? '127.0.0.1';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = process.env.REDIS_PREFIX ?? 'baseline:';
const SNAPSHOT_LIMIT = 20;

const editors = new Map<string, { id: string; name: string }>();
for (const pair of (process.env.EDITOR_TOKENS ?? '').split(',')) {
  const i = pair.lastIndexOf(':');
  if (i <= 0) continue;
  const name = pair.slice(0, i).trim();
  editors.set(pair.slice(i + 1).trim(), { id: name.toLowerCase().replace(/[^a-z0-9]+/g, '-'), name });
}

function onRedisError(err: Error): void {
  console.error(`redis: ${err.message}`);
}
const redis = new Redis(REDIS_URL);
const pub = new Redis(REDIS_URL);
const sub = pub.duplicate();
for (const c of [redis, pub, sub]) c.on('error', onRedisError);

const keys = (blogId: string) => ({
  blog: `${PREFIX}blog:${blogId}`,
  entries: `${PREFIX}entries:${blogId}`,
  seq: `${PREFIX}seq:${blogId}`,
});

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

const app = express();
app.get('/healthz', (_req, res) => {
  res.send('ok');
});
app.get('/readyz', (_req, res) => {
  res.status(redis.status === 'ready' ? 200 : 503).send(redis.status);
});
app.get('/metrics', (_req, res) => {
  const p99 = loopDelay.percentile(99) / 1e9;
  loopDelay.reset();
  res
    .type('text/plain')
    .send(`# TYPE nodejs_eventloop_lag_p99_seconds gauge\nnodejs_eventloop_lag_p99_seconds ${p99}\n`);
});

const httpServer = createServer(app);
const io = new Server(httpServer, { adapter: createAdapter(pub, sub, { key: `${PREFIX}socket.io` }) });

type Ack = (answer: unknown) => void;
const fail = (ack: Ack, code: string, message: string): void => ack({ ok: false, error: { code, message } });
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

io.on('connection', (socket) => {
  socket.on('subscribe', async (payload: unknown, ack: unknown) => {
    if (typeof ack !== 'function') return;
    const reply = ack as Ack;
    if (!isRecord(payload) || typeof payload.blogId !== 'string') return fail(reply, 'invalid', 'blogId');
    const blogId = payload.blogId;
    const k = keys(blogId);
    try {
      await socket.join(blogId);
      const [blog, list, seq] = await Promise.all([
        redis.get(k.blog),
        redis.lrange(k.entries, 0, SNAPSHOT_LIMIT - 1),
        redis.get(k.seq),
      ]);
      if (blog === null) {
        await socket.leave(blogId);
        return fail(reply, 'not_found', 'no such blog');
      }
      const n = Number(seq ?? 0);
      reply({
        ok: true,
        resumed: false,
        blog: JSON.parse(blog) as unknown,
        entries: list.map((e) => JSON.parse(e) as unknown),
        pinned: null,
        hasMore: list.length === SNAPSHOT_LIMIT,
        cursor: `c${n}`,
        seq: n,
        readers: io.of('/').adapter.rooms.get(blogId)?.size ?? 0,
      });
    } catch (err) {
      fail(reply, 'unavailable', err instanceof Error ? err.message : 'store error');
    }
  });
  socket.on('unsubscribe', async (payload: unknown, ack: unknown) => {
    if (isRecord(payload) && typeof payload.blogId === 'string') await socket.leave(payload.blogId);
    if (typeof ack === 'function') (ack as Ack)({ ok: true });
  });
});

const editorNs = io.of('/editor');
editorNs.use((socket, next) => {
  const auth: unknown = socket.handshake.auth;
  const token = isRecord(auth) && typeof auth.token === 'string' ? auth.token : '';
  const editor = editors.get(token);
  if (!editor) return next(new Error('unauthorized'));
  socket.data = { editor };
  next();
});

editorNs.on('connection', (socket) => {
  const author = (socket.data as { editor: { id: string; name: string } }).editor;

  socket.on('blog:upsert', async (payload: unknown, ack: unknown) => {
    if (typeof ack !== 'function') return;
    const reply = ack as Ack;
    if (!isRecord(payload) || typeof payload.id !== 'string' || typeof payload.title !== 'string') {
      return fail(reply, 'invalid', 'id and title');
    }
    const now = new Date().toISOString();
    const blog = {
      id: payload.id,
      title: payload.title,
      description: '',
      status: 'live',
      createdAt: now,
      updatedAt: now,
    };
    try {
      await redis.set(keys(blog.id).blog, JSON.stringify(blog));
      reply({ ok: true, blog });
    } catch (err) {
      fail(reply, 'unavailable', err instanceof Error ? err.message : 'store error');
    }
  });

  socket.on('entry:create', async (payload: unknown, ack: unknown) => {
    if (typeof ack !== 'function') return;
    const reply = ack as Ack;
    if (!isRecord(payload) || typeof payload.blogId !== 'string' || typeof payload.body !== 'string') {
      return fail(reply, 'invalid', 'blogId and body');
    }
    const { blogId, body } = payload;
    const headline = typeof payload.headline === 'string' ? payload.headline : undefined;
    if (body.length < 1 || body.length > 20_000 || (headline !== undefined && headline.length > 200)) {
      return fail(reply, 'invalid', 'body or headline out of bounds');
    }
    const k = keys(blogId);
    try {
      if ((await redis.exists(k.blog)) === 0) return fail(reply, 'not_found', 'no such blog');
      const seq = await redis.incr(k.seq);
      const now = new Date().toISOString();
      const entry = {
        id: randomUUID(),
        blogId,
        headline,
        body,
        html: `<p>${escapeHtml(body)}</p>`,
        author,
        keyEvent: payload.keyEvent === true,
        pinned: false,
        createdAt: now,
        updatedAt: now,
        version: 1,
      };
      await redis.lpush(k.entries, JSON.stringify(entry));
      io.to(blogId).emit('event', {
        v: 1,
        type: 'entry.created',
        blogId,
        seq,
        cursor: `c${seq}`,
        at: now,
        entry,
      });
      reply({ ok: true, entry, duplicate: false });
    } catch (err) {
      fail(reply, 'unavailable', err instanceof Error ? err.message : 'store error');
    }
  });
});

httpServer.listen(PORT, HOST, () => {
  const addr = httpServer.address();
  const port = typeof addr === 'object' && addr ? addr.port : PORT;
  console.log(`baseline listening on http://${HOST}:${port}`);
});

process.once('SIGTERM', () => {
  const timer = setTimeout(() => process.exit(0), 5000);
  timer.unref();
  void io.close(() => {
    void Promise.allSettled([redis.quit(), pub.quit(), sub.quit()]).then(() => process.exit(0));
  });
});
