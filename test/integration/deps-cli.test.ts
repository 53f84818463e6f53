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
});
