/**
 * zod schemas → JSON Schemas for the API descriptions, with zod 4's own converter (`z.toJSONSchema`):
 * the descriptions are generated from the schemas the server validates with, never written by hand.
 */
import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

export interface ComponentOptions {
  /** `input` for what clients send (before transforms), `output` for what the server answers. */
  io: 'input' | 'output';
  /** JSON Schema draft: OpenAPI 3.1 uses 2020-12, AsyncAPI's Schema Object is a superset of draft-07. */
  target: 'draft-2020-12' | 'draft-07';
  /** Where the components live, e.g. `#/components/schemas/`. */
  refPrefix: string;
}

/**
 * Each named schema as a component; a schema that another one contains is a `$ref` to its component.
 * Answers leave `additionalProperties` open: the contract grows by adding fields (SPEC: "add, don't
 * break"), and a client that validates with these schemas must keep working when a field is added.
 */
export function componentSchemas(
  schemas: Record<string, z.ZodType>,
  options: ComponentOptions,
): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const { schemas: generated } = z.toJSONSchema(registry, {
    io: options.io,
    target: options.target,
    uri: (id) => `${options.refPrefix}${id}`,
    override: ({ zodSchema, jsonSchema }) => {
      if (options.io === 'output' && zodSchema._zod.def.type === 'object' && !isStrict(zodSchema)) {
        delete jsonSchema.additionalProperties;
      }
    },
  });
  const components: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(generated)) components[id] = bare(schema);
  return components;
}

/** One schema, inline (a parameter's, say), with the same conversion. */
export function inlineSchema(schema: z.ZodType, options: Omit<ComponentOptions, 'refPrefix'>): JsonSchema {
  return bare(z.toJSONSchema(schema, { io: options.io, target: options.target }));
}

/** An object schema built with `z.strictObject` refuses unknown keys; `z.object` strips them. */
function isStrict(schema: z.core.$ZodType): boolean {
  const { catchall } = schema._zod.def as { catchall?: z.core.$ZodType };
  return catchall?._zod.def.type === 'never';
}

/** Without `$schema` and `$id`: a component is part of its document, not a document of its own. */
function bare(schema: object): JsonSchema {
  const { $schema, $id, ...rest } = schema as JsonSchema;
  void $schema;
  void $id;
  return rest;
}
