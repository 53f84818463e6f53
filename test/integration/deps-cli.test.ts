import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vigil } from '../helpers/cli.js';

const SHOP = fileURLToPath(new URL('../../examples/shop', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vigil-deps-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface JsonFinding {
  ruleId: string;
  severity: string;
  aliases: string[];
  tags: string[];
  location: { purl: string; path?: string[] };
  properties: { fixedVersion: string | null; dev: boolean; paths: string[][] };
}

describe('vigil advisories import + vigil scan deps (the example shop)', () => {
  beforeAll(() => {
    const r = vigil(['advisories', 'import', join(SHOP, 'advisories'), '-f', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ documents: 8, added: 7, withdrawn: 1, stored: 7 });
  });

  it('finds every vulnerable component once, with why it is there and the fix', () => {
    const r = vigil(['scan', 'deps', SHOP, '-f', 'json', '--sbom-out', 'sbom.json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout) as { findings: JsonFinding[]; summary: Record<string, number> };
    const rows = out.findings.map((f) => [f.ruleId, f.severity, f.location.purl, f.properties.fixedVersion]);
    expect(rows).toEqual([
      ['GHSA-xvch-5gv4-984h', 'critical', 'pkg:npm/minimist@1.2.5', '1.2.6'],
      ['GHSA-8cf7-32gw-wr33', 'high', 'pkg:npm/jsonwebtoken@8.5.1', null],
      ['GHSA-35jh-r3h4-6jhm', 'high', 'pkg:npm/lodash@4.17.20', '4.17.21'],
      ['GHSA-9wv6-86v2-598j', 'high', 'pkg:npm/path-to-regexp@0.1.7', '0.1.10'],
      ['GHSA-hrpp-h998-j3pp', 'high', 'pkg:npm/qs@6.7.0', '6.7.3'],
      ['GHSA-rv95-896h-c2vc', 'medium', 'pkg:npm/express@4.17.1', '4.19.2'],
      ['GHSA-29mw-wpgm-hmr9', 'medium', 'pkg:npm/lodash@4.17.20', '4.17.21'],
    ]);
    const qs = out.findings.find((f) => f.ruleId === 'GHSA-hrpp-h998-j3pp')!;
    expect(qs.aliases).toEqual(['CVE-2022-24999']);
    expect(qs.location.path).toEqual(['express@4.17.1', 'qs@6.7.0']);
    const minimist = out.findings.find((f) => f.ruleId === 'GHSA-xvch-5gv4-984h')!;
    expect(minimist.tags).toContain('dev');
    expect(minimist.properties.dev).toBe(true);
    // the withdrawn jsonwebtoken advisory is not reported
    expect(out.findings.some((f) => f.ruleId === 'GHSA-27h2-hvpr-p74q')).toBe(false);
    const sbom = JSON.parse(readFileSync(join(dir, 'sbom.json'), 'utf8'));
    expect(sbom.bomFormat).toBe('CycloneDX');
    expect(sbom.components.some((c: { name: string; version: string }) => c.name === 'qs' && c.version === '6.7.0')).toBe(true);
  });

  it('--omit dev leaves dev-only components out', () => {
    const r = vigil(['scan', 'deps', SHOP, '-f', 'json', '--omit', 'dev', '--no-ledger'], { cwd: dir });
    const out = JSON.parse(r.stdout) as { findings: JsonFinding[] };
    expect(out.findings.map((f) => f.ruleId)).not.toContain('GHSA-xvch-5gv4-984h');
    expect(out.findings).toHaveLength(6);
  });

  it('re-importing the same advisories changes nothing', () => {
    const r = vigil(['advisories', 'import', join(SHOP, 'advisories'), '-f', 'json'], { cwd: dir });
    expect(JSON.parse(r.stdout)).toMatchObject({ added: 0, updated: 0, unchanged: 8, withdrawn: 0, stored: 7 });
  });

  it('a bad advisory: exit 2 naming the file and line, and the store keeps what it had', () => {
    mkdirSync(join(dir, 'bad'), { recursive: true });
    writeFileSync(join(dir, 'bad', 'ok.json'), JSON.stringify({ id: 'GHSA-new1-new1-new1', modified: '2025-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'x' }, versions: ['1.0.0'] }] }));
    writeFileSync(join(dir, 'bad', 'zz-bad.json'), '{\n  "id": "GHSA-bad0-bad0-bad0",\n  "modified": "yesterday"\n}\n');
    const r = vigil(['advisories', 'import', join(dir, 'bad')], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/zz-bad\.json:3:\d+: modified/);
    const again = vigil(['advisories', 'import', join(SHOP, 'advisories'), '-f', 'json'], { cwd: dir });
    expect(JSON.parse(again.stdout).stored).toBe(7);
  });

  it('a corrupt lockfile: exit 2 naming the file and line', () => {
    mkdirSync(join(dir, 'corrupt'), { recursive: true });
    writeFileSync(join(dir, 'corrupt', 'package.json'), '{"name":"c","version":"1.0.0"}');
    writeFileSync(join(dir, 'corrupt', 'package-lock.json'), '{\n  "name": "c",\n  "lockfileVersion": 3,\n  "packages": {\n');
    const r = vigil(['scan', 'deps', 'corrupt', '--no-ledger'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/package-lock\.json:\d+:\d+/);
  });

  it('an SBOM that is not CycloneDX: exit 2 saying so', () => {
    writeFileSync(join(dir, 'spdx.json'), JSON.stringify({ spdxVersion: 'SPDX-2.3', packages: [] }));
    const r = vigil(['scan', 'deps', 'spdx.json', '--no-ledger'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/VIGIL_ERR_SBOM_INVALID.*spdx\.json.*SPDX/);
  });

  it('--vex: not_affected statements suppress, the gate applies after them, and --format vex writes VEX', () => {
    writeFileSync(
      join(dir, 'openvex.json'),
      JSON.stringify({
        '@context': 'https://openvex.dev/ns/v0.2.0',
        '@id': 'https://example.test/vex/1',
        author: 'security@example.test',
        timestamp: '2026-01-01T00:00:00Z',
        version: 1,
        statements: [
          { vulnerability: { name: 'CVE-2021-44906' }, products: [{ '@id': 'pkg:npm/minimist' }], status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' },
          { vulnerability: { name: 'GHSA-8cf7-32gw-wr33' }, products: [{ '@id': 'pkg:npm/jsonwebtoken@8.5.1' }], status: 'not_affected', justification: 'vulnerable_code_cannot_be_controlled_by_adversary' },
          { vulnerability: { name: 'GHSA-35jh-r3h4-6jhm' }, products: [{ '@id': 'pkg:npm/lodash@4.17.20' }], status: 'affected', action_statement: 'upgrade' },
        ],
      }),
    );
    const r = vigil(['scan', 'deps', SHOP, '-f', 'json', '--no-ledger', '--vex', 'openvex.json'], { cwd: dir });
    const out = JSON.parse(r.stdout) as { findings: (JsonFinding & { suppression?: { source: string; reason: string } })[]; gate: { counted: number; suppressed: number } };
    const suppressed = out.findings.filter((f) => f.suppression?.source === 'vex').map((f) => f.ruleId).sort();
    expect(suppressed).toEqual(['GHSA-8cf7-32gw-wr33', 'GHSA-xvch-5gv4-984h']);
    expect(out.gate.counted).toBe(3);
    expect(r.stderr).toMatch(/2 finding\(s\) not affected per VEX/);
    const v = vigil(['scan', 'deps', SHOP, '-f', 'vex', '--no-ledger', '--vex', 'openvex.json'], { cwd: dir });
    const vex = JSON.parse(v.stdout) as { bomFormat: string; vulnerabilities: { id: string; analysis: { state: string } }[] };
    expect(vex.bomFormat).toBe('CycloneDX');
    expect(vex.vulnerabilities.find((x) => x.id === 'GHSA-xvch-5gv4-984h')!.analysis.state).toBe('not_affected');
    expect(vex.vulnerabilities.find((x) => x.id === 'GHSA-35jh-r3h4-6jhm')!.analysis.state).toBe('in_triage');
  });

  it('reports licences the policy denies or cannot evaluate', () => {
    const bom = {
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      version: 1,
      metadata: { component: { 'bom-ref': 'app', type: 'application', name: 'app', version: '1.0.0' } },
      components: [
        { 'bom-ref': 'a', type: 'library', name: 'ok-lib', version: '1.0.0', purl: 'pkg:npm/ok-lib@1.0.0', licenses: [{ license: { id: 'MIT' } }] },
        { 'bom-ref': 'b', type: 'library', name: 'gpl-lib', version: '2.0.0', purl: 'pkg:npm/gpl-lib@2.0.0', licenses: [{ license: { id: 'GPL-3.0-only' } }] },
        { 'bom-ref': 'c', type: 'library', name: 'mystery', version: '0.1.0', purl: 'pkg:npm/mystery@0.1.0' },
      ],
      dependencies: [{ ref: 'app', dependsOn: ['a', 'b', 'c'] }],
    };
    writeFileSync(join(dir, 'bom.json'), JSON.stringify(bom));
    const r = vigil(['scan', 'deps', 'bom.json', '-f', 'json', '--no-ledger'], { cwd: dir });
    const out = JSON.parse(r.stdout) as { findings: JsonFinding[] };
    expect(out.findings.map((f) => [f.ruleId, f.severity, f.location.purl])).toEqual([
      ['license/denied', 'high', 'pkg:npm/gpl-lib@2.0.0'],
      ['license/unknown', 'medium', 'pkg:npm/mystery@0.1.0'],
    ]);
  });
});
