/**
 * The OpenAPI document the api scanner works from: read (a file, or a URL on the target's own
 * origin), parsed with line numbers so a broken document is named by file and line, checked for
 * the shape the scanner relies on, dereferenced by swagger-parser (OpenAPI 3.0/3.1, Swagger 2.0),
 * then turned into one record per operation: method, path template, effective security, the
 * roles it is for (`x-vigil-roles`) and a value for each parameter.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { VigilError } from '../../src/errors.js';
import { parseYamlSource } from '../../src/config/yaml-source.js';
import { JsonLocator, parseJsonText } from '../../src/util/json-source.js';
import { readTextInput } from '../../src/util/read-input.js';
import { WebRequestError } from '../web/http-client.js';
import { sample } from '../web/openapi.js';
import type { HttpClient } from '../web/types.js';

/** The largest spec read: far above any real API's document, far below what would hurt. */
export const MAX_SPEC_BYTES = 16 * 1024 * 1024;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** How an operation may be called, from its own `security` or the document's. */
export type Security = 'required' | 'anonymous';

/** One parameter with the value a request carries. */
export interface ApiParam {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  value: unknown;
}

/** One operation of the document, ready to be called. */
export interface ApiOperation {
  /** Upper case. */
  method: string;
  /** The path as the document spells it (`/orders/{id}`), without the server prefix. */
  path: string;
  operationId?: string;
  /** `required` when the document demands credentials (no `security: []`, no `{}` alternative). */
  security: Security;
  /** `x-vigil-roles`: the roles the operation is for; credentials of other roles must be refused. */
  roles?: string[];
  params: ApiParam[];
  /** A JSON (or form) body made from the document's examples, sent only to an active target. */
  body?: { contentType: string; text: string };
}

/** The document as the scanner uses it. */
export interface ApiSpec {
  /** `3.0.3`, `3.1.0`, `2.0`. */
  version: string;
  title?: string;
  /** The path prefix from `servers[0]` (3.x) or `basePath` (2.0), applied on the target's origin. */
  basePath: string | undefined;
  /** Set when the document's server is on another origin (only its path is used). */
  foreignServer?: string;
  /** Lower-case names of apiKey headers and cookies in securitySchemes: never sent from examples. */
  credentialNames: Set<string>;
  operations: ApiOperation[];
}

/** A loose view of the user's document: every field may be missing or of the wrong type. */
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where a path of the raw document is, for error messages. */
type Locate = (path: readonly (string | number)[]) => { line: number; column: number };

/**
 * Reads and dereferences the spec at `spec` (file path or URL; a URL must be on `client`'s origin).
 * Bad documents throw VIGIL_ERR_USAGE naming the file (and line); an unreachable target
 * VIGIL_ERR_TARGET_UNREACHABLE.
 */
