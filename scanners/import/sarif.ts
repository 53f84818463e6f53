import { redactSecrets } from '../../src/util/redact.js';
import path from 'node:path';
import { VigilError } from '../../src/errors.js';
import { createFinding, sortFindings } from '../../src/model/create.js';
import type { Finding } from '../../src/model/finding.js';
import { normaliseSnippet, uniqueFingerprints } from '../../src/model/fingerprint.js';
import type { FileLocation } from '../../src/model/location.js';
import { severityFromScore, type Confidence, type Severity } from '../../src/model/severity.js';
import { formatPath, JsonLocator, parseJsonText } from '../../src/util/json-source.js';
import { artifactPath } from './sarif-paths.js';
import {
  interpolate,
  isObject,
  messageTemplate,
  own,
  plainMessage,
  resolveArtifactLocation,
  resolveRule,
  str,
  typeName,
  type Resolved,
} from './sarif-resolve.js';
import {
  SARIF_KINDS,
  SARIF_LEVELS,
  type SarifArtifactLocation,
  type SarifKind,
  type SarifLevel,
  type SarifLog,
  type SarifReportingDescriptor,
  type SarifResult,
  type SarifRun,
} from './sarif-types.js';

type JsonPath = (string | number)[];
type Fail = (at: JsonPath, problem: string) => VigilError;

/** The scanner id findings from imported SARIF carry. */
export const IMPORT_SCANNER_ID = 'import';

/**
 * Parse a SARIF 2.1.0 log and check the parts vigil uses; anything else is left alone, as
 * GitHub code scanning does. Errors name the file, line, column and JSON path.
 */
export function parseSarif(text: string, file: string): SarifLog {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') {
    throw new VigilError('VIGIL_ERR_SARIF_PARSE', 'is empty; expected a SARIF 2.1.0 JSON log', {
      file,
      line: 1,
      column: 1,
    });
  }
  const data = parseJsonText(body, file, 'VIGIL_ERR_SARIF_PARSE');
  const locator = new JsonLocator(body, file);
  const fail: Fail = (at, problem) => locator.error('VIGIL_ERR_SARIF_INVALID', at, problem);

  if (!isObject(data)) throw fail([], `a SARIF log is a JSON object, got ${typeName(data)}`);
  checkVersion(data, fail);
  const runs = own(data, 'runs');
  if (!Array.isArray(runs)) {
    throw fail(
      ['runs'],
      runs === undefined ? 'missing; a SARIF log needs a "runs" array' : `must be an array of runs, got ${typeName(runs)}`,
    );
  }
  runs.forEach((run: unknown, i) => checkRun(run, ['runs', i], fail));
  return data as unknown as SarifLog;
}

function checkVersion(data: Record<string, unknown>, fail: Fail): void {
  const version = own(data, 'version');
  if (version === '2.1.0') return;
  if (version === undefined) {
    // some tools omit version but name the 2.1.0 schema; the schema URL says enough
    if (str(own(data, '$schema'))?.includes('2.1.0')) return;
    throw fail(['version'], 'missing; vigil reads SARIF 2.1.0 (expected "version": "2.1.0")');
  }
  throw fail(['version'], `vigil reads SARIF 2.1.0, got ${JSON.stringify(version)}`);
}

function checkEnum(v: unknown, allowed: readonly string[], at: JsonPath, fail: Fail): void {
  if (v !== undefined && !(typeof v === 'string' && allowed.includes(v))) {
    throw fail(at, `must be one of ${allowed.join(', ')}; got ${JSON.stringify(v)}`);
  }
}

function checkComponent(c: unknown, at: JsonPath, fail: Fail): void {
  if (!isObject(c)) throw fail(at, `must be an object, got ${typeName(c)}`);
  const rules = own(c, 'rules');
  if (rules === undefined) return;
  if (!Array.isArray(rules)) throw fail([...at, 'rules'], `must be an array of rules, got ${typeName(rules)}`);
  rules.forEach((rule: unknown, i) => {
    const ruleAt = [...at, 'rules', i];
    if (!isObject(rule)) throw fail(ruleAt, `must be a rule object, got ${typeName(rule)}`);
    if (typeof rule.id !== 'string') throw fail([...ruleAt, 'id'], `must be a string, got ${typeName(rule.id)}`);
    const level = own(own(rule, 'defaultConfiguration'), 'level');
    checkEnum(level, SARIF_LEVELS, [...ruleAt, 'defaultConfiguration', 'level'], fail);
  });
}

