/**
 * The AsyncAPI 3.0 description of what is not HTTP (SPEC §3, §4, §6): the Socket.IO namespaces `/` and
 * `/editor` — each request with its acknowledgement as the reply, and what the server pushes — and the
 * Redis channel other services subscribe to. Served at `GET /api/asyncapi.json`. Every payload is
 * generated from the zod schemas the server validates with (schema.ts, answer-schemas.ts), as in openapi.ts.
 *
 * The document describes the server: a client's request is an operation the server `receive`s, with the
 * acknowledgement as its `reply`; what the server emits or publishes is an operation it `send`s.
 */
import { z } from 'zod';
import {
  FailureSchema,
  FreshSubscribeAckSchema,
  ReadersMessageSchema,
  ResumedSubscribeAckSchema,
} from '../answer-schemas.js';
import {
  BlogIdSchema,
  BlogSchema,
  BlogStatusSchema,
  BlogUpsertSchema,
  EntriesQuerySchema,
  EntryCreateSchema,
  EntryDeleteSchema,
  EntryIdSchema,
  EntrySchema,
  EntryUpdateSchema,
  EventSchema,
  SubscribeSchema,
  UnsubscribeSchema,
} from '../schema.js';
import {
  DraftDeleteSchema,
  DraftEventSchema,
  DraftPublishSchema,
  DraftSaveSchema,
  DraftSchema,
  DraftsQuerySchema,
  EditingEventSchema,
  EditingSchema,
  SessionSchema,
} from '../desk/schema.js';
import { componentSchemas, type JsonSchema } from './json-schemas.js';
import { SERVER_VERSION } from './openapi.js';

export interface AsyncApiOptions {
  /** `info.version`: the version of the server that serves the document. Default SERVER_VERSION. */
  version?: string;
  /** PUBLIC_URL: its host names the Socket.IO server; undefined = `localhost:3000`. */
  publicUrl?: string | undefined;
  /** REDIS_PREFIX, default `liveblog:`. */
  redisPrefix?: string;
}

export type AsyncApiDocument = JsonSchema & { asyncapi: string; channels: Record<string, JsonSchema> };

const REF = '#/components/schemas/';
const ref = (id: string): JsonSchema => ({ $ref: `${REF}${id}` });

/** `{ ok: true, ...success }` or a failure: every acknowledgement (SPEC §4). */
const ack = <S extends z.ZodRawShape>(success: S) =>
  z.union([z.object({ ok: z.literal(true), ...success }), FailureSchema]);

/** What clients send, before the server's clean-up (input side of the schemas). */
const PAYLOADS = {
  BlogId: BlogIdSchema,
  EntryId: EntryIdSchema,
  BlogStatus: BlogStatusSchema,
  Subscribe: SubscribeSchema,
  Unsubscribe: UnsubscribeSchema,
  EntriesQuery: EntriesQuerySchema,
  BlogUpsert: BlogUpsertSchema,
  EntryCreate: EntryCreateSchema,
  EntryUpdate: EntryUpdateSchema,
  EntryDelete: EntryDeleteSchema,
  DraftSave: DraftSaveSchema,
  DraftPublish: DraftPublishSchema,
  DraftDelete: DraftDeleteSchema,
  DraftsQuery: DraftsQuerySchema,
  Editing: EditingSchema,
};

/** What the server sends (output side). */
const ANSWERS = {
  BlogId: BlogIdSchema,
  EntryId: EntryIdSchema,
  BlogStatus: BlogStatusSchema,
  Blog: BlogSchema,
  Entry: EntrySchema,
  Event: EventSchema,
  ReadersMessage: ReadersMessageSchema,
  Failure: FailureSchema,
  FreshSubscribeAck: FreshSubscribeAckSchema,
  ResumedSubscribeAck: ResumedSubscribeAckSchema,
  SubscribeAck: z.union([FreshSubscribeAckSchema, ResumedSubscribeAckSchema, FailureSchema]),
  OkAck: ack({}),
  EntriesAck: ack({ entries: z.array(EntrySchema), hasMore: z.boolean() }),
  BlogUpsertAck: ack({ blog: BlogSchema }),
  EntryCreateAck: ack({ entry: EntrySchema, duplicate: z.boolean() }),
  EntryUpdateAck: ack({ entry: EntrySchema }),
  Draft: DraftSchema,
  DraftEvent: DraftEventSchema,
  EditingEvent: EditingEventSchema,
  Session: SessionSchema,
  DraftSaveAck: ack({ draft: DraftSchema }),
  DraftPublishAck: ack({ entry: EntrySchema }),
  DraftsAck: ack({ drafts: z.array(DraftSchema) }),
};

