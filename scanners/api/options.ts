/**
 * The api scanner's options: the OpenAPI document, the credentials to try (their header values
 * read from the environment at scan time, never printed), what each credential must be refused
 * (operation ids, path globs with methods, or the document's `x-vigil-roles`) and the objects
 * that belong to someone else; plus the request bounds.
 */
import path from 'node:path';
import picomatch from 'picomatch';
import { VigilError } from '../../src/errors.js';
import type { ApiOperation } from './spec.js';

/** One entry of `mustRefuse`: an operationId, or a path glob (over the document's paths) with optional methods. */
export type RefuseRule = string | { operationId: string } | { path: string; methods?: string[] };

/** A credential as the config writes it. */
export interface CredentialOption {
  /** Shown in findings (location.param) and the report; never a secret. */
  name: string;
  /** The role matched against `x-vigil-roles`; default the name. */
  role?: string;
  /** Sent with every request of this credential; `${NAME}` is read from the environment. */
  headers: Record<string, string>;
  mustRefuse?: RefuseRule[];
  /** Path parameter name → values that name objects of someone else (another user's order ids). */
  foreignObjects?: Record<string, string | number | (string | number)[]>;
}

export interface ApiOptions {
  /** The OpenAPI/Swagger document: a file (relative to the config's folder) or a URL on the target. */
  openapi: string;
  credentials: CredentialOption[];
  /** Requests per second over the whole scan (default 20). */
  rps: number;
  /** Requests in flight at once (default 4). */
  concurrency: number;
  /** Bound on one request (default 10 s). */
  timeoutMs: number;
  /** Bound on the whole scan's requests; what is not sent by then is noted (default 300 s). */
  maxDurationSeconds: number;
  /** Operations read from the document at most (default 1000); the rest are noted. */
  maxOperations: number;
  /** Response body kept per request (default 64 KiB). */
  maxBodyBytes: number;
}

/** A credential ready to send: header values expanded. */
export interface Credential {
  name: string;
  role: string;
  headers: Record<string, string>;
  /** The secret values (whole header values and their parts after a scheme word), to scrub from anything stored. */
  secrets: string[];
  refuses: (op: ApiOperation) => boolean;
  foreignObjects: Map<string, string[]>;
}

const OPTION_KEYS = ['openapi', 'credentials', 'lowPrivilege', 'rps', 'concurrency', 'timeoutMs', 'maxDurationSeconds', 'maxOperations', 'maxBodyBytes', 'active'] as const;
const CREDENTIAL_KEYS = ['name', 'role', 'headers', 'mustRefuse', 'foreignObjects'] as const;
const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const NAME = /^[A-Za-z0-9_.:@-]{1,64}$/;
const METHOD_NAMES = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE', 'TRACE'];

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks the raw options (config or CLI) and resolves the document's path against `baseDir`. */
export function checkOptions(raw: Readonly<Record<string, unknown>>, baseDir: string): ApiOptions {
  const bad = (problem: string): never => {
    throw new VigilError('VIGIL_ERR_CONFIG_INVALID', `api: ${problem}`);
  };
  for (const k of Object.keys(raw)) if (!(OPTION_KEYS as readonly string[]).includes(k)) bad(`unknown option "${k}" (known: ${OPTION_KEYS.join(', ')})`);
  const spec = raw['openapi'];
  if (spec === undefined) throw new VigilError('VIGIL_ERR_USAGE', 'api: no OpenAPI document: pass --openapi FILE|URL (or the target\'s `scanners: { api: { openapi: FILE } }`)');
  if (typeof spec !== 'string' || spec.trim() === '') bad('openapi is a file path or a URL on the target');
  if (raw['active'] !== undefined && typeof raw['active'] !== 'boolean') bad('active is true or false');
  const num = (k: string, def: number, min: number, max: number): number => {
    const v = raw[k];
    if (v === undefined) return def;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) bad(`${k} is a number from ${min} to ${max}`);
    return v as number;
  };
  const credentials: CredentialOption[] = [];
  if (raw['lowPrivilege'] !== undefined) credentials.push(checkCredential(raw['lowPrivilege'], 'lowPrivilege', bad));
  if (raw['credentials'] !== undefined) {
    if (!Array.isArray(raw['credentials'])) bad('credentials is a list of { name, headers, mustRefuse?, foreignObjects? }');
    (raw['credentials'] as unknown[]).forEach((c, i) => credentials.push(checkCredential(c, `credentials[${i}]`, bad)));
  }
  const names = credentials.map((c) => c.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) bad(`two credentials are named "${dup}"`);
  if (names.includes('anonymous')) bad('"anonymous" names the requests without credentials: give the credential another name');
  const s = spec as string;
  return {
    openapi: /^https?:\/\//i.test(s) ? s : path.resolve(baseDir, s),
    credentials,
    rps: num('rps', 20, 0.1, 1000),
    concurrency: Math.floor(num('concurrency', 4, 1, 64)),
    timeoutMs: Math.floor(num('timeoutMs', 10_000, 100, 600_000)),
    maxDurationSeconds: num('maxDurationSeconds', 300, 1, 86_400),
    maxOperations: Math.floor(num('maxOperations', 1000, 1, 100_000)),
    maxBodyBytes: Math.floor(num('maxBodyBytes', 64 * 1024, 1024, 16 * 1024 * 1024)),
  };
}

