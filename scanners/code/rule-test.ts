/**
 * `vigil rules test`: the engine-independent core of annotated rule tests, after `semgrep --test`.
 * A rule file `foo.yaml` is tested against the files beside it named `foo.<ext>`, whose comments
 * (`// ruleid: id`, `# ok: id`, …) say which lines each rule must and must not report.
 */
import type { Dirent, Stats } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { VigilError } from '../../src/errors.js';
import type { RuleMatch, RuleProblem } from './types.js';

/** A file an annotated rule test runs a rule file against. */
export interface RuleTestTarget {
  /** The path as discovered: joined onto the path given to `discoverRuleTests`. */
  path: string;
  /** Relative to the discovery root (the folder given, or a rule file's folder), with `/` separators. */
  relPath: string;
}

/** One rule file and its test targets; `targets` is empty when the rule file has no test (semgrep's `config_missing_tests`). */
export interface RuleTestCase {
  ruleFile: string;
  targets: RuleTestTarget[];
}

export const ANNOTATION_KINDS = ['ruleid', 'ok', 'todoruleid', 'todook'] as const;
/** `ruleid` must match, `ok` must not; `todoruleid` should match but does not yet; `todook` should not match but still does. */
export type AnnotationKind = (typeof ANNOTATION_KINDS)[number];

/** One annotation comment. Lines are 1-based. */
export interface Annotation {
  kind: AnnotationKind;
  ruleIds: string[];
  /** The annotation's own line, for error messages. */
  line: number;
  /** The code line it speaks about. */
  appliesTo: number;
}

/** The annotations of one test target, in file order. */
export interface Annotations {
  file: string;
  annotations: Annotation[];
}

/** One rule judged against one test target. Line lists are sorted and unique. */
export interface RuleCheck {
  ruleId: string;
  /** The test target. */
  file: string;
  /** `ruleid` ∪ `todook` lines: what the rule reports today if it behaves as annotated. */
  expectedLines: number[];
  /** Start lines the engine reported for this rule. */
  reportedLines: number[];
  /** Expected but not reported. */
  missingLines: number[];
  /** Reported but not expected. */
  unexpectedLines: number[];
  /** False when no annotation in this target names the rule. */
  annotated: boolean;
  /** The reported lines are exactly the expected ones, and the target annotates the rule. */
  passed: boolean;
  /** `ruleid` lines reported. */
  tp: number;
  /** Reported lines not expected, `ok` lines included. */
  fp: number;
  /** `ruleid` lines not reported. */
  fn: number;
  /** `ok` lines not reported. */
  tn: number;
  /** Lines annotated `todoruleid` / `todook`: they count toward passing, and are counted here so they stay visible. */
  todoruleid: number;
  todook: number;
}

/** One rule of a rule file, judged over all of that file's test targets. */
export interface RuleOutcome {
  ruleId: string;
  passed: boolean;
  /** True when at least one target annotates the rule; a rule nothing annotates proves nothing and fails. */
  annotated: boolean;
  /** What the engine could not do for this rule (and problems of the whole rule file); any problem fails the rule. */
  problems: string[];
  /** One per target, in target order. */
  checks: RuleCheck[];
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  todoruleid: number;
  todook: number;
}

/** The outcome of one rule test case. */
export interface RuleTestResult {
  ruleFile: string;
  targets: string[];
  /** No target beside the rule file: reported, not a failure (as in semgrep). */
  missingTest: boolean;
  /** In the order the engine listed the rule ids. */
  rules: RuleOutcome[];
  /** Problems not tied to one rule of the file (an unreadable rule file, a stray match): semgrep's `config_with_errors`. */
  errors: string[];
}

/** What an engine found when it ran a case's rule file over the case's targets. */
export interface RuleTestEvaluation {
  /** Every rule id the rule file defines. */
  ruleIds: string[];
  /** `RuleMatch.path` is a target's `path` or `relPath`. */
  matches: RuleMatch[];
  /** Rules (or the whole rule file) the engine could not evaluate: reported as failures, so a broken rule never passes. */
  problems: RuleProblem[];
}

