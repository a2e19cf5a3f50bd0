/**
 * Maps "the store cannot be reached" to the SPEC's `unavailable` for every store call. Errors that
 * Redis answered (a script bug) and our own AppErrors pass through unchanged.
 */
import { AppError } from '../errors.js';
import type { Store } from './store.js';

/** Told of every call that could not reach the store, and of every call that did. */
export interface StoreHealth {
  failed(operation: string, err: unknown): void;
  succeeded(): void;
}

/**
 * Refusals by which Redis ran nothing of a command (a script stops at its first write): a replica or a
 * master without replicas refusing writes (a failover under way), a dataset loading, a cluster slot
 * without an owner. These are `unavailable`, like an unreachable store.
 */
const NOTHING_RAN = /^(READONLY|NOREPLICAS|MASTERDOWN|LOADING|CLUSTERDOWN|TRYAGAIN)\b/;

const NO_HEALTH: StoreHealth = { failed: () => undefined, succeeded: () => undefined };

export function guardStore(store: Store, health: StoreHealth = NO_HEALTH): Store {
  const wrap =
    <A extends unknown[], R>(operation: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        const result = await fn(...args);
        health.succeeded();
        return result;
      } catch (err) {
        if (err instanceof AppError) throw err;
        if (err instanceof Error && err.name === 'ReplyError' && !NOTHING_RAN.test(err.message)) throw err;
        health.failed(operation, err);
        throw new AppError('unavailable', 'the store cannot be reached; nothing was written');
      }
    };
  return {
    commit: wrap('commit', (c) => store.commit(c)),
    getBlog: wrap('getBlog', (id) => store.getBlog(id)),
    listBlogs: wrap('listBlogs', () => store.listBlogs()),
    getEntry: wrap('getEntry', (b, e) => store.getEntry(b, e)),
    getRevisions: wrap('getRevisions', (b, e) => store.getRevisions(b, e)),
    listEntries: wrap('listEntries', (b, q) => store.listEntries(b, q)),
    snapshot: wrap('snapshot', (b, l) => store.snapshot(b, l)),
    head: wrap('head', (b) => store.head(b)),
    readEvents: wrap('readEvents', (b, e, s) => store.readEvents(b, e, s)),
    reportReaders: wrap('reportReaders', (i, c, t) => store.reportReaders(i, c, t)),
    writeDraft: wrap('writeDraft', (b, d, v, draft, m) => store.writeDraft(b, d, v, draft, m)),
    getDraft: wrap('getDraft', (b, d) => store.getDraft(b, d)),
    listDrafts: wrap('listDrafts', (b) => store.listDrafts(b)),
    announce: wrap('announce', (b, m) => store.announce(b, m)),
    ping: wrap('ping', () => store.ping()),
    close: () => store.close(),
  };
}
