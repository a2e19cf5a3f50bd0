/**
 * Publishes scheduled drafts when they are due (SPEC §10: within 2 s, exactly once whatever the number
 * of instances, also when the instance that scheduled one has stopped). Every instance polls the shared
 * ScheduleQueue every POLL_INTERVAL_MS; a due draft is claimed by one instance for CLAIM_LEASE_MS. A
 * claimer that dies leaves the claim to expire, and another instance publishes it then; the publish
 * itself takes the draft out of the drafts in the entry's own commit, so no claim ever publishes twice.
 */
import type { ScheduleQueue } from '../store/store.js';
import type { Desk } from './desk.js';

export const POLL_INTERVAL_MS = 500;
/** How long a claim is its instance's before another instance may take the draft over. */
export const CLAIM_LEASE_MS = 10_000;
/** Drafts claimed in one poll. */
const CLAIM_BATCH_MAX = 50;

export interface SchedulerOptions {
  pollIntervalMs?: number;
  leaseMs?: number;
  now?: () => number;
  onError?: (err: unknown) => void;
}

export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly now: () => number;
  private readonly onError: (err: unknown) => void;

  constructor(
    private readonly queue: ScheduleQueue,
    private readonly desk: Desk,
    options: SchedulerOptions = {},
  ) {
    this.pollMs = options.pollIntervalMs ?? POLL_INTERVAL_MS;
    this.leaseMs = options.leaseMs ?? CLAIM_LEASE_MS;
    this.now = options.now ?? Date.now;
    this.onError = options.onError ?? (() => undefined);
  }

  start(): void {
    this.stopped = false;
    this.arm();
  }

  private arm(): void {
    if (this.stopped) return;
    // A little jitter, so instances started together do not poll in lockstep.
    this.timer = setTimeout(
      () => {
        this.running = this.tick()
          .catch(this.onError)
          .finally(() => {
            this.running = undefined;
            this.arm();
          });
      },
      this.pollMs * (0.8 + Math.random() * 0.4),
    );
  }

  /** One poll: claim what is due and publish it. */
  async tick(): Promise<void> {
    const claimed = await this.queue.claimDue(this.now(), this.leaseMs, CLAIM_BATCH_MAX);
    for (const { ref, claim } of claimed) {
      try {
        const outcome = await this.desk.publishDue(ref);
        if (outcome.status === 'later') await this.queue.add(ref, outcome.atMs);
        else await this.queue.done(ref, claim);
      } catch (err) {
        // Left claimed: when the lease ends, this or another instance tries again.
        this.onError(err);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
