/**
 * The floor for the crowd scenario: a bare `ws` server that accepts WebSocket upgrades and does nothing
 * else (no Engine.IO, no Socket.IO, no snapshot). Started by bench/bare-upgrade.ts; prints its port.
 */
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const http = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server: http });
wss.on('connection', (ws) => {
  ws.on('error', () => undefined);
});
http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  if (address && typeof address === 'object') process.stdout.write(`port ${address.port}\n`);
});
