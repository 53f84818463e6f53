/**
 * Requests from an OpenAPI 3.x or Swagger 2.0 description: one per operation, parameters and a
 * JSON (or form) body filled from the spec's examples and defaults, else made up from the
 * schema, so the passive and active rules see the API the way ZAP's OpenAPI add-on feeds it.
 * Requests always go to the target's origin: a server on another host lends only its path.
 * A spec given as a URL is read through the scan's client, so it too must be on the target.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { VigilError } from '../../src/errors.js';
import type { HttpClient, WebRequest } from './types.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** A loose view of a dereferenced schema or parameter: the spec is user input, so every field is optional. */
interface Schema {
  type?: string | string[];
  format?: string;
  example?: unknown;
  examples?: unknown;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  nullable?: boolean;
}

interface Param extends Schema {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie' | 'body' | 'formData';
  schema?: Schema;
  'x-example'?: unknown;
  collectionFormat?: string;
}

interface Operation {
  parameters?: Param[];
  requestBody?: { content?: Record<string, { schema?: Schema; example?: unknown; examples?: Record<string, { value?: unknown }> }> };
  consumes?: string[];
}

interface Doc {
  swagger?: string;
  openapi?: string;
  basePath?: string;
  consumes?: string[];
  servers?: Array<{ url?: string; variables?: Record<string, { default?: string }> }>;
  paths?: Record<string, Record<string, unknown> & { parameters?: Param[] }>;
}

/** One request per operation of the spec (file path, or URL on the target's origin), addressed to `origin`. */
export async function openApiRequests(spec: string, origin: string, client: HttpClient): Promise<WebRequest[]> {
  const isUrl = /^https?:\/\//i.test(spec);
  if (isUrl && safeOrigin(spec) !== client.origin) {
    throw new VigilError('VIGIL_ERR_USAGE', `OpenAPI spec ${spec} is outside the target's origin ${client.origin}: serve it from the target or pass a file`);
  }
  // the parser replaces a resolver's error with a generic one: keep ours to report it
  let readError: string | undefined;
  let doc: Doc;
  try {
    const api = await SwaggerParser.dereference(spec, {
      resolve: {
        // never let the parser open its own connections: URLs are read through the origin-bound client
        http: false,
        vigil: {
          order: 1,
          canRead: /^https?:\/\//i,
          read: async (file: { url: string }) => {
            try {
              const res = await client.send({ method: 'GET', url: file.url, headers: { accept: 'application/json, application/yaml, text/yaml, */*' } });
              if (res.status < 200 || res.status > 299) throw new Error(`HTTP ${res.status} for ${file.url}`);
              if (res.truncated) throw new Error(`${file.url} is larger than the client's body limit`);
              return res.body;
            } catch (e) {
              readError = e instanceof Error ? e.message : String(e);
              throw e;
            }
          },
        },
      },
    } as SwaggerParser.Options);
    doc = api as unknown as Doc;
  } catch (e) {
    const why = readError ?? (e instanceof Error ? e.message : String(e));
    throw new VigilError('VIGIL_ERR_USAGE', `OpenAPI spec ${spec} could not be read: ${why}`, isUrl ? {} : { file: spec }, { cause: e });
  }
  if (typeof doc !== 'object' || doc === null || (!doc.openapi && !doc.swagger)) {
    throw new VigilError('VIGIL_ERR_USAGE', `OpenAPI spec ${spec} is neither OpenAPI 3.x nor Swagger 2.0`, isUrl ? {} : { file: spec });
  }
  const target = new URL(origin).origin;
  const basePath = basePathOf(doc, isUrl ? spec : `${target}/`);
  const v2 = doc.swagger !== undefined;
  const out: WebRequest[] = [];
  for (const [p, item] of Object.entries(doc.paths ?? {})) {
    if (typeof item !== 'object' || item === null) continue;
    for (const m of METHODS) {
      const op = item[m] as Operation | undefined;
      if (typeof op !== 'object' || op === null) continue;
      out.push(buildRequest(m.toUpperCase(), target, basePath, p, mergeParams(item.parameters, op.parameters), op, v2, doc));
    }
  }
  return out;
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** The path prefix of the first server (3.x) or basePath (2.0); only the path is kept from another origin. */
function basePathOf(doc: Doc, specBase: string): string {
  let raw = '/';
  if (doc.swagger !== undefined) raw = doc.basePath ?? '/';
  else {
    const server = doc.servers?.[0];
    if (server?.url) {
      // `{name}` needs a `}` after it: replacing only up to the last one gives the same result
      // without rescanning to the end from every `{` of an unclosed `{{{{…`
      const cut = server.url.lastIndexOf('}') + 1;
      raw = server.url.slice(0, cut).replace(/\{([^}]+)\}/g, (_m, name: string) => server.variables?.[name]?.default ?? '') + server.url.slice(cut);
    }
  }
  let pathname: string;
  try {
    // a relative server URL is relative to where the spec lives (OpenAPI 3 §4.8.5)
    pathname = new URL(raw, specBase).pathname;
  } catch {
    pathname = '/';
  }
  // not `.replace(/\/+$/, '')`, which tries every slash of `////…/x` and scans to the x each time
  let end = pathname.length;
  while (end > 0 && pathname[end - 1] === '/') end--;
  return pathname.slice(0, end);
}

