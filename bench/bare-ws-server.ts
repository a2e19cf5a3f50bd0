/**
 * The floors for the crowd scenario, started by bench/bare-upgrade.ts (prints its port):
 * - `ws` (default): a bare `ws` server that accepts WebSocket upgrades and does nothing else (no
 *   Engine.IO, no Socket.IO, no snapshot);
 * - `sio`: a plain Socket.IO server (default options, as the baseline and liveblog run it) whose
 *   `subscribe` answers one constant acknowledgement of the size of the crowd's snapshot answer — the
 *   Engine.IO/Socket.IO handshake and one acknowledged request, with no application work at all.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { WebSocketServer } from 'ws';

const mode = process.argv[2] === 'sio' ? 'sio' : 'ws';
const http = createServer((_req, res) => res.writeHead(404).end());
if (mode === 'ws') {
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', (ws) => {
    ws.on('error', () => undefined);
  });
} else {
  const io = new Server(http, { serveClient: false, transports: ['websocket'] });
  // About the size of the crowd's answer (20 entries of the seed's length).
  const entry = { id: 'e', body: 'x'.repeat(300), html: `<p>${'x'.repeat(300)}</p>`, seq: 1 };
  const answer = { ok: true, resumed: false, entries: Array.from({ length: 20 }, () => entry), seq: 20 };
  io.on('connection', (socket) => {
    socket.on('subscribe', (_payload: unknown, ack: unknown) => {
      if (typeof ack === 'function') (ack as (a: unknown) => void)(answer);
    });
  });
}
http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  if (address && typeof address === 'object') process.stdout.write(`port ${address.port}\n`);
});
