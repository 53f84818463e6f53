import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { VigilError } from '../../../src/errors.js';
import {
  compareRuleTest,
  discoverRuleTests,
  formatRuleTestTable,
  judgeRuleTest,
  parseAnnotations,
  ruleTestExitCode,
  ruleTestJson,
  runRuleTests,
  type RuleTestCase,
  type RuleTestEvaluation,
  type RuleTestResult,
} from '../../../scanners/code/rule-test.js';
import type { RuleMatch, RuleProblem } from '../../../scanners/code/types.js';

const temps: string[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A temporary folder holding `files` (relative path → content). */
async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-rule-test-'));
  temps.push(dir);
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  return dir;
}

/** The error `fn` throws (failing the test when it throws none). */
function thrown(fn: () => unknown): VigilError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(VigilError);
    return e as VigilError;
  }
  throw new Error('expected a VigilError, but nothing was thrown');
}

const match = (ruleId: string, path: string, startLine: number, endLine = startLine): RuleMatch => ({
  ruleId,
  path,
  startLine,
  startColumn: 1,
  endLine,
  endColumn: 2,
  snippet: '',
  message: '',
  bindings: {},
});

/** Annotation targets as `kind ids -> line (from line)`, the shape tests read best. */
const targets = (text: string, file = 'test.js') =>
  parseAnnotations(text, file).annotations.map((a) => `${a.kind} ${a.ruleIds.join('|')} -> ${a.appliesTo} (from ${a.line})`);

/**
 * A small but real engine for the orchestrator tests: each rule's `pattern-regex` is compiled and
 * run over every target, reporting the line each match starts on. A regex that does not compile
 * comes back as a problem, the way a broken pattern does from the real engine.
 */
async function regexEngine(testCase: RuleTestCase): Promise<RuleTestEvaluation> {
  const doc = parse(await readFile(testCase.ruleFile, 'utf8')) as { rules: { id: string; 'pattern-regex': string }[] };
  const matches: RuleMatch[] = [];
  const problems: RuleProblem[] = [];
  for (const rule of doc.rules) {
    let re: RegExp;
    try {
      re = new RegExp(rule['pattern-regex'], 'g');
    } catch (e) {
      problems.push({ ruleId: rule.id, problem: `pattern-regex does not compile: ${(e as Error).message}` });
      continue;
    }
    for (const t of testCase.targets) {
      const text = await readFile(t.path, 'utf8');
      for (const m of text.matchAll(re)) {
        const before = text.slice(0, m.index);
        const startLine = before.split('\n').length;
        matches.push({ ...match(rule.id, t.relPath, startLine), snippet: m[0], startColumn: m.index - before.lastIndexOf('\n') });
      }
    }
  }
  return { ruleIds: doc.rules.map((r) => r.id), matches, problems };
}

