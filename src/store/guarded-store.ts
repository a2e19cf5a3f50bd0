/**
 * Maps "the store cannot be reached" to the SPEC's `unavailable` for every store call. Errors that
 * Redis answered (a script bug) and our own AppErrors pass through unchanged.
 */
import { AppError } from '../errors.js';
import type { Store } from './store.js';

export function guardStore(store: Store): Store {
  const wrap =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await fn(...args);
      } catch (err) {
        if (err instanceof AppError || (err instanceof Error && err.name === 'ReplyError')) throw err;
        throw new AppError('unavailable', 'the store cannot be reached; nothing was written');
      }
    };
  return {
    commit: wrap((c) => store.commit(c)),
    getBlog: wrap((id) => store.getBlog(id)),
    listBlogs: wrap(() => store.listBlogs()),
    getEntry: wrap((b, e) => store.getEntry(b, e)),
    listEntries: wrap((b, q) => store.listEntries(b, q)),
    snapshot: wrap((b, l) => store.snapshot(b, l)),
    head: wrap((b) => store.head(b)),
    readEvents: wrap((b, e, s) => store.readEvents(b, e, s)),
    reportReaders: wrap((i, c, t) => store.reportReaders(i, c, t)),
    ping: wrap(() => store.ping()),
    close: () => store.close(),
  };
}