/**
 * Runs a case's rule file over its targets. Bad rules should come back as `problems`, so one broken
 * rule file does not hide the results of the others; a throw ends the whole test run.
 */
export type RuleTestEvaluator = (testCase: RuleTestCase) => RuleTestEvaluation | Promise<RuleTestEvaluation>;

/** Totals over every rule, by annotated line. `precision` and `recall` are null when their denominator is 0. */
export interface RuleTestConfusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  /** `todoruleid` plus `todook` lines. */
  todo: number;
  precision: number | null;
  recall: number | null;
}

const RULE_FILE = /\.(?:yaml|yml)$/;
// semgrep's convention: a test target for YAML-language rules is `foo.test.yaml`, not a rule file.
const YAML_TARGET = /\.test\.(?:yaml|yml)$/;
// semgrep's autofix tests (`foo.fixed.js`): neither rule files nor targets here.
const FIXED_FILE = /\.fixed\.[^.]+$/;
// The marker must come straight before the keyword (spaces aside), so `todook:` is never read as `ok:`
// and `http://example.com` is not a comment.
const ANNOTATION = /(?:\/\/|#|<!--|\/\*|--)[ \t]*(todoruleid|todook|deepruleid|deepok|ruleid|ok):(.*)$/;
/**
 * Semgrep's `deepruleid:` / `deepok:` say what its cross-file engine finds; `semgrep --test` without
 * it reads them as `todoruleid:` (not reported yet) and `todook:` (still reported), and so does vigil.
 */
const DEEP: Readonly<Record<string, AnnotationKind>> = { deepruleid: 'todoruleid', deepok: 'todook' };
const RULE_ID = /^[A-Za-z0-9_.\-/]+$/;
const CLOSER = /-->|\*\//;

/** Find the rule files under `input` (a rule file or a folder, searched recursively) and pair each with its test targets. */
export async function discoverRuleTests(input: string): Promise<RuleTestCase[]> {
  let info: Stats;
  try {
    info = await stat(input);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new VigilError('VIGIL_ERR_INPUT_NOT_FOUND', `rule test path ${input} does not exist`, { file: input }, { cause: e });
    }
    throw e;
  }
  if (info.isFile()) {
    const name = path.basename(input);
    if (!isRuleFileName(name)) {
      throw new VigilError('VIGIL_ERR_USAGE', `${input} is not a rule file: give a .yaml or .yml rule file, or a folder of them`, { file: input });
    }
    const dir = path.dirname(input);
    const siblings: string[] = [];
    for (const entry of await readdir(dir, { withFileTypes: true })) if ((await entryKind(dir, entry)) === 'file') siblings.push(entry.name);
    return [testCase(dir, name, siblings, dir)];
  }
  if (!info.isDirectory()) {
    throw new VigilError('VIGIL_ERR_USAGE', `${input} is neither a rule file nor a folder`, { file: input });
  }
  const cases: RuleTestCase[] = [];
  await walk(input, input, cases);
  return cases.sort((a, b) => compareText(a.ruleFile, b.ruleFile));
}

async function walk(dir: string, root: string, out: RuleTestCase[]): Promise<void> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => compareText(a.name, b.name));
  const files: string[] = [];
  const folders: string[] = [];
  for (const entry of entries) {
    const kind = await entryKind(dir, entry);
    if (kind === 'file') files.push(entry.name);
    else if (kind === 'dir' && entry.name !== 'node_modules' && !entry.name.startsWith('.')) folders.push(entry.name);
  }
  for (const name of files) if (isRuleFileName(name)) out.push(testCase(dir, name, files, root));
  for (const name of folders) await walk(path.join(dir, name), root, out);
}