function checkRun(run: unknown, at: JsonPath, fail: Fail): void {
  if (!isObject(run)) throw fail(at, `must be a run object, got ${typeName(run)}`);
  const tool = own(run, 'tool');
  if (!isObject(tool)) {
    throw fail(
      [...at, 'tool'],
      tool === undefined ? 'missing; a run needs tool.driver.name' : `must be an object, got ${typeName(tool)}`,
    );
  }
  const driver = own(tool, 'driver');
  if (!isObject(driver)) {
    throw fail(
      [...at, 'tool', 'driver'],
      driver === undefined ? 'missing; a run needs tool.driver.name' : `must be an object, got ${typeName(driver)}`,
    );
  }
  const name = own(driver, 'name');
  if (typeof name !== 'string' || name.trim() === '') {
    throw fail([...at, 'tool', 'driver', 'name'], `must name the tool, got ${JSON.stringify(name) ?? 'nothing'}`);
  }
  checkComponent(driver, [...at, 'tool', 'driver'], fail);
  const extensions = own(tool, 'extensions');
  if (extensions !== undefined) {
    if (!Array.isArray(extensions)) {
      throw fail([...at, 'tool', 'extensions'], `must be an array, got ${typeName(extensions)}`);
    }
    extensions.forEach((e: unknown, i) => checkComponent(e, [...at, 'tool', 'extensions', i], fail));
  }
  const results = own(run, 'results');
  if (results === undefined || results === null) return;
  if (!Array.isArray(results)) throw fail([...at, 'results'], `must be an array of results, got ${typeName(results)}`);
  const typed = run as unknown as SarifRun;
  results.forEach((result: unknown, i) => {
    const resultAt = [...at, 'results', i];
    if (!isObject(result)) throw fail(resultAt, `must be a result object, got ${typeName(result)}`);
    checkResult(typed, result as unknown as SarifResult, resultAt, fail);
  });
}

function orFail<T>(r: Resolved<T>, at: JsonPath, fail: Fail): T {
  if (!r.ok) throw fail([...at, ...r.at], r.problem);
  return r.value;
}

function checkResult(run: SarifRun, result: SarifResult, at: JsonPath, fail: Fail): void {
  checkEnum(result.kind, SARIF_KINDS, [...at, 'kind'], fail);
  checkEnum(result.level, SARIF_LEVELS, [...at, 'level'], fail);
  const ruleId: unknown = result.ruleId;
  if (ruleId !== undefined && typeof ruleId !== 'string') {
    throw fail([...at, 'ruleId'], `must be a string, got ${typeName(ruleId)}`);
  }
  const ref = orFail(resolveRule(run, result), at, fail);
  orFail(messageTemplate(run, result, ref), at, fail);

  const locations: unknown = result.locations;
  if (locations === undefined) return;
  if (!Array.isArray(locations)) throw fail([...at, 'locations'], `must be an array, got ${typeName(locations)}`);
  locations.forEach((l: unknown, i) => {
    if (!isObject(l)) throw fail([...at, 'locations', i], `must be a location object, got ${typeName(l)}`);
  });
  // only the first location becomes the finding's, so only it is checked further
  const physAt = [...at, 'locations', 0, 'physicalLocation'];
  const phys = own(locations[0], 'physicalLocation');
  if (phys === undefined) return;
  if (!isObject(phys)) throw fail(physAt, `must be an object, got ${typeName(phys)}`);
  const al = own(phys, 'artifactLocation');
  if (al !== undefined && !isObject(al)) {
    throw fail([...physAt, 'artifactLocation'], `must be an object, got ${typeName(al)}`);
  }
  orFail(resolveArtifactLocation(run, al as SarifArtifactLocation | undefined), [...physAt, 'artifactLocation'], fail);
  const region = own(phys, 'region');
  if (region === undefined) return;
  if (!isObject(region)) throw fail([...physAt, 'region'], `must be an object, got ${typeName(region)}`);
  for (const key of ['startLine', 'endLine', 'startColumn', 'endColumn'] as const) {
    const v = own(region, key);
    if (v !== undefined && !(typeof v === 'number' && Number.isInteger(v) && v >= 1)) {
      throw fail([...physAt, 'region', key], `must be a whole number from 1, got ${JSON.stringify(v)}`);
    }
  }
}