export async function loadSpec(spec: string, client: HttpClient): Promise<ApiSpec> {
  const isUrl = /^https?:\/\//i.test(spec);
  let text: string;
  if (isUrl) {
    if (originOf(spec) !== client.origin) {
      throw new VigilError('VIGIL_ERR_USAGE', `api: the OpenAPI document ${spec} is outside the target's origin ${client.origin}: serve it from the target or pass a file`);
    }
    text = await fetchText(spec, client);
  } else {
    text = await readTextInput(spec, MAX_SPEC_BYTES);
  }
  const file = spec;
  let raw: unknown;
  let locate: Locate;
  if (text.replace(/^\uFEFF/, '').trimStart().startsWith('{')) {
    raw = parseJsonText(text, file, 'VIGIL_ERR_USAGE');
    const loc = new JsonLocator(text, file);
    locate = (p) => loc.locate(p);
  } else {
    const parsed = parseYamlSource(text, file, { parse: 'VIGIL_ERR_USAGE', invalid: 'VIGIL_ERR_USAGE' });
    raw = parsed.value;
    locate = (p) => parsed.locator.locate(p.map(String));
  }
  const fail = (path: readonly (string | number)[], problem: string): never => {
    const { line, column } = locate(path);
    throw new VigilError('VIGIL_ERR_USAGE', `OpenAPI document: ${path.length ? `${path.join('.')}: ` : ''}${problem}`, { file, line, column });
  };
  checkShape(raw, fail);

  let doc: Obj;
  let readError: string | undefined;
  try {
    const options = {
      resolve: {
        // the parser never opens its own connections: other documents on the target come through the client
        http: false,
        vigil: {
          order: 1,
          canRead: /^https?:\/\//i,
          read: async (f: { url: string }) => {
            try {
              return await fetchText(f.url, client);
            } catch (e) {
              readError = e instanceof Error ? e.message : String(e);
              throw e;
            }
          },
        },
      },
    } as SwaggerParser.Options;
    doc = (await SwaggerParser.dereference(spec, structuredClone(raw) as never, options)) as unknown as Obj;
  } catch (e) {
    const why = readError ?? (e instanceof Error ? e.message : String(e));
    const at = refPathIn(raw, why);
    if (at) fail(at, `could not be resolved: ${why}`);
    throw new VigilError('VIGIL_ERR_USAGE', `OpenAPI document could not be dereferenced: ${why}`, { file }, { cause: e });
  }
  return operationsOf(doc, isUrl ? spec : `${client.origin}/`, client.origin);
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

async function fetchText(url: string, client: HttpClient): Promise<string> {
  let res;
  try {
    res = await client.send({ method: 'GET', url, headers: { accept: 'application/json, application/yaml, text/yaml, */*' } });
  } catch (e) {
    if (e instanceof WebRequestError && (e.kind === 'network' || e.kind === 'timeout')) {
      throw new VigilError('VIGIL_ERR_TARGET_UNREACHABLE', `api: the OpenAPI document could not be read: ${e.message}`, {}, { cause: e });
    }
    throw new VigilError('VIGIL_ERR_USAGE', `api: the OpenAPI document ${url} could not be read: ${e instanceof Error ? e.message : String(e)}`, {}, { cause: e });
  }
  if (res.status < 200 || res.status > 299) throw new VigilError('VIGIL_ERR_USAGE', `api: the OpenAPI document ${url} answered HTTP ${res.status}`);
  if (res.truncated) throw new VigilError('VIGIL_ERR_INPUT_TOO_LARGE', `api: the OpenAPI document ${url} is larger than ${MAX_SPEC_BYTES} bytes`);
  return res.body;
}

/** The parts of the document the scanner reads must have the right types; the first that does not is named. */
function checkShape(raw: unknown, fail: (path: readonly (string | number)[], problem: string) => never): void {
  if (!isObj(raw)) fail([], 'is not a mapping (an OpenAPI or Swagger document starts with `openapi:` or `swagger:`)');
  const d = raw as Obj;
  const version = d['openapi'] ?? d['swagger'];
  if (typeof version !== 'string' || !(/^3\.[01]\./.test(version) || version === '2.0')) {
    fail(d['openapi'] !== undefined ? ['openapi'] : d['swagger'] !== undefined ? ['swagger'] : [], `is neither OpenAPI 3.0/3.1 (\`openapi: 3.x.y\`) nor Swagger 2.0 (\`swagger: "2.0"\`); found ${JSON.stringify(version ?? null)}`);
  }
  checkSecurity(d['security'], ['security'], fail);
  if (d['servers'] !== undefined && !Array.isArray(d['servers'])) fail(['servers'], 'must be a list of servers');
  if (d['paths'] === undefined) fail([], 'has no `paths`');
  if (!isObj(d['paths'])) fail(['paths'], 'must be a mapping of paths to operations');
  for (const [p, item] of Object.entries(d['paths'] as Obj)) {
    if (!p.startsWith('/')) fail(['paths', p], 'a path must start with `/`');
    if (!isObj(item)) fail(['paths', p], 'must be a mapping of methods to operations');
    const it = item as Obj;
    if (it['parameters'] !== undefined && !Array.isArray(it['parameters'])) fail(['paths', p, 'parameters'], 'must be a list');
    for (const m of METHODS) {
      const op = it[m];
      if (op === undefined) continue;
      if (!isObj(op)) fail(['paths', p, m], 'an operation must be a mapping');
      const o = op as Obj;
      checkSecurity(o['security'], ['paths', p, m, 'security'], fail);
      if (o['parameters'] !== undefined && !Array.isArray(o['parameters'])) fail(['paths', p, m, 'parameters'], 'must be a list');
      const roles = o['x-vigil-roles'];
      if (roles !== undefined && !(Array.isArray(roles) && roles.every((r) => typeof r === 'string'))) fail(['paths', p, m, 'x-vigil-roles'], 'must be a list of role names');
      if (o['operationId'] !== undefined && typeof o['operationId'] !== 'string') fail(['paths', p, m, 'operationId'], 'must be a string');
    }
  }
}

function checkSecurity(v: unknown, path: (string | number)[], fail: (path: readonly (string | number)[], problem: string) => never): void {
  if (v === undefined) return;
  if (!Array.isArray(v)) fail(path, 'must be a list of security requirements (`[]` for anonymous access)');
  (v as unknown[]).forEach((r, i) => {
    if (!isObj(r)) fail([...path, i], 'a security requirement must be a mapping of scheme names to scopes (`{}` for anonymous)');
  });
}

/** The path of the first `$ref` the parser's message names, so its error points at a line. */
function refPathIn(raw: unknown, message: string): (string | number)[] | undefined {
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: raw, path: [] }];
  let visited = 0;
  while (stack.length && visited++ < 200_000) {
    const { v, path } = stack.pop()!;
    if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, path: [...path, i] }));
    else if (isObj(v)) {
      const ref = v['$ref'];
      if (typeof ref === 'string' && ref.length > 0 && message.includes(ref)) return [...path, '$ref'];
      for (const [k, x] of Object.entries(v)) if (typeof x === 'object' && x !== null) stack.push({ v: x, path: [...path, k] });
    }
  }
  return undefined;
}

