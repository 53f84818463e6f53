/**
 * Semgrep-format rule files: YAML → checked `CodeRule`s. Every problem names the rule id, the
 * file and the line. A YAML error fails the whole file (VIGIL_ERR_RULE_PARSE); a bad rule fails
 * only itself (VIGIL_ERR_RULE_INVALID), so a scan reports it and runs the others.
 */
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parseYamlSource, type YamlLocator } from '../../../src/config/yaml-source.js';
import { VigilError } from '../../../src/errors.js';
import { readTextInput } from '../../../src/util/read-input.js';
import type { CodeLanguage, RuleSeverity, RuleSource } from '../types.js';
import { pathFilter } from '../files.js';
import { grammarsFor, TEXT_LANGUAGES } from './grammar.js';
import { ANALYZERS, type Analyzer } from './analysis.js';
import { compileGeneric } from './generic.js';
import { adoptCompiledPatterns, compiledPattern, PatternError, recordingPatterns } from './pattern.js';
import { readCachedRuleFile, writeCachedRuleFile } from './rule-cache.js';

type Where = RuleSource;

export type Formula =
  | { op: 'pattern'; source: string; where: Where }
  | { op: 'regex'; regex: RegExp; source: string; where: Where }
  | { op: 'either'; items: Formula[]; where: Where }
  | {
      op: 'all';
      positives: Formula[];
      insides: Formula[];
      negatives: Formula[];
      notInsides: Formula[];
      notRegexes: Formula[];
      conditions: Condition[];
      focus: string[];
      where: Where;
    };

export type Condition =
  | { op: 'metavariable-regex'; name: string; regex: RegExp; where: Where }
  | { op: 'metavariable-pattern'; name: string; formula: Formula; language?: CodeLanguage; text?: true; where: Where }
  | { op: 'metavariable-comparison'; comparison: string; where: Where }
  | { op: 'metavariable-analysis'; name: string; analyzer: Analyzer; where: Where };

export interface TaintSpec {
  sources: Formula[];
  sinks: Formula[];
  sanitizers: Formula[];
  propagators: { formula: Formula; from: string; to: string; label?: string; requires?: LabelExpr; replaceLabels?: string[] }[];
  /** Per source, in order: its label (default `__SOURCE__`), what it requires, whether it taints by side effect. */
  sourceOptions?: TaintItemOptions[];
  /** Per sink: what labels the data must carry (default `__SOURCE__`). */
  sinkOptions?: TaintItemOptions[];
  /** Per sanitizer: whether it cleans by side effect. */
  sanitizerOptions?: TaintItemOptions[];
}

/** Semgrep's taint-item options. */
export interface TaintItemOptions {
  label?: string;
  requires?: LabelExpr;
  bySideEffect?: boolean;
  /**
   * A sink's `exact`: false, tainted data anywhere inside the match counts; true (Semgrep's
   * default), a sink written without focus-metavariable that matches a call is reached through
   * its arguments, any other through the match.
   */
  exact?: boolean;
}

/** A `requires:` expression over taint labels: `A`, `A and not B`, `(A or B) and C`. */
export type LabelExpr = { op: 'label'; name: string } | { op: 'not'; e: LabelExpr } | { op: 'and' | 'or'; a: LabelExpr; b: LabelExpr };

/** The label of a source that names none, and what a sink without `requires` requires. */
export const DEFAULT_LABEL = '__SOURCE__';

