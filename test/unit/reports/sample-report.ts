import { buildReport } from '../../../src/gate/gate.js';
import { createFinding, type FindingDraft } from '../../../src/model/create.js';
import type { ReportedFinding, ScanReport } from '../../../src/model/report.js';
import type { Run, RunPart } from '../../../src/model/run.js';
import type { FailOn } from '../../../src/model/severity.js';

/** A reported finding from a draft plus what the ledger and gate add. */
export function reported(draft: FindingDraft, extra: Partial<ReportedFinding> & { target?: string } = {}): ReportedFinding {
  return { ...createFinding(draft), target: 'shop', ...extra };
}

function part(scanner: string, target: string, status: RunPart['status'] = 'complete', error: string | null = null, findings = 0): RunPart {
  return {
    scanner,
    scannerVersion: 1,
    target,
    status,
    error,
    findings,
    startedAt: '2026-03-01T10:00:00.000Z',
    finishedAt: '2026-03-01T10:00:02.500Z',
  };
}

/** A run with a complete part per location kind and two failed parts. */
export function sampleRun(): Run {
  return {
    id: 'run-2026-03-01-0001',
    trigger: 'cli',
    startedAt: '2026-03-01T10:00:00.000Z',
    finishedAt: '2026-03-01T10:00:05.000Z',
    status: 'partial',
    parts: [
      part('code', 'shop', 'complete', null, 5),
      part('deps', 'shop', 'complete', null, 1),
      part('web', 'shop-web', 'complete', null, 1),
      part('tls', 'shop-host', 'complete', null, 1),
      part('datamap', 'shop', 'complete', null, 1),
      part('postgres', 'shop-db', 'complete', null, 1),
      part('perf', 'shop-web', 'timeout', 'timed out after 60s'),
      part('import', 'shop', 'failed', 'results.sarif:3:7: not valid JSON <&> "quoted"\u0007'),
    ],
  };
}

/** Findings covering every location kind, a suppression, baseline states and ledger statuses. */
export function sampleFindings(): ReportedFinding[] {
  return [
    reported(
      {
        scanner: 'code',
        ruleId: 'js/sql-injection',
        title: 'SQL query built from user input',
        severity: 'critical',
        confidence: 'high',
        cwe: ['CWE-89'],
        location: { kind: 'file', path: 'src/db/orders.ts', startLine: 42, endLine: 42, startColumn: 11, endColumn: 58 },
        evidence: 'db.query(`SELECT * FROM orders WHERE id = ${req.params.id}`)',
        remediation: 'Use a parameterised query: db.query("… WHERE id = $1", [id]).',
        references: ['https://owasp.org/Top10/A03_2021-Injection/', 'https://cwe.mitre.org/data/definitions/89.html'],
        tags: ['injection'],
        properties: { partialFingerprints: { primaryLocationLineHash: '5a1f0c3e:1', 'vigil/v1': 'must-not-win' } },
      },
      { id: 1, status: 'open', firstSeen: '2026-02-01T00:00:00.000Z', slaDue: '2026-02-08T00:00:00.000Z', baselineState: 'new' },
    ),
    reported(
      {
        scanner: 'code',
        ruleId: 'js/weak-hash',
        title: 'MD5 used for a password hash',
        severity: 'medium',
        cwe: ['328'],
        location: { kind: 'file', path: './test/fixtures/my file#1.ts', startLine: 3 },
      },
      { suppression: { source: 'suppression-file', reason: 'Test data only', expires: null, where: '.vigilignore.yaml:4' } },
    ),
    reported(
      {
        scanner: 'web',
        ruleId: 'zap/10021',
        title: 'X-Content-Type-Options header missing',
        severity: 'high',
        location: { kind: 'web', url: 'https://shop.example/checkout?step=2', method: 'post', param: 'step' },
        references: ['https://www.zaproxy.org/docs/alerts/10021/'],
      },
      { target: 'shop-web', baselineState: 'unchanged' },
    ),
    reported(
      {
        scanner: 'tls',
        ruleId: 'tls/weak-cipher',
        title: 'Server accepts TLS_RSA_WITH_3DES_EDE_CBC_SHA',
        severity: 'low',
        confidence: 'low',
        location: { kind: 'host', host: 'shop.example', port: 443 },
      },
      { target: 'shop-host', baselineState: 'new' },
    ),
    reported({
      scanner: 'deps',
      ruleId: 'GHSA-jf85-cpcp-j695',
      title: 'Prototype pollution in lodash',
      severity: 'critical',
      cwe: ['CWE-1321', 'not-a-cwe'],
      aliases: ['CVE-2019-10744'],
      location: { kind: 'component', purl: 'pkg:npm/lodash@4.17.11', path: ['shop', 'express-utils', 'lodash'] },
      remediation: 'Upgrade lodash to 4.17.12 or later.',
    }),
    reported({
      scanner: 'datamap',
      ruleId: 'gdpr/missing-retention',
      title: 'Personal data without a retention period',
      severity: 'medium',
      location: { kind: 'datamap', file: 'compliance/datamap.json', pointer: '/systems/0/data/email' },
    }),
    reported(
      {
        scanner: 'postgres',
        ruleId: 'pg/table-without-rls',
        title: 'Table holds personal data without row-level security',
        severity: 'info',
        location: { kind: 'database', schema: 'public', table: 'customers' },
      },
      { target: 'shop-db' },
    ),
    reported(
      {
        scanner: 'code',
        ruleId: 'js/open-redirect',
        title: 'Redirect to a user-supplied URL',
        severity: 'high',
        location: { kind: 'file', path: 'src/routes/login.ts', startLine: 17 },
      },
      { id: 7, status: 'accepted' },
    ),
    reported({
      scanner: 'code',
      ruleId: 'js/xss',
      title: 'Reflected <script> \u0001 in ]]> template',
      severity: 'low',
      location: { kind: 'file', path: 'src/views/search.ts', startLine: 9 },
      evidence: 'res.send(`<p>${q}</p>`) \u001b[31mred\u001b[0m \uD800 & more',
    }),
  ];
}

/** The sample run and findings as a report, gated at `failOn`. */
export function sampleReport(failOn: FailOn = 'high'): ScanReport {
  return buildReport(sampleRun(), sampleFindings(), failOn, '0.1.0');
}
