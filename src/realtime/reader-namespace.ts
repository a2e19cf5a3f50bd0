/**
 * The reader requests (SPEC §3) on one socket — namespace `/`, and the same requests on `/editor`.
 * The socket is a member of the live path; every request is bounded per socket.
 *
 * When a story breaks, thousands of readers arrive within seconds (issue 12), so a reader socket costs
 * as little as it can: its state is one object (its member, kept in `socket.data`), and its listeners
 * are functions shared by every socket — Socket.IO calls a listener with the socket as `this` — instead
 * of closures made for each socket.
 */
import type { LiveHub } from '../live/live-hub.js';
import type { Liveblog } from '../liveblog.js';
import { AppError } from '../errors.js';
import { TokenBucket } from '../rate-limit.js';
import { UnsubscribeSchema } from '../schema.js';
import type { Telemetry } from '../telemetry.js';
import type { Answering } from './answering.js';
import type { Fanout } from './fanout.js';
import type { ReaderMember, ReaderSocket } from './types.js';

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
 * The socket as the live path sees it. Closing the transport (not a Socket.IO disconnect) on a restart
 * makes the client reconnect and resubscribe; its old-epoch cursor gets a fresh snapshot.
 */
class SocketMember extends TokenBucket implements ReaderMember {
  constructor(
    private readonly socket: ReaderSocket,
    private readonly fanout: Fanout,
    readonly countsAsReader: boolean,
    requestsPerSecond: number,
  ) {
    super(requestsPerSecond);
  }
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

/** Makes a socket a reader; `countsAsReader: false` for an editor's socket (not one of the blog's readers). */
export type WireReader = (socket: ReaderSocket, countsAsReader?: boolean) => void;

/** The reader requests of one namespace: its listeners are made once here and shared by its sockets. */
export function readerRequests(deps: ReaderDeps): WireReader {
  const { service, live, answers, telemetry } = deps;
  /** One socket's flood of requests answers `rate_limited` and costs nobody else anything. */
  const gate = (member: ReaderMember): void => {
    if (member.take()) return;
    telemetry.rateLimited('reader');
    throw new AppError('rate_limited', 'too many requests; slow down');
  };
  function onSubscribe(this: ReaderSocket, ...args: unknown[]): void {
    const member = this.data.member;
    if (!member) return;
    answers.answer(this, 'subscribe', args, (payload) => {
      gate(member);
      return live.subscribe(member, payload);
    });
  }
  function onUnsubscribe(this: ReaderSocket, ...args: unknown[]): void {
    const member = this.data.member;
    if (!member) return;
    answers.answer(this, 'unsubscribe', args, (payload) => {
      gate(member);
      const { blogId } = UnsubscribeSchema.parse(payload);
      live.unsubscribe(member, blogId);
      return Promise.resolve({ ok: true as const });
    });
  }
  function onEntries(this: ReaderSocket, ...args: unknown[]): void {
    const member = this.data.member;
    if (!member) return;
    answers.answer(this, 'entries', args, async (payload) => {
      gate(member);
      return { ok: true as const, ...(await service.listEntries(payload)) };
    });
  }
  function onDisconnect(this: ReaderSocket): void {
    const member = this.data.member;
    if (member) live.disconnect(member);
  }
  return (socket, countsAsReader = true) => {
    socket.data.member = new SocketMember(socket, deps.fanout, countsAsReader, deps.requestsPerSecond);
    socket.on('subscribe', onSubscribe);
    socket.on('unsubscribe', onUnsubscribe);
    socket.on('entries', onEntries);
    socket.on('disconnect', onDisconnect);
  };
}
