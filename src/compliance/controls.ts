import { readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { ControlResult, ControlStatus } from '../../reports/audit/model.js';
import { describeValue, formatConfigPath, leadingProblemError, type PathSegment } from '../config/problem.js';
import { closest, suggest } from '../config/suggest.js';
import { pointerToPath, typeWords } from '../config/validate.js';
import { parseYamlSource, type YamlLocator } from '../config/yaml-source.js';
import { VigilError } from '../errors.js';
import { shippedPath } from '../util/package-path.js';
import { maxInputBytes, readTextInput } from '../util/read-input.js';
import { FIGURE_DESCRIPTIONS, FIGURE_NAMES, isFigureName, type FigureName } from './figures.js';

const CODES = { parse: 'VIGIL_ERR_CONTROLS_PARSE', invalid: 'VIGIL_ERR_CONTROLS_INVALID' } as const;

/** How a check compares its figure, as the control files spell it. */
export const COMPARISONS = ['atLeast', 'atMost', 'equals'] as const;
export type Comparison = (typeof COMPARISONS)[number];

/** One piece of evidence a control rests on: a figure, the value it must meet, the sentence it makes. */
export interface EvidenceCheck {
  figure: FigureName;
  comparison: Comparison;
  value: number;
  /** Sentence template with `{figure.name}` placeholders. */
  says: string;
  /** Used instead of `says` when the figure is null; null when the file gives none. */
  whenNoData: string | null;
}

/** One control of a framework, as its mapping file defines it. */
export interface ControlDefinition {
  id: string;
  title: string;
  summary: string;
  evidence: EvidenceCheck[];
  /** Where the control's id is written. */
  where: { file: string; line: number; column: number };
}

/** One mapping file: a framework and its controls. */
export interface ControlSet {
  framework: string;
  version: string;
  /** What the report cites: `compliance/controls/<file>` for the shipped files, else the path as loaded. */
  source: string;
  file: string;
  controls: ControlDefinition[];
}

/** The control mappings vigil ships: compliance/controls. */
export function shippedControlsDir(): string {
  const dir = shippedPath('compliance', 'controls');
  if (!dir) throw new VigilError('VIGIL_ERR_INTERNAL', 'compliance/controls is missing from this install');
  return dir;
}

/** The JSON Schema of one control mapping file, as shipped. */
export function controlsSchemaPath(): string {
  const file = shippedPath('compliance', 'controls.schema.json');
  if (!file) throw new VigilError('VIGIL_ERR_INTERNAL', 'compliance/controls.schema.json is missing from this install');
  return file;
}

/** The schema itself (parsed), for tests and editors. */
export function controlsSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(controlsSchemaPath(), 'utf8')) as Record<string, unknown>;
}

/**
 * Load and check every control mapping in a folder (`*.yaml` and `*.yml`, not recursive, in name
 * order): each against compliance/controls.schema.json and for what the schema cannot say
 * (placeholders name figures, control ids are unique within the framework, across files too). Any
 * problem is a VIGIL_ERR_CONTROLS_* error naming file:line:column.
 */
export async function loadControls(dir: string = shippedControlsDir()): Promise<ControlSet[]> {
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new VigilError('VIGIL_ERR_INPUT_NOT_FOUND', 'no such control mapping folder', { file: dir });
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => e.name)
    .sort();
  if (!names.length) throw new VigilError('VIGIL_ERR_INPUT_NOT_FOUND', 'no *.yaml control mappings in this folder', { file: dir });
  const shipped = path.resolve(dir) === path.resolve(shippedPath('compliance', 'controls') ?? '\u0000');
  const sets: ControlSet[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const source = shipped ? `compliance/controls/${name}` : file.split(path.sep).join('/');
    sets.push(parseControls(await readTextInput(file, maxInputBytes()), file, source));
  }
  checkControlSets(sets);
  return sets;
}

