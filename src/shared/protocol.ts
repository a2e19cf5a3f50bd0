/**
 * The Socket.IO protocol (SPEC §3, §4) as types, declared once for the server, the browser client and the
 * tests. Type-only and DOM-free, so the browser bundle may import it.
 *
 * Each request is declared once, as the payload a client sends and the answer its acknowledgement gets.
 * Two views are derived from that one declaration:
 * - the server's (`ClientToServerEvents`, `ReaderToServerEvents`): the payload is `unknown`, because it
 *   arrives from the network; the zod schemas in schema.ts parse it;
 * - the clients' (`ReaderEmitEvents`, `EditorEmitEvents`): the payload is what those schemas accept.
 */
import type { z } from 'zod';
import type {
  Author,
  Blog,
  BlogUpsertSchema,
  EntriesQuerySchema,
  Entry,
  EntryCreateSchema,
  EntryDeleteSchema,
  EntryUpdateSchema,
  ErrorBody,
  LiveEvent,
  ReadersMessage,
  FreshSubscribeAck,
  ResumedSubscribeAck,
  SubscribeSchema,
  UnsubscribeSchema,
} from '../schema.js';
import type {
  Draft,
  DraftDeleteSchema,
  DraftEvent,
  DraftPublishSchema,
  DraftSaveSchema,
  DraftsQuerySchema,
  EditingEvent,
  EditingSchema,
  Session,
} from '../desk/schema.js';

// ---- answers --------------------------------------------------------------------------------------

/** The answer to any request that failed (SPEC §4). */
export interface Failure {
  ok: false;
  error: ErrorBody;
}

/** An acknowledgement: `{ ok: true, ...T }` on success, else a `Failure`. */
export type Ack<T extends object = object> = ({ ok: true } & T) | Failure;

/** The acknowledgement callback a handler answers through. */
export type Reply<A> = (answer: A) => void;

// ---- requests: client → server, each with an acknowledgement ------------------------------------------

/** One request: what the client sends, and what a successful acknowledgement holds besides `ok: true`. */
export interface Request<Payload, Success extends object> {
  payload: Payload;
  success: Success;
}

/** Namespace `/` (SPEC §3). */
export interface ReaderRequests {
  subscribe: Request<z.input<typeof SubscribeSchema>, FreshSubscribeAck | ResumedSubscribeAck>;
  unsubscribe: Request<z.input<typeof UnsubscribeSchema>, Nothing>;
  entries: Request<z.input<typeof EntriesQuerySchema>, { entries: Entry[]; hasMore: boolean }>;
}

/** Namespace `/editor` (SPEC §4): the reader requests and the writes. */
export interface EditorRequests extends ReaderRequests {
  'blog:upsert': Request<z.input<typeof BlogUpsertSchema>, { blog: Blog }>;
  'entry:create': Request<z.input<typeof EntryCreateSchema>, { entry: Entry; duplicate: boolean }>;
  'entry:update': Request<z.input<typeof EntryUpdateSchema>, { entry: Entry }>;
  'entry:delete': Request<z.input<typeof EntryDeleteSchema>, Nothing>;
  // SPEC §10, the desk: contributors may use the drafts' requests (their own drafts) and the reader's.
  'draft:save': Request<z.input<typeof DraftSaveSchema>, { draft: Draft }>;
  'draft:publish': Request<z.input<typeof DraftPublishSchema>, { entry: Entry }>;
  'draft:delete': Request<z.input<typeof DraftDeleteSchema>, Nothing>;
  drafts: Request<z.input<typeof DraftsQuerySchema>, { drafts: Draft[] }>;
  /** Presence: tell the blog's other editors that this entry or draft is open here (or no longer). */
  editing: Request<z.input<typeof EditingSchema>, Nothing>;
}

type Nothing = Record<never, never>;

export type EditorEvent = keyof EditorRequests;
export type PayloadOf<E extends EditorEvent> = EditorRequests[E]['payload'];
/** The acknowledgement of `E` when it succeeded. */
export type SuccessOf<E extends EditorEvent> = { ok: true } & EditorRequests[E]['success'];
/** The acknowledgement of `E`: success or failure. */
export type AnswerOf<E extends EditorEvent> = Ack<EditorRequests[E]['success']>;

/**
 * The server's view: the payload is untrusted. The acknowledgement is typed with the answer to give, but a
 * client may send no callback at all (or something else), so handlers still check it is a function.
 */
type Listeners<R> = {
  [E in keyof R]: R[E] extends Request<unknown, infer S>
    ? (payload: unknown, ack: Reply<Ack<S>>) => void
    : never;
};

/** The clients' view: the payload as the server's schemas accept it. */
type Emitters<R> = {
  [E in keyof R]: R[E] extends Request<infer P, infer S> ? (payload: P, ack: Reply<Ack<S>>) => void : never;
};

/** Everything the server listens to, on either namespace (the `/editor` namespace listens to all of it). */
export type ClientToServerEvents = Listeners<EditorRequests>;
/** What the server listens to on the reader namespace `/`. */
export type ReaderToServerEvents = Listeners<ReaderRequests>;

/** What a reader socket (namespace `/`) may emit. */
export type ReaderEmitEvents = Emitters<ReaderRequests>;
/** What an editor socket (namespace `/editor`) may emit. */
export type EditorEmitEvents = Emitters<EditorRequests>;

// ---- server → client ------------------------------------------------------------------------------

/** Sent to every socket subscribed to the blog, on both namespaces. */
export interface ServerToClientEvents {
  /** Every change of the blog, in seq order, each once (SPEC §2 `Event`). */
  event: (event: LiveEvent) => void;
  /** The live reader count, when it changes (at most every 2 s). */
  readers: (message: ReadersMessage) => void;
  /**
   * `/editor` only (SPEC §10): a draft of a subscribed blog was saved, deleted or published. Editors get
   * every draft's; a contributor only its own drafts'.
   */
  draft: (event: DraftEvent) => void;
  /** `/editor` only: someone else opened (or closed) an entry or draft of a subscribed blog. */
  editing: (event: EditingEvent) => void;
  /** `/editor` only, once on connection: who the token signed in, and as what (the console's menus). */
  session: (session: Session) => void;
}

/** Instances talk through Redis, not through Socket.IO's server-side events. */
export type InterServerEvents = Record<never, never>;

/** What the server keeps on each socket. */
export interface SocketData {
  /** Set by the `/editor` handshake once the token is accepted; absent on reader sockets. */
  editor?: Author & { role?: 'editor' | 'contributor' };
}
