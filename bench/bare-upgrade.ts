/**
 * What a bare WebSocket upgrade costs on this machine, to put the crowd scenario's "server CPU per
 * arriving reader" in proportion: `tsx bench/bare-upgrade.ts [readers=5000] [perSecond=1000] [ws|sio]`
 * opens that many WebSockets at that rate (open-loop, like the crowd) against bench/bare-ws-server.ts and
 * prints the server's CPU per connection (µs) and resident memory per connection (KB). With `sio`, each
 * connection also does what a crowd reader does over Engine.IO/Socket.IO — open, namespace connect, one
 * `subscribe` and its acknowledgement — against a plain Socket.IO server that does nothing else: the
 * floor of any Socket.IO server, the baseline and liveblog included. Loopback only.
 */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { cpuMicros, rssBytes } from './proc.js';

const readers = Number(process.argv[2] ?? 5000);
const perSecond = Number(process.argv[3] ?? 1000);
const mode = process.argv[4] === 'sio' ? 'sio' : 'ws';

const child = spawn(process.execPath, ['--import', 'tsx', 'bench/bare-ws-server.ts', mode], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const port = await new Promise<number>((resolve, reject) => {
  child.stdout.on('data', (d: Buffer) => {
    const m = /port (\d+)/.exec(d.toString());
    if (m?.[1]) resolve(Number(m[1]));
  });
  child.once('exit', () => reject(new Error('bare server exited')));
});
const pid = child.pid ?? 0;
await sleep(1000);
const cpu0 = cpuMicros(pid);
const rss0 = rssBytes(pid);
const sockets: WebSocket[] = [];
const opened: Promise<void>[] = [];
const start = performance.now();
for (let i = 0; i < readers; i++) {
  const due = start + (i * 1000) / perSecond;
  const wait = due - performance.now();
  if (wait > 1) await sleep(wait);
  const ws = new WebSocket(
    mode === 'ws' ? `ws://127.0.0.1:${port}/` : `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`,
  );
  sockets.push(ws);
  opened.push(
    new Promise((resolve, reject) => {
      ws.once('error', reject);
      if (mode === 'ws') {
        ws.once('open', () => resolve());
        return;
      }
      // Engine.IO open → Socket.IO connect → subscribe → its acknowledgement, as a crowd reader does.
      ws.on('message', (data: Buffer) => {
        const text = data.toString('latin1', 0, 3);
        if (text.startsWith('0')) ws.send('40');
        else if (text.startsWith('40')) ws.send('420["subscribe",{"blogId":"crisis"}]');
        else if (text.startsWith('430')) resolve();
        else if (text === '2') ws.send('3');
      });
    }),
  );
}
await Promise.all(opened);
await sleep(1000);
const cpu = cpuMicros(pid) - cpu0;
const rss = rssBytes(pid) - rss0;
console.log(
  `${mode === 'ws' ? 'bare ws upgrade' : 'plain Socket.IO connect + subscribe'}: ${readers} connections at ${perSecond}/s: ` +
    `${(cpu / readers).toFixed(0)} µs CPU and ${(rss / readers / 1024).toFixed(1)} KB RSS per connection`,
);
for (const ws of sockets) ws.terminate();
child.kill();
