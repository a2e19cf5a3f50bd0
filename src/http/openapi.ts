/**
 * The OpenAPI 3.1 description of the HTTP API (SPEC §5, §9), served at `GET /api/openapi.json`.
 * Every schema in it is generated from the zod schemas the server validates with (schema.ts,
 * answer-schemas.ts); this file adds only what a schema cannot say: routes, statuses, headers, security.
 */
import {
  EntriesPageSchema,
  ErrorAnswerSchema,
  ErrorBodySchema,
  EventsCatchUpSchema,
} from '../answer-schemas.js';
import { HTTP_STATUS } from '../errors.js';
import type { EntriesHttpQuerySchema } from '../schema.js';
import {
  AuthorSchema,
  BlogIdSchema,
  BlogSchema,
  BlogStatusSchema,
  BlogUpsertSchema,
  EntriesQuerySchema,
  EntryCreateSchema,
  EntryIdSchema,
  EntrySchema,
  RevisionSchema,
  EntryUpdateSchema,
  EventSchema,
  type ErrorCode,
} from '../schema.js';
import { DraftSaveSchema, DraftSchema } from '../desk/schema.js';
import { IF_MATCH_PATTERN } from './if-match.js';
import { componentSchemas, inlineSchema, type JsonSchema } from './json-schemas.js';
import { z } from 'zod';

/** package.json's `version` (a test keeps them equal): the `info.version` of both API descriptions. */
export const SERVER_VERSION = '0.1.0';

export interface OpenApiOptions {
  /** `info.version`: the version of the server that serves the document. Default SERVER_VERSION. */
  version?: string;
  /** PUBLIC_URL: the server's origin, given as `servers`; undefined = none (relative to the document). */
  publicUrl?: string | undefined;
}

export type OpenApiDocument = JsonSchema & { openapi: string; paths: Record<string, JsonSchema> };

const REF = '#/components/schemas/';
const ref = (id: string): JsonSchema => ({ $ref: `${REF}${id}` });

/** What the server answers (output side of the schemas). */
const ANSWERS = {
  BlogId: BlogIdSchema,
  EntryId: EntryIdSchema,
  BlogStatus: BlogStatusSchema,
  Blog: BlogSchema,
  Author: AuthorSchema,
  Entry: EntrySchema,
  Event: EventSchema,
  EntryCreatedEvent: EventSchema.options[0],
  EntryUpdatedEvent: EventSchema.options[1],
  EntryDeletedEvent: EventSchema.options[2],
  BlogUpdatedEvent: EventSchema.options[3],
  ErrorBody: ErrorBodySchema,
  Error: ErrorAnswerSchema,
  BlogList: z.object({ blogs: z.array(BlogSchema) }),
  BlogAnswer: z.object({ blog: BlogSchema }),
  EntryAnswer: z.object({ entry: EntrySchema }),
  DuplicateEntryAnswer: z.object({ entry: EntrySchema, duplicate: z.literal(true) }),
  EntriesPage: EntriesPageSchema,
  RevisionList: z.object({ revisions: z.array(RevisionSchema) }),
  EventsCatchUp: EventsCatchUpSchema,
  Health: z.object({ ok: z.boolean() }),
  Draft: DraftSchema,
  DraftAnswer: z.object({ draft: DraftSchema }),
  DraftList: z.object({ drafts: z.array(DraftSchema) }),
};

/**
 * What clients send (input side: before the server's trimming and clean-up). The URL carries the blog and
 * entry ids, and headers the idempotency key and expected version, but the body may repeat them.
 */
const REQUESTS = {
  BlogId: BlogIdSchema,
  EntryId: EntryIdSchema,
  BlogStatus: BlogStatusSchema,
  BlogUpsertBody: BlogUpsertSchema.extend({ id: BlogIdSchema.optional() }),
  EntryCreateBody: EntryCreateSchema.omit({ blogId: true }),
  EntryUpdateBody: EntryUpdateSchema.omit({ blogId: true, entryId: true }),
  DraftCreateBody: DraftSaveSchema.omit({ blogId: true, draftId: true, version: true }),
  DraftUpdateBody: DraftSaveSchema.omit({ blogId: true, draftId: true }),
};

