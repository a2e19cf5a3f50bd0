/**
 * Every Socket.IO request is answered through its acknowledgement, and a handler never throws: an error
 * becomes `{ ok: false, error }` with the SPEC's code. What a client sends is untrusted, including the
 * shape of the call itself.
 */
import { AppError, isInternal, toErrorBody } from '../errors.js';
import type { Failure, Reply } from '../shared/protocol.js';
import type { GatewayLog } from './types.js';

/** A request's listener; Socket.IO hands it the arguments as the client sent them. */
export type Listener = (...args: unknown[]) => void;

/** A listener shared by many sockets: Socket.IO calls it with the socket as `this`. */
type AnyListener = (this: { id: string }, event: string, ...args: unknown[]) => void;

export interface Answering {
  /**
   * Answers one request: `args` as Socket.IO handed them to the listener. No ack function → ignored;
   * any error, thrown or rejected → an error ack.
   */
  answer<A>(
    socket: { id: string },
    event: string,
    args: unknown[],
    handler: (payload: unknown) => Promise<A>,
  ): void;
  /** The listener of a request, for one socket. `gate` runs first and may throw (e.g. `rate_limited`). */
  answering<A>(
    socket: { id: string },
    event: string,
    handler: (payload: unknown) => Promise<A>,
    gate?: () => void,
  ): Listener;
  /** Answers `invalid` to events that are not part of the protocol but came with an acknowledgement. */
  refuseUnknown(socket: { onAny(fn: AnyListener): unknown }, known: readonly string[]): void;
}

export function createAnswering(log: GatewayLog): Answering {
  const fail = (ack: Reply<Failure>, err: unknown, event: string, sid: string): void => {
    const error = toErrorBody(err);
    if (isInternal(err)) log.error({ err, event, sid }, 'socket handler failed');
    else if (error.code === 'unavailable') log.warn({ event, sid, code: error.code }, 'request failed');
    ack({ ok: false, error });
  };
  const answer = <A>(
    socket: { id: string },
    event: string,
    args: unknown[],
    handler: (payload: unknown) => Promise<A>,
  ): void => {
    // The acknowledgement is the last argument, whatever came before it: `emit(event, ack)` with no
    // payload (python-socketio's `call(event)`) and `emit(event, payload, extra…, ack)` both get an
    // answer. The payload is the first argument that is not the acknowledgement; extras are ignored.
    const reply = args.at(-1);
    const input = args.length > 1 ? args[0] : undefined;
    if (typeof reply !== 'function') return;
    const ack = reply as Reply<A | Failure>;
    // Through a promise, so even a handler that throws synchronously answers with an error ack.
    Promise.resolve(input)
      .then(handler)
      .then(
        (result) => ack(result),
        (err: unknown) => fail(ack, err, event, socket.id),
      );
  };
  /** One listener per list of known events, shared by every socket that has that list. */
  const refusers = new Map<readonly string[], AnyListener>();
  const refuserOf = (known: readonly string[]): AnyListener => {
    let refuser = refusers.get(known);
    if (!refuser) {
      refuser = function (this: { id: string }, event: string, ...args: unknown[]): void {
        if (known.includes(event)) return;
        const ack = args.at(-1);
        if (typeof ack !== 'function') return;
        const error = new AppError('invalid', `unknown event ${JSON.stringify(event).slice(0, 80)}`);
        fail(ack as Reply<Failure>, error, 'unknown', this.id);
      };
      refusers.set(known, refuser);
    }
    return refuser;
  };
  return {
    answer,
    answering(socket, event, handler, gate) {
      const gated = gate
        ? (payload: unknown) => {
            gate();
            return handler(payload);
          }
        : handler;
      return (...args: unknown[]) => answer(socket, event, args, gated);
    },
    refuseUnknown(socket, known) {
      socket.onAny(refuserOf(known));
    },
  };
}