function mergeParams(pathLevel: Param[] | undefined, opLevel: Param[] | undefined): Param[] {
  const byKey = new Map<string, Param>();
  for (const p of [...(pathLevel ?? []), ...(opLevel ?? [])]) {
    if (typeof p === 'object' && p !== null && typeof p.name === 'string') byKey.set(`${p.in}:${p.name}`, p);
  }
  return [...byKey.values()];
}

function buildRequest(method: string, origin: string, basePath: string, template: string, params: Param[], op: Operation, v2: boolean, doc: Doc): WebRequest {
  const headers: Record<string, string> = {};
  const query = new URLSearchParams();
  const cookies: string[] = [];
  const form = new URLSearchParams();
  let body: string | undefined;
  let path = template;
  for (const p of params) {
    const value = paramValue(p);
    switch (p.in) {
      case 'path':
        path = path.split(`{${p.name}}`).join(encodeURIComponent(scalar(value)));
        break;
      case 'query':
        if (Array.isArray(value) && (!v2 || p.collectionFormat === 'multi')) for (const v of value) query.append(p.name, scalar(v));
        else query.append(p.name, scalar(value, v2 ? collectionSep(p.collectionFormat) : ','));
        break;
      case 'header':
        headers[p.name.toLowerCase()] = scalar(value);
        break;
      case 'cookie':
        cookies.push(`${p.name}=${encodeURIComponent(scalar(value))}`);
        break;
      case 'formData':
        form.append(p.name, scalar(value));
        break;
      case 'body':
        body = JSON.stringify(sample(p.schema ?? {}));
        headers['content-type'] = 'application/json';
        break;
      default:
        break;
    }
  }
  if (cookies.length > 0) headers.cookie = cookies.join('; ');
  if (v2 && body === undefined && [...form.keys()].length > 0) {
    const consumes = op.consumes ?? doc.consumes ?? [];
    const asMultipart = consumes.includes('multipart/form-data') && !consumes.includes('application/x-www-form-urlencoded');
    const built = asMultipart ? multipart(form) : { body: form.toString(), contentType: 'application/x-www-form-urlencoded' };
    body = built.body;
    headers['content-type'] = built.contentType;
  }
  if (!v2 && op.requestBody?.content) {
    const built = requestBody(op.requestBody.content);
    if (built) {
      body = built.body;
      headers['content-type'] = built.contentType;
    }
  }
  const url = new URL(`${origin}${basePath}${path.startsWith('/') ? path : `/${path}`}`);
  url.search = query.toString();
  const req: WebRequest = { method, url: url.href, headers };
  if (body !== undefined) req.body = body;
  return req;
}

function collectionSep(format: string | undefined): string {
  return format === 'ssv' ? ' ' : format === 'tsv' ? '\t' : format === 'pipes' ? '|' : ',';
}

