/** The desk's embedded parts: the desk channel and the schedule in one process (same contract as Redis). */
import type { DeskMessage } from '../desk/schema.js';
import type { MemoryStore } from './memory-store.js';
import type { DeskBus, ScheduledRef, ScheduleQueue } from './store.js';

export class MemoryDeskBus implements DeskBus {
  private listener: ((blogId: string, message: DeskMessage) => void) | undefined;

  constructor(store: MemoryStore) {
    // Asynchronous like Redis, so no caller depends on being told synchronously.
    store.publishDesk = (blogId, message) => queueMicrotask(() => this.listener?.(blogId, message));
  }

  listen(listener: (blogId: string, message: DeskMessage) => void): Promise<void> {
    this.listener = listener;
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.listener = undefined;
    return Promise.resolve();
  }
}

const memberOf = (ref: ScheduledRef): string => `${ref.blogId}/${ref.draftId}`;

export class MemoryScheduleQueue implements ScheduleQueue {
  private readonly due = new Map<string, { ref: ScheduledRef; atMs: number }>();

  add(ref: ScheduledRef, atMs: number): Promise<void> {
    this.due.set(memberOf(ref), { ref, atMs });
    return Promise.resolve();
  }

  remove(ref: ScheduledRef): Promise<void> {
    this.due.delete(memberOf(ref));
    return Promise.resolve();
  }

  claimDue(nowMs: number, leaseMs: number, max: number): Promise<{ ref: ScheduledRef; claim: number }[]> {
    const claim = nowMs + leaseMs;
    const claimed: { ref: ScheduledRef; claim: number }[] = [];
    for (const item of this.due.values()) {
      if (claimed.length >= max) break;
      if (item.atMs > nowMs) continue;
      item.atMs = claim;
      claimed.push({ ref: item.ref, claim });
    }
    return Promise.resolve(claimed);
  }

  done(ref: ScheduledRef, claim: number): Promise<void> {
    if (this.due.get(memberOf(ref))?.atMs === claim) this.due.delete(memberOf(ref));
    return Promise.resolve();
  }
}
