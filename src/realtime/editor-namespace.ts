/**
 * Namespace `/editor` (SPEC §4): the handshake authenticates the token; a socket then has the reader
 * requests and the writes. Writes are limited per socket, and a JWT's `exp` is checked at every write:
 * an expired token is answered `unauthorized` and its connection closed.
 */
import type { Namespace } from 'socket.io';
import { expired, isContributor, type Authenticate } from '../auth.js';
import type { Desk } from '../desk/desk.js';
import { AppError, ForbiddenError } from '../errors.js';
import type { WriteLimiter } from '../write-limit.js';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents } from '../shared/protocol.js';
import { READER_EVENTS, readerRequests, type ReaderDeps } from './reader-namespace.js';
import type { EditorSocket, ServerSocketData } from './types.js';

type EditorNamespace = Namespace<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  ServerSocketData
>;

export const EDITOR_EVENTS = [
  ...READER_EVENTS,
  'blog:upsert',
  'entry:create',
  'entry:update',
  'entry:delete',
  'draft:save',
  'draft:publish',
  'draft:delete',
  'drafts',
  'editing',
] as const;

/** What a contributor may ask for besides the reader's requests (SPEC §10); the desk checks the rest. */
const CONTRIBUTOR_MAY = new Set(['draft:save', 'draft:delete', 'drafts', 'editing']);

export interface EditorDeps extends ReaderDeps {
  authenticate: Authenticate;
  /** Each editor's write budget, shared by its connections on every instance. */
  writeLimiter: WriteLimiter;
  desk: Desk;
}

export function attachEditors(editors: EditorNamespace, deps: EditorDeps): void {
  const { service, answers, telemetry, desk } = deps;
  const wireReader = readerRequests(deps);

  editors.use((socket, next) => {
    const auth: unknown = socket.handshake.auth;
    const token =
      typeof auth === 'object' && auth !== null && 'token' in auth && typeof auth.token === 'string'
        ? auth.token
        : undefined;
    deps.authenticate(token).then(
      (editor) => {
        if (!editor || expired(editor)) return next(new Error('unauthorized'));
        socket.data.editor = editor;
        next();
      },
      () => next(new Error('unauthorized')),
    );
  });

  editors.on('connection', (socket: EditorSocket) => {
    const editor = socket.data.editor;
    if (!editor) {
      socket.disconnect(true);
      return;
    }
    wireReader(socket, false);
    answers.refuseUnknown(socket, EDITOR_EVENTS);
    socket.emit('session', { id: editor.id, name: editor.name, role: editor.role ?? 'editor' });
    /** The listener of a write: as any request, checked for an expired token and rate-limited. */
    const write = <A>(event: string, handler: (payload: unknown) => Promise<A>) =>
      answers.answering<A>(socket, event, (payload) => {
        if (expired(editor)) {
          // Answer first, then close: the client learns why before its connection goes.
          setImmediate(() => socket.disconnect(true));
          return Promise.reject(new AppError('unauthorized', 'the token has expired; sign in again'));
        }
        if (isContributor(editor) && !CONTRIBUTOR_MAY.has(event)) {
          return Promise.reject(new ForbiddenError(`contributors may not ${event}; an editor does that`));
        }
        return deps.writeLimiter.take(editor.id).then((allowed) => {
          if (allowed) return handler(payload);
          telemetry.rateLimited('editor');
          throw new AppError('rate_limited', 'too many writes; slow down');
        });
      });
    socket.on(
      'blog:upsert',
      write('blog:upsert', async (p) => ({
        ok: true as const,
        blog: (await service.upsertBlog(editor, p)).blog,
      })),
    );
    socket.on(
      'entry:create',
      write('entry:create', async (p) => ({ ok: true as const, ...(await service.createEntry(editor, p)) })),
    );
    socket.on(
      'entry:update',
      write('entry:update', async (p) => ({
        ok: true as const,
        entry: await service.updateEntry(editor, p),
      })),
    );
    socket.on(
      'entry:delete',
      write('entry:delete', async (p) => {
        await service.deleteEntry(editor, p);
        return { ok: true as const };
      }),
    );
    socket.on(
      'draft:save',
      write('draft:save', async (p) => ({ ok: true as const, draft: await desk.save(editor, p) })),
    );
    socket.on(
      'draft:publish',
      write('draft:publish', async (p) => ({ ok: true as const, entry: await desk.publish(editor, p) })),
    );
    socket.on(
      'draft:delete',
      write('draft:delete', async (p) => {
        await desk.remove(editor, p);
        return { ok: true as const };
      }),
    );
    socket.on(
      'drafts',
      write('drafts', async (p) => ({ ok: true as const, drafts: await desk.list(editor, p) })),
    );
    socket.on(
      'editing',
      write('editing', async (p) => {
        await desk.editing(editor, socket.id, p);
        return { ok: true as const };
      }),
    );
  });
}
