import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../src/errors.js';
import { applyVex, loadVex, parseVex, purlCovers, type VexStatement } from '../../../src/gate/index.js';
import type { Location } from '../../../src/model/location.js';
import type { ReportedFinding } from '../../../src/model/report.js';
import { reported } from '../reports/sample-report.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/vex/', import.meta.url));
const CDX = join(FIXTURES, 'cyclonedx-vex.json');
const OPENVEX = join(FIXTURES, 'openvex.json');
const OPENVEX_OLD = join(FIXTURES, 'openvex-0.0.1.json');

function dep(ruleId: string, purl: string, aliases: string[] = [], extra: Partial<ReportedFinding> = {}): ReportedFinding {
  return reported({ scanner: 'deps', ruleId, title: ruleId, severity: 'high', aliases, location: { kind: 'component', purl } }, extra);
}

const reasons = (fs: ReportedFinding[]) => fs.map((f) => (f.suppression ? `${f.suppression.where?.replace(FIXTURES, '')} ${f.suppression.reason}` : null));

describe('loadVex', () => {
  it('reads CycloneDX VEX, resolving bom-refs (at any depth) to purls', async () => {
    const list = await loadVex(CDX);
    expect(list).toHaveLength(4);
    expect(list[0]).toEqual({
      format: 'cyclonedx',
      vulnerability: 'GHSA-jf85-cpcp-j695',
      aliases: [],
      products: ['pkg:npm/lodash@4.17.11'],
      status: 'not_affected',
      justification: 'code_not_reachable',
      detail: 'defaultsDeep is never called with user input',
      where: `${CDX}#0`,
    });
    expect(list[1]).toMatchObject({ aliases: ['GHSA-c2qf-rxjj-qqgw'], products: ['pkg:npm/semver@7.5.1'], status: 'exploitable' });
  });

  it('reads OpenVEX 0.2.0: aliases, subcomponents, document timestamp', async () => {
    const list = await loadVex(OPENVEX);
    expect(list).toHaveLength(5);
    expect(list[0]).toEqual({
      format: 'openvex',
      vulnerability: 'CVE-2024-4068',
      aliases: ['GHSA-grv7-fg5c-xmjg'],
      products: ['pkg:npm/braces'],
      status: 'not_affected',
      justification: 'vulnerable_code_not_in_execute_path',
      detail: 'braces only expands patterns from our own config files',
      timestamp: '2026-02-20T09:00:00Z',
      where: `${OPENVEX}#0`,
    });
    expect(list[3]!.products).toEqual([
      'pkg:oci/shop-api@sha256%3A6d1ef012b5674ad8a127ecfa9b5e6f5178d171b90ee462846974177fd9bdd39f',
      'pkg:npm/tough-cookie@4.1.2',
    ]);
    expect(list[4]!.timestamp).toBe('2026-02-01T00:00:00Z');
  });

  it('reads OpenVEX 0.0.1, where the vulnerability and products are plain strings', async () => {
    expect(await loadVex(OPENVEX_OLD)).toEqual([
      expect.objectContaining({ vulnerability: 'CVE-2022-24999', products: ['pkg:npm/qs@6.5.2'], status: 'not_affected', justification: 'vulnerable_code_not_present' }),
    ]);
  });

  it('names a missing file', async () => {
    await expect(loadVex(join(FIXTURES, 'nope.json'))).rejects.toMatchObject({ code: 'VIGIL_ERR_INPUT_NOT_FOUND' });
  });
});

