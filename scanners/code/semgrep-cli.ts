/**
 * The `code` scanner's adapter to the real semgrep CLI (`--engine semgrep`, or `auto` when a
 * `semgrep` is on PATH): it runs `semgrep scan --json` on the same rule files the embedded engine
 * reads and maps semgrep's JSON to the same RuleMatch and RuleProblem records.
 */
import { spawn } from 'node:child_process';
import { constants as bufferConstants } from 'node:buffer';
import { constants as fsConstants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { VigilError } from '../../src/errors.js';
import type { RuleMatch, RuleProblem, RuleSource } from './types.js';

/** A semgrep binary vigil can run. */
export interface SemgrepBinary {
  path: string;
  version: string;
}

/** What to run semgrep on. */
export interface SemgrepRunOptions {
  /** The semgrep executable (from findSemgrep). */
  semgrep: string;
  /** Absolute paths of the Semgrep-format rule files; each becomes a `--config`. */
  ruleFiles: string[];
  /** The scan root: semgrep's working directory; match paths are relative to it. */
  root: string;
  /** Files to scan (absolute or relative to root); all of root, as semgrep walks it, when absent. */
  files?: string[];
  signal?: AbortSignal;
  /** Wall-clock limit for the whole run; none when absent. */
  timeoutMs?: number;
  /** The ids of the rules in ruleFiles: semgrep prefixes them, and they are mapped back. */
  ruleIds: string[];
  /** Ceiling on semgrep's stdout; 512 MiB (the most one JavaScript string can hold) unless a test lowers it. */
  maxOutputBytes?: number;
}

/** What one semgrep run found. */
export interface SemgrepRunResult {
  /** Sorted by path, position and rule id. */
  matches: RuleMatch[];
  /** semgrep's `errors` and `skipped_rules`, and anything vigil could not map; never silently dropped. */
  problems: RuleProblem[];
  /** semgrep's `paths.scanned`, relative to root with `/`, sorted. */
  scanned: string[];
  /** Results semgrep marked `is_ignored` (a `nosemgrep` comment), left out of `matches`. */
  ignored: number;
  /**
   * semgrep's exit code (the highest, when the files took several runs). 0 or 1 is a complete
   * scan; 2 and above means semgrep stopped short, so absent findings are not proof of a fix.
   */
  exitCode: number;
}

const VERSION_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_OUTPUT = 512 * 1024 * 1024;
const STDERR_KEEP = 64 * 1024;
/**
 * Characters of target paths per semgrep run. The kernel refuses a command line past ARG_MAX
 * (2 MiB on Linux, less with a big environment; 1 MiB on macOS; 32 Ki characters on Windows),
 * so a long file list is split over several runs rather than failing with E2BIG.
 */
const TARGET_CHARS_PER_RUN = process.platform === 'win32' ? 24 * 1024 : 256 * 1024;

/** What semgrep's exit codes mean (its CLI reference), for messages. */
const EXIT_MEANINGS: Record<number, string> = {
  2: 'a fatal error',
  3: 'a target it could not parse',
  4: 'an invalid pattern',
  5: 'unparsable rule YAML',
  7: 'an invalid or missing config',
  8: 'an unknown language',
};

/**
 * The semgrep to run: `SEMGREP_PATH` (the binary, or a folder holding it) when set, else the
 * first `semgrep` on PATH, as a shell would pick it; undefined when there is none. A semgrep
 * that is found but does not answer `--version` within 10 s with a version is an error, not
 * "no semgrep": the user asked for that binary (or put it first on PATH), and silently using
 * another engine would hide it.
 */
export async function findSemgrep(env: NodeJS.ProcessEnv = process.env): Promise<SemgrepBinary | undefined> {
  const explicit = env['SEMGREP_PATH'];
  if (explicit) {
    const file = (await executable(explicit)) ?? ((await isDirectory(explicit)) ? await firstExecutable(explicit) : undefined);
    if (!file) throw new VigilError('VIGIL_ERR_SEMGREP', `SEMGREP_PATH is ${explicit}, which is neither an executable semgrep nor a folder holding one`);
    return { path: file, version: await semgrepVersion(file, env) };
  }
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    // a relative PATH entry would run whatever `semgrep` the scanned project ships in that folder
    if (!dir || !isAbsolute(dir)) continue;
    const file = await firstExecutable(dir);
    if (file) return { path: file, version: await semgrepVersion(file, env) };
  }
  return undefined;
}

