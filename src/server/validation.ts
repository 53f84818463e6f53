import type { FastifyInstance, FastifySchema } from 'fastify';
import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: its default export arrives as the module object under NodeNext
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * fastify's validation with vigil's ajv settings. Unknown fields and query parameters are refused
 * (`removeAdditional: false` with each schema's `additionalProperties: false`), not silently dropped.
 * Query strings and path parameters arrive as text, so they are coerced to the schema's types;
 * bodies are JSON and are not: `{"justification": 5}` is a wrong type, not the string "5".
 */
export function installValidation(app: FastifyInstance): void {
  const common: Options = {
    removeAdditional: false,
    useDefaults: true,
    allErrors: false,
    discriminator: true,
    // OpenAPI words (description, example) and fastify's ride along in the schemas
    strict: false,
  };
  const text = addFormats(new Ajv({ ...common, coerceTypes: true }));
  const json = addFormats(new Ajv({ ...common, coerceTypes: false }));
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? json : text).compile(schema as object));
  // Responses are written with JSON.stringify: a response schema documents the route, it never
  // drops a field (fast-json-stringify would strip what a schema does not list).
  app.setSerializerCompiler(() => (data: unknown) => JSON.stringify(data));
}

/** A route schema: what fastify validates and @fastify/swagger documents. */
export type RouteSchema = FastifySchema & { summary?: string; description?: string; tags?: string[] };
