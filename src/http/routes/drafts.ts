/**
 * The drafts' HTTP routes (SPEC §10), the same operations as `draft:*` on `/editor`: editors and
 * contributors sign in with `Authorization: Bearer`; what a contributor may not do is 403 `unauthorized`.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { Desk } from '../../desk/desk.js';
import { AppError } from '../../errors.js';
import { ifMatchVersion } from '../if-match.js';
import {
  editorAuth,
  editorOf,
  type EditorAuthOptions,
  type EditorLocals,
} from '../middleware/editor-auth.js';

export interface DraftRoutesOptions extends Omit<EditorAuthOptions, 'contributors'> {
  desk: Desk;
  /** Largest request body; larger is `too_large`. */
  bodyMaxBytes: number;
}

function body(req: Request): Record<string, unknown> {
  const b: unknown = req.body;
  if (b === undefined) return {};
  if (typeof b !== 'object' || b === null || Array.isArray(b))
    throw new AppError('invalid', 'the body must be a JSON object', [
      { path: [], message: 'expected an object' },
    ]);
  return b as Record<string, unknown>;
}

export function draftRoutes(options: DraftRoutesOptions): Router {
  const { desk } = options;
  const router = express.Router();
  const signedIn = editorAuth({ ...options, contributors: true });
  const json = express.json({ limit: options.bodyMaxBytes, type: () => true });
  type Res = Response<unknown, EditorLocals>;

  router.get('/blogs/:blogId/drafts', signedIn, async (req, res: Res) => {
    res.json({ drafts: await desk.list(editorOf(res), { blogId: req.params.blogId }) });
  });
  router.post('/blogs/:blogId/drafts', signedIn, json, async (req, res: Res) => {
    const input = body(req);
    if (input.draftId !== undefined) {
      throw new AppError('invalid', 'a new draft has no draftId; PATCH …/drafts/:draftId changes one', [
        { path: ['draftId'], message: 'not allowed here' },
      ]);
    }
    const draft = await desk.save(editorOf(res), { ...input, blogId: req.params.blogId });
    res.status(201).json({ draft });
  });
  router.patch('/blogs/:blogId/drafts/:draftId', signedIn, json, async (req, res: Res) => {
    const version = ifMatchVersion(req.get('If-Match'));
    const input = {
      ...body(req),
      blogId: req.params.blogId,
      draftId: req.params.draftId,
      ...(version !== undefined ? { version } : {}),
    };
    res.json({ draft: await desk.save(editorOf(res), input) });
  });
  router.delete('/blogs/:blogId/drafts/:draftId', signedIn, async (req, res: Res) => {
    await desk.remove(editorOf(res), { blogId: req.params.blogId, draftId: req.params.draftId });
    res.status(204).end();
  });
  router.post('/blogs/:blogId/drafts/:draftId/publish', signedIn, json, async (req, res: Res) => {
    const version = ifMatchVersion(req.get('If-Match'));
    const input = {
      ...body(req),
      blogId: req.params.blogId,
      draftId: req.params.draftId,
      ...(version !== undefined ? { version } : {}),
    };
    res.status(201).json({ entry: await desk.publish(editorOf(res), input) });
  });
  return router;
}
