/** Messages between the orchestrator (run.ts) and the reader worker processes, over fork() IPC. */
import type { HistogramData } from './histogram.js';

/** `raw`: hand-rolled Engine.IO/Socket.IO over `ws`; `sio`: real socket.io-client probes. */
export type ReaderMode = 'raw' | 'sio';

export interface ConnectCommand {
  type: 'connect';
  blogId: string;
  /** Reader i of this worker connects to urls[i % urls.length]. */
  urls: string[];
  count: number;
  /** Intended connection times: startAtMs + i * 1000 / ratePerSec (open loop). */
  startAtMs: number;
  ratePerSec: number;
  /** Give up on readers not subscribed by then. */
  deadlineMs: number;
  /**
   * `many-blogs`: reader i of this worker subscribes to blogIds[(blogOffset + i) % blogIds.length]
   * instead of `blogId`, so the readers of all workers together spread evenly over the blogs.
   */
  blogIds?: string[];
  blogOffset?: number;
  /**
   * `reconnect-storm`: when a subscribed reader's connection closes, it reconnects like the browser
   * client (client/lib/sockets.ts: jittered backoff) to failoverUrls[i % length] and resumes from its
   * cursor. Without it, a closed reader counts as disconnected.
   */
  failoverUrls?: string[];
}

export interface StormCommand {
  type: 'storm';
}

export interface ProgressCommand {
  type: 'progress';
}

export interface CollectCommand {
  type: 'collect';
  /** How many events every subscribed reader should have received since its snapshot. */
  expected: number;
  /** `many-blogs`: the same per blog (a reader of a blog missing here expects `expected`). */
  expectedByBlog?: Record<string, number>;
}

export interface CloseCommand {
  type: 'close';
}

export type ToWorker = ConnectCommand | ProgressCommand | CollectCommand | CloseCommand | StormCommand;

export interface ConnectedReport {
  type: 'connected';
  subscribed: number;
  failed: number;
  /** First few distinct error texts. */
  errors: string[];
  /** subscribe emitted → ack received. */
  subscribeAck: HistogramData;
  /** intended connection time → ack received (what a reader waits for first content). */
  ready: HistogramData;
  /** intended connection time → namespace connected. */
  connected: HistogramData;
  /** Lowest and highest snapshot seq seen in the acks. */
  minSeq: number;
  maxSeq: number;
}

export interface ProgressReport {
  type: 'progress';
  /** Events received (unique by seq) summed over readers. */
  received: number;
  /** Subscribed readers whose connection is still open. */
  open: number;
}

export interface CollectReport {
  type: 'collect';
  readers: number;
  open: number;
  received: number;
  /** Σ over readers of max(0, expected − unique received). */
  lost: number;
  /** Σ of seq jumps (events skipped mid-stream). */
  gaps: number;
  duplicates: number;
  /** Readers whose connection closed after subscribing. */
  disconnected: number;
  /** Frames received of any kind. */
  frames: number;
  /** Measured-phase latency, intended send → receipt. */
  latency: HistogramData;
}

export interface StormReport {
  type: 'storm';
  /** Readers subscribed before the storm. */
  subscribed: number;
  /** Readers whose connection closed at least once and that have resumed since. */
  resumed: number;
  /** Readers closed and not resumed (yet). */
  pending: number;
  /** Readers that got a fresh snapshot instead of a resumed answer. */
  fresh: number;
  /** Reconnect attempts that failed (refused, handshake error, refused subscribe). */
  failedAttempts: number;
  /** connection closed → resumed answer received. */
  resumeSinceClose: HistogramData;
  /** resume subscribe sent → its answer (the server's work per resume, plus queueing). */
  resumeAck: HistogramData;
  /** Last resumed answer, ms on the shared clock (-1: none). */
  lastResumedAt: number;
}

export interface ClosedReport {
  type: 'closed';
}

export interface ErrorReport {
  type: 'error';
  message: string;
}

export interface ReadyReport {
  type: 'ready';
}

export type FromWorker =
  ReadyReport | ConnectedReport | ProgressReport | CollectReport | StormReport | ClosedReport | ErrorReport;