describe('applyVex', () => {
  it('applies a CycloneDX VEX: by ruleId, by alias (any case), only not_affected / false_positive', async () => {
    const findings = [
      dep('GHSA-jf85-cpcp-j695', 'pkg:npm/lodash@4.17.11', ['CVE-2019-10744']),
      // a different version of the same package: the statement names 4.17.11 only
      dep('GHSA-jf85-cpcp-j695', 'pkg:npm/lodash@4.17.4', ['CVE-2019-10744']),
      // exploitable does not suppress
      dep('GHSA-c2qf-rxjj-qqgw', 'pkg:npm/semver@7.5.1', ['CVE-2022-25883']),
      // by alias, lower-case id in the document; versionless product with qualifiers covers every version
      dep('GHSA-35jh-r3h4-6jhm', 'pkg:npm/lodash@4.17.20', ['CVE-2021-23337']),
      // in_triage does not suppress
      dep('GHSA-35jh-r3h4-0000', 'pkg:npm/lodash@4.17.11'),
      // same package, another vulnerability
      dep('GHSA-p6mc-m468-83gw', 'pkg:npm/lodash@4.17.11', ['CVE-2020-8203']),
    ];
    const { findings: out, applied } = applyVex(findings, await loadVex(CDX));
    expect(applied).toBe(2);
    expect(reasons(out)).toEqual([
      'cyclonedx-vex.json#0 not_affected: code_not_reachable — defaultsDeep is never called with user input',
      null,
      null,
      'cyclonedx-vex.json#2 false_positive — template() is only bundled for the browser build, which is not shipped',
      null,
      null,
    ]);
    expect(out[0]!.suppression!.source).toBe('vex');
  });

  it('applies an OpenVEX document: versionless product, versioned mismatch, affected, subcomponents', async () => {
    const findings = [
      dep('GHSA-grv7-fg5c-xmjg', 'pkg:npm/braces@3.0.2', ['CVE-2024-4068']),
      dep('GHSA-952p-6rrq-rcjv', 'pkg:npm/micromatch@4.0.4', ['CVE-2024-4067']),
      dep('GHSA-3h5v-q93c-6h6q', 'pkg:npm/ws@8.16.0', ['CVE-2024-37890']),
      dep('GHSA-72xf-g2v4-qvf3', 'pkg:npm/tough-cookie@4.1.2', ['CVE-2023-26136']),
      // not a component: a statement with products never covers it
      reported({ scanner: 'code', ruleId: 'CVE-2024-4068', title: 'x', severity: 'low', location: { kind: 'file', path: 'a.ts' } }),
    ];
    const { findings: out, applied } = applyVex(findings, await loadVex(OPENVEX));
    expect(applied).toBe(2);
    expect(reasons(out)).toEqual([
      'openvex.json#0 not_affected: vulnerable_code_not_in_execute_path — braces only expands patterns from our own config files',
      null,
      null,
      'openvex.json#3 not_affected: inline_mitigations_already_exist — cookies are parsed with prefixSecurity strict',
      null,
    ]);
  });

  it('a statement without products covers every finding of its vulnerability, whatever the location', () => {
    const s: VexStatement = { format: 'openvex', vulnerability: 'CVE-1', aliases: [], products: [], status: 'not_affected', where: 'v.json#0' };
    const file: Location = { kind: 'file', path: 'x.ts' };
    const { findings: out, applied } = applyVex(
      [dep('GHSA-a', 'pkg:npm/a@1.0.0', ['CVE-1']), reported({ scanner: 'code', ruleId: 'cve-1', title: 't', severity: 'low', location: file }), dep('CVE-2', 'pkg:npm/a@1.0.0')],
      [s],
    );
    expect(applied).toBe(2);
    expect(out.map((f) => f.suppression?.reason ?? null)).toEqual(['not_affected', 'not_affected', null]);
  });

  it('keeps an existing suppression and does not count it', () => {
    const s: VexStatement = { format: 'openvex', vulnerability: 'CVE-1', aliases: [], products: [], status: 'not_affected', where: 'v.json#0' };
    const ledger = { source: 'ledger' as const, reason: 'accepted' };
    const { findings: out, applied } = applyVex([dep('CVE-1', 'pkg:npm/a@1', [], { suppression: ledger })], [s]);
    expect(applied).toBe(0);
    expect(out[0]!.suppression).toBe(ledger);
  });

  it('the latest statement wins: by timestamp when both have one, else list order', () => {
    const base = { format: 'openvex' as const, vulnerability: 'CVE-1', aliases: [], products: ['pkg:npm/a'] };
    const notAffected: VexStatement = { ...base, status: 'not_affected', timestamp: '2026-01-02T00:00:00Z', where: 'v.json#0' };
    const affectedLater: VexStatement = { ...base, status: 'affected', timestamp: '2026-01-03T00:00:00+00:00', where: 'v.json#1' };
    const affectedEarlier: VexStatement = { ...base, status: 'affected', timestamp: '2026-01-01T00:00:00Z', where: 'v.json#2' };
    const f = [dep('CVE-1', 'pkg:npm/a@1.0.0')];
    expect(applyVex(f, [notAffected, affectedLater]).applied).toBe(0);
    expect(applyVex(f, [affectedLater, notAffected]).applied).toBe(0);
    expect(applyVex(f, [notAffected, affectedEarlier]).applied).toBe(1);
    const { timestamp: _t, ...untimed } = affectedEarlier;
    expect(applyVex(f, [notAffected, untimed]).applied).toBe(0);
  });
});

describe('purlCovers', () => {
  it.each([
    ['pkg:npm/lodash', 'pkg:npm/lodash@4.17.11', true],
    ['pkg:npm/lodash@4.17.11', 'pkg:npm/lodash@4.17.11?vcs_url=x#lib', true],
    ['pkg:npm/lodash@4.17.11', 'pkg:npm/lodash@4.17.12', false],
    ['pkg:npm/%40babel/core@7.0.0', 'pkg:npm/@babel/core@7.0.0', true],
    ['pkg:npm/@babel/core', 'pkg:npm/core@7.0.0', false],
    ['pkg:pypi/lodash', 'pkg:npm/lodash@1', false],
    ['not a purl', 'not a purl', true],
    ['not a purl', 'pkg:npm/x@1', false],
  ])('%s covers %s: %s', (product, purl, want) => {
    expect(purlCovers(product, purl)).toBe(want);
  });
});

