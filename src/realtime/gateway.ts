/**
 * The Socket.IO gateway (SPEC §3–§4): namespace `/` for readers (reader-namespace.ts), `/editor` for
 * editors (editor-namespace.ts). Every handler answers through its acknowledgement and never throws; a
 * malformed or unknown event harms nobody else.
 */
import type { Socket } from 'socket.io';
import type { Authenticate } from '../auth.js';
import type { Desk } from '../desk/desk.js';
import type { WriteLimiter } from '../write-limit.js';
import type { LiveHub } from '../live/live-hub.js';
import type { Liveblog } from '../liveblog.js';
import { NO_TELEMETRY, type Telemetry } from '../telemetry.js';
import { createAnswering } from './answering.js';
import { attachEditors } from './editor-namespace.js';
import type { Fanout } from './fanout.js';
import { READER_EVENTS, readerRequests } from './reader-namespace.js';
import type { GatewayLog, GatewayServer, ReaderNamespace } from './types.js';

export type { GatewayServer } from './types.js';

export interface GatewayOptions {
  /** Reader requests allowed per socket per second, sustained (a burst of twice that); 0 = unlimited. Default 10. */
  readerRequestsPerSecond?: number;
}

export interface GatewayDeps {
  service: Liveblog;
  live: LiveHub;
  fanout: Fanout;
  authenticate: Authenticate;
  log: GatewayLog;
  telemetry?: Telemetry;
  /** Each editor's write budget, shared by its connections on every instance. */
  writeLimiter: WriteLimiter;
  desk: Desk;
}

/**
 * A reader's Socket.IO handshake is never read once it has connected: readers send no `auth`, their
 * request was already released (src/server.ts) and their addresses are never logged. Socket.IO still
 * builds one per socket (five objects and a date string, ~350 B); readers share this empty one instead.
 */
type Handshake = Socket['handshake'];

const READER_HANDSHAKE: Handshake = Object.freeze({
  headers: Object.freeze({}),
  time: '',
  address: '',
  xdomain: false,
  secure: false,
  issued: 0,
  url: '',
  query: Object.freeze({}),
  auth: Object.freeze({}),
});

export function attachGateway(io: GatewayServer, deps: GatewayDeps, options: GatewayOptions = {}): void {
  const answers = createAnswering(deps.log);
  const readerDeps = {
    service: deps.service,
    live: deps.live,
    fanout: deps.fanout,
    answers,
    telemetry: deps.telemetry ?? NO_TELEMETRY,
    requestsPerSecond: options.readerRequestsPerSecond ?? 10,
  };
  const readers: ReaderNamespace = io.of('/');
  const wireReader = readerRequests(readerDeps);
  readers.on('connection', (socket) => {
    (socket as { handshake: Handshake }).handshake = READER_HANDSHAKE;
    wireReader(socket);
    answers.refuseUnknown(socket, READER_EVENTS);
  });
  attachEditors(io.of('/editor'), {
    ...readerDeps,
    authenticate: deps.authenticate,
    writeLimiter: deps.writeLimiter,
    desk: deps.desk,
  });
}
