/**
 * The reader requests (SPEC §3) on one socket — namespace `/`, and the same requests on `/editor`.
 * The socket is a member of the live path; every request is bounded per socket.
 */
import type { LiveHub, LiveMember } from '../live/live-hub.js';
import type { Liveblog } from '../liveblog.js';
import { AppError } from '../errors.js';
import { TokenBucket } from '../rate-limit.js';
import { UnsubscribeSchema } from '../schema.js';
import type { Telemetry } from '../telemetry.js';
import type { Answering } from './answering.js';
import type { Fanout } from './fanout.js';
import type { ReaderSocket } from './types.js';

export const READER_EVENTS = ['subscribe', 'unsubscribe', 'entries'] as const;

export interface ReaderDeps {
  service: Liveblog;
  live: LiveHub;
  fanout: Fanout;
  answers: Answering;
  telemetry: Telemetry;
  /** Reader requests per socket per second, sustained (bursts of twice that); 0 = unlimited. */
  requestsPerSecond: number;
}

export function wireReader(socket: ReaderSocket, deps: ReaderDeps): void {
  const { service, live, fanout, answers, telemetry } = deps;
  // The socket as the live path sees it. Closing the transport (not a Socket.IO disconnect) on a restart
  // makes the client reconnect and resubscribe; its old-epoch cursor gets a fresh snapshot.
  const member: LiveMember = {
    get connected() {
      return socket.connected;
    },
    join: (blogId) => fanout.join(socket, blogId),
    leave: (blogId) => void socket.leave(blogId),
    restart: () => socket.conn.close(),
  };
  const bucket = new TokenBucket(deps.requestsPerSecond);
  /** One socket's flood of requests answers `rate_limited` and costs nobody else anything. */
  const limited =
    <A>(handler: (payload: unknown) => Promise<A>) =>
    (payload: unknown): Promise<A> => {
      if (bucket.take()) return handler(payload);
      telemetry.rateLimited('reader');
      return Promise.reject(new AppError('rate_limited', 'too many requests; slow down'));
    };

  socket.on(
    'subscribe',
    answers.answering(
      socket,
      'subscribe',
      limited((payload) => live.subscribe(member, payload)),
    ),
  );
  socket.on(
    'unsubscribe',
    answers.answering(
      socket,
      'unsubscribe',
      limited((payload) => {
        const { blogId } = UnsubscribeSchema.parse(payload);
        live.unsubscribe(member, blogId);
        return Promise.resolve({ ok: true as const });
      }),
    ),
  );
  socket.on(
    'entries',
    answers.answering(
      socket,
      'entries',
      limited(async (payload) => ({ ok: true as const, ...(await service.listEntries(payload)) })),
    ),
  );
  socket.on('disconnect', () => live.disconnect(member));
}