/** How `sarifToFindings` places and reads what a log points at. */
export interface SarifMappingOptions {
  /** The SARIF file, for error messages. */
  file: string;
  /** Absolute folder finding paths are made relative to (the scanned folder). */
  baseDir: string;
  /**
   * Lines of a source file by finding path, or undefined when it cannot or must not be read.
   * Used to take a snippet when the log has none, so fingerprints survive line shifts.
   */
  readSource?: (path: string) => string[] | undefined;
  /** Checked every few thousand results; its reason is thrown once it fires. */
  signal?: AbortSignal;
  /**
   * Drop each result from the log once mapped, so a large log and its findings are not both
   * held in memory at their largest. Only for a log the caller will not read again.
   */
  release?: boolean;
}

/** Results between two looks at the abort signal. */
const ABORT_CHECK_EVERY = 2000;
/** A snippet taken from source is at most this many lines, to keep findings small. */
const MAX_SNIPPET_LINES = 20;
/** Titles are one line in a table; longer ones are clipped. */
const MAX_TITLE_CHARS = 160;

/** Map every problem result of a parsed SARIF log to a Finding: sorted, fingerprints made unique. */
export function sarifToFindings(log: SarifLog, opts: SarifMappingOptions): Finding[] {
  const resolved = { ...opts, baseDir: path.resolve(opts.baseDir) };
  const out: Finding[] = [];
  let seen = 0;
  const runs: unknown = log.runs;
  if (!Array.isArray(runs)) throw invalid(opts.file, ['runs'], 'must be an array of runs');
  runs.forEach((run: SarifRun, i) => {
    const results: unknown = isObject(run) ? run.results : undefined;
    if (!Array.isArray(results)) return;
    for (let j = 0; j < results.length; j++) {
      if (++seen % ABORT_CHECK_EVERY === 0 && opts.signal?.aborted) throw opts.signal.reason;
      const f = mapResult(run, results[j] as SarifResult, ['runs', i, 'results', j], resolved);
      if (opts.release) results[j] = null;
      if (f) out.push(f);
    }
  });
  return sortFindings(uniqueFingerprints(out));
}

function invalid(file: string, at: JsonPath, problem: string): VigilError {
  return new VigilError('VIGIL_ERR_SARIF_INVALID', `${formatPath(at)}: ${problem}`, { file });
}

/** Resolve or, for a log that skipped `parseSarif`, fail without a position. */
function must<T>(r: Resolved<T>, file: string, at: JsonPath): T {
  if (!r.ok) throw invalid(file, [...at, ...r.at], r.problem);
  return r.value;
}

/** A suppression that holds (not one under review or rejected) closes the result, as on GitHub. */
function isSuppressed(result: SarifResult): boolean {
  const s: unknown = result.suppressions;
  return Array.isArray(s) && s.some((x) => {
    const status = own(x, 'status');
    return isObject(x) && (status === undefined || status === 'accepted');
  });
}