// A symlinked file counts as a file; a symlinked folder is not followed, so a link cycle cannot trap the walk.
async function entryKind(dir: string, entry: Dirent): Promise<'file' | 'dir' | 'other'> {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'dir';
  if (!entry.isSymbolicLink()) return 'other';
  try {
    return (await stat(path.join(dir, entry.name))).isFile() ? 'file' : 'other';
  } catch {
    return 'other';
  }
}

function isRuleFileName(name: string): boolean {
  return RULE_FILE.test(name) && !YAML_TARGET.test(name) && !FIXED_FILE.test(name);
}

function testCase(dir: string, ruleName: string, siblings: string[], root: string): RuleTestCase {
  const stem = ruleName.replace(RULE_FILE, '');
  const targets = siblings
    .filter((name) => name !== ruleName && isTargetOf(stem, name))
    .sort(compareText)
    .map((name) => {
      const file = path.join(dir, name);
      return { path: file, relPath: path.relative(root, file).split(path.sep).join('/') };
    });
  return { ruleFile: path.join(dir, ruleName), targets };
}

/** `foo.js`, `foo.tsx`, `foo.test.yaml` test `foo.yaml`; `foo.bar.js` belongs to `foo.bar.yaml`, and `foo.fixed.js` to autofix. */
function isTargetOf(stem: string, name: string): boolean {
  if (!name.startsWith(`${stem}.`) || FIXED_FILE.test(name)) return false;
  const ext = name.slice(stem.length + 1);
  if (YAML_TARGET.test(name)) return ext === 'test.yaml' || ext === 'test.yml';
  return ext !== '' && !ext.includes('.') && !RULE_FILE.test(name);
}

/** Read the `ruleid:` / `ok:` / `todoruleid:` / `todook:` annotations of a test target; malformed ones throw naming file and line. */
export function parseAnnotations(text: string, file: string): Annotations {
  const lines = text.split(/\r\n|\r|\n/);
  const found: { kind: AnnotationKind; ruleIds: string[]; line: number; ownLine: boolean }[] = [];
  lines.forEach((content, i) => {
    const m = ANNOTATION.exec(content);
    if (!m) return;
    const kind = DEEP[m[1]!] ?? (m[1] as AnnotationKind);
    let rest = m[2]!;
    let codeAfter = false;
    const closer = CLOSER.exec(rest);
    if (closer) {
      // `{/* ruleid: x */}` in JSX is a comment on a line of its own too
      const after = rest.slice(closer.index + closer[0].length).trim();
      codeAfter = after !== '' && !(after === '}' && content.slice(0, m.index).trim() === '{');
      rest = rest.slice(0, closer.index);
    }
    const ruleIds = rest.split(',').map((id) => id.trim());
    const fail = (message: string): never => {
      throw new VigilError('VIGIL_ERR_RULE_TEST_INVALID', message, { file, line: i + 1 });
    };
    if (ruleIds.length === 1 && ruleIds[0] === '') fail(`annotation "${kind}:" names no rule id`);
    for (const id of ruleIds) {
      if (id === '') fail(`annotation "${kind}:" has an empty entry in its list of rule ids`);
      if (!RULE_ID.test(id)) fail(`annotation "${kind}:": "${id}" is not a rule id (ids are letters, digits and . - _ /, separated by commas)`);
    }
    const before = content.slice(0, m.index).trim();
    const ownLine = (before === '' || (before === '{' && closer !== null)) && !codeAfter;
    found.push({ kind, ruleIds, line: i + 1, ownLine });
  });

  const annotationLines = new Set(found.filter((a) => a.ownLine).map((a) => a.line));
  const annotations = found.map(({ kind, ruleIds, line, ownLine }): Annotation => {
    if (!ownLine) return { kind, ruleIds, line, appliesTo: line };
    let target = line + 1;
    while (annotationLines.has(target)) target++;
    if (target > lines.length || (target === lines.length && lines[target - 1] === '')) {
      throw new VigilError('VIGIL_ERR_RULE_TEST_INVALID', `annotation "${kind}: ${ruleIds.join(', ')}" is followed by no line of code it could apply to`, { file, line });
    }
    return { kind, ruleIds, line, appliesTo: target };
  });
  return { file, annotations };
}