const DESCRIPTIONS: Record<string, string> = {
  Blog: 'A live blog (SPEC §2).',
  Entry: 'One update of a live blog (SPEC §2). `html` is the sanitised rendering of `body`.',
  Event:
    'The one envelope for every change, identical on Socket.IO, on the Redis channel and in the catch-up ' +
    'answer (SPEC §2). `seq` is +1 per event of a blog; `cursor` resumes right after it.',
  Error: 'Every error answer (SPEC §5).',
  EventsCatchUp:
    'Every event after `cursor`, oldest first, bounded in size: while `hasMore`, ask again from the ' +
    'returned `cursor`. `resumed: false` when the cursor cannot be resumed: re-read the entries.',
  RevisionList:
    'Every published version of an entry, oldest first (SPEC §10): its text, who published it and the ' +
    'correction note it carried.',
  EntriesPage: 'A page of entries, newest first, and the position of the latest event to resume from.',
  BlogUpsertBody: '`id`, when given, must equal the URL’s.',
  EntryCreateBody: 'The `Idempotency-Key` header, when given, takes the place of `idempotencyKey`.',
  EntryUpdateBody: 'The `If-Match` header, when given, takes the place of `version`.',
  Draft:
    'A draft (SPEC §10): never shown to readers. `state` `draft`, `submitted` (in the review queue) or ' +
    '`scheduled` (published at `publishAt`, once).',
  DraftCreateBody: '`submit: true` submits it for review; a future `publishAt` (editors only) schedules it.',
  DraftUpdateBody:
    'The whole draft as it should be (`headline`/`keyEvent` left out keep theirs). `submit: false` returns ' +
    'it to `draft`; `publishAt: null` unschedules it. The `If-Match` header takes the place of `version`.',
};

// ---- responses -------------------------------------------------------------------------------------

const ERROR_RESPONSE: Record<ErrorCode, string> = {
  invalid: 'A parameter, header or body field is invalid (`invalid`, with `issues`).',
  unauthorized: 'No valid token (`unauthorized`).',
  not_found: 'No such blog or entry (`not_found`).',
  conflict: 'The entry is not at the expected version (`conflict`).',
  too_large: 'The body is over the request limit, 256 KB (`too_large`).',
  rate_limited: 'Too many requests or writes; slow down (`rate_limited`).',
  unavailable: 'The store cannot be reached; nothing was written (`unavailable`).',
  internal: 'An unexpected failure (`internal`).',
};
const RESPONSE_NAME: Record<ErrorCode, string> = {
  invalid: 'Invalid',
  unauthorized: 'Unauthorized',
  not_found: 'NotFound',
  conflict: 'Conflict',
  too_large: 'TooLarge',
  rate_limited: 'RateLimited',
  unavailable: 'Unavailable',
  internal: 'Internal',
};

const json = (schema: JsonSchema): JsonSchema => ({ 'application/json': { schema } });
const answer = (description: string, id: string): JsonSchema => ({ description, content: json(ref(id)) });

/** The given errors, each `$ref` to its shared response; every route can also fail 429, 500 and 503. */
function errors(...codes: ErrorCode[]): Record<string, JsonSchema> {
  const all = new Set<ErrorCode>([...codes, 'rate_limited', 'unavailable', 'internal']);
  const out: Record<string, JsonSchema> = {};
  for (const code of all) {
    out[String(HTTP_STATUS[code])] = { $ref: `#/components/responses/${RESPONSE_NAME[code]}` };
  }
  return out;
}

// ---- parameters ------------------------------------------------------------------------------------

