/**
 * The one error mapping of the HTTP app: AppError, ZodError and the transport's errors (body-parser,
 * the router, serve-static) → the SPEC's JSON `{ error: { code, message, issues? } }` and status
 * (SPEC §5). A malformed request is the client's error: `invalid` (400), logged at debug level only.
 * Anything else is `internal` and logged as an error.
 */
import type { ErrorRequestHandler } from 'express';
import { AppError, httpStatusOf, toErrorBody } from '../errors.js';
import type { ErrorCode } from '../schema.js';

export interface ErrorHandlerOptions {
  /** The body limit, named in the `too_large` message. */
  bodyMaxBytes: number;
  log: {
    error(obj: object, msg: string): void;
    warn(obj: object, msg: string): void;
    debug(obj: object, msg: string): void;
  };
}

/** The `http-errors` shape that body-parser, the router and serve-static throw. */
interface TransportError {
  type?: unknown;
  status?: unknown;
  message?: unknown;
  /** zlib's errors carry a numeric errno. */
  errno?: unknown;
}

/** A transport error's status → the SPEC's code; every other 4xx is `invalid`. */
const CODE_OF_STATUS: Partial<Record<number, ErrorCode>> = {
  401: 'unauthorized',
  404: 'not_found',
  409: 'conflict',
  413: 'too_large',
  429: 'rate_limited',
};

/** A client error raised by the transport (not by liveblog's own code) → its AppError; else undefined. */
export function transportError(err: unknown, bodyMaxBytes: number): AppError | undefined {
  if (typeof err !== 'object' || err === null || err instanceof AppError) return undefined;
  const e = err as TransportError;
  switch (e.type) {
    case 'entity.too.large':
      return new AppError('too_large', `request body over ${bodyMaxBytes} bytes`);
    case 'entity.parse.failed':
      return new AppError('invalid', 'the body is not valid JSON', [{ path: [], message: 'malformed JSON' }]);
    case 'charset.unsupported':
      return new AppError('invalid', 'unsupported charset: send the body as UTF-8 JSON');
    case 'encoding.unsupported':
      return new AppError(
        'invalid',
        'unsupported Content-Encoding: send the body as identity, gzip, deflate or br',
      );
    case 'request.aborted':
      return new AppError('invalid', 'the request was aborted before its body was complete');
    default:
  }
  const status = typeof e.status === 'number' ? e.status : undefined;
  if (status === undefined || status < 400 || status > 499) return undefined;
  if (err instanceof URIError) return new AppError('invalid', 'malformed percent-encoding in the URL');
  // A compressed body that does not decompress: body-parser passes zlib's error on with status 400.
  if (status === 400 && typeof e.errno === 'number') {
    return new AppError('invalid', 'the body does not decode with its Content-Encoding');
  }
  const code = CODE_OF_STATUS[status] ?? 'invalid';
  return new AppError(code, code === 'invalid' ? 'malformed request' : code.replace('_', ' '));
}

export function errorHandler(options: ErrorHandlerOptions): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    const fromTransport = transportError(err, options.bodyMaxBytes);
    const errorBody = toErrorBody(fromTransport ?? err);
    if (fromTransport) {
      // The client's mistake, not the operator's: no stack, no error level.
      const cause = err as TransportError;
      options.log.debug(
        { path: req.path, code: errorBody.code, type: cause.type, cause: String(cause.message) },
        'malformed request',
      );
    } else if (errorBody.code === 'internal') {
      options.log.error(
        { err, method: req.method, path: req.path, requestId: requestIdOf(res) },
        'request failed',
      );
    } else if (errorBody.code === 'unavailable') {
      // The store outage itself is logged by the store layer; this names the request it failed.
      options.log.warn(
        { method: req.method, path: req.path, requestId: requestIdOf(res) },
        'request failed: unavailable',
      );
    }
    // Too late for an error answer: express's default handler ends (destroys) the response.
    if (res.headersSent) {
      next(err);
      return;
    }
    // A body that was never read (an early 401, 404, 429, …) must not keep the connection busy.
    if (!req.complete) res.setHeader('Connection', 'close');
    res.status(httpStatusOf(fromTransport ?? err, errorBody.code)).json({ error: errorBody });
  };
}

/** The request id the request-id middleware gave this request. */
function requestIdOf(res: { getHeader(name: string): unknown }): string | undefined {
  const id = res.getHeader('X-Request-Id');
  return typeof id === 'string' ? id : undefined;
}