function checkCredential(raw: unknown, where: string, bad: (p: string) => never): CredentialOption {
  if (!isObj(raw)) return bad(`${where} is a mapping { name, headers, mustRefuse?, foreignObjects? }`);
  for (const k of Object.keys(raw)) if (!(CREDENTIAL_KEYS as readonly string[]).includes(k)) bad(`${where}: unknown key "${k}" (known: ${CREDENTIAL_KEYS.join(', ')})`);
  const name = raw['name'];
  if (typeof name !== 'string' || !NAME.test(name)) bad(`${where}.name is a short name (letters, digits, _ . : @ -)`);
  if (raw['role'] !== undefined && (typeof raw['role'] !== 'string' || !NAME.test(raw['role']))) bad(`${where}.role is a short name`);
  const headers = raw['headers'];
  if (!isObj(headers) || Object.keys(headers).length === 0) bad(`${where}.headers is a mapping of header names to values`);
  for (const [h, v] of Object.entries(headers as Record<string, unknown>)) {
    if (!HEADER_NAME.test(h)) bad(`${where}.headers: "${h}" is not a header name`);
    // the value is a secret: the message names the header, never what it holds
    if (typeof v !== 'string') bad(`${where}.headers.${h} is a string`);
  }
  const out: CredentialOption = { name: name as string, headers: headers as Record<string, string> };
  if (typeof raw['role'] === 'string') out.role = raw['role'];
  const refuse = raw['mustRefuse'];
  if (refuse !== undefined) {
    if (!Array.isArray(refuse)) bad(`${where}.mustRefuse is a list of operationIds or { path, methods? }`);
    out.mustRefuse = (refuse as unknown[]).map((r, i) => checkRefuse(r, `${where}.mustRefuse[${i}]`, bad));
  }
  const objects = raw['foreignObjects'];
  if (objects !== undefined) {
    if (!isObj(objects)) bad(`${where}.foreignObjects is a mapping of path parameter names to values`);
    for (const [k, v] of Object.entries(objects as Record<string, unknown>)) {
      const ok = (x: unknown) => typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x));
      if (!(ok(v) || (Array.isArray(v) && v.length > 0 && v.every(ok)))) bad(`${where}.foreignObjects.${k} is a value or a list of values`);
    }
    out.foreignObjects = objects as CredentialOption['foreignObjects'];
  }
  return out;
}

function checkRefuse(r: unknown, where: string, bad: (p: string) => never): RefuseRule {
  if (typeof r === 'string' && r.length > 0) return r;
  if (isObj(r) && typeof r['operationId'] === 'string' && Object.keys(r).length === 1) return { operationId: r['operationId'] };
  if (isObj(r) && typeof r['path'] === 'string' && r['path'].startsWith('/')) {
    for (const k of Object.keys(r)) if (k !== 'path' && k !== 'methods') bad(`${where}: unknown key "${k}" (path, methods)`);
    const m = r['methods'];
    if (m !== undefined && !(Array.isArray(m) && m.every((x) => typeof x === 'string' && METHOD_NAMES.includes(x.toUpperCase())))) bad(`${where}.methods is a list of HTTP methods (${METHOD_NAMES.join(', ')})`);
    return { path: r['path'], ...(Array.isArray(m) ? { methods: (m as string[]).map((x) => x.toUpperCase()) } : {}) };
  }
  return bad(`${where} is an operationId, { operationId } or { path: /glob/**, methods?: [GET] }`);
}

/** `${NAME}` in `value` from `env`; a variable that is not set is a usage error naming it (never the value). */
export function expandEnv(value: string, env: NodeJS.ProcessEnv, where: string): string {
  return value.replace(ENV_REF, (_m, name: string) => {
    const v = env[name];
    if (v === undefined || v === '') throw new VigilError('VIGIL_ERR_USAGE', `api: ${where} uses \${${name}}, but the environment variable ${name} is not set`);
    return v;
  });
}

/** The credentials with their header values expanded and their refusal rules compiled. */
export function resolveCredentials(opts: ApiOptions, env: NodeJS.ProcessEnv = process.env): Credential[] {
  return opts.credentials.map((c) => {
    const headers: Record<string, string> = {};
    const secrets: string[] = [];
    for (const [h, v] of Object.entries(c.headers)) {
      const value = expandEnv(v, env, `credential "${c.name}" header ${h}`);
      headers[h] = value;
      if (value.length > 0) secrets.push(value);
      // `Bearer abc`: the token alone may come back in a body
      const sp = value.indexOf(' ');
      if (sp > 0 && value.length - sp - 1 >= 4) secrets.push(value.slice(sp + 1).trim());
    }
    const foreignObjects = new Map<string, string[]>();
    for (const [k, v] of Object.entries(c.foreignObjects ?? {})) foreignObjects.set(k, (Array.isArray(v) ? v : [v]).map(String));
    const role = c.role ?? c.name;
    return { name: c.name, role, headers, secrets: secrets.sort((a, b) => b.length - a.length), refuses: refusalOf(c.mustRefuse ?? [], role), foreignObjects };
  });
}

/** Whether an operation must refuse a credential: by its rules, or because `x-vigil-roles` does not list its role. */
export function refusalOf(rules: readonly RefuseRule[], role: string): (op: ApiOperation) => boolean {
  const ids = new Set<string>();
  const globs: { match: (p: string) => boolean; methods?: string[] }[] = [];
  for (const r of rules) {
    if (typeof r === 'string') ids.add(r);
    else if ('operationId' in r) ids.add(r.operationId);
    else globs.push({ match: picomatch(r.path, { dot: true }), ...(r.methods ? { methods: r.methods } : {}) });
  }
  return (op) => {
    if (op.roles && !op.roles.includes(role)) return true;
    if (op.operationId !== undefined && ids.has(op.operationId)) return true;
    return globs.some((g) => g.match(op.path) && (!g.methods || g.methods.includes(op.method)));
  };
}
