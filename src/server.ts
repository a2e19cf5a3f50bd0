/**
 * Wiring only: builds the store, bus, service, HTTP app and Socket.IO from a Config; start()/stop().
 * The one place that creates Redis clients and picks implementations.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo, Socket as NetSocket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { Server as SocketServer } from 'socket.io';
import { createAuthenticator } from './auth.js';
import type { Config } from './config.js';
import { createHttpApp, HTTP_BODY_MAX_BYTES } from './http/app.js';
import { FeedHub } from './hub.js';
import { Liveblog } from './liveblog.js';
import { attachGateway, type GatewayServer } from './realtime/gateway.js';
import { guardStore } from './store/guarded-store.js';
import { MemoryBus, MemoryStore } from './store/memory-store.js';
import { RedisBus, RedisStore } from './store/redis-store.js';
import type { EventBus, Store } from './store/store.js';

/** SPEC §1: stop within 10 s of SIGTERM. */
export const SHUTDOWN_TIMEOUT_MS = 8000;

export interface LiveblogServer {
  start(): Promise<{ url: string; port: number }>;
  stop(): Promise<void>;
  /** One valid editor token: the generated one when none is configured. */
  readonly editorToken: string;
  readonly log: Logger;
}

export interface ServerOptions {
  logger?: Logger;
  instanceId?: string;
}

/** `public/` of the package, whether this runs from `dist/src/` or from `src/` (tsx, vitest). */
function assetsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'public');
}

export function createServer(config: Config, options: ServerOptions = {}): Promise<LiveblogServer> {
  const log = options.logger ?? pino({ level: config.logLevel });
  const instanceId = options.instanceId ?? randomUUID();

  let editors = config.editorTokens;
  let generatedToken: string | undefined;
  if (editors.length === 0 && !config.jwtSecret) {
    generatedToken = randomBytes(18).toString('base64url');
    editors = [{ name: 'Editor', token: generatedToken }];
  }
  const editorToken = generatedToken ?? editors[0]?.token ?? '';
  const authenticate = createAuthenticator({ editors, jwtSecret: config.jwtSecret });

  // ---- store and bus ----
  let rawStore: Store;
  let bus: EventBus;
  const redisClients: Redis[] = [];
  if (config.redisUrl) {
    const redisOptions = {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      commandTimeout: 5000,
      retryStrategy: (times: number) => Math.min(50 * 2 ** times, 2000) + Math.floor(Math.random() * 100),
    };
    const commands = new Redis(config.redisUrl, redisOptions);
    const subscriber = new Redis(config.redisUrl, {
      ...redisOptions,
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
    });
    for (const [name, client] of [
      ['commands', commands],
      ['subscriber', subscriber],
    ] as const) {
      client.on('error', (err: Error) => log.warn({ err: err.message, client: name }, 'redis error'));
      redisClients.push(client);
    }
    rawStore = new RedisStore(commands, {
      prefix: config.redisPrefix,
      resumeLogMaxEvents: config.resumeLogMaxEvents,
    });
    bus = new RedisBus(subscriber, config.redisPrefix, (channel, err) =>
      log.warn({ channel, err }, 'ignored a malformed message on the events channel'),
    );
  } else {
    const memory = new MemoryStore({ resumeLogMaxEvents: config.resumeLogMaxEvents });
    rawStore = memory;
    bus = new MemoryBus(memory);
  }
  const store = guardStore(rawStore);
  const hub = new FeedHub(store, bus, instanceId, (err) => log.warn({ err }, 'feed error'));
  const service = new Liveblog(store, hub);

  // ---- metrics ----
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  // ---- transports ----
  let accepting = false;
  const app = createHttpApp({
    service,
    authenticate,
    corsOrigins: config.corsOrigins,
    assetsDir: assetsDir(),
    metrics: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
    editorWritesPerSecond: config.editorWritesPerSecond,
    accepting: () => accepting,
    log,
  });
  const http: HttpServer = createHttpServer(app);
  const sockets = new Set<NetSocket>();
  http.on('connection', (s: NetSocket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const io: GatewayServer = new SocketServer(http, {
    maxHttpBufferSize: HTTP_BODY_MAX_BYTES,
    serveClient: false,
    cors: config.corsOrigins.length > 0 ? { origin: config.corsOrigins } : undefined,
  });
  // Each connection would otherwise keep its whole handshake request (headers, buffers) alive.
  io.engine.on('connection', (raw: { request: unknown }) => {
    raw.request = null;
  });
  attachGateway(io, service, authenticate, log, { editorWritesPerSecond: config.editorWritesPerSecond });
  new Gauge({
    name: 'liveblog_connected_sockets',
    help: 'Socket.IO connections on this instance',
    registers: [registry],
    collect() {
      this.set(io.engine.clientsCount);
    },
  });

  let url = '';
  return Promise.resolve({
    editorToken,
    log,
    async start() {
      await Promise.all(redisClients.map((c) => c.connect()));
      await store.ping();
      if (!config.redisUrl)
        log.warn(
          'REDIS_URL is not set: using the embedded in-memory store (single instance only, history is lost on exit)',
        );
      hub.start();
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.port, config.host, () => resolve());
      });
      accepting = true;
      const port = (http.address() as AddressInfo).port;
      const bound = config.host.includes(':') ? `[${config.host}]` : config.host;
      // The printed line names the bound address as configured; the returned URL is one a client can dial.
      const dialable = config.host === '0.0.0.0' ? '127.0.0.1' : config.host === '::' ? '::1' : config.host;
      url = `http://${dialable.includes(':') ? `[${dialable}]` : dialable}:${port}`;
      if (generatedToken) {
        process.stdout.write(`editor token (generated for this run): ${generatedToken}\n`);
      }
      process.stdout.write(`liveblog listening on http://${bound}:${port}\n`);
      return { url, port };
    },
    async stop() {
      accepting = false;
      const timer = setTimeout(() => {
        for (const s of sockets) s.destroy();
      }, SHUTDOWN_TIMEOUT_MS);
      timer.unref();
      // Stop accepting new connections; in-flight HTTP requests finish before http.close calls back.
      const httpClosed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      // Let in-flight writes finish and be acknowledged before the sockets go.
      await Promise.race([
        service.drain(),
        new Promise((resolve) => setTimeout(resolve, SHUTDOWN_TIMEOUT_MS / 2)),
      ]);
      // Close the transports without a Socket.IO "disconnect" packet, so clients reconnect by themselves
      // (to another instance, when there is one) and resume from their cursors.
      await io.close();
      await httpClosed;
      clearTimeout(timer);
      await hub.close();
      await bus.close();
      await store.close();
    },
  });
}
