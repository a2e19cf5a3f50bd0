/**
 * The express app (SPEC §5): JSON API, health, metrics and the server-rendered pages. Errors from any
 * route go through one middleware that maps them to the SPEC's JSON and statuses.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { existsSync } from 'node:fs';
import { bearerToken, type Authenticate } from '../auth.js';
import { AppError, HTTP_STATUS, toErrorBody } from '../errors.js';
import type { Editor, Liveblog } from '../liveblog.js';
import { KeyedRateLimiter } from '../rate-limit.js';
import { EntriesHttpQuerySchema } from '../schema.js';
import { renderBlogPage, renderConsolePage, renderIndexPage, renderNotFoundPage } from './pages.js';

/** Largest request body accepted (SPEC §2: at least 256 KB); larger is `too_large` (413). */
export const HTTP_BODY_MAX_BYTES = 256 * 1024;

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

export interface HttpAppOptions {
  service: Liveblog;
  authenticate: Authenticate;
  corsOrigins: string[];
  /** Folder of the built browser bundles, served at /assets. */
  assetsDir: string;
  metrics: () => Promise<{ contentType: string; body: string }>;
  /** Editor writes per editor per second (bursts of twice that); 0 = unlimited. */
  editorWritesPerSecond: number;
  /** False while shutting down: /readyz answers 503. */
  accepting: () => boolean;
  log: { error(obj: object, msg: string): void };
}

type Locals = { editor?: Editor };