describe('parseAnnotations', () => {
  it('reads JavaScript // annotations: own-line, stacked and trailing', () => {
    const js = [
      '// ruleid: js-eval', //           1
      'eval(input);', //                 2
      '// ok: js-eval', //               3
      'eval("2 + 2");', //               4
      '// ruleid: js-eval', //           5
      '// ok: js-timer', //              6
      'setTimeout(code); eval(code);', // 7
      'run(code); // ruleid: js-timer', // 8
      "const url = 'http://example.com/ok: not-an-annotation';", // 9
    ].join('\n');
    expect(targets(js)).toEqual([
      'ruleid js-eval -> 2 (from 1)',
      'ok js-eval -> 4 (from 3)',
      'ruleid js-eval -> 7 (from 5)',
      'ok js-timer -> 7 (from 6)',
      'ruleid js-timer -> 8 (from 8)',
    ]);
  });

  it('reads Python # annotations, comma lists with spaces, and the todo markers', () => {
    const py = [
      'import pickle',
      '#ruleid:py-pickle , py.deser/untrusted_load,x-y',
      'pickle.loads(data)',
      '# todoruleid: py-pickle',
      'pickle.load(handle)',
      '# todook: py-pickle',
      'pickle.loads(b"trusted")',
      'value = 1  # ok: py-pickle',
    ].join('\n');
    expect(targets(py, 'test.py')).toEqual([
      'ruleid py-pickle|py.deser/untrusted_load|x-y -> 3 (from 2)',
      'todoruleid py-pickle -> 5 (from 4)',
      'todook py-pickle -> 7 (from 6)',
      'ok py-pickle -> 8 (from 8)',
    ]);
  });

  it('reads HTML <!-- -->, C-style /* */ and SQL -- annotations', () => {
    const html = ['<!-- ruleid: html-inline-script -->', '<script>alert(1)</script>', '<p>hi</p> <!-- ok: html-inline-script, html-x-->'].join('\n');
    expect(targets(html, 'test.html')).toEqual(['ruleid html-inline-script -> 2 (from 1)', 'ok html-inline-script|html-x -> 3 (from 3)']);
    const c = ['/* ruleid: c-gets */', 'gets(buf);', '/* ok: c-gets */ fgets(buf, n, f);'].join('\n');
    expect(targets(c, 'test.c')).toEqual(['ruleid c-gets -> 2 (from 1)', 'ok c-gets -> 3 (from 3)']);
    const sql = ['-- ruleid: sql-grant-all', 'GRANT ALL ON t TO u;', 'SELECT 1; -- todook: sql-grant-all'].join('\n');
    expect(targets(sql, 'test.sql')).toEqual(['ruleid sql-grant-all -> 2 (from 1)', 'todook sql-grant-all -> 3 (from 3)']);
  });

  it('reads CRLF files and ignores words that only look like annotations', () => {
    expect(targets('// ruleid: a\r\nx();\r\n// okay: a\r\n// todo: a\r\ny();\r\n')).toEqual(['ruleid a -> 2 (from 1)']);
  });

  it.each([
    ['no rule id', 'x();\n// ruleid:\ny();\n', 2, 'annotation "ruleid:" names no rule id'],
    ['an empty list entry', '# ok: a,,b\nx()\n', 1, 'annotation "ok:" has an empty entry in its list of rule ids'],
    ['prose after the id', 'x();\n\n// ruleid: js-eval because eval is bad\ny();', 3, 'annotation "ruleid:": "js-eval because eval is bad" is not a rule id'],
    ['nothing after it', 'x();\n// ruleid: a\n// ok: b\n', 2, 'annotation "ruleid: a" is followed by no line of code it could apply to'],
  ])('rejects %s with file and line', (_name, text, line, message) => {
    const e = thrown(() => parseAnnotations(text, '/rules/t.js'));
    expect(e.code).toBe('VIGIL_ERR_RULE_TEST_INVALID');
    expect(e.where).toBe(`/rules/t.js:${line}`);
    expect(e.message).toContain(message);
  });
});

