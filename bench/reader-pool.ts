/** The orchestrator's side of the reader workers: fan a command out, gather the typed replies. */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { forkWorker, stopProcess } from './processes.js';
import { nowMs } from './clock.js';
import { Histogram } from './histogram.js';
import type {
  CollectReport,
  ConnectedReport,
  FromWorker,
  ReaderMode,
  StormReport,
  ToWorker,
} from './protocol.js';

const WORKER_SCRIPT = fileURLToPath(new URL('./reader-worker.ts', import.meta.url));

interface Worker {
  mode: ReaderMode;
  child: ChildProcess;
  inbox: FromWorker[];
  waiters: ((msg: FromWorker) => void)[];
}

export interface ConnectResult {
  subscribed: number;
  failed: number;
  errors: string[];
  subscribeAck: Histogram;
  ready: Histogram;
  connected: Histogram;
  minSeq: number;
  maxSeq: number;
}

export interface CollectResult {
  readers: number;
  open: number;
  received: number;
  lost: number;
  gaps: number;
  duplicates: number;
  disconnected: number;
  frames: number;
  latency: Histogram;
  /** socket.io-client probes only. */
  probeLatency: Histogram;
}

export interface Assignment {
  worker: Worker;
  count: number;
}

export class ReaderPool {
  private constructor(private readonly workers: Worker[]) {}

  static async start(rawWorkers: number): Promise<ReaderPool> {
    const modes: ReaderMode[] = [...Array<ReaderMode>(rawWorkers).fill('raw'), 'sio'];
    const workers = modes.map((mode): Worker => {
      const w: Worker = { mode, child: forkWorker(WORKER_SCRIPT, [mode]), inbox: [], waiters: [] };
      w.child.on('message', (msg: FromWorker) => {
        const waiter = w.waiters.shift();
        if (waiter) waiter(msg);
        else w.inbox.push(msg);
      });
      return w;
    });
    const pool = new ReaderPool(workers);
    await Promise.all(workers.map((w) => pool.next(w, 'ready', 30_000)));
    return pool;
  }

  get pids(): number[] {
    return this.workers.map((w) => w.child.pid ?? -1);
  }

  /** Worker pids with their mode, for per-process CPU figures. */
  get described(): { pid: number; mode: ReaderMode }[] {
    return this.workers.map((w) => ({ pid: w.child.pid ?? -1, mode: w.mode }));
  }

