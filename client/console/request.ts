/** Editor requests over Socket.IO with an ack timeout, answered as one of three outcomes. */
import type { Socket } from 'socket.io-client';
import type { ErrorBody } from '../../src/schema.js';
import type { AnswerOf, EditorEvent, PayloadOf, SuccessOf } from '../../src/shared/protocol.js';
import { ACK_TIMEOUT_MS } from '../lib/blog-sync.js';
import { describeError, isErrorBody, issuesByField } from '../lib/errors.js';
import type { EditorSocket } from '../lib/sockets.js';

export type Outcome<T> = { kind: 'ok'; value: T } | { kind: 'error'; error: ErrorBody } | { kind: 'network' };

export function request<E extends EditorEvent>(
  socket: EditorSocket,
  event: E,
  payload: PayloadOf<E>,
): Promise<Outcome<SuccessOf<E>>> {
  // TypeScript cannot check an emit whose event name is a type parameter, so this one call goes through
  // the untyped view of the socket; the signature above ties event, payload and answer together.
  const untyped: Socket = socket;
  return new Promise((resolve) => {
    untyped
      .timeout(ACK_TIMEOUT_MS)
      .emit(event, payload, (err: Error | null, ack: AnswerOf<E> | undefined) => {
        if (err || !ack) resolve({ kind: 'network' });
        else if (ack.ok) resolve({ kind: 'ok', value: ack });
        else
          resolve({
            kind: 'error',
            error: isErrorBody(ack.error) ? ack.error : { code: 'internal', message: '' },
          });
      });
  });
}

/**
 * Shows an error next to what caused it: each `invalid` issue next to its field
 * (`#<prefix><field>-error`), everything else in the form's own error line.
 */
export function showError(
  root: ParentNode,
  prefix: string,
  formError: HTMLElement,
  error: ErrorBody | null,
): void {
  for (const node of Array.from(root.querySelectorAll<HTMLElement>('.field-error'))) node.textContent = '';
  for (const control of Array.from(root.querySelectorAll('[aria-invalid]')))
    control.removeAttribute('aria-invalid');
  formError.textContent = '';
  if (!error) return;
  const unplaced: string[] = [];
  for (const [field, message] of issuesByField(error)) {
    const target = root.querySelector<HTMLElement>(`#${CSS.escape(`${prefix}${field}-error`)}`);
    const control = root.querySelector<HTMLElement>(`#${CSS.escape(`${prefix}${field}`)}`);
    if (target) {
      target.textContent = message;
      control?.setAttribute('aria-invalid', 'true');
    } else unplaced.push(field ? `${field}: ${message}` : message);
  }
  if (error.code !== 'invalid' || unplaced.length > 0 || !error.issues?.length) {
    formError.textContent = [describeError(error), ...unplaced].join(' ');
  }
}

export function networkErrorText(): string {
  return 'The server did not answer — check your connection.';
}
