/** The Socket.IO server and sockets, typed with the protocol (src/shared/protocol.ts). */
import type { Namespace, Server, Socket } from 'socket.io';
import type { LiveMember } from '../live/live-hub.js';
import type {
  ClientToServerEvents,
  InterServerEvents,
  ReaderToServerEvents,
  ServerToClientEvents,
  SocketData,
} from '../shared/protocol.js';

/** A socket's member of the live path, with its request budget. */
export interface ReaderMember extends LiveMember {
  /** Takes one request from the socket's budget; false when it is over its rate. */
  take(): boolean;
}

/** What the server keeps on each socket (`socket.data`). */
export interface ServerSocketData extends SocketData {
  /** The socket as a member of the live path (reader requests, on both namespaces). */
  member?: ReaderMember;
}

/** The Socket.IO server; both namespaces live on it. */
export type GatewayServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  ServerSocketData
>;
export type ReaderNamespace = Namespace<
  ReaderToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  ServerSocketData
>;
export type ReaderSocket = Socket<
  ReaderToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  ServerSocketData
>;
export type EditorSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  ServerSocketData
>;

export interface GatewayLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