describe('compareRuleTest', () => {
  const js = [
    '// ruleid: js-eval', //  1
    'eval(input);', //        2
    '// ok: js-eval', //      3
    'eval("2 + 2");', //      4
    '// ruleid: js-eval', //  5
    'new Function(src);', //  6
    'noAnnotation(x);', //    7
  ].join('\n');
  const ann = parseAnnotations(js, 'eval.js');
  const judge = (lines: number[]) => compareRuleTest(ann, lines.map((l) => match('js-eval', 'eval.js', l)), ['js-eval'], 'eval.js')[0]!;

  it.each([
    ['exactly the ruleid lines', [2, 6], true, [], [], { tp: 2, fp: 0, fn: 0, tn: 1 }],
    ['a missing line', [2], false, [6], [], { tp: 1, fp: 0, fn: 1, tn: 1 }],
    ['an unexpected, unannotated line', [2, 6, 7], false, [], [7], { tp: 2, fp: 1, fn: 0, tn: 1 }],
    ['an ok line hit', [2, 4, 6], false, [], [4], { tp: 2, fp: 1, fn: 0, tn: 0 }],
    ['nothing at all', [], false, [2, 6], [], { tp: 0, fp: 0, fn: 2, tn: 1 }],
  ])('reported %s → passed %s', (_name, reported, passed, missingLines, unexpectedLines, counts) => {
    expect(judge(reported)).toEqual({
      ruleId: 'js-eval',
      file: 'eval.js',
      expectedLines: [2, 6],
      reportedLines: reported,
      missingLines,
      unexpectedLines,
      annotated: true,
      passed,
      ...counts,
      todoruleid: 0,
      todook: 0,
    });
  });

  it('compares start lines only, once each', () => {
    const check = compareRuleTest(ann, [match('js-eval', 'eval.js', 2, 4), match('js-eval', 'eval.js', 2, 2), match('js-eval', 'eval.js', 6, 9)], ['js-eval'], 'eval.js')[0]!;
    expect([check.reportedLines, check.passed]).toEqual([[2, 6], true]);
  });

  it('counts todo lines toward passing and keeps them visible', () => {
    const text = ['# todoruleid: r', 'a()', '# todook: r', 'b()', '# ruleid: r', 'c()'].join('\n');
    const todo = parseAnnotations(text, 't.py');
    const judgeTodo = (lines: number[]) => compareRuleTest(todo, lines.map((l) => match('r', 't.py', l)), ['r'], 't.py')[0]!;
    expect(judgeTodo([4, 6])).toMatchObject({ passed: true, expectedLines: [4, 6], todoruleid: 1, todook: 1, tp: 1, fp: 0 });
    // The todoruleid line starts matching: the annotation is out of date, so the test says so.
    expect(judgeTodo([2, 4, 6])).toMatchObject({ passed: false, unexpectedLines: [2], fp: 1 });
    // The todook line stops matching: likewise.
    expect(judgeTodo([6])).toMatchObject({ passed: false, missingLines: [4] });
  });

  it('judges each rule of a multi-rule file on its own, and fails a rule with no annotations', () => {
    const text = ['// ruleid: a, b', 'x();', '// ok: b', 'y();'].join('\n');
    const checks = compareRuleTest(parseAnnotations(text, 't.js'), [match('a', 't.js', 2), match('b', 't.js', 2), match('c', 't.js', 4)], ['a', 'b', 'c'], 't.js');
    expect(checks.map((c) => [c.ruleId, c.passed, c.annotated, c.expectedLines, c.reportedLines])).toEqual([
      ['a', true, true, [2], [2]],
      ['b', true, true, [2], [2]],
      ['c', false, false, [], [4]],
    ]);
    const silent = compareRuleTest(parseAnnotations(text, 't.js'), [], ['a', 'b', 'c'], 't.js')[2]!;
    expect([silent.passed, silent.annotated]).toEqual([false, false]);
  });

  it('rejects an annotation naming an unknown rule id, with file and line', () => {
    const text = ['// ruleid: js-eval', 'eval(x);', '', '// ok: js-evil', 'eval("1");'].join('\n');
    const e = thrown(() => compareRuleTest(parseAnnotations(text, 'rules/eval.js'), [], ['js-eval', 'js-timer'], 'rules/eval.js'));
    expect(e.toString()).toBe('VIGIL_ERR_RULE_TEST_INVALID: rules/eval.js:4: unknown rule id "js-evil" in annotation; the rule file defines: js-eval, js-timer');
  });

  it('rejects a line annotated both to match and not to match', () => {
    const text = ['// ruleid: r', '// ok: r', 'x();'].join('\n');
    const e = thrown(() => compareRuleTest(parseAnnotations(text, 't.js'), [], ['r'], 't.js'));
    expect(e.where).toBe('t.js:2');
    expect(e.message).toBe('line 3 is annotated both "ruleid" (line 1) and "ok" (line 2) for rule "r"; keep one');
  });
});

describe('discoverRuleTests', () => {
  const files = {
    'js/eval.yaml': 'rules: []',
    'js/eval.js': '',
    'js/eval.tsx': '',
    'js/eval.fixed.js': '',
    'js/eval.md.bak': '',
    'js/foo.yaml': 'rules: []',
    'js/foo.js': '',
    'js/foo.bar.yml': 'rules: []',
    'js/foo.bar.js': '',
    'py/pickle.yml': 'rules: []',
    'py/pickle.py': '',
    'yaml/k8s-privileged.yaml': 'rules: []',
    'yaml/k8s-privileged.test.yaml': 'kind: Pod',
    'lonely.yaml': 'rules: []',
    'notes.txt': '',
    'node_modules/pkg/x.yaml': 'rules: []',
    'node_modules/pkg/x.js': '',
    '.git/hooks/y.yaml': 'rules: []',
    '.git/hooks/y.js': '',
  };

  it('pairs every rule file in a folder tree with the files of the same stem beside it', async () => {
    const root = await tree(files);
    const cases = await discoverRuleTests(root);
    expect(cases.map((c) => [c.ruleFile.slice(root.length + 1), c.targets.map((t) => t.relPath)])).toEqual([
      ['js/eval.yaml', ['js/eval.js', 'js/eval.tsx']],
      ['js/foo.bar.yml', ['js/foo.bar.js']],
      ['js/foo.yaml', ['js/foo.js']],
      ['lonely.yaml', []],
      ['py/pickle.yml', ['py/pickle.py']],
      ['yaml/k8s-privileged.yaml', ['yaml/k8s-privileged.test.yaml']],
    ]);
    expect(cases[0]!.targets[0]!.path).toBe(join(root, 'js', 'eval.js'));
  });

  it('takes a single rule file, with targets relative to its folder', async () => {
    const root = await tree(files);
    expect(await discoverRuleTests(join(root, 'py', 'pickle.yml'))).toEqual([
      { ruleFile: join(root, 'py', 'pickle.yml'), targets: [{ path: join(root, 'py', 'pickle.py'), relPath: 'pickle.py' }] },
    ]);
  });

  it('follows symlinked files but not symlinked folders', async () => {
    const root = await tree({ 'a/r.yaml': 'rules: []', 'real.js': 'x();' });
    await symlink(join(root, 'real.js'), join(root, 'a', 'r.js'));
    await symlink(root, join(root, 'a', 'loop'));
    const cases = await discoverRuleTests(join(root, 'a'));
    expect(cases.map((c) => c.targets.map((t) => t.relPath))).toEqual([['r.js']]);
  });

  it('says which path is missing or is no rule file', async () => {
    const root = await tree(files);
    const gone = await discoverRuleTests(join(root, 'nope')).catch((e: unknown) => e);
    expect(gone).toMatchObject({ code: 'VIGIL_ERR_INPUT_NOT_FOUND', file: join(root, 'nope') });
    const notRule = await discoverRuleTests(join(root, 'notes.txt')).catch((e: unknown) => e);
    expect(notRule).toMatchObject({ code: 'VIGIL_ERR_USAGE', file: join(root, 'notes.txt') });
    expect((notRule as VigilError).message).toMatch(/is not a rule file: give a \.yaml or \.yml rule file, or a folder of them/);
  });
});

