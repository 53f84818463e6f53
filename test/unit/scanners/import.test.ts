import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VigilError } from '../../../src/errors.js';
import { sortFindings } from '../../../src/model/create.js';
import type { Finding } from '../../../src/model/finding.js';
import type { ScanContext, Scanner } from '../../../src/model/scanner.js';
import type { Target } from '../../../src/model/target.js';
import { silentLogger } from '../../../src/util/logger.js';
import {
  createImportScanner,
  createSourceReader,
  findSarifFiles,
  parseSarif,
  sarifToFindings,
  SARIF_KINDS,
  SARIF_LEVELS,
} from '../../../scanners/import/index.js';
import { buildRegistry, createScanner, scannerIds } from '../../../scanners/index.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/import/', import.meta.url));
const SHOP = fileURLToPath(new URL('../../../examples/shop/', import.meta.url));

/** Parse and map one fixture the way the scanner does: paths and source reads relative to its folder. */
function load(rel: string): Finding[] {
  const file = path.join(FIXTURES, rel);
  const dir = path.dirname(file);
  return sarifToFindings(parseSarif(readFileSync(file, 'utf8'), file), {
    file,
    baseDir: dir,
    readSource: createSourceReader(dir),
  });
}

/** The fields a reader of a finding cares about first. */
function brief(f: Finding) {
  return { ruleId: f.ruleId, severity: f.severity, title: f.title, cwe: f.cwe, location: f.location };
}

/** Map an in-memory log (an object, serialised and parsed as a file would be). */
function mapLog(log: unknown, opts: { baseDir?: string; readSource?: (p: string) => string[] | undefined } = {}) {
  const file = path.join(opts.baseDir ?? '/repo', 'inline.sarif');
  return sarifToFindings(parseSarif(JSON.stringify(log, null, 2), file), {
    file,
    baseDir: opts.baseDir ?? '/repo',
    ...(opts.readSource ? { readSource: opts.readSource } : {}),
  });
}

/** A one-run log around the given results and driver rules. */
function sarifLog(results: unknown[], rules: unknown[] = [], run: Record<string, unknown> = {}) {
  return { version: '2.1.0', runs: [{ tool: { driver: { name: 'T', version: '1.0', rules } }, results, ...run }] };
}

function at(uri: string, region: Record<string, unknown> = { startLine: 1 }) {
  return [{ physicalLocation: { artifactLocation: { uri }, region } }];
}

/** The VigilError a promise rejects with, checked for code and message fragment. */
async function rejected(p: Promise<unknown>, code: string, fragment: string): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(VigilError);
  expect((e as VigilError).code).toBe(code);
  expect((e as VigilError).message).toContain(fragment);
}

/** The thrown VigilError, checked for code and message fragment. */
function thrown(fn: () => unknown, code: string, fragment: string): VigilError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(VigilError);
  const e = caught as VigilError;
  expect(e.code).toBe(code);
  expect(e.message).toContain(fragment);
  return e;
}

function context(options: Record<string, unknown> = {}, signal: AbortSignal = new AbortController().signal) {
  const notes: string[] = [];
  const ctx: ScanContext = {
    signal,
    logger: silentLogger,
    progress: (n) => notes.push(n),
    baseDir: process.cwd(),
    options,
  };
  return { ctx, notes };
}

function pathTarget(location: string): Target {
  return { name: 'under-test', kind: 'path', location };
}

async function collect(scanner: Scanner, target: Target, ctx: ScanContext): Promise<Finding[]> {
  const out: Finding[] = [];
  for await (const f of scanner.run(target, ctx)) out.push(f);
  return out;
}