/**
 * Run semgrep on root (or on the given files) with the given rule files, and map its JSON.
 * Exit codes 0 and 1 are success; 2 and above with semgrep's JSON are results plus problems;
 * anything else (a crash, output that is not semgrep's JSON) is a VIGIL_ERR_SEMGREP.
 */
export async function runSemgrep(opts: SemgrepRunOptions): Promise<SemgrepRunResult> {
  const root = resolve(opts.root);
  const empty: SemgrepRunResult = { matches: [], problems: [], scanned: [], ignored: 0, exitCode: 0 };
  if (opts.signal?.aborted) throw opts.signal.reason;
  // without --config semgrep falls back to fetching rules from its registry: never
  if (opts.ruleFiles.length === 0) return empty;
  const targets = opts.files === undefined ? ['.'] : targetArgs(root, opts.files);
  if (targets.length === 0) return empty;

  const ruleFiles = opts.ruleFiles.map((f) => resolve(root, f));
  const base = ['scan', '--json', '--metrics=off', '--disable-version-check', ...ruleFiles.flatMap((f) => ['--config', f])];
  // vigil's walker chose these files; semgrep must not drop some of them for being git-ignored
  if (opts.files !== undefined) base.push('--no-git-ignore');

  const mapper = new OutputMapper(root, ruleFiles, opts.ruleIds);
  const deadline = opts.timeoutMs === undefined ? undefined : Date.now() + opts.timeoutMs;
  const maxOutput = Math.min(opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT, bufferConstants.MAX_STRING_LENGTH);
  let exitCode = 0;
  for (const chunk of chunkTargets(targets)) {
    const args = [...base, ...chunk];
    const remaining = deadline === undefined ? undefined : Math.max(1, deadline - Date.now());
    const run = await runProcess(opts.semgrep, args, {
      cwd: root,
      env: { ...process.env, SEMGREP_SEND_METRICS: 'off', SEMGREP_ENABLE_VERSION_CHECK: '0' },
      signal: opts.signal,
      timeoutMs: remaining,
      maxStdout: maxOutput,
      onTimeout: () => new VigilError('VIGIL_ERR_SCANNER_TIMEOUT', `semgrep ran past its ${opts.timeoutMs} ms limit and was stopped`),
    });
    const code = checkExit(opts.semgrep, run);
    exitCode = Math.max(exitCode, code);
    await mapper.add(parseOutput(opts.semgrep, run), code);
  }
  return { ...mapper.finish(), exitCode };
}

/**
 * The rule id a semgrep `check_id` stands for. semgrep prefixes each id with the rule file's
 * folder, dotted (`rules.code.js.no-eval` for `rules/code/js/x.yaml`, `--rewrite-rule-ids`), so
 * the longest known id that is the check_id or ends it after a dot wins; undefined when none does.
 */
export function semgrepRuleId(checkId: string, ruleIds: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const id of ruleIds) {
    if (id !== checkId && !checkId.endsWith(`.${id}`)) continue;
    if (best === undefined || id.length > best.length) best = id;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Targets

function targetArgs(root: string, files: string[]): string[] {
  const out = new Set<string>();
  for (const f of files) {
    const rel = relative(root, resolve(root, f));
    if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw new VigilError('VIGIL_ERR_USAGE', `${f} is outside the scan root ${root}; semgrep runs there and reports paths relative to it`);
    }
    // a file named like an option would be read as one
    out.add(rel === '' ? '.' : rel.startsWith('-') ? `.${sep}${rel}` : rel);
  }
  return [...out];
}

function chunkTargets(targets: string[]): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const t of targets) {
    if (current.length > 0 && size + t.length + 1 > TARGET_CHARS_PER_RUN) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(t);
    size += t.length + 1;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

// ---------------------------------------------------------------------------------------------
// Processes

interface ProcessOptions {
  cwd?: string;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  timeoutMs?: number;
  maxStdout: number;
  onTimeout: () => Error;
}

interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  /** The last 64 KiB of stderr. */
  stderr: string;
}

