/**
 * Media over HTTP (README "Photos and video"):
 * - `POST /api/media?alt=…&caption=…&credit=…` (editor): the body is the image's bytes, as they are
 *   (any Content-Type; `curl --data-binary @photo.jpg`); answers 201 `{ media }`.
 * - `GET /api/media/:id`: `{ media }` (for the console's preview).
 * - `GET /media/:id/:variant` (`960.webp`, `480.jpg` …): the bytes, cached for a year as immutable — a
 *   variant's bytes never change under its URL.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Authenticate } from '../../auth.js';
import { AppError } from '../../errors.js';
import type { MediaService } from '../../media/media-service.js';
import type { WriteLimiter } from '../../write-limit.js';
import { editorAuth, editorOf, type EditorLocals } from '../middleware/editor-auth.js';

export interface MediaRoutesOptions {
  media: MediaService;
  authenticate: Authenticate;
  writeLimiter: WriteLimiter;
  onLimited?: () => void;
}

export const MEDIA_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/** The upload's texts from the query string; only these keys, each once. */
function uploadText(req: Request): Record<string, unknown> {
  const text: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(req.query)) {
    if (typeof value !== 'string') {
      throw new AppError('invalid', `query parameter ${key} must be given once`, [
        { path: [key], message: 'expected one string' },
      ]);
    }
    text[key] = value;
  }
  return text;
}

export function mediaRoutes(options: MediaRoutesOptions): Router {
  const { media } = options;
  const router = express.Router();
  const editorOnly = editorAuth({
    authenticate: options.authenticate,
    writeLimiter: options.writeLimiter,
    ...(options.onLimited ? { onLimited: options.onLimited } : {}),
  });
  const raw = express.raw({ type: () => true, limit: media.limits.maxBytes });
  // The raw parser's own "too large" names no limit; this one says what the limit is.
  const readBody = (req: Request, res: Response, next: NextFunction): void => {
    raw(req, res, (err?: unknown) => {
      const type = typeof err === 'object' && err !== null ? (err as { type?: unknown }).type : undefined;
      if (type === 'entity.too.large') {
        next(new AppError('too_large', `an image may be at most ${media.limits.maxBytes} bytes`));
      } else next(err);
    });
  };

  router.post('/api/media', editorOnly, readBody, async (req, res: Response<unknown, EditorLocals>) => {
    const bytes: unknown = req.body;
    const text = uploadText(req);
    const object = await media.upload(
      editorOf(res).id,
      Buffer.isBuffer(bytes) ? bytes : Buffer.alloc(0),
      text,
    );
    res.status(201).json({ media: object });
  });

  router.get('/api/media/:id', async (req, res) => {
    res.json({ media: await media.describe(req.params.id) });
  });

  router.get('/media/:id/:variant', async (req, res) => {
    const found = await media.variant(req.params.id, req.params.variant);
    if (!found) throw new AppError('not_found', 'no such media');
    res.setHeader('Cache-Control', MEDIA_CACHE_CONTROL);
    res.setHeader('Content-Type', found.contentType);
    res.setHeader('Content-Length', String(found.bytes.length));
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.end(found.bytes);
  });

  return router;
}
