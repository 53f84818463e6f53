import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VigilError } from '../../../src/errors.js';
import { findSemgrep, runSemgrep, semgrepRuleId } from '../../../scanners/code/semgrep-cli.js';
import type { SemgrepRunOptions } from '../../../scanners/code/semgrep-cli.js';

// The `semgrep` these tests run is a replay (see test/fixtures/code/semgrep-replay/README.md):
// semgrep itself cannot be installed here. It is a real child process, steered by SEMGREP_REPLAY_*.
const REPLAY_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/code/semgrep-replay');
const posix = process.platform !== 'win32';

let tmp: string;
let bin: string;
let replay: string;
let root: string;
let rulesYaml: string;
let routesYaml: string;
let brokenRuleYaml: string;
let runCount = 0;

const RULE_IDS = ['no-eval', 'sql-string-concat', 'redos-prone-regex', 'future-rule', 'express-route', 'missing-message', 'eval'];

beforeAll(() => {
  tmp = realpathSync(mkdtempSync(join(tmpdir(), 'vigil-semgrep-replay-')));
  bin = join(tmp, 'bin');
  mkdirSync(bin);
  replay = join(bin, 'semgrep');
  copyFileSync(join(REPLAY_DIR, 'semgrep'), replay);
  chmodSync(replay, 0o755);
  root = join(tmp, 'project');
  cpSync(join(REPLAY_DIR, 'project'), root, { recursive: true });
  rulesYaml = join(root, 'rules/code/js/rules.yaml');
  routesYaml = join(root, 'rules/code/js/routes.yaml');
  brokenRuleYaml = join(root, 'rules/code/js/broken-rule.yaml');
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const saved = new Map<string, string | undefined>();
/** Set SEMGREP_REPLAY_* for the replay this test starts; afterEach puts them back. */
function steer(vars: Record<string, string>): string {
  const argvFile = join(tmp, `calls-${++runCount}.jsonl`);
  for (const [k, v] of Object.entries({ SEMGREP_REPLAY_ARGV: argvFile, ...vars })) {
    if (!saved.has(k)) saved.set(k, process.env[k]);
    process.env[k] = v;
  }
  return argvFile;
}
afterEach(() => {
  for (const [k, v] of saved) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  saved.clear();
});

interface Call {
  argv: string[];
  cwd: string;
  pid: number;
  helperPid?: number;
}
const calls = (file: string): Call[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Call)
    : [];

const options = (extra: Partial<SemgrepRunOptions> = {}): SemgrepRunOptions => ({
  semgrep: replay,
  ruleFiles: [rulesYaml, routesYaml],
  root,
  ruleIds: RULE_IDS,
  ...extra,
});

async function rejection(p: Promise<unknown>): Promise<VigilError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(VigilError);
  return e as VigilError;
}

/** Live (not zombie) processes among pids, from ps. */
function alive(pids: number[]): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,stat='], { encoding: 'utf8' });
  const live = new Set(
    out
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter(([, stat]) => stat !== undefined && !stat.startsWith('Z'))
      .map(([pid]) => Number(pid)),
  );
  return pids.filter((p) => live.has(p));
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}

/** The text between two 1-based (line, UTF-16 column) positions of a file, end exclusive. */
function textAt(file: string, startLine: number, startColumn: number, endLine: number, endColumn: number): string {
  const lines = readFileSync(file, 'utf8').split('\n');
  if (startLine === endLine) return lines[startLine - 1]!.slice(startColumn - 1, endColumn - 1);
  return [lines[startLine - 1]!.slice(startColumn - 1), ...lines.slice(startLine, endLine - 1), lines[endLine - 1]!.slice(0, endColumn - 1)].join('\n');
}