/** Parse a `requires:` expression; throws a message naming what is wrong. */
export function parseLabelExpr(text: string): LabelExpr {
  const tokens = text.match(/[A-Za-z_][A-Za-z0-9_]*|[()]|\S/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const or = (): LabelExpr => {
    let a = and();
    while (peek() === 'or') {
      i++;
      a = { op: 'or', a, b: and() };
    }
    return a;
  };
  const and = (): LabelExpr => {
    let a = not();
    while (peek() === 'and') {
      i++;
      a = { op: 'and', a, b: not() };
    }
    return a;
  };
  const not = (): LabelExpr => {
    const t = tokens[i++];
    if (t === 'not') return { op: 'not', e: not() };
    if (t === '(') {
      const e = or();
      if (tokens[i++] !== ')') throw new Error(`"${text}": a "(" is not closed`);
      return e;
    }
    if (t === undefined || !/^[A-Za-z_]\w*$/.test(t) || t === 'and' || t === 'or') throw new Error(`"${text}": expected a label${t === undefined ? ' at the end' : ` where "${t}" stands`}`);
    return { op: 'label', name: t };
  };
  const e = or();
  if (i !== tokens.length) throw new Error(`"${text}": unexpected "${tokens[i]}"`);
  return e;
}

/** Whether data carrying these labels satisfies the expression. */
export function labelsSatisfy(e: LabelExpr, labels: ReadonlySet<string>): boolean {
  switch (e.op) {
    case 'label':
      return labels.has(e.name);
    case 'not':
      return !labelsSatisfy(e.e, labels);
    case 'and':
      return labelsSatisfy(e.a, labels) && labelsSatisfy(e.b, labels);
    case 'or':
      return labelsSatisfy(e.a, labels) || labelsSatisfy(e.b, labels);
  }
}

/** A checked rule. */
export interface CodeRule {
  id: string;
  message: string;
  severity: RuleSeverity;
  /** As the rule spells them. */
  languages: string[];
  /** The grammars it runs on; empty for text-only (`generic`/`regex`) rules. */
  grammars: CodeLanguage[];
  metadata: Record<string, unknown>;
  paths?: { include?: string[]; exclude?: string[] };
  fix?: string;
  mode: 'search' | 'taint';
  /** Semgrep `options:` the embedded engine does not apply (noted by the scan, never dropped silently). */
  unappliedOptions?: string[];
  formula?: Formula;
  taint?: TaintSpec;
  source: Where;
}

/** What loading gives: the good rules and one VigilError per bad one. */
export interface LoadedRules {
  rules: CodeRule[];
  problems: VigilError[];
}

const SEVERITIES = new Set<RuleSeverity>(['ERROR', 'WARNING', 'INFO', 'INVENTORY', 'EXPERIMENT', 'CRITICAL', 'HIGH', 'MEDIUM', 'LOW']);
const RULE_KEYS = new Set([
  'id', 'message', 'severity', 'languages', 'metadata', 'paths', 'fix', 'fix-regex', 'mode', 'options', 'min-version', 'max-version',
  'pattern', 'patterns', 'pattern-either', 'pattern-regex',
  'pattern-sources', 'pattern-sinks', 'pattern-sanitizers', 'pattern-propagators',
]);
const FORMULA_KEYS = ['pattern', 'patterns', 'pattern-either', 'pattern-regex'] as const;
const PATTERNS_ITEM_KEYS = new Set([
  'pattern', 'patterns', 'pattern-either', 'pattern-regex', 'pattern-not', 'pattern-not-regex', 'pattern-inside', 'pattern-not-inside',
  'metavariable-regex', 'metavariable-pattern', 'metavariable-comparison', 'metavariable-analysis', 'focus-metavariable',
]);
/** Keys Semgrep allows on taint sources/sinks/sanitizers that vigil reads as plain patterns. */
const TAINT_ITEM_EXTRA = new Set(['exact', 'by-side-effect', 'not-conflicting']);

/** Read rule files: files, or folders searched for `*.yaml`/`*.yml` (annotated examples beside them are not rules). */
export async function loadRuleFiles(paths: readonly string[]): Promise<LoadedRules> {
  const out: LoadedRules = { rules: [], problems: [] };
  const ids = new Map<string, Where>();
  const files = await ruleFilesUnder(paths);
  // read side by side (a pack is a hundred small files; one at a time, the reads are most of the wait), parsed in order
  const texts = await Promise.all(files.map((file) => readTextInput(file, 16 * 1024 * 1024)));
  // a file read and checked by an earlier run with the same engine comes back from the rule cache
  const cached = await Promise.all(files.map((file, i) => readCachedRuleFile(file, texts[i]!)));
  const writes: Promise<void>[] = [];
  for (const [i, file] of files.entries()) {
    const text = texts[i]!;
    let loaded: LoadedRules;
    const hit = cached[i];
    if (hit) {
      adoptCompiledPatterns(hit.patterns);
      loaded = { rules: hit.rules, problems: [] };
    } else {
      try {
        const { value, patterns } = recordingPatterns(() => parseRuleFile(text, file));
        loaded = value;
        if (loaded.problems.length === 0) writes.push(writeCachedRuleFile(file, text, { rules: loaded.rules, patterns }));
      } catch (e) {
        // one broken file costs its own rules, not the others'
        if (!(e instanceof VigilError)) throw e;
        out.problems.push(e);
        continue;
      }
    }
    for (const r of loaded.rules) {
      const seen = ids.get(r.id);
      if (seen) {
        out.problems.push(new VigilError('VIGIL_ERR_RULE_INVALID', `rule id "${r.id}" is also defined at ${seen.file}:${seen.line}`, r.source));
        continue;
      }
      ids.set(r.id, r.source);
      out.rules.push(r);
    }
    out.problems.push(...loaded.problems);
  }
  await Promise.all(writes);
  return out;
}

/** Rule files under the given paths, sorted; a path that does not exist is VIGIL_ERR_INPUT_NOT_FOUND. */
export async function ruleFilesUnder(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  // folders are read side by side; each returns its files in name order, so the result is sorted
  const walk = async (dir: string): Promise<string[]> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    const parts = await Promise.all(
      entries.map(async (e) => {
        if (e.name.startsWith('.') || e.name === 'node_modules') return [];
        const p = join(dir, e.name);
        if (e.isDirectory()) return walk(p);
        return e.isFile() && isRuleFileName(e.name) ? [p] : [];
      }),
    );
    return parts.flat();
  };
  for (const p of paths) {
    let s;
    try {
      s = await stat(p);
    } catch {
      throw new VigilError('VIGIL_ERR_INPUT_NOT_FOUND', 'no such rule file or folder', { file: p });
    }
    if (s.isDirectory()) files.push(...(await walk(p)));
    else files.push(p);
  }
  return files;
}

export function isRuleFileName(name: string): boolean {
  const ext = extname(name);
  return (ext === '.yaml' || ext === '.yml') && !name.includes('.fixed.');
}