const param = (id: string): JsonSchema => ({ $ref: `#/components/parameters/${id}` });
const input = (schema: z.ZodType): JsonSchema =>
  inlineSchema(schema, { io: 'input', target: 'draft-2020-12' });

/**
 * The entries query, as form-style query parameters. Described from the Socket.IO request's schema
 * (integers and booleans), which the HTTP query accepts serialised; EntriesHttpQuerySchema parses it.
 */
const ENTRIES_QUERY: Record<keyof typeof EntriesHttpQuerySchema.shape, { description: string }> = {
  before: { description: 'Entries older than this entry (for "load more").' },
  limit: { description: 'How many entries, 1–100; default 20.' },
  keyEvents: { description: 'Only key events (`true`/`false`; `1`/`0` too).' },
};

function parameters(): Record<string, JsonSchema> {
  const query: Record<string, JsonSchema> = {};
  for (const [name, { description }] of Object.entries(ENTRIES_QUERY)) {
    const key = name as keyof typeof ENTRIES_QUERY;
    query[`Entries_${name}`] = {
      name,
      in: 'query',
      required: false,
      description,
      schema: input(EntriesQuerySchema.shape[key].unwrap()),
    };
  }
  return {
    BlogId: { name: 'blogId', in: 'path', required: true, schema: ref('BlogId') },
    EntryId: { name: 'entryId', in: 'path', required: true, schema: ref('EntryId') },
    DraftId: { name: 'draftId', in: 'path', required: true, schema: ref('EntryId') },
    ...query,
    Cursor: {
      name: 'cursor',
      in: 'query',
      required: false,
      description: 'The `cursor` of the last event seen. Missing or not resumable: `resumed: false`.',
      schema: { type: 'string' },
    },
    IdempotencyKey: {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'The same key from the same editor within 24 h answers the first entry with `duplicate: true` ' +
        'and publishes nothing new: a retry after a timeout never makes a second entry.',
      schema: input(EntryCreateSchema.shape.idempotencyKey.unwrap()),
    },
    IfMatch: {
      name: 'If-Match',
      in: 'header',
      required: false,
      description: 'The entry version the update expects (`3`, `"3"` or `W/"3"`); another is `conflict`.',
      schema: { type: 'string', pattern: IF_MATCH_PATTERN.source },
    },
  };
}

// ---- paths -----------------------------------------------------------------------------------------

/** Editors and contributors (SPEC §10); what a contributor may not do is 403 `unauthorized`. */
const DESK = [{ editorToken: [] }, { contributorToken: [] }];
const FORBIDDEN = { '403': { $ref: '#/components/responses/Forbidden' } };

/** The drafts' routes (SPEC §10). */
function draftPaths(): Record<string, JsonSchema> {
  return {
    '/api/blogs/{blogId}/drafts': {
      parameters: [param('BlogId')],
      get: {
        operationId: 'listDrafts',
        tags: ['drafts'],
        summary: "The blog's drafts, oldest first: every one for an editor, its own for a contributor",
        security: DESK,
        responses: {
          '200': answer('The drafts', 'DraftList'),
          ...errors('invalid', 'unauthorized', 'not_found'),
        },
      },
      post: {
        operationId: 'createDraft',
        tags: ['drafts'],
        summary: 'Write a new draft (editor or contributor)',
        security: DESK,
        requestBody: body('DraftCreateBody'),
        responses: {
          '201': answer('Saved', 'DraftAnswer'),
          ...FORBIDDEN,
          ...errors('invalid', 'unauthorized', 'not_found', 'too_large'),
        },
      },
    },
    '/api/blogs/{blogId}/drafts/{draftId}': {
      parameters: [param('BlogId'), param('DraftId')],
      patch: {
        operationId: 'updateDraft',
        tags: ['drafts'],
        summary:
          'Save, submit, return, schedule or unschedule a draft (contributors: their own, no publishAt)',
        security: DESK,
        parameters: [param('IfMatch')],
        requestBody: body('DraftUpdateBody'),
        responses: {
          '200': answer('The draft after the change', 'DraftAnswer'),
          ...FORBIDDEN,
          ...errors('invalid', 'unauthorized', 'not_found', 'conflict', 'too_large'),
        },
      },
      delete: {
        operationId: 'deleteDraft',
        tags: ['drafts'],
        summary: 'Delete a draft (contributors: their own)',
        security: DESK,
        responses: {
          '204': { description: 'Deleted' },
          ...FORBIDDEN,
          ...errors('invalid', 'unauthorized', 'not_found'),
        },
      },
    },
    '/api/blogs/{blogId}/drafts/{draftId}/publish': {
      parameters: [param('BlogId'), param('DraftId')],
      post: {
        operationId: 'publishDraft',
        tags: ['drafts'],
        summary: 'Publish a draft as a new entry, exactly once (editor)',
        description:
          "The entry is created (`entry.created`, `createdAt` = now, the draft's author) in the same atomic " +
          'step that removes the draft: a second publish of the same draft is `not_found`.',
        security: EDITOR,
        parameters: [param('IfMatch')],
        responses: {
          '201': answer('Published', 'EntryAnswer'),
          ...FORBIDDEN,
          ...errors('invalid', 'unauthorized', 'not_found', 'conflict'),
        },
      },
    },
  };
}

