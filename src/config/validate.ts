import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { crossCheck } from './checks.js';
import { describeValue, withPath, type ConfigProblem, type PathSegment, type Report } from './problem.js';
import { CONFIG_SCHEMA } from './schema.js';
import { closest, suggest } from './suggest.js';
import type { YamlLocator } from './yaml-source.js';

let compiled: ValidateFunction | undefined;

/** The compiled schema; compiled on first use so importing the config module stays cheap. */
function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({
      allErrors: true,
      // `data` and `parentSchema` on each error: the value for "got …", the sibling keys for suggestions
      verbose: true,
      strict: true,
      // `required` inside if/then names keys declared in the parent's properties
      strictRequired: false,
      allowUnionTypes: true,
    });
    ajv.addVocabulary(['x-hint']);
    compiled = ajv.compile(CONFIG_SCHEMA);
  }
  return compiled;
}

/**
 * Every problem with a parsed config value, in document order: schema violations first
 * collected by ajv, then what the schema cannot express (see checks.ts).
 */
export function configValueProblems(value: unknown, locator: YamlLocator): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const report: Report = (path, problem, at = 'value') => {
    const { line, column, offset } = locator.locate(path, at);
    // a problem with a key itself (unknown, misnamed) is the business of the mapping that holds it
    const shown = at === 'key' ? path.slice(0, -1) : path;
    problems.push({ code: 'VIGIL_ERR_CONFIG_INVALID', path, message: withPath(shown, problem), line, column, offset });
  };

  if (value === null || value === undefined) {
    report([], 'the file is empty: it needs at least a "targets:" list (`vigil init` writes a commented example)');
    return problems;
  }

  const validate = validator();
  if (!validate(value)) reportAjvErrors(validate.errors ?? [], value, report);
  crossCheck(value, report);

  // stable sort: problems at the same spot keep the order they were found in
  return problems.map((p, i) => ({ p, i })).sort((a, b) => a.p.offset - b.p.offset || a.i - b.i).map(({ p }) => p);
}

function reportAjvErrors(errors: readonly ErrorObject[], data: unknown, report: Report): void {
  // several keywords can fail on one value (type and minimum, pattern and minLength): say one thing each
  const chosen = new Map<string, ErrorObject>();
  // instancePath → unknown keys there: a misspelt key should not also be reported as a missing one
  const unknown = new Map<string, string[]>();
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue;
    const name = String((e.params as Record<string, unknown>).additionalProperty);
    unknown.set(e.instancePath, [...(unknown.get(e.instancePath) ?? []), name]);
  }
  for (const e of errors) {
    if (e.keyword === 'required') {
      const missing = String((e.params as Record<string, unknown>).missingProperty);
      if ((unknown.get(e.instancePath) ?? []).some((u) => closest(u, [missing]))) continue;
    }
    // `if` only repeats the failure of its `then`; `propertyNames` only wraps the error of the name itself
    if (e.keyword === 'if' || e.keyword === 'propertyNames') continue;
    const p = e.params as Record<string, unknown>;
    const key = [e.instancePath, p.additionalProperty, p.missingProperty, e.propertyName, p.i, p.j].join('\u0000');
    const prev = chosen.get(key);
    if (!prev || (e.keyword === 'type' && prev.keyword !== 'type')) chosen.set(key, e);
  }
  for (const e of chosen.values()) reportAjvError(e, pointerToPath(e.instancePath, data), report);
}

function reportAjvError(e: ErrorObject, path: PathSegment[], report: Report): void {
  const p = e.params as Record<string, unknown>;
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  const got = ` (got ${describeValue(e.data)})`;
  const hint = typeof parent['x-hint'] === 'string' ? parent['x-hint'] : undefined;

  if (e.propertyName !== undefined) {
    const name = e.propertyName;
    report([...path, name], `key "${name}" is not ${hint ?? `valid (${e.message ?? 'bad name'})`}`, 'key');
    return;
  }
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(p.additionalProperty);
      const known = Object.keys((parent.properties ?? {}) as Record<string, unknown>);
      report([...path, name], `unknown key "${name}"${suggest(name, known)}`, 'key');
      return;
    }
    case 'required': {
      const missing = String(p.missingProperty);
      const data = (e.data ?? {}) as Record<string, unknown>;
      if (e.schemaPath.includes('/then/')) {
        report(path, `kind ${String(data.kind)} needs "${missing}"`);
        return;
      }
      const prop = ((parent.properties ?? {}) as Record<string, Record<string, unknown>>)[missing];
      const choices = Array.isArray(prop?.enum) ? ` (one of ${prop.enum.join(', ')})` : '';
      report(path, `missing required key "${missing}"${choices}`);
      return;
    }
    case 'type': {
      const expected = typeWords(p.type);
      if (path.length === 0) {
        report(path, `the file must be a mapping of settings such as "targets:"${got}`);
        return;
      }
      report(path, `must be ${expected}${got}`);
      return;
    }
    case 'enum':
      report(path, `must be one of ${(p.allowedValues as unknown[]).join(', ')}${got}`);
      return;
    case 'const':
      report(path, `must be ${JSON.stringify(p.allowedValue)}${got}`);
      return;
    case 'minimum':
      report(path, `must be at least ${String(p.limit)}${got}`);
      return;
    case 'maximum':
      report(path, `must be at most ${String(p.limit)}${got}`);
      return;
    case 'exclusiveMinimum':
      report(path, `must be more than ${String(p.limit)}${got}`);
      return;
    case 'exclusiveMaximum':
      report(path, `must be less than ${String(p.limit)}${got}`);
      return;
    case 'minItems':
      report(path, Number(p.limit) === 1 ? 'must not be an empty list' : `must list at least ${p.limit} items${got}`);
      return;
    case 'minProperties':
      report(path, Number(p.limit) === 1 ? 'must not be an empty mapping' : `must have at least ${p.limit} keys${got}`);
      return;
    case 'minLength':
      report(path, `must not be empty${got}`);
      return;
    case 'maxLength':
      report(path, `must be at most ${String(p.limit)} characters long`);
      return;
    case 'uniqueItems': {
      const [first, dup] = [Number(p.i), Number(p.j)].sort((a, b) => a - b) as [number, number];
      const item = Array.isArray(e.data) ? e.data[dup] : undefined;
      report([...path, dup], `${describeValue(item)} is listed twice (also at [${first}])`);
      return;
    }
    case 'pattern':
      report(path, hint ? `must be ${hint}${got}` : `must match ${String(p.pattern)}${got}`);
      return;
    default:
      report(path, `${e.message ?? 'is not valid'}${got}`);
  }
}

/** JSON Schema types in words, for messages (also the data map's schema check). */
export const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  null: 'empty',
};

export function typeWords(t: unknown): string {
  const types = Array.isArray(t) ? t : [t];
  return types.map((x) => TYPE_WORDS[String(x)] ?? String(x)).join(' or ');
}

/** ajv's JSON pointer as a key path, with array indexes as numbers (also for the data map's and runbooks' schema checks). */
export function pointerToPath(pointer: string, data: unknown): PathSegment[] {
  if (!pointer) return [];
  const path: PathSegment[] = [];
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      const i = Number(seg);
      path.push(i);
      cur = cur[i];
    } else {
      path.push(seg);
      cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return path;
}
