/** SPEC §9: the API descriptions are served, valid, and describe what the server really sends. */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Ajv } from 'ajv';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintAsyncApi, lintOpenApi } from '../../scripts/api-lint.js';
import { SERVER_VERSION } from '../../src/http/openapi.js';
import type { LiveEvent } from '../../src/schema.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { api, newBlog, newEntry } from '../helpers/clients.js';

type Doc = Record<string, unknown> & {
  paths: Record<string, Record<string, unknown>>;
  channels: Record<string, { address: string; messages: Record<string, { name: string }> }>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
};

let app: TestApp;
let openapi: Doc;
let asyncapi: Doc;

async function getJson(path: string): Promise<Doc> {
  const res = await fetch(`${app.url}${path}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return (await res.json()) as Doc;
}

beforeAll(async () => {
  app = await startApp();
  openapi = await getJson('/api/openapi.json');
  asyncapi = await getJson('/api/asyncapi.json');
});
afterAll(async () => {
  await app.stop();
});

/** A validator of one component schema of `doc`, its `$ref`s resolved inside the document. */
function componentValidator(ajv: Ajv | Ajv2020, doc: Doc, id: string, name: string) {
  ajv.addSchema({ $id: `https://liveblog.test/${name}`, components: doc.components });
  const validate = ajv.getSchema(`https://liveblog.test/${name}#/components/schemas/${id}`);
  if (!validate) throw new Error(`no schema ${id}`);
  return validate;
}

/** The documented schema accepts `value`, and documents every field the server sent. */
function expectDocumented(doc: Doc, id: string, value: object, validate: (v: unknown) => boolean): void {
  expect(validate(value), JSON.stringify(value)).toBe(true);
  const properties = doc.components.schemas[id]?.properties;
  if (properties) expect(Object.keys(properties)).toEqual(expect.arrayContaining(Object.keys(value)));
}

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3.1 document of the version the package has', async () => {
    expect(openapi.openapi).toMatch(/^3\.1\.\d+$/);
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect((openapi.info as { version: string }).version).toBe(SERVER_VERSION);
    expect(SERVER_VERSION).toBe(pkg.version);
  });

  it('describes every API route of SPEC §5 with its methods', () => {
    const routes: [string, string[]][] = [
      ['/api/blogs', ['get']],
      ['/api/blogs/{blogId}', ['get', 'put']],
      ['/api/blogs/{blogId}/entries', ['get', 'post']],
      ['/api/blogs/{blogId}/entries/{entryId}', ['patch', 'delete']],
      ['/api/blogs/{blogId}/events', ['get']],
      ['/api/openapi.json', ['get']],
      ['/api/asyncapi.json', ['get']],
    ];
    for (const [path, methods] of routes) {
      expect(Object.keys(openapi.paths[path] ?? {}), path).toEqual(expect.arrayContaining(methods));
    }
    for (const path of ['/', '/blogs/{blogId}', '/console', '/healthz', '/readyz', '/metrics']) {
      expect(openapi.paths[path]?.get, path).toBeDefined();
    }
  });

  it('marks editor routes with the bearer scheme and the error statuses', () => {
    const post = openapi.paths['/api/blogs/{blogId}/entries']?.post as {
      security: unknown;
      responses: Record<string, unknown>;
    };
    expect(post.security).toEqual([{ editorToken: [] }]);
    expect(Object.keys(post.responses)).toEqual(
      expect.arrayContaining(['200', '201', '400', '401', '404', '413', '429', '500', '503']),
    );
    const patch = openapi.paths['/api/blogs/{blogId}/entries/{entryId}']?.patch as {
      responses: Record<string, unknown>;
    };
    expect(Object.keys(patch.responses)).toContain('409');
    expect(JSON.stringify(openapi.components)).toContain('"Idempotency-Key"');
    expect(JSON.stringify(openapi.components)).toContain('"If-Match"');
  });

  it('passes the linter, which refuses a broken document', async () => {
    expect(await lintOpenApi(openapi)).toEqual([]);
    const broken = structuredClone(openapi);
    (broken.paths['/api/blogs'] as { get: Record<string, unknown> }).get.responses = 'none';
    expect((await lintOpenApi(broken)).length).toBeGreaterThan(0);
  });

  it('documents the entries and events the server really sends', async () => {
    const blogId = await newBlog(app, { label: 'openapi' });
    const before = await api(app.url, 'GET', `/api/blogs/${blogId}/entries`);
    const entry = await newEntry(app, blogId, {
      body: 'Talks **begin**',
      headline: 'London',
      keyEvent: true,
    });
    await api(app.url, 'PATCH', `/api/blogs/${blogId}/entries/${entry.id}`, {
      token: app.token,
      body: { pinned: true },
    });
    await api(app.url, 'DELETE', `/api/blogs/${blogId}/entries/${entry.id}`, { token: app.token });
    const cursor = String(before.body.cursor);
    const caughtUp = await api(
      app.url,
      'GET',
      `/api/blogs/${blogId}/events?cursor=${encodeURIComponent(cursor)}`,
    );
    const events = caughtUp.body.events as LiveEvent[];
    expect(events.map((e) => e.type)).toEqual(['entry.created', 'entry.updated', 'entry.deleted']);

    const ajv = new Ajv2020({ strict: false });
    const validateEntry = componentValidator(ajv, openapi, 'Entry', 'openapi');
    const validateEvent = ajv.getSchema('https://liveblog.test/openapi#/components/schemas/Event');
    const validateCatchUp = ajv.getSchema('https://liveblog.test/openapi#/components/schemas/EventsCatchUp');
    const validatePage = ajv.getSchema('https://liveblog.test/openapi#/components/schemas/EntriesPage');
    expectDocumented(openapi, 'Entry', entry, validateEntry);
    for (const event of events) {
      const variant = { 'entry.created': 'EntryCreatedEvent', 'entry.updated': 'EntryUpdatedEvent' }[
        event.type as string
      ];
      expectDocumented(openapi, variant ?? 'EntryDeletedEvent', event, (v) => validateEvent?.(v) === true);
    }
    expectDocumented(openapi, 'EventsCatchUp', caughtUp.body, (v) => validateCatchUp?.(v) === true);
    expectDocumented(openapi, 'EntriesPage', before.body, (v) => validatePage?.(v) === true);
    expect(validateEntry({ ...entry, version: 0 })).toBe(false);
  });
});

