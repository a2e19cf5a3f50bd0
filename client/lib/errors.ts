/** Server errors (SPEC §4) in words, for the person who caused them. */
import type { ErrorBody, ErrorCode } from '../../src/schema.js';

const WORDS: Record<ErrorCode, string> = {
  invalid: 'Some fields are not valid.',
  unauthorized: 'Your editor token was not accepted. Sign in again.',
  not_found: 'That no longer exists — it may have been deleted.',
  conflict: 'Someone else changed this entry — reload it and apply your change again.',
  rate_limited: 'Too many requests — wait a moment and try again.',
  too_large: 'This is too large for the server to accept.',
  unavailable: 'The server cannot reach its store right now; nothing was saved. Try again shortly.',
  internal: 'The server had an internal error; nothing may have been saved. Try again.',
};

export function describeError(error: ErrorBody): string {
  const words = WORDS[error.code] ?? 'The server refused this.';
  return error.code === 'invalid' || !error.message ? words : `${words} (${error.message})`;
}

/** Errors of the `invalid` kind keyed by their first path element ("body", "headline", …). */
export function issuesByField(error: ErrorBody): Map<string, string> {
  const byField = new Map<string, string>();
  for (const issue of error.issues ?? []) {
    const field = String(issue.path[0] ?? '');
    byField.set(field, byField.has(field) ? `${byField.get(field) ?? ''}; ${issue.message}` : issue.message);
  }
  return byField;
}

export function isErrorBody(value: unknown): value is ErrorBody {
  return (
    typeof value === 'object' && value !== null && typeof (value as { code?: unknown }).code === 'string'
  );
}