describe('runSemgrep against the replay', () => {
  it('passes the fixed flags, every rule file and the named files, from the scan root', async () => {
    const argvFile = steer({ SEMGREP_REPLAY_OUTPUT: join(REPLAY_DIR, 'scan.json') });
    await runSemgrep(options({ files: ['src/app.js', join(root, 'src/unicode.js'), 'src/broken.js', 'src/app.js'] }));
    const [call, ...more] = calls(argvFile);
    expect(more).toEqual([]);
    expect(call!.argv).toEqual([
      'scan',
      '--json',
      '--metrics=off',
      '--disable-version-check',
      '--config',
      rulesYaml,
      '--config',
      routesYaml,
      '--no-git-ignore',
      'src/app.js',
      'src/unicode.js',
      'src/broken.js',
    ]);
    expect(call!.cwd).toBe(root);
  });

  it('scans the root, with semgrep\'s own ignore rules, when no files are named', async () => {
    const argvFile = steer({ SEMGREP_REPLAY_OUTPUT: join(REPLAY_DIR, 'scan.json') });
    const out = await runSemgrep(options());
    const argv = calls(argvFile)[0]!.argv;
    expect(argv.at(-1)).toBe('.');
    expect(argv).not.toContain('--no-git-ignore');
    expect(out.scanned).toEqual(['src/app.js', 'src/broken.js', 'src/unicode.js']);
    expect(out.exitCode).toBe(0);
  });

  describe('a scan with findings, errors and a skipped rule', () => {
    let out: Awaited<ReturnType<typeof runSemgrep>>;
    beforeAll(async () => {
      steer({ SEMGREP_REPLAY_OUTPUT: join(REPLAY_DIR, 'scan.json') });
      out = await runSemgrep(options());
    });

    it('maps prefixed check_ids back to rule ids, on a dot boundary', () => {
      // `eval` is a known id too: `rules.code.js.no-eval` ends with "eval" but not with ".eval"
      expect(out.matches.map((m) => `${m.path}:${m.startLine} ${m.ruleId}`)).toEqual([
        'src/app.js:6 express-route',
        'src/app.js:8 no-eval',
        'src/app.js:12 express-route',
        'src/app.js:13 sql-string-concat',
        'src/unicode.js:3 no-eval',
        'src/unicode.js:4 no-eval',
      ]);
    });

    it('keeps positions 1-based and end-exclusive, in UTF-16 columns on non-ASCII lines', () => {
      const at = (path: string, line: number) => out.matches.find((m) => m.path === path && m.startLine === line)!;
      expect(at('src/app.js', 8)).toMatchObject({ startLine: 8, startColumn: 3, endLine: 8, endColumn: 13 });
      expect(at('src/app.js', 6)).toMatchObject({ startLine: 6, startColumn: 1, endLine: 10, endColumn: 3 });
      // semgrep's byte columns there are 1..12 and 21..30: "é" is two bytes, "🔥" four bytes but two UTF-16 units
      expect(at('src/unicode.js', 3)).toMatchObject({ startColumn: 1, endColumn: 11 });
      expect(at('src/unicode.js', 4)).toMatchObject({ startColumn: 19, endColumn: 28 });
    });

    it('reads each snippet from the scanned file, not from semgrep\'s "requires login" lines', () => {
      for (const m of out.matches) {
        expect(m.snippet).toBe(textAt(join(root, m.path), m.startLine, m.startColumn, m.endLine, m.endColumn));
      }
      const snippets = out.matches.map((m) => m.snippet);
      expect(snippets).toContain('eval(café)');
      expect(snippets).toContain('eval(msg)');
      expect(snippets).toContain('"SELECT * FROM users WHERE id = " + req.query.id');
      expect(snippets).toContain("app.get('/run', (req, res) => {\n  const code = req.query.code;\n  eval(code);\n  res.send('ran');\n})");
    });

    it('keeps semgrep\'s interpolated message, the bindings and the fix', () => {
      const sql = out.matches.find((m) => m.ruleId === 'sql-string-concat')!;
      expect(sql.message).toBe('SQL text is concatenated with req.query.id; use a parameterised query');
      expect(sql.bindings).toEqual({ $SQL: 'SELECT * FROM users WHERE id = ', $INPUT: 'req.query.id' });
      expect(sql.fix).toBe('"SELECT * FROM users WHERE id = ?" /* bind req.query.id */');
      const cafe = out.matches.find((m) => m.path === 'src/unicode.js' && m.startLine === 3)!;
      expect(cafe).toMatchObject({ message: 'eval() runs café as code', bindings: { $X: 'café' } });
      expect(cafe.fix).toBeUndefined();
    });

    it('leaves out the result a nosemgrep comment silenced, and counts it', () => {
      expect(out.ignored).toBe(1);
      expect(out.matches.some((m) => m.path === 'src/app.js' && m.startLine === 18)).toBe(false);
    });

    it('turns every error and skipped rule into a problem, with its file and line', () => {
      expect(out.problems).toEqual([
        { problem: 'src/broken.js:1:18: Syntax error at line src/broken.js:1: `{` was unexpected' },
        { ruleId: 'redos-prone-regex', problem: 'src/app.js: Timeout when running rules.code.js.redos-prone-regex on src/app.js' },
        {
          ruleId: 'future-rule',
          source: { file: rulesYaml, line: 21, column: 5 },
          problem: 'semgrep skipped the rule: This rule requires upgrading Semgrep from version 1.86.0 to at least 99.0.0',
        },
      ]);
      expect(readFileSync(rulesYaml, 'utf8').split('\n')[20]).toBe('  - id: future-rule');
    });
  });

  it('keeps only what lies under the named files', async () => {
    steer({ SEMGREP_REPLAY_OUTPUT: join(REPLAY_DIR, 'scan.json') });
    const out = await runSemgrep(options({ files: ['src/unicode.js'] }));
    expect(out.matches.map((m) => m.path)).toEqual(['src/unicode.js', 'src/unicode.js']);
    expect(out.scanned).toEqual(['src/unicode.js']);
    expect(out.ignored).toBe(0);
  });

  it('reads exit code 2 with JSON as results plus problems', async () => {
    steer({ SEMGREP_REPLAY_OUTPUT: join(REPLAY_DIR, 'exit-2.json'), SEMGREP_REPLAY_EXIT: '2' });
    const out = await runSemgrep(options({ files: ['src/app.js'] }));
    expect(out.exitCode).toBe(2);
    expect(out.matches.map((m) => `${m.startLine} ${m.ruleId} ${m.snippet}`)).toEqual(['8 no-eval eval(code)', '18 no-eval eval(process.argv[2])']);
    expect(out.problems).toEqual([
      { problem: "src/app.js:17:4: SemgrepError: found 'nosem' comment with id 'no-eval', but no corresponding rule trying 'rules.code.js.no-eval'" },
    ]);
  });

  it('points a rule-schema error (exit 7) at the rule file and line', async () => {
    steer({ SEMGREP_REPLAY_OUTPUT: join(REPLAY_DIR, 'invalid-rule.json'), SEMGREP_REPLAY_EXIT: '7' });
    const out = await runSemgrep(options({ ruleFiles: [rulesYaml, brokenRuleYaml] }));
    expect(out).toMatchObject({ matches: [], scanned: [], exitCode: 7 });
    expect(out.problems).toEqual([
      { source: { file: brokenRuleYaml, line: 2, column: 5 }, problem: "InvalidRuleSchemaError: One of these properties is missing: 'message'" },
      { problem: 'SemgrepError: invalid configuration file found (1 configs were invalid)' },
    ]);
  });

  it('reports a rule file semgrep cannot find as a problem', async () => {
    steer({ SEMGREP_REPLAY_OUTPUT: join(REPLAY_DIR, 'scan.json') });
    const gone = join(root, 'rules/code/js/gone.yaml');
    const out = await runSemgrep(options({ ruleFiles: [gone] }));
    expect(out.exitCode).toBe(7);
    expect(out.problems).toEqual([{ problem: `SemgrepError: WARNING: unable to find a config; path \`${gone}\` does not exist` }]);
  });

  it('adds a problem when semgrep exits 2 or more without saying why', async () => {
    const quiet = join(tmp, 'quiet.json');
    writeFileSync(quiet, JSON.stringify({ errors: [], results: [], paths: { scanned: [] }, version: '1.86.0' }));
    steer({ SEMGREP_REPLAY_OUTPUT: quiet, SEMGREP_REPLAY_EXIT: '2' });
    const out = await runSemgrep(options());
    expect(out.problems).toEqual([{ problem: 'semgrep exited with code 2 (a fatal error) without listing an error; its results may be incomplete' }]);
  });

  it('names a check_id no known rule explains, and keeps its finding', async () => {
    steer({ SEMGREP_REPLAY_OUTPUT: join(REPLAY_DIR, 'scan.json') });
    const out = await runSemgrep(options({ files: ['src/unicode.js'], ruleIds: ['sql-string-concat'] }));
    expect(out.matches.map((m) => m.ruleId)).toEqual(['rules.code.js.no-eval', 'rules.code.js.no-eval']);
    expect(out.problems).toEqual([
      { ruleId: 'rules.code.js.no-eval', problem: 'semgrep reported rule "rules.code.js.no-eval", which is none of the rules vigil gave it; its findings keep semgrep\'s id' },
      // two rule files, and the id unknown: the skipped rule's line cannot be tied to a file
      {
        ruleId: 'rules.code.js.future-rule',
        problem: 'semgrep skipped the rule: This rule requires upgrading Semgrep from version 1.86.0 to at least 99.0.0 (line 21 of its rule file)',
      },
    ]);
  });

  it('splits a file list too long for one command line over several runs, and merges them', async () => {
    const argvFile = steer({ SEMGREP_REPLAY_OUTPUT: join(REPLAY_DIR, 'scan.json') });
    const many = join(root, 'many');
    mkdirSync(many, { recursive: true });
    const names: string[] = [];
    for (let i = 0; i < 1500; i++) {
      const name = `many/f${String(i).padStart(4, '0')}-${'x'.repeat(180)}.js`;
      writeFileSync(join(root, name), '');
      names.push(name);
    }
    try {
      const out = await runSemgrep(options({ files: ['src/app.js', ...names, 'src/unicode.js'] }));
      const runs = calls(argvFile);
      expect(runs.length).toBeGreaterThan(1);
      const targets = runs.flatMap((r) => r.argv.slice(r.argv.indexOf('--no-git-ignore') + 1));
      expect(targets).toEqual(['src/app.js', ...names, 'src/unicode.js']);
      for (const r of runs) expect(r.argv.slice(0, 9)).toEqual(calls(argvFile)[0]!.argv.slice(0, 9));
      // src/app.js went with the first run and src/unicode.js with the last: both runs' findings are kept
      expect(out.matches.map((m) => m.path)).toEqual(['src/app.js', 'src/app.js', 'src/app.js', 'src/app.js', 'src/unicode.js', 'src/unicode.js']);
      expect(out.scanned).toEqual(['src/app.js', 'src/unicode.js']);
      expect(out.problems.filter((p) => p.ruleId === 'future-rule')).toHaveLength(1);
    } finally {
      rmSync(many, { recursive: true, force: true });
    }
  });

  it('runs nothing for an empty file list or no rule files', async () => {
    const argvFile = steer({ SEMGREP_REPLAY_OUTPUT: join(REPLAY_DIR, 'scan.json') });
    expect(await runSemgrep(options({ files: [] }))).toEqual({ matches: [], problems: [], scanned: [], ignored: 0, exitCode: 0 });
    expect(await runSemgrep(options({ ruleFiles: [] }))).toEqual({ matches: [], problems: [], scanned: [], ignored: 0, exitCode: 0 });
    expect(calls(argvFile)).toEqual([]);
  });

  it('refuses a file outside the scan root', async () => {
    const e = await rejection(runSemgrep(options({ files: [join(tmp, 'elsewhere.js')] })));
    expect(e.code).toBe('VIGIL_ERR_USAGE');
    expect(e.message).toContain('outside the scan root');
  });
});

