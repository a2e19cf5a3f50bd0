/** The JSON API under /api (SPEC §5): reads for anyone, writes for editors. */
import type { WriteLimiter } from '../../write-limit.js';
import express, { type Request, type Response, type Router } from 'express';
import type { Authenticate } from '../../auth.js';
import { AppError } from '../../errors.js';
import type { Liveblog } from '../../liveblog.js';
import { EntriesHttpQuerySchema } from '../../schema.js';
import { buildAsyncApi } from '../asyncapi.js';
import { ifMatchVersion } from '../if-match.js';
import { editorGates, jsonObjectBody } from '../json-body.js';
import { editorOf, type EditorLocals } from '../middleware/editor-auth.js';
import { buildOpenApi } from '../openapi.js';

export interface ApiRoutesOptions {
  service: Liveblog;
  authenticate: Authenticate;
  /** Editor writes per editor per second (bursts of twice that); 0 = unlimited. */
  writeLimiter: WriteLimiter;
  onLimited?: () => void;
  /** Largest request body; larger is `too_large`. */
  bodyMaxBytes: number;
}

export function apiRoutes(options: ApiRoutesOptions): Router {
  const { service } = options;
  const api = express.Router();
  // Editors only: contributors (SPEC §10) are refused here.
  const { signedIn: editorOnly, withJson } = editorGates(options);

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
  api.get('/blogs/:blogId/entries/:entryId/revisions', async (req, res) => {
    res.json({ revisions: await service.revisions(req.params.blogId, req.params.entryId) });
  });
  // SPEC §10: NDJSON, the blog's line first, then one line per entry (oldest first) with its revisions.
  api.get('/blogs/:blogId/export', editorOnly, async (req, res: Response<unknown, EditorLocals>) => {
    const blogId = String(req.params.blogId);
    const lines: string[] = [];
    for await (const record of service.exportBlog(blogId)) lines.push(JSON.stringify(record));
    res
      .type('application/x-ndjson')
      .set('Content-Disposition', `attachment; filename="${blogId}.ndjson"`)
      .set('Cache-Control', 'no-store')
      .send(`${lines.join('\n')}\n`);
  });
  api.put('/blogs/:blogId', ...withJson, async (req, res: Response<unknown, EditorLocals>) => {
    const input = jsonObjectBody(req);
    if (input.id !== undefined && input.id !== req.params.blogId) {
      throw new AppError('invalid', 'id in the body differs from the URL', [
        { path: ['id'], message: 'must match the URL' },
      ]);
    }
    const { blog, created } = await service.upsertBlog(editorOf(res), { ...input, id: req.params.blogId });
    res.status(created ? 201 : 200).json({ blog });
  });
  api.post('/blogs/:blogId/entries', ...withJson, async (req, res: Response<unknown, EditorLocals>) => {
    const key = req.get('Idempotency-Key');
    const input = {
      ...jsonObjectBody(req),
      blogId: req.params.blogId,
      ...(key !== undefined ? { idempotencyKey: key } : {}),
    };
    const { entry, duplicate } = await service.createEntry(editorOf(res), input);
    res.status(duplicate ? 200 : 201).json(duplicate ? { entry, duplicate: true } : { entry });
  });
  api.patch(
    '/blogs/:blogId/entries/:entryId',
    ...withJson,
    async (req, res: Response<unknown, EditorLocals>) => {
      const version = ifMatchVersion(req.get('If-Match'));
      const input = {
        ...jsonObjectBody(req),
        blogId: req.params.blogId,
        entryId: req.params.entryId,
        ...(version !== undefined ? { version } : {}),
      };
      res.json({ entry: await service.updateEntry(editorOf(res), input) });
    },
  );
  api.delete(
    '/blogs/:blogId/entries/:entryId',
    editorOnly,
    async (req, res: Response<unknown, EditorLocals>) => {
      await service.deleteEntry(editorOf(res), { blogId: req.params.blogId, entryId: req.params.entryId });
      res.status(204).end();
    },
  );
  // The API descriptions (SPEC §9): built on first request, then the same bytes every time.
  const described = (build: () => object) => {
    let text: string | undefined;
    return (_req: Request, res: Response) => {
      text ??= JSON.stringify(build());
      res.type('application/json').set('Cache-Control', 'public, max-age=300').send(text);
    };
  };
  api.get(
    '/openapi.json',
    described(() => buildOpenApi()),
  );
  api.get(
    '/asyncapi.json',
    described(() => buildAsyncApi()),
  );
  api.use((_req, _res) => {
    throw new AppError('not_found', 'no such API route');
  });
  return api;
}
