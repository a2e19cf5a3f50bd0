/**
 * Editor routes (SPEC §5): `Authorization: Bearer <token>` → the editor in `res.locals.editor`, or
 * `unauthorized`; each editor's writes are rate-limited (`rate_limited`).
 */
import type { NextFunction, Request, Response } from 'express';
import { bearerToken, type Authenticate } from '../../auth.js';
import { AppError } from '../../errors.js';
import type { Editor } from '../../liveblog.js';
import { KeyedRateLimiter } from '../../rate-limit.js';

export type EditorLocals = { editor?: Editor };

export interface EditorAuthOptions {
  authenticate: Authenticate;
  /** Writes per editor per second (bursts of twice that); 0 = unlimited. */
  writesPerSecond: number;
}

export function editorAuth(
  options: EditorAuthOptions,
): (req: Request, res: Response<unknown, EditorLocals>, next: NextFunction) => Promise<void> {
  const limiter = new KeyedRateLimiter(options.writesPerSecond);
  return async (req, res, next) => {
    const editor = await options.authenticate(bearerToken(req.headers.authorization));
    if (!editor) {
      throw new AppError('unauthorized', 'a valid editor token is required (Authorization: Bearer …)');
    }
    if (!limiter.take(editor.id)) throw new AppError('rate_limited', 'too many writes; slow down');
    res.locals.editor = editor;
    next();
  };
}

/** The editor that editorAuth let through. */
export function editorOf(res: Response<unknown, EditorLocals>): Editor {
  if (!res.locals.editor) throw new AppError('unauthorized', 'not signed in');
  return res.locals.editor;
}
