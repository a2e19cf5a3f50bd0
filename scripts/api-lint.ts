/**
 * Checks of the API descriptions, offline: the OpenAPI document against the OpenAPI 3.1 JSON Schema
 * (@seriousme/openapi-schema-validator), the AsyncAPI document against the AsyncAPI 3.0 JSON Schema
 * (@asyncapi/specs, with ajv), each OpenAPI component schema against JSON Schema 2020-12, and in both every local `$ref` resolves and every operation has an id
 * and a success answer. Used by `npm run lint:api` (scripts/api-docs.ts) and by the tests.
 */
import specs from '@asyncapi/specs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export type Problems = string[];

export async function lintOpenApi(doc: object): Promise<Problems> {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(doc) as never);
  const problems: Problems = result.valid
    ? []
    : toArray(result.errors).map((e) => `openapi: ${JSON.stringify(e)}`);
  problems.push(...unresolvedRefs(doc).map((r) => `openapi: unresolved $ref ${r}`));
  // The OpenAPI schema leaves Schema Objects to their dialect: check each against JSON Schema 2020-12.
  const meta = new Ajv2020({ strict: false });
  const components = (doc as { components?: { schemas?: Record<string, object> } }).components;
  for (const [id, schema] of Object.entries(components?.schemas ?? {})) {
    if (!meta.validateSchema(schema))
      problems.push(`openapi: components.schemas.${id}: ${meta.errorsText(meta.errors)}`);
  }
  const paths = (doc as { paths?: Record<string, Record<string, unknown>> }).paths ?? {};
  const ids = new Set<string>();
  for (const [path, item] of Object.entries(paths)) {
    for (const method of ['get', 'put', 'post', 'patch', 'delete']) {
      const op = item[method] as { operationId?: string; responses?: Record<string, unknown> } | undefined;
      if (!op) continue;
      if (!op.operationId) problems.push(`openapi: ${method} ${path} has no operationId`);
      else if (ids.has(op.operationId)) problems.push(`openapi: operationId ${op.operationId} twice`);
      else ids.add(op.operationId);
      if (!Object.keys(op.responses ?? {}).some((s) => s.startsWith('2')))
        problems.push(`openapi: ${method} ${path} has no 2xx answer`);
    }
  }
  return problems;
}

let asyncApiValidator: ReturnType<Ajv['compile']> | undefined;

export function lintAsyncApi(doc: object): Problems {
  if (!asyncApiValidator) {
    // The AsyncAPI schema carries its own copy of the draft-07 meta-schema: ajv must not add its own.
    const ajv = new Ajv({ strict: false, allErrors: true, meta: false, validateSchema: false });
    addFormats.default(ajv);
    asyncApiValidator = ajv.compile(specs.schemas['3.0.0'] as object);
  }
  const problems: Problems = asyncApiValidator(doc)
    ? []
    : (asyncApiValidator.errors ?? []).map((e) => `asyncapi: ${e.instancePath} ${e.message ?? ''}`);
  problems.push(...unresolvedRefs(doc).map((r) => `asyncapi: unresolved $ref ${r}`));
  return problems;
}

function toArray(errors: unknown): unknown[] {
  return Array.isArray(errors) ? errors : [errors];
}

/** Every `$ref: "#/…"` in `doc` whose JSON pointer leads nowhere. */
export function unresolvedRefs(doc: object): string[] {
  const missing: string[] = [];
  const resolve = (pointer: string): unknown =>
    pointer
      .slice(2)
      .split('/')
      .map((p) => decodeURIComponent(p).replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>(
        (node, key) =>
          typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined,
        doc,
      );
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (typeof node === 'object' && node !== null) {
      for (const [key, value] of Object.entries(node)) {
        if (
          key === '$ref' &&
          typeof value === 'string' &&
          value.startsWith('#/') &&
          resolve(value) === undefined
        )
          missing.push(value);
        else walk(value);
      }
    }
  };
  walk(doc);
  return missing;
}
