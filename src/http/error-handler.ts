/**
 * The one error mapping of the HTTP app: AppError, ZodError and body-parser errors → the SPEC's JSON
 * `{ error: { code, message, issues? } }` and status (SPEC §5). Anything else is `internal` and logged.
 */
import type { ErrorRequestHandler } from 'express';
import { AppError, HTTP_STATUS, toErrorBody } from '../errors.js';

export interface ErrorHandlerOptions {
  /** The body limit, named in the `too_large` message. */
  bodyMaxBytes: number;
  log: { error(obj: object, msg: string): void };
}

export function errorHandler(options: ErrorHandlerOptions): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let mapped: unknown = err;
    const e = err as { type?: unknown; status?: unknown };
    if (e.type === 'entity.too.large')
      mapped = new AppError('too_large', `request body over ${options.bodyMaxBytes} bytes`);
    else if (e.type === 'entity.parse.failed')
      mapped = new AppError('invalid', 'the body is not valid JSON', [
        { path: [], message: 'malformed JSON' },
      ]);
    else if (typeof e.status === 'number' && e.status === 404)
      mapped = new AppError('not_found', 'not found');
    const errorBody = toErrorBody(mapped);
    if (errorBody.code === 'internal') options.log.error({ err, path: req.path }, 'request failed');
    if (res.headersSent) return;
    res.status(HTTP_STATUS[errorBody.code]).json({ error: errorBody });
  };
}