describe('GET /api/asyncapi.json', () => {
  it('is a valid AsyncAPI 3.0 document of both namespaces and the Redis channel', () => {
    expect(asyncapi.asyncapi).toBe('3.0.0');
    expect(lintAsyncApi(asyncapi)).toEqual([]);
    const addresses = Object.values(asyncapi.channels).map((c) => c.address);
    expect(addresses).toEqual(expect.arrayContaining(['/', '/editor', 'liveblog:{blogTag}:events']));
    const names = (key: string) => Object.values(asyncapi.channels[key]?.messages ?? {}).map((m) => m.name);
    expect(names('reader')).toEqual(
      expect.arrayContaining(['subscribe', 'unsubscribe', 'entries', 'event', 'readers']),
    );
    expect(names('editor')).toEqual(
      expect.arrayContaining(['blog:upsert', 'entry:create', 'entry:update', 'entry:delete', 'event']),
    );
    const broken = structuredClone(asyncapi);
    (broken.channels.reader as Record<string, unknown>).messages = { x: { $ref: '#/nowhere' } };
    expect(lintAsyncApi(broken).length).toBeGreaterThan(0);
  });

  it('documents the event envelope the server really sends', async () => {
    const blogId = await newBlog(app, { label: 'asyncapi' });
    const before = await api(app.url, 'GET', `/api/blogs/${blogId}/entries`);
    await newEntry(app, blogId, { body: 'hello' });
    const res = await api(
      app.url,
      'GET',
      `/api/blogs/${blogId}/events?cursor=${encodeURIComponent(String(before.body.cursor))}`,
    );
    const [event] = res.body.events as LiveEvent[];
    const validate = componentValidator(new Ajv({ strict: false }), asyncapi, 'Event', 'asyncapi');
    expect(validate(event), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...event, seq: 'one' })).toBe(false);
  });
});