describe('runRuleTests with a real regex engine', () => {
  const rulesYaml = (rules: [string, string][]) => `rules:\n${rules.map(([id, re]) => `  - id: ${id}\n    pattern-regex: '${re}'\n`).join('')}`;

  it('discovers, evaluates and judges a tree, failing broken and wrong rules', async () => {
    const root = await tree({
      'js/eval.yaml': rulesYaml([['js-eval', 'eval\\('], ['js-timer', 'setTimeout\\(']]),
      'js/eval.js': ['// ruleid: js-eval', 'eval(input);', '// ok: js-eval', 'safe_eval(input);', 'setTimeout(code); // ruleid: js-timer', ''].join('\n'),
      'py/exec.yaml': rulesYaml([['py-exec', 'os\\.(system|popen)\\(']]),
      'py/exec.py': ['import os', '# ruleid: py-exec', 'os.system(cmd)', '# ok: py-exec', 'subprocess.run(args)', '# ruleid: py-exec', 'os.spawn(cmd)', ''].join('\n'),
      'py/exec.pyi': 'def system(cmd: str) -> int: ...\n',
      'broken/bad.yaml': rulesYaml([['bad-regex', 'eval(']]),
      'broken/bad.js': '// ruleid: bad-regex\neval(x);\n',
      'lonely.yaml': rulesYaml([['lonely', 'x']]),
    });
    const results = await runRuleTests(root, regexEngine);
    const rel = (p: string) => p.slice(root.length + 1);
    expect(results.map((r) => [rel(r.ruleFile), r.targets.map(rel), r.missingTest, r.rules.map((x) => [x.ruleId, x.passed])])).toEqual([
      ['broken/bad.yaml', ['broken/bad.js'], false, [['bad-regex', false]]],
      ['js/eval.yaml', ['js/eval.js'], false, [['js-eval', false], ['js-timer', true]]],
      ['lonely.yaml', [], true, []],
      ['py/exec.yaml', ['py/exec.py', 'py/exec.pyi'], false, [['py-exec', false]]],
    ]);
    // `safe_eval(input)` contains `eval(`: the regex reports the line annotated ok.
    expect(results[1]!.rules[0]!.checks[0]).toMatchObject({ expectedLines: [2], reportedLines: [2, 4], unexpectedLines: [4] });
    // `os.spawn` is not `os.system` or `os.popen`: a missed line, in the first of two targets.
    expect(results[3]!.rules[0]!.checks.map((c) => [rel(c.file), c.missingLines, c.reportedLines])).toEqual([
      ['py/exec.py', [7], [3]],
      ['py/exec.pyi', [], []],
    ]);
    // The engine could not compile the pattern: the rule fails and says why, though nothing else is wrong.
    expect(results[0]!.rules[0]!.problems).toHaveLength(1);
    expect(results[0]!.rules[0]!.problems[0]).toMatch(/^pattern-regex does not compile: /);

    const table = formatRuleTestTable(results);
    expect(table).toContain(`FAIL    bad-regex  ${join(root, 'broken', 'bad.js')}`);
    expect(table).toMatch(/missing lines 2 \/ problem: pattern-regex does not compile: /);
    expect(table).toContain(`missing test: ${join(root, 'lonely.yaml')} has no test file beside it`);
    expect(table).toContain('missing lines exec.py:7');
    expect(table.trimEnd().split('\n').at(-1)).toBe('1/4 rules passed; 1 rule file without a test');
    expect(ruleTestJson(results).config_missing_tests).toEqual([join(root, 'lonely.yaml')]);
    expect(ruleTestExitCode(results)).toBe(1);
  });

  it('passes a tree whose rules all behave as annotated, and names the line of a bad annotation', async () => {
    const root = await tree({
      'eval.yaml': rulesYaml([['js-eval', 'eval\\(']]),
      'eval.js': '// ruleid: js-eval\neval(input);\n// ok: js-eval\nJSON.parse(input);\n',
      'orphan.yaml': rulesYaml([['orphan', 'x']]),
    });
    const results = await runRuleTests(root, regexEngine);
    expect(ruleTestExitCode(results)).toBe(0);
    expect(formatRuleTestTable(results).trimEnd().split('\n').at(-1)).toBe('1/1 rules passed; 1 rule file without a test');

    await writeFile(join(root, 'eval.js'), 'eval(a);\n\n// ruleid: js-evl\neval(b);\n');
    const e = await runRuleTests(root, regexEngine).catch((x: unknown) => x);
    expect(String(e)).toBe(`VIGIL_ERR_RULE_TEST_INVALID: ${join(root, 'eval.js')}:3: unknown rule id "js-evl" in annotation; the rule file defines: js-eval`);
  });
});

