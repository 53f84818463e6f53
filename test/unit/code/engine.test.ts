import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../src/errors.js';
import { evaluateFile, literalAlternatives, requiredRun, wholeWordAlternatives } from '../../../scanners/code/engine/evaluate.js';
import { parseRuleFile, toJsRegex } from '../../../scanners/code/engine/rules.js';
import type { CodeLanguage, RuleMatch } from '../../../scanners/code/types.js';

const EXT: Record<CodeLanguage, string> = { javascript: 'js', jsx: 'jsx', typescript: 'ts', tsx: 'tsx', python: 'py', go: 'go', java: 'java' };
const SEMGREP_LANG: Record<CodeLanguage, string> = { javascript: 'javascript', jsx: 'javascript', typescript: 'typescript', tsx: 'typescript', python: 'python', go: 'go', java: 'java' };

/** One rule (the YAML body under `- id: t`) run on one source text. */
function run(body: string, code: string, language: CodeLanguage = 'javascript'): RuleMatch[] {
  const yaml = `rules:\n  - id: t\n    message: found $X\n    severity: ERROR\n    languages: [${SEMGREP_LANG[language]}]\n${body
    .trim()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')}\n`;
  const { rules, problems } = parseRuleFile(yaml, 'rule.yaml');
  if (problems.length) throw problems[0];
  const r = evaluateFile(rules, { path: `/src/f.${EXT[language]}`, relPath: `f.${EXT[language]}`, language, text: code });
  if (r.problems.length) throw new Error(r.problems.map((p) => p.problem).join('; '));
  return r.matches;
}

/** The 1-based start lines reported. */
function lines(body: string, code: string, language: CodeLanguage = 'javascript'): number[] {
  return run(body, code, language)
    .map((m) => m.startLine)
    .sort((a, b) => a - b);
}

describe('pattern syntax', () => {
  it('`...` in arguments matches any number of them, wherever it stands (backtracking)', () => {
    const code = ['foo();', 'foo(1);', 'foo(1, 2);', 'foo(1, 2, secret);', 'bar(1);'].join('\n');
    expect(lines('pattern: foo(...)', code)).toEqual([1, 2, 3, 4]);
    expect(lines('pattern: foo($X, ...)', code)).toEqual([2, 3, 4]);
    expect(lines('pattern: foo(..., $X)', code)).toEqual([2, 3, 4]);
    expect(lines('pattern: foo(..., secret, ...)', code)).toEqual([4]);
    expect(lines('pattern: foo(..., 1)', code)).toEqual([2]);
  });

  it('metavariables unify: the same name must be the same code', () => {
    const code = 'eq(a, a);\neq(a, b);\neq(x.y, x.y);';
    expect(lines('pattern: eq($A, $A)', code)).toEqual([1, 3]);
    expect(lines('pattern: eq($A, $B)', code)).toEqual([1, 2, 3]);
    expect(lines('pattern: eq($_, $_)', code)).toEqual([1, 2, 3]);
  });

  it('`"..."` is any string literal, and string contents compare without their quotes', () => {
    const code = `run("ls");\nrun('ls');\nrun(cmd);\nrun(\`ls \${x}\`);`;
    expect(lines('pattern: run("...")', code)).toEqual([1, 2]);
    expect(lines('pattern: run("ls")', code)).toEqual([1, 2]);
  });

  it('`<... $X ...>` matches an expression containing the pattern', () => {
    const code = 'eval(a + req.body.x);\neval(req.body);\neval(other);';
    expect(lines('pattern: eval(<... req.body ...>)', code)).toEqual([1, 2]);
  });

  it('`$...ARGS` binds the list, and the message interpolates bindings', () => {
    const m = run('pattern: log($...X)', 'log(a, b);');
    expect(m).toHaveLength(1);
    expect(m[0]!.message).toBe('found a, b');
  });

  it('statement sequences with `...` between them, reported from the first statement to the last', () => {
    const code = 'function f() {\n  const a = src();\n  other();\n  sink(a);\n}\nfunction g() {\n  const a = src();\n  sink(b);\n}';
    const m = run('pattern: |\n  const $X = src();\n  ...\n  sink($X);', code);
    expect(m.map((x) => [x.startLine, x.endLine])).toEqual([[2, 4]]);
  });

  it('patterns that do not parse alone: an object property, a JSX attribute, a class member', () => {
    expect(lines("pattern: 'rejectUnauthorized: false'", 'https.get({ host, rejectUnauthorized: false });\nx({ rejectUnauthorized: true });')).toEqual([1]);
    expect(lines("pattern: '<$E dangerouslySetInnerHTML={$V} />'", 'const a = <div dangerouslySetInnerHTML={x} />;\nconst b = <div title={x} />;', 'jsx')).toEqual([1]);
  });

  it('an object literal with `...` around a property', () => {
    const code = "res.cookie('a', v, { secure: true, httpOnly: false });\nres.cookie('a', v, { httpOnly: true });";
    expect(lines("pattern: 'res.cookie($N, $V, {..., httpOnly: false, ...})'", code)).toEqual([1]);
  });

  it('columns and snippets are exact, also after non-ASCII text on the line', () => {
    const m = run('pattern: eval($X)', 'const s = "é🔥"; eval(code);');
    // columns count UTF-16 code units, as SARIF's default columnKind does: é is 1, 🔥 is 2
    expect(m[0]).toMatchObject({ startLine: 1, startColumn: 18, endColumn: 28, snippet: 'eval(code)' });
  });
});