describe('import: good logs from real tools', () => {
  it('ESLint (formatter-sarif shape): levels, rule short descriptions, snippets read from the source', () => {
    const findings = load('eslint/eslint.sarif');
    expect(findings.map(brief)).toEqual([
      {
        ruleId: 'no-implied-eval',
        severity: 'high',
        title: 'Disallow the use of `eval()`-like methods',
        cwe: [],
        location: {
          kind: 'file',
          path: 'src/app.js',
          startLine: 7,
          endLine: 7,
          startColumn: 3,
          endColumn: 51,
          snippet: `  setTimeout('console.log("greeted " + name)', 10);`,
        },
      },
      {
        ruleId: 'no-undef',
        severity: 'high',
        title: 'Disallow the use of undeclared variables unless mentioned in `/*global */` comments',
        cwe: [],
        location: {
          kind: 'file',
          path: 'src/app.js',
          startLine: 8,
          endLine: 8,
          startColumn: 12,
          endColumn: 21,
          snippet: '  res.send(greetings[req.query.lang]);',
        },
      },
      {
        ruleId: 'security/detect-object-injection',
        severity: 'medium',
        title: 'Detects "variable[key]" as a left- or right-hand assignment operand.',
        cwe: [],
        location: {
          kind: 'file',
          path: 'src/app.js',
          startLine: 8,
          endLine: 8,
          startColumn: 12,
          endColumn: 37,
          snippet: '  res.send(greetings[req.query.lang]);',
        },
      },
      {
        ruleId: 'no-unused-vars',
        severity: 'medium',
        title: 'Disallow unused variables',
        cwe: [],
        location: {
          kind: 'file',
          path: 'src/app.js',
          startLine: 11,
          endLine: 11,
          startColumn: 10,
          endColumn: 22,
          snippet: 'function unusedHelper() {}',
        },
      },
    ]);
    const first = findings[0]!;
    expect(first.scanner).toBe('import');
    expect(first.confidence).toBe('medium');
    expect(first.evidence).toBe('Implied eval. Consider passing a function instead of a string.');
    expect(first.references).toEqual(['https://eslint.org/docs/latest/rules/no-implied-eval']);
    expect(first.tags).toEqual(['tool:ESLint']);
    expect(first.aliases).toEqual([]);
    expect(first.properties).toEqual({ tool: 'ESLint', toolVersion: '8.57.1' });
    expect(new Set(findings.map((f) => f.fingerprint)).size).toBe(4);
  });

  it('CodeQL: security-severity, precision, CWE tags, rules in an extension, partial fingerprints', () => {
    const findings = load('codeql/codeql.sarif');
    expect(findings.map(brief)).toEqual([
      {
        ruleId: 'py/clear-text-logging-sensitive-data',
        severity: 'high',
        title: 'Clear-text logging of sensitive information',
        cwe: ['CWE-312', 'CWE-359', 'CWE-532'],
        location: { kind: 'file', path: 'app/auth.py', startLine: 30, endLine: 30, startColumn: 21, endColumn: 62 },
      },
      {
        ruleId: 'py/path-injection',
        severity: 'high',
        title: 'Uncontrolled data used in path expression',
        cwe: ['CWE-22', 'CWE-23', 'CWE-36', 'CWE-73', 'CWE-99'],
        location: { kind: 'file', path: 'app/files.py', startLine: 17, endLine: 17, startColumn: 20, endColumn: 28 },
      },
      {
        ruleId: 'py/sql-injection',
        severity: 'high',
        title: 'SQL query built from user-controlled sources',
        cwe: ['CWE-89'],
        location: { kind: 'file', path: 'app/views.py', startLine: 42, endLine: 42, startColumn: 24, endColumn: 29 },
      },
      {
        ruleId: 'py/unused-import',
        severity: 'low',
        title: 'Unused import',
        cwe: [],
        location: { kind: 'file', path: 'app/views.py', startLine: 3, endLine: 3, startColumn: 1, endColumn: 11 },
      },
    ]);
    const sqli = findings.find((f) => f.ruleId === 'py/sql-injection')!;
    expect(sqli.confidence).toBe('high');
    // the embedded link to the related location reads as plain text
    expect(sqli.evidence).toBe('This SQL query depends on a user-provided value.');
    expect(sqli.tags).toEqual(['security', 'tool:CodeQL']);
    expect(sqli.remediation).toContain('vulnerable to insertion of malicious SQL code');
    expect(sqli.properties).toEqual({
      tool: 'CodeQL',
      toolVersion: '2.19.3',
      partialFingerprints: { primaryLocationLineHash: '6a4d4bfa97e93b0c:1', primaryLocationStartColumnFingerprint: '19' },
    });
    expect(findings.find((f) => f.ruleId === 'py/unused-import')!.confidence).toBe('high');
  });

  it('Semgrep: result level over the rule default, CWE from "CWE-89: …" tags, titles past "Semgrep Finding:"', () => {
    const findings = load('semgrep/semgrep.sarif');
    const jwt = 'javascript.jsonwebtoken.security.jwt-none-alg.jwt-none-alg';
    const xss = 'javascript.express.security.audit.xss.direct-response-write.direct-response-write';
    const sqli = 'javascript.express.security.injection.tainted-sql-string.tainted-sql-string';
    expect(findings.map(brief)).toEqual([
      {
        ruleId: jwt,
        severity: 'high',
        title: "Detected use of the 'none' algorithm in a JWT token",
        cwe: ['CWE-327'],
        location: {
          kind: 'file',
          path: 'lib/auth.js',
          startLine: 9,
          endLine: 9,
          startColumn: 10,
          endColumn: 60,
          snippet: "  return jwt.verify(token, key, { algorithms: ['none'] });",
        },
      },
      {
        ruleId: xss,
        severity: 'high',
        title: 'Detected directly writing to a Response object from user-defined input',
        cwe: ['CWE-79'],
        location: {
          kind: 'file',
          path: 'routes/orders.js',
          startLine: 14,
          endLine: 14,
          startColumn: 5,
          endColumn: 47,
          snippet: '    res.send(`<h1>Order ${req.params.id}</h1>`);',
        },
      },
      {
        ruleId: sqli,
        severity: 'high',
        title: 'Detected user input used to manually construct a SQL string',
        cwe: ['CWE-89'],
        location: {
          kind: 'file',
          path: 'routes/orders.js',
          startLine: 22,
          endLine: 23,
          startColumn: 17,
          endColumn: 48,
          snippet: "  const query = 'SELECT * FROM orders WHERE customer = ' +\n    req.query.customer + ' ORDER BY created_at';",
        },
      },
    ]);
    const x = findings.find((f) => f.ruleId === xss)!;
    expect(x.confidence).toBe('high');
    expect(x.tags).toEqual([
      'MEDIUM CONFIDENCE',
      'OWASP-A03:2021 - Injection',
      'OWASP-A07:2017 - Cross-Site Scripting (XSS)',
      'security',
      'tool:Semgrep OSS',
    ]);
    expect(x.references).toEqual([`https://semgrep.dev/r/${xss}`]);
    expect(x.remediation).toBe('Render responses through a template engine that escapes HTML, or escape user input before writing it.');
    expect(x.properties?.fingerprints).toEqual({ 'matchBasedId/v1': expect.stringMatching(/^1f0c3e9b/) });
  });

  it('BinSkim: message ids resolved in rule and global message strings, arguments filled, artifacts by index', () => {
    const findings = load('message-strings/binskim.sarif');
    const dll = 'C:/agent/_work/1/s/bin/Release/shop-native.dll';
    expect(findings.map((f) => [f.ruleId, f.severity, f.title, f.location, f.evidence])).toEqual([
      [
        'BA2008',
        'high',
        'Binaries should enable the compiler control guard feature (CFG) at build time to prevent attackers from redirecting execution to unexpected, unsafe locations',
        { kind: 'file', path: dll },
        "'shop-native.dll' does not enable the control flow guard (CFG) mitigation. To resolve this issue, pass /guard:cf on both the compiler and linker command lines.",
      ],
      [
        'BA2011',
        'high',
        'Binaries should be built with the stack protector buffer security feature (/GS) enabled to increase the difficulty of exploiting stack buffer overflow memory…',
        { kind: 'file', path: dll },
        "'shop-native.dll' is a C or C++ binary built with the stack protector buffer security feature disabled in one or more modules: crypto.obj, codec.obj.",
      ],
      [
        'BA2021',
        'medium',
        'PE sections should not be marked as both writable and executable',
        { kind: 'file', path: dll },
        "'shop-native.dll' has section .textbss marked both writable and executable {flags: RWX}.",
      ],
    ]);
  });

  it('kind: pass and notApplicable results are not problems; informational and review are info', () => {
    const findings = load('kind-pass/psrule.sarif');
    expect(findings.map((f) => [f.ruleId, f.severity, f.location.kind === 'file' ? f.location.startLine : 0])).toEqual([
      ['Azure.Storage.MinTLS', 'high', 15],
      ['Azure.Resource.UseTags', 'info', 8],
      ['Azure.Storage.BlobPublicAccess', 'info', 19],
    ]);
  });
});

