/**
 * engine.io 6 wraps every WebSocket upgrade in a `WebSocketResponse` for its middlewares (CORS, here).
 * That response listens for the TCP socket's `close` for as long as the connection lives, and so keeps
 * the upgrade's `IncomingMessage` — its headers, raw headers and stream state, about 1 KB — alive with
 * it, for every reader. Nothing of ours listens to that response (no middleware here waits for its
 * `close`), so once engine.io has taken the upgrade, that one listener is removed and the request can be
 * collected. (The other reference, engine.io's `socket.request`, is dropped on `connection`.)
 *
 * This leans on engine.io's internals: the listener is recognised by its source text, and when it is
 * not found (another engine.io version) nothing is removed — the connection works exactly as before.
 */
import type { Duplex } from 'node:stream';

/** The part of engine.io's server used here. */
export interface UpgradingEngine {
  handleUpgrade(req: unknown, socket: Duplex, head: Buffer): void;
}

/** The source of WebSocketResponse's listener in engine.io 6 (`socket.once("close", () => this.emit("close"))`). */
const RESPONSE_CLOSE_SOURCE = /^\(\)\s*=>\s*this\.emit\(["']close["']\)$/;

type Wrapped = ((...args: unknown[]) => void) & { listener?: (...args: unknown[]) => void };

export function releaseUpgradeRequests(engine: UpgradingEngine): void {
  const handleUpgrade = engine.handleUpgrade.bind(engine);
  engine.handleUpgrade = (req, socket, head) => {
    // Listeners are appended: those past `before` were added by engine.io and ws during this upgrade.
    const before = socket.listenerCount('close');
    handleUpgrade(req, socket, head);
    for (const raw of (socket.rawListeners('close') as Wrapped[]).slice(before)) {
      const listener = raw.listener ?? raw;
      if (RESPONSE_CLOSE_SOURCE.test(listener.toString())) {
        socket.removeListener('close', listener);
        return;
      }
    }
  };
}