/** Parse one rule file's text. A YAML error throws; each bad rule becomes a problem. */
export function parseRuleFile(text: string, file: string): LoadedRules {
  const { value, locator } = parseYamlSource(text, file, { parse: 'VIGIL_ERR_RULE_PARSE', invalid: 'VIGIL_ERR_RULE_INVALID' });
  const at = (path: (string | number)[]): Where => {
    const p = locator.locate(path);
    return { file, line: p.line, column: p.column };
  };
  if (typeof value !== 'object' || value === null || !Array.isArray((value as Record<string, unknown>)['rules'])) {
    throw new VigilError('VIGIL_ERR_RULE_INVALID', 'a rule file is a mapping with a `rules:` list', at([]));
  }
  const list = (value as { rules: unknown[] }).rules;
  const out: LoadedRules = { rules: [], problems: [] };
  list.forEach((raw, i) => {
    try {
      out.rules.push(parseRule(raw, ['rules', i], file, locator));
    } catch (e) {
      if (e instanceof VigilError) out.problems.push(e);
      else throw e;
    }
  });
  return out;
}

type Obj = Record<string, unknown>;

class RuleReader {
  constructor(
    readonly id: string,
    readonly file: string,
    readonly locator: YamlLocator,
    readonly grammars: CodeLanguage[],
  ) {}

  where(path: (string | number)[]): Where {
    const p = this.locator.locate(path);
    return { file: this.file, line: p.line, column: p.column };
  }

  fail(path: (string | number)[], problem: string): never {
    throw new VigilError('VIGIL_ERR_RULE_INVALID', `rule ${this.id}: ${problem}`, this.where(path));
  }

  /** A formula from a mapping holding one formula key (`pattern`, `patterns`, `pattern-either`, `pattern-regex`). */
  formula(obj: Obj, path: (string | number)[], allowed: ReadonlySet<string> = new Set(FORMULA_KEYS), extra: ReadonlySet<string> = new Set()): Formula {
    const keys = Object.keys(obj).filter((k) => !extra.has(k));
    const unknown = keys.find((k) => !allowed.has(k) && !PATTERNS_ITEM_KEYS.has(k));
    if (unknown) this.fail([...path, unknown], `unknown operator "${unknown}"${suggest(unknown, [...allowed])}`);
    const present = keys.filter((k) => allowed.has(k));
    if (present.length !== 1) {
      this.fail(path, present.length === 0 ? `expected one of ${[...allowed].join(', ')}` : `one operator per item, found ${present.join(' and ')}`);
    }
    const key = present[0]!;
    return this.operator(key, obj[key], [...path, key]);
  }

  operator(key: string, value: unknown, path: (string | number)[]): Formula {
    switch (key) {
      case 'pattern':
        return this.pattern(value, path);
      case 'pattern-regex':
        return { op: 'regex', regex: this.regex(value, path), source: String(value), where: this.where(path) };
      case 'pattern-either': {
        if (!Array.isArray(value) || value.length === 0) this.fail(path, 'pattern-either takes a non-empty list');
        return { op: 'either', items: (value as unknown[]).map((v, i) => this.item(v, [...path, i], true)), where: this.where(path) };
      }
      case 'patterns':
        return this.patterns(value, path);
      default:
        return this.fail(path, `"${key}" cannot stand here; put it inside \`patterns\``);
    }
  }