interface MessageSpec {
  /** The Socket.IO event name. */
  name: string;
  schema: string;
  summary: string;
}

/** Socket.IO requests: the event, what it carries, and its acknowledgement. */
const REQUESTS: Record<string, { request: MessageSpec; reply: MessageSpec; editorOnly?: true }> = {
  subscribe: {
    request: {
      name: 'subscribe',
      schema: 'Subscribe',
      summary: 'Follow a blog: a fresh snapshot, or the events after `cursor` when they are all held',
    },
    reply: { name: 'subscribe', schema: 'SubscribeAck', summary: 'Fresh or resumed; `not_found`, `invalid`' },
  },
  unsubscribe: {
    request: { name: 'unsubscribe', schema: 'Unsubscribe', summary: 'Stop following a blog' },
    reply: { name: 'unsubscribe', schema: 'OkAck', summary: '`{ ok: true }`' },
  },
  entries: {
    request: {
      name: 'entries',
      schema: 'EntriesQuery',
      summary: 'Older entries, newest first ("load more")',
    },
    reply: { name: 'entries', schema: 'EntriesAck', summary: 'The entries and whether more remain' },
  },
  blogUpsert: {
    request: { name: 'blog:upsert', schema: 'BlogUpsert', summary: 'Create or update a blog' },
    reply: { name: 'blog:upsert', schema: 'BlogUpsertAck', summary: 'The blog' },
    editorOnly: true,
  },
  entryCreate: {
    request: {
      name: 'entry:create',
      schema: 'EntryCreate',
      summary:
        'Post an entry; the same `idempotencyKey` within 24 h answers the first entry, `duplicate: true`',
    },
    reply: { name: 'entry:create', schema: 'EntryCreateAck', summary: 'The entry' },
    editorOnly: true,
  },
  entryUpdate: {
    request: {
      name: 'entry:update',
      schema: 'EntryUpdate',
      summary: 'Edit, pin or mark an entry; `version` other than the current one is `conflict`',
    },
    reply: { name: 'entry:update', schema: 'EntryUpdateAck', summary: 'The entry after the change' },
    editorOnly: true,
  },
  entryDelete: {
    request: { name: 'entry:delete', schema: 'EntryDelete', summary: 'Delete an entry' },
    reply: { name: 'entry:delete', schema: 'OkAck', summary: '`{ ok: true }`' },
    editorOnly: true,
  },
  draftSave: {
    request: {
      name: 'draft:save',
      schema: 'DraftSave',
      summary:
        'Save a draft (new without `draftId`); `submit: true` submits it, `false` returns it to `draft`; a ' +
        'future `publishAt` (editors only) schedules it, `null` unschedules it. Contributors: own drafts only',
    },
    reply: {
      name: 'draft:save',
      schema: 'DraftSaveAck',
      summary: 'The draft; `conflict` on a stale `version`',
    },
    editorOnly: true,
  },
  draftPublish: {
    request: {
      name: 'draft:publish',
      schema: 'DraftPublish',
      summary: 'Publish a draft as a new entry, once (editors only; a contributor gets `unauthorized`)',
    },
    reply: { name: 'draft:publish', schema: 'DraftPublishAck', summary: 'The entry' },
    editorOnly: true,
  },
  draftDelete: {
    request: {
      name: 'draft:delete',
      schema: 'DraftDelete',
      summary: 'Delete a draft (contributors: their own)',
    },
    reply: { name: 'draft:delete', schema: 'OkAck', summary: '`{ ok: true }`' },
    editorOnly: true,
  },
  drafts: {
    request: {
      name: 'drafts',
      schema: 'DraftsQuery',
      summary: "The blog's drafts: every one for an editor, its own for a contributor",
    },
    reply: { name: 'drafts', schema: 'DraftsAck', summary: 'The drafts, oldest first' },
    editorOnly: true,
  },
  editing: {
    request: {
      name: 'editing',
      schema: 'Editing',
      summary: 'Presence: this entry or draft is open here (`active`), or no longer',
    },
    reply: { name: 'editing', schema: 'OkAck', summary: '`{ ok: true }`' },
    editorOnly: true,
  },
};

