import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { vigil } from '../helpers/cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vigil-datamap-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tree(name: string, files: Record<string, string>): string {
  const root = join(dir, name);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

interface JsonOut {
  findings: { ruleId: string; severity: string; location: Record<string, unknown> }[];
}

describe('vigil scan datamap', () => {
  it("finds the shop's three planted gaps: no lawful basis, a US transfer without a mechanism, an undeclared phone column", () => {
    const r = vigil(['scan', 'datamap', 'examples/shop/.fides', '--sources', 'examples/shop/migrations', '--no-ledger', '-f', 'json', '--fail-on', 'high'], { cwd: ROOT });
    expect(r.code, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout) as JsonOut;
    expect(out.findings.map((f) => f.ruleId).sort()).toEqual(['datamap-drift-undeclared-field', 'gdpr-art44-transfer-safeguard', 'gdpr-art6-lawful-basis']);
    const phone = out.findings.find((f) => f.ruleId === 'datamap-drift-undeclared-field')!;
    expect(phone.location).toMatchObject({ kind: 'file', path: 'examples/shop/migrations/0002_customer_phone.sql', startLine: 3 });
    expect(out.findings.find((f) => f.ruleId === 'gdpr-art6-lawful-basis')!.location).toEqual({ kind: 'datamap', file: 'examples/shop/.fides/systems.yml', pointer: '/system/0/privacy_declarations/2' });
  });

  it('bad input exits 2 naming file:line, and the ledger keeps what it had', () => {
    const root = tree('bad', {});
    cpSync(join(ROOT, 'examples/shop/.fides'), join(root, '.fides'), { recursive: true });
    const ledger = join(root, 'ledger.db');
    const first = vigil(['scan', 'datamap', join(root, '.fides'), '--ledger', ledger, '--fail-on', 'none'], { cwd: root });
    expect(first.code, first.stderr).toBe(0);
    const before = vigil(['findings', 'list', '--ledger', ledger, '--format', 'json'], { cwd: root });
    expect((JSON.parse(before.stdout) as JsonOut).findings).toHaveLength(2);

    // a country code that does not exist, on line 7 of a new file
    writeFileSync(join(root, '.fides', 'more.yml'), 'system:\n  - fides_key: more\n    system_type: Service\n    privacy_declarations: []\n    vigil:\n      transfers:\n        - country: XQ\n');
    const bad = vigil(['scan', 'datamap', join(root, '.fides'), '--ledger', ledger, '--fail-on', 'none'], { cwd: root });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/VIGIL_ERR_DATAMAP_INVALID: .*more\.yml:7:\d+: .*XQ/);
    const after = vigil(['findings', 'list', '--ledger', ledger, '--format', 'json'], { cwd: root });
    expect(after.stdout).toBe(before.stdout);

    // not YAML at all
    writeFileSync(join(root, '.fides', 'more.yml'), 'system: [\n  { fides_key: x\n');
    const broken = vigil(['scan', 'datamap', join(root, '.fides'), '--no-ledger'], { cwd: root });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/VIGIL_ERR_DATAMAP_PARSE: .*more\.yml:\d+:\d+/);
  });

  it('vigil report ropa writes the record from the config\'s datamap target, as CSV or HTML', () => {
    const csv = join(dir, 'ropa.csv');
    const r = vigil(['report', 'ropa', '--config', join(ROOT, 'vigil.yaml'), '-o', csv], { cwd: ROOT });
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(csv, 'utf8');
    expect(text.split('\r\n')[0]).toContain('Time limits for erasure (Art. 30(1)(f))');
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(5);
    const html = join(dir, 'ropa.html');
    expect(vigil(['report', 'ropa', '--datamap', 'examples/shop/.fides', '-o', html], { cwd: ROOT }).code).toBe(0);
    expect(readFileSync(html, 'utf8')).toContain('<td>Marketing e-mails</td>');
    const none = vigil(['report', 'ropa', '--datamap', join(dir, 'no-such')], { cwd: ROOT });
    expect(none.code).toBe(2);
  });
});
