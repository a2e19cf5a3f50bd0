/**
 * The Socket.IO gateway (SPEC §3–§4): namespace `/` for readers, `/editor` for editors. Every handler
 * answers through its acknowledgement and never throws; a malformed or unknown event harms nobody else.
 */
import type { Namespace, Server, Socket } from 'socket.io';
import type { Authenticate } from '../auth.js';
import { AppError, isInternal, toErrorBody } from '../errors.js';
import type { Editor, Liveblog } from '../liveblog.js';
import { TokenBucket } from '../rate-limit.js';
import { RoomWriter } from './fanout.js';
import { SUBSCRIPTIONS_PER_SOCKET_MAX, UnsubscribeSchema } from '../schema.js';
import type {
  ClientToServerEvents,
  Failure,
  InterServerEvents,
  ReaderToServerEvents,
  Reply,
  ServerToClientEvents,
  SocketData,
} from '../shared/protocol.js';

/** The Socket.IO server, typed with the protocol; both namespaces live on it. */
export type GatewayServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type ReaderNamespace = Namespace<ReaderToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type ReaderSocket = Socket<ReaderToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type Logger = { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };

interface SocketState {
  blogs: Set<string>;
  editor?: Editor;
}

export interface GatewayOptions {
  /** Editor writes allowed per socket per second, sustained (a burst of twice that); 0 = unlimited. Default 20. */
  editorWritesPerSecond?: number;
}

export function attachGateway(
  io: GatewayServer,
  service: Liveblog,
  authenticate: Authenticate,
  log: Logger,
  options: GatewayOptions = {},
): void {
  const readers: ReaderNamespace = io.of('/');
  const editors = io.of('/editor');
  const writesPerSecond = options.editorWritesPerSecond ?? 20;

  // Events and reader counts go out through RoomWriters: one write per socket per event-loop turn.
  const writers = [new RoomWriter(readers, 'event'), new RoomWriter(editors, 'event')];
  const countWriters = [new RoomWriter(readers, 'readers'), new RoomWriter(editors, 'readers')];
  service.hub.setSink({
    event: (event) => {
      for (const w of writers) w.send(event.blogId, event);
    },
    readers: (message) => {
      for (const w of countWriters) w.send(message.blogId, message);
    },
    // Closing the transport (not a Socket.IO disconnect) makes clients reconnect and resubscribe; their
    // cursors are of the old epoch, so they get a fresh snapshot.
    reset: (blogId) => {
      for (const nsp of [readers, editors]) {
        for (const sid of nsp.adapter.rooms.get(blogId) ?? []) nsp.sockets.get(sid)?.conn.close();
      }
    },
  });

  const fail = (ack: Reply<Failure>, err: unknown): void => {
    if (isInternal(err)) log.error({ err }, 'socket handler failed');
    ack({ ok: false, error: toErrorBody(err) });
  };

  /**
   * The listener of a request: no ack function → ignore; any error → an error ack. The ack is typed with
   * the answer to give, but at run time a client may have sent no callback at all, hence the check.
   */
  const answering =
    <A>(handler: (payload: unknown) => Promise<A>) =>
    (payload: unknown, ack: Reply<A | Failure>): void => {
      if (typeof ack !== 'function') return;
      // Through a promise, so even a handler that throws synchronously answers with an error ack.
      Promise.resolve(payload)
        .then(handler)
        .then(
          (answer) => {
            if (answer !== undefined) ack(answer);
          },
          (err: unknown) => fail(ack, err),
        );
    };

  const wireReader = (socket: ReaderSocket, state: SocketState): void => {
    socket.on('subscribe', (payload, ack) => {
      if (typeof ack !== 'function') return;
      const blogId = isRecord(payload) && typeof payload.blogId === 'string' ? payload.blogId : undefined;
      const already = blogId !== undefined && state.blogs.has(blogId);
      if (!already && state.blogs.size >= SUBSCRIPTIONS_PER_SOCKET_MAX) {
        fail(
          ack,
          new AppError('rate_limited', `at most ${SUBSCRIPTIONS_PER_SOCKET_MAX} blogs per connection`),
        );
        return;
      }
      service
        .subscribe(payload, (answer) => {
          // Join and answer in one synchronous step: every later event reaches this socket after the answer.
          if (!socket.connected) {
            service.unsubscribed(answer.blog.id);
            return;
          }
          if (already && blogId !== undefined) service.unsubscribed(blogId); // a resubscribe replaces the old one
          // Events already queued are covered by this answer: send them to the room before joining it.
          for (const w of writers) w.flush(answer.blog.id);
          state.blogs.add(answer.blog.id);
          void socket.join(answer.blog.id);
          ack(answer);
        })
        .catch((err: unknown) => fail(ack, err));
    });
    socket.on(
      'unsubscribe',
      answering((payload) => {
        const { blogId } = UnsubscribeSchema.parse(payload);
        if (state.blogs.delete(blogId)) {
          void socket.leave(blogId);
          service.unsubscribed(blogId);
        }
        return Promise.resolve({ ok: true });
      }),
    );
    socket.on(
      'entries',
      answering(async (payload) => ({ ok: true, ...(await service.listEntries(payload)) })),
    );
    socket.on('disconnect', () => {
      for (const blogId of state.blogs) service.unsubscribed(blogId);
      state.blogs.clear();
    });
  };

  readers.on('connection', (socket) => wireReader(socket, { blogs: new Set() }));

  editors.use((socket, next) => {
    const auth: unknown = socket.handshake.auth;
    const token = isRecord(auth) && typeof auth.token === 'string' ? auth.token : undefined;
    authenticate(token).then(
      (editor) => {
        if (!editor) return next(new Error('unauthorized'));
        socket.data.editor = editor;
        next();
      },
      () => next(new Error('unauthorized')),
    );
  });

  editors.on('connection', (socket) => {
    const editor = socket.data.editor;
    if (!editor) {
      socket.disconnect(true);
      return;
    }
    const state: SocketState = { blogs: new Set(), editor };
    wireReader(socket, state);
    const bucket = new TokenBucket(writesPerSecond);
    /** The listener of a write: as any request, and rate-limited per socket. */
    const write = <A>(handler: (payload: unknown) => Promise<A>) =>
      answering<A>((payload) =>
        bucket.take()
          ? handler(payload)
          : Promise.reject(new AppError('rate_limited', 'too many writes; slow down')),
      );
    socket.on(
      'blog:upsert',
      write(async (p) => ({ ok: true, blog: (await service.upsertBlog(editor, p)).blog })),
    );
    socket.on(
      'entry:create',
      write(async (p) => ({ ok: true, ...(await service.createEntry(editor, p)) })),
    );
    socket.on(
      'entry:update',
      write(async (p) => ({ ok: true, entry: await service.updateEntry(editor, p) })),
    );
    socket.on(
      'entry:delete',
      write(async (p) => {
        await service.deleteEntry(editor, p);
        return { ok: true };
      }),
    );
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