/** Run a command in its own process group, so that an abort or a timeout ends it and whatever it started (semgrep-core). */
function runProcess(cmd: string, args: string[], o: ProcessOptions): Promise<ProcessResult> {
  return new Promise<ProcessResult>((resolvePromise, reject) => {
    const signal = o.signal;
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const posix = process.platform !== 'win32';
    const child = spawn(cmd, args, { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'], detached: posix, windowsHide: true });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const killGroup = () => {
      try {
        if (posix && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // already gone
      }
    };
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (timer) clearTimeout(timer);
      fn();
    };
    const onAbort = () => {
      killGroup();
      finish(() => reject(signal!.reason));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    if (o.timeoutMs !== undefined) {
      timer = setTimeout(() => {
        killGroup();
        finish(() => reject(o.onTimeout()));
      }, o.timeoutMs);
    }

    child.stdout.on('data', (b: Buffer) => {
      if (settled) return;
      outBytes += b.length;
      if (outBytes > o.maxStdout) {
        killGroup();
        finish(() =>
          reject(new VigilError('VIGIL_ERR_SEMGREP', `semgrep printed more than ${o.maxStdout} bytes of JSON, more than vigil can read in one piece; scan fewer files or rules at a time`)),
        );
        return;
      }
      out.push(b);
    });
    child.stderr.on('data', (b: Buffer) => {
      // only the end matters for messages, and semgrep's progress output can be long
      err = (err + b.toString('utf8')).slice(-STDERR_KEEP);
    });
    child.on('error', (e) => {
      killGroup();
      finish(() => reject(new VigilError('VIGIL_ERR_SEMGREP', `could not run ${cmd}: ${e.message}`, {}, { cause: e })));
    });
    child.on('close', (code, sig) => finish(() => resolvePromise({ code, signal: sig, stdout: Buffer.concat(out, outBytes), stderr: err })));
  });
}

/** The last few non-empty lines of stderr, for an error message. */
function stderrTail(stderr: string, lines = 8): string {
  const tail = stderr
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '')
    .slice(-lines);
  return tail.length > 0 ? `; its stderr ends:\n${tail.join('\n')}` : '; it wrote nothing on stderr';
}

function exitText(run: ProcessResult): string {
  if (run.signal) return `was killed by ${run.signal}`;
  const meaning = run.code !== null ? EXIT_MEANINGS[run.code] : undefined;
  return `exited with code ${run.code}${meaning ? ` (${meaning})` : ''}`;
}

/** The exit code when it is one semgrep's JSON can follow; otherwise the error a crash deserves. */
function checkExit(cmd: string, run: ProcessResult): number {
  if (run.signal !== null || run.code === null) {
    throw new VigilError('VIGIL_ERR_SEMGREP', `${cmd} ${exitText(run)}${stderrTail(run.stderr)}`);
  }
  return run.code;
}

async function semgrepVersion(file: string, env: NodeJS.ProcessEnv): Promise<string> {
  const run = await runProcess(file, ['--version'], {
    env,
    maxStdout: 1024 * 1024,
    timeoutMs: VERSION_TIMEOUT_MS,
    onTimeout: () => new VigilError('VIGIL_ERR_SEMGREP', `${file} --version did not answer within ${VERSION_TIMEOUT_MS / 1000} s`),
  });
  const version = /\b(\d+\.\d+\.\d+[0-9A-Za-z.+-]*)/.exec(run.stdout.toString('utf8'))?.[1];
  if (run.code !== 0 || !version) {
    const what = run.code !== 0 ? exitText(run) : 'printed no version number';
    throw new VigilError('VIGIL_ERR_SEMGREP', `${file} --version ${what}, so it is not a semgrep vigil can run${stderrTail(run.stderr)}`);
  }
  return version;
}

async function executable(file: string): Promise<string | undefined> {
  try {
    if (!(await stat(file)).isFile()) return undefined;
    if (process.platform !== 'win32') await access(file, fsConstants.X_OK);
    return resolve(file);
  } catch {
    return undefined;
  }
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function firstExecutable(dir: string): Promise<string | undefined> {
  const names = process.platform === 'win32' ? ['semgrep.exe', 'semgrep.cmd', 'semgrep.bat', 'semgrep'] : ['semgrep'];
  for (const name of names) {
    const file = await executable(join(dir, name));
    if (file) return file;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// semgrep's JSON

type Json = Record<string, unknown>;

interface Position {
  line: number;
  col: number;
  offset?: number;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function position(v: unknown): Position | undefined {
  if (!isObject(v)) return undefined;
  const { line, col, offset } = v;
  if (typeof line !== 'number' || typeof col !== 'number' || !Number.isInteger(line) || !Number.isInteger(col)) return undefined;
  return typeof offset === 'number' && Number.isInteger(offset) ? { line, col, offset } : { line, col };
}

/** semgrep's output object, or the VIGIL_ERR_SEMGREP that says why it cannot be read. */
function parseOutput(cmd: string, run: ProcessResult): Json {
  const text = run.stdout.toString('utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    doc = undefined;
  }
  if (isObject(doc) && Array.isArray(doc['results']) && (doc['errors'] === undefined || Array.isArray(doc['errors']))) return doc;
  const what = text.trim() === '' ? 'printed nothing on stdout' : doc === undefined ? 'printed output that is not JSON' : 'printed JSON without semgrep\'s "results" and "errors" lists';
  throw new VigilError('VIGIL_ERR_SEMGREP', `${cmd} ${exitText(run)} and ${what}${stderrTail(run.stderr)}`);
}

/** One text file as bytes, with where its lines start, for turning semgrep's byte positions into vigil's. */
class TextFile {
  private readonly lineStarts: number[] = [0];

  constructor(readonly bytes: Buffer) {
    for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a) this.lineStarts.push(i + 1);
  }

  /** 0-based index of the line holding a byte offset. */
  lineAt(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The byte offset of a semgrep line and (byte) column, when it lies in the file. */
  offsetOf(p: Position): number | undefined {
    const start = this.lineStarts[p.line - 1];
    if (start === undefined || p.col < 1) return undefined;
    const offset = start + p.col - 1;
    return offset <= this.bytes.length ? offset : undefined;
  }

  /** 1-based line and column of a byte offset; the column counts UTF-16 code units. */
  lineColumn(offset: number): { line: number; column: number } {
    const line = this.lineAt(offset);
    return { line: line + 1, column: this.bytes.toString('utf8', this.lineStarts[line]!, offset).length + 1 };
  }
}

/** Accumulates the mapped output of one or several semgrep runs (several when the file list was split). */
class OutputMapper {
  private readonly matches: RuleMatch[] = [];
  private readonly problems = new Map<string, RuleProblem>();
  private readonly scanned = new Set<string>();
  private ignored = 0;
  private readonly files = new Map<string, Promise<TextFile | Error>>();
  private readonly ruleTexts = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly root: string,
    private readonly ruleFiles: string[],
    private readonly ruleIds: string[],
  ) {}

  async add(doc: Json, exitCode: number): Promise<void> {
    const results = doc['results'] as unknown[];
    for (let i = 0; i < results.length; i++) await this.addResult(results[i], i);
    const errors = Array.isArray(doc['errors']) ? doc['errors'] : [];
    for (const e of errors) this.problem(this.errorProblem(e));
    const skipped = Array.isArray(doc['skipped_rules']) ? doc['skipped_rules'] : [];
    for (const s of skipped) this.problem(await this.skippedProblem(s));
    const paths = doc['paths'];
    if (isObject(paths) && Array.isArray(paths['scanned'])) {
      for (const p of paths['scanned']) if (typeof p === 'string') this.scanned.add(this.relPath(p));
    }
    if (exitCode >= 2 && errors.length === 0 && skipped.length === 0) {
      this.problem({ problem: `semgrep exited with code ${exitCode}${EXIT_MEANINGS[exitCode] ? ` (${EXIT_MEANINGS[exitCode]})` : ''} without listing an error; its results may be incomplete` });
    }
  }

  finish(): Omit<SemgrepRunResult, 'exitCode'> {
    const matches = [...this.matches].sort(
      (a, b) =>
        cmp(a.path, b.path) || a.startLine - b.startLine || a.startColumn - b.startColumn || cmp(a.ruleId, b.ruleId) || a.endLine - b.endLine || a.endColumn - b.endColumn,
    );
    return { matches, problems: [...this.problems.values()], scanned: [...this.scanned].sort(cmp), ignored: this.ignored };
  }

  private problem(p: RuleProblem): void {
    // the same rule error comes back from every run when the file list was split
    const key = JSON.stringify([p.ruleId, p.source, p.problem]);
    if (!this.problems.has(key)) this.problems.set(key, p);
  }

  private relPath(p: string): string {
    return relative(this.root, resolve(this.root, p)).split(sep).join('/');
  }

  private ruleId(checkId: string): string {
    const id = semgrepRuleId(checkId, this.ruleIds);
    if (id !== undefined) return id;
    this.problem({ ruleId: checkId, problem: `semgrep reported rule "${checkId}", which is none of the rules vigil gave it; its findings keep semgrep's id` });
    return checkId;
  }

  private file(abs: string): Promise<TextFile | Error> {
    let f = this.files.get(abs);
    if (!f) {
      f = readFile(abs).then(
        (b) => new TextFile(b),
        (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
      );
      this.files.set(abs, f);
    }
    return f;
  }

  private async addResult(r: unknown, i: number): Promise<void> {
    const bad = (why: string) => new VigilError('VIGIL_ERR_SEMGREP', `semgrep's JSON has a result vigil cannot read (results[${i}]: ${why})`);
    if (!isObject(r)) throw bad('not an object');
    const checkId = r['check_id'];
    const path = r['path'];
    if (typeof checkId !== 'string') throw bad('no "check_id" string');
    if (typeof path !== 'string') throw bad('no "path" string');
    const start = position(r['start']);
    const end = position(r['end']);
    if (!start || !end) throw bad('"start" and "end" need integer "line" and "col"');
    const extra = isObject(r['extra']) ? r['extra'] : {};
    if (extra['is_ignored'] === true) {
      this.ignored++;
      return;
    }

    const ruleId = this.ruleId(checkId);
    const relPath = this.relPath(path);
    const match: RuleMatch = {
      ruleId,
      path: relPath,
      startLine: start.line,
      startColumn: start.col,
      endLine: end.line,
      endColumn: end.col,
      snippet: '',
      message: typeof extra['message'] === 'string' ? extra['message'] : '',
      bindings: bindings(extra['metavars']),
    };
    if (typeof extra['fix'] === 'string') match.fix = extra['fix'];

    const file = await this.file(resolve(this.root, path));
    const range = file instanceof TextFile ? byteRange(file, start, end) : undefined;
    if (file instanceof TextFile && range) {
      // semgrep counts columns in bytes; vigil (like the embedded engine and JavaScript strings) in UTF-16 units
      const s = file.lineColumn(range[0]);
      const e = file.lineColumn(range[1]);
      Object.assign(match, { startLine: s.line, startColumn: s.column, endLine: e.line, endColumn: e.column });
      match.snippet = file.bytes.toString('utf8', range[0], range[1]);
    } else {
      // semgrep's `lines` is the whole lines, and "requires login" in some versions: better than nothing only when real
      const lines = extra['lines'];
      if (typeof lines === 'string' && lines !== 'requires login') match.snippet = lines;
      const why = file instanceof Error ? `vigil could not read the file (${file.message})` : 'the file no longer has that range (was it changed during the scan?)';
      this.problem({ ruleId, problem: `${relPath}:${start.line}:${start.col}: semgrep matched here, but ${why}; the finding keeps semgrep's position` });
    }
    this.matches.push(match);
  }

  private errorProblem(e: unknown): RuleProblem {
    if (!isObject(e)) return { problem: `semgrep reported an error vigil cannot read: ${JSON.stringify(e)?.slice(0, 500)}` };
    const type = e['type'];
    // since semgrep 1.45 a few types are lists: ["PartialParsing", [locations]], ["PatternParseError", [yaml path]]
    const typeName = typeof type === 'string' ? type : Array.isArray(type) && typeof type[0] === 'string' ? type[0] : 'error';
    const raw = [e['message'], e['long_msg'], e['short_msg']].find((m): m is string => typeof m === 'string' && m.trim() !== '') ?? '';
    const text = raw.replace(/\s*\n\s*/g, ' ').trim().replace(/:$/, '');
    const said = !text ? typeName : text.toLowerCase().startsWith(typeName.toLowerCase()) ? text : `${typeName}: ${text}`;
    const out: RuleProblem = { problem: said };
    if (typeof e['rule_id'] === 'string') out.ruleId = semgrepRuleId(e['rule_id'], this.ruleIds) ?? e['rule_id'];

    const where = this.errorLocation(e, type);
    if (where?.ruleFile) {
      out.source = where.ruleFile;
    } else if (where?.target) {
      const t = where.target;
      out.problem = `${t.path}${t.line ? `:${t.line}` : ''}${t.line && t.column ? `:${t.column}` : ''}: ${said}`;
    }
    return out;
  }

  /** Where an error points: into a rule file (a RuleSource), or into a scanned file. */
  private errorLocation(e: Json, type: unknown): { ruleFile?: RuleSource; target?: { path: string; line?: number; column?: number } } | undefined {
    const spots: { file: string; start?: Position }[] = [];
    if (Array.isArray(e['spans'])) {
      for (const s of e['spans']) if (isObject(s) && typeof s['file'] === 'string') spots.push({ file: s['file'], start: position(s['start']) });
    }
    if (Array.isArray(type) && Array.isArray(type[1])) {
      for (const l of type[1]) if (isObject(l) && typeof l['path'] === 'string') spots.push({ file: l['path'], start: position(l['start']) });
    }
    if (typeof e['path'] === 'string') {
      const path = e['path'];
      // older semgrep gives a parse error's line only in its message: "Syntax error at line src/a.js:3:"
      const m = typeof e['message'] === 'string' ? new RegExp(`${escapeRegExp(path)}:(\\d+)`).exec(e['message']) : null;
      spots.push({ file: path, start: m ? { line: Number(m[1]), col: 0 } : undefined });
    }
    // semgrep writes "<No file>" for a span it has no file for
    const real = spots.filter((s) => s.file !== '' && !s.file.startsWith('<'));
    const spot = real.find((s) => s.start) ?? real[0];
    if (!spot) return undefined;
    const abs = resolve(this.root, spot.file);
    const line = spot.start?.line;
    const column = spot.start && spot.start.col > 0 ? spot.start.col : undefined;
    if (this.ruleFiles.includes(abs)) {
      const source: RuleSource = { file: abs, line: line ?? 1 };
      if (column !== undefined) source.column = column;
      return { ruleFile: source };
    }
    return { target: { path: this.relPath(spot.file), ...(line ? { line } : {}), ...(column ? { column } : {}) } };
  }

  private async skippedProblem(s: unknown): Promise<RuleProblem> {
    if (!isObject(s) || typeof s['rule_id'] !== 'string') return { problem: `semgrep skipped a rule and said so in a way vigil cannot read: ${JSON.stringify(s)?.slice(0, 500)}` };
    const ruleId = semgrepRuleId(s['rule_id'], this.ruleIds) ?? s['rule_id'];
    const details = typeof s['details'] === 'string' ? s['details'].replace(/\s*\n\s*/g, ' ').trim() : 'no reason given';
    const out: RuleProblem = { ruleId, problem: `semgrep skipped the rule: ${details}` };
    const pos = position(s['position']);
    const file = await this.ruleFileDefining(ruleId);
    if (file && pos) out.source = { file, line: pos.line, column: pos.col };
    else if (pos) out.problem += ` (line ${pos.line} of its rule file)`;
    return out;
  }

  /** The one rule file that defines an id (semgrep gives a skipped rule's position but not its file). */
  private async ruleFileDefining(id: string): Promise<string | undefined> {
    if (this.ruleFiles.length === 1) return this.ruleFiles[0];
    const idLine = new RegExp(`^\\s*(?:-\\s+)?id:\\s*["']?${escapeRegExp(id)}["']?\\s*(?:#.*)?$`, 'm');
    const found: string[] = [];
    for (const f of this.ruleFiles) {
      let text = this.ruleTexts.get(f);
      if (!text) {
        text = readFile(f, 'utf8').catch(() => undefined);
        this.ruleTexts.set(f, text);
      }
      const t = await text;
      if (t !== undefined && idLine.test(t)) found.push(f);
    }
    return found.length === 1 ? found[0] : undefined;
  }
}

/** The byte range of a match: semgrep's offsets when they agree with its line, else its line and byte column. */
function byteRange(file: TextFile, start: Position, end: Position): [number, number] | undefined {
  const size = file.bytes.length;
  const fromOffsets =
    start.offset !== undefined && end.offset !== undefined && start.offset >= 0 && start.offset <= end.offset && end.offset <= size && file.lineAt(start.offset) === start.line - 1;
  if (fromOffsets) return [start.offset!, end.offset!];
  // semgrep before 1.30 sometimes wrote no offset, or -1
  const s = file.offsetOf(start);
  const e = file.offsetOf(end);
  return s !== undefined && e !== undefined && s <= e ? [s, e] : undefined;
}

function bindings(metavars: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(metavars)) return out;
  for (const [name, v] of Object.entries(metavars)) {
    if (isObject(v) && typeof v['abstract_content'] === 'string') out[name] = v['abstract_content'];
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