/** The operations of a dereferenced document; `specBase` is where a relative server URL is read from. */
export function operationsOf(doc: Obj, specBase: string, origin: string): ApiSpec {
  const v2 = typeof doc['swagger'] === 'string';
  const version = String(v2 ? doc['swagger'] : doc['openapi']);
  const info = isObj(doc['info']) ? doc['info'] : {};
  const { basePath, foreignServer } = serverOf(doc, v2, specBase, origin);
  const credentialNames = new Set<string>();
  const schemes = v2 ? doc['securityDefinitions'] : isObj(doc['components']) ? doc['components']['securitySchemes'] : undefined;
  if (isObj(schemes)) {
    for (const s of Object.values(schemes)) {
      if (isObj(s) && s['type'] === 'apiKey' && typeof s['name'] === 'string') credentialNames.add(s['name'].toLowerCase());
    }
  }
  const operations: ApiOperation[] = [];
  for (const [p, item] of Object.entries(isObj(doc['paths']) ? doc['paths'] : {})) {
    if (!isObj(item)) continue;
    for (const m of METHODS) {
      const op = item[m];
      if (!isObj(op)) continue;
      const params = mergeParams(item['parameters'], op['parameters']);
      const out: ApiOperation = {
        method: m.toUpperCase(),
        path: p,
        security: securityOf(op['security'] ?? doc['security']),
        params: [],
      };
      if (typeof op['operationId'] === 'string') out.operationId = op['operationId'];
      const roles = op['x-vigil-roles'];
      if (Array.isArray(roles)) out.roles = roles.map(String);
      for (const param of params) {
        const where = param['in'];
        if (where === 'path' || where === 'query' || where === 'header' || where === 'cookie') {
          // a credential the document spells as a parameter is sent by the credentials, never from an example
          if ((where === 'header' || where === 'cookie') && (credentialNames.has(String(param['name']).toLowerCase()) || String(param['name']).toLowerCase() === 'authorization')) continue;
          // optional query parameters are left out: fewer ways for a placeholder to be refused for the wrong reason
          if (where === 'query' && param['required'] !== true && !hasExample(param)) continue;
          out.params.push({ name: String(param['name']), in: where, value: paramValue(param) });
        } else if (where === 'body') {
          out.body = { contentType: 'application/json', text: JSON.stringify(sample(isObj(param['schema']) ? param['schema'] : {})) };
        }
      }
      if (!v2 && isObj(op['requestBody'])) {
        const body = requestBody(op['requestBody']['content']);
        if (body) out.body = body;
      }
      operations.push(out);
    }
  }
  return { version, ...(typeof info['title'] === 'string' ? { title: info['title'] } : {}), basePath, ...(foreignServer ? { foreignServer } : {}), credentialNames, operations };
}