const EDITOR = [{ editorToken: [] }];
const html = (description: string): JsonSchema => ({
  description,
  content: { 'text/html': { schema: { type: 'string' } } },
});
const body = (id: string): JsonSchema => ({ required: true, content: json(ref(id)) });

/** The media object of POST /api/media (src/media/media.ts `MediaObject`; README "Photos and video"). */
const MEDIA_OBJECT: JsonSchema = {
  type: 'object',
  required: ['id', 'width', 'height', 'alt', 'createdAt', 'markdown', 'urls'],
  properties: {
    id: { type: 'string', pattern: '^[0-9A-HJKMNP-TV-Z]{26}$' },
    width: { type: 'integer' },
    height: { type: 'integer' },
    alt: { type: 'string' },
    caption: { type: 'string' },
    credit: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    markdown: { type: 'string', description: 'Places the photo in an entry: `![alt](media:<id>)`' },
    urls: {
      type: 'object',
      required: ['jpeg', 'webp', 'variants'],
      properties: {
        jpeg: { type: 'string' },
        webp: { type: 'string' },
        variants: {
          type: 'array',
          items: {
            type: 'object',
            required: ['width', 'format', 'contentType', 'url'],
            properties: {
              width: { type: 'integer' },
              format: { enum: ['webp', 'jpg'] },
              contentType: { type: 'string' },
              url: { type: 'string' },
            },
          },
        },
      },
    },
  },
};
const MEDIA_ANSWER: JsonSchema = {
  type: 'object',
  required: ['media'],
  properties: { media: MEDIA_OBJECT },
};
const textParam = (name: string, required: boolean, description: string): JsonSchema => ({
  name,
  in: 'query',
  required,
  description,
  schema: { type: 'string' },
});

function mediaPaths(): Record<string, JsonSchema> {
  return {
    '/api/media': {
      post: {
        operationId: 'uploadMedia',
        tags: ['media'],
        summary: 'Upload a photo (editor)',
        description:
          'The body is the image file as it is (JPEG, PNG, WebP, GIF, AVIF, HEIF, TIFF). It is decoded, ' +
          'turned upright, stripped of all metadata and re-encoded at 480/960/1600 px as WebP and JPEG.',
        security: EDITOR,
        parameters: [
          textParam('alt', true, 'Alt text, 1–500 characters'),
          textParam('caption', false, 'Caption, up to 1,000 characters'),
          textParam('credit', false, 'Credit, up to 200 characters'),
        ],
        requestBody: {
          required: true,
          content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
        },
        responses: {
          '201': { description: 'Stored', content: json(MEDIA_ANSWER) },
          ...errors('invalid', 'unauthorized', 'too_large'),
        },
      },
    },
    '/api/media/{mediaId}': {
      parameters: [{ name: 'mediaId', in: 'path', required: true, schema: { type: 'string' } }],
      get: {
        operationId: 'getMedia',
        tags: ['media'],
        summary: 'One uploaded photo',
        responses: {
          '200': { description: 'The photo', content: json(MEDIA_ANSWER) },
          ...errors('not_found'),
        },
      },
    },
  };
}

