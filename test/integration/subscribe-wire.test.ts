/**
 * The subscribe answer is written from a snapshot serialised once per (blog, seq, limit): on the wire it
 * must be exactly what Socket.IO's default encoder makes of the same answer, on both namespaces, and each
 * reader must still get its own reader count and the snapshot of its own moment.
 */
import { Encoder, PacketType } from 'socket.io-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startApp, type TestApp } from '../helpers/app.js';
import { newBlog, newEntry } from '../helpers/clients.js';
import { within } from '../helpers/wait.js';

/** A hand-written Engine.IO v4 / Socket.IO v5 client that keeps every text frame it receives. */
class RawClient {
  private readonly frames: string[] = [];
  private waiters: (() => void)[] = [];
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      if (text === '2') ws.send('3');
      else this.frames.push(text);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async open(port: number, nsp: string, auth?: object): Promise<RawClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
    // Listening before `open`: the open packet can arrive in the same read as the upgrade answer.
    const client = new RawClient(ws);
    await within(5000, 'websocket open', new Promise((r, j) => ws.once('open', r).once('error', j)));
    await client.next((f) => f.startsWith('0{'));
    const prefix = nsp === '/' ? '' : `${nsp},`;
    ws.send(`40${prefix}${auth ? JSON.stringify(auth) : ''}`);
    await client.next((f) => f.startsWith(`40${prefix}{`));
    return client;
  }

  /** The first kept frame matching `match` (waiting for it), removed from the kept ones. */
  async next(match: (frame: string) => boolean): Promise<string> {
    return within(
      5000,
      'a frame',
      (async () => {
        for (;;) {
          const i = this.frames.findIndex(match);
          if (i >= 0) return this.frames.splice(i, 1)[0] as string;
          await new Promise<void>((r) => this.waiters.push(r));
        }
      })(),
    );
  }

  send(text: string): void {
    this.ws.send(text);
  }

  close(): void {
    this.ws.close();
  }
}

/** The Engine.IO message the default encoder makes of an acknowledgement carrying `answer`. */
function defaultAck(nsp: string, id: number, answer: unknown): string {
  const [encoded] = new Encoder().encode({ type: PacketType.ACK, nsp, id, data: [answer] }) as string[];
  return `4${encoded}`;
}

describe('the subscribe answer on the wire', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  it('is byte for byte what the default encoder writes, with each reader its own count', async () => {
    const blogId = await newBlog(app);
    for (let i = 0; i < 3; i++) await newEntry(app, blogId, { body: `entry ${i} <b>"quoted"</b> ✓` });
    const readers = await Promise.all([0, 1, 2].map(() => RawClient.open(app.port, '/')));
    const answers: string[] = [];
    for (const [i, reader] of readers.entries()) {
      reader.send(`42${10 + i}["subscribe",${JSON.stringify({ blogId })}]`);
      answers.push(await reader.next((f) => f.startsWith(`43${10 + i}[`)));
    }
    const parsed = answers.map(
      (a, i) => JSON.parse(a.slice(`43${10 + i}`.length)) as [Record<string, unknown>],
    );
    for (const [i, frame] of answers.entries()) {
      expect(frame).toBe(defaultAck('/', 10 + i, parsed[i]?.[0]));
    }
    expect(parsed.map(([a]) => a.readers)).toEqual([1, 2, 3]);
    expect(parsed.map(([a]) => a.seq)).toEqual([4, 4, 4]);
    expect(parsed[0]?.[0]).toMatchObject({ ok: true, resumed: false, hasMore: false });
    expect((parsed[0]?.[0].entries as unknown[]).length).toBe(3);

    // A later reader, after another entry, gets the newer snapshot.
    await newEntry(app, blogId, { body: 'one more' });
    const late = await RawClient.open(app.port, '/');
    late.send(`421["subscribe",${JSON.stringify({ blogId, limit: 2 })}]`);
    const frame = await late.next((f) => f.startsWith('431['));
    const [answer] = JSON.parse(frame.slice(3)) as [Record<string, unknown>];
    expect(frame).toBe(defaultAck('/', 1, answer));
    expect(answer).toMatchObject({ seq: 5, hasMore: true, readers: 4 });
    expect((answer.entries as { body: string }[]).map((e) => e.body)).toEqual([
      'one more',
      'entry 2 <b>"quoted"</b> ✓',
    ]);
    for (const r of [...readers, late]) r.close();
  });

  it('writes a resume answer from the events the feed already serialised', async () => {
    const blogId = await newBlog(app);
    await newEntry(app, blogId);
    const first = await RawClient.open(app.port, '/');
    first.send(`421["subscribe",${JSON.stringify({ blogId })}]`);
    const fresh = await first.next((f) => f.startsWith('431['));
    const [{ cursor }] = JSON.parse(fresh.slice(3)) as [{ cursor: string }];
    for (let i = 0; i < 3; i++) await newEntry(app, blogId, { body: `missed ${i}` });
    for (const id of [2, 3]) {
      const reader = await RawClient.open(app.port, '/');
      reader.send(`42${id}["subscribe",${JSON.stringify({ blogId, cursor })}]`);
      const frame = await reader.next((f) => f.startsWith(`43${id}[`));
      const [answer] = JSON.parse(frame.slice(3)) as [{ resumed: boolean; events: { seq: number }[] }];
      expect(frame).toBe(defaultAck('/', id, answer));
      expect(answer.resumed).toBe(true);
      expect(answer.events.map((e) => e.seq)).toEqual([3, 4, 5]);
      reader.close();
    }
    first.close();
  });

  it('carries the namespace on /editor', async () => {
    const blogId = await newBlog(app);
    await newEntry(app, blogId);
    const editor = await RawClient.open(app.port, '/editor', { token: app.token });
    editor.send(`42/editor,7["subscribe",${JSON.stringify({ blogId })}]`);
    const frame = await editor.next((f) => f.startsWith('43/editor,7['));
    const [answer] = JSON.parse(frame.slice('43/editor,7'.length)) as [Record<string, unknown>];
    expect(frame).toBe(defaultAck('/editor', 7, answer));
    expect(answer).toMatchObject({ ok: true, resumed: false, seq: 2 });
    editor.close();
  });
});