  /** An item of `pattern-either` (a formula) or of `patterns` (a formula or a modifier). */
  item(v: unknown, path: (string | number)[], inEither: boolean): Formula {
    if (typeof v === 'string' && inEither) return this.pattern(v, path);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, 'expected a mapping such as `pattern: …`');
    const obj = v as Obj;
    if (inEither) {
      const allowed = new Set<string>([...FORMULA_KEYS, 'pattern-inside']);
      const keys = Object.keys(obj);
      if (keys.length === 1 && keys[0] === 'pattern-inside') return this.patterns([obj], path);
      return this.formula(obj, path, allowed);
    }
    return this.formula(obj, path);
  }

  pattern(value: unknown, path: (string | number)[]): Formula {
    if (typeof value !== 'string' || !value.trim()) this.fail(path, 'a pattern is a non-empty string of code');
    const source = value as string;
    // valid when some grammar of the rule reads it: a JSX pattern in a `typescript` rule parses for .tsx only
    let firstError: PatternError | undefined;
    let parsed = false;
    for (const g of this.grammars) {
      try {
        // through the cache: the evaluator (or the worker threads, which are handed the cache) need it compiled anyway
        compiledPattern(source, g);
        parsed = true;
        break;
      } catch (e) {
        if (!(e instanceof PatternError)) throw e;
        firstError ??= e;
      }
    }
    if (!parsed && firstError) this.fail(path, `invalid pattern "${oneLine(source)}": ${firstError.message}`);
    if (this.grammars.length === 0) {
      // a generic-mode pattern
      try {
        compileGeneric(source);
      } catch (e) {
        this.fail(path, `invalid generic pattern "${oneLine(source)}": ${(e as Error).message}`);
      }
    }
    return { op: 'pattern', source, where: this.where(path) };
  }

  patterns(value: unknown, path: (string | number)[]): Formula {
    if (!Array.isArray(value) || value.length === 0) this.fail(path, 'patterns takes a non-empty list');
    const f: Extract<Formula, { op: 'all' }> = { op: 'all', positives: [], insides: [], negatives: [], notInsides: [], notRegexes: [], conditions: [], focus: [], where: this.where(path) };
    (value as unknown[]).forEach((v, i) => {
      const p = [...path, i];
      if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(p, 'each item of patterns is a mapping such as `pattern: …`');
      const obj = v as Obj;
      const keys = Object.keys(obj);
      if (keys.length !== 1) this.fail(p, keys.length === 0 ? 'an empty item' : `one operator per item, found ${keys.join(' and ')}`);
      const key = keys[0]!;
      const val = obj[key];
      const kp = [...p, key];
      switch (key) {
        case 'pattern':
        case 'patterns':
        case 'pattern-either':
        case 'pattern-regex':
          f.positives.push(this.operator(key, val, kp));
          break;
        case 'pattern-inside':
          f.insides.push(this.nested(val, kp));
          break;
        case 'pattern-not':
          f.negatives.push(this.nested(val, kp));
          break;
        case 'pattern-not-inside':
          f.notInsides.push(this.nested(val, kp));
          break;
        case 'pattern-not-regex':
          f.notRegexes.push({ op: 'regex', regex: this.regex(val, kp), source: String(val), where: this.where(kp) });
          break;
        case 'metavariable-regex':
          f.conditions.push(this.metavariableRegex(val, kp));
          break;
        case 'metavariable-pattern':
          f.conditions.push(this.metavariablePattern(val, kp));
          break;
        case 'metavariable-comparison':
          f.conditions.push(this.metavariableComparison(val, kp));
          break;
        case 'metavariable-analysis':
          f.conditions.push(this.metavariableAnalysis(val, kp));
          break;
        case 'focus-metavariable': {
          const names = Array.isArray(val) ? val : [val];
          for (const n of names) f.focus.push(this.metavariableName(n, kp));
          break;
        }
        default:
          this.fail(kp, `unknown operator "${key}"${suggest(key, [...PATTERNS_ITEM_KEYS])}`);
      }
    });
    if (f.positives.length === 0 && f.insides.length === 0) this.fail(path, 'patterns needs at least one positive pattern (pattern, pattern-either, pattern-regex or pattern-inside)');
    return f;
  }

  /** `pattern-not: code` or `pattern-not: { patterns: … }`. */
  nested(val: unknown, path: (string | number)[]): Formula {
    if (typeof val === 'string') return this.pattern(val, path);
    if (typeof val === 'object' && val !== null && !Array.isArray(val)) return this.formula(val as Obj, path);
    return this.fail(path, 'expected a pattern or a mapping such as `patterns: …`');
  }

  labelExpr(v: unknown, path: (string | number)[]): LabelExpr {
    if (typeof v !== 'string' || !v.trim()) this.fail(path, '`requires` is an expression over labels such as `A and not B`');
    try {
      return parseLabelExpr(v as string);
    } catch (e) {
      return this.fail(path, `bad requires expression ${(e as Error).message}`);
    }
  }

  metavariableName(v: unknown, path: (string | number)[]): string {
    if (typeof v !== 'string' || !/^\$(\.\.\.)?[A-Z_][A-Z0-9_]*$/.test(v)) this.fail(path, `"${String(v)}" is not a metavariable ($X, $NAME, $...ARGS)`);
    return (v as string).replace('$...', '$');
  }

  metavariableRegex(val: unknown, path: (string | number)[]): Condition {
    const o = this.mapping(val, path, ['metavariable', 'regex'], ['constant-propagation']);
    return { op: 'metavariable-regex', name: this.metavariableName(o['metavariable'], [...path, 'metavariable']), regex: this.regex(o['regex'], [...path, 'regex'], true), where: this.where(path) };
  }

  metavariablePattern(val: unknown, path: (string | number)[]): Condition {
    const o = this.mapping(val, path, ['metavariable'], ['language', ...FORMULA_KEYS]);
    const name = this.metavariableName(o['metavariable'], [...path, 'metavariable']);
    let language: CodeLanguage | undefined;
    let reader: RuleReader = this;
    if (o['language'] !== undefined) {
      const g = typeof o['language'] === 'string' ? grammarsFor(o['language']) : undefined;
      if (!g && !(typeof o['language'] === 'string' && TEXT_LANGUAGES.has(o['language']))) this.fail([...path, 'language'], `unknown language "${String(o['language'])}"`);
      language = g?.[0];
      reader = new RuleReader(this.id, this.file, this.locator, g ? [g[0]!] : []);
    }
    const rest: Obj = {};
    for (const k of FORMULA_KEYS) if (o[k] !== undefined) rest[k] = o[k];
    const formula = reader.formula(rest, path);
    // `language: generic` (or regex): the value is read as text, in generic mode
    const text = o['language'] !== undefined && !language;
    return { op: 'metavariable-pattern', name, formula, ...(language ? { language } : {}), ...(text ? { text: true as const } : {}), where: this.where(path) };
  }

  metavariableAnalysis(val: unknown, path: (string | number)[]): Condition {
    const o = this.mapping(val, path, ['metavariable', 'analyzer'], ['options']);
    const analyzer = o['analyzer'];
    if (typeof analyzer !== 'string' || !(ANALYZERS as readonly string[]).includes(analyzer)) {
      this.fail([...path, 'analyzer'], `unknown analyzer "${String(analyzer)}" (Semgrep's are ${ANALYZERS.join(' and ')})`);
    }
    return { op: 'metavariable-analysis', name: this.metavariableName(o['metavariable'], [...path, 'metavariable']), analyzer: analyzer as Analyzer, where: this.where(path) };
  }

  metavariableComparison(val: unknown, path: (string | number)[]): Condition {
    const o = this.mapping(val, path, ['comparison'], ['metavariable', 'strip', 'base']);
    if (typeof o['comparison'] !== 'string') this.fail([...path, 'comparison'], 'comparison is an expression such as `$X > 1024`');
    const comparison = o['comparison'] as string;
    const problem = comparisonProblem(comparison);
    if (problem) this.fail([...path, 'comparison'], problem);
    return { op: 'metavariable-comparison', comparison, where: this.where(path) };
  }

  mapping(val: unknown, path: (string | number)[], required: string[], optional: string[]): Obj {
    if (typeof val !== 'object' || val === null || Array.isArray(val)) this.fail(path, `expected a mapping with ${required.join(', ')}`);
    const o = val as Obj;
    for (const k of required) if (o[k] === undefined) this.fail(path, `missing "${k}"`);
    for (const k of Object.keys(o)) if (!required.includes(k) && !optional.includes(k)) this.fail([...path, k], `unknown key "${k}"${suggest(k, [...required, ...optional])}`);
    return o;
  }

  /** A Semgrep (PCRE/Python) regex as a JavaScript RegExp; `anchored` for metavariable-regex (matches from the start). */
  regex(v: unknown, path: (string | number)[], anchored = false): RegExp {
    if (typeof v !== 'string') this.fail(path, 'a regex is a string');
    try {
      return toJsRegex(v as string, anchored);
    } catch (e) {
      return this.fail(path, `bad regex ${JSON.stringify(v)}: ${e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : String(e)}`);
    }
  }
}

