/** The browser's Socket.IO sockets, typed with the protocol (src/shared/protocol.ts). */
import { io, type Socket } from 'socket.io-client';
import type { EditorEmitEvents, ReaderEmitEvents, ServerToClientEvents } from '../../src/shared/protocol.js';

/** A socket of the reader namespace `/`. */
export type ReaderSocket = Socket<ServerToClientEvents, ReaderEmitEvents>;
/** A socket of the editor namespace `/editor`, which also takes every reader request. */
export type EditorSocket = Socket<ServerToClientEvents, EditorEmitEvents>;

/** Each page draws the base of its reconnection backoff once, uniformly between these two… */
export const RECONNECT_BASE_MIN_MS = 500;
export const RECONNECT_BASE_MAX_MS = 2000;
/** …and Socket.IO adds ±50 % to every attempt (its `randomizationFactor`), doubling up to this. */
export const RECONNECT_DELAY_MAX_MS = 5000;

/**
 * The base delay of this page's reconnections. With one base for everybody (Socket.IO's default
 * 500 ms ± 50 %), every reader of an instance that dies comes back within the same half second; drawn
 * per page, the first reconnect of thousands of readers cut off together spreads evenly over 0.25–3 s,
 * so the instances that take them over see a steady stream of resumes instead of one wave.
 */
export function reconnectBaseDelayMs(random: () => number = Math.random): number {
  return RECONNECT_BASE_MIN_MS + (RECONNECT_BASE_MAX_MS - RECONNECT_BASE_MIN_MS) * random();
}

/**
 * The reader socket of the page and of the embed: WebSocket first, long-polling where it is blocked,
 * reconnecting with jittered backoff; not connected until the caller has wired its listeners.
 */
export function readerSocket(): ReaderSocket {
  return io({
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
    reconnectionDelay: reconnectBaseDelayMs(),
    randomizationFactor: 0.5,
    reconnectionDelayMax: RECONNECT_DELAY_MAX_MS,
    autoConnect: false,
  });
}