  private next<T extends FromWorker['type']>(
    w: Worker,
    type: T,
    timeoutMs: number,
  ): Promise<Extract<FromWorker, { type: T }>> {
    return new Promise((resolve, reject) => {
      const accept = (msg: FromWorker): void => {
        clearTimeout(timer);
        w.child.off('exit', onExit);
        if (msg.type === type) resolve(msg as Extract<FromWorker, { type: T }>);
        else if (msg.type === 'error') reject(new Error(`${w.mode} worker: ${msg.message}`));
        else reject(new Error(`${w.mode} worker answered ${msg.type}, expected ${type}`));
      };
      const onExit = (code: number | null): void => {
        clearTimeout(timer);
        reject(new Error(`${w.mode} reader worker exited (${code}) while waiting for ${type}`));
      };
      const timer = setTimeout(() => {
        w.child.off('exit', onExit);
        const i = w.waiters.indexOf(accept);
        if (i >= 0) w.waiters.splice(i, 1);
        reject(new Error(`${w.mode} reader worker did not answer ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      const queued = w.inbox.shift();
      if (queued) return accept(queued);
      w.waiters.push(accept);
      w.child.once('exit', onExit);
    });
  }

  private sendTo(w: Worker, msg: ToWorker): void {
    w.child.send(msg);
  }

  /** Splits `total` readers: `probes` socket.io-client probes, the rest evenly over the raw workers. */
  plan(total: number, probes: number): Assignment[] {
    const raw = this.workers.filter((w) => w.mode === 'raw');
    const sio = this.workers.filter((w) => w.mode === 'sio');
    const nProbes = sio.length > 0 ? Math.min(probes, total) : 0;
    const rest = total - nProbes;
    const out: Assignment[] = raw.map((worker, i) => ({
      worker,
      count: Math.floor(rest / raw.length) + (i < rest % raw.length ? 1 : 0),
    }));
    if (sio[0]) out.push({ worker: sio[0], count: nProbes });
    return out;
  }

  async connect(
    plan: Assignment[],
    opts: {
      blogId: string;
      urls: string[];
      totalRatePerSec: number;
      startAtMs: number;
      deadlineMs: number;
      blogIds?: string[];
      failoverUrls?: string[];
    },
  ): Promise<ConnectResult> {
    const total = plan.reduce((n, a) => n + a.count, 0);
    const offsets = plan.map((_, i) => plan.slice(0, i).reduce((n, a) => n + a.count, 0));
    const replies = await Promise.all(
      plan.map(async (a, i): Promise<ConnectedReport> => {
        const ratePerSec = Math.max(1, (opts.totalRatePerSec * a.count) / Math.max(1, total));
        const { totalRatePerSec: _rate, ...rest } = opts;
        this.sendTo(a.worker, {
          type: 'connect',
          count: a.count,
          ratePerSec,
          ...rest,
          blogOffset: offsets[i] ?? 0,
        });
        return this.next(a.worker, 'connected', opts.deadlineMs - nowMs() + 30_000);
      }),
    );
    const result: ConnectResult = {
      subscribed: 0,
      failed: 0,
      errors: [],
      subscribeAck: new Histogram(),
      ready: new Histogram(),
      connected: new Histogram(),
      minSeq: Number.POSITIVE_INFINITY,
      maxSeq: -1,
    };
    for (const r of replies) {
      result.subscribed += r.subscribed;
      result.failed += r.failed;
      result.errors.push(...r.errors);
      result.subscribeAck.merge(r.subscribeAck);
      result.ready.merge(r.ready);
      result.connected.merge(r.connected);
      if (r.subscribed > 0) {
        result.minSeq = Math.min(result.minSeq, r.minSeq);
        result.maxSeq = Math.max(result.maxSeq, r.maxSeq);
      }
    }
    return result;
  }

  async progress(plan: Assignment[]): Promise<{ received: number; open: number }> {
    const replies = await Promise.all(
      plan.map((a) => {
        this.sendTo(a.worker, { type: 'progress' });
        return this.next(a.worker, 'progress', 30_000);
      }),
    );
    return replies.reduce((acc, r) => ({ received: acc.received + r.received, open: acc.open + r.open }), {
      received: 0,
      open: 0,
    });
  }

  /** reconnect-storm: where the readers are in their resuming, summed over the workers. */
  async storm(plan: Assignment[]): Promise<{
    subscribed: number;
    resumed: number;
    pending: number;
    fresh: number;
    failedAttempts: number;
    resumeSinceClose: Histogram;
    resumeAck: Histogram;
    lastResumedAt: number;
  }> {
    const replies = await Promise.all(
      plan.map((a): Promise<StormReport> => {
        this.sendTo(a.worker, { type: 'storm' });
        return this.next(a.worker, 'storm', 30_000);
      }),
    );
    const out = {
      subscribed: 0,
      resumed: 0,
      pending: 0,
      fresh: 0,
      failedAttempts: 0,
      resumeSinceClose: new Histogram(),
      resumeAck: new Histogram(),
      lastResumedAt: -1,
    };
    for (const r of replies) {
      out.subscribed += r.subscribed;
      out.resumed += r.resumed;
      out.pending += r.pending;
      out.fresh += r.fresh;
      out.failedAttempts += r.failedAttempts;
      out.resumeSinceClose.merge(r.resumeSinceClose);
      out.resumeAck.merge(r.resumeAck);
      out.lastResumedAt = Math.max(out.lastResumedAt, r.lastResumedAt);
    }
    return out;
  }

  async collect(
    plan: Assignment[],
    expected: number,
    expectedByBlog?: Record<string, number>,
  ): Promise<CollectResult> {
    const replies = await Promise.all(
      plan.map(async (a): Promise<[ReaderMode, CollectReport]> => {
        this.sendTo(a.worker, { type: 'collect', expected, ...(expectedByBlog ? { expectedByBlog } : {}) });
        return [a.worker.mode, await this.next(a.worker, 'collect', 30_000)];
      }),
    );
    const out: CollectResult = {
      readers: 0,
      open: 0,
      received: 0,
      lost: 0,
      gaps: 0,
      duplicates: 0,
      disconnected: 0,
      frames: 0,
      latency: new Histogram(),
      probeLatency: new Histogram(),
    };
    for (const [mode, r] of replies) {
      out.readers += r.readers;
      out.open += r.open;
      out.received += r.received;
      out.lost += r.lost;
      out.gaps += r.gaps;
      out.duplicates += r.duplicates;
      out.disconnected += r.disconnected;
      out.frames += r.frames;
      out.latency.merge(r.latency);
      if (mode === 'sio') out.probeLatency.merge(r.latency);
    }
    return out;
  }

  async closeReaders(plan: Assignment[]): Promise<void> {
    await Promise.all(
      plan.map((a) => {
        this.sendTo(a.worker, { type: 'close' });
        return this.next(a.worker, 'closed', 30_000);
      }),
    );
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.workers.map((w) => {
        if (w.child.connected) w.child.disconnect();
        return stopProcess(w.child, 3000);
      }),
    );
  }
}
