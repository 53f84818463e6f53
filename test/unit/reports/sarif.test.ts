import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { severityFromScore, SEVERITIES } from '../../../src/model/severity.js';
import { artifactLocationOf, cweTag, sarifLevel, SECURITY_SEVERITY, writeSarif } from '../../../reports/index.js';
import { sampleReport } from './sample-report.js';

// both are CommonJS: under NodeNext the default import is module.exports, which carries `default`
const Ajv = AjvDraft04.default;
const addFormats = ajvFormats.default;
const require = createRequire(import.meta.url);
const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

function validator() {
  // the official schema's `language` pattern is not valid with the `u` flag ajv uses by default
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
}

// any: the schema test proves the shape; the assertions below read arbitrary SARIF fields
type Loose = any; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Log {
  $schema: string;
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; informationUri?: string; rules: Record<string, Loose>[] } };
    automationDetails: { id: string };
    invocations: { executionSuccessful: boolean; toolExecutionNotifications?: { level: string; message: { text: string } }[] }[];
    columnKind: string;
    results: Record<string, Loose>[];
  }[];
}

const log = (): Log => JSON.parse(writeSarif(sampleReport('high'))) as Log;

describe('writeSarif', () => {
  it('validates against the SARIF 2.1.0 schema', () => {
    const validate = validator();
    const ok = validate(JSON.parse(writeSarif(sampleReport('high'), { informationUri: 'https://example.org/vigil' })));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('has a validator that rejects what the schema forbids', () => {
    const validate = validator();
    const bad = JSON.parse(writeSarif(sampleReport())) as Log;
    bad.runs[0]!.results[0]!.level = 'fatal';
    bad.runs[0]!.results[1]!.suppressions = [{ kind: 'external', status: 'ignored' }];
    bad.runs[0]!.tool.driver.informationUri = 'not a uri';
    expect(validate(bad)).toBe(false);
    const paths = (validate.errors ?? []).map((e: { instancePath: string }) => e.instancePath);
    expect(paths).toEqual(
      expect.arrayContaining(['/runs/0/results/0/level', '/runs/0/results/1/suppressions/0/status', '/runs/0/tool/driver/informationUri']),
    );
  });

  it('validates for an empty, complete run too', () => {
    const r = sampleReport('none');
    r.findings = [];
    r.run.parts = [];
    r.run.status = 'complete';
    const validate = validator();
    expect(validate(JSON.parse(writeSarif(r)))).toBe(true);
    expect(JSON.parse(writeSarif(r)).runs[0].invocations[0].executionSuccessful).toBe(true);
  });

  it('writes the log header, one run and automation details', () => {
    const l = log();
    expect(l.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(l.version).toBe('2.1.0');
    expect(l.runs).toHaveLength(1);
    const run = l.runs[0]!;
    expect(run.tool.driver.name).toBe('vigil');
    expect(run.tool.driver.version).toBe('0.1.0');
    expect(run.automationDetails.id).toBe('vigil/run-2026-03-01-0001');
    expect(run.columnKind).toBe('utf16CodeUnits');
  });

  it('has one rule per ruleId, sorted, with GitHub metadata', () => {
    const run = log().runs[0]!;
    const ids = run.tool.driver.rules.map((r) => r.id as string);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    const sql = run.tool.driver.rules.find((r) => r.id === 'js/sql-injection')!;
    expect(sql.shortDescription.text).toBe('SQL query built from user input');
    expect(sql.help.text).toContain('parameterised query');
    expect(sql.help.text).toContain('https://owasp.org/Top10/A03_2021-Injection/');
    expect(sql.help.markdown).toContain('<https://cwe.mitre.org/data/definitions/89.html>');
    expect(sql.helpUri).toBe('https://owasp.org/Top10/A03_2021-Injection/');
    expect(sql.defaultConfiguration.level).toBe('error');
    expect(sql.properties['security-severity']).toBe('9.5');
    expect(typeof sql.properties['security-severity']).toBe('string');
    expect(sql.properties.precision).toBe('high');
    expect(sql.properties.tags).toEqual(expect.arrayContaining(['security', 'external/cwe/cwe-89', 'injection']));

    const lodash = run.tool.driver.rules.find((r) => r.id === 'GHSA-jf85-cpcp-j695')!;
    expect(lodash.properties.tags).toContain('external/cwe/cwe-1321');
    expect(lodash.properties.tags).not.toContain('not-a-cwe');
    const tls = run.tool.driver.rules.find((r) => r.id === 'tls/weak-cipher')!;
    expect(tls.properties.precision).toBe('low');
    expect(tls.defaultConfiguration.level).toBe('note');
    // no reference: no helpUri, and help still says something
    expect(tls.helpUri).toBeUndefined();
    expect(tls.help.text).not.toBe('');
  });

  it('maps severities to levels and security-severity scores that round-trip', () => {
    expect(SEVERITIES.map(sarifLevel)).toEqual(['error', 'error', 'warning', 'note', 'note']);
    for (const s of SEVERITIES) expect(severityFromScore(Number(SECURITY_SEVERITY[s]))).toBe(s);
    const run = log().runs[0]!;
    for (const r of run.results) expect(r.level).toBe(sarifLevel(r.properties.severity));
  });

  it('links results to rules and carries partial fingerprints', () => {
    const run = log().runs[0]!;
    const rules = run.tool.driver.rules;
    for (const r of run.results) {
      expect(rules[r.ruleIndex]!.id).toBe(r.ruleId);
      expect(typeof r.partialFingerprints['vigil/v1']).toBe('string');
    }
    const sql = run.results.find((r) => r.ruleId === 'js/sql-injection')!;
    expect(sql.partialFingerprints).toEqual({
      'vigil/v1': sampleReport().findings.find((f) => f.ruleId === 'js/sql-injection')!.fingerprint,
      primaryLocationLineHash: '5a1f0c3e:1',
    });
    expect(sql.message.text).toBe('SQL query built from user input\nEvidence: db.query(`SELECT * FROM orders WHERE id = ${req.params.id}`)');
    expect(sql.properties).toMatchObject({ severity: 'critical', target: 'shop', status: 'open' });
    expect(sql.baselineState).toBe('new');
  });

  it('writes file locations as %SRCROOT%-relative URIs with a region', () => {
    const run = log().runs[0]!;
    const sql = run.results.find((r) => r.ruleId === 'js/sql-injection')!;
    expect(sql.locations[0]).toEqual({
      physicalLocation: {
        artifactLocation: { uri: 'src/db/orders.ts', uriBaseId: '%SRCROOT%' },
        region: { startLine: 42, startColumn: 11, endLine: 42, endColumn: 58 },
      },
    });
    const weak = run.results.find((r) => r.ruleId === 'js/weak-hash')!;
    expect(weak.locations[0].physicalLocation.artifactLocation.uri).toBe('test/fixtures/my%20file%231.ts');
  });

  it('writes logical locations, and no physical location for file-less kinds', () => {
    const run = log().runs[0]!;
    const loc = (ruleId: string) => run.results.find((r) => r.ruleId === ruleId)!.locations[0];
    expect(loc('zap/10021')).toEqual({
      logicalLocations: [{ name: 'step', fullyQualifiedName: 'POST https://shop.example/checkout?step=2 [step]', kind: 'resource' }],
    });
    expect(loc('tls/weak-cipher').logicalLocations[0]).toMatchObject({ fullyQualifiedName: 'shop.example:443', kind: 'resource' });
    expect(loc('GHSA-jf85-cpcp-j695')).toEqual({
      logicalLocations: [
        {
          name: 'pkg:npm/lodash@4.17.11',
          fullyQualifiedName: 'pkg:npm/lodash@4.17.11',
          kind: 'module',
          properties: { dependencyPath: ['shop', 'express-utils', 'lodash'] },
        },
      ],
    });
    expect(loc('pg/table-without-rls').logicalLocations[0]).toMatchObject({ fullyQualifiedName: 'public.customers' });
    for (const id of ['zap/10021', 'tls/weak-cipher', 'GHSA-jf85-cpcp-j695', 'pg/table-without-rls']) {
      expect(loc(id).physicalLocation).toBeUndefined();
    }
    // a data map is a file, so it has both
    expect(loc('gdpr/missing-retention')).toEqual({
      physicalLocation: { artifactLocation: { uri: 'compliance/datamap.json', uriBaseId: '%SRCROOT%' } },
      logicalLocations: [
        { name: 'email', fullyQualifiedName: 'compliance/datamap.json#/systems/0/data/email', kind: 'object' },
      ],
    });
  });

  it('marks suppressed, ledger-accepted and baselined results', () => {
    const run = log().runs[0]!;
    const weak = run.results.find((r) => r.ruleId === 'js/weak-hash')!;
    expect(weak.suppressions).toEqual([
      { kind: 'external', status: 'accepted', justification: 'Test data only', properties: { source: 'suppression-file', where: '.vigilignore.yaml:4' } },
    ]);
    const redirect = run.results.find((r) => r.ruleId === 'js/open-redirect')!;
    expect(redirect.suppressions[0]).toMatchObject({ kind: 'external', status: 'accepted', justification: 'marked accepted in the vigil ledger' });
    const zap = run.results.find((r) => r.ruleId === 'zap/10021')!;
    expect(zap.baselineState).toBe('unchanged');
    expect(zap.suppressions).toBeUndefined();
  });

  it('reports failed parts as tool execution notifications', () => {
    const inv = log().runs[0]!.invocations[0]!;
    expect(inv.executionSuccessful).toBe(false);
    expect(inv.toolExecutionNotifications).toEqual([
      expect.objectContaining({ level: 'error', message: { text: 'timed out after 60s' } }),
      expect.objectContaining({ level: 'error', message: { text: 'results.sarif:3:7: not valid JSON <&> "quoted"\u0007' } }),
    ]);
  });

  it('only writes informationUri when it is a web URL', () => {
    expect(log().runs[0]!.tool.driver.informationUri).toBeUndefined();
    const l = JSON.parse(writeSarif(sampleReport(), { informationUri: 'https://example.org/vigil' })) as Log;
    expect(l.runs[0]!.tool.driver.informationUri).toBe('https://example.org/vigil');
  });

  it.each([
    ['src/a.ts', { uri: 'src/a.ts', uriBaseId: '%SRCROOT%' }],
    ['./src\\win\\b.ts', { uri: 'src/win/b.ts', uriBaseId: '%SRCROOT%' }],
    ['node_modules/@scope/pkg/x=1.js', { uri: 'node_modules/@scope/pkg/x=1.js', uriBaseId: '%SRCROOT%' }],
    ['a:b/c.ts', { uri: 'a%3Ab/c.ts', uriBaseId: '%SRCROOT%' }],
    ['100%/ü?.ts', { uri: '100%25/%C3%BC%3F.ts', uriBaseId: '%SRCROOT%' }],
    ['/abs/path/x.ts', { uri: 'file:///abs/path/x.ts' }],
    ['C:\\work\\x.ts', { uri: 'file:///C:/work/x.ts' }],
  ])('artifact location for %j', (path, expected) => {
    expect(artifactLocationOf(path)).toEqual(expected);
  });

  it.each([
    ['CWE-89', 'external/cwe/cwe-89'],
    ['cwe-079', 'external/cwe/cwe-79'],
    ['22', 'external/cwe/cwe-22'],
    ['OWASP-A03', undefined],
  ])('cweTag(%j)', (cwe, tag) => {
    expect(cweTag(cwe)).toBe(tag);
  });
});
