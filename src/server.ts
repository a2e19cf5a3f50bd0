/**
 * Wiring only: builds the store, bus, service, HTTP app and Socket.IO from a Config; start()/stop().
 * Redis clients and the store implementation come from store/connect.ts. Prints nothing: main.ts (and
 * demo.ts) print what start() returns.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo, Socket as NetSocket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { Server as SocketServer } from 'socket.io';
import { answerParser } from './realtime/answer-parser.js';
import { createAuthenticator } from './auth.js';
import type { Config } from './config.js';
import { createHttpApp, HTTP_BODY_MAX_BYTES } from './http/app.js';
import { httpServerOptions, HTTP_TIMEOUTS, type HttpTimeouts } from './http/server-timeouts.js';
import { LiveHub } from './live/live-hub.js';
import { Liveblog } from './liveblog.js';
import { Fanout } from './realtime/fanout.js';
import { createMetrics } from './metrics.js';
import type { Telemetry } from './telemetry.js';
import { releaseUpgradeRequests } from './realtime/upgrade-request.js';
import { attachGateway, type GatewayServer } from './realtime/gateway.js';
import { connectStore } from './store/connect.js';
import { Desk } from './desk/desk.js';
import { Scheduler } from './desk/scheduler.js';
import { deliverDesk } from './realtime/desk-delivery.js';
import { LocalMediaStorage } from './media/local-storage.js';
import { MediaService } from './media/media-service.js';
import { S3MediaStorage } from './media/s3-storage.js';
import type { MediaStorage } from './media/storage.js';

/** SPEC §1: stop within 10 s of SIGTERM. */
export const SHUTDOWN_TIMEOUT_MS = 8000;

export interface StartedServer {
  /** A URL a client on this machine can dial (a wildcard bind address becomes loopback). */
  url: string;
  port: number;
  /** `http://HOST:PORT` with HOST as configured and the real port: what the start-up line names. */
  listeningOn: string;
  /** The editor token made for this run when none is configured; undefined otherwise. */
  generatedToken: string | undefined;
}

/** What the process prints once it is ready (SPEC §1): the generated token, if any, then the listening line. */
export function startupText(started: StartedServer): string {
  const token = started.generatedToken
    ? `editor token (generated for this run): ${started.generatedToken}\n`
    : '';
  return `${token}liveblog listening on ${started.listeningOn}\n`;
}

export interface LiveblogServer {
  start(): Promise<StartedServer>;
  stop(): Promise<void>;
  /** One valid editor token: the generated one when none is configured. */
  readonly editorToken: string;
  readonly log: Logger;
}

export interface ServerOptions {
  logger?: Logger;
  instanceId?: string;
  /** How long a request may take to arrive; default HTTP_TIMEOUTS (10 s headers, 30 s in all). */
  httpTimeouts?: HttpTimeouts;
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
  const authenticate = createAuthenticator({
    editors,
    contributors: config.contributorTokens,
    jwtSecret: config.jwtSecret,
  });

  const metrics = createMetrics();
  const telemetry: Telemetry = {
    ...metrics.telemetry,
    slowReaderDropped(socketId, backlogBytes) {
      metrics.telemetry.slowReaderDropped(socketId, backlogBytes);
      log.warn(
        { sid: socketId, backlogBytes },
        'dropped a reader too far behind; it may reconnect and resume',
      );
    },
  };
  const storage = connectStore(config, log, telemetry);
  const { store, bus } = storage;
  const mediaStorage: MediaStorage = config.media.s3
    ? new S3MediaStorage(config.media.s3)
    : new LocalMediaStorage(config.media.dir);
  const media = new MediaService({
    storage: mediaStorage,
    catalog: storage.mediaCatalog(),
    limits: { maxBytes: config.media.maxBytes, maxPixels: config.media.maxPixels },
  });
  const service = new Liveblog(store, { telemetry, media });
  const writeLimiter = storage.writeLimiter(config.editorWritesPerSecond);
  const desk = new Desk(store, service, storage.schedule);
  const scheduler = new Scheduler(storage.schedule, desk, {
    onError: (err) => log.warn({ err }, 'scheduled publishing failed; it is retried'),
  });

  // ---- transports ----
  let accepting = false;
  const app = createHttpApp({
    service,
    desk,
    media,
    authenticate,
    corsOrigins: config.corsOrigins,
    assetsDir: assetsDir(),
    publicUrl: config.publicUrl,
    trustProxy: config.trustProxy,
    metrics: () => metrics.render(),
    metricsToken: config.metricsToken,
    writeLimiter,
    onRateLimited: (who) => telemetry.rateLimited(who),
    readerRequestsPerSecond: config.readerRequestsPerSecond,
    accepting: () => accepting,
    log,
  });
  const http: HttpServer = createHttpServer(httpServerOptions(options.httpTimeouts ?? HTTP_TIMEOUTS), app);
  const sockets = new Set<NetSocket>();
  http.on('connection', (s: NetSocket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const io: GatewayServer = new SocketServer(http, {
    maxHttpBufferSize: HTTP_BODY_MAX_BYTES,
    serveClient: false,
    parser: answerParser,
    cors: config.corsOrigins.length > 0 ? { origin: config.corsOrigins } : undefined,
  });
  // Each connection would otherwise keep its whole handshake request (headers, buffers) alive.
  io.engine.on('connection', (raw: { request: unknown }) => {
    raw.request = null;
  });
  releaseUpgradeRequests(io.engine);
  const fanout = new Fanout([io.of('/'), io.of('/editor')], telemetry);
  const live = new LiveHub(store, bus, fanout, {
    instanceId,
    onError: (err) => log.warn({ err }, 'feed error'),
    telemetry,
  });
  attachGateway(
    io,
    { service, live, fanout, authenticate, log, telemetry, writeLimiter, desk },
    { readerRequestsPerSecond: config.readerRequestsPerSecond },
  );
  metrics.countSockets(() => io.engine.clientsCount);
  metrics.gauges({
    readers: () => io.of('/').sockets.size,
    editors: () => io.of('/editor').sockets.size,
    subscriptions: () => live.subscriptionCount(),
    followedBlogs: () => live.followed().length,
  });

  let url = '';
  return Promise.resolve({
    editorToken,
    log,
    async start() {
      await storage.start();
      await storage.desk.listen(deliverDesk(io.of('/editor')));
      live.start();
      scheduler.start();
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
      return { url, port, listeningOn: `http://${bound}:${port}`, generatedToken };
    },
    async stop() {
      accepting = false;
      await scheduler.stop();
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
      // A finished write's acknowledgement is a few promise steps behind it: let them all run (they are
      // microtasks, so one turn of the event loop suffices) before the transports close.
      await new Promise((resolve) => setImmediate(resolve));
      // Close the transports without a Socket.IO "disconnect" packet, so clients reconnect by themselves
      // (to another instance, when there is one) and resume from their cursors.
      await io.close();
      await httpClosed;
      clearTimeout(timer);
      await live.close();
      await storage.close();
    },
  });
}
