/**
 * The Socket.IO gateway (SPEC §3–§4): namespace `/` for readers, `/editor` for editors. Every handler
 * answers through its acknowledgement and never throws; a malformed or unknown event harms nobody else.
 */
import type { Server, Socket } from 'socket.io';
import type { Authenticate } from '../auth.js';
import { AppError, isInternal, toErrorBody } from '../errors.js';
import type { Editor, Liveblog } from '../liveblog.js';
import { TokenBucket } from '../rate-limit.js';
import type { Fanout } from './fanout.js';
import type { LiveHub, LiveMember } from '../live/live-hub.js';
import { UnsubscribeSchema, type ErrorBody } from '../schema.js';

type Ack = (answer: unknown) => void;
type Logger = { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };

export interface GatewayOptions {
  /** Editor writes allowed per socket per second, sustained (a burst of twice that); 0 = unlimited. Default 20. */
  editorWritesPerSecond?: number;
}

export interface GatewayDeps {
  service: Liveblog;
  live: LiveHub;
  fanout: Fanout;
  authenticate: Authenticate;
  log: Logger;
}

export function attachGateway(io: Server, deps: GatewayDeps, options: GatewayOptions = {}): void {
  const { service, live, fanout, authenticate, log } = deps;
  const readers = io.of('/');
  const editors = io.of('/editor');
  const writesPerSecond = options.editorWritesPerSecond ?? 20;

  const fail = (ack: Ack, err: unknown): void => {
    if (isInternal(err)) log.error({ err }, 'socket handler failed');
    const error: ErrorBody = toErrorBody(err);
    ack({ ok: false, error });
  };

  /** Runs a handler: no ack function → ignore; any error → an error ack. */
  const on = (socket: Socket, event: string, handler: (payload: unknown) => Promise<unknown>): void => {
    socket.on(event, (payload: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return;
      const reply = ack as Ack;
      // Through a promise, so even a handler that throws synchronously answers with an error ack.
      Promise.resolve(payload)
        .then(handler)
        .then(
          (answer) => {
            if (answer !== undefined) reply(answer);
          },
          (err: unknown) => fail(reply, err),
        );
    });
  };

  const wireReader = (socket: Socket): void => {
    // The socket as the live path sees it. Closing the transport (not a Socket.IO disconnect) on a
    // restart makes the client reconnect and resubscribe; its old-epoch cursor gets a fresh snapshot.
    const member: LiveMember = {
      get connected() {
        return socket.connected;
      },
      join: (blogId) => fanout.join(socket, blogId),
      leave: (blogId) => void socket.leave(blogId),
      restart: () => socket.conn.close(),
    };
    on(socket, 'subscribe', (payload) => live.subscribe(member, payload));
    on(socket, 'unsubscribe', (payload) => {
      const { blogId } = UnsubscribeSchema.parse(payload);
      live.unsubscribe(member, blogId);
      return Promise.resolve({ ok: true });
    });
    on(socket, 'entries', async (payload) => ({ ok: true, ...(await service.listEntries(payload)) }));
    socket.on('disconnect', () => live.disconnect(member));
  };

  readers.on('connection', (socket) => wireReader(socket));

  editors.use((socket, next) => {
    const auth: unknown = socket.handshake.auth;
    const token = isRecord(auth) && typeof auth.token === 'string' ? auth.token : undefined;
    authenticate(token).then(
      (editor) => {
        if (!editor) return next(new Error('unauthorized'));
        (socket.data as { editor?: Editor }).editor = editor;
        next();
      },
      () => next(new Error('unauthorized')),
    );
  });

  editors.on('connection', (socket) => {
    const editor = (socket.data as { editor?: Editor }).editor;
    if (!editor) {
      socket.disconnect(true);
      return;
    }
    wireReader(socket);
    const bucket = new TokenBucket(writesPerSecond);
    const write = (event: string, handler: (payload: unknown) => Promise<unknown>): void => {
      on(socket, event, (payload) =>
        bucket.take()
          ? handler(payload)
          : Promise.reject(new AppError('rate_limited', 'too many writes; slow down')),
      );
    };
    write('blog:upsert', async (p) => ({ ok: true, blog: (await service.upsertBlog(editor, p)).blog }));
    write('entry:create', async (p) => ({ ok: true, ...(await service.createEntry(editor, p)) }));
    write('entry:update', async (p) => ({ ok: true, entry: await service.updateEntry(editor, p) }));
    write('entry:delete', async (p) => {
      await service.deleteEntry(editor, p);
      return { ok: true };
    });
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
