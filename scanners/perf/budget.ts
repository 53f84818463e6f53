/**
 * The perf budget: what load to apply and which figures it must meet. It comes from a budget file
 * (YAML or JSON, `--budget FILE` or the `budget` option) and from inline options in vigil.yaml,
 * which win key by key. Both are checked against one JSON Schema with ajv; a file's problems name
 * its line (VIGIL_ERR_BUDGET_PARSE / VIGIL_ERR_BUDGET_INVALID), inline ones the option
 * (VIGIL_ERR_CONFIG_INVALID). docs/perf-budget.md documents every key.
 */
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { describeValue, formatConfigPath, leadingProblemError, type PathSegment } from '../../src/config/problem.js';
import { suggest } from '../../src/config/suggest.js';
import { pointerToPath, typeWords } from '../../src/config/validate.js';
import { parseYamlSource } from '../../src/config/yaml-source.js';
import { VigilError, type SourcePosition } from '../../src/errors.js';
import type { Severity } from '../../src/model/severity.js';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { JsonLocator, lineColAt, parseJsonText } from '../../src/util/json-source.js';
import { readTextInput } from '../../src/util/read-input.js';

/** A budget file is a few dozen lines; anything near this is not one. */
const MAX_BUDGET_BYTES = 1024 * 1024;
const MAX_CONNECTIONS = 10_000;

/** The figures one load level must meet; an unset figure is not checked. */
export interface LevelBudget {
  p95Ms?: number;
  p99Ms?: number;
  errorRatePct?: number;
  minRps?: number;
  /** Overrides the severity of every budget break at this level. */
  severity?: Severity;
}

/** One request of the load sequence; paths only, so the load stays on the target's origin. */
export interface LoadRequest {
  path: string;
  method: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface HealthBudget {
  /** Path on the target's origin; default the target URL itself. */
  path?: string;
  /** Accepted statuses; default any 2xx. */
  status?: number[];
  /** A substring the body must hold. */
  body?: string;
  /** Dotted keys of a JSON body and the values they must have (`status: ok`, `checks.db: true`). */
  json?: Record<string, string | number | boolean | null>;
  /** A certificate expiring within this many days is a finding (default 14). */
  tlsExpiryDays: number;
}

export interface MemoryBudget {
  /** A path on the target's origin or a URL of that same origin. */
  url: string;
  format: 'auto' | 'prometheus' | 'json';
  /** Growth from before to after the load that counts, when the samples keep rising (default 50). */
  growthPct: number;
  severity?: Severity;
}

/** The budget with every default filled in. */
export interface PerfBudget {
  expectedConnections: number;
  multiplier: number;
  durationSeconds: number;
  warmupSeconds: number;
  timeoutMs: number;
  /** The load sequence; empty means the target URL itself (or `path`). */
  requests: LoadRequest[];
  path?: string;
  /** Sent with every request (health, load, memory); may hold secrets: never printed. */
  headers: Record<string, string>;
  health: HealthBudget;
  expected: LevelBudget;
  peak: LevelBudget;
  memory?: MemoryBudget;
  responseSizeGrowthPct: number;
  responseSizeSeverity?: Severity;
  /** Extra trust anchors (PEM files, absolute paths) for an https target. */
  ca: string[];
}

/** The budget and where each of its keys was written, for errors found once the target is known. */
export interface LoadedBudget {
  budget: PerfBudget;
  /** The file and line of a key path, when it came from a budget file; else nothing. */
  at(path: readonly PathSegment[]): SourcePosition;
}

export const DEFAULT_BUDGET: Readonly<Omit<PerfBudget, 'health' | 'expected' | 'peak' | 'requests' | 'headers' | 'ca'>> = {
  expectedConnections: 10,
  multiplier: 10,
  durationSeconds: 10,
  warmupSeconds: 0,
  timeoutMs: 5000,
  responseSizeGrowthPct: 20,
};
export const DEFAULT_PEAK: Readonly<LevelBudget> = { p95Ms: 1000, errorRatePct: 1 };
export const DEFAULT_MEMORY_GROWTH_PCT = 50;
export const DEFAULT_TLS_EXPIRY_DAYS = 14;

const SEVERITY = { enum: ['critical', 'high', 'medium', 'low', 'info'] };
// no backslash: a URL parser reads `/\\host` as `//host`, another origin
const PATH = { type: 'string', minLength: 1, maxLength: 2048, pattern: '^/(?![/\\\\])[^\\s\\\\]*$', 'x-hint': 'a path on the target\'s origin, starting with one "/" (e.g. /api/items?page=1)' };
const HEADERS = { type: 'object', maxProperties: 64, additionalProperties: { type: 'string', maxLength: 8192 } };
const LEVEL = {
  type: 'object',
  additionalProperties: false,
  properties: {
    p95Ms: { type: 'number', exclusiveMinimum: 0 },
    p99Ms: { type: 'number', exclusiveMinimum: 0 },
    errorRatePct: { type: 'number', minimum: 0, maximum: 100 },
    minRps: { type: 'number', exclusiveMinimum: 0 },
    severity: SEVERITY,
  },
};

/** The budget's JSON Schema (inline options add `budget` and the CLI's `lowPrivilege`). */
export const BUDGET_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    expectedConnections: { type: 'integer', minimum: 1, maximum: MAX_CONNECTIONS },
    multiplier: { type: 'number', minimum: 1, maximum: 1000 },
    durationSeconds: { type: 'number', minimum: 1, maximum: 600 },
    warmupSeconds: { type: 'number', minimum: 0, maximum: 120 },
    timeoutMs: { type: 'integer', minimum: 1000, maximum: 120_000 },
    path: PATH,
    requests: {
      type: 'array',
      minItems: 1,
      maxItems: 50,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['path'],
        properties: {
          path: PATH,
          method: { enum: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] },
          headers: HEADERS,
          body: { type: 'string', maxLength: 1024 * 1024 },
        },
      },
    },
    headers: HEADERS,
    health: {
      type: 'object',
      additionalProperties: false,
      properties: {
        path: PATH,
        status: {
          anyOf: [
            { type: 'integer', minimum: 100, maximum: 599 },
            { type: 'array', minItems: 1, maxItems: 20, items: { type: 'integer', minimum: 100, maximum: 599 } },
          ],
        },
        body: { type: 'string', minLength: 1, maxLength: 4096 },
        json: { type: 'object', minProperties: 1, maxProperties: 32, additionalProperties: { type: ['string', 'number', 'boolean', 'null'] } },
        tlsExpiryDays: { type: 'integer', minimum: 0, maximum: 365 },
      },
    },
    expected: LEVEL,
    peak: LEVEL,
    memory: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      properties: {
        url: { type: 'string', minLength: 1, maxLength: 2048 },
        format: { enum: ['auto', 'prometheus', 'json'] },
        growthPct: { type: 'number', exclusiveMinimum: 0 },
        severity: SEVERITY,
      },
    },
    responseSizeGrowthPct: { type: 'number', exclusiveMinimum: 0 },
    responseSizeSeverity: SEVERITY,
    ca: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'array', items: { type: 'string', minLength: 1 } }] },
  },
} as const;

