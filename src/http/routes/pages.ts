/** The server-rendered HTML pages (SPEC §5, §7) and the browser bundles under /assets. */
import express, { type Router } from 'express';
import { existsSync } from 'node:fs';
import { toErrorBody } from '../../errors.js';
import { EntryIdSchema, PAGE_LIMIT_DEFAULT } from '../../schema.js';
import type { Liveblog } from '../../liveblog.js';
import { sendPage } from '../middleware/security-headers.js';
import { publicOrigin } from '../public-origin.js';
import { embedRoutes } from './embed.js';
import { trustRoutes } from './trust.js';
import {
  OLDEST_ORDER_MAX_ENTRIES,
  renderBlogPage,
  renderConsolePage,
  renderIndexPage,
  renderNotFoundPage,
} from '../pages.js';

export interface PageRoutesOptions {
  service: Liveblog;
  /** Folder of the built browser bundles, served at /assets (when it exists). */
  assetsDir: string;
  /** PUBLIC_URL: the origin of every absolute URL in the pages; undefined = the request's (checked). */
  publicUrl: string | undefined;
}

/** Mounted last: its fallback answers every other path with the 404 page. */
export function pageRoutes(options: PageRoutesOptions): Router {
  const { service } = options;
  const router = express.Router();
  const origin = publicOrigin(options.publicUrl);
  if (existsSync(options.assetsDir)) {
    router.use('/assets', express.static(options.assetsDir, { maxAge: '5m', fallthrough: false }));
  }
  router.get('/', async (req, res) => {
    sendPage(res, 200, renderIndexPage({ origin: origin(req) }, await service.listBlogs()));
  });
  router.get('/console', (req, res) => {
    sendPage(res, 200, renderConsolePage({ origin: origin(req) }));
  });
  router.get('/blogs/:blogId', async (req, res) => {
    try {
      const ctx = { origin: origin(req) };
      const before = req.query['before'];
      if (before === undefined) {
        // SPEC §10 reading order: oldest first reads the blog from its start (up to a bound), so it asks
        // for more entries than the newest-first page.
        const order = req.query['order'] === 'oldest' ? 'oldest' : 'newest';
        const data = await service.pageData(
          req.params.blogId,
          order === 'oldest' ? OLDEST_ORDER_MAX_ENTRIES : undefined,
        );
        sendPage(res, 200, renderBlogPage(ctx, data, undefined, Date.now(), order));
        return;
      }
      // SPEC §9: an older page for readers without JavaScript.
      const parsed = EntryIdSchema.safeParse(before);
      if (!parsed.success) {
        sendPage(res, 400, renderNotFoundPage(ctx, 'That is not a page of this live blog.', 'Bad request'));
        return;
      }
      const data = await service.pageData(req.params.blogId);
      const page = await service.listEntries({
        blogId: req.params.blogId,
        before: parsed.data,
        limit: PAGE_LIMIT_DEFAULT,
      });
      sendPage(res, 200, renderBlogPage(ctx, data, { before: parsed.data, ...page }));
    } catch (err) {
      // An unknown blog or a blog id that is not a slug is a 404 page; anything else is a real error.
      const { code } = toErrorBody(err);
      if (code !== 'not_found' && code !== 'invalid') throw err;
      sendPage(res, 404, renderNotFoundPage({ origin: origin(req) }, 'There is no live blog here.'));
    }
  });
  router.use(embedRoutes(options));
  router.use(trustRoutes(options));
  router.use((req, res) => {
    sendPage(res, 404, renderNotFoundPage({ origin: origin(req) }, 'Page not found.'));
  });
  return router;
}