describe('import: fixtures', () => {
  it('the good fixtures and the shop reports are valid SARIF 2.1.0 by the official schema', () => {
    const require = createRequire(import.meta.url);
    const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json') as object;
    // the rtm.5 schema's language-tag pattern is not valid as a unicode regular expression
    // CommonJS modules: under NodeNext the class and the plugin are their `default` export
    const ajv = new Ajv.default({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    const files = [
      ...['eslint/eslint.sarif', 'codeql/codeql.sarif', 'semgrep/semgrep.sarif', 'message-strings/binskim.sarif', 'kind-pass/psrule.sarif'].map(
        (f) => path.join(FIXTURES, f),
      ),
      path.join(SHOP, 'reports/eslint.sarif'),
      path.join(SHOP, 'reports/codeql.sarif'),
    ];
    for (const file of files) {
      const ok = validate(JSON.parse(readFileSync(file, 'utf8')));
      expect({ file, errors: ok ? null : validate.errors }).toEqual({ file, errors: null });
    }
  });
});

describe('import: invalid logs', () => {
  const cases: [string, string, number, string][] = [
    ['truncated.sarif', 'VIGIL_ERR_SARIF_PARSE', 23, 'not valid JSON'],
    ['empty.sarif', 'VIGIL_ERR_SARIF_PARSE', 1, 'is empty'],
    ['version-1.0.0.sarif', 'VIGIL_ERR_SARIF_INVALID', 3, 'version: vigil reads SARIF 2.1.0, got "1.0.0"'],
    ['runs-not-array.sarif', 'VIGIL_ERR_SARIF_INVALID', 4, 'runs: must be an array of runs, got object'],
    [
      'bad-level.sarif',
      'VIGIL_ERR_SARIF_INVALID',
      29,
      'runs[0].results[1].level: must be one of none, note, warning, error; got "critical"',
    ],
    [
      'rule-index-out-of-range.sarif',
      'VIGIL_ERR_SARIF_INVALID',
      29,
      'runs[0].results[1].ruleIndex: 2 is out of range; tool.driver.rules has 2 rules',
    ],
  ];
  it.each(cases)('%s → %s at line %i', (name, code, line, fragment) => {
    const file = path.join(FIXTURES, 'invalid', name);
    const e = thrown(() => parseSarif(readFileSync(file, 'utf8'), file), code, fragment);
    expect(e.file).toBe(file);
    expect(e.line).toBe(line);
    expect(e.column).toBeGreaterThanOrEqual(1);
    expect(e.isInputError).toBe(true);
  });

  it('names the JSON path of other broken parts', () => {
    const p = (log: unknown) => () => parseSarif(JSON.stringify(log, null, 2), 'x.sarif');
    thrown(p([]), 'VIGIL_ERR_SARIF_INVALID', '(root): a SARIF log is a JSON object, got array');
    thrown(p({ runs: [] }), 'VIGIL_ERR_SARIF_INVALID', 'version: missing; vigil reads SARIF 2.1.0');
    thrown(p({ version: '2.1.0' }), 'VIGIL_ERR_SARIF_INVALID', 'runs: missing');
    thrown(p({ version: '2.1.0', runs: [{ tool: { driver: {} } }] }), 'VIGIL_ERR_SARIF_INVALID', 'runs[0].tool.driver.name: must name the tool');
    thrown(p({ version: '2.1.0', runs: [{}] }), 'VIGIL_ERR_SARIF_INVALID', 'runs[0].tool: missing');
    thrown(p(sarifLog({} as unknown as unknown[])), 'VIGIL_ERR_SARIF_INVALID', 'runs[0].results: must be an array');
    thrown(p(sarifLog([42])), 'VIGIL_ERR_SARIF_INVALID', 'runs[0].results[0]: must be a result object, got number');
    thrown(p(sarifLog([{ message: {} }])), 'VIGIL_ERR_SARIF_INVALID', 'runs[0].results[0].message: needs "text" or "id"');
    thrown(
      p(sarifLog([{ message: { id: 'Nope' }, ruleId: 'R1' }], [{ id: 'R1', messageStrings: { Yes: { text: 'y' } } }])),
      'VIGIL_ERR_SARIF_INVALID',
      'runs[0].results[0].message.id: no message string "Nope" in rule "R1" messageStrings or tool.driver.globalMessageStrings',
    );
    thrown(
      p(sarifLog([{ message: { text: 'm' }, kind: 'failed' }])),
      'VIGIL_ERR_SARIF_INVALID',
      'runs[0].results[0].kind: must be one of notApplicable, pass, fail, review, open, informational; got "failed"',
    );
    thrown(p(sarifLog([{ message: { text: 'm' }, locations: {} }])), 'VIGIL_ERR_SARIF_INVALID', 'runs[0].results[0].locations: must be an array');
    thrown(
      p(sarifLog([{ message: { text: 'm' }, locations: at('a.js', { startLine: 0 }) }])),
      'VIGIL_ERR_SARIF_INVALID',
      'runs[0].results[0].locations[0].physicalLocation.region.startLine: must be a whole number from 1, got 0',
    );
    thrown(
      p(sarifLog([{ message: { text: 'm' }, locations: [{ physicalLocation: { artifactLocation: { index: 3 } } }] }])),
      'VIGIL_ERR_SARIF_INVALID',
      'runs[0].results[0].locations[0].physicalLocation.artifactLocation.index: 3 is out of range; run.artifacts has 0 artifacts',
    );
    thrown(
      p(sarifLog([{ message: { text: 'm' }, rule: { id: 'x', index: 0, toolComponent: { index: 1 } } }])),
      'VIGIL_ERR_SARIF_INVALID',
      'runs[0].results[0].rule.toolComponent.index: 1 is out of range; tool.extensions has 0 entries',
    );
    thrown(
      p(sarifLog([{ message: { text: 'm' }, ruleIndex: 'one' }])),
      'VIGIL_ERR_SARIF_INVALID',
      'runs[0].results[0].ruleIndex: must be an index into tool.driver.rules, got "one"',
    );
    thrown(
      p(sarifLog([], [{ id: 'R', defaultConfiguration: { level: 'fatal' } }])),
      'VIGIL_ERR_SARIF_INVALID',
      'runs[0].tool.driver.rules[0].defaultConfiguration.level: must be one of none, note, warning, error',
    );
  });

  it('accepts a missing version when $schema names 2.1.0, and null results', () => {
    const log = { $schema: 'https://json.schemastore.org/sarif-2.1.0.json', runs: [{ tool: { driver: { name: 'T' } }, results: null }] };
    expect(mapLog(log)).toEqual([]);
  });

  it('ignores what it does not use, however odd', () => {
    const log = sarifLog([{ message: { text: 'm' }, codeFlows: 'not checked', stacks: 7, locations: at('a.js') }], [], {
      invocations: 'whatever',
      taxonomies: null,
    });
    expect(mapLog(log)).toHaveLength(1);
  });
});

describe('import: mapping details', () => {
  it('severity: security-severity (result, then rule) beats level; levels follow GitHub', () => {
    const rules = [
      { id: 'S', properties: { 'security-severity': '9.1' } },
      { id: 'N', properties: { 'security-severity': 3.9 } },
      { id: 'W', defaultConfiguration: { level: 'note' } },
      { id: 'X', properties: { 'security-severity': 'high' } },
    ];
    const r = (ruleId: string, extra: Record<string, unknown> = {}, line = 1) => ({
      ruleId,
      message: { text: `${ruleId} ${line}` },
      locations: at('a.js', { startLine: line }),
      ...extra,
    });
    const sev = (results: unknown[]) => mapLog(sarifLog(results, rules)).map((f) => [f.ruleId, f.severity]);
    expect(sev([r('S', { level: 'note' })])).toEqual([['S', 'critical']]);
    expect(sev([r('N', { level: 'error' })])).toEqual([['N', 'low']]);
    expect(sev([r('N', { properties: { 'security-severity': '7.0' } })])).toEqual([['N', 'high']]);
    expect(sev([r('S', { properties: { 'security-severity': 0 } })])).toEqual([['S', 'info']]);
    expect(sev([r('W')])).toEqual([['W', 'low']]);
    expect(sev([r('W', { level: 'error' })])).toEqual([['W', 'high']]);
    expect(sev([r('X')])).toEqual([['X', 'medium']]); // not numeric: falls back to the default level
    expect(sev([r('U')])).toEqual([['U', 'medium']]);
    expect(sev([r('U', { level: 'none' })])).toEqual([['U', 'info']]);
    expect(sev([r('S', { kind: 'informational' })])).toEqual([['S', 'info']]);
    expect(sev([r('U', { kind: 'open' })])).toEqual([['U', 'info']]);
  });

  it('confidence from precision', () => {
    const precisions = ['very-high', 'high', 'medium', 'low', 'whatever'];
    const rules = precisions.map((p) => ({ id: p, properties: { precision: p } }));
    const results = precisions.map((p, i) => ({ ruleId: p, message: { text: 'm' }, locations: at(`f${i}.js`) }));
    expect(mapLog(sarifLog(results, rules)).map((f) => [f.ruleId, f.confidence])).toEqual([
      ['very-high', 'high'],
      ['high', 'high'],
      ['medium', 'medium'],
      ['low', 'low'],
      ['whatever', 'medium'],
    ]);
  });

  it('rule id from ruleId, then rule.id, then the indexed rule; CVE and GHSA ids become aliases', () => {
    const rules = [{ id: 'CVE-2021-23337', shortDescription: { text: 'Command injection in lodash' } }, { id: 'GHSA-35jh-r3h4-6jhm' }];
    const results = [
      { ruleIndex: 0, message: { text: 'a' }, locations: at('a.js') },
      { rule: { id: 'GHSA-35jh-r3h4-6jhm' }, message: { text: 'b' }, locations: at('b.js') },
      { message: { text: 'c.' }, locations: at('c.js') },
    ];
    expect(mapLog(sarifLog(results, rules)).map((f) => [f.ruleId, f.aliases, f.title])).toEqual([
      ['CVE-2021-23337', ['CVE-2021-23337'], 'Command injection in lodash'],
      ['GHSA-35jh-r3h4-6jhm', ['GHSA-35jh-r3h4-6jhm'], 'b'],
      ['unknown', [], 'c'],
    ]);
  });

  it('cwe from properties.cwe too, tags from rule and result, references deduplicated', () => {
    const rules = [
      {
        id: 'R',
        helpUri: 'https://example.test/R',
        properties: {
          cwe: ['CWE-022', 79],
          tags: ['security', 'external/cwe/cwe-079'],
          references: ['https://example.test/R', 'https://owasp.org/x'],
        },
      },
    ];
    const [f] = mapLog(sarifLog([{ ruleId: 'R', message: { text: 'm' }, locations: at('a.js'), properties: { tags: ['web'] } }], rules));
    expect(f!.cwe).toEqual(['CWE-79', 'CWE-22']);
    expect(f!.tags).toEqual(['security', 'web', 'tool:T']);
    expect(f!.references).toEqual(['https://example.test/R', 'https://owasp.org/x']);
  });

  it('messages: placeholders, escaped braces, markdown-only help as remediation', () => {
    const rules = [{ id: 'R', help: { markdown: '**Fix** it' }, messageStrings: { default: { text: 'Value {0} in {1} ({{literal}}) {2}' } } }];
    const [f] = mapLog(sarifLog([{ ruleId: 'R', message: { id: 'default', arguments: ['x', 'y'] }, locations: at('a.js') }], rules));
    expect(f!.evidence).toBe('Value x in y ({literal}) {2}');
    expect(f!.remediation).toBe('**Fix** it');
  });

  it('paths: uriBaseId resolved inside baseDir, file URIs made relative, outside paths kept', async () => {
    const base = await mkdtemp(path.join(tmpdir(), 'vigil-import-paths-'));
    try {
      const run = {
        originalUriBaseIds: {
          SRC: { uri: `${pathToFileURL(base).href}/` },
          PKG: { uri: 'pkg/', uriBaseId: 'SRC' },
          CI: { uri: 'file:///ci/work/' },
        },
      };
      const results = [
        { message: { text: 'a' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'src/a%20b.js', uriBaseId: 'SRC' } } }] },
        { message: { text: 'b' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'lib/c.js', uriBaseId: 'PKG' } } }] },
        { message: { text: 'c' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'src/d.js', uriBaseId: 'CI' } } }] },
        { message: { text: 'd' }, locations: [{ physicalLocation: { artifactLocation: { uri: pathToFileURL(path.join(base, 'e', 'f.js')).href } } }] },
        { message: { text: 'e' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'file:///elsewhere/g.js' } } }] },
        { message: { text: 'f' }, locations: [{ physicalLocation: { artifactLocation: { uri: './h/../i.js', uriBaseId: '%SRCROOT%' } } }] },
        { message: { text: 'g' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'https://example.test/app.js' } } }] },
        { message: { text: 'h' }, locations: [{ logicalLocations: [{ fullyQualifiedName: 'Shop.Orders.Checkout', name: 'Checkout' }] }] },
        { message: { text: 'i' } },
      ];
      const paths = mapLog(sarifLog(results, [], run), { baseDir: base }).map((f) => [f.evidence, f.location]);
      expect(paths).toEqual([
        ['i', { kind: 'file', path: '.' }],
        ['e', { kind: 'file', path: '/elsewhere/g.js' }],
        ['h', { kind: 'file', path: 'Shop.Orders.Checkout' }],
        ['d', { kind: 'file', path: 'e/f.js' }],
        ['g', { kind: 'file', path: 'https://example.test/app.js' }],
        ['f', { kind: 'file', path: 'i.js' }],
        ['b', { kind: 'file', path: 'pkg/lib/c.js' }],
        ['a', { kind: 'file', path: 'src/a b.js' }],
        ['c', { kind: 'file', path: 'src/d.js' }],
      ]);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });

  it('suppressed results and baseline "absent" results are skipped; a suppression under review is not', () => {
    const results = [
      { message: { text: 'kept' }, locations: at('a.js') },
      { message: { text: 'in source' }, locations: at('b.js'), suppressions: [{ kind: 'inSource', justification: 'test data' }] },
      { message: { text: 'accepted' }, locations: at('c.js'), suppressions: [{ kind: 'external', status: 'accepted' }] },
      { message: { text: 'under review' }, locations: at('d.js'), suppressions: [{ kind: 'external', status: 'underReview' }] },
      { message: { text: 'gone' }, locations: at('e.js'), baselineState: 'absent' },
      { message: { text: 'empty list' }, locations: at('f.js'), suppressions: [] },
    ];
    expect(mapLog(sarifLog(results)).map((f) => f.evidence)).toEqual(['kept', 'under review', 'empty list']);
  });

  it('duplicates within a file: exact repeats dropped, the same snippet twice gets an occurrence suffix', () => {
    const r = (line: number) => ({ ruleId: 'R', message: { text: 'm' }, locations: at('a.js', { startLine: line, snippet: { text: 'eval(x)' } }) });
    const findings = mapLog(sarifLog([r(3), r(9), r(3)]));
    expect(findings).toHaveLength(2);
    const [first, second] = findings;
    expect(first!.location).toMatchObject({ startLine: 3 });
    expect(second!.location).toMatchObject({ startLine: 9 });
    expect(second!.fingerprint).toBe(`${first!.fingerprint}:2`);
  });
});