/** A small suite judged from fixed texts and matches, so its reports can be compared whole. */
function smallSuite(): RuleTestResult[] {
  const evalJs = [
    '// ruleid: js-eval', //          1
    'eval(input);', //                2
    '// ok: js-eval', //              3
    'eval("2 + 2");', //              4
    'setTimeout(code); // ruleid: js-timer', // 5
    '// todoruleid: js-timer', //     6
    'setInterval(code);', //          7
  ].join('\n');
  const execPy = ['import os', '# ruleid: py-exec', 'os.system(cmd)', '# ruleid: py-exec', 'os.popen(cmd)'].join('\n');
  return [
    judgeRuleTest(
      { ruleFile: 'rules/eval.yaml', targets: [{ path: 'rules/eval.js', relPath: 'eval.js' }] },
      { ruleIds: ['js-eval', 'js-timer'], matches: [match('js-eval', 'eval.js', 2), match('js-eval', 'eval.js', 4), match('js-timer', 'eval.js', 5)], problems: [] },
      new Map([['rules/eval.js', evalJs]]),
    ),
    judgeRuleTest(
      { ruleFile: 'rules/exec.yaml', targets: [{ path: 'rules/exec.py', relPath: 'exec.py' }] },
      { ruleIds: ['py-exec'], matches: [match('py-exec', 'rules/exec.py', 3)], problems: [] },
      new Map([['rules/exec.py', execPy]]),
    ),
    judgeRuleTest({ ruleFile: 'rules/lonely.yaml', targets: [] }, { ruleIds: [], matches: [], problems: [] }, new Map()),
  ];
}

