/** `If-Match: <version>` on entry updates (SPEC §5), shared by the route and its API description. */
import { AppError } from '../errors.js';

/** A version, bare, quoted or weak (`3`, `"3"`, `W/"3"`). */
export const IF_MATCH_PATTERN = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/;

/** The header → the expected entry version; no header → undefined. */
export function ifMatchVersion(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const m = IF_MATCH_PATTERN.exec(header);
  if (!m?.[1])
    throw new AppError('invalid', 'If-Match must be an entry version', [
      { path: ['version'], message: 'expected a number' },
    ]);
  return Number(m[1]);
}
