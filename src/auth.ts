/**
 * Editor authentication: static tokens from EDITOR_TOKENS (or the generated dev token) compared in
 * constant time, and HS256 JWTs when JWT_SECRET is set. Shared by the HTTP and Socket.IO transports.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { jwtVerify } from 'jose';
import type { Author } from './schema.js';

/** SPEC §10: editors do everything; contributors write and submit their own drafts. */
export type Role = 'editor' | 'contributor';

/**
 * An authenticated editor or contributor (`role` absent = editor); a JWT's carries its `exp`, after which
 * the token no longer writes.
 */
export type AuthenticatedEditor = Author & { expiresAtMs?: number; role?: Role };

/** Whether this signed-in person is a contributor (and so may not publish). */
export function isContributor(who: { role?: Role }): boolean {
  return who.role === 'contributor';
}

export type Authenticate = (token: string | undefined) => Promise<AuthenticatedEditor | null>;

/** The token behind this editor has expired (a JWT's `exp`): it must not write any more. */
export function expired(editor: AuthenticatedEditor, nowMs = Date.now()): boolean {
  return editor.expiresAtMs !== undefined && nowMs >= editor.expiresAtMs;
}

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || 'editor';
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

export function createAuthenticator(options: {
  editors: { name: string; token: string }[];
  /** CONTRIBUTOR_TOKENS (SPEC §10). Default none. */
  contributors?: { name: string; token: string }[];
  jwtSecret?: string | undefined;
}): Authenticate {
  // Hashing both sides gives equal-length buffers, so the comparison's time says nothing about the token.
  const table: { digest: Buffer; editor: AuthenticatedEditor }[] = [
    ...options.editors.map((e) => ({
      digest: digest(e.token),
      editor: { id: slugify(e.name), name: e.name },
    })),
    ...(options.contributors ?? []).map((e) => ({
      digest: digest(e.token),
      editor: { id: slugify(e.name), name: e.name, role: 'contributor' as const },
    })),
  ];
  const key = options.jwtSecret ? new TextEncoder().encode(options.jwtSecret) : undefined;
  return async (token) => {
    if (!token || token.length > 4096) return null;
    const d = digest(token);
    let found: AuthenticatedEditor | null = null;
    for (const row of table) if (timingSafeEqual(row.digest, d)) found = row.editor;
    if (found) return found;
    if (key && token.split('.').length === 3) {
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
        if (typeof payload.sub !== 'string' || payload.sub === '') return null;
        const name = typeof payload.name === 'string' && payload.name ? payload.name : payload.sub;
        return {
          id: payload.sub,
          name,
          ...(payload.exp !== undefined ? { expiresAtMs: payload.exp * 1000 } : {}),
          ...(payload.role === 'contributor' ? { role: 'contributor' as const } : {}),
        };
      } catch {
        return null;
      }
    }
    return null;
  };
}

/** `Authorization: Bearer <token>` → token. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return m?.[1];
}
