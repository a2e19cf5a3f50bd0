/** The Socket.IO server and sockets, typed with the protocol (src/shared/protocol.ts). */
import type { Namespace, Server, Socket } from 'socket.io';
import type {
  ClientToServerEvents,
  InterServerEvents,
  ReaderToServerEvents,
  ServerToClientEvents,
  SocketData,
} from '../shared/protocol.js';

/** The Socket.IO server; both namespaces live on it. */
export type GatewayServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type ReaderNamespace = Namespace<
  ReaderToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
export type ReaderSocket = Socket<ReaderToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type EditorSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface GatewayLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
