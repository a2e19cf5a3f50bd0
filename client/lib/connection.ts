/**
 * The connection indicator. Every state change goes through the one function returned by
 * createConnectionState, so the page can never show two states at once or miss one.
 */
import type { ReaderSocket } from './sockets.js';

export type ConnectionState =
  'connecting' | 'live' | 'reconnecting' | 'offline' | 'ended' | 'gone' | 'unauthorized';

/** The words of each state; the reader page passes its blog's language (src/shared/i18n). */
export type ConnectionLabels = Record<ConnectionState, string>;

const LABELS: ConnectionLabels = {
  connecting: 'Connecting…',
  live: 'Connected — new updates appear automatically',
  reconnecting: 'Reconnecting…',
  offline: 'Offline — updates will resume when you are back online',
  ended: 'This live blog has ended; updates have stopped',
  gone: 'This live blog no longer exists; updates have stopped',
  unauthorized: 'Not signed in',
};

export interface ConnectionIndicator {
  set(state: ConnectionState): void;
  readonly state: ConnectionState;
}

export function createConnectionState(
  node: HTMLElement,
  onChange?: (state: ConnectionState) => void,
  labels: ConnectionLabels = LABELS,
): ConnectionIndicator {
  let current: ConnectionState = 'connecting';
  const set = (state: ConnectionState): void => {
    // Terminal states are not overridden by late socket noise; a blog that is gone stays gone.
    if (current === 'gone') return;
    if ((current === 'ended' || current === 'unauthorized') && state !== 'connecting' && state !== 'live')
      return;
    current = state;
    node.dataset['state'] = state;
    node.textContent = labels[state];
    node.hidden = false;
    onChange?.(state);
  };
  set('connecting');
  return {
    set,
    get state() {
      return current;
    },
  };
}

/**
 * Wires socket and browser signals to the indicator. `live` itself is set by whoever knows it is synced.
 * Returns the function that unwires them again.
 */
export function watchConnection(socket: ReaderSocket, indicator: ConnectionIndicator): () => void {
  const lost = (): void => indicator.set(navigator.onLine ? 'reconnecting' : 'offline');
  const offline = (): void => indicator.set('offline');
  // Back online: a socket that survived is still subscribed (and caught up by seq), so it is live.
  const online = (): void => indicator.set(socket.connected ? 'live' : 'reconnecting');
  socket.on('disconnect', lost);
  socket.on('connect_error', lost);
  window.addEventListener('offline', offline);
  window.addEventListener('online', online);
  return () => {
    socket.off('disconnect', lost);
    socket.off('connect_error', lost);
    window.removeEventListener('offline', offline);
    window.removeEventListener('online', online);
  };
}
