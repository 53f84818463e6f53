import { describe, expect, it } from 'vitest';
import { applyVex, buildReport, parseVex } from '../../../src/gate/index.js';
import type { ReportedFinding } from '../../../src/model/report.js';
import { writeReport, writeVex } from '../../../reports/index.js';
import { schemaErrors } from '../deps/sbom/helpers.js';
import { reported, sampleReport, sampleRun } from './sample-report.js';

function dep(ruleId: string, purl: string, extra: Partial<ReportedFinding> = {}, draft: { aliases?: string[]; cwe?: string[]; properties?: Record<string, unknown>; remediation?: string } = {}): ReportedFinding {
  return reported({ scanner: 'deps', ruleId, title: `${ruleId} in ${purl}`, severity: 'high', location: { kind: 'component', purl }, ...draft }, extra);
}

/** One finding per analysis state vigil writes. */
function vexFindings(): ReportedFinding[] {
  return [
    dep('GHSA-jf85-cpcp-j695', 'pkg:npm/lodash@4.17.11', {}, {
      aliases: ['CVE-2019-10744'],
      cwe: ['CWE-1321', 'not-a-cwe', '20'],
      remediation: 'Upgrade lodash to 4.17.12 or later.',
      properties: { cvssScore: 9.1, cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H' },
    }),
    dep('GHSA-grv7-fg5c-xmjg', 'pkg:npm/braces@3.0.2', {
      suppression: { source: 'vex', reason: 'not_affected: vulnerable_code_not_in_execute_path — only our own globs', where: 'a.json#0' },
    }, { aliases: ['CVE-2024-4068'], properties: { cvssScore: 7.5, cvssVector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N' } }),
    dep('CVE-2021-23337', 'pkg:npm/lodash@4.17.11', { suppression: { source: 'vex', reason: 'false_positive — browser build only', where: 'b.json#2' } }),
    dep('GHSA-c2qf-rxjj-qqgw', 'pkg:npm/semver@7.5.1', { suppression: { source: 'vex', reason: 'not_affected: code_not_reachable', where: 'c.json#1' } }),
    dep('GHSA-3h5v-q93c-6h6q', 'pkg:npm/ws@8.16.0', { id: 3, status: 'false_positive' }),
    dep('GHSA-72xf-g2v4-qvf3', 'pkg:npm/tough-cookie@4.1.2', { id: 4, status: 'accepted', suppression: { source: 'ledger', reason: 'internal tool only' } }),
    dep('GHSA-952p-6rrq-rcjv', 'pkg:npm/micromatch@4.0.4', { suppression: { source: 'suppression-file', reason: 'no user globs', expires: null, where: '.vigilignore.yaml:3' } }),
    dep('GHSA-wf5p-g6vw-rhxx', 'pkg:npm/axios@0.21.1', { id: 6, status: 'triaged' }),
    dep('GHSA-4w2v-q235-vp99', 'pkg:npm/axios@0.21.1', { id: 7, status: 'open' }),
    dep('vendor-42', 'pkg:generic/openssl@3.0.0'),
    reported({ scanner: 'code', ruleId: 'js/xss', title: 'x', severity: 'high', location: { kind: 'file', path: 'a.ts' } }),
  ];
}

const report = () => buildReport(sampleRun(), vexFindings(), 'high', '0.1.0');

type Vuln = { id: string; affects: { ref: string }[]; analysis: { state: string; justification?: string; response?: string[]; detail?: string } } & Record<string, unknown>;

describe('writeVex', () => {
  it('is valid CycloneDX 1.6 (official schema, strict)', async () => {
    expect(await schemaErrors(JSON.parse(writeVex(report())), '1.6')).toBeNull();
    expect(await schemaErrors(JSON.parse(writeVex(sampleReport())), '1.6')).toBeNull();
  });

  it('writes the document header from the run, deterministically', () => {
    const doc = JSON.parse(writeVex(report())) as Record<string, unknown>;
    expect(doc).toMatchObject({
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      version: 1,
      metadata: { timestamp: '2026-03-01T10:00:05.000Z', tools: { components: [{ type: 'application', name: 'vigil', version: '0.1.0' }] } },
    });
    expect(doc['serialNumber']).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(writeVex(report())).toBe(writeVex(buildReport(sampleRun(), vexFindings().reverse(), 'high', '0.1.0')));
    const other = buildReport({ ...sampleRun(), id: 'run-2' }, vexFindings(), 'high', '0.1.0');
    expect((JSON.parse(writeVex(other)) as Record<string, unknown>)['serialNumber']).not.toBe(doc['serialNumber']);
    expect(writeReport('vex', report())).toBe(writeVex(report()));
  });

  it('writes one vulnerability per component finding, sorted by id then purl', () => {
    const vulns = (JSON.parse(writeVex(report())) as { vulnerabilities: Vuln[] }).vulnerabilities;
    expect(vulns.map((v) => `${v.id} ${v.affects[0]!.ref} ${v.analysis.state}`)).toEqual([
      'CVE-2021-23337 pkg:npm/lodash@4.17.11 false_positive',
      'GHSA-3h5v-q93c-6h6q pkg:npm/ws@8.16.0 false_positive',
      'GHSA-4w2v-q235-vp99 pkg:npm/axios@0.21.1 in_triage',
      'GHSA-72xf-g2v4-qvf3 pkg:npm/tough-cookie@4.1.2 exploitable',
      'GHSA-952p-6rrq-rcjv pkg:npm/micromatch@4.0.4 exploitable',
      'GHSA-c2qf-rxjj-qqgw pkg:npm/semver@7.5.1 not_affected',
      'GHSA-grv7-fg5c-xmjg pkg:npm/braces@3.0.2 not_affected',
      'GHSA-jf85-cpcp-j695 pkg:npm/lodash@4.17.11 in_triage',
      'GHSA-wf5p-g6vw-rhxx pkg:npm/axios@0.21.1 exploitable',
      'vendor-42 pkg:generic/openssl@3.0.0 in_triage',
    ]);
    const byId = new Map(vulns.map((v) => [v.id, v]));
    expect(byId.get('GHSA-jf85-cpcp-j695')).toEqual({
      id: 'GHSA-jf85-cpcp-j695',
      source: { name: 'OSV', url: 'https://osv.dev/vulnerability/GHSA-jf85-cpcp-j695' },
      references: [{ id: 'CVE-2019-10744', source: { name: 'OSV', url: 'https://osv.dev/vulnerability/CVE-2019-10744' } }],
      ratings: [{ score: 9.1, severity: 'high', method: 'CVSSv31', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H' }],
      cwes: [20, 1321],
      description: 'GHSA-jf85-cpcp-j695 in pkg:npm/lodash@4.17.11',
      recommendation: 'Upgrade lodash to 4.17.12 or later.',
      analysis: { state: 'in_triage' },
      affects: [{ ref: 'pkg:npm/lodash@4.17.11' }],
    });
    expect(byId.get('GHSA-grv7-fg5c-xmjg')!['ratings']).toEqual([expect.objectContaining({ method: 'CVSSv4', score: 7.5 })]);
    // an OpenVEX justification becomes its nearest CycloneDX one, and is kept in words
    expect(byId.get('GHSA-grv7-fg5c-xmjg')!.analysis).toEqual({
      state: 'not_affected',
      justification: 'code_not_reachable',
      detail: 'vulnerable_code_not_in_execute_path — only our own globs',
    });
    expect(byId.get('GHSA-c2qf-rxjj-qqgw')!.analysis).toEqual({ state: 'not_affected', justification: 'code_not_reachable', detail: 'VEX statement c.json#1' });
    expect(byId.get('CVE-2021-23337')!.analysis).toEqual({ state: 'false_positive', detail: 'browser build only' });
    expect(byId.get('GHSA-72xf-g2v4-qvf3')!.analysis).toEqual({ state: 'exploitable', response: ['will_not_fix'], detail: 'risk accepted: internal tool only' });
    expect(byId.get('GHSA-952p-6rrq-rcjv')!.analysis).toEqual({ state: 'exploitable', response: ['will_not_fix'], detail: 'risk accepted: no user globs (.vigilignore.yaml:3)' });
    expect(byId.get('vendor-42')!['source']).toEqual({ name: 'deps' });
    expect(byId.get('vendor-42')!['ratings']).toEqual([{ severity: 'high' }]);
  });

  it('writes an empty list when the run has no component findings', () => {
    const doc = JSON.parse(writeVex(buildReport(sampleRun(), [], 'high', '0.1.0'))) as Record<string, unknown>;
    expect(doc['vulnerabilities']).toEqual([]);
  });

  it('round trip: read back by parseVex, it suppresses exactly the not_affected and false_positive findings', () => {
    const text = writeVex(report());
    const statements = parseVex(text, 'vigil.vex.json');
    expect(statements).toHaveLength(10);
    const fresh = vexFindings().map(({ suppression: _s, status: _st, ...f }) => f as ReportedFinding);
    const { findings, applied } = applyVex(fresh, statements);
    const suppressed = findings.filter((f) => f.suppression).map((f) => `${f.ruleId} ${f.suppression!.reason}`);
    expect(suppressed).toEqual([
      'GHSA-grv7-fg5c-xmjg not_affected: code_not_reachable — vulnerable_code_not_in_execute_path — only our own globs',
      'CVE-2021-23337 false_positive — browser build only',
      'GHSA-c2qf-rxjj-qqgw not_affected: code_not_reachable — VEX statement c.json#1',
      'GHSA-3h5v-q93c-6h6q false_positive — marked a false positive in the ledger',
    ]);
    expect(applied).toBe(4);
    // the same vulnerability at another version is not covered: statements name the exact purl
    expect(applyVex([dep('GHSA-c2qf-rxjj-qqgw', 'pkg:npm/semver@7.5.2')], statements).applied).toBe(0);
    // and aliases carry over: a finding keyed by the CVE is covered too
    expect(applyVex([dep('CVE-2024-4068', 'pkg:npm/braces@3.0.2')], statements).applied).toBe(1);
  });
});