describe('operators', () => {
  const code = [
    'app.get("/a", function (req, res) {', // 1
    '  res.send(req.query.name);', // 2
    '  res.send("static");', // 3
    '});', // 4
    'res.send(req.query.other);', // 5
    'exec(cmd);', // 6
    'exec("ls");', // 7
  ].join('\n');

  it('pattern-inside keeps matches inside the context, unifying its metavariables', () => {
    expect(lines('patterns:\n  - pattern-inside: |\n      app.get($P, function ($REQ, $RES) { ... })\n  - pattern: $RES.send($REQ.query.$F)', code)).toEqual([2]);
  });

  it('pattern-not-inside removes matches inside the context', () => {
    expect(lines('patterns:\n  - pattern: res.send(...)\n  - pattern-not-inside: |\n      app.get(...)', code)).toEqual([5]);
  });

  it('pattern-not removes equal ranges only', () => {
    expect(lines('patterns:\n  - pattern: exec(...)\n  - pattern-not: exec("...")', code)).toEqual([6]);
    expect(lines('patterns:\n  - pattern: res.send(...)\n  - pattern-not: res.send("...")', code)).toEqual([2, 5]);
  });

  it('pattern-either is a union; nested patterns work inside it', () => {
    expect(lines('pattern-either:\n  - pattern: exec("...")\n  - patterns:\n      - pattern: res.send($X)\n      - pattern-not: res.send("...")', code)).toEqual([2, 5, 7]);
  });

  it('pattern-regex and pattern-not-regex', () => {
    expect(lines('pattern-regex: exec\\(".*"\\)', code)).toEqual([7]);
    expect(lines('patterns:\n  - pattern: exec(...)\n  - pattern-not-regex: exec\\("ls"\\)', code)).toEqual([6]);
  });

  it('metavariable-regex is anchored at the start, like re.match', () => {
    const c = "crypto.createHash('md5');\ncrypto.createHash('sha256');\ncrypto.createHash(algoMd5);";
    expect(lines("patterns:\n  - pattern: crypto.createHash($A)\n  - metavariable-regex:\n      metavariable: $A\n      regex: (['\"])(md5|sha1)", c)).toEqual([1]);
    expect(lines('patterns:\n  - pattern: crypto.createHash($A)\n  - metavariable-regex:\n      metavariable: $A\n      regex: Md5', c)).toEqual([]);
  });

  it('metavariable-comparison: numbers, strings and int()', () => {
    const c = 'gen({ bits: 1024 });\ngen({ bits: 4096 });\ngen({ bits: 0x400 });';
    expect(lines("patterns:\n  - pattern: 'gen({ bits: $N })'\n  - metavariable-comparison:\n      comparison: $N < 2048", c)).toEqual([1, 3]);
    expect(lines("patterns:\n  - pattern: 'gen({ bits: $N })'\n  - metavariable-comparison:\n      comparison: int($N) >= 2048 and $N != 8192", c)).toEqual([2]);
  });

  it('metavariable-pattern matches within the bound code', () => {
    const c = 'q(`SELECT ${a}`);\nq(`SELECT 1`);\nq(build(a, b));';
    expect(lines('patterns:\n  - pattern: q($ARG)\n  - metavariable-pattern:\n      metavariable: $ARG\n      pattern: build(...)', c)).toEqual([3]);
  });

  it('focus-metavariable reports the bound code', () => {
    const m = run('patterns:\n  - pattern: db.query($Q, $P)\n  - focus-metavariable: $Q', 'db.query(sql, params);');
    expect(m.map((x) => x.snippet)).toEqual(['sql']);
  });
});