describe('import: fingerprints', () => {
  const source = ['import { run } from "./run.js";', '', 'export function calc(expr) {', '  return eval(expr);', '}'];
  const result = (startLine: number, snippet?: string) => ({
    ruleId: 'no-eval',
    level: 'error',
    message: { text: '`eval` can be harmful.' },
    locations: at('src/calc.js', { startLine, startColumn: 10, endColumn: 14, ...(snippet ? { snippet: { text: snippet } } : {}) }),
  });
  const fp = (r: unknown, lines?: string[]) =>
    mapLog(sarifLog([r]), lines ? { readSource: (p) => (p === 'src/calc.js' ? lines : undefined) } : {})[0]!.fingerprint;

  it('survive lines shifting down when the snippet is unchanged (snippet from the log)', () => {
    expect(fp(result(7, '  return eval(expr);'))).toBe(fp(result(4, '  return eval(expr);')));
    expect(fp(result(4, '    return  eval(expr);\n'))).toBe(fp(result(4, '  return eval(expr);')));
    expect(fp(result(4, '  return eval(input);'))).not.toBe(fp(result(4, '  return eval(expr);')));
  });

  it('survive lines shifting down when the snippet is read from the source', () => {
    const shifted = ['// added', '// lines', '// above', ...source];
    expect(fp(result(7), shifted)).toBe(fp(result(4), source));
    const changed = source.map((l) => l.replace('eval(expr)', 'eval(userInput)'));
    expect(fp(result(4), changed)).not.toBe(fp(result(4), source));
  });

  it('prefer the tool\'s own fingerprints over the snippet', () => {
    const withPartial = (line: number, hash: string) => ({ ...result(line, `line ${line}`), partialFingerprints: { primaryLocationLineHash: hash } });
    expect(fp(withPartial(4, 'abc:1'))).toBe(fp(withPartial(40, 'abc:1')));
    expect(fp(withPartial(4, 'abc:1'))).not.toBe(fp(withPartial(4, 'abd:1')));
    const withFull = (hash: string) => ({ ...result(4, 'same'), fingerprints: { 'matchBasedId/v1': hash } });
    expect(fp(withFull('1'))).not.toBe(fp(withFull('2')));
  });

  it('fall back to message and line when nothing better is known', () => {
    expect(fp(result(4))).not.toBe(fp(result(5)));
    expect(fp(result(4))).toBe(fp(result(4)));
  });
});