function parseRule(raw: unknown, path: (string | number)[], file: string, locator: YamlLocator): CodeRule {
  const where0 = locator.locate(path);
  const fail0 = (problem: string, at = path): never => {
    const p = locator.locate(at);
    throw new VigilError('VIGIL_ERR_RULE_INVALID', problem, { file, line: p.line, column: p.column });
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail0('each rule is a mapping with id, message, severity, languages and a pattern');
  const r = raw as Obj;
  const id = r['id'];
  if (typeof id !== 'string' || !id.trim()) fail0('a rule needs an `id`');
  const idText = id as string;
  const bad = (problem: string, key?: string): never => fail0(`rule ${idText}: ${problem}`, key ? [...path, key] : path);
  for (const k of Object.keys(r)) if (!RULE_KEYS.has(k)) bad(`unknown key "${k}"${suggest(k, [...RULE_KEYS])}`, k);
  if (typeof r['message'] !== 'string' || !r['message'].trim()) bad('needs a `message`', 'message');
  const severity = String(r['severity'] ?? '').toUpperCase() as RuleSeverity;
  if (!SEVERITIES.has(severity)) bad(`severity "${String(r['severity'] ?? '')}" is not one of ${[...SEVERITIES].join(', ')}`, 'severity');
  const languages = r['languages'];
  if (!Array.isArray(languages) || languages.length === 0 || languages.some((l) => typeof l !== 'string')) bad('`languages` is a list such as [javascript, typescript]', 'languages');
  const grammars: CodeLanguage[] = [];
  /** Languages Semgrep reads and the embedded engine does not: the rule runs for the others, and says so. */
  const unread: string[] = [];
  let textLanguage = false;
  for (const l of languages as string[]) {
    const g = grammarsFor(l);
    if (g) {
      for (const x of g) if (!grammars.includes(x)) grammars.push(x);
    } else if (TEXT_LANGUAGES.has(l.toLowerCase())) textLanguage = true;
    else if (OTHER_SEMGREP_LANGUAGES.has(l.toLowerCase())) unread.push(l);
    else bad(`language "${l}" is not one vigil's engine reads (javascript, typescript, python, go, java, generic, regex)`, 'languages');
  }
  const metadata = r['metadata'] ?? {};
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) bad('`metadata` is a mapping', 'metadata');
  const paths = readPaths(r['paths'], bad);
  if (r['fix'] !== undefined && typeof r['fix'] !== 'string') bad('`fix` is a string', 'fix');
  const mode = r['mode'] ?? 'search';
  if (mode !== 'search' && mode !== 'taint') bad(`mode "${String(mode)}" is not supported (search or taint)`, 'mode');

  // patterns compile for the grammars that will run them; generic rules are regex-only
  const reader = new RuleReader(idText, file, locator, grammars);
  if (unread.length && grammars.length === 0 && !textLanguage) {
    bad(`the embedded engine reads none of this rule's languages (${unread.join(', ')}); run it with --engine semgrep`, 'languages');
  }
  const unapplied = unappliedOptions(r['options'], bad);
  if (unread.length) unapplied.push(`languages ${unread.join(', ')} (the rule runs for the others)`);
  const base: CodeRule = {
    id: idText,
    message: (r['message'] as string).trim(),
    severity,
    languages: languages as string[],
    grammars,
    metadata: metadata as Record<string, unknown>,
    ...(paths ? { paths } : {}),
    ...(typeof r['fix'] === 'string' ? { fix: r['fix'] } : {}),
    mode: mode as 'search' | 'taint',
    source: { file, line: where0.line, column: where0.column },
    ...(unapplied.length ? { unappliedOptions: unapplied } : {}),
  };
  if (mode === 'taint') {
    for (const k of FORMULA_KEYS) if (r[k] !== undefined) bad(`"${k}" has no place in a taint rule; use pattern-sources and pattern-sinks`, k);
    const options = new Map<string, TaintItemOptions[]>();
    const list = (key: string, required: boolean): Formula[] => {
      const v = r[key];
      const opts: TaintItemOptions[] = [];
      options.set(key, opts);
      if (v === undefined) {
        if (required) bad(`a taint rule needs \`${key}\``);
        return [];
      }
      if (!Array.isArray(v) || v.length === 0) bad(`\`${key}\` is a non-empty list`, key);
      return (v as unknown[]).map((item, i) => {
        if (typeof item !== 'object' || item === null || Array.isArray(item)) bad(`each item of ${key} is a mapping such as \`pattern: …\``, key);
        const o = item as Obj;
        const p = [...path, key, i];
        const opt: TaintItemOptions = {};
        if (o['label'] !== undefined) {
          if (key !== 'pattern-sources') reader.fail([...p, 'label'], `\`label\` belongs to sources and propagators, not ${key}`);
          if (typeof o['label'] !== 'string' || !/^[A-Za-z_]\w*$/.test(o['label'])) reader.fail([...p, 'label'], 'a label is a name such as TAINTED or USER_INPUT');
          opt.label = o['label'] as string;
        }
        if (o['requires'] !== undefined) {
          if (key === 'pattern-sanitizers') reader.fail([...p, 'requires'], '`requires` belongs to sources, sinks and propagators');
          opt.requires = reader.labelExpr(o['requires'], [...p, 'requires']);
        }
        if (o['by-side-effect'] !== undefined) {
          const b = o['by-side-effect'];
          if (b !== true && b !== false && b !== 'only') reader.fail([...p, 'by-side-effect'], '`by-side-effect` is true, false or only');
          if (key === 'pattern-sinks') reader.fail([...p, 'by-side-effect'], '`by-side-effect` belongs to sources and sanitizers');
          opt.bySideEffect = b !== false;
        }
        if (o['exact'] !== undefined) {
          if (typeof o['exact'] !== 'boolean') reader.fail([...p, 'exact'], '`exact` is true or false');
          opt.exact = o['exact'] as boolean;
        }
        opts.push(opt);
        const rest: Obj = { ...o };
        for (const k of ['label', 'requires']) delete rest[k];
        return reader.formula(rest, p, new Set(FORMULA_KEYS), TAINT_ITEM_EXTRA);
      });
    };
    const propagators = ((): TaintSpec['propagators'] => {
      const v = r['pattern-propagators'];
      if (v === undefined) return [];
      if (!Array.isArray(v)) bad('`pattern-propagators` is a list', 'pattern-propagators');
      return (v as unknown[]).map((item, i) => {
        const p = [...path, 'pattern-propagators', i];
        const o = reader.mapping(item, p, ['from', 'to'], [...FORMULA_KEYS, 'replace-labels', 'label', 'requires', 'by-side-effect']);
        const rest: Obj = {};
        for (const k of FORMULA_KEYS) if (o[k] !== undefined) rest[k] = o[k];
        const extra: Pick<TaintSpec['propagators'][number], 'label' | 'requires' | 'replaceLabels'> = {};
        if (o['label'] !== undefined) {
          if (typeof o['label'] !== 'string' || !/^[A-Za-z_]\w*$/.test(o['label'])) reader.fail([...p, 'label'], 'a label is a name such as TAINTED');
          extra.label = o['label'] as string;
        }
        if (o['requires'] !== undefined) extra.requires = reader.labelExpr(o['requires'], [...p, 'requires']);
        if (o['replace-labels'] !== undefined) {
          const rl = o['replace-labels'];
          if (!Array.isArray(rl) || !rl.every((x) => typeof x === 'string')) reader.fail([...p, 'replace-labels'], '`replace-labels` is a list of labels');
          if (extra.label === undefined) reader.fail([...p, 'replace-labels'], '`replace-labels` needs a `label` to replace them with');
          extra.replaceLabels = rl as string[];
        }
        if (o['by-side-effect'] !== undefined && typeof o['by-side-effect'] !== 'boolean') reader.fail([...p, 'by-side-effect'], '`by-side-effect` is true or false');
        return { formula: reader.formula(rest, p), from: reader.metavariableName(o['from'], [...p, 'from']), to: reader.metavariableName(o['to'], [...p, 'to']), ...extra };
      });
    })();
    const sources = list('pattern-sources', true);
    const sinks = list('pattern-sinks', true);
    const sanitizers = list('pattern-sanitizers', false);
    return {
      ...base,
      ...(unapplied.length ? { unappliedOptions: unapplied } : {}),
      taint: {
        sources,
        sinks,
        sanitizers,
        propagators,
        sourceOptions: options.get('pattern-sources')!,
        sinkOptions: options.get('pattern-sinks')!,
        sanitizerOptions: options.get('pattern-sanitizers')!,
      },
    };
  }
  for (const k of ['pattern-sources', 'pattern-sinks', 'pattern-sanitizers', 'pattern-propagators']) {
    if (r[k] !== undefined) bad(`"${k}" needs \`mode: taint\``, k);
  }
  const present = FORMULA_KEYS.filter((k) => r[k] !== undefined);
  if (present.length !== 1) bad(present.length === 0 ? 'needs one of pattern, patterns, pattern-either or pattern-regex' : `has both ${present.join(' and ')}; use one`);
  if (grammars.length === 0 && present[0] !== 'pattern-regex') {
    // a generic rule: its patterns are read in Semgrep's generic mode (generic.ts)
    const f = reader.operator(present[0]!, r[present[0]!], [...path, present[0]!]);
    return { ...base, formula: f };
  }
  return { ...base, formula: reader.operator(present[0]!, r[present[0]!], [...path, present[0]!]) };
}