/**
 * Judge each of `ruleIds` against one test target: `reported` are the engine's matches in that
 * target. Throws when an annotation names a rule the rule file lacks or contradicts another.
 */
export function compareRuleTest(annotations: Annotations, reported: readonly RuleMatch[], ruleIds: readonly string[], file: string): RuleCheck[] {
  const known = new Set(ruleIds);
  for (const a of annotations.annotations) {
    for (const id of a.ruleIds) {
      if (!known.has(id)) {
        throw new VigilError('VIGIL_ERR_RULE_TEST_INVALID', `unknown rule id "${id}" in annotation; the rule file defines: ${ruleIds.join(', ')}`, { file, line: a.line });
      }
    }
  }
  return [...known].map((ruleId) => {
    const byKind = new Map<AnnotationKind, Map<number, number>>(ANNOTATION_KINDS.map((k) => [k, new Map()]));
    for (const a of annotations.annotations) {
      if (a.ruleIds.includes(ruleId)) byKind.get(a.kind)!.set(a.appliesTo, a.line);
    }
    const lines = (kind: AnnotationKind) => new Set(byKind.get(kind)!.keys());
    const [ruleid, ok, todoruleid, todook] = ANNOTATION_KINDS.map(lines) as [Set<number>, Set<number>, Set<number>, Set<number>];
    rejectContradictions(byKind, ruleId, file);

    const expected = new Set([...ruleid, ...todook]);
    const reportedSet = new Set(reported.filter((m) => m.ruleId === ruleId).map((m) => m.startLine));
    const missingLines = sorted([...expected].filter((l) => !reportedSet.has(l)));
    const unexpectedLines = sorted([...reportedSet].filter((l) => !expected.has(l)));
    const annotated = ANNOTATION_KINDS.some((k) => byKind.get(k)!.size > 0);
    return {
      ruleId,
      file,
      expectedLines: sorted(expected),
      reportedLines: sorted(reportedSet),
      missingLines,
      unexpectedLines,
      annotated,
      passed: annotated && missingLines.length === 0 && unexpectedLines.length === 0,
      tp: count(ruleid, (l) => reportedSet.has(l)),
      fp: unexpectedLines.length,
      fn: count(ruleid, (l) => !reportedSet.has(l)),
      tn: count(ok, (l) => !reportedSet.has(l)),
      todoruleid: todoruleid.size,
      todook: todook.size,
    };
  });
}

// A line cannot be both one that must be reported (ruleid, todook) and one that must not (ok, todoruleid).
function rejectContradictions(byKind: Map<AnnotationKind, Map<number, number>>, ruleId: string, file: string): void {
  for (const yes of ['ruleid', 'todook'] as const) {
    for (const no of ['ok', 'todoruleid'] as const) {
      for (const [target, line] of byKind.get(yes)!) {
        const other = byKind.get(no)!.get(target);
        if (other === undefined) continue;
        throw new VigilError(
          'VIGIL_ERR_RULE_TEST_INVALID',
          `line ${target} is annotated both "${yes}" (line ${line}) and "${no}" (line ${other}) for rule "${ruleId}"; keep one`,
          { file, line: Math.max(line, other) },
        );
      }
    }
  }
}