/** Pushed on `/editor` only (SPEC §10), to sockets subscribed to the blog. */
const EDITOR_PUSHED: Record<string, MessageSpec> = {
  draftEvent: {
    name: 'draft',
    schema: 'DraftEvent',
    summary: "A draft was saved, deleted or published: editors get every draft's, a contributor its own",
  },
  session: {
    name: 'session',
    schema: 'Session',
    summary: 'Once on connection: who signed in, as `editor` or `contributor`',
  },
  editingEvent: {
    name: 'editing',
    schema: 'EditingEvent',
    summary: 'Someone else opened (`active`) or closed an entry or draft of the blog',
  },
};

const PUSHED: Record<string, MessageSpec> = {
  event: {
    name: 'event',
    schema: 'Event',
    summary: 'Every change of a subscribed blog, in `seq` order, each once per socket',
  },
  readers: {
    name: 'readers',
    schema: 'ReadersMessage',
    summary: 'The live reader count of a subscribed blog, when it changes (at most every 2 s)',
  },
};

const message = (spec: MessageSpec): JsonSchema => ({
  name: spec.name,
  title: spec.name,
  summary: spec.summary,
  contentType: 'application/json',
  payload: ref(spec.schema),
});

/** One namespace's channel and operations. */
function namespace(key: 'reader' | 'editor', address: string, description: string) {
  const editor = key === 'editor';
  const messages: Record<string, JsonSchema> = {};
  const operations: Record<string, JsonSchema> = {};
  const channel = { $ref: `#/channels/${key}` };
  const msg = (id: string) => ({ $ref: `#/channels/${key}/messages/${id}` });
  for (const [id, r] of Object.entries(REQUESTS)) {
    if (r.editorOnly && !editor) continue;
    messages[id] = message(r.request);
    messages[`${id}Ack`] = message(r.reply);
    operations[`${key}.${id}`] = {
      action: 'receive',
      channel,
      summary: r.request.summary,
      messages: [msg(id)],
      reply: { channel, messages: [msg(`${id}Ack`)] },
    };
  }
  for (const [id, spec] of Object.entries(editor ? { ...PUSHED, ...EDITOR_PUSHED } : PUSHED)) {
    messages[id] = message(spec);
    operations[`${key}.${id}`] = { action: 'send', channel, summary: spec.summary, messages: [msg(id)] };
  }
  return {
    channel: {
      address,
      title: `Socket.IO namespace ${address}`,
      description,
      servers: [{ $ref: '#/servers/socketio' }],
      messages,
    },
    operations,
  };
}

