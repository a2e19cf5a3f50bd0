/**
 * The express app (SPEC §5): composes the middlewares and routers. Errors from any route go through one
 * middleware (error-handler.ts) that maps them to the SPEC's JSON and statuses.
 */
import type { WriteLimiter } from '../write-limit.js';
import express from 'express';
import type { Authenticate } from '../auth.js';
import type { Desk } from '../desk/desk.js';
import type { Liveblog } from '../liveblog.js';
import { errorHandler } from './error-handler.js';
import { cors } from './middleware/cors.js';
import { readerRateLimit } from './middleware/reader-rate-limit.js';
import { requestId } from './middleware/request-id.js';
import { securityHeaders } from './middleware/security-headers.js';
import { apiRoutes } from './routes/api.js';
import { draftRoutes } from './routes/drafts.js';
import { healthRoutes } from './routes/health.js';
import { pageRoutes } from './routes/pages.js';
import { mediaRoutes } from './routes/media.js';
import type { MediaService } from '../media/media-service.js';

/** Largest request body accepted (SPEC §2: at least 256 KB); larger is `too_large` (413). */
export const HTTP_BODY_MAX_BYTES = 256 * 1024;

export interface HttpAppOptions {
  service: Liveblog;
  /** The drafts' use cases (SPEC §10). */
  desk: Desk;
  /** Uploads (POST /api/media) and their variants (GET /media/:id/:variant). */
  media: MediaService;
  authenticate: Authenticate;
  corsOrigins: string[];
  /** Folder of the built browser bundles, served at /assets. */
  assetsDir: string;
  /** PUBLIC_URL: the origin of every absolute URL in the pages; undefined = the request's (checked). */
  publicUrl?: string | undefined;
  /** TRUST_PROXY, express's `trust proxy`; false (the default) = never trust X-Forwarded-*. */
  trustProxy?: number | string[] | false;
  metrics: () => Promise<{ contentType: string; body: string }>;
  /** METRICS_TOKEN: when set, /metrics needs it as a bearer token; undefined = open. */
  metricsToken?: string | undefined;
  /** Editor writes per editor per second (bursts of twice that); 0 = unlimited. */
  /** Each editor's write budget (EDITOR_WRITES_PER_SECOND), shared across connections and instances. */
  writeLimiter: WriteLimiter;
  /** Told of each rate-limit refusal (for metrics). */
  onRateLimited?: (who: 'reader' | 'editor') => void;
  /** API reads and pages per client address per second (bursts of twice that); 0 = unlimited. */
  readerRequestsPerSecond?: number;
  /** False while shutting down: /readyz answers 503. */
  accepting: () => boolean;
  log: {
    error(obj: object, msg: string): void;
    warn(obj: object, msg: string): void;
    debug(obj: object, msg: string): void;
  };
}

export function createHttpApp(options: HttpAppOptions): express.Express {
  const { service } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? false);
  app.set('query parser', 'simple');

  app.use(requestId());
  app.use(securityHeaders());
  app.use(cors(options.corsOrigins));
  app.use(
    healthRoutes({
      service,
      accepting: options.accepting,
      metrics: options.metrics,
      metricsToken: options.metricsToken,
    }),
  );
  // Health checks and metrics (above) and static assets are never counted; editor writes have their own.
  app.use(
    readerRateLimit({
      requestsPerSecond: options.readerRequestsPerSecond ?? 0,
      skip: (req) => req.path.startsWith('/assets/') || req.path.startsWith('/media/'),
      onLimited: () => options.onRateLimited?.('reader'),
    }),
  );
  app.use(
    mediaRoutes({
      media: options.media,
      authenticate: options.authenticate,
      writeLimiter: options.writeLimiter,
      onLimited: () => options.onRateLimited?.('editor'),
    }),
  );
  app.use(
    '/api',
    draftRoutes({
      desk: options.desk,
      authenticate: options.authenticate,
      writeLimiter: options.writeLimiter,
      onLimited: () => options.onRateLimited?.('editor'),
      bodyMaxBytes: HTTP_BODY_MAX_BYTES,
    }),
  );
  app.use(
    '/api',
    apiRoutes({
      service,
      authenticate: options.authenticate,
      writeLimiter: options.writeLimiter,
      onLimited: () => options.onRateLimited?.('editor'),
      bodyMaxBytes: HTTP_BODY_MAX_BYTES,
    }),
  );
  app.use(pageRoutes({ service, assetsDir: options.assetsDir, publicUrl: options.publicUrl }));
  app.use(errorHandler({ bodyMaxBytes: HTTP_BODY_MAX_BYTES, log: options.log }));
  return app;
}