function scalar(v: unknown, sep = ','): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.map((x) => scalar(x, sep)).join(sep);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function requestBody(content: NonNullable<NonNullable<Operation['requestBody']>['content']>): { body: string; contentType: string } | undefined {
  const types = Object.keys(content);
  const pick =
    types.find((t) => /^application\/(.+\+)?json\b/i.test(t)) ??
    types.find((t) => /x-www-form-urlencoded/i.test(t)) ??
    types.find((t) => /multipart\/form-data/i.test(t)) ??
    types[0];
  if (pick === undefined) return undefined;
  const media = content[pick] ?? {};
  const firstExample = media.examples ? Object.values(media.examples).find((e) => e && typeof e === 'object' && 'value' in e)?.value : undefined;
  const value = media.example !== undefined ? media.example : firstExample !== undefined ? firstExample : sample(media.schema ?? {});
  if (/x-www-form-urlencoded/i.test(pick) || /multipart\/form-data/i.test(pick)) {
    const form = new URLSearchParams();
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) form.append(k, scalar(v));
    }
    if (/multipart/i.test(pick)) return multipart(form);
    return { body: form.toString(), contentType: 'application/x-www-form-urlencoded' };
  }
  if (/json/i.test(pick)) return { body: JSON.stringify(value), contentType: pick };
  return { body: typeof value === 'string' ? value : JSON.stringify(value), contentType: pick };
}

function multipart(form: URLSearchParams): { body: string; contentType: string } {
  const boundary = 'vigil-boundary-7d1c2f';
  const parts = [...form.entries()].map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k.replace(/"/g, '%22')}"\r\n\r\n${v}\r\n`);
  return { body: `${parts.join('')}--${boundary}--\r\n`, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A parameter's value: its example(s), default or first enum value, else one made from its schema. */
function paramValue(p: Param): unknown {
  if (p.example !== undefined) return p.example;
  if (p.examples && typeof p.examples === 'object') {
    const first = Object.values(p.examples as Record<string, { value?: unknown }>).find((e) => e && typeof e === 'object' && 'value' in e);
    if (first) return first.value;
  }
  if (p['x-example'] !== undefined) return p['x-example'];
  // 2.0 non-body parameters carry their schema inline; 3.x in `schema`
  return sample(p.schema ?? p);
}

/** A value that fits a schema: example, default, enum[0] or const first, else generated by type and format. */
export function sample(schema: Schema, depth = 0, seen: Set<Schema> = new Set()): unknown {
  if (typeof schema !== 'object' || schema === null) return 'vigil';
  if (schema.example !== undefined) return schema.example;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  // dereferenced specs may be circular: stop at a schema already on the path, or deep nesting
  if (seen.has(schema) || depth > 8) return null;
  const path = new Set(seen).add(schema);
  if (schema.allOf && schema.allOf.length > 0) {
    const parts = schema.allOf.map((s) => sample(s, depth + 1, path));
    if (parts.every((x) => x && typeof x === 'object' && !Array.isArray(x))) return Object.assign({}, ...parts);
    return parts[0];
  }
  const alt = schema.oneOf?.[0] ?? schema.anyOf?.[0];
  if (alt) return sample(alt, depth + 1, path);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (type === 'object' || (type === undefined && schema.properties)) {
    const out: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(schema.properties ?? {})) out[k] = sample(s, depth + 1, path);
    return out;
  }
  if (type === 'array') return schema.items ? [sample(schema.items, depth + 1, path)] : [];
  if (type === 'integer' || type === 'number') {
    let n = 1;
    if (typeof schema.minimum === 'number' && n < schema.minimum) n = Math.ceil(schema.minimum);
    if (typeof schema.maximum === 'number' && n > schema.maximum) n = Math.floor(schema.maximum);
    return n;
  }
  if (type === 'boolean') return true;
  if (type === 'null') return null;
  return sampleString(schema);
}

function sampleString(schema: Schema): string {
  const now = new Date();
  let s: string;
  switch (schema.format) {
    case 'date-time':
      s = now.toISOString();
      break;
    case 'date':
      s = now.toISOString().slice(0, 10);
      break;
    case 'time':
      s = now.toISOString().slice(11, 19);
      break;
    case 'email':
    case 'idn-email':
      s = 'vigil@example.com';
      break;
    case 'uuid':
      s = '00000000-0000-4000-8000-000000000001';
      break;
    case 'uri':
    case 'url':
    case 'iri':
      s = 'https://example.com/';
      break;
    case 'hostname':
    case 'idn-hostname':
      s = 'example.com';
      break;
    case 'ipv4':
      s = '192.0.2.1';
      break;
    case 'ipv6':
      s = '2001:db8::1';
      break;
    case 'byte':
      s = Buffer.from('vigil').toString('base64');
      break;
    default:
      s = 'vigil';
  }
  if (typeof schema.minLength === 'number' && s.length < schema.minLength) s = s.padEnd(schema.minLength, 'x');
  if (typeof schema.maxLength === 'number' && s.length > schema.maxLength) s = s.slice(0, Math.max(0, schema.maxLength));
  return s;
}