function mapResult(run: SarifRun, result: SarifResult, at: JsonPath, opts: SarifMappingOptions): Finding | undefined {
  if (!isObject(result)) throw invalid(opts.file, at, 'must be a result object');
  const kind: SarifKind = result.kind ?? 'fail';
  // pass and notApplicable say a check held or did not apply: not problems to track
  if (kind === 'pass' || kind === 'notApplicable') return undefined;
  if (isSuppressed(result)) return undefined;
  // "absent" marks a baseline result the tool no longer sees
  if (result.baselineState === 'absent') return undefined;

  const driver = run.tool.driver;
  const ref = must(resolveRule(run, result), opts.file, at);
  const rule = ref.rule;
  const ruleId = str(result.ruleId) ?? str(own(result.rule, 'id')) ?? str(own(rule, 'id')) ?? 'unknown';
  const args = own(result.message, 'arguments');
  const message = plainMessage(
    interpolate(must(messageTemplate(run, result, ref), opts.file, at), Array.isArray(args) ? args : undefined),
  ).trim();

  const ruleProps = own(rule, 'properties');
  const resultProps = own(result, 'properties');
  const tagsIn = [...stringList(own(ruleProps, 'tags')), ...stringList(own(resultProps, 'tags'))];
  const cwe = unique([
    ...tagsIn.flatMap(cweOfTag),
    ...cweOfProperty(own(ruleProps, 'cwe')),
    ...cweOfProperty(own(resultProps, 'cwe')),
  ]);
  const tool = driver.name;
  const tags = unique([...tagsIn.filter((t) => cweOfTag(t).length === 0), `tool:${tool}`]);
  const references = unique([
    ...stringList(own(rule, 'helpUri')),
    ...stringList(own(ruleProps, 'references')),
  ]);

  const location = locationOf(run, result, at, opts);
  // Secrets in what a tool reported (a gitleaks snippet, say) never reach the ledger, a report or
  // even the fingerprint's input.
  if (location.snippet) location.snippet = redactSecrets(location.snippet);
  // The tool's own identity first; else what was matched; else, weakest, the message at its line.
  // Two tools may use the same rule id for different checks: the tool name keeps them apart.
  const fingerprintContext = `${tool}\u0000${
    fingerprintEntries(result) ??
    (location.snippet ? normaliseSnippet(location.snippet) : `${message}@${location.startLine ?? 0}`)
  }`;

  const properties: Record<string, unknown> = { tool };
  const toolVersion = str(driver.semanticVersion) ?? str(driver.version);
  if (toolVersion !== undefined) properties.toolVersion = toolVersion;
  const partial = stringRecord(result.partialFingerprints);
  if (partial) properties.partialFingerprints = partial;
  const full = stringRecord(result.fingerprints);
  if (full) properties.fingerprints = full;

  const remediation = (str(own(own(rule, 'help'), 'text')) ?? str(own(own(rule, 'help'), 'markdown')))?.trim();
  return createFinding({
    scanner: IMPORT_SCANNER_ID,
    ruleId,
    title: titleOf(rule, ruleId, message),
    severity: severityOf(result, rule, kind),
    confidence: confidenceOf(rule),
    cwe,
    aliases: /^(CVE-\d{4}-\d{4,}|GHSA(-[0-9a-z]{4}){3})$/i.test(ruleId) ? [ruleId] : [],
    location,
    ...(message ? { evidence: redactSecrets(message) } : {}),
    ...(remediation ? { remediation } : {}),
    references,
    tags,
    properties,
    fingerprintContext,
  });
}

function locationOf(run: SarifRun, result: SarifResult, at: JsonPath, opts: SarifMappingOptions): FileLocation {
  const first: unknown = Array.isArray(result.locations) ? result.locations[0] : undefined;
  const phys = own(first, 'physicalLocation');
  const al = must(
    resolveArtifactLocation(run, own(phys, 'artifactLocation') as SarifArtifactLocation | undefined),
    opts.file,
    [...at, 'locations', 0, 'physicalLocation', 'artifactLocation'],
  );
  const filePath = al ? artifactPath(run, al, opts.baseDir) : undefined;
  if (filePath === undefined) {
    // no file: a logical location (a function, a class, a resource) still names the place
    const logical: unknown = own(first, 'logicalLocations');
    const l0: unknown = Array.isArray(logical) ? logical[0] : undefined;
    const name = str(own(l0, 'fullyQualifiedName')) ?? str(own(l0, 'name'));
    return { kind: 'file', path: name ?? '.' };
  }
  const loc: FileLocation = { kind: 'file', path: filePath };
  const region = own(phys, 'region');
  const startLine = positive(own(region, 'startLine'));
  if (startLine !== undefined) {
    loc.startLine = startLine;
    loc.endLine = Math.max(positive(own(region, 'endLine')) ?? startLine, startLine);
  }
  const startColumn = positive(own(region, 'startColumn'));
  if (startColumn !== undefined) loc.startColumn = startColumn;
  const endColumn = positive(own(region, 'endColumn'));
  if (endColumn !== undefined) loc.endColumn = endColumn;
  const snippet = str(own(own(region, 'snippet'), 'text')) ?? sourceSnippet(loc, opts.readSource);
  if (snippet !== undefined && snippet.trim() !== '') loc.snippet = snippet;
  return loc;
}

/** The region's whole lines from the source file, when it can be read. */
function sourceSnippet(loc: FileLocation, readSource: SarifMappingOptions['readSource']): string | undefined {
  if (!readSource || loc.startLine === undefined) return undefined;
  const lines = readSource(loc.path);
  if (!lines || loc.startLine > lines.length) return undefined;
  const end = Math.min(loc.endLine ?? loc.startLine, loc.startLine + MAX_SNIPPET_LINES - 1, lines.length);
  return lines.slice(loc.startLine - 1, end).join('\n');
}

function positive(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : undefined;
}

