/** The browser's Socket.IO sockets, typed with the protocol (src/shared/protocol.ts). */
import { io, type Socket } from 'socket.io-client';
import type { EditorEmitEvents, ReaderEmitEvents, ServerToClientEvents } from '../../src/shared/protocol.js';

/** A socket of the reader namespace `/`. */
export type ReaderSocket = Socket<ServerToClientEvents, ReaderEmitEvents>;
/** A socket of the editor namespace `/editor`, which also takes every reader request. */
export type EditorSocket = Socket<ServerToClientEvents, EditorEmitEvents>;

/**
 * The reader socket of the page and of the embed: WebSocket first, long-polling where it is blocked,
 * reconnecting with backoff; not connected until the caller has wired its listeners.
 */
export function readerSocket(): ReaderSocket {
  return io({
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    autoConnect: false,
  });
}
