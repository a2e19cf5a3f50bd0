/**
 * Hostile clients (SPEC §2, §4): malformed payloads, unknown events, raw garbage frames, oversized
 * messages and script injection never crash the server, never harm another client, and never put
 * script into `html`.
 */
import type { Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Entry } from '../../src/schema.js';
import type { EditorEvent } from '../../src/shared/protocol.js';
import { EDITOR_TOKEN, startApp, uniqueId, type TestApp } from '../helpers/app.js';
import {
  expectOk,
  api,
  call,
  callUnchecked,
  connectEditor,
  connectReader,
  EventLog,
  newBlog,
  expectRefused,
  type EditorSocket,
  type ReaderSocket,
} from '../helpers/clients.js';
import { until, within } from '../helpers/wait.js';

let app: TestApp;
/** A blog a bystander reader stays subscribed to for the whole file. */
let witnessBlog: string;
let witness: ReaderSocket;
let witnessLog: EventLog;
const opened: Socket[] = [];

beforeAll(async () => {
  // Set-up writes are many and fast; the write rate limit has its own tests (editor-protocol, http-api).
  app = await startApp({
    redisUrl: inject('redisUrl'),
    prefix: `${uniqueId('hostile')}:`,
    env: { EDITOR_WRITES_PER_SECOND: '0' },
  });
  witnessBlog = await newBlog(app);
  witness = await connectReader(app.url);
  witnessLog = new EventLog(witness);
  expect(await call(witness, 'subscribe', { blogId: witnessBlog })).toMatchObject({ ok: true });
});
afterAll(async () => {
  witness.close();
  await app.stop();
});
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

async function reader(): Promise<ReaderSocket> {
  const s = await connectReader(app.url);
  opened.push(s);
  return s;
}

async function editor(): Promise<EditorSocket> {
  const s = await connectEditor(app.url, EDITOR_TOKEN);
  opened.push(s);
  return s;
}

/** The bystander is still connected and still receives the next event of its blog. */
async function expectBystanderUnharmed(): Promise<void> {
  expect(witness.connected).toBe(true);
  const res = await api(app.url, 'POST', `/api/blogs/${witnessBlog}/entries`, {
    token: EDITOR_TOKEN,
    body: { body: `still here ${uniqueId('probe')}` },
  });
  expect(res.status).toBe(201);
  const id = (res.body.entry as Entry).id;
  await until(
    'the bystander to receive the next event',
    () => witnessLog.events.some((e) => e.type === 'entry.created' && e.entry.id === id),
    5000,
  );
  expect(witness.connected).toBe(true);
}

/** The socket still answers a well-formed request. */
async function expectStillServes(socket: ReaderSocket): Promise<void> {
  expect(socket.connected).toBe(true);
  expect(await call(socket, 'unsubscribe', { blogId: 'nothing-here' })).toEqual({ ok: true });
}

const MALFORMED: [string, unknown][] = [
  ['null', null],
  ['undefined', undefined],
  ['a string', 'subscribe me'],
  ['an empty string', ''],
  ['a number', 42],
  ['NaN', Number.NaN],
  ['a boolean', true],
  ['an array', [1, 'two', { three: 3 }]],
  ['an empty object', {}],
  ['a blogId that is an object', { blogId: { $gt: '' } }],
  ['a blogId that is an array', { blogId: ['a', 'b'] }],
  ['a blogId with a path', { blogId: '../../etc/passwd' }],
  ['a blogId with Redis glob characters', { blogId: '*' }],
  ['a 10,000-character blogId', { blogId: 'a'.repeat(10_000) }],
  ['binary data', Buffer.from([0, 1, 2, 255])],
  ['a deeply nested object', nested(500)],
];

function nested(depth: number): unknown {
  let v: unknown = { blogId: 'x' };
  for (let i = 0; i < depth; i++) v = { blogId: v };
  return v;
}

describe('malformed payloads on the reader namespace', () => {
  async function expectEveryMalformedPayloadRefused(event: EditorEvent): Promise<void> {
    const socket = await reader();
    for (const [what, payload] of MALFORMED) {
      const ack = await callUnchecked(socket, event, payload);
      expect(ack, what).toMatchObject({ ok: false });
      expect(['invalid', 'not_found'], what).toContain(expectRefused(ack).code);
    }
    await expectStillServes(socket);
    await expectBystanderUnharmed();
  }

  it.each<EditorEvent>(['subscribe', 'entries'])(
    '%s answers invalid to every malformed payload and the connection keeps serving',
    async (event) => {
      await expectEveryMalformedPayloadRefused(event);
    },
  );

  it('unsubscribe answers invalid to every malformed payload and the connection keeps serving', async () => {
    await expectEveryMalformedPayloadRefused('unsubscribe');
  });
});