describe('runSemgrep when semgrep fails', () => {
  it('turns a crash with exit 139 and garbage on stdout into VIGIL_ERR_SEMGREP with the end of stderr', async () => {
    steer({ SEMGREP_REPLAY_OUTPUT: join(REPLAY_DIR, 'crash.txt'), SEMGREP_REPLAY_EXIT: '139', SEMGREP_REPLAY_STDERR: 'Scanning 3 files\nFatal: semgrep-core crashed\nSegmentation fault\n' });
    const e = await rejection(runSemgrep(options()));
    expect(e.code).toBe('VIGIL_ERR_SEMGREP');
    expect(e.message).toContain('exited with code 139');
    expect(e.message).toContain('not JSON');
    expect(e.message).toMatch(/semgrep-core crashed\nSegmentation fault$/);
  });

  it.runIf(posix)('turns death by a signal into VIGIL_ERR_SEMGREP naming it', async () => {
    steer({ SEMGREP_REPLAY_OUTPUT: join(REPLAY_DIR, 'crash.txt'), SEMGREP_REPLAY_SIGNAL: 'SIGSEGV' });
    const e = await rejection(runSemgrep(options()));
    expect(e.code).toBe('VIGIL_ERR_SEMGREP');
    expect(e.message).toContain('was killed by SIGSEGV');
  });

  it('does not take exit 0 with unreadable output for a clean scan', async () => {
    steer({ SEMGREP_REPLAY_OUTPUT: join(REPLAY_DIR, 'crash.txt') });
    const e = await rejection(runSemgrep(options()));
    expect(e.code).toBe('VIGIL_ERR_SEMGREP');
    expect(e.message).toContain('exited with code 0 and printed output that is not JSON');
  });

  it('rejects JSON that is not semgrep\'s, and a result without its fields', async () => {
    const other = join(tmp, 'other.json');
    writeFileSync(other, JSON.stringify({ findings: [] }));
    steer({ SEMGREP_REPLAY_OUTPUT: other });
    expect((await rejection(runSemgrep(options()))).message).toContain('without semgrep\'s "results" and "errors" lists');

    const noId = join(tmp, 'no-id.json');
    writeFileSync(noId, JSON.stringify({ errors: [], results: [{ path: 'src/app.js', start: { line: 1, col: 1 }, end: { line: 1, col: 2 } }] }));
    steer({ SEMGREP_REPLAY_OUTPUT: noId });
    const e = await rejection(runSemgrep(options()));
    expect(e.code).toBe('VIGIL_ERR_SEMGREP');
    expect(e.message).toContain('results[0]: no "check_id" string');
  });

  it('stops reading at the output ceiling', async () => {
    steer({ SEMGREP_REPLAY_OUTPUT: join(REPLAY_DIR, 'scan.json') });
    const e = await rejection(runSemgrep(options({ maxOutputBytes: 1024 })));
    expect(e.code).toBe('VIGIL_ERR_SEMGREP');
    expect(e.message).toContain('more than 1024 bytes');
  });

  it('names a semgrep that cannot be started', async () => {
    const e = await rejection(runSemgrep(options({ semgrep: join(tmp, 'no-such-semgrep') })));
    expect(e.code).toBe('VIGIL_ERR_SEMGREP');
    expect(e.message).toContain(`could not run ${join(tmp, 'no-such-semgrep')}`);
  });

  it.runIf(posix)('kills semgrep and what it started when the scan is aborted', async () => {
    const argvFile = steer({ SEMGREP_REPLAY_SLEEP: '1' });
    const ac = new AbortController();
    const reason = new Error('scan cancelled');
    const run = runSemgrep(options({ signal: ac.signal }));
    expect(await until(() => calls(argvFile)[0]?.helperPid !== undefined, 10_000)).toBe(true);
    const { pid, helperPid } = calls(argvFile)[0]!;
    expect(alive([pid, helperPid!])).toEqual([pid, helperPid]);
    ac.abort(reason);
    await expect(run).rejects.toBe(reason);
    expect(await until(() => alive([pid, helperPid!]).length === 0, 10_000)).toBe(true);
  });

  it.runIf(posix)('kills semgrep and what it started at the time limit', async () => {
    const argvFile = steer({ SEMGREP_REPLAY_SLEEP: '1' });
    const e = await rejection(runSemgrep(options({ timeoutMs: 1000 })));
    expect(e.code).toBe('VIGIL_ERR_SCANNER_TIMEOUT');
    const call = calls(argvFile)[0];
    // the replay may have been stopped before it wrote anything; if it wrote, it and its helper are gone
    if (call) expect(await until(() => alive([call.pid, call.helperPid!]).length === 0, 10_000)).toBe(true);
  });

  it('does not start when the signal is already aborted', async () => {
    const argvFile = steer({ SEMGREP_REPLAY_OUTPUT: join(REPLAY_DIR, 'scan.json') });
    const ac = new AbortController();
    ac.abort(new Error('already'));
    await expect(runSemgrep(options({ signal: ac.signal }))).rejects.toThrow('already');
    expect(calls(argvFile)).toEqual([]);
  });
});