/**
 * Semgrep's rule `options:`, checked. The ones whose value is what the embedded engine does
 * anyway are applied by definition (constant propagation on, taint through calls and indexes);
 * any other is listed, and `vigil scan` notes it for the rule.
 */
/** Semgrep's other language names: a rule may list them beside one vigil reads. */
const OTHER_SEMGREP_LANGUAGES = new Set([
  'apex', 'bash', 'sh', 'c', 'cairo', 'circom', 'clojure', 'cpp', 'c++', 'csharp', 'c#', 'dart', 'dockerfile', 'docker', 'elixir', 'ex',
  'hack', 'html', 'json', 'jsonnet', 'julia', 'kotlin', 'kt', 'lisp', 'lua', 'move_on_aptos', 'move_on_sui', 'ocaml', 'php', 'promql',
  'protobuf', 'proto', 'ql', 'r', 'ruby', 'rust', 'scala', 'scheme', 'solidity', 'sol', 'swift', 'terraform', 'hcl', 'vue', 'xml', 'yaml',
]);

const OPTIONS_AS_VIGIL_DOES: Readonly<Record<string, unknown>> = {
  constant_propagation: true,
  symbolic_propagation: false,
  taint_assume_safe_functions: false,
  taint_assume_safe_indexes: false,
  taint_unify_mvars: false,
  generic_ellipsis_max_span: 10,
};

