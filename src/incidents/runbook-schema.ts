import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { describeValue, formatConfigPath, leadingProblemError, type PathSegment } from '../config/problem.js';
import { closest, suggest } from '../config/suggest.js';
import { pointerToPath, typeWords } from '../config/validate.js';
import type { YamlLocator } from '../config/yaml-source.js';
import { VigilError } from '../errors.js';
import { shippedPath } from '../util/package-path.js';

/** The JSON Schema of one runbook file, as shipped. */
export function runbookSchemaPath(): string {
  const file = shippedPath('compliance', 'runbook.schema.json');
  if (!file) throw new VigilError('VIGIL_ERR_INTERNAL', 'compliance/runbook.schema.json is missing from this install');
  return file;
}

/** The schema itself (parsed), for tests and editors. */
export function runbookSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(runbookSchemaPath(), 'utf8')) as Record<string, unknown>;
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
    // x-hint: the words a pattern's error uses instead of the regex
    ajv.addVocabulary(['x-hint']);
    compiled = ajv.compile(runbookSchema());
  }
  return compiled;
}

/** One problem, located. */
export interface RunbookProblem {
  message: string;
  line: number;
  column: number;
  offset: number;
}

/** Reports a problem at a key path; `at: 'key'` points at the key rather than its value. */
export type RunbookReport = (path: PathSegment[], problem: string, at?: 'key' | 'value') => void;

/** A reporter that locates each problem in the file and collects it. */
export function collector(locator: YamlLocator): { report: RunbookReport; problems: RunbookProblem[] } {
  const problems: RunbookProblem[] = [];
  const report: RunbookReport = (path, problem, at = 'value') => {
    const { line, column, offset } = locator.locate(path, at);
    const shown = at === 'key' ? path.slice(0, -1) : path;
    problems.push({ message: shown.length ? `${formatConfigPath(shown)}: ${problem}` : problem, line, column, offset });
  };
  return { report, problems };
}

/** Throw VIGIL_ERR_RUNBOOK_INVALID at the first problem in document order, the others listed briefly. */
export function throwProblems(problems: readonly RunbookProblem[], file: string): void {
  if (!problems.length) return;
  const sorted = problems.map((p, i) => ({ p, i })).sort((a, b) => a.p.offset - b.p.offset || a.i - b.i).map(({ p }) => p);
  throw leadingProblemError('VIGIL_ERR_RUNBOOK_INVALID', sorted, file);
}

/** Check a parsed runbook against compliance/runbook.schema.json; report every violation. True when it passed. */
export function checkRunbookSchema(value: unknown, report: RunbookReport): boolean {
  const validate = validator();
  if (validate(value)) return true;
  for (const e of chooseErrors(validate.errors ?? [])) describe(e, pointerToPath(e.instancePath, value), report);
  return false;
}

/** One error per value and keyword family: a wrong type hides the other complaints about the same value. */
function chooseErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const typed = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  // instancePath → unknown keys there: a misspelt key is reported once, not also as the key it misses
  const unknown = new Map<string, string[]>();
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue;
    unknown.set(e.instancePath, [...(unknown.get(e.instancePath) ?? []), String((e.params as Record<string, unknown>)['additionalProperty'])]);
  }
  const chosen = new Map<string, ErrorObject>();
  for (const e of errors) {
    if (e.keyword === 'required') {
      const missing = String((e.params as Record<string, unknown>)['missingProperty']);
      if ((unknown.get(e.instancePath) ?? []).some((u) => closest(u, [missing]))) continue;
    }
    if (e.keyword !== 'type' && typed.has(e.instancePath) && !['additionalProperties', 'required'].includes(e.keyword)) continue;
    const p = e.params as Record<string, unknown>;
    const k = [e.instancePath, p['additionalProperty'], p['missingProperty']].join('\u0000');
    if (!chosen.has(k)) chosen.set(k, e);
  }
  return [...chosen.values()];
}

function describe(e: ErrorObject, path: PathSegment[], report: RunbookReport): void {
  const p = e.params as Record<string, unknown>;
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  const got = ` (got ${describeValue(e.data)})`;
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(p['additionalProperty']);
      const known = Object.keys((parent['properties'] ?? {}) as Record<string, unknown>);
      report([...path, name], `unknown key "${name}"${suggest(name, known)}`, 'key');
      return;
    }
    case 'required':
      report(path, `missing required key "${String(p['missingProperty'])}"`);
      return;
    case 'type':
      // a duration written as a bare number is better told what a duration is than that it is not text
      report(path, `must be ${typeof parent['x-hint'] === 'string' ? parent['x-hint'] : typeWords(p['type'])}${got}`);
      return;
    case 'enum':
      report(path, `must be one of ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}${got}`);
      return;
    case 'const':
      report(path, `must be ${JSON.stringify(p['allowedValue'])}${got}`);
      return;
    case 'pattern': {
      const hint = typeof parent['x-hint'] === 'string' ? parent['x-hint'] : `text matching ${String(p['pattern'])}`;
      report(path, `must be ${hint}${got}`);
      return;
    }
    case 'minLength':
      report(path, `must not be empty${got}`);
      return;
    case 'maxLength':
      report(path, `must be at most ${String(p['limit'])} characters${got}`);
      return;
    case 'minItems':
      report(path, `must list at least ${String(p['limit'])}${got}`);
      return;
    case 'minProperties':
      report(path, `must not be empty: give severity_at_least (with scanners, rule_ids, tags), event, or fallback: true`);
      return;
    case 'uniqueItems':
      report([...path, Number(p['i'])], `repeats an earlier entry (${describeValue((e.data as unknown[])[Number(p['i'])])})`);
      return;
    case 'minimum':
      report(path, `must be at least ${String(p['limit'])}${got}`);
      return;
    case 'maximum':
      report(path, `must be at most ${String(p['limit'])}${got}`);
      return;
    default:
      report(path, `${e.message ?? 'is not valid'}${got}`);
  }
}