function paths(): Record<string, JsonSchema> {
  return {
    '/api/blogs': {
      get: {
        operationId: 'listBlogs',
        tags: ['blogs'],
        summary: 'Every blog',
        responses: { '200': answer('The blogs', 'BlogList'), ...errors() },
      },
    },
    '/api/blogs/{blogId}': {
      parameters: [param('BlogId')],
      get: {
        operationId: 'getBlog',
        tags: ['blogs'],
        summary: 'One blog',
        responses: { '200': answer('The blog', 'BlogAnswer'), ...errors('invalid', 'not_found') },
      },
      put: {
        operationId: 'upsertBlog',
        tags: ['blogs'],
        summary: 'Create or update a blog (editor)',
        description: 'Creating a blog publishes its first `blog.updated` event (seq 1).',
        security: EDITOR,
        requestBody: body('BlogUpsertBody'),
        responses: {
          '200': answer('Updated', 'BlogAnswer'),
          '201': answer('Created', 'BlogAnswer'),
          ...errors('invalid', 'unauthorized', 'too_large'),
        },
      },
    },
    '/api/blogs/{blogId}/entries': {
      parameters: [param('BlogId')],
      get: {
        operationId: 'listEntries',
        tags: ['entries'],
        summary: 'Entries, newest first, with the position of the latest event',
        parameters: [param('Entries_before'), param('Entries_limit'), param('Entries_keyEvents')],
        responses: { '200': answer('A page of entries', 'EntriesPage'), ...errors('invalid', 'not_found') },
      },
      post: {
        operationId: 'createEntry',
        tags: ['entries'],
        summary: 'Post an entry (editor)',
        security: EDITOR,
        parameters: [param('IdempotencyKey')],
        requestBody: body('EntryCreateBody'),
        responses: {
          '200': answer(
            'A retry: the entry its key made first; nothing new published',
            'DuplicateEntryAnswer',
          ),
          '201': answer('Created and published', 'EntryAnswer'),
          ...errors('invalid', 'unauthorized', 'not_found', 'too_large'),
        },
      },
    },
    '/api/blogs/{blogId}/entries/{entryId}': {
      parameters: [param('BlogId'), param('EntryId')],
      patch: {
        operationId: 'updateEntry',
        tags: ['entries'],
        summary: 'Edit, pin or mark an entry (editor)',
        security: EDITOR,
        parameters: [param('IfMatch')],
        requestBody: body('EntryUpdateBody'),
        responses: {
          '200': answer('The entry after the change', 'EntryAnswer'),
          ...errors('invalid', 'unauthorized', 'not_found', 'conflict', 'too_large'),
        },
      },
      delete: {
        operationId: 'deleteEntry',
        tags: ['entries'],
        summary: 'Delete an entry (editor)',
        security: EDITOR,
        responses: { '204': { description: 'Deleted' }, ...errors('invalid', 'unauthorized', 'not_found') },
      },
    },
    '/api/blogs/{blogId}/entries/{entryId}/revisions': {
      parameters: [param('BlogId'), param('EntryId')],
      get: {
        operationId: 'entryRevisions',
        tags: ['entries'],
        summary: 'Every published version of an entry, oldest first',
        description: 'Public. A deleted entry’s revisions are gone with it (404).',
        responses: { '200': answer('The revisions', 'RevisionList'), ...errors('invalid', 'not_found') },
      },
    },
    '/api/blogs/{blogId}/export': {
      parameters: [param('BlogId')],
      get: {
        operationId: 'exportBlog',
        tags: ['blogs'],
        summary: 'The whole blog as NDJSON (editor)',
        description:
          'One JSON object per line: `{ blog }` first, then `{ entry, revisions }` for every entry, oldest ' +
          'first (SPEC §10).',
        security: EDITOR,
        responses: {
          '200': {
            description: 'NDJSON',
            content: { 'application/x-ndjson': { schema: { type: 'string' } } },
          },
          ...errors('invalid', 'unauthorized', 'not_found'),
        },
      },
    },
    '/blogs/{blogId}/feed.atom': {
      parameters: [param('BlogId')],
      get: {
        operationId: 'atomFeed',
        tags: ['pages'],
        summary: 'Atom 1.0 feed of the newest 50 entries',
        parameters: [
          {
            name: 'keyEvents',
            in: 'query',
            required: false,
            description: '`true`: key events only.',
            schema: { type: 'string', enum: ['true', 'false', '1', '0'] },
          },
        ],
        responses: {
          '200': {
            description: 'The feed',
            content: { 'application/atom+xml': { schema: { type: 'string' } } },
          },
          '404': html('No such blog'),
          ...errors(),
        },
      },
    },
    '/blogs/{blogId}/snapshot.html': {
      parameters: [param('BlogId')],
      get: {
        operationId: 'snapshotFile',
        tags: ['pages'],
        summary: 'The whole blog in one self-contained HTML file (attachment), no script, nothing to load',
        responses: { '200': html('The file'), '404': html('No such blog'), ...errors() },
      },
    },
    '/blogs/{blogId}/entries/{entryId}/revisions': {
      parameters: [param('BlogId'), param('EntryId')],
      get: {
        operationId: 'revisionsPage',
        tags: ['pages'],
        summary: 'An entry’s published versions, as a page',
        responses: { '200': html('The page'), '404': html('No such blog or entry'), ...errors() },
      },
    },
    '/api/blogs/{blogId}/events': {
      parameters: [param('BlogId')],
      get: {
        operationId: 'eventsAfter',
        tags: ['events'],
        summary: 'Catch-up: the events after a cursor',
        description:
          'For pollers, and for Redis subscribers that saw a `seq` jump (SPEC §5). Bounded (SPEC §9).',
        parameters: [param('Cursor')],
        responses: { '200': answer('The catch-up', 'EventsCatchUp'), ...errors('invalid', 'not_found') },
      },
    },
    ...draftPaths(),
    ...mediaPaths(),
    '/api/openapi.json': {
      get: {
        operationId: 'openApi',
        tags: ['meta'],
        summary: 'This document',
        responses: { '200': { description: 'OpenAPI 3.1', content: json({ type: 'object' }) }, ...errors() },
      },
    },
    '/api/asyncapi.json': {
      get: {
        operationId: 'asyncApi',
        tags: ['meta'],
        summary: 'The AsyncAPI 3.0 description of the Socket.IO namespaces and the Redis channel',
        responses: { '200': { description: 'AsyncAPI 3.0', content: json({ type: 'object' }) }, ...errors() },
      },
    },
    '/': { get: page('blogList', 'The list of blogs') },
    '/blogs/{blogId}': {
      parameters: [param('BlogId')],
      get: {
        ...page('readerPage', 'The reader page: newest entries, server-rendered, with JSON-LD; then live'),
        parameters: [
          {
            name: 'order',
            in: 'query',
            required: false,
            description:
              '`oldest`: oldest first, new entries join at the end (SPEC §10). Default newest first.',
            schema: { type: 'string', enum: ['newest', 'oldest'] },
          },
        ],
        responses: { '200': html('The page'), '404': html('No such blog'), ...errors() },
      },
    },
    '/console': { get: page('editorConsole', 'The editor console') },
    '/healthz': {
      get: {
        operationId: 'healthz',
        tags: ['health'],
        summary: 'Liveness: 200 while the process runs',
        responses: { '200': answer('Running', 'Health') },
      },
    },
    '/readyz': {
      get: {
        operationId: 'readyz',
        tags: ['health'],
        summary: 'Readiness: 200 when the store is reachable and the server is not stopping',
        responses: { '200': answer('Ready', 'Health'), '503': answer('Not ready', 'Health') },
      },
    },
    '/metrics': {
      get: {
        operationId: 'metrics',
        tags: ['health'],
        summary: 'Prometheus metrics',
        description: 'With METRICS_TOKEN set, it needs `Authorization: Bearer <METRICS_TOKEN>`.',
        security: [{}, { metricsToken: [] }],
        responses: {
          '200': {
            description: 'Prometheus text format',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
          '401': { $ref: '#/components/responses/Unauthorized' },
        },
      },
    },
  };
}

function page(operationId: string, summary: string): JsonSchema {
  return { operationId, tags: ['pages'], summary, responses: { '200': html('The page'), ...errors() } };
}

// ---- the document -----------------------------------------------------------------------------------

export function buildOpenApi(options: OpenApiOptions = {}): OpenApiDocument {
  const generated = {
    ...componentSchemas(REQUESTS, { io: 'input', target: 'draft-2020-12', refPrefix: REF }),
    ...componentSchemas(ANSWERS, { io: 'output', target: 'draft-2020-12', refPrefix: REF }),
  };
  const schemas: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(generated)) {
    const description = DESCRIPTIONS[id];
    schemas[id] = description ? { description, ...schema } : schema;
  }
  schemas.Event = {
    ...schemas.Event,
    discriminator: {
      propertyName: 'type',
      mapping: {
        'entry.created': `${REF}EntryCreatedEvent`,
        'entry.updated': `${REF}EntryUpdatedEvent`,
        'entry.deleted': `${REF}EntryDeletedEvent`,
        'blog.updated': `${REF}BlogUpdatedEvent`,
      },
    },
  };
  const responses: Record<string, JsonSchema> = {};
  for (const code of Object.keys(ERROR_RESPONSE) as ErrorCode[]) {
    responses[RESPONSE_NAME[code]] = answer(ERROR_RESPONSE[code], 'Error');
  }
  responses.Forbidden = answer(
    "A contributor asked for what only editors may do, or for another author's draft (`unauthorized`).",
    'Error',
  );
  responses.RateLimited = {
    ...responses.RateLimited,
    headers: {
      'Retry-After': {
        description: 'Seconds until a read is let through again (reads and pages, not editor writes).',
        schema: { type: 'integer', minimum: 1 },
      },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'liveblog',
      version: options.version ?? SERVER_VERSION,
      summary: 'A real-time live blog: reads for anyone, writes for editors.',
      description:
        'The HTTP API of liveblog. The same changes reach Socket.IO clients and Redis subscribers as ' +
        '`Event`s: see `/api/asyncapi.json`. An HTTP write and a Socket.IO write are the same operation.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    ...(options.publicUrl ? { servers: [{ url: options.publicUrl }] } : {}),
    tags: [
      { name: 'blogs' },
      { name: 'entries' },
      { name: 'events' },
      { name: 'drafts', description: 'The desk (SPEC §10): never shown to readers' },
      { name: 'pages', description: 'HTML for people' },
      { name: 'health' },
      { name: 'meta', description: 'The API descriptions' },
    ],
    paths: paths(),
    components: {
      schemas,
      parameters: parameters(),
      responses,
      securitySchemes: {
        editorToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'An editor token from EDITOR_TOKENS, or an HS256 JWT signed with JWT_SECRET.',
        },
        contributorToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'A contributor token from CONTRIBUTOR_TOKENS, or a JWT with `role: "contributor"`.',
        },
        metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, when set.' },
      },
    },
  };
}