/** A tool's own identity for the result (`fingerprints`, else `partialFingerprints`) as `k=v;…`. */
function fingerprintEntries(result: SarifResult): string | undefined {
  for (const source of [result.fingerprints, result.partialFingerprints]) {
    const rec = stringRecord(source);
    if (rec) {
      return Object.entries(rec)
        .map(([k, v]) => `${k}=${v}`)
        .sort()
        .join(';');
    }
  }
  return undefined;
}

/** The string entries of an object, or undefined when there are none. */
function stringRecord(v: unknown): Record<string, string> | undefined {
  if (!isObject(v)) return undefined;
  // fromEntries defines own properties, so even a `__proto__` key stays plain data
  const entries = Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string');
  return entries.length ? Object.fromEntries(entries) : undefined;
}

function stringList(v: unknown): string[] {
  if (typeof v === 'string') return v ? [v] : [];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : [];
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

/** `external/cwe/cwe-079` (CodeQL) or `CWE-79: Improper …` (Semgrep) → `CWE-79`. */
function cweOfTag(tag: string): string[] {
  const m = /^external\/cwe\/cwe-0*(\d+)$/i.exec(tag) ?? /^CWE-0*(\d+)(?![\d])/i.exec(tag);
  return m ? [`CWE-${m[1]}`] : [];
}

/** `properties.cwe` as `"CWE-79"`, `"79"`, `79` or a list of those. */
function cweOfProperty(v: unknown): string[] {
  const items: unknown[] = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return items.flatMap((x) => {
    const m = /^(?:CWE-)?0*(\d+)$/i.exec(typeof x === 'number' ? String(x) : typeof x === 'string' ? x.trim() : '');
    return m ? [`CWE-${m[1]}`] : [];
  });
}

/** A score from `security-severity`: a number or a numeric string, 0–10 as GitHub reads it. */
function scoreOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  if (typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return undefined;
}

const LEVEL_SEVERITY: Record<SarifLevel, Severity> = { error: 'high', warning: 'medium', note: 'low', none: 'info' };

function severityOf(result: SarifResult, rule: SarifReportingDescriptor | undefined, kind: SarifKind): Severity {
  if (kind === 'informational') return 'info';
  const score =
    scoreOf(own(result.properties, 'security-severity')) ?? scoreOf(own(own(rule, 'properties'), 'security-severity'));
  if (score !== undefined) return severityFromScore(score);
  // the spec: a result that is not a plain "fail" and states no level is level "none"
  const ruleLevel = own(own(rule, 'defaultConfiguration'), 'level') as SarifLevel | undefined;
  const level: SarifLevel = result.level ?? (kind === 'fail' ? (ruleLevel ?? 'warning') : 'none');
  return LEVEL_SEVERITY[level];
}

function confidenceOf(rule: SarifReportingDescriptor | undefined): Confidence {
  const precision = str(own(own(rule, 'properties'), 'precision'))?.toLowerCase();
  if (precision === 'very-high' || precision === 'high') return 'high';
  if (precision === 'low') return 'low';
  return 'medium';
}

/**
 * A rule-level title: the short description; else the name when it reads as words; else the
 * first sentence of the full description; else an identifier-like name (BinSkim's
 * `EnableControlFlowGuard`); else the message's first sentence. Text that only repeats the rule
 * id (Semgrep's "Semgrep Finding: <id>") says nothing and is passed over.
 */
function titleOf(rule: SarifReportingDescriptor | undefined, ruleId: string, message: string): string {
  const says = (t: string | undefined): t is string =>
    t !== undefined && t.trim() !== '' && t.trim() !== ruleId && !t.trim().endsWith(`: ${ruleId}`);
  const short = str(own(own(rule, 'shortDescription'), 'text'));
  if (says(short)) return clip(short.trim());
  const name = str(own(rule, 'name'));
  if (says(name) && /\s/.test(name.trim())) return clip(name.trim());
  const full = str(own(own(rule, 'fullDescription'), 'text'));
  if (says(full)) return clip(firstSentence(full));
  if (says(name)) return clip(name.trim());
  return clip(firstSentence(message) || ruleId);
}

/** Shorten to MAX_TITLE_CHARS, at a word boundary when there is one in the second half. */
function clip(s: string): string {
  if (s.length <= MAX_TITLE_CHARS) return s;
  const cut = s.slice(0, MAX_TITLE_CHARS - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > MAX_TITLE_CHARS / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

function firstSentence(text: string): string {
  const line = text.trim().split(/\n/)[0] ?? '';
  const m = /^(.*?[.!?])(\s|$)/.exec(line);
  return (m ? m[1]! : line).replace(/\.$/, '').trim();
}