/** `required` unless the list is empty or holds an empty requirement (`{}`: anonymous is one way in). */
export function securityOf(security: unknown): Security {
  if (!Array.isArray(security) || security.length === 0) return 'anonymous';
  return security.some((r) => isObj(r) && Object.keys(r).length === 0) ? 'anonymous' : 'required';
}

function serverOf(doc: Obj, v2: boolean, specBase: string, origin: string): { basePath: string | undefined; foreignServer?: string } {
  let raw: string | undefined;
  if (v2) raw = typeof doc['basePath'] === 'string' ? doc['basePath'] : undefined;
  else {
    const server = Array.isArray(doc['servers']) ? doc['servers'][0] : undefined;
    if (isObj(server) && typeof server['url'] === 'string') {
      const vars = isObj(server['variables']) ? server['variables'] : {};
      const url = server['url'];
      // `{name}` needs its `}`: replacing only up to the last one keeps this linear on `{{{{…`
      const cut = url.lastIndexOf('}') + 1;
      raw =
        url.slice(0, cut).replace(/\{([^}]+)\}/g, (_m, name: string) => {
          const v = vars[name];
          return isObj(v) && typeof v['default'] === 'string' ? v['default'] : '';
        }) + url.slice(cut);
    }
  }
  if (raw === undefined) return { basePath: undefined };
  let u: URL;
  try {
    // a relative server URL is relative to where the document lives (OpenAPI 3 §4.8.5)
    u = new URL(raw, specBase);
  } catch {
    return { basePath: undefined };
  }
  let end = u.pathname.length;
  // not `.replace(/\/+$/, '')`, which rescans a long run of slashes from each one
  while (end > 0 && u.pathname[end - 1] === '/') end--;
  const basePath = u.pathname.slice(0, end);
  return u.origin !== origin && /^https?:$/.test(u.protocol) ? { basePath, foreignServer: raw } : { basePath };
}

function mergeParams(pathLevel: unknown, opLevel: unknown): Obj[] {
  const byKey = new Map<string, Obj>();
  for (const p of [...(Array.isArray(pathLevel) ? pathLevel : []), ...(Array.isArray(opLevel) ? opLevel : [])]) {
    if (isObj(p) && typeof p['name'] === 'string') byKey.set(`${String(p['in'])}:${p['name']}`, p);
  }
  return [...byKey.values()];
}

function hasExample(p: Obj): boolean {
  const s = isObj(p['schema']) ? p['schema'] : p;
  return p['example'] !== undefined || p['examples'] !== undefined || p['x-example'] !== undefined || s['example'] !== undefined || s['default'] !== undefined;
}

/** example, examples, x-example (2.0), then the schema's example, default, enum[0], else a placeholder by type. */
export function paramValue(p: Obj): unknown {
  if (p['example'] !== undefined) return p['example'];
  if (isObj(p['examples'])) {
    const first = Object.values(p['examples']).find((e) => isObj(e) && 'value' in e);
    if (isObj(first)) return first['value'];
  }
  if (p['x-example'] !== undefined) return p['x-example'];
  // 2.0 non-body parameters carry their schema inline; 3.x in `schema`
  return sample((isObj(p['schema']) ? p['schema'] : p) as Parameters<typeof sample>[0]);
}

function requestBody(content: unknown): { contentType: string; text: string } | undefined {
  if (!isObj(content)) return undefined;
  const types = Object.keys(content);
  const json = types.find((t) => /^application\/([a-z0-9.+-]+\+)?json\b/i.test(t));
  const form = types.find((t) => /x-www-form-urlencoded/i.test(t));
  const pick = json ?? form;
  if (pick === undefined) return undefined;
  const media = isObj(content[pick]) ? (content[pick] as Obj) : {};
  const named = isObj(media['examples']) ? Object.values(media['examples']).find((e) => isObj(e) && 'value' in e) : undefined;
  const value = media['example'] !== undefined ? media['example'] : isObj(named) ? named['value'] : sample((isObj(media['schema']) ? media['schema'] : {}) as Parameters<typeof sample>[0]);
  if (pick === json) return { contentType: pick, text: JSON.stringify(value) };
  const f = new URLSearchParams();
  if (isObj(value)) for (const [k, v] of Object.entries(value)) f.append(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
  return { contentType: 'application/x-www-form-urlencoded', text: f.toString() };
}
