import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { VigilError } from '../../src/errors.js';
import { parseYamlSource } from '../../src/config/yaml-source.js';
import { pointerToPath } from '../../src/config/validate.js';
import { JsonLocator, formatPath, parseJsonText } from '../../src/util/json-source.js';
import { SEVERITIES, type Severity } from '../../src/model/severity.js';
import { PAGES_RULE_IDS, type PagesRuleId } from './checks.js';
import { LIGHTWALLET_METRICS, LIGHTWALLET_RESOURCE_TYPES, checkLightWalletPath, type LightWalletBudget } from './lightwallet.js';

/** A budget file is read whole: anything this large is not a hand-written budget. */
const MAX_BUDGET_BYTES = 1024 * 1024;
/**
 * Lighthouse lists an asset under uses-long-cache-ttl only while its cache-hit probability is
 * under 92.5 %, i.e. a TTL under about 96 days: a longer minimum could not be checked.
 */
export const MAX_CACHE_TTL_SECONDS = 96 * 86_400;

/** A severity for one check, or `off` to skip it. */
export type BudgetSeverity = Severity | 'off';

/** vigil's page budget (docs/pages-budget.md); every threshold left out keeps Lighthouse's own pass mark. */
export interface PagesBudget {
  /** The file it came from, for messages. */
  file?: string;
  /** More pages of the target's origin to audit: paths (`/product?id=1`) or same-origin URLs. */
  pages: string[];
  /** Minimum performance category score, 0–100. */
  performanceScore?: number;
  /** Maximum Largest Contentful Paint, ms (as Lighthouse measures it under its throttling). */
  lcpMs?: number;
  /** Maximum total transfer size of the page, bytes. */
  totalBytes?: number;
  /** Maximum estimated savings of each image audit, bytes. */
  imageSavingsBytes?: number;
  /** Maximum estimated savings of text compression, bytes. */
  textCompressionSavingsBytes?: number;
  /** Minimum cache lifetime of static assets, seconds. */
  cacheTtlSeconds?: number;
  /** Severity per rule id, or `off`. */
  severity: Partial<Record<PagesRuleId, BudgetSeverity>>;
  /** Lighthouse's LightWallet budgets (budget.json), evaluated by vigil: Lighthouse 12 dropped them. */
  lightwallet: LightWalletBudget[];
}

const THRESHOLD_KEYS = ['performanceScore', 'lcpMs', 'totalBytes', 'imageSavingsBytes', 'textCompressionSavingsBytes', 'cacheTtlSeconds'] as const;

const lightWalletSchema = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    properties: {
      path: { type: 'string', minLength: 1, maxLength: 2048 },
      options: {
        type: 'object',
        additionalProperties: false,
        properties: { firstPartyHostnames: { type: 'array', items: { type: 'string', maxLength: 253 } } },
      },
      timings: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['metric', 'budget'],
          properties: { metric: { enum: [...LIGHTWALLET_METRICS] }, budget: { type: 'number', minimum: 0 } },
        },
      },
      resourceSizes: { $ref: '#/$defs/resourceBudgets' },
      resourceCounts: { $ref: '#/$defs/resourceBudgets' },
    },
  },
} as const;

const budgetSchema = {
  $defs: {
    resourceBudgets: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['resourceType', 'budget'],
        properties: { resourceType: { enum: [...LIGHTWALLET_RESOURCE_TYPES] }, budget: { type: 'number', minimum: 0 } },
      },
    },
  },
  oneOf: [
    lightWalletSchema,
    {
      type: 'object',
      additionalProperties: false,
      properties: {
        pages: { type: 'array', maxItems: 50, items: { type: 'string', minLength: 1, maxLength: 2048 } },
        performanceScore: { type: 'number', minimum: 0, maximum: 100 },
        lcpMs: { type: 'number', minimum: 0 },
        totalBytes: { type: 'integer', minimum: 0 },
        imageSavingsBytes: { type: 'integer', minimum: 0 },
        textCompressionSavingsBytes: { type: 'integer', minimum: 0 },
        cacheTtlSeconds: { type: 'integer', minimum: 0, maximum: MAX_CACHE_TTL_SECONDS },
        severity: {
          type: 'object',
          additionalProperties: false,
          properties: Object.fromEntries(PAGES_RULE_IDS.map((id) => [id, { enum: [...SEVERITIES, 'off'] }])),
        },
        lightwallet: lightWalletSchema,
      },
    },
  ],
} as const;

let validator: ValidateFunction | undefined;
function validate(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, strict: true }).compile(budgetSchema);
  return validator;
}

/** The budget when no file is given: no pages beyond the target, Lighthouse's own thresholds. */
export function defaultBudget(): PagesBudget {
  return { pages: [], severity: {}, lightwallet: [] };
}

