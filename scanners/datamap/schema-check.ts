import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { VigilError } from '../../src/errors.js';
import { describeValue, formatConfigPath, leadingProblemError, type PathSegment } from '../../src/config/problem.js';
import { suggest } from '../../src/config/suggest.js';
import { pointerToPath, typeWords } from '../../src/config/validate.js';
import type { YamlLocator } from '../../src/config/yaml-source.js';
import { datamapSchemaPath } from './compliance-data.js';

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
    compiled = ajv.compile(JSON.parse(readFileSync(datamapSchemaPath(), 'utf8')) as object);
  }
  return compiled;
}

interface Problem {
  path: PathSegment[];
  message: string;
  line: number;
  column: number;
  offset: number;
}

/**
 * Check one parsed file against compliance/datamap.schema.json. Throws VIGIL_ERR_DATAMAP_INVALID
 * at the first problem in document order (file:line:column, the key path and what is wrong), with
 * the others listed briefly.
 */
export function checkResourceFile(value: unknown, file: string, locator: YamlLocator): void {
  const validate = validator();
  if (validate(value)) return;
  const problems: Problem[] = [];
  const report = (path: PathSegment[], problem: string, at: 'key' | 'value' = 'value') => {
    const { line, column, offset } = locator.locate(path, at);
    const shown = at === 'key' ? path.slice(0, -1) : path;
    problems.push({ path, message: shown.length ? `${formatConfigPath(shown)}: ${problem}` : problem, line, column, offset });
  };
  for (const e of chooseErrors(validate.errors ?? [])) describe(e, pointerToPath(e.instancePath, value), report);
  problems.sort((a, b) => a.offset - b.offset);
  if (!problems.length) throw new VigilError('VIGIL_ERR_DATAMAP_INVALID', 'breaks the data map schema', { file });
  throw leadingProblemError('VIGIL_ERR_DATAMAP_INVALID', problems, file);
}

/** One error per value and keyword family: a wrong type hides the other complaints about the same value. */
function chooseErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const typed = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const chosen = new Map<string, ErrorObject>();
  for (const e of errors) {
    // `if` repeats its `then`; `anyOf` repeats its branches, reported through their own errors
    if (e.keyword === 'if') continue;
    if (e.keyword !== 'type' && typed.has(e.instancePath) && !['additionalProperties', 'required'].includes(e.keyword)) continue;
    const p = e.params as Record<string, unknown>;
    const k = [e.instancePath, e.keyword === 'anyOf' ? 'anyOf' : '', p['additionalProperty'], p['missingProperty']].join('\u0000');
    if (!chosen.has(k)) chosen.set(k, e);
  }
  // an anyOf whose branches failed on type is the clearer message; drop the branch errors then
  const anyOfPaths = new Set([...chosen.values()].filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  return [...chosen.values()].filter((e) => e.keyword === 'anyOf' || !anyOfPaths.has(e.instancePath) || e.keyword === 'additionalProperties');
}

function describe(e: ErrorObject, path: PathSegment[], report: (p: PathSegment[], m: string, at?: 'key' | 'value') => void): void {
  const p = e.params as Record<string, unknown>;
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  const got = ` (got ${describeValue(e.data)})`;
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(p['additionalProperty']);
      const known = Object.keys((parent['properties'] ?? {}) as Record<string, unknown>);
      const where = path.length === 0 ? 'a data map file holds only fideslang resource lists' : 'fideslang defines no such key here';
      report([...path, name], `unknown key "${name}": ${where}${suggest(name, known)}; vigil's own keys go under "vigil:"`, 'key');
      return;
    }
    case 'required':
      report(path, `missing required key "${String(p['missingProperty'])}"`);
      return;
    case 'type':
      report(path, `must be ${typeWords(p['type'])}${got}`);
      return;
    case 'enum':
      report(path, `must be one of ${(p['allowedValues'] as unknown[]).filter((v) => v !== null).map((v) => JSON.stringify(v)).join(', ')}${got}`);
      return;
    case 'const':
      report(path, `must be ${JSON.stringify(p['allowedValue'])}${got}`);
      return;
    case 'pattern': {
      const pattern = String(p['pattern']);
      if (pattern === '^unknown$') report(path, `must be a whole number of subjects or "unknown"${got}`);
      else if (pattern.startsWith('^[A-Z]{2}')) report(path, `must be an ISO 3166-1 alpha-2 country code such as "US"${got}`);
      else report(path, `must be a fides key (letters, digits and _ . < > -)${got}`);
      return;
    }
    case 'minimum':
      report(path, `must be at least ${String(p['limit'])}${got}`);
      return;
    case 'minLength':
      report(path, `must not be empty${got}`);
      return;
    case 'anyOf':
      report(path, `must be a fides key or empty${got}`);
      return;
    default:
      report(path, `${e.message ?? 'is not valid'}${got}`);
  }
}