/** Parse and check one mapping file's text. `source` is what results cite (default: the file). */
export function parseControls(text: string, file: string, source: string = file): ControlSet {
  const { value, locator } = parseYamlSource(text, file, CODES);
  if (value === null || value === undefined) {
    throw new VigilError('VIGIL_ERR_CONTROLS_INVALID', 'the file is empty: a control mapping needs framework, version and controls', { file, line: 1, column: 1 });
  }
  const { report, problems } = collector(locator);
  if (!checkSchema(value, report)) throwProblems(problems, file);
  const raw = value as Raw;
  const controls = (raw['controls'] as Raw[]).map((c, i) => buildControl(c, i, file, locator, report));
  checkIds(controls, report);
  throwProblems(problems, file);
  return { framework: raw['framework'] as string, version: raw['version'] as string, source, file, controls };
}

/**
 * Checks across files: a framework split over several files still has one control per id. The
 * error points at the second and names the first.
 */
export function checkControlSets(sets: readonly ControlSet[]): void {
  const seen = new Map<string, ControlDefinition>();
  for (const set of sets) {
    for (const c of set.controls) {
      const key = `${set.framework}\u0000${c.id}`;
      const first = seen.get(key);
      if (first && first.where.file !== c.where.file) {
        throw new VigilError(
          'VIGIL_ERR_CONTROLS_INVALID',
          `id: "${c.id}" is already a control of ${set.framework} in ${first.where.file}:${first.where.line}; each control of a framework needs its own id`,
          c.where,
        );
      }
      seen.set(key, c);
    }
  }
}

/**
 * Each control's status and evidence from the period's figures. A check has data when its figure
 * is a finite number (null, a missing name or NaN is no data), and passes when it has data and
 * meets its comparison. Then, over the control's checks:
 * - `met`: every check passes (so every check has data): vigil's evidence supports the control;
 * - `no-data`: no check has data: nothing to judge, which is not the same as a failure;
 * - `not-met`: some check has data and none passes;
 * - `partial`: anything else: some pass, while others fail or lack data. Missing data is not
 *   counted as a pass, so a control never reads `met` on evidence it does not have.
 * The order is the sets' order, then each file's.
 */
export function evaluateControls(sets: readonly ControlSet[], figures: Readonly<Record<string, number | null>>): ControlResult[] {
  const results: ControlResult[] = [];
  for (const set of sets) {
    for (const c of set.controls) {
      const checks = c.evidence.map((check) => judge(check, figures));
      results.push({
        framework: set.framework,
        id: c.id,
        title: c.title,
        status: statusOf(checks),
        // two checks on one missing figure would say the same thing twice
        evidence: [...new Set(checks.map((r) => r.sentence))],
        source: set.source,
      });
    }
  }
  return results;
}

interface Judged {
  hasData: boolean;
  passed: boolean;
  sentence: string;
}

function judge(check: EvidenceCheck, figures: Readonly<Record<string, number | null>>): Judged {
  const v = figureValue(figures, check.figure);
  if (v === null) {
    const sentence = check.whenNoData !== null ? fillTemplate(check.whenNoData, figures) : `No data for ${check.figure}: ${FIGURE_DESCRIPTIONS[check.figure]}.`;
    return { hasData: false, passed: false, sentence };
  }
  const passed = check.comparison === 'atLeast' ? v >= check.value : check.comparison === 'atMost' ? v <= check.value : v === check.value;
  const sentence = fillTemplate(check.says, figures);
  if (passed) return { hasData: true, passed, sentence };
  // "…: 3 (required: at most 0)." reads better than a note after the full stop
  const required = ` (required: ${requirement(check)})`;
  return { hasData: true, passed, sentence: sentence.endsWith('.') ? `${sentence.slice(0, -1)}${required}.` : `${sentence}${required}` };
}

function statusOf(checks: readonly Judged[]): ControlStatus {
  if (checks.every((c) => c.passed)) return 'met';
  const withData = checks.filter((c) => c.hasData);
  if (!withData.length) return 'no-data';
  if (!withData.some((c) => c.passed)) return 'not-met';
  return 'partial';
}

