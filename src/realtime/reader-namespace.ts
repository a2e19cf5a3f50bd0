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

/**
 * The socket as the live path sees it (a class, so thousands of sockets share its methods). Closing the
 * transport (not a Socket.IO disconnect) on a restart makes the client reconnect and resubscribe; its
 * old-epoch cursor gets a fresh snapshot.
 */
class SocketMember implements LiveMember {
  constructor(
    private readonly socket: ReaderSocket,
    private readonly fanout: Fanout,
    readonly countsAsReader: boolean,
  ) {}
  get connected(): boolean {
    return this.socket.connected;
  }
  join(blogId: string): void {
    this.fanout.join(this.socket, blogId);
  }
  leave(blogId: string): void {
    void this.socket.leave(blogId);
  }
  restart(): void {
    this.socket.conn.close();
  }
}

/** `countsAsReader: false` for an editor's socket: the console is not one of the blog's readers. */
export function wireReader(socket: ReaderSocket, deps: ReaderDeps, countsAsReader = true): void {
  const { service, live, answers, telemetry } = deps;
  const member = new SocketMember(socket, deps.fanout, countsAsReader);
  const bucket = new TokenBucket(deps.requestsPerSecond);
  /** One socket's flood of requests answers `rate_limited` and costs nobody else anything. */
  const gate = (): void => {
    if (bucket.take()) return;
    telemetry.rateLimited('reader');
    throw new AppError('rate_limited', 'too many requests; slow down');
  };
  socket.on(
    'subscribe',
    answers.answering(socket, 'subscribe', (payload) => live.subscribe(member, payload), gate),
  );
  socket.on(
    'unsubscribe',
    answers.answering(
      socket,
      'unsubscribe',
      (payload) => {
        const { blogId } = UnsubscribeSchema.parse(payload);
        live.unsubscribe(member, blogId);
        return Promise.resolve({ ok: true as const });
      },
      gate,
    ),
  );
  socket.on(
    'entries',
    answers.answering(
      socket,
      'entries',
      async (payload) => ({ ok: true as const, ...(await service.listEntries(payload)) }),
      gate,
    ),
  );
  socket.on('disconnect', () => live.disconnect(member));
}