describe('malformed payloads on the editor namespace', () => {
  it.each<EditorEvent>(['blog:upsert', 'entry:create', 'entry:update', 'entry:delete'])(
    '%s answers invalid to every malformed payload, writes nothing, and the connection keeps serving',
    async (event) => {
      const socket = await editor();
      const before = await api(app.url, 'GET', '/api/blogs');
      for (const [what, payload] of MALFORMED) {
        const ack = await callUnchecked(socket, event, payload);
        expect(ack, what).toMatchObject({ ok: false, error: { code: 'invalid' } });
        expect(Array.isArray(expectRefused(ack).issues), what).toBe(true);
      }
      const after = await api(app.url, 'GET', '/api/blogs');
      expect((after.body.blogs as unknown[]).length).toBe((before.body.blogs as unknown[]).length);
      await expectStillServes(socket);
      await expectBystanderUnharmed();
    },
  );

  it('a __proto__ key in a payload pollutes nothing and is refused', async () => {
    const socket = await editor();
    const blogId = await newBlog(app);
    const payload = JSON.parse(
      `{"blogId":"${blogId}","body":"x","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}`,
    ) as unknown;
    const ack = await callUnchecked(socket, 'entry:create', payload);
    expect(ack).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    await expectBystanderUnharmed();
  });
});

describe('events without an acknowledgement, unknown events, extra arguments', () => {
  it('never crash the server nor close any connection', async () => {
    const r = await reader();
    const e = await editor();
    // Events and arguments no typed client could send: through the untyped view of the sockets.
    const sockets: Socket[] = [r, e];
    for (const socket of sockets) {
      for (const event of [
        'subscribe',
        'unsubscribe',
        'entries',
        'blog:upsert',
        'entry:create',
        'entry:update',
        'entry:delete',
      ]) {
        socket.emit(event);
        socket.emit(event, null);
        socket.emit(event, { blogId: witnessBlog, body: 'no ack' });
        socket.emit(event, { blogId: witnessBlog }, 'not a function', 3);
      }
      for (const event of [
        'nope',
        'event',
        'readers',
        '__proto__',
        'constructor',
        'hasOwnProperty',
        'x'.repeat(1000),
      ]) {
        socket.emit(event, { blogId: witnessBlog });
        socket.emit(event);
      }
      // an unknown event with an ack is answered invalid (hostile-sockets.test.ts); what matters here is
      // that the connection survives
      socket.timeout(200).emit('no-such-event', {}, () => undefined);
    }
    await expectStillServes(r);
    await expectStillServes(e);
    await expectBystanderUnharmed();
  });
});