describe('reports', () => {
  it('formats the table, the confusion matrix and the summary', () => {
    expect(formatRuleTestTable(smallSuite())).toBe(
      [
        'STATUS  RULE      TEST FILE      EXPECTED  REPORTED  DETAILS',
        'FAIL    js-eval   rules/eval.js  2         2,4       unexpected lines 4',
        'PASS    js-timer  rules/eval.js  5         5         todoruleid 1',
        'FAIL    py-exec   rules/exec.py  3,5       3         missing lines 5',
        '',
        'missing test: rules/lonely.yaml has no test file beside it',
        '',
        'confusion matrix (annotated lines)',
        '              reported  not reported',
        'ruleid        TP 3      FN 1',
        'not expected  FP 1      TN 0',
        'precision 75.0%, recall 75.0%, todo annotations 1',
        '',
        '1/3 rules passed; 1 rule file without a test',
        '',
      ].join('\n'),
    );
  });

  it('writes semgrep --test --json, plus the confusion totals', () => {
    const json = ruleTestJson(smallSuite());
    expect(Object.keys(json)).toEqual(['config_missing_tests', 'config_missing_fixtests', 'config_with_errors', 'results', 'fixtest_results', 'confusion']);
    expect(JSON.parse(JSON.stringify(json))).toEqual({
      config_missing_tests: ['rules/lonely.yaml'],
      config_missing_fixtests: [],
      config_with_errors: [],
      results: {
        'rules/eval.yaml': {
          checks: {
            'js-eval': { passed: false, matches: { 'rules/eval.js': { expected_lines: [2], reported_lines: [2, 4] } }, errors: [] },
            'js-timer': { passed: true, matches: { 'rules/eval.js': { expected_lines: [5], reported_lines: [5] } }, errors: [] },
          },
        },
        'rules/exec.yaml': {
          checks: { 'py-exec': { passed: false, matches: { 'rules/exec.py': { expected_lines: [3, 5], reported_lines: [3] } }, errors: [] } },
        },
      },
      fixtest_results: {},
      confusion: { tp: 3, fp: 1, fn: 1, tn: 0, todo: 1, precision: 0.75, recall: 0.75 },
    });
  });

  it('fails every rule of a file the engine could not read, and lists it among config_with_errors', () => {
    const result = judgeRuleTest(
      { ruleFile: 'rules/half.yaml', targets: [{ path: 'rules/half.js', relPath: 'half.js' }] },
      {
        ruleIds: ['ok-rule'],
        matches: [match('ok-rule', 'half.js', 2), match('ok-rule', 'elsewhere.js', 1)],
        problems: [{ source: { file: 'rules/half.yaml', line: 9, column: 5 }, problem: 'unknown key "patern"' }],
      },
      new Map([['rules/half.js', '// ruleid: ok-rule\nx();\n// ruleid: lost-rule\ny();\n']]),
    );
    // lost-rule sits in the part of the file the engine could not read: judged, and failed, not "unknown".
    expect(result.rules.map((r) => [r.ruleId, r.passed])).toEqual([
      ['ok-rule', false],
      ['lost-rule', false],
    ]);
    expect(result.errors).toEqual([
      'rules/half.yaml:9:5: unknown key "patern"',
      'the engine reported rule "ok-rule" at elsewhere.js:1, which is not a test target of this rule file',
    ]);
    expect(ruleTestJson([result]).config_with_errors).toEqual([{ file: 'rules/half.yaml', reason: 'UnparsableRule', problems: result.errors }]);
    expect(formatRuleTestTable([result])).toContain('error: rules/half.yaml: rules/half.yaml:9:5: unknown key "patern"\n');
    expect(ruleTestExitCode([result])).toBe(1);
  });

  it('rejects a rule file that defines no rules and reports no problem', () => {
    const e = thrown(() =>
      judgeRuleTest({ ruleFile: 'rules/empty.yaml', targets: [{ path: 'rules/empty.js', relPath: 'empty.js' }] }, { ruleIds: [], matches: [], problems: [] }, new Map([['rules/empty.js', 'x();\n']])),
    );
    expect(e.code).toBe('VIGIL_ERR_RULE_TEST_INVALID');
    expect(e.where).toBe('rules/empty.yaml');
  });

  it('exits 0 only when every rule passed; a missing test alone does not fail', () => {
    const [evalResult, execResult, lonely] = smallSuite() as [RuleTestResult, RuleTestResult, RuleTestResult];
    const timerOnly: RuleTestResult = { ...evalResult, rules: evalResult.rules.filter((r) => r.ruleId === 'js-timer') };
    expect(ruleTestExitCode([timerOnly, lonely])).toBe(0);
    expect(ruleTestExitCode([timerOnly, execResult])).toBe(1);
    expect(ruleTestExitCode([evalResult])).toBe(1);
    expect(ruleTestExitCode([])).toBe(0);
  });
});

describe('annotations Semgrep writes in JSX and for its cross-file engine', () => {
  it('`{/* ruleid: x */}` on its own line applies to the next line; deepruleid/deepok read as todoruleid/todook', () => {
    const text = ['<div>', '  {/* ruleid: r */}', '  <a target="_blank" />', '  <b /> {/* ok: r */}', '  {/* deepok: r */}', '  <c />', '  {/* deepruleid: r */}', '  <d />', '</div>'].join('\n');
    const a = parseAnnotations(text, 'f.jsx').annotations.map((x) => [x.kind, x.appliesTo]);
    expect(a).toEqual([
      ['ruleid', 3],
      ['ok', 4],
      ['todook', 6],
      ['todoruleid', 8],
    ]);
  });
});
