import { ZodError } from 'zod';
import type { ErrorBody, ErrorCode } from './schema.js';

/** HTTP status for each of the SPEC's error codes (SPEC §5). */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid: 400,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: ErrorBody['issues'],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/**
 * A signed-in contributor asked for what only editors may do (SPEC §10): the code is `unauthorized`,
 * and HTTP answers 403 rather than 401 (the token is good, the role is not enough).
 */
export class ForbiddenError extends AppError {
  constructor(message: string) {
    super('unauthorized', message);
    this.name = 'ForbiddenError';
  }
}

/** The HTTP status of an error body, 403 for a ForbiddenError. */
export function httpStatusOf(err: unknown, code: ErrorCode): number {
  return err instanceof ForbiddenError ? 403 : HTTP_STATUS[code];
}

/** Any thrown value → the SPEC's error body. Unknown errors become `internal` and never leak details. */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof AppError) {
    return err.issues
      ? { code: err.code, message: err.message, issues: err.issues }
      : { code: err.code, message: err.message };
  }
  if (err instanceof ZodError) {
    const toPath = (path: readonly PropertyKey[]): (string | number)[] =>
      path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    // An unknown key is reported at its own path, like every other field.
    const issues = err.issues.flatMap((i) =>
      i.code === 'unrecognized_keys'
        ? i.keys.map((key) => ({ path: [...toPath(i.path), key], message: `unknown field "${key}"` }))
        : [{ path: toPath(i.path), message: i.message }],
    );
    const first = issues[0];
    const message = first ? `${first.path.join('.') || 'payload'}: ${first.message}` : 'invalid payload';
    return { code: 'invalid', message, issues };
  }
  return { code: 'internal', message: 'internal error' };
}

export function isInternal(err: unknown): boolean {
  return !(err instanceof AppError) && !(err instanceof ZodError);
}