/** Read a budget file (YAML or JSON, vigil's format or a LightWallet budget.json). */
export async function loadPagesBudget(file: string): Promise<PagesBudget> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (e) {
    throw new VigilError('VIGIL_ERR_INPUT_NOT_FOUND', `pages: budget file ${file} does not exist`, { file }, { cause: e });
  }
  if (size > MAX_BUDGET_BYTES) throw new VigilError('VIGIL_ERR_INPUT_TOO_LARGE', `pages: budget file is ${size} bytes; the limit is ${MAX_BUDGET_BYTES}`, { file });
  return parsePagesBudget(await readFile(file, 'utf8'), file);
}

/**
 * Parse and validate a budget. Bad syntax is VIGIL_ERR_BUDGET_PARSE, a schema break
 * VIGIL_ERR_BUDGET_INVALID; both name the file, line and key.
 */
export function parsePagesBudget(text: string, file: string): PagesBudget {
  let value: unknown;
  let locate: (p: readonly (string | number)[]) => { line: number; column: number };
  if (path.extname(file).toLowerCase() === '.json') {
    value = parseJsonText(text, file, 'VIGIL_ERR_BUDGET_PARSE');
    const locator = new JsonLocator(text, file);
    locate = (p) => locator.locate(p);
  } else {
    const parsed = parseYamlSource(text, file, { parse: 'VIGIL_ERR_BUDGET_PARSE', invalid: 'VIGIL_ERR_BUDGET_PARSE' });
    value = parsed.value;
    locate = (p) => parsed.locator.locate(p);
  }
  const fail = (where: readonly (string | number)[], problem: string): never => {
    const { line, column } = locate(where);
    throw new VigilError('VIGIL_ERR_BUDGET_INVALID', `${formatPath(where)}: ${problem}`, { file, line, column });
  };
  if (value === null || value === undefined) fail([], 'the budget file is empty');

  const v = validate();
  if (!v(value)) {
    const e = pickError(v.errors ?? [], Array.isArray(value));
    const where = pointerToPath(e.instancePath, value);
    if (e.keyword === 'additionalProperties') {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      fail([...where, key], `unknown key "${key}"${where.length ? '' : ` (known: ${[...THRESHOLD_KEYS, 'pages', 'severity', 'lightwallet'].join(', ')}; or a LightWallet budget list)`}`);
    }
    if (e.keyword === 'enum') fail(where, `must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues).join(', ')}`);
    if (e.keyword === 'oneOf' || (e.keyword === 'type' && where.length === 0)) fail(where, 'a budget is a mapping (vigil\'s format) or a list of LightWallet budgets');
    fail(where, e.message ?? 'is not valid');
  }

  const budget: PagesBudget = { ...defaultBudget(), file };
  const lightwallet = (Array.isArray(value) ? value : ((value as Record<string, unknown>)['lightwallet'] ?? [])) as LightWalletBudget[];
  const lwBase = Array.isArray(value) ? [] : ['lightwallet'];
  lightwallet.forEach((b, i) => {
    if (b.path !== undefined) {
      const problem = checkLightWalletPath(b.path);
      if (problem) fail([...lwBase, i, 'path'], problem);
    }
    for (const list of ['timings', 'resourceSizes', 'resourceCounts'] as const) {
      const seen = new Set<string>();
      (b[list] ?? []).forEach((entry, j) => {
        const key = 'metric' in entry ? entry.metric : entry.resourceType;
        if (seen.has(key)) fail([...lwBase, i, list, j], `"${key}" is budgeted twice in this ${list} list`);
        seen.add(key);
      });
    }
  });
  budget.lightwallet = lightwallet;
  if (!Array.isArray(value)) {
    const doc = value as Record<string, unknown>;
    for (const k of THRESHOLD_KEYS) if (doc[k] !== undefined) budget[k] = doc[k] as number;
    if (doc['pages']) budget.pages = doc['pages'] as string[];
    if (doc['severity']) budget.severity = doc['severity'] as PagesBudget['severity'];
  }
  return budget;
}

/** The most useful of ajv's errors: a oneOf failure is explained by the branch the document's shape picked. */
function pickError(errors: readonly ErrorObject[], isList: boolean): ErrorObject {
  const branch = isList ? '#/oneOf/0/' : '#/oneOf/1/';
  const inBranch = errors.filter((e) => e.schemaPath.startsWith(branch) || e.schemaPath.startsWith('#/$defs/'));
  const pool = inBranch.length ? inBranch : errors;
  // the deepest problem is the most specific one
  return [...pool].sort((a, b) => b.instancePath.split('/').length - a.instancePath.split('/').length)[0]!;
}