describe('parseVex errors', () => {
  const cdx = (vulns: string) => `{\n  "bomFormat": "CycloneDX",\n  "specVersion": "1.6",\n  "vulnerabilities": [\n${vulns}\n  ]\n}`;
  const ovx = (statements: string) => `{\n  "@context": "https://openvex.dev/ns/v0.2.0",\n  "statements": [\n${statements}\n  ]\n}`;
  it.each([
    ['not JSON', '{\n  "bomFormat": "CycloneDX",\n  oops\n}', 'VIGIL_ERR_VEX_PARSE', 3, /not valid JSON/],
    ['empty file', '', 'VIGIL_ERR_VEX_PARSE', 1, /not valid JSON/],
    ['a list', '[]', 'VIGIL_ERR_VEX_INVALID', 1, /^\(root\): expected a CycloneDX VEX or OpenVEX object, got a list/],
    ['neither format', '{\n  "foo": 1\n}', 'VIGIL_ERR_VEX_INVALID', 1, /^\(root\): neither CycloneDX VEX/],
    ['SPDX', '{ "spdxVersion": "SPDX-2.3" }', 'VIGIL_ERR_VEX_INVALID', 1, /SPDX document is not VEX/],
    ['CycloneDX 1.3', '{\n  "bomFormat": "CycloneDX",\n  "specVersion": "1.3"\n}', 'VIGIL_ERR_VEX_INVALID', 3, /^specVersion: CycloneDX "1.3" is not read/],
    ['CycloneDX SBOM without vulnerabilities', '{\n  "bomFormat": "CycloneDX",\n  "specVersion": "1.6"\n}', 'VIGIL_ERR_VEX_INVALID', 1, /is an SBOM, not VEX/],
    ['CycloneDX without id', cdx('    { "analysis": { "state": "not_affected" } }'), 'VIGIL_ERR_VEX_INVALID', 5, /^vulnerabilities\[0\]\.id: needs the vulnerability id/],
    ['CycloneDX without analysis', cdx('    { "id": "CVE-1", "analysis": { "state": "resolved" } },\n    { "id": "CVE-2" }'), 'VIGIL_ERR_VEX_INVALID', 6, /^vulnerabilities\[1\]\.analysis: needs "analysis"/],
    ['CycloneDX bad state', cdx('    {\n      "id": "CVE-1",\n      "analysis": { "state": "fine" }\n    }'), 'VIGIL_ERR_VEX_INVALID', 7, /^vulnerabilities\[0\]\.analysis\.state: expected one of not_affected.*got the text "fine"/],
    ['CycloneDX affects without ref', cdx('    {\n      "id": "CVE-1",\n      "analysis": { "state": "not_affected" },\n      "affects": [{}]\n    }'), 'VIGIL_ERR_VEX_INVALID', 8, /^vulnerabilities\[0\]\.affects\[0\]\.ref: needs "ref"/],
    ['OpenVEX without statements', '{\n  "@context": "https://openvex.dev/ns/v0.2.0"\n}', 'VIGIL_ERR_VEX_INVALID', 1, /^statements: an OpenVEX document needs/],
    ['OpenVEX without vulnerability', ovx('    { "status": "not_affected" }'), 'VIGIL_ERR_VEX_INVALID', 4, /^statements\[0\]\.vulnerability: needs the vulnerability/],
    ['OpenVEX vulnerability without name', ovx('    { "status": "fixed" },\n    {\n      "vulnerability": {},\n      "status": "fixed"\n    }'), 'VIGIL_ERR_VEX_INVALID', 4, /^statements\[0\]\.vulnerability/],
    ['OpenVEX without status', ovx('    { "vulnerability": { "name": "CVE-1" } },\n    { "vulnerability": { "name": "CVE-2" } }'), 'VIGIL_ERR_VEX_INVALID', 4, /^statements\[0\]\.status: expected one of not_affected, affected, fixed, under_investigation, got nothing/],
    ['OpenVEX CycloneDX status', ovx('    { "vulnerability": "CVE-1", "status": "false_positive" }'), 'VIGIL_ERR_VEX_INVALID', 4, /^statements\[0\]\.status: .*got the text "false_positive"/],
    ['OpenVEX product without id', ovx('    {\n      "vulnerability": "CVE-1",\n      "status": "fixed",\n      "products": [{ "hashes": {} }]\n    }'), 'VIGIL_ERR_VEX_INVALID', 7, /^statements\[0\]\.products\[0\]: a product needs "@id"/],
  ])('%s', (_name, text, code, line, message) => {
    let err: unknown;
    try {
      parseVex(text, 'vex.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VigilError);
    const e = err as VigilError;
    expect({ code: e.code, file: e.file, line: e.line }).toEqual({ code, file: 'vex.json', line });
    expect(e.message).toMatch(message);
  });
});