function unappliedOptions(v: unknown, bad: (problem: string, key?: string) => never): string[] {
  if (v === undefined) return [];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad('`options` is a mapping such as `constant_propagation: false`', 'options');
  const out: string[] = [];
  for (const [k, value] of Object.entries(v as Obj)) {
    if (k in OPTIONS_AS_VIGIL_DOES && OPTIONS_AS_VIGIL_DOES[k] === value) continue;
    out.push(`${k}: ${JSON.stringify(value)}`);
  }
  return out;
}

function readPaths(v: unknown, bad: (problem: string, key?: string) => never): CodeRule['paths'] {
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad('`paths` is a mapping with include and/or exclude', 'paths');
  const o = v as Obj;
  const out: { include?: string[]; exclude?: string[] } = {};
  for (const k of Object.keys(o)) {
    if (k !== 'include' && k !== 'exclude') bad(`paths: unknown key "${k}" (include or exclude)`, 'paths');
    const list = o[k];
    if (!Array.isArray(list) || list.some((x) => typeof x !== 'string')) bad(`paths.${k} is a list of globs`, 'paths');
    out[k as 'include' | 'exclude'] = list as string[];
  }
  try {
    pathFilter(out.include, out.exclude);
  } catch (e) {
    bad(`paths: ${e instanceof Error ? e.message : String(e)}`, 'paths');
  }
  return out;
}

/** PCRE/Python regex syntax → JavaScript: named groups, leading inline flags, \A and \Z. */
export function toJsRegex(source: string, anchored: boolean): RegExp {
  let s = source;
  let flags = '';
  const inline = /^\(\?([imsx]+)\)/.exec(s);
  if (inline) {
    s = s.slice(inline[0].length);
    for (const f of inline[1]!) {
      if (f === 'x') throw new Error('the (?x) verbose flag is not supported');
      if (!flags.includes(f)) flags += f;
    }
  }
  s = midPatternFlags(s);
  s = s.replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>').replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>').replace(/\\A/g, '^').replace(/\\Z/g, '$');
  if (anchored) s = `^(?:${s})`;
  // pattern-regex runs over the whole file in multiline mode; metavariable-regex is Python's re.match
  const set = new Set(flags);
  if (!anchored) {
    set.add('g');
    set.add('m');
  }
  return new RegExp(s, [...set].join(''));
}

/**
 * PCRE2 and Python let a flag group stand mid-pattern (`.*\b(?i)(select|delete)`), where it
 * applies to the rest of its enclosing group; JavaScript (before V8's `(?i:…)`) does not. Each is
 * translated exactly for what follows it: `(?i)` writes every ASCII letter there in both cases
 * (`s` → `[sS]`, `[a-f]` → `[a-fA-F]`), `(?s)` makes `.` there `[\s\S]`, and `(?m)` is the flag
 * pattern-regex always has. Others (`(?x)`, `(?m)` in a metavariable-regex) are refused.
 */