/** `at least 95`, `at most 0`, `exactly 1`. */
function requirement(check: EvidenceCheck): string {
  const words = { atLeast: 'at least', atMost: 'at most', equals: 'exactly' }[check.comparison];
  return `${words} ${formatFigure(check.value)}`;
}

function figureValue(figures: Readonly<Record<string, number | null>>, name: string): number | null {
  const v = Object.hasOwn(figures, name) ? figures[name] : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** A figure as sentences print it: whole numbers plain, others with one decimal, null as "no data". */
export function formatFigure(v: number | null | undefined): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return 'no data';
  if (Number.isInteger(v)) return String(v);
  const s = v.toFixed(1);
  // -0.04 rounds to "-0.0"
  return s === '-0.0' ? '0.0' : s;
}

// placeholders hold no braces, so a stray one is found by what is left once they are taken out
const PLACEHOLDER = /\{([^{}]*)\}/g;

/** Fill `{figure.name}` placeholders with formatted figures. */
export function fillTemplate(template: string, figures: Readonly<Record<string, number | null>>): string {
  return template.replace(PLACEHOLDER, (_, name: string) => formatFigure(figureValue(figures, name.trim())));
}

type Raw = Record<string, unknown>;

function buildControl(raw: Raw, i: number, file: string, locator: YamlLocator, report: Report): ControlDefinition {
  const at = locator.locate(['controls', i, 'id']);
  const evidence = (raw['evidence'] as Raw[]).map((e, j): EvidenceCheck => {
    const comparison = COMPARISONS.find((k) => e[k] !== undefined) ?? 'equals';
    const says = e['says'] as string;
    const whenNoData = (e['whenNoData'] as string | undefined) ?? null;
    checkPlaceholders(says, ['controls', i, 'evidence', j, 'says'], report);
    if (whenNoData !== null) checkPlaceholders(whenNoData, ['controls', i, 'evidence', j, 'whenNoData'], report);
    return { figure: e['figure'] as FigureName, comparison, value: e[comparison] as number, says, whenNoData };
  });
  return {
    id: raw['id'] as string,
    title: raw['title'] as string,
    summary: raw['summary'] as string,
    evidence,
    where: { file, line: at.line, column: at.column },
  };
}

function checkPlaceholders(template: string, at: PathSegment[], report: Report): void {
  for (const m of template.matchAll(PLACEHOLDER)) {
    const name = (m[1] ?? '').trim();
    if (!isFigureName(name)) report(at, `the placeholder {${name}} names no figure${nearFigure(name)}`);
  }
  if (/[{}]/.test(template.replace(PLACEHOLDER, ''))) {
    report(at, 'has a { or } that is not part of a placeholder; placeholders are written {figure.name}');
  }
}

/** ` (did you mean "x"?)` for a near miss; the fifty names are too many to list. */
function nearFigure(name: string): string {
  const near = closest(name, FIGURE_NAMES);
  return near ? ` (did you mean "${near}"?)` : '';
}

/** Control ids are unique within a file; the second is reported, naming the first's line. */
function checkIds(controls: readonly ControlDefinition[], report: Report): void {
  const seen = new Map<string, ControlDefinition>();
  controls.forEach((c, i) => {
    const first = seen.get(c.id);
    if (first) report(['controls', i, 'id'], `"${c.id}" is already the id of the control at line ${first.where.line}; each control of a framework needs its own id`);
    else seen.set(c.id, c);
  });
}

// --- schema check, reported at file:line:column ---

interface Problem {
  message: string;
  line: number;
  column: number;
  offset: number;
}

/** Reports a problem at a key path; `at: 'key'` points at the key rather than its value. */
type Report = (path: PathSegment[], problem: string, at?: 'key' | 'value') => void;

