/**
 * The JSON bodies of the editor routes (routes/api.ts, routes/drafts.ts), read one way: the editor's
 * token is checked before the body is read, so an anonymous client never gets its body read or parsed
 * (and its answer closes the connection: error-handler.ts); the body is JSON whatever its content type,
 * at most `bodyMaxBytes` (larger is `too_large`); a route takes it as an object (anything else is
 * `invalid`).
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { AppError } from '../errors.js';
import { editorAuth, type EditorAuthOptions, type EditorLocals } from './middleware/editor-auth.js';

/** The parsed JSON body as an object; no body is `{}`. */
export function jsonObjectBody(req: Request): Record<string, unknown> {
  const b: unknown = req.body;
  if (b === undefined) return {};
  if (typeof b !== 'object' || b === null || Array.isArray(b))
    throw new AppError('invalid', 'the body must be a JSON object', [
      { path: [], message: 'expected an object' },
    ]);
  return b as Record<string, unknown>;
}

/** Parses a JSON body of any content type, at most `bodyMaxBytes` (larger: `too_large`). */
export function jsonBodyParser(bodyMaxBytes: number): RequestHandler {
  return express.json({ limit: bodyMaxBytes, type: () => true });
}

export interface EditorGateOptions extends EditorAuthOptions {
  /** Largest request body; larger is `too_large`. */
  bodyMaxBytes: number;
}

type EditorHandler = (
  req: Request,
  res: Response<unknown, EditorLocals>,
  next: NextFunction,
) => Promise<void>;

export interface EditorGates {
  /** The editor signed in (and a write taken from its budget); the body is not read. */
  signedIn: EditorHandler;
  /** The editor signed in, then the JSON body parsed, in that order: `router.post(path, ...withJson, …)`. */
  withJson: [EditorHandler, RequestHandler];
}

export function editorGates(options: EditorGateOptions): EditorGates {
  const signedIn = editorAuth(options);
  return { signedIn, withJson: [signedIn, jsonBodyParser(options.bodyMaxBytes)] };
}