/** Judge one case from its evaluation and the text of each target (keyed by target path). */
export function judgeRuleTest(testCase: RuleTestCase, evaluation: RuleTestEvaluation, texts: ReadonlyMap<string, string>): RuleTestResult {
  const base = { ruleFile: testCase.ruleFile, targets: testCase.targets.map((t) => t.path) };
  if (testCase.targets.length === 0) return { ...base, missingTest: true, rules: [], errors: [] };

  // A rule the engine names in a problem exists even if it could not list it: it fails, with the problem shown.
  const ruleIds = [...new Set([...evaluation.ruleIds, ...evaluation.problems.flatMap((p) => (p.ruleId === undefined ? [] : [p.ruleId]))])];
  const errors: string[] = [];
  const ruleProblems = new Map<string, string[]>(ruleIds.map((id) => [id, []]));
  for (const p of evaluation.problems) {
    if (p.ruleId === undefined) errors.push(describeProblem(p));
    else ruleProblems.get(p.ruleId)!.push(describeProblem(p));
  }
  if (ruleIds.length === 0 && errors.length === 0) {
    throw new VigilError('VIGIL_ERR_RULE_TEST_INVALID', 'the rule file defines no rules, so its test target tests nothing', { file: testCase.ruleFile });
  }

  const annotations = testCase.targets.map((t) => {
    const text = texts.get(t.path);
    if (text === undefined) throw new VigilError('VIGIL_ERR_INTERNAL', `no text was read for test target ${t.path}`, { file: t.path });
    return parseAnnotations(text, t.path);
  });
  if (errors.length > 0) {
    // The broken rule file may define rules the engine could not list; rather than call their
    // annotations unknown, judge them too: the file's errors fail them.
    for (const id of annotations.flatMap((a) => a.annotations.flatMap((x) => x.ruleIds))) {
      if (!ruleProblems.has(id)) {
        ruleIds.push(id);
        ruleProblems.set(id, []);
      }
    }
  }
  const known = new Set(ruleIds);

  const byTarget = new Map<string, RuleTestTarget>();
  for (const t of testCase.targets) for (const key of [t.path, t.relPath, path.resolve(t.path)]) byTarget.set(key, t);
  const matchesOf = new Map<RuleTestTarget, RuleMatch[]>(testCase.targets.map((t) => [t, []]));
  for (const m of evaluation.matches) {
    const target = byTarget.get(m.path) ?? byTarget.get(path.resolve(m.path));
    if (!target) errors.push(`the engine reported rule "${m.ruleId}" at ${m.path}:${m.startLine}, which is not a test target of this rule file`);
    else if (!known.has(m.ruleId)) errors.push(`the engine reported rule "${m.ruleId}" at ${m.path}:${m.startLine}, which the rule file does not define`);
    else matchesOf.get(target)!.push(m);
  }

  const checks = testCase.targets.map((t, i) => compareRuleTest(annotations[i]!, matchesOf.get(t)!, ruleIds, t.path));
  const rules = ruleIds.map((ruleId, i): RuleOutcome => {
    const mine = checks.map((perTarget) => perTarget[i]!);
    // A problem of the whole rule file may have kept this rule from running: it cannot pass.
    const problems = [...ruleProblems.get(ruleId)!, ...errors];
    const annotated = mine.some((c) => c.annotated);
    const linesMatch = mine.every((c) => c.missingLines.length === 0 && c.unexpectedLines.length === 0);
    const sum = (key: 'tp' | 'fp' | 'fn' | 'tn' | 'todoruleid' | 'todook') => mine.reduce((n, c) => n + c[key], 0);
    return {
      ruleId,
      passed: annotated && linesMatch && problems.length === 0,
      annotated,
      problems,
      checks: mine,
      tp: sum('tp'),
      fp: sum('fp'),
      fn: sum('fn'),
      tn: sum('tn'),
      todoruleid: sum('todoruleid'),
      todook: sum('todook'),
    };
  });
  return { ...base, missingTest: false, rules, errors };
}

function describeProblem(p: RuleProblem): string {
  if (!p.source) return p.problem;
  const where = [p.source.file, p.source.line, p.source.column].filter((x) => x !== undefined).join(':');
  return `${where}: ${p.problem}`;
}

/** Discover the tests under `input`, evaluate each with `evaluate`, and judge them. */
export async function runRuleTests(input: string, evaluate: RuleTestEvaluator): Promise<RuleTestResult[]> {
  const results: RuleTestResult[] = [];
  for (const testCase of await discoverRuleTests(input)) {
    if (testCase.targets.length === 0) {
      results.push(judgeRuleTest(testCase, { ruleIds: [], matches: [], problems: [] }, new Map()));
      continue;
    }
    const texts = new Map<string, string>();
    for (const t of testCase.targets) texts.set(t.path, await readTarget(t.path));
    results.push(judgeRuleTest(testCase, await evaluate(testCase), texts));
  }
  return results;
}