function collector(locator: YamlLocator): { report: Report; problems: Problem[] } {
  const problems: Problem[] = [];
  const report: Report = (p, problem, at = 'value') => {
    const { line, column, offset } = locator.locate(p, at);
    const shown = at === 'key' ? p.slice(0, -1) : p;
    problems.push({ message: shown.length ? `${formatConfigPath(shown)}: ${problem}` : problem, line, column, offset });
  };
  return { report, problems };
}

/** Throw VIGIL_ERR_CONTROLS_INVALID at the first problem in document order, the others listed briefly. */
function throwProblems(problems: readonly Problem[], file: string): void {
  if (!problems.length) return;
  const sorted = problems.map((p, i) => ({ p, i })).sort((a, b) => a.p.offset - b.p.offset || a.i - b.i).map(({ p }) => p);
  throw leadingProblemError('VIGIL_ERR_CONTROLS_INVALID', sorted, file);
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false });
    ajv.addVocabulary(['x-hint']);
    compiled = ajv.compile(controlsSchema());
  }
  return compiled;
}

function checkSchema(value: unknown, report: Report): boolean {
  const validate = validator();
  if (validate(value)) return true;
  for (const e of chooseErrors(validate.errors ?? [])) describe(e, pointerToPath(e.instancePath, value), report);
  return false;
}

/**
 * One error per value: a wrong type hides the other complaints about it, and the `required`
 * errors inside the one-comparison rule give way to that rule's own message.
 */
function chooseErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const typed = new Set(errors.filter((e) => e.keyword === 'type' && !e.schemaPath.includes('/oneOf/')).map((e) => e.instancePath));
  const chosen = new Map<string, ErrorObject>();
  for (const e of errors) {
    if (e.schemaPath.includes('/oneOf/')) continue;
    if (e.keyword !== 'type' && typed.has(e.instancePath) && !['additionalProperties', 'required'].includes(e.keyword)) continue;
    const p = e.params as Record<string, unknown>;
    const k = [e.instancePath, e.keyword === 'oneOf' ? 'oneOf' : '', p['additionalProperty'], p['missingProperty']].join('\u0000');
    if (!chosen.has(k)) chosen.set(k, e);
  }
  return [...chosen.values()];
}

function describe(e: ErrorObject, at: PathSegment[], report: Report): void {
  const p = e.params as Record<string, unknown>;
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  const got = ` (got ${describeValue(e.data)})`;
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(p['additionalProperty']);
      const known = Object.keys((parent['properties'] ?? {}) as Record<string, unknown>);
      report([...at, name], `unknown key "${name}"${suggest(name, known)}`, 'key');
      return;
    }
    case 'required':
      report(at, `missing required key "${String(p['missingProperty'])}"`);
      return;
    case 'oneOf': {
      const given = COMPARISONS.filter((k) => (e.data as Raw)[k] !== undefined);
      report(
        at,
        given.length
          ? `has ${given.join(' and ')}: a check takes exactly one comparison (atLeast, atMost or equals)`
          : 'has no comparison: a check needs exactly one of atLeast, atMost or equals',
      );
      return;
    }
    case 'type':
      report(at, `must be ${typeWords(p['type'])}${got}`);
      return;
    case 'enum': {
      // the figure list is long: name the near miss rather than all fifty
      if (at[at.length - 1] === 'figure' && typeof e.data === 'string') {
        report(at, `unknown figure "${e.data}"${nearFigure(e.data)}; src/compliance/figures.ts lists every figure`);
        return;
      }
      report(at, `must be one of ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}${got}`);
      return;
    }
    case 'pattern':
      report(at, `must be ${typeof parent['x-hint'] === 'string' ? parent['x-hint'] : `text matching ${String(p['pattern'])}`}${got}`);
      return;
    case 'minLength':
      report(at, `must not be empty${got}`);
      return;
    case 'maxLength':
      report(at, `must be at most ${String(p['limit'])} characters${got}`);
      return;
    case 'minItems':
      report(at, `must list at least ${String(p['limit'])}${got}`);
      return;
    default:
      report(at, `${e.message ?? 'is not valid'}${got}`);
  }
}