describe('import scanner', () => {
  let tree: string;
  const log = (ruleId: string, uri: string) =>
    JSON.stringify(sarifLog([{ ruleId, level: 'error', message: { text: `${ruleId} here` }, locations: at(uri, { startLine: 2 }) }]));

  beforeAll(async () => {
    tree = await mkdtemp(path.join(tmpdir(), 'vigil-import-tree-'));
    const files: Record<string, string> = {
      'reports/eslint.sarif': log('no-eval', 'src/a.js'),
      'nested/deep/codeql.sarif.json': log('js/xss', 'src/b.js'),
      'node_modules/pkg/report.sarif': log('ignored-node-modules', 'x.js'),
      'dist/report.sarif': log('ignored-dist', 'x.js'),
      '.git/report.sarif': log('ignored-git', 'x.js'),
      '.vigil/report.sarif': log('ignored-vigil', 'x.js'),
      'notes.txt': 'not a report',
      'src/a.js': 'const a = 1;\neval(a);\n',
      'src/b.js': 'const b = 1;\nel.innerHTML = b;\n',
    };
    for (const [rel, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(tree, rel)), { recursive: true });
      await writeFile(path.join(tree, rel), text);
    }
  });
  afterAll(async () => {
    await rm(tree, { recursive: true, force: true });
  });

  it('finds SARIF files recursively, sorted, skipping node_modules, .git, dist and .vigil', async () => {
    expect(await findSarifFiles(tree)).toEqual(['nested/deep/codeql.sarif.json', 'reports/eslint.sarif']);
    const { ctx, notes } = context();
    const findings = await collect(createImportScanner(), pathTarget(tree), ctx);
    expect(findings.map((f) => [f.ruleId, f.location.kind === 'file' ? f.location.snippet : ''])).toEqual([
      ['js/xss', 'el.innerHTML = b;'],
      ['no-eval', 'eval(a);'],
    ]);
    expect(notes).toEqual(['file 1/2: nested/deep/codeql.sarif.json', 'file 2/2: reports/eslint.sarif']);
  });

  it('reads one file target; paths are relative to its folder', async () => {
    const { ctx } = context();
    const findings = await collect(createImportScanner(), pathTarget(path.join(tree, 'reports/eslint.sarif')), ctx);
    expect(findings.map((f) => f.location)).toEqual([{ kind: 'file', path: 'src/a.js', startLine: 2, endLine: 2 }]);
  });

  it('option files replaces discovery, and may not leave the folder', async () => {
    const { ctx } = context({ files: ['reports/eslint.sarif'] });
    expect((await collect(createImportScanner(), pathTarget(tree), ctx)).map((f) => f.ruleId)).toEqual(['no-eval']);
    const escape = context({ files: ['../outside.sarif'] });
    await expect(collect(createImportScanner(), pathTarget(tree), escape.ctx)).rejects.toMatchObject({ code: 'VIGIL_ERR_USAGE' });
    const wrongType = context({ files: 'reports/eslint.sarif' });
    await expect(collect(createImportScanner(), pathTarget(tree), wrongType.ctx)).rejects.toMatchObject({ code: 'VIGIL_ERR_USAGE' });
    const missing = context({ files: ['reports/none.sarif'] });
    await expect(collect(createImportScanner(), pathTarget(tree), missing.ctx)).rejects.toMatchObject({
      code: 'VIGIL_ERR_INPUT_NOT_FOUND',
      file: path.join(tree, 'reports/none.sarif'),
    });
  });

  it('a folder without SARIF files gives no findings', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'vigil-import-empty-'));
    try {
      const { ctx, notes } = context();
      expect(await collect(createImportScanner(), pathTarget(empty), ctx)).toEqual([]);
      expect(notes).toEqual([]);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('the same result in two files is one finding', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'vigil-import-dup-'));
    try {
      await writeFile(path.join(dir, 'a.sarif'), log('R', 'x.js'));
      await writeFile(path.join(dir, 'b.sarif'), log('R', 'x.js'));
      const { ctx } = context();
      expect(await collect(createImportScanner(), pathTarget(dir), ctx)).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects targets that are not paths, and paths that do not exist', async () => {
    const { ctx } = context();
    await expect(collect(createImportScanner(), { name: 'site', kind: 'url', location: 'https://example.test' }, ctx)).rejects.toMatchObject({
      code: 'VIGIL_ERR_USAGE',
      message: expect.stringContaining('target "site" is a url target'),
    });
    await expect(collect(createImportScanner(), pathTarget(path.join(tree, 'nope')), ctx)).rejects.toMatchObject({
      code: 'VIGIL_ERR_INPUT_NOT_FOUND',
    });
  });

  it('a broken file fails the scan with its name and line', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'vigil-import-bad-'));
    try {
      await writeFile(path.join(dir, 'bad.sarif'), '{\n  "version": "2.1.0",\n  "runs": 7\n}\n');
      const { ctx } = context();
      await expect(collect(createImportScanner(), pathTarget(dir), ctx)).rejects.toMatchObject({
        code: 'VIGIL_ERR_SARIF_INVALID',
        file: path.join(dir, 'bad.sarif'),
        line: 3,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stops when the signal is aborted: before the first file, and between files', async () => {
    const before = new AbortController();
    before.abort(new Error('shutdown'));
    await expect(collect(createImportScanner(), pathTarget(tree), context({}, before.signal).ctx)).rejects.toThrow('shutdown');

    const between = new AbortController();
    const { ctx, notes } = context({}, between.signal);
    const seen: string[] = [];
    const run = async () => {
      for await (const f of createImportScanner().run(pathTarget(tree), ctx)) {
        seen.push(f.ruleId);
        between.abort(new Error('timeout'));
      }
    };
    await expect(run()).rejects.toThrow('timeout');
    expect(seen).toEqual(['js/xss']);
    expect(notes).toEqual(['file 1/2: nested/deep/codeql.sarif.json']);
  });

  it('stops mapping a large file once aborted', () => {
    const controller = new AbortController();
    controller.abort(new Error('timeout'));
    const results = Array.from({ length: 5000 }, (_, i) => ({ message: { text: `m${i}` }, locations: at('a.js', { startLine: i + 1 }) }));
    const file = '/repo/big.sarif';
    const parsed = parseSarif(JSON.stringify(sarifLog(results)), file);
    expect(() => sarifToFindings(parsed, { file, baseDir: '/repo', signal: controller.signal })).toThrow('timeout');
  });

  it('never reads source outside the scanned folder', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'vigil-import-outside-'));
    const root = await mkdtemp(path.join(tmpdir(), 'vigil-import-root-'));
    try {
      await writeFile(path.join(outside, 'secret.js'), 'TOP SECRET\n');
      await writeFile(path.join(root, 'ok.js'), 'line one\nline two\n');
      await symlink(path.join(outside, 'secret.js'), path.join(root, 'link.js'));
      const read = createSourceReader(root);
      expect(read('ok.js')).toEqual(['line one', 'line two', '']);
      expect(read(`../${path.basename(outside)}/secret.js`)).toBeUndefined();
      expect(read(path.join(outside, 'secret.js'))).toBeUndefined();
      expect(read('link.js')).toBeUndefined();
      expect(read('missing.js')).toBeUndefined();
    } finally {
      await rm(outside, { recursive: true, force: true });
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('examples/shop', () => {
  it('its CI reports import as the deliberate flaws, at lines that match the source', async () => {
    const { ctx, notes } = context();
    // the scanner sorts within each file; across files sorting is the writers' job
    const findings = sortFindings(await collect(createImportScanner(), pathTarget(SHOP), ctx));
    expect(notes).toEqual(['file 1/2: reports/codeql.sarif', 'file 2/2: reports/eslint.sarif']);
    expect(findings.map((f) => [f.severity, f.ruleId, f.location.kind === 'file' ? `${f.location.path}:${f.location.startLine}` : ''])).toEqual([
      ['critical', 'js/code-injection', 'src/util.js:12'],
      ['high', 'js/sql-injection', 'src/db.js:11'],
      ['high', 'no-eval', 'src/util.js:12'],
      ['medium', 'js/xss', 'src/render.js:9'],
      ['medium', 'no-unused-vars', 'src/util.js:17'],
      ['medium', 'eqeqeq', 'src/util.js:18'],
    ]);
    // the suppressed no-console result (an eslint-disable comment with a reason) is not a finding
    expect(findings.some((f) => f.ruleId === 'no-console')).toBe(false);
    const marked: Record<string, string> = {
      'js/code-injection': "rule.replace('price', String(price))",
      'js/sql-injection': 'sql',
      'no-eval': 'eval',
      'js/xss': "'Results for ' + term",
      'no-unused-vars': 'threshold',
      eqeqeq: '==',
    };
    for (const f of findings) {
      if (f.location.kind !== 'file') throw new Error('expected a file location');
      const { path: p, startLine, startColumn, endColumn, snippet } = f.location;
      const line = (await readFile(path.join(SHOP, p), 'utf8')).split('\n')[startLine! - 1]!;
      expect(snippet).toBe(line);
      expect(line.slice(startColumn! - 1, endColumn! - 1)).toBe(marked[f.ruleId]);
    }
    expect(findings.find((f) => f.ruleId === 'js/sql-injection')!.cwe).toEqual(['CWE-89', 'CWE-90', 'CWE-943']);
  });
});

describe('scanner registry', () => {
  it('lists and builds the import scanner', async () => {
    expect(scannerIds()).toEqual(['api', 'code', 'datamap', 'deps', 'import', 'migrations', 'pages', 'perf', 'postgres', 'tls', 'web']);
    const s = await createScanner('import');
    expect(s.id).toBe('import');
    expect(s.version).toBe(1);
  });

  it('an unknown id names the known ones', async () => {
    await rejected(createScanner('zap'), 'VIGIL_ERR_SCANNER_UNKNOWN', 'no scanner "zap"; known: api, code, datamap, deps, import, migrations, pages, perf, postgres, tls, web');
  });

  it('a duplicate id throws', () => {
    thrown(
      () =>
        buildRegistry([
          { id: 'import', create: createImportScanner },
          { id: 'import', create: createImportScanner },
        ]),
      'VIGIL_ERR_SCANNER_DUPLICATE',
      'scanner id "import" is registered twice',
    );
  });

  it('a factory that builds a scanner with another id is a bug', async () => {
    const registry = buildRegistry([{ id: 'code', create: createImportScanner }]);
    await rejected(createScanner('code', registry), 'VIGIL_ERR_INTERNAL', 'built scanner "import"');
  });

  it('loads every registered scanner and each reports its own id', async () => {
    for (const id of scannerIds()) expect((await createScanner(id)).id).toBe(id);
  });
});

describe('parseSarif on arbitrary input', () => {
  const sarifCodes = ['VIGIL_ERR_SARIF_PARSE', 'VIGIL_ERR_SARIF_INVALID'];
  /** Parse and map; only a VigilError with a SARIF code may escape. */
  const parseAndMap = (text: string) => {
    try {
      const log = parseSarif(text, '/repo/x.sarif');
      sarifToFindings(log, { file: '/repo/x.sarif', baseDir: '/repo', readSource: () => ['a', 'b', 'c'] });
    } catch (e) {
      if (!(e instanceof VigilError) || !sarifCodes.includes(e.code)) throw e;
    }
  };

  it('returns or throws a SARIF VigilError for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => parseAndMap(JSON.stringify(v) ?? '')),
      { numRuns: 500 },
    );
  });

  it('returns or throws a SARIF VigilError for any text', () => {
    fc.assert(fc.property(fc.string(), (s) => parseAndMap(s)), { numRuns: 300 });
  });

  /**
   * SARIF-shaped logs where each part is, one time in `oddOneIn`, an arbitrary JSON value instead:
   * mostly well-formed, so that the checks deep inside results and the mapping are reached too.
   */
  function sarifShaped(oddOneIn: number) {
    const any = fc.jsonValue({ maxDepth: 2 });
    const maybe = <T>(a: fc.Arbitrary<T>) => fc.oneof({ arbitrary: a, weight: oddOneIn - 1 }, { arbitrary: any, weight: 1 });
    /** A record whose keys may each be missing. */
    const partial = <T>(shape: { [K in keyof T]: fc.Arbitrary<T[K]> }) => maybe(fc.record(shape, { requiredKeys: [] }));
    const int = fc.integer({ min: -2, max: 3 });
    const line = fc.oneof({ arbitrary: fc.integer({ min: 1, max: 5 }), weight: 8 }, { arbitrary: int, weight: 1 });
    // references are usually absent; when present they are often out of range
    const ref = fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 8 },
      { arbitrary: int, weight: 2 },
      { arbitrary: any, weight: 1 },
    );
    const uri = fc.oneof(
      fc.constantFrom('src/a.js', 'file:///repo/src/b.js', 'file://host/x', 'C:\\x.js', '%E0%A4%A', '../up.js', 'https://x.test/'),
      fc.string(),
    );
    const baseId = maybe(fc.constantFrom('SRC', 'LOOP', '%SRCROOT%'));
    const location = fc.record(
      {
        physicalLocation: partial({
          artifactLocation: partial({ uri: maybe(uri), uriBaseId: baseId, index: ref }),
          region: partial({ startLine: maybe(line), endLine: maybe(line), startColumn: maybe(line), snippet: any }),
        }),
        logicalLocations: any,
      },
      { requiredKeys: [] },
    );
    const result = fc.record(
      {
        ruleId: maybe(fc.constantFrom('R0', 'R1', 'constructor', '__proto__', 'a/b')),
        ruleIndex: ref,
        rule: partial({ id: any, index: ref, toolComponent: partial({ index: ref, name: any, guid: any }) }),
        kind: maybe(fc.constantFrom(...SARIF_KINDS)),
        level: maybe(fc.constantFrom(...SARIF_LEVELS)),
        message: partial({
          text: maybe(fc.string()),
          id: maybe(fc.constantFrom('default', 'toString', 'missing')),
          arguments: any,
        }),
        locations: maybe(fc.array(location, { maxLength: 2 })),
        partialFingerprints: any,
        fingerprints: any,
        suppressions: any,
        baselineState: any,
        properties: partial({ 'security-severity': any, tags: any, cwe: any }),
      },
      { requiredKeys: ['message'] },
    );
    const rule = fc.record(
      {
        id: maybe(fc.constantFrom('R0', 'R1', 'a')),
        name: any,
        shortDescription: any,
        fullDescription: any,
        help: any,
        helpUri: any,
        defaultConfiguration: partial({ level: maybe(fc.constantFrom(...SARIF_LEVELS)) }),
        messageStrings: maybe(fc.dictionary(fc.constantFrom('default', 'toString'), partial({ text: maybe(fc.string()) }))),
        properties: any,
      },
      { requiredKeys: ['id'] },
    );
    const component = fc.record(
      {
        name: maybe(fc.constantFrom('T', 'ext')),
        guid: any,
        rules: maybe(fc.array(rule, { maxLength: 3 })),
        globalMessageStrings: any,
      },
      { requiredKeys: ['name'] },
    );
    const run = fc.record(
      {
        tool: maybe(
          fc.record(
            { driver: maybe(component), extensions: maybe(fc.array(component, { maxLength: 2 })) },
            { requiredKeys: ['driver'] },
          ),
        ),
        results: maybe(fc.array(result, { minLength: 1, maxLength: 4 })),
        artifacts: maybe(fc.array(partial({ location: partial({ uri: maybe(uri), uriBaseId: any }) }), { maxLength: 2 })),
        originalUriBaseIds: partial({
          SRC: partial({ uri: maybe(fc.constantFrom('file:///repo/', 'pkg/', 'file:///other/')), uriBaseId: baseId }),
          LOOP: partial({ uri: maybe(fc.constant('x/')), uriBaseId: maybe(fc.constant('LOOP')) }),
        }),
      },
      { requiredKeys: ['tool'] },
    );
    const log = fc.record(
      { version: maybe(fc.constant('2.1.0')), $schema: any, runs: maybe(fc.array(run, { minLength: 1, maxLength: 2 })) },
      { requiredKeys: ['version', 'runs'] },
    );
    return log;
  }

  it('returns or throws a SARIF VigilError for SARIF-shaped values with arbitrary parts', () => {
    fc.assert(fc.property(sarifShaped(16), (v) => parseAndMap(JSON.stringify(v))), { numRuns: 700 });
    fc.assert(fc.property(sarifShaped(200), (v) => parseAndMap(JSON.stringify(v))), { numRuns: 700 });
  });
});