describe('taint mode', () => {
  const rule = [
    'mode: taint',
    'pattern-sources:',
    '  - pattern: req.query',
    'pattern-sanitizers:',
    '  - pattern: escape(...)',
    'pattern-sinks:',
    '  - patterns:',
    '      - pattern: db.query($Q, ...)',
    '      - focus-metavariable: $Q',
  ].join('\n');

  it('follows assignments, concatenation, templates, destructuring, properties, arrays and calls', () => {
    const code = [
      'function h(req) {', // 1
      '  const id = req.query.id;', // 2
      '  db.query("SELECT " + id);', // 3 concatenation
      '  db.query(`SELECT ${id}`);', // 4 template
      '  const { name } = req.query;', // 5
      '  db.query(name);', // 6 destructuring
      '  const o = {};', // 7
      '  o.where = id;', // 8
      '  db.query(o);', // 9 object property
      '  const parts = [];', // 10
      '  parts.push(id);', // 11
      '  db.query(parts.join(" "));', // 12 array element
      '  db.query(format(id));', // 13 call argument
      '  db.query(escape(id));', // 14 sanitized
      '  db.query("SELECT 1");', // 15 constant
      '  let v = id;', // 16
      '  v = "clean";', // 17
      '  db.query(v);', // 18 reassigned clean
      '}',
    ].join('\n');
    expect(lines(rule, code)).toEqual([3, 4, 6, 9, 12, 13]);
  });

  it('reports nothing when data never reaches the sink', () => {
    expect(lines(rule, 'function h(req) {\n  const id = req.params.id;\n  db.query(id);\n}')).toEqual([]);
  });

  it('works for Python', () => {
    const py = [
      'mode: taint',
      'pattern-sources:',
      '  - pattern: request.args.get(...)',
      'pattern-sinks:',
      '  - pattern: os.system(...)',
    ].join('\n');
    const code = 'def view():\n    name = request.args.get("n")\n    cmd = "ls " + name\n    os.system(cmd)\n    os.system("ls")\n';
    expect(lines(py, code, 'python')).toEqual([4]);
  });
});

describe('languages', () => {
  it('Python keyword arguments with ellipses', () => {
    const code = 'subprocess.call(cmd, shell=True)\nsubprocess.run(["ls"])\nsubprocess.Popen(c, cwd=d, shell=True)\n';
    expect(lines('pattern: subprocess.$F(..., shell=True, ...)', code, 'python')).toEqual([1, 3]);
  });

  it('Go calls (ellipses in argument lists) and composite literals', () => {
    const code = 'package main\nfunc main() {\n\texec.Command("sh", "-c", input)\n\texec.Command("ls")\n\tc := &tls.Config{MinVersion: 1, InsecureSkipVerify: true}\n\t_ = c\n}\n';
    expect(lines('pattern: exec.Command(...)', code, 'go')).toEqual([3, 4]);
    expect(lines('patterns:\n  - pattern: exec.Command("sh", "-c", $X)\n  - pattern-not: exec.Command("sh", "-c", "...")', code, 'go')).toEqual([3]);
    expect(lines("pattern: 'tls.Config{..., InsecureSkipVerify: true, ...}'", code, 'go')).toEqual([5]);
  });

  it('Java method chains and string arguments', () => {
    const code = 'class A {\n  void f(String c) throws Exception {\n    Runtime.getRuntime().exec(c);\n    MessageDigest.getInstance("MD5");\n    MessageDigest.getInstance("SHA-256");\n  }\n}\n';
    expect(lines('pattern: Runtime.getRuntime().exec($X)', code, 'java')).toEqual([3]);
    expect(lines('pattern: MessageDigest.getInstance("MD5")', code, 'java')).toEqual([4]);
  });

  it('TypeScript and TSX', () => {
    expect(lines('pattern: eval($X)', 'const a: string = x as string;\neval(a);', 'typescript')).toEqual([2]);
    expect(lines("pattern: '<$E dangerouslySetInnerHTML={$V} />'", 'const A = (p: P) => <div dangerouslySetInnerHTML={p.h} />;', 'tsx')).toEqual([1]);
  });
});

