/**
 * The editors: real socket.io-client connections to `/editor`, publishing open-loop — entry k is due
 * at start + k / rate whatever happened to the entries before it, and carries that intended time, so
 * a slow server cannot slow the offered load nor hide its own delay from the latency figures.
 */
import { io as ioClient, type Socket } from 'socket.io-client';
import { nowMs } from './clock.js';
import { Histogram } from './histogram.js';
import { ENTRY_BODY, headline, type Phase } from './payload.js';

const ACK_TIMEOUT_MS = 10_000;

export interface PublishResult {
  /** Entries sent. */
  sent: number;
  /** Entries acknowledged `ok: true`. */
  acked: number;
  errors: number;
  errorSamples: string[];
  /** intended send time → ack. */
  ack: Histogram;
  /** intended send time → actual emit: how far the generator itself fell behind. */
  lateness: Histogram;
  /** Entries acknowledged per blog (several blogs: `many-blogs`). */
  ackedByBlog: Record<string, number>;
  /** First intended send time and the end of the schedule, ms. */
  startMs: number;
  endMs: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function describe(ack: unknown): string {
  if (isRecord(ack) && isRecord(ack.error)) return `${String(ack.error.code)}: ${String(ack.error.message)}`;
  return JSON.stringify(ack)?.slice(0, 200) ?? 'no answer';
}

export class Editors {
  private constructor(private readonly sockets: Socket[]) {}

  static async connect(url: string, token: string, count: number): Promise<Editors> {
    const sockets = await Promise.all(
      Array.from(
        { length: count },
        (_, i) =>
          new Promise<Socket>((resolve, reject) => {
            const s = ioClient(`${url}/editor`, {
              auth: { token },
              transports: ['websocket'],
              forceNew: true,
              reconnection: false,
              timeout: 10_000,
            });
            s.once('connect', () => resolve(s));
            s.once('connect_error', (err) => {
              s.disconnect();
              reject(new Error(`editor ${i} could not connect: ${err.message}`));
            });
          }),
      ),
    );
    return new Editors(sockets);
  }

  private async call(event: string, payload: unknown, editor = 0): Promise<Record<string, unknown>> {
    const s = this.sockets[editor % this.sockets.length];
    if (!s) throw new Error('no editor connected');
    const ack: unknown = await s.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload);
    if (!isRecord(ack) || ack.ok !== true) throw new Error(`${event} failed: ${describe(ack)}`);
    return ack;
  }

  async upsertBlog(id: string, title: string): Promise<void> {
    await this.call('blog:upsert', { id, title });
  }

  /** Sequential entries, unmeasured (the snapshot a subscriber receives). */
  async seed(blogId: string, count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      await this.call('entry:create', { blogId, body: ENTRY_BODY, headline: headline('w', nowMs()) }, i);
    }
  }

  /**
   * Publishes ratePerSec × durationS entries round-robin over the editors (and over the blogs, when
   * given several); resolves when all are answered.
   */
  async publish(
    blog: string | string[],
    ratePerSec: number,
    durationS: number,
    phase: Phase,
  ): Promise<PublishResult> {
    const blogs = typeof blog === 'string' ? [blog] : blog;
    const total = Math.max(1, Math.round(ratePerSec * durationS));
    const intervalMs = 1000 / ratePerSec;
    const startMs = nowMs() + 20;
    const result: PublishResult = {
      sent: 0,
      acked: 0,
      errors: 0,
      errorSamples: [],
      ack: new Histogram(),
      lateness: new Histogram(),
      ackedByBlog: {},
      startMs,
      endMs: startMs + total * intervalMs,
    };
    const fail = (text: string): void => {
      result.errors++;
      if (result.errorSamples.length < 5) result.errorSamples.push(text);
    };
    let answered = 0;
    return new Promise((resolve) => {
      const settle = (): void => {
        answered++;
        if (answered === total) resolve(result);
      };
      const emit = (k: number): void => {
        const intended = startMs + k * intervalMs;
        const s = this.sockets[k % this.sockets.length];
        result.sent++;
        result.lateness.record(nowMs() - intended);
        if (!s) {
          fail('no editor connected');
          return settle();
        }
        const blogId = blogs[k % blogs.length] ?? '';
        const payload = { blogId, body: ENTRY_BODY, headline: headline(phase, intended) };
        s.timeout(ACK_TIMEOUT_MS).emit('entry:create', payload, (err: Error | null, ack: unknown) => {
          if (err) fail(`timeout: ${err.message}`);
          else if (isRecord(ack) && ack.ok === true) {
            result.acked++;
            result.ackedByBlog[blogId] = (result.ackedByBlog[blogId] ?? 0) + 1;
            result.ack.record(nowMs() - intended);
          } else fail(describe(ack));
          settle();
        });
      };
      let next = 0;
      const pump = (): void => {
        const now = nowMs();
        while (next < total && startMs + next * intervalMs <= now) emit(next++);
        if (next < total) setTimeout(pump, Math.max(0, startMs + next * intervalMs - nowMs()));
      };
      setTimeout(pump, Math.max(0, startMs - nowMs()));
    });
  }

  close(): void {
    for (const s of this.sockets) s.disconnect();
  }
}
