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

export interface Answering {
  /** The listener of a request: no ack function → ignored; any error → an error ack. */
  /** `gate` runs first and may throw (e.g. `rate_limited`). */
  answering<A>(
    socket: { id: string },
    event: string,
    handler: (payload: unknown) => Promise<A>,
    gate?: () => void,
  ): Listener;
  /** Answers `invalid` to events that are not part of the protocol but came with an acknowledgement. */
  refuseUnknown(
    socket: { id: string; onAny(fn: (event: string, ...args: unknown[]) => void): unknown },
    known: readonly string[],
  ): void;
}

export function createAnswering(log: GatewayLog): Answering {
  const fail = (ack: Reply<Failure>, err: unknown, context: object): void => {
    const error = toErrorBody(err);
    if (isInternal(err)) log.error({ err, ...context }, 'socket handler failed');
    else if (error.code === 'unavailable') log.warn({ ...context, code: error.code }, 'request failed');
    ack({ ok: false, error });
  };
  return {
    answering<A>(
      socket: { id: string },
      event: string,
      handler: (payload: unknown) => Promise<A>,
      gate?: () => void,
    ): Listener {
      return (...args: unknown[]) => {
        // The acknowledgement is the last argument, whatever came before it: `emit(event, ack)` with no
        // payload (python-socketio's `call(event)`) and `emit(event, payload, extra…, ack)` both get an
        // answer. The payload is the first argument that is not the acknowledgement; extras are ignored.
        const reply = args.at(-1);
        const input = args.length > 1 ? args[0] : undefined;
        if (typeof reply !== 'function') return;
        const answer = reply as Reply<A | Failure>;
        const context = { event, sid: socket.id };
        // Through a promise, so even a handler that throws synchronously answers with an error ack.
        Promise.resolve(input)
          .then((value) => {
            gate?.();
            return handler(value);
          })
          .then(
            (result) => answer(result),
            (err: unknown) => fail(answer, err, context),
          );
      };
    },
    refuseUnknown(socket, known) {
      socket.onAny((event, ...args) => {
        if (known.includes(event)) return;
        const ack = args.at(-1);
        if (typeof ack !== 'function') return;
        fail(
          ack as Reply<Failure>,
          new AppError('invalid', `unknown event ${JSON.stringify(event).slice(0, 80)}`),
          {
            event: 'unknown',
            sid: socket.id,
          },
        );
      });
    },
  };
}
