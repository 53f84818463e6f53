import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { vigil } from '../helpers/cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REPLAY = fileURLToPath(new URL('../fixtures/code/semgrep-replay/semgrep', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vigil-code-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Write files under a fresh folder of the test's temp dir. */
function tree(name: string, files: Record<string, string>): string {
  const root = join(dir, name);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

const EVAL_RULE = `rules:
  - id: test-eval
    message: eval of $X runs code from data; parse it instead
    severity: ERROR
    languages: [javascript]
    metadata:
      cwe: ['CWE-95: Eval Injection']
      owasp: ['A03:2021 - Injection']
      asvs: ['V5.2.4']
    patterns:
      - pattern: eval($X)
      - pattern-not: eval("...")
`;

interface JsonOut {
  run: { scanners: { id: string; status: string; notes: string[] }[] };
  findings: { ruleId: string; severity: string; cwe: string[]; controls: string[]; evidence: string; location: { path: string; startLine: number; startColumn: number; endColumn: number; snippet: string }; properties: { engine: string } }[];
}

describe('Semgrep rule options', () => {
  /** Scan `src/a.js` with the rule file, as JSON; its findings and the code scanner's notes. */
  const scanWith = (name: string, rules: string, code: string) => {
    const root = tree(name, { 'r.yaml': rules, 'src/a.js': code });
    const r = vigil(['scan', 'code', join(root, 'src'), '--rules', join(root, 'r.yaml'), '--no-ledger', '-f', 'json', '--fail-on', 'none'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as JsonOut;
    return { findings: out.findings, notes: out.run.scanners.find((x) => x.id === 'code')!.notes.join('\n') };
  };

  it('a rule option the embedded engine does not apply is named in the scan notes, and the rule still runs', () => {
    const { findings, notes } = scanWith('options', 'rules:\n  - id: opt\n    message: m\n    severity: INFO\n    languages: [javascript]\n    options:\n      constant_propagation: true\n      symbolic_propagation: true\n    pattern: eval(...)\n', 'eval(x);\n');
    expect(findings.map((f) => f.ruleId)).toEqual(['opt']);
    expect(notes).toContain('the embedded engine does not apply: symbolic_propagation: true');
    expect(notes).not.toContain('constant_propagation');
  });

  it('a rule listing a language the engine does not read runs for the others and says so; one with none of them is refused', () => {
    const { findings, notes } = scanWith('languages', 'rules:\n  - id: multi\n    message: m\n    severity: INFO\n    languages: [javascript, html]\n    pattern: eval(...)\n  - id: htmlonly\n    message: m\n    severity: INFO\n    languages: [html]\n    pattern: <script>\n', 'eval(x);\n');
    expect(findings.map((f) => f.ruleId)).toEqual(['multi']);
    expect(notes).toContain('does not apply: languages html (the rule runs for the others)');
    expect(notes).toMatch(/r\.yaml:10:\d+: rule htmlonly: the embedded engine reads none of this rule's languages \(html\)/);
  });

  it('a taint sink is exact by default, as in Semgrep: a call sink is reached through its arguments; exact: false reads the whole match', () => {
    const code = 'function h() {\n  const a = src();\n  sink(a);\n  sink(1, () => use(a));\n}\n';
    const rule = (exact: string) => `rules:\n  - id: ex\n    message: m\n    severity: INFO\n    languages: [javascript]\n    mode: taint\n    pattern-sources:\n      - pattern: src()\n    pattern-sinks:\n      - ${exact}pattern: sink(...)\n`;
    for (const exact of ['', 'exact: true\n        ']) {
      const { findings, notes } = scanWith(`exact${exact.length}`, rule(exact), code);
      expect(findings.map((f) => f.location.startLine)).toEqual([3]);
      expect(notes).not.toContain('exact');
    }
    const { findings } = scanWith('inexact', rule('exact: false\n        '), code);
    expect(findings.map((f) => f.location.startLine)).toEqual([3, 4]);
  });
});

describe('vigil rules test', () => {
  it('passes over the whole shipped pack (CI runs this), which has 80+ JS/TS rules and 10+ for Python, Go and Java', () => {
    const r = vigil(['rules', 'test', 'rules'], { cwd: ROOT });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const m = /(\d+)\/(\d+) rules passed/.exec(r.stdout);
    expect(m?.[1]).toBe(m?.[2]);
    const json = vigil(['rules', 'test', 'rules', '--json'], { cwd: ROOT });
    const out = JSON.parse(json.stdout) as { results: Record<string, { checks: Record<string, { passed: boolean }> }> };
    const byLang = (lang: string) => Object.entries(out.results).filter(([f]) => f.includes(`/${lang}/`)).reduce((n, [, v]) => n + Object.keys(v.checks).length, 0);
    expect(byLang('javascript')).toBeGreaterThanOrEqual(80);
    for (const lang of ['python', 'go', 'java']) expect(byLang(lang)).toBeGreaterThanOrEqual(10);
  });

  it('fails (exit 1) when a rule misses an annotated line or hits an ok line, naming the lines', () => {
    const root = tree('failing', {
      'eval.yaml': EVAL_RULE,
      'eval.js': '// ruleid: test-eval\neval(code);\n// ok: test-eval\neval("1 + 1");\n// ruleid: test-eval\nrun(code);\n',
    });
    const r = vigil(['rules', 'test', root], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/FAIL\s+test-eval/);
    expect(r.stdout).toContain('missing lines 6');
    expect(r.stdout).toContain('0/1 rules passed');
  });

  it('a bad rule is exit 2 naming the rule id, the file and the line', () => {
    const root = tree('bad-rule', { 'bad.yaml': EVAL_RULE.replace('pattern-not: eval("...")', 'pattern-nott: eval("...")'), 'bad.js': '// ruleid: test-eval\neval(x);\n' });
    const r = vigil(['rules', 'test', root], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/VIGIL_ERR_RULE_INVALID: .*bad\.yaml:12:\d+: rule test-eval: unknown operator "pattern-nott"/);
  });

  it('an annotation naming an unknown rule id is exit 2', () => {
    const root = tree('unknown-id', { 'eval.yaml': EVAL_RULE, 'eval.js': '// ruleid: test-evl\neval(x);\n' });
    const r = vigil(['rules', 'test', root], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown rule id "test-evl"');
  });
});

describe('vigil scan code', () => {
  const project = tree('project', {
    '.gitignore': 'build/\n',
    'src/app.js': 'const x = 1;\nfunction run(code) {\n  return eval(code);\n}\neval("2 + 2");\n',
    'src/types.ts': 'export const f = (s: string): unknown => eval(s);\n',
    'src/broken.js': 'function (( {\n  eval(a)\n',
    'build/out.js': 'eval(generated);\n',
    'public/lib.min.js': 'eval(minified);\n',
  });
  const rules = tree('rules', { 'eval.yaml': EVAL_RULE, 'broken.yaml': 'rules:\n  - id: broken\n    message: m\n    severity: ERROR\n    languages: [javascript]\n    pattern-regex: "a(b"\n' });

  it('reports file:line:column with the snippet, skips ignored and minified files, and notes what it could not do', () => {
    const r = vigil(['scan', 'code', project, '--rules', rules, '--no-ledger', '-f', 'json', '--fail-on', 'high'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout) as JsonOut;
    const found = out.findings.filter((f) => f.ruleId === 'test-eval').map((f) => `${f.location.path}:${f.location.startLine}:${f.location.startColumn}`);
    // paths are relative to where vigil runs (the config's folder); a `javascript` rule does not run on .ts files, as in Semgrep;
    // build/ is git-ignored and lib.min.js minified
    expect(found).toEqual(['project/src/app.js:3:10']);
    const f = out.findings.find((x) => x.location.path === 'project/src/app.js')!;
    expect(f).toMatchObject({ severity: 'high', cwe: ['CWE-95'], controls: ['OWASP:A03:2021', 'ASVS:V5.2.4'], location: { snippet: 'eval(code)', endColumn: 20 }, properties: { engine: 'embedded' } });
    const notes = out.run.scanners[0]!.notes.join('\n');
    expect(notes).toMatch(/broken\.yaml:6:\d+: rule broken: bad regex/);
    expect(notes).toMatch(/did not parse cleanly.*src\/broken\.js:1/);
    expect(notes).toMatch(/skipped 1 minified/);
    expect(r.stderr).toContain('vigil: note: code on');
  });

  it('on a tree big enough for worker threads (over 4 MB) finds the same things, secrets included, in walk order', () => {
    const files: Record<string, string> = {};
    const filler = Array.from({ length: 700 }, (_, k) => `const v${k} = compute(${k}, "${'x'.repeat(16)}");`).join('\n');
    for (let i = 0; i < 150; i++) files[`src/m${String(i).padStart(3, '0')}.js`] = `${filler}\nfunction run${i}(code) {\n  return eval(code);\n}\n`;
    // a fake payment key assembled at test time (random-looking, so the secrets pass takes it), in a file no code rule reads
    files['config/keys.txt'] = `PAYMENT_KEY=${['sk', 'live', createHash('sha256').update('vigil fake key').digest('hex').slice(0, 24)].join('_')}\n`;
    files['src/broken.js'] = 'function (( {\n  eval(a)\n';
    const big = tree('big', files);
    const r = vigil(['scan', 'code', big, '--rules', rules, '--no-ledger', '-f', 'json', '--fail-on', 'none'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as JsonOut;
    const evals = out.findings.filter((f) => f.ruleId === 'test-eval').map((f) => `${f.location.path}:${f.location.startLine}`);
    expect(evals).toEqual(Array.from({ length: 150 }, (_, i) => `big/src/m${String(i).padStart(3, '0')}.js:702`));
    expect(out.findings.filter((f) => f.ruleId !== 'test-eval').map((f) => f.location.path)).toContain('big/config/keys.txt');
    expect(out.run.scanners[0]!.notes.join('\n')).toMatch(/did not parse cleanly.*src\/broken\.js:1/);
  });

  it('runs the real semgrep when one is on PATH (here a replay of its JSON) and maps its results to the same findings', () => {
    const bin = join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    copyFileSync(REPLAY, join(bin, 'semgrep'));
    chmodSync(join(bin, 'semgrep'), 0o755);
    const none = vigil(['scan', 'code', project, '--rules', rules, '--engine', 'semgrep', '--no-ledger'], { cwd: dir, env: { PATH: `/usr/bin${delimiter}/bin`, SEMGREP_PATH: undefined } });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no semgrep on PATH');
    // what semgrep prints for this project and rule (its JSON shape; ids prefixed with the config's folder)
    const output = join(dir, 'semgrep-out.json');
    writeFileSync(
      output,
      JSON.stringify({
        version: '1.86.0',
        results: [
          {
            check_id: 'rules.test-eval',
            path: 'src/app.js',
            start: { line: 3, col: 10, offset: 43 },
            end: { line: 3, col: 20, offset: 53 },
            extra: {
              message: 'eval of code runs code from data; parse it instead',
              metavars: { $X: { start: { line: 3, col: 15, offset: 48 }, end: { line: 3, col: 19, offset: 52 }, abstract_content: 'code' } },
              lines: 'requires login',
              severity: 'ERROR',
              metadata: {},
              is_ignored: false,
              engine_kind: 'OSS',
              fingerprint: 'requires login',
            },
          },
        ],
        errors: [],
        paths: { scanned: ['src/app.js'] },
        skipped_rules: [],
      }),
    );
    const argvLog = join(dir, 'semgrep-argv.jsonl');
    const r = vigil(['scan', 'code', project, '--rules', rules, '--no-ledger', '--no-secrets', '-f', 'json', '--fail-on', 'none'], {
      cwd: dir,
      env: { PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, SEMGREP_REPLAY_OUTPUT: output, SEMGREP_REPLAY_ARGV: argvLog },
    });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as JsonOut;
    expect(out.findings.map((f) => [f.ruleId, f.location.path, f.location.startLine, f.location.startColumn, f.location.snippet, f.properties.engine])).toEqual([
      ['test-eval', 'project/src/app.js', 3, 10, 'eval(code)', 'semgrep'],
    ]);
    const scan = readFileSync(argvLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { argv: string[] })
      .find((c) => c.argv[0] === 'scan')!;
    // only the rule file that loaded goes to semgrep; the broken one is noted instead
    expect(scan.argv).toEqual(expect.arrayContaining(['--json', '--metrics=off', '--config', join(rules, 'eval.yaml')]));
    expect(scan.argv).not.toContain(join(rules, 'broken.yaml'));
  });
});

describe('code in vigil.yaml', () => {
  it('takes its options from the target, and a misspelt option is exit 2', () => {
    const root = tree('configured', {
      'src/a.js': 'eval(input);\n',
      'rules/eval.yaml': EVAL_RULE,
      'vigil.yaml': 'version: 1\ntargets:\n  - name: app\n    kind: path\n    path: src\n    scanners:\n      code: { engine: embedded, rules: rules, secrets: false }\n',
    });
    const ok = vigil(['scan', '--no-ledger', '-f', 'json', '--fail-on', 'none'], { cwd: root });
    expect(ok.code, ok.stderr).toBe(0);
    expect((JSON.parse(ok.stdout) as JsonOut).findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine}`)).toEqual(['test-eval src/a.js:1']);
    writeFileSync(join(root, 'vigil.yaml'), 'version: 1\ntargets:\n  - name: app\n    kind: path\n    path: src\n    scanners:\n      code: { engnie: embedded }\n');
    const bad = vigil(['scan', '--no-ledger'], { cwd: root });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('code: unknown option "engnie"');
  });
});

describe('the rule pack', () => {
  it('every rule carries CWE, OWASP and ASVS metadata and an annotated example', () => {
    const r = vigil(['rules', 'test', 'rules/code', '--json'], { cwd: ROOT });
    const out = JSON.parse(r.stdout) as { results: Record<string, unknown>; config_missing_tests: string[] };
    expect(out.config_missing_tests).toEqual([]);
    for (const file of Object.keys(out.results)) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      expect(text, file).toMatch(/cwe:/);
      expect(text, file).toMatch(/owasp:/);
      expect(text, file).toMatch(/asvs:/);
    }
  });
});

describe('a single file as the target', () => {
  it("reports the file's own path (not app.js/app.js), and a folder target keeps paths relative to where vigil runs", () => {
    const root = tree('single-file', { 'app.js': 'eval(input);\n', 'sub/deep/app.js': 'eval(input);\n', 'rules/eval.yaml': EVAL_RULE });
    const paths = (target: string, cwd = root) => {
      const r = vigil(['scan', 'code', target, '--rules', join(root, 'rules'), '--engine', 'embedded', '-f', 'json', '--no-ledger', '--fail-on', 'none'], { cwd });
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as JsonOut).findings.map((f) => f.location.path);
    };
    expect(paths('app.js')).toEqual(['app.js']);
    expect(paths('sub/deep/app.js')).toEqual(['sub/deep/app.js']);
    expect(paths('deep/app.js', join(root, 'sub'))).toEqual(['deep/app.js']);
    expect(paths('sub')).toEqual(['sub/deep/app.js']);
    expect(paths('.')).toEqual(['app.js', 'sub/deep/app.js']);
    // from a parent folder: relative to where vigil runs, as for a folder's files
    expect(paths(join(root, 'sub/deep/app.js'), dir)).toEqual(['single-file/sub/deep/app.js']);
  });
});