export function createHttpApp(options: HttpAppOptions): express.Express {
  const { service, authenticate } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.set('query parser', 'simple');

  app.use((req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
    const origin = req.headers.origin;
    if (origin && options.corsOrigins.includes(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, Idempotency-Key, If-Match');
      res.setHeader('Access-Control-Allow-Methods', 'GET, PUT, POST, PATCH, DELETE');
      if (req.method === 'OPTIONS') {
        res.status(204).end();
        return;
      }
    }
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/readyz', async (_req, res) => {
    const ok = options.accepting() && (await service.ready());
    res.status(ok ? 200 : 503).json({ ok });
  });
  app.get('/metrics', async (_req, res) => {
    const m = await options.metrics();
    res.type(m.contentType).send(m.body);
  });

  // ---- JSON API ----------------------------------------------------------------------------------
  const api = express.Router();
  const limiter = new KeyedRateLimiter(options.editorWritesPerSecond);
  api.use(express.json({ limit: HTTP_BODY_MAX_BYTES, type: () => true }));

  const editorOnly = async (
    req: Request,
    res: Response<unknown, Locals>,
    next: NextFunction,
  ): Promise<void> => {
    const editor = await authenticate(bearerToken(req.headers.authorization));
    if (!editor) {
      throw new AppError('unauthorized', 'a valid editor token is required (Authorization: Bearer …)');
    }
    if (!limiter.take(editor.id)) throw new AppError('rate_limited', 'too many writes; slow down');
    res.locals.editor = editor;
    next();
  };
  const editorOf = (res: Response<unknown, Locals>): Editor => {
    if (!res.locals.editor) throw new AppError('unauthorized', 'not signed in');
    return res.locals.editor;
  };
  const body = (req: Request): Record<string, unknown> => {
    const b: unknown = req.body;
    if (b === undefined) return {};
    if (typeof b !== 'object' || b === null || Array.isArray(b))
      throw new AppError('invalid', 'the body must be a JSON object', [
        { path: [], message: 'expected an object' },
      ]);
    return b as Record<string, unknown>;
  };

  api.get('/blogs', async (_req, res) => {
    res.json({ blogs: await service.listBlogs() });
  });
  api.get('/blogs/:blogId', async (req, res) => {
    res.json({ blog: await service.getBlog(req.params.blogId) });
  });
  api.get('/blogs/:blogId/entries', async (req, res) => {
    const q = EntriesHttpQuerySchema.parse(req.query);
    res.json(await service.entriesWithCursor({ blogId: req.params.blogId, ...q }));
  });
  api.get('/blogs/:blogId/events', async (req, res) => {
    const cursor = typeof req.query.cursor === 'string' ? req.query.cursor : undefined;
    res.json(await service.eventsAfter(req.params.blogId, cursor));
  });
  api.put('/blogs/:blogId', editorOnly, async (req, res: Response<unknown, Locals>) => {
    const input = body(req);
    if (input.id !== undefined && input.id !== req.params.blogId) {
      throw new AppError('invalid', 'id in the body differs from the URL', [
        { path: ['id'], message: 'must match the URL' },
      ]);
    }
    const { blog, created } = await service.upsertBlog(editorOf(res), { ...input, id: req.params.blogId });
    res.status(created ? 201 : 200).json({ blog });
  });
  api.post('/blogs/:blogId/entries', editorOnly, async (req, res: Response<unknown, Locals>) => {
    const key = req.get('Idempotency-Key');
    const input = {
      ...body(req),
      blogId: req.params.blogId,
      ...(key !== undefined ? { idempotencyKey: key } : {}),
    };
    const { entry, duplicate } = await service.createEntry(editorOf(res), input);
    res.status(duplicate ? 200 : 201).json(duplicate ? { entry, duplicate: true } : { entry });
  });
  api.patch('/blogs/:blogId/entries/:entryId', editorOnly, async (req, res: Response<unknown, Locals>) => {
    const ifMatch = req.get('If-Match');
    let version: number | undefined;
    if (ifMatch !== undefined) {
      const m = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(ifMatch);
      if (!m?.[1])
        throw new AppError('invalid', 'If-Match must be an entry version', [
          { path: ['version'], message: 'expected a number' },
        ]);
      version = Number(m[1]);
    }
    const input = {
      ...body(req),
      blogId: req.params.blogId,
      entryId: req.params.entryId,
      ...(version !== undefined ? { version } : {}),
    };
    res.json({ entry: await service.updateEntry(editorOf(res), input) });
  });
  api.delete('/blogs/:blogId/entries/:entryId', editorOnly, async (req, res: Response<unknown, Locals>) => {
    await service.deleteEntry(editorOf(res), { blogId: req.params.blogId, entryId: req.params.entryId });
    res.status(204).end();
  });
  api.use((_req, _res) => {
    throw new AppError('not_found', 'no such API route');
  });
  app.use('/api', api);

  // ---- pages ---------------------------------------------------------------------------------------
  const origin = (req: Request): string => `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  const page = (res: Response, status: number, html: string): void => {
    res.status(status).setHeader('Content-Security-Policy', CSP);
    res.type('html').send(html);
  };
  if (existsSync(options.assetsDir)) {
    app.use('/assets', express.static(options.assetsDir, { maxAge: '5m', fallthrough: false }));
  }
  app.get('/', async (req, res) => {
    page(res, 200, renderIndexPage({ origin: origin(req) }, await service.listBlogs()));
  });
  app.get('/console', (req, res) => {
    page(res, 200, renderConsolePage({ origin: origin(req) }));
  });
  app.get('/blogs/:blogId', async (req, res) => {
    try {
      page(res, 200, renderBlogPage({ origin: origin(req) }, await service.pageData(req.params.blogId)));
    } catch (err) {
      // An unknown blog or a blog id that is not a slug is a 404 page; anything else is a real error.
      const { code } = toErrorBody(err);
      if (code !== 'not_found' && code !== 'invalid') throw err;
      page(res, 404, renderNotFoundPage({ origin: origin(req) }, 'There is no live blog here.'));
    }
  });
  app.use((req, res) => {
    page(res, 404, renderNotFoundPage({ origin: origin(req) }, 'Page not found.'));
  });

  // ---- the one error mapping -------------------------------------------------------------------------
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    let mapped: unknown = err;
    const e = err as { type?: unknown; status?: unknown };
    if (e.type === 'entity.too.large')
      mapped = new AppError('too_large', `request body over ${HTTP_BODY_MAX_BYTES} bytes`);
    else if (e.type === 'entity.parse.failed')
      mapped = new AppError('invalid', 'the body is not valid JSON', [
        { path: [], message: 'malformed JSON' },
      ]);
    else if (typeof e.status === 'number' && e.status === 404)
      mapped = new AppError('not_found', 'not found');
    const errorBody = toErrorBody(mapped);
    if (errorBody.code === 'internal') options.log.error({ err, path: req.path }, 'request failed');
    if (res.headersSent) return;
    res.status(HTTP_STATUS[errorBody.code]).json({ error: errorBody });
  });
  return app;
}