/** A raw Engine.IO/Socket.IO WebSocket, for frames no well-behaved client would send. */
async function rawSocket(): Promise<{ ws: WebSocket; closed: Promise<void> }> {
  const ws = new WebSocket(`${app.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  await within(
    5000,
    'raw namespace connect',
    new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      ws.on('message', (data: Buffer) => {
        const text = data.toString();
        if (text.startsWith('0')) ws.send('40');
        if (text.startsWith('40')) resolve();
        if (text === '2') ws.send('3');
      });
    }),
  );
  return { ws, closed };
}

describe('garbage frames', () => {
  it.each([
    ['truncated JSON', '42["subscribe",{"blogId":'],
    ['a non-array event', '42{"subscribe":1}'],
    ['an event name that is not a string', '42[123,{}]'],
    ['an empty event array', '42[]'],
    ['a reserved event name', '42["disconnect","forged"]'],
    ['an unknown packet type', '49garbage'],
    ['an unknown engine packet', 'zzz'],
    ['a connect to a namespace that does not exist', '40/nowhere,'],
    ['a binary attachment that never comes', '451-["subscribe",{"_placeholder":true,"num":0}]'],
  ])('%s harms no one else', async (_what, frame) => {
    const { ws, closed } = await rawSocket();
    try {
      ws.send(frame);
      ws.send(Buffer.from([0xff, 0x00, 0x13, 0x37]));
      // A well-formed request on the same connection either is answered or the connection was closed.
      ws.send('420["unsubscribe",{"blogId":"x"}]');
      await within(
        5000,
        'an answer or a close',
        Promise.race([
          closed,
          new Promise<void>((resolve) =>
            ws.on('message', (d: Buffer) => {
              if (d.toString().startsWith('430')) resolve();
            }),
          ),
        ]),
      );
      await expectBystanderUnharmed();
    } finally {
      ws.close();
    }
  });
});

describe('oversized messages', () => {
  it('a Socket.IO message over 256 KB closes only that connection', async () => {
    const big = await editor();
    const bystanderEditor = await editor();
    const blogId = await newBlog(app);
    const disconnected = new Promise<string>((resolve) =>
      big.once('disconnect', (reason) => resolve(reason)),
    );
    big.emit('entry:create', { blogId, body: 'x'.repeat(300 * 1024) }, () => undefined);
    const reason = await within(5000, 'the oversized connection to close', disconnected);
    expect(reason).toMatch(/close|error/);
    expect(bystanderEditor.connected).toBe(true);
    await expectStillServes(bystanderEditor);
    await expectBystanderUnharmed();
    const list = await api(app.url, 'GET', `/api/blogs/${blogId}/entries`);
    expect(list.body.entries).toEqual([]);
  });

  it('a reader message over 256 KB closes only that reader', async () => {
    const big = await reader();
    const disconnected = new Promise<string>((resolve) =>
      big.once('disconnect', (reason) => resolve(reason)),
    );
    big.emit('subscribe', { blogId: witnessBlog, cursor: 'c'.repeat(300 * 1024) }, () => undefined);
    await within(5000, 'the oversized reader to close', disconnected);
    await expectBystanderUnharmed();
  });

  it('a message just under the limit is answered, not dropped', async () => {
    const socket = await editor();
    const blogId = await newBlog(app);
    const ack = await call(socket, 'entry:create', { blogId, body: 'x'.repeat(200 * 1024) });
    expect(ack).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(expectRefused(ack).issues?.map((i) => i.path)).toContainEqual(['body']);
    await expectStillServes(socket);
  });
});

const REL = 'rel="noopener noreferrer nofollow"';

/** What SPEC §2 promises of `html`, checked on the real tags (text never holds a raw `<`). */
function expectSafeHtml(html: string): void {
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<(style|iframe|img|svg|object|embed|form|input|math|link|meta)\b/i);
  for (const [tag] of html.matchAll(/<[^>]*>/g)) {
    expect(tag).not.toMatch(/\son[a-z]+\s*=/i);
    expect(tag).not.toMatch(/javascript:|vbscript:|data:|style\s*=/i);
    for (const [, href] of tag.matchAll(/href="([^"]*)"/g)) {
      expect(href).toMatch(/^(https?:|mailto:)/);
      expect(tag).toContain(REL);
    }
  }
}

describe('script injection in bodies', () => {
  it.each([
    ['a script tag', '<script>alert(document.cookie)</script>'],
    ['an img with onerror', '<img src=x onerror=alert(1)>'],
    ['an svg with onload', '<svg/onload=alert(1)>'],
    ['a raw javascript: anchor', '<a href="javascript:alert(1)">click</a>'],
    ['a raw data: anchor', '<a href="data:text/html,<script>alert(1)</script>">click</a>'],
    ['a markdown javascript: link', '[click](javascript:alert(1))'],
    ['a markdown javascript: link, obfuscated', '[click](java\tscript:alert(1)) [c2](JAVASCRIPT:alert(1))'],
    ['a markdown data: link', '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
    ['an autolink with javascript:', '<javascript:alert(1)>'],
    ['a link title with a quote', '[x](https://example.com "a\\" onmouseover=\\"alert(1))'],
    ['a link with a quote in the URL', '[x](https://example.com/"onmouseover="alert(1))'],
    ['an iframe', '<iframe src="https://evil.example"></iframe>'],
    ['a style tag', '<style>*{display:none}</style>'],
    ['mixed markdown and HTML', '**bold <script>alert(1)</script>** _it<img src=x onerror=alert(1)>_'],
  ])('%s renders to safe html, on the ack and in the event', async (_what, body) => {
    const socket = await editor();
    const blogId = await newBlog(app);
    const log = new EventLog(socket);
    await call(socket, 'subscribe', { blogId });
    const answer = await call(socket, 'entry:create', { blogId, body });
    expect(answer.ok).toBe(true);
    const ack = expectOk(answer);
    expectSafeHtml(ack.entry.html);
    const [event] = await log.waitFor(1, blogId);
    expect(event?.type === 'entry.created' && event.entry.html).toBe(ack.entry.html);
    const updated = expectOk(
      await call(socket, 'entry:update', {
        blogId,
        entryId: ack.entry.id,
        body: `${body}\n\n${body}`,
      }),
    );
    expectSafeHtml(updated.entry.html);
  });

  it('allowed links keep their target and get rel="noopener noreferrer nofollow"', async () => {
    const socket = await editor();
    const blogId = await newBlog(app);
    const ack = expectOk(
      await call(socket, 'entry:create', {
        blogId,
        body: '[Reuters](https://www.reuters.com/) and [mail us](mailto:desk@example.com) and http://example.org',
      }),
    );
    expect(ack.entry.html).toContain(`<a href="https://www.reuters.com/" ${REL}>Reuters</a>`);
    expect(ack.entry.html).toContain(`<a href="mailto:desk@example.com" ${REL}>mail us</a>`);
    expect(ack.entry.html).toContain(`<a href="http://example.org" ${REL}>http://example.org</a>`);
    expectSafeHtml(ack.entry.html);
  });

  it('script in a headline or blog title is escaped on the reader page', async () => {
    const id = await newBlog(app, { title: '</title><script>alert(1)</script>' });
    const post = await api(app.url, 'POST', `/api/blogs/${id}/entries`, {
      token: EDITOR_TOKEN,
      body: { headline: '<img src=x onerror=alert(2)>', body: '</script><script>alert(3)</script>' },
    });
    expect(post.status).toBe(201);
    const res = await fetch(`${app.url}/blogs/${id}`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).not.toContain('<script>alert(');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toMatch(/<\/script><script>alert/);
  });
});
