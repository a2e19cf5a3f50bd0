/**
 * Editor routes (SPEC §5): `Authorization: Bearer <token>` → the editor in `res.locals.editor`, or
 * `unauthorized`; each editor's writes are rate-limited (`rate_limited`).
 */
import type { NextFunction, Request, Response } from 'express';
import { bearerToken, isContributor, type Authenticate, type AuthenticatedEditor } from '../../auth.js';
import { AppError, ForbiddenError } from '../../errors.js';
import type { WriteLimiter } from '../../write-limit.js';

export type EditorLocals = { editor?: AuthenticatedEditor };

export interface EditorAuthOptions {
  authenticate: Authenticate;
  /** Each editor's write budget, shared by its connections on every instance. */
  writeLimiter: WriteLimiter;
  /** Told of each refusal (for metrics). */
  onLimited?: () => void;
  /** Contributors (SPEC §10) may pass too; default false: a contributor is refused with 403. */
  contributors?: boolean;
}

export function editorAuth(
  options: EditorAuthOptions,
): (req: Request, res: Response<unknown, EditorLocals>, next: NextFunction) => Promise<void> {
  return async (req, res, next) => {
    const editor = await options.authenticate(bearerToken(req.headers.authorization));
    if (!editor) {
      throw new AppError('unauthorized', 'a valid editor token is required (Authorization: Bearer …)');
    }
    if (isContributor(editor) && !options.contributors) {
      throw new ForbiddenError('contributors may not do this; an editor does that');
    }
    if (!(await options.writeLimiter.take(editor.id))) {
      options.onLimited?.();
      throw new AppError('rate_limited', 'too many writes; slow down');
    }
    res.locals.editor = editor;
    next();
  };
}

/** The editor that editorAuth let through. */
export function editorOf(res: Response<unknown, EditorLocals>): AuthenticatedEditor {
  if (!res.locals.editor) throw new AppError('unauthorized', 'not signed in');
  return res.locals.editor;
}