describe('bad rules name the rule, the file and the line', () => {
  function problem(yaml: string): VigilError {
    try {
      const r = parseRuleFile(yaml, 'bad.yaml');
      if (r.problems[0]) return r.problems[0];
    } catch (e) {
      if (e instanceof VigilError) return e;
      throw e;
    }
    throw new Error('no problem reported');
  }
  const head = 'rules:\n  - id: bad-rule\n    message: m\n    severity: ERROR\n    languages: [javascript]\n';

  it.each([
    ['a YAML error', 'rules:\n  - id: x\n    message: "unclosed\n', 'VIGIL_ERR_RULE_PARSE', 3, 'not valid YAML'],
    ['an unknown operator', `${head}    patterns:\n      - pattern: a()\n      - pattern-nott: b()\n`, 'VIGIL_ERR_RULE_INVALID', 8, 'unknown operator "pattern-nott" (did you mean "pattern-not"?)'],
    ['an unparsable pattern', `${head}    pattern: foo(((\n`, 'VIGIL_ERR_RULE_INVALID', 6, 'invalid pattern "foo((("'],
    ['a bad regex', `${head}    pattern-regex: "a(b"\n`, 'VIGIL_ERR_RULE_INVALID', 6, 'bad regex'],
    ['a bad metavariable-regex', `${head}    patterns:\n      - pattern: f($X)\n      - metavariable-regex:\n          metavariable: $X\n          regex: "[z-a]"\n`, 'VIGIL_ERR_RULE_INVALID', 10, 'bad regex'],
    ['an unknown language', 'rules:\n  - id: bad-rule\n    message: m\n    severity: ERROR\n    languages: [cobol]\n    pattern: x\n', 'VIGIL_ERR_RULE_INVALID', 5, 'language "cobol"'],
    ['a missing severity', 'rules:\n  - id: bad-rule\n    message: m\n    languages: [javascript]\n    pattern: x\n', 'VIGIL_ERR_RULE_INVALID', 2, 'severity'],
    ['two formulas', `${head}    pattern: a\n    pattern-regex: b\n`, 'VIGIL_ERR_RULE_INVALID', 2, 'has both pattern and pattern-regex'],
    ['taint without sinks', `${head}    mode: taint\n    pattern-sources:\n      - pattern: a\n`, 'VIGIL_ERR_RULE_INVALID', 2, 'pattern-sinks'],
    ['a bad paths glob', `${head}    paths:\n      include: ['!src']\n    pattern: x()\n`, 'VIGIL_ERR_RULE_INVALID', 7, 'paths:'],
    ['an unsupported comparison', `${head}    patterns:\n      - pattern: f($X)\n      - metavariable-comparison:\n          comparison: os.system($X)\n`, 'VIGIL_ERR_RULE_INVALID', 9, 'does not evaluate'],
  ])('%s', (_name, yaml, code, line, fragment) => {
    const e = problem(yaml);
    expect(e.code).toBe(code);
    expect(e.file).toBe('bad.yaml');
    expect(e.line).toBe(line);
    expect(e.message).toContain(fragment);
    if (code === 'VIGIL_ERR_RULE_INVALID' && !/language|severity/.test(fragment)) expect(e.message).toContain('bad-rule');
  });

  it('one bad rule does not stop the others in its file', () => {
    const r = parseRuleFile(`${head}    pattern: foo(((\n  - id: good\n    message: m\n    severity: INFO\n    languages: [javascript]\n    pattern: foo()\n`, 'mixed.yaml');
    expect(r.rules.map((x) => x.id)).toEqual(['good']);
    expect(r.problems).toHaveLength(1);
  });
});

