/**
 * SPEC §10 reader routes beside the page: the Atom feed, the self-contained snapshot and the human page
 * of an entry's revisions. Public, read-only; drafts never reach them (they read published entries only).
 */
import express, { type Request, type Response, type Router } from 'express';
import { toErrorBody } from '../../errors.js';
import type { Liveblog } from '../../liveblog.js';
import { toPlainText } from '../../render.js';
import { sendPage } from '../middleware/security-headers.js';
import { renderNotFoundPage } from '../pages.js';
import { publicOrigin } from '../public-origin.js';
import { FEED_ENTRIES_MAX, renderAtom } from '../trust/atom.js';
import { renderRevisionsPage } from '../trust/revisions-page.js';
import { fileTimestamp, renderSnapshot } from '../trust/snapshot.js';

export interface TrustRoutesOptions {
  service: Liveblog;
  publicUrl: string | undefined;
}

/** The snapshot loads nothing and runs nothing; its one inline style block is all it needs. */
const SNAPSHOT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export function trustRoutes(options: TrustRoutesOptions): Router {
  const { service } = options;
  const router = express.Router();
  const origin = publicOrigin(options.publicUrl);
  const pageUrl = (req: Request, blogId: string): string =>
    `${origin(req)}/blogs/${encodeURIComponent(blogId)}`;

  /** An unknown blog or entry (or an id that is not one) is the 404 page; anything else is an error. */
  const notFound = (req: Request, res: Response, err: unknown): void => {
    const { code } = toErrorBody(err);
    if (code !== 'not_found' && code !== 'invalid') throw err;
    sendPage(res, 404, renderNotFoundPage({ origin: origin(req) }, 'There is nothing here.'));
  };

  router.get('/blogs/:blogId/feed.atom', async (req, res) => {
    const { blogId } = req.params;
    const keyEventsOnly = req.query.keyEvents === 'true' || req.query.keyEvents === '1';
    try {
      const blog = await service.getBlog(blogId);
      const { entries } = await service.listEntries({
        blogId,
        limit: FEED_ENTRIES_MAX,
        keyEvents: keyEventsOnly,
      });
      const url = pageUrl(req, blogId);
      const xml = renderAtom(blog, entries, {
        pageUrl: url,
        selfUrl: `${url}/feed.atom${keyEventsOnly ? '?keyEvents=true' : ''}`,
        keyEventsOnly,
        toPlainText,
      });
      res.type('application/atom+xml; charset=utf-8').set('Cache-Control', 'public, max-age=30').send(xml);
    } catch (err) {
      notFound(req, res, err);
    }
  });

  router.get('/blogs/:blogId/snapshot.html', async (req, res) => {
    const { blogId } = req.params;
    try {
      const { blog, entries } = await service.wholeBlog(blogId);
      const madeAt = new Date().toISOString();
      const html = renderSnapshot(blog, entries, pageUrl(req, blogId), madeAt);
      res.set('Content-Disposition', `attachment; filename="${blog.id}-${fileTimestamp(madeAt)}.html"`);
      res.set('Cache-Control', 'no-store');
      sendPage(res, 200, html, SNAPSHOT_CSP);
    } catch (err) {
      notFound(req, res, err);
    }
  });

  router.get('/blogs/:blogId/entries/:entryId/revisions', async (req, res) => {
    const { blogId, entryId } = req.params;
    try {
      const blog = await service.getBlog(blogId);
      const revisions = await service.revisions(blogId, entryId);
      sendPage(res, 200, renderRevisionsPage({ origin: origin(req) }, blog, entryId, revisions));
    } catch (err) {
      notFound(req, res, err);
    }
  });
  return router;
}