export function midPatternFlags(source: string): string {
  if (!/\(\?[imsx-]+\)/.test(source)) return source;
  let out = '';
  /** Per open group: the flags in force inside it. */
  const stack: { i: boolean; s: boolean }[] = [{ i: false, s: false }];
  const top = () => stack[stack.length - 1]!;
  for (let k = 0; k < source.length; k++) {
    const c = source[k]!;
    if (c === '\\') {
      // an escape, with what belongs to it: `\x41`, `\u{41}`, `\p{Lu}`, `\k<name>`, `\cA`
      const m = /^\\(?:[pPk][{<][^}>]*[}>]|x[0-9A-Fa-f]{2}|u\{[0-9A-Fa-f]+\}|u[0-9A-Fa-f]{4}|c[A-Za-z]|[\s\S])/.exec(source.slice(k, k + 64));
      const esc = m ? m[0] : c;
      out += esc;
      k += esc.length - 1;
      continue;
    }
    if (c === '[') {
      // a character class, copied with letter ranges doubled when (?i) is in force
      let end = k + 1;
      if (source[end] === '^') end++;
      if (source[end] === ']') end++;
      while (end < source.length && source[end] !== ']') end += source[end] === '\\' ? 2 : 1;
      const body = source.slice(k + 1, end);
      out += `[${top().i ? caselessClass(body) : body}]`;
      k = end;
      continue;
    }
    const flagGroup = c === '(' ? /^\(\?([imsx]*)(?:-([imsx]+))?\)/.exec(source.slice(k, k + 12)) : null;
    if (flagGroup) {
      const on = flagGroup[1]!;
      const off = flagGroup[2] ?? '';
      if (on.includes('x') || off.includes('x')) throw new Error('the (?x) verbose flag is not supported');
      const f = top();
      if (on.includes('i')) f.i = true;
      if (off.includes('i')) f.i = false;
      if (on.includes('s')) f.s = true;
      if (off.includes('s')) f.s = false;
      k += flagGroup[0].length - 1;
      continue;
    }
    if (c === '(') {
      stack.push({ ...top() });
      // a group's head as it is: `(?:`, `(?=`, `(?<!`, `(?P<name>`, `(?<name>`, `(?P=name)`
      const head = /^\((?:\?(?:P?<[A-Za-z_]\w*>|P=[A-Za-z_]\w*\)|<?[=!]|:))?/.exec(source.slice(k, k + 40))![0];
      out += head;
      k += head.length - 1;
      if (head.endsWith(')')) stack.pop();
      continue;
    }
    if (c === ')') {
      if (stack.length > 1) stack.pop();
      out += c;
      continue;
    }
    if (c === '.' && top().s) {
      out += '[\\s\\S]';
      continue;
    }
    if (top().i && /[A-Za-z]/.test(c)) {
      out += `[${c.toLowerCase()}${c.toUpperCase()}]`;
      continue;
    }
    out += c;
  }
  return out;
}

/** A class body with each ASCII letter and letter range also in the other case. */
function caselessClass(body: string): string {
  let extra = '';
  for (let k = 0; k < body.length; k++) {
    const c = body[k]!;
    if (c === '\\') {
      k++;
      continue;
    }
    const range = body[k + 1] === '-' && body[k + 2] !== undefined && body[k + 2] !== ']' ? body[k + 2]! : undefined;
    const lo = c;
    const hi = range ?? c;
    if (range) k += 2;
    if (/[a-z]/.test(lo) && /[a-z]/.test(hi)) extra += lo === hi ? lo.toUpperCase() : `${lo.toUpperCase()}-${hi.toUpperCase()}`;
    else if (/[A-Z]/.test(lo) && /[A-Z]/.test(hi)) extra += lo === hi ? lo.toLowerCase() : `${lo.toLowerCase()}-${hi.toLowerCase()}`;
  }
  return body + extra;
}

/** Why a metavariable-comparison expression is not one vigil evaluates, or undefined. */
export function comparisonProblem(expr: string): string | undefined {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '0')
    .replace(/\$[A-Z_][A-Z0-9_]*/g, '0')
    .replace(/\b(?:int|str|float|re\.match|len|and|or|not|in|True|False)\b/g, ' ');
  if (/[^0-9.\s()<>=!+\-*/%,\[\]]/.test(stripped)) return `comparison "${expr}" uses something vigil does not evaluate (supported: metavariables, numbers, strings, int(), str(), float(), len(), re.match(), comparisons, + - * / %, and/or/not, in)`;
  return undefined;
}

function oneLine(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > 60 ? `${t.slice(0, 57)}...` : t;
}

/** ` (did you mean "x"?)` for a near miss. */
function suggest(word: string, options: string[]): string {
  let best: string | undefined;
  let bestD = 3;
  for (const o of options) {
    const d = distance(word, o);
    if (d < bestD) {
      bestD = d;
      best = o;
    }
  }
  return best ? ` (did you mean "${best}"?)` : '';
}

function distance(a: string, b: string): number {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) dp[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      dp[i]![j] = Math.min(dp[i - 1]![j]! + 1, dp[i]![j - 1]! + 1, dp[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return dp[a.length]![b.length]!;
}
