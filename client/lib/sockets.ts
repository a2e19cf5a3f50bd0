/** The browser's Socket.IO sockets, typed with the protocol (src/shared/protocol.ts). */
import type { Socket } from 'socket.io-client';
import type { EditorEmitEvents, ReaderEmitEvents, ServerToClientEvents } from '../../src/shared/protocol.js';

/** A socket of the reader namespace `/`. */
export type ReaderSocket = Socket<ServerToClientEvents, ReaderEmitEvents>;
/** A socket of the editor namespace `/editor`, which also takes every reader request. */
export type EditorSocket = Socket<ServerToClientEvents, EditorEmitEvents>;