describe('the pre-filter words taken from metavariable-regex', () => {
  it.each([
    ['^((window|globalThis|self)\\.)?(setTimeout|setInterval)$', ['setTimeout', 'setInterval']],
    ['^(md5|sha1)$', ['md5', 'sha1']],
    ['^renderString$', ['renderString']],
    ['^tls\\.(VersionSSL30|VersionTLS10)$', ['VersionSSL30', 'VersionTLS10']],
    // a regex literal: the binding starts with `/`, so the match contains one
    ['^/.*\\(', ['/']],
    // an alternation at the top, an optional group or a case-insensitive flag: no words can be required
    ['^"?(AES(/ECB/[^"]*)?|(DES|RC4)(/[^"]*)?)"?$', undefined],
    ['(?i)md5', undefined],
    ['^(a|b)?c$', undefined],
  ])('%s', (regex, words) => {
    expect(literalAlternatives(toJsRegex(regex, true))).toEqual(words);
  });

  it('a rule whose metavariable-regex words are absent from a file finds nothing there, and finds them where present', () => {
    const body = 'patterns:\n  - pattern: $T($X)\n  - metavariable-regex:\n      metavariable: $T\n      regex: ^(setTimeout|setInterval)$';
    expect(lines(body, 'foo(a);\nbar(b);')).toEqual([]);
    expect(lines(body, 'foo(a);\nsetTimeout(b);')).toEqual([2]);
  });
});

describe('the whole words of a metavariable-regex anchored at both ends', () => {
  it.each([
    ['^(req|request)$', ['req', 'request']],
    ['^(?:md5|sha1)$', ['md5', 'sha1']],
    ['^eval$', ['eval']],
    // a prefix only, an alternation at the top, a dot, a case-insensitive flag: not whole words
    ['^(req|request)', undefined],
    ['^(req)|(x)$', undefined],
    ['^(a\\.b|c)$', undefined],
    ['(?i)^(md5)$', undefined],
  ])('%s', (regex, words) => {
    expect(wholeWordAlternatives(toJsRegex(regex, true))).toEqual(words);
  });

  it('a word inside a longer one does not count (`require` is no `req`), the word on its own does', () => {
    const body = 'patterns:\n  - pattern: $R.query\n  - metavariable-regex:\n      metavariable: $R\n      regex: ^(req|request)$';
    expect(lines(body, 'const x = require("x");\nx.query;\nrequests.query;')).toEqual([]);
    expect(lines(body, 'const x = require("x");\nreq.query;\nrequests.query;')).toEqual([2]);
    expect(lines(body, 'function f(request) { return request.query; }')).toEqual([1]);
  });
});

describe('property chains', () => {
  it('`$X. ... .query($Q)` matches the call at the end of any chain on $X, and no other call', () => {
    const code = 'knex.raw(q);\ndb.pool.client.query(sql);\ndb.query(sql2);\nother.exec(sql3);\n';
    expect(lines('pattern: db. ... .query($Q)', code)).toEqual([2, 3]);
    expect(lines('pattern: $X. ... .query($Q)', code)).toEqual([2, 3]);
  });

  it('works through calls in the chain and in Python', () => {
    expect(lines('pattern: app. ... .listen(...)', 'app.use(x).listen(80);\nserver.listen(81);\n')).toEqual([1]);
    expect(lines('pattern: session. ... .execute(...)', 'session.connection().cursor().execute(q)\nother.execute(q)\n', 'python')).toEqual([1]);
  });
});

describe('the required literal run of a metavariable-regex', () => {
  it.each([
    ["(?i)^[\\x27\\x22\\x60]access-control-allow-origin[\\x27\\x22\\x60]$", ['\u0001access-control-allow-origin']],
    ['^abc?def', ['def']],
    ['^NEXT_PUBLIC_.*SERVICE_ROLE', ['NEXT_PUBLIC_']],
    ['a|bcd', undefined],
    ['^(x|y)z', undefined],
  ])('%s', (regex, run) => {
    expect(requiredRun(toJsRegex(regex, true))).toEqual(run);
  });

  it('a case-insensitive run still finds the code in any case', () => {
    const body = "patterns:\n  - pattern: $R.setHeader($H, $V)\n  - metavariable-regex:\n      metavariable: $H\n      regex: (?i)^['\"]access-control-allow-origin['\"]$";
    expect(lines(body, "res.setHeader('Access-Control-Allow-Origin', o);\nres.setHeader('X-Other', o);")).toEqual([1]);
  });
});
