/**
 * The drafts' HTTP routes (SPEC §10), the same operations as `draft:*` on `/editor`: editors and
 * contributors sign in with `Authorization: Bearer`; what a contributor may not do is 403 `unauthorized`.
 */
import express, { type Response, type Router } from 'express';
import type { Desk } from '../../desk/desk.js';
import { AppError } from '../../errors.js';
import { ifMatchVersion } from '../if-match.js';
import { editorGates, jsonObjectBody, type EditorGateOptions } from '../json-body.js';
import { editorOf, type EditorLocals } from '../middleware/editor-auth.js';

export interface DraftRoutesOptions extends Omit<EditorGateOptions, 'contributors'> {
  desk: Desk;
}

export function draftRoutes(options: DraftRoutesOptions): Router {
  const { desk } = options;
  const router = express.Router();
  const { signedIn, withJson } = editorGates({ ...options, contributors: true });
  type Res = Response<unknown, EditorLocals>;

  router.get('/blogs/:blogId/drafts', signedIn, async (req, res: Res) => {
    res.json({ drafts: await desk.list(editorOf(res), { blogId: req.params.blogId }) });
  });
  router.post('/blogs/:blogId/drafts', ...withJson, async (req, res: Res) => {
    const input = jsonObjectBody(req);
    if (input.draftId !== undefined) {
      throw new AppError('invalid', 'a new draft has no draftId; PATCH …/drafts/:draftId changes one', [
        { path: ['draftId'], message: 'not allowed here' },
      ]);
    }
    const draft = await desk.save(editorOf(res), { ...input, blogId: req.params.blogId });
    res.status(201).json({ draft });
  });
  router.patch('/blogs/:blogId/drafts/:draftId', ...withJson, async (req, res: Res) => {
    const version = ifMatchVersion(req.get('If-Match'));
    const input = {
      ...jsonObjectBody(req),
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
  router.post('/blogs/:blogId/drafts/:draftId/publish', ...withJson, async (req, res: Res) => {
    const version = ifMatchVersion(req.get('If-Match'));
    const input = {
      ...jsonObjectBody(req),
      blogId: req.params.blogId,
      draftId: req.params.draftId,
      ...(version !== undefined ? { version } : {}),
    };
    res.status(201).json({ entry: await desk.publish(editorOf(res), input) });
  });
  return router;
}