export function buildAsyncApi(options: AsyncApiOptions = {}): AsyncApiDocument {
  const schemas = {
    ...componentSchemas(PAYLOADS, { io: 'input', target: 'draft-07', refPrefix: REF }),
    ...componentSchemas(ANSWERS, { io: 'output', target: 'draft-07', refPrefix: REF }),
  };
  const prefix = options.redisPrefix ?? 'liveblog:';
  const reader = namespace(
    'reader',
    '/',
    'Readers: no authentication. Each request is a Socket.IO event with an acknowledgement callback; the ' +
      'acknowledgement is its reply. At most 10 blogs per socket: an 11th `subscribe` is `rate_limited`.',
  );
  const editor = namespace(
    'editor',
    '/editor',
    'Editors: the handshake carries `auth: { token }` (an EDITOR_TOKENS token or a JWT); a missing or ' +
      'wrong token fails the connection with `connect_error` "unauthorized". Editors may also subscribe ' +
      'like readers. A failed request acknowledges `{ ok: false, error: { code, message, issues? } }`.',
  );
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'liveblog — Socket.IO and Redis',
      version: options.version ?? SERVER_VERSION,
      description:
        'The live side of liveblog: Socket.IO 4 namespaces for readers and editors, and the Redis ' +
        'pub/sub channel every change is published on. The HTTP API is described at `/api/openapi.json`.',
      license: { name: 'MIT' },
    },
    defaultContentType: 'application/json',
    servers: {
      socketio: {
        host: options.publicUrl ? new URL(options.publicUrl).host : 'localhost:3000',
        protocol: options.publicUrl?.startsWith('https:') ? 'wss' : 'ws',
        pathname: '/socket.io',
        title: 'Socket.IO 4',
        description:
          'Socket.IO 4 (Engine.IO 4) on the HTTP port: WebSocket, or HTTP long-polling with sticky sessions.',
      },
      redis: {
        host: 'localhost:6379',
        protocol: 'redis',
        description: 'The Redis of REDIS_URL (or REDIS_CLUSTER_NODES, REDIS_SENTINELS).',
      },
    },
    channels: {
      reader: reader.channel,
      editor: editor.channel,
      blogEvents: {
        address: `${prefix}{blogTag}:events`,
        title: 'A blog’s events on Redis pub/sub',
        description:
          `Every event of a blog is published as the JSON \`Event\` on \`${prefix}{<blogId>}:events\`, ` +
          'the braces literal (a Redis Cluster hash tag): `SUBSCRIBE liveblog:{crisis-in-ukraine}:events`, ' +
          '`PSUBSCRIBE liveblog:*:events`. On a Redis Cluster (`REDIS_CLUSTER_NODES`) it goes out with `SPUBLISH` ' +
          'instead (sharded pub/sub: only the shard that owns the blog’s slot carries it, and plain `SUBSCRIBE` ' +
          'hears nothing): `SSUBSCRIBE liveblog:{crisis-in-ukraine}:events` on that shard. Recorded and published in one ' +
          'atomic step. Pub/sub is at-most-once: after a `seq` jump, catch up with ' +
          '`GET /api/blogs/{blogId}/events?cursor=`.',
        servers: [{ $ref: '#/servers/redis' }],
        parameters: {
          blogTag: {
            description: 'The blog id in literal braces, e.g. `{crisis-in-ukraine}`.',
            examples: ['{crisis-in-ukraine}'],
          },
        },
        messages: { event: message(PUSHED.event as MessageSpec) },
      },
      blogStream: {
        address: `${prefix}{blogTag}:stream`,
        title: 'A blog’s events as a Redis Stream',
        description:
          `The same events, in the same atomic step, are appended to the Redis Stream \`${prefix}{<blogId>}:stream\`: ` +
          'entry id `<seq>-0`, one field `event` holding the JSON `Event`, trimmed to about ' +
          '`RESUME_LOG_MAX_EVENTS` entries and restarted when the history is wiped (a new epoch). Read it with ' +
          '`XREAD BLOCK` from the last id processed, or share it in a consumer group with `XREADGROUP`/`XACK` ' +
          '(and `XAUTOCLAIM` for a crashed worker’s events): durable, resumable, at-least-once.',
        servers: [{ $ref: '#/servers/redis' }],
        parameters: {
          blogTag: {
            description: 'The blog id in literal braces, e.g. `{crisis-in-ukraine}`.',
            examples: ['{crisis-in-ukraine}'],
          },
        },
        messages: { event: message(PUSHED.event as MessageSpec) },
      },
    },
    operations: {
      ...reader.operations,
      ...editor.operations,
      'blogEvents.publish': {
        action: 'send',
        channel: { $ref: '#/channels/blogEvents' },
        summary: 'Every change, once, in seq order per blog',
        messages: [{ $ref: '#/channels/blogEvents/messages/event' }],
      },
      'blogStream.append': {
        action: 'send',
        channel: { $ref: '#/channels/blogStream' },
        summary: 'Every change, once, entry id <seq>-0, in seq order per blog',
        messages: [{ $ref: '#/channels/blogStream/messages/event' }],
      },
    },
    components: { schemas },
  };
}