async function readTarget(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new VigilError('VIGIL_ERR_INPUT_NOT_FOUND', `test target ${file} disappeared while the tests ran`, { file }, { cause: e });
    }
    throw e;
  }
}

/** Confusion totals over every rule of every result. */
export function ruleTestConfusion(results: readonly RuleTestResult[]): RuleTestConfusion {
  const t = { tp: 0, fp: 0, fn: 0, tn: 0, todo: 0 };
  for (const r of results.flatMap((x) => x.rules)) {
    t.tp += r.tp;
    t.fp += r.fp;
    t.fn += r.fn;
    t.tn += r.tn;
    t.todo += r.todoruleid + r.todook;
  }
  return { ...t, precision: ratio(t.tp, t.tp + t.fp), recall: ratio(t.tp, t.tp + t.fn) };
}

/** The human report: one row per rule, the confusion matrix, and `N/M rules passed`. */
export function formatRuleTestTable(results: readonly RuleTestResult[]): string {
  const rows: string[][] = [['STATUS', 'RULE', 'TEST FILE', 'EXPECTED', 'REPORTED', 'DETAILS']];
  for (const result of results) {
    const several = result.targets.length > 1;
    for (const rule of result.rules) {
      const lines = (pick: (c: RuleCheck) => number[]) => lineList(rule.checks, pick, several);
      const details: string[] = [];
      if (!rule.annotated) details.push('no annotations');
      const missing = lines((c) => c.missingLines);
      const unexpected = lines((c) => c.unexpectedLines);
      if (missing !== '-') details.push(`missing lines ${missing}`);
      if (unexpected !== '-') details.push(`unexpected lines ${unexpected}`);
      for (const p of rule.problems) details.push(`problem: ${p}`);
      const todo: string[] = [];
      if (rule.todoruleid > 0) todo.push(`todoruleid ${rule.todoruleid}`);
      if (rule.todook > 0) todo.push(`todook ${rule.todook}`);
      if (todo.length > 0) details.push(todo.join(', '));
      rows.push([
        rule.passed ? 'PASS' : 'FAIL',
        rule.ruleId,
        result.targets.join(', '),
        lines((c) => c.expectedLines),
        lines((c) => c.reportedLines),
        details.join(' / '),
      ]);
    }
  }
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  const out = rows.map((r) => r.map((cell, col) => cell.padEnd(widths[col]!)).join('  ').trimEnd());

  const missingTests = results.filter((r) => r.missingTest);
  const withErrors = results.filter((r) => r.errors.length > 0);
  if (missingTests.length + withErrors.length > 0) out.push('');
  for (const r of missingTests) out.push(`missing test: ${r.ruleFile} has no test file beside it`);
  for (const r of withErrors) for (const e of r.errors) out.push(`error: ${r.ruleFile}: ${e}`);

  const c = ruleTestConfusion(results);
  const cells = [`TP ${c.tp}`, `FN ${c.fn}`, `FP ${c.fp}`, `TN ${c.tn}`];
  const cellWidth = Math.max(...cells.map((x) => x.length), 'reported'.length);
  out.push(
    '',
    'confusion matrix (annotated lines)',
    `${''.padEnd(12)}  ${'reported'.padEnd(cellWidth)}  not reported`,
    `${'ruleid'.padEnd(12)}  ${cells[0]!.padEnd(cellWidth)}  ${cells[1]}`,
    `${'not expected'.padEnd(12)}  ${cells[2]!.padEnd(cellWidth)}  ${cells[3]}`,
    `precision ${percent(c.precision)}, recall ${percent(c.recall)}, todo annotations ${c.todo}`,
    '',
    summaryLine(results),
  );
  return `${out.join('\n')}\n`;
}

