/**
 * The embed (SPEC §9, README "Embed"): `GET /embed.js`, the loader a host page includes with one
 * `<script>`, and `GET /embed/:blogId`, the compact live page it puts in a sandboxed iframe.
 */
import express, { type Router } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { toErrorBody } from '../../errors.js';
import type { Liveblog } from '../../liveblog.js';
import { PAGE_LIMIT_MAX } from '../../schema.js';
import { renderEmbedNotFound, renderEmbedPage, type EmbedState } from '../embed-page.js';
import { embedCsp, sendPage } from '../middleware/security-headers.js';
import { publicOrigin } from '../public-origin.js';

/** Entries an embed shows when the host does not say (`data-limit`). */
export const EMBED_LIMIT_DEFAULT = 10;
/**
 * embed.js has a stable URL (hosts paste it once), so caches keep it briefly; a fix reaches every host
 * within this time. Revalidation is cheap (ETag).
 */
const EMBED_JS_MAX_AGE_S = 300;

/**
 * The embed's options as they arrive in the query string (embed.js passes them on from the script's
 * data- attributes). A value that is not understood falls back to its default: a typo in a host's
 * snippet should still show the blog.
 */
const EmbedQuerySchema = z.object({
  mode: z.enum(['all', 'key-events']).catch('all'),
  limit: z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).catch(EMBED_LIMIT_DEFAULT),
  theme: z.enum(['light', 'dark', 'auto']).catch('auto'),
  accent: z
    .string()
    .regex(/^[0-9a-f]{3}(?:[0-9a-f]{3})?$/i)
    .transform((hex) => `#${hex.toLowerCase()}`)
    .optional()
    .catch(undefined),
});

export interface EmbedRoutesOptions {
  service: Liveblog;
  /** Folder of the built browser bundles (embed.js is one of them). */
  assetsDir: string;
  /** PUBLIC_URL: the origin of every absolute URL in the pages; undefined = the request's (checked). */
  publicUrl: string | undefined;
}

export function embedRoutes(options: EmbedRoutesOptions): Router {
  const { service } = options;
  const router = express.Router();
  const origin = publicOrigin(options.publicUrl);
  const loader = join(options.assetsDir, 'embed.js');

  router.get('/embed.js', (_req, res, next) => {
    if (!existsSync(loader)) {
      next();
      return;
    }
    // Any site may load it (it is a public script); `*` without credentials is the CORS-safe answer,
    // and CORP lets hosts that require it (COEP) load it too.
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.sendFile(loader, {
      maxAge: EMBED_JS_MAX_AGE_S * 1000,
      headers: { 'Content-Type': 'text/javascript; charset=utf-8' },
    });
  });

  router.get('/embed/:blogId', async (req, res) => {
    const query = EmbedQuerySchema.parse(req.query);
    const { mode, limit } = query;
    const blogId = req.params.blogId;
    let state: EmbedState;
    try {
      const pageUrl = `${origin(req)}/blogs/${encodeURIComponent(blogId)}`;
      if (mode === 'key-events') {
        const blog = await service.getBlog(blogId);
        const page = await service.entriesWithCursor({ blogId, keyEvents: true, limit });
        state = { blog, entries: page.entries, cursor: page.cursor, seq: page.seq, pageUrl, mode, limit };
      } else {
        const page = await service.pageData(blogId, limit);
        // The pinned entry is not special in a short embed: it shows where its time puts it.
        state = {
          blog: page.blog,
          entries: page.entries,
          cursor: page.cursor,
          seq: page.seq,
          pageUrl,
          mode,
          limit,
        };
      }
    } catch (err) {
      // An unknown blog or an id that is not a slug is a 404; anything else is a real error.
      const { code } = toErrorBody(err);
      if (code !== 'not_found' && code !== 'invalid') throw err;
      sendPage(res, 404, renderEmbedNotFound(query.theme), embedCsp());
      return;
    }
    const page = renderEmbedPage({ origin: origin(req) }, state, query);
    // Framed by pages we do not know: keep the embed out of their caches' and crawlers' way.
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('X-Robots-Tag', 'noindex');
    sendPage(res, 200, page.html, embedCsp(page.styleHashes));
  });

  return router;
}