const OPTIONS_SCHEMA = {
  ...BUDGET_SCHEMA,
  properties: {
    ...BUDGET_SCHEMA.properties,
    budget: { type: 'string', minLength: 1 },
    lowPrivilege: {
      type: 'object',
      properties: { name: { type: 'string' }, headers: HEADERS },
    },
  },
};

type Raw = Record<string, unknown>;
interface Problem {
  message: string;
  line: number;
  column: number;
  offset: number;
}
type Locate = (p: readonly PathSegment[], at: 'key' | 'value') => { line: number; column: number; offset: number };

let validators: { budget: ValidateFunction; options: ValidateFunction } | undefined;

function compiled(): { budget: ValidateFunction; options: ValidateFunction } {
  if (!validators) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, strictTypes: false });
    ajv.addVocabulary(['x-hint']);
    validators = { budget: ajv.compile(BUDGET_SCHEMA), options: ajv.compile(OPTIONS_SCHEMA) };
  }
  return validators;
}

/** Parse and check a budget file's text (YAML, or JSON when the name ends in .json). */
export function parseBudgetText(text: string, file: string): { raw: Raw; locate: Locate } {
  let value: unknown;
  let locate: Locate;
  if (file.toLowerCase().endsWith('.json')) {
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    value = parseJson(body, file);
    const locator = new JsonLocator(body, file);
    locate = (p) => {
      const { line, column } = locator.locate(p);
      return { line, column, offset: line * 100_000 + column };
    };
  } else {
    const parsed = parseYamlSource(text, file, { parse: 'VIGIL_ERR_BUDGET_PARSE', invalid: 'VIGIL_ERR_BUDGET_INVALID' });
    value = parsed.value;
    locate = (p, at) => parsed.locator.locate(p, at);
  }
  // an empty file is an empty budget: every default holds
  if (value === null || value === undefined) value = {};
  const problems: Problem[] = [];
  check(compiled().budget, value, (p, message, at) => {
    const pos = locate(p, at);
    const shown = at === 'key' ? p.slice(0, -1) : p;
    problems.push({ message: shown.length ? `${formatConfigPath(shown)}: ${message}` : message, ...pos });
  });
  if (problems.length) {
    problems.sort((a, b) => a.offset - b.offset);
    throw leadingProblemError('VIGIL_ERR_BUDGET_INVALID', problems, file);
  }
  return { raw: value as Raw, locate };
}