function summaryLine(results: readonly RuleTestResult[]): string {
  const rules = results.flatMap((r) => r.rules);
  const parts = [`${rules.filter((r) => r.passed).length}/${rules.length} rules passed`];
  const errors = results.filter((r) => r.errors.length > 0).length;
  const missing = results.filter((r) => r.missingTest).length;
  if (errors > 0) parts.push(`${errors} rule ${errors === 1 ? 'file' : 'files'} with errors`);
  if (missing > 0) parts.push(`${missing} rule ${missing === 1 ? 'file' : 'files'} without a test`);
  return parts.join('; ');
}

/** Lines as `3,7`; with several targets, each target's lines after its file name: `foo.js:3,7 foo.py:2`. */
function lineList(checks: readonly RuleCheck[], pick: (c: RuleCheck) => number[], several: boolean): string {
  const parts = checks
    .filter((c) => pick(c).length > 0)
    .map((c) => (several ? `${path.basename(c.file)}:${pick(c).join(',')}` : pick(c).join(',')));
  return parts.length === 0 ? '-' : parts.join(' ');
}

/** semgrep's `--test --json` object, plus vigil's `confusion` totals. */
export interface RuleTestJson {
  config_missing_tests: string[];
  /** vigil runs no autofix tests yet, so this is always empty. */
  config_missing_fixtests: string[];
  config_with_errors: { file: string; reason: 'UnparsableRule'; problems: string[] }[];
  results: Record<string, { checks: Record<string, RuleTestJsonCheck> }>;
  /** vigil runs no autofix tests yet, so this is always empty. */
  fixtest_results: Record<string, { passed: boolean }>;
  confusion: RuleTestConfusion;
}

export interface RuleTestJsonCheck {
  passed: boolean;
  matches: Record<string, { expected_lines: number[]; reported_lines: number[] }>;
  errors: string[];
}

/** The machine report, shaped like `semgrep --test --json`. */
export function ruleTestJson(results: readonly RuleTestResult[]): RuleTestJson {
  const json: RuleTestJson = {
    config_missing_tests: results.filter((r) => r.missingTest).map((r) => r.ruleFile),
    config_missing_fixtests: [],
    config_with_errors: results
      .filter((r) => r.errors.length > 0)
      .map((r) => ({ file: r.ruleFile, reason: 'UnparsableRule' as const, problems: [...r.errors] })),
    results: {},
    fixtest_results: {},
    confusion: ruleTestConfusion(results),
  };
  for (const r of results) {
    if (r.rules.length === 0) continue;
    // Null-prototype records: a rule id or path is data and must not reach Object.prototype.
    const checks: Record<string, RuleTestJsonCheck> = Object.create(null) as Record<string, RuleTestJsonCheck>;
    for (const rule of r.rules) {
      const matches: RuleTestJsonCheck['matches'] = Object.create(null) as RuleTestJsonCheck['matches'];
      for (const c of rule.checks) matches[c.file] = { expected_lines: c.expectedLines, reported_lines: c.reportedLines };
      checks[rule.ruleId] = { passed: rule.passed, matches, errors: [...rule.problems] };
    }
    json.results[r.ruleFile] = { checks };
  }
  return json;
}

/** 0 when every rule passed and no rule file had errors, 1 otherwise. A rule file without a test is not a failure (as in semgrep). */
export function ruleTestExitCode(results: readonly RuleTestResult[]): 0 | 1 {
  return results.every((r) => r.errors.length === 0 && r.rules.every((rule) => rule.passed)) ? 0 : 1;
}

function sorted(lines: Iterable<number>): number[] {
  return [...lines].sort((a, b) => a - b);
}

function count(lines: Set<number>, keep: (line: number) => boolean): number {
  return [...lines].filter(keep).length;
}

function ratio(n: number, d: number): number | null {
  return d === 0 ? null : n / d;
}

function percent(x: number | null): string {
  return x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`;
}

// Code-unit order, not locale order: the same on every machine.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