describe('semgrepRuleId', () => {
  it.each([
    ['no-eval', ['no-eval'], 'no-eval'],
    ['rules.code.js.no-eval', ['no-eval'], 'no-eval'],
    ['rules.code.js.no-eval', ['eval'], undefined],
    ['rules.code.js.no-eval', ['no-eval', 'js.no-eval'], 'js.no-eval'],
    ['tmp.x.rules.a.b', ['b', 'a.b', 'rules.a'], 'a.b'],
    ['rules.other', ['no-eval'], undefined],
  ] as const)('%s with %j → %s', (checkId, ids, want) => {
    expect(semgrepRuleId(checkId, ids)).toBe(want);
  });
});

describe('findSemgrep', () => {
  const nodeDir = dirname(process.execPath);

  it('finds the replay on PATH and asks it for its version', async () => {
    const argvFile = join(tmp, `version-${++runCount}.jsonl`);
    const found = await findSemgrep({ PATH: [join(tmp, 'nowhere'), bin, nodeDir].join(delimiter), SEMGREP_REPLAY_ARGV: argvFile });
    expect(found).toEqual({ path: replay, version: '1.86.0' });
    expect(calls(argvFile).map((c) => c.argv)).toEqual([['--version']]);
  });

  it('finds nothing when no semgrep is on PATH', async () => {
    expect(existsSync(join(nodeDir, 'semgrep'))).toBe(false);
    expect(await findSemgrep({ PATH: nodeDir })).toBeUndefined();
    expect(await findSemgrep({})).toBeUndefined();
  });

  it('ignores relative PATH entries, which would run a semgrep the scanned project ships', async () => {
    expect(await findSemgrep({ PATH: ['bin', nodeDir].join(delimiter) })).toBeUndefined();
  });

  it('prefers SEMGREP_PATH, a binary or the folder holding it', async () => {
    const env = { PATH: nodeDir };
    expect(await findSemgrep({ ...env, SEMGREP_PATH: replay })).toEqual({ path: replay, version: '1.86.0' });
    expect(await findSemgrep({ ...env, SEMGREP_PATH: bin })).toEqual({ path: replay, version: '1.86.0' });
  });

  it.runIf(posix)('says so when SEMGREP_PATH is no semgrep', async () => {
    const plain = join(tmp, 'not-executable');
    writeFileSync(plain, '#!/bin/sh\n');
    chmodSync(plain, 0o644);
    const e = await rejection(findSemgrep({ PATH: nodeDir, SEMGREP_PATH: plain }));
    expect(e.code).toBe('VIGIL_ERR_SEMGREP');
    expect(e.message).toContain(`SEMGREP_PATH is ${plain}`);
  });

  it('says so when the semgrep found prints no version', async () => {
    const e = await rejection(findSemgrep({ PATH: [bin, nodeDir].join(delimiter), SEMGREP_REPLAY_VERSION: '' }));
    expect(e.code).toBe('VIGIL_ERR_SEMGREP');
    expect(e.message).toContain(`${replay} --version printed no version number`);
  });
});