/**
 * JSON.parse, and on failure the position of the first syntax error from jsonc-parser: Node 20's
 * JSON.parse messages carry no position for many errors, which would point at the end of the file.
 */
function parseJson(body: string, file: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    const errors: ParseError[] = [];
    parseJsonc(body, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    if (!first) return parseJsonText(body, file, 'VIGIL_ERR_BUDGET_PARSE');
    const { line, column } = lineColAt(body, first.offset);
    throw new VigilError('VIGIL_ERR_BUDGET_PARSE', `not valid JSON: ${printParseErrorCode(first.error)}`, { file, line, column });
  }
}

/**
 * The budget of one scan: the file named by options.budget (resolved against baseDir), then the
 * inline options over it, then the defaults. Relative `ca` paths resolve against the file's folder
 * (from the file) or baseDir (inline).
 */
export async function loadBudget(options: Readonly<Raw>, baseDir: string): Promise<LoadedBudget> {
  const problems: string[] = [];
  check(compiled().options, options, (p, message, at) => {
    const shown = at === 'key' ? p.slice(0, -1) : p;
    problems.push(shown.length ? `${formatConfigPath(shown)}: ${message}` : message);
  });
  if (problems.length) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more: ${problems.slice(1, 6).join('; ')})` : '';
    throw new VigilError('VIGIL_ERR_CONFIG_INVALID', `perf options: ${problems[0]}${more}`);
  }
  const { budget: budgetFile, lowPrivilege, ...inline } = options as Raw & { budget?: string; lowPrivilege?: { headers?: Record<string, string> } };
  let fromFile: Raw = {};
  let file: string | undefined;
  let locate: Locate | undefined;
  if (budgetFile) {
    file = path.resolve(baseDir, budgetFile);
    const text = await readTextInput(file, MAX_BUDGET_BYTES);
    ({ raw: fromFile, locate } = parseBudgetText(text, file));
  }
  const caOf = (v: unknown, dir: string): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]).map((f) => path.resolve(dir, String(f)));
  const merged = mergeBudget(fromFile, inline);
  const ca = [...caOf(fromFile['ca'], file ? path.dirname(file) : baseDir), ...caOf(inline['ca'], baseDir)];
  const headers = { ...(merged['headers'] as Record<string, string> | undefined), ...(lowPrivilege?.headers ?? {}) };
  const budget = withDefaults(merged, headers, ca);
  const peakConnections = Math.ceil(budget.expectedConnections * budget.multiplier);
  const at = (p: readonly PathSegment[]): SourcePosition => {
    // a key given inline is the config's, not the file's
    if (!file || !locate || inline[String(p[0])] !== undefined) return {};
    const { line, column } = locate(p, 'value');
    return { file, line, column };
  };
  if (peakConnections > MAX_CONNECTIONS) {
    const where = at(['multiplier']);
    const message = `expectedConnections × multiplier is ${peakConnections} connections at peak; at most ${MAX_CONNECTIONS}`;
    throw new VigilError(where.file ? 'VIGIL_ERR_BUDGET_INVALID' : 'VIGIL_ERR_CONFIG_INVALID', where.file ? message : `perf options: ${message}`, where);
  }
  return { budget, at };
}

/** Inline options over the file, one level deep for the nested sections. */
function mergeBudget(file: Raw, inline: Raw): Raw {
  const out: Raw = { ...file };
  for (const [k, v] of Object.entries(inline)) {
    const base = out[k];
    out[k] = isPlain(v) && isPlain(base) && k !== 'headers' ? { ...base, ...v } : v;
  }
  return out;
}

function isPlain(v: unknown): v is Raw {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function withDefaults(m: Raw, headers: Record<string, string>, ca: string[]): PerfBudget {
  const health = (m['health'] ?? {}) as Raw;
  const memory = m['memory'] as Raw | undefined;
  const status = health['status'];
  const b: PerfBudget = {
    ...DEFAULT_BUDGET,
    ...pick(m, ['expectedConnections', 'multiplier', 'durationSeconds', 'warmupSeconds', 'timeoutMs', 'responseSizeGrowthPct']),
    requests: ((m['requests'] ?? []) as Raw[]).map((r) => ({ ...(r as unknown as LoadRequest), method: (r['method'] as string | undefined) ?? 'GET' })),
    headers,
    health: {
      ...(health as Partial<HealthBudget>),
      ...(status !== undefined ? { status: Array.isArray(status) ? (status as number[]) : [status as number] } : {}),
      tlsExpiryDays: (health['tlsExpiryDays'] as number | undefined) ?? DEFAULT_TLS_EXPIRY_DAYS,
    },
    expected: { ...((m['expected'] ?? {}) as LevelBudget) },
    // a team that writes `peak: {p99Ms: 800}` keeps the default p95 and error-rate budgets
    peak: { ...DEFAULT_PEAK, ...((m['peak'] ?? {}) as LevelBudget) },
    ca,
  };
  if (typeof m['path'] === 'string') b.path = m['path'];
  if (typeof m['responseSizeSeverity'] === 'string') b.responseSizeSeverity = m['responseSizeSeverity'] as Severity;
  if (memory) {
    b.memory = {
      url: String(memory['url']),
      format: (memory['format'] as MemoryBudget['format'] | undefined) ?? 'auto',
      growthPct: (memory['growthPct'] as number | undefined) ?? DEFAULT_MEMORY_GROWTH_PCT,
      ...(memory['severity'] ? { severity: memory['severity'] as Severity } : {}),
    };
  }
  return b;
}

function pick(m: Raw, keys: readonly string[]): Raw {
  const out: Raw = {};
  for (const k of keys) if (m[k] !== undefined) out[k] = m[k];
  return out;
}

/** Run the schema and hand each problem (one per value) to `report`. */
function check(validate: ValidateFunction, value: unknown, report: (p: PathSegment[], message: string, at: 'key' | 'value') => void): void {
  if (validate(value)) return;
  const errors = validate.errors ?? [];
  const typed = new Set(errors.filter((e) => e.keyword === 'type' && !e.schemaPath.includes('/anyOf/')).map((e) => e.instancePath));
  const seen = new Set<string>();
  for (const e of errors) {
    // anyOf's branches each complain; the anyOf error itself says it once
    if (e.schemaPath.includes('/anyOf/')) continue;
    if (e.keyword !== 'type' && typed.has(e.instancePath) && e.keyword !== 'additionalProperties') continue;
    const p = e.params as Raw;
    const key = [e.instancePath, e.keyword, p['additionalProperty'], p['missingProperty']].join('\u0000');
    if (seen.has(key)) continue;
    seen.add(key);
    describe(e, pointerToPath(e.instancePath, value), report);
  }
}

function describe(e: ErrorObject, at: PathSegment[], report: (p: PathSegment[], message: string, at: 'key' | 'value') => void): void {
  const p = e.params as Raw;
  const parent = (e.parentSchema ?? {}) as Raw;
  // header values may be credentials: an error names the header, never its value
  const got = at.includes('headers') ? '' : ` (got ${describeValue(e.data)})`;
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(p['additionalProperty']);
      report([...at, name], `unknown key "${name}"${suggest(name, Object.keys((parent['properties'] ?? {}) as Raw))}`, 'key');
      return;
    }
    case 'required':
      report(at, `missing required key "${String(p['missingProperty'])}"`, 'value');
      return;
    case 'type':
      report(at, `must be ${typeWords(p['type'])}${got}`, 'value');
      return;
    case 'enum':
      report(at, `must be one of ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}${got}`, 'value');
      return;
    case 'pattern':
      report(at, `must be ${typeof parent['x-hint'] === 'string' ? parent['x-hint'] : 'text of the right shape'}${got}`, 'value');
      return;
    case 'anyOf':
      report(at, at[at.length - 1] === 'status' ? `must be an HTTP status (100-599) or a list of them${got}` : `must be a file or a list of files${got}`, 'value');
      return;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const words = { minimum: 'at least', maximum: 'at most', exclusiveMinimum: 'above', exclusiveMaximum: 'below' }[e.keyword];
      report(at, `must be ${words} ${String(p['limit'])}${got}`, 'value');
      return;
    }
    default:
      report(at, `${e.message ?? 'is not valid'}${got}`, 'value');
  }
}
