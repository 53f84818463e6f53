import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { vigil, vigilAsync } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';

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

  it('vigil report ropa -o ropa.pdf writes the record as PDF/A with the organisation named, and needs a file', () => {
    const pdf = join(dir, 'ropa.pdf');
    const r = vigil(['report', 'ropa', '--config', join(ROOT, 'vigil.yaml'), '-o', pdf], { cwd: ROOT });
    expect(r.code, r.stderr).toBe(0);
    expect(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' })).toMatch(/Title:\s+Record of processing activities — Example Shop \(vigil demo\)/);
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    expect(text).toContain('Marketing e-mails');
    expect(text).toContain('Controller and contacts');
    expect(execFileSync('qpdf', ['--check', pdf], { encoding: 'utf8' })).toMatch(/No syntax or stream encoding errors/);
    const toStdout = vigil(['report', 'ropa', '--datamap', 'examples/shop/.fides', '--format', 'pdf'], { cwd: ROOT });
    expect(toStdout.code).toBe(2);
    expect(toStdout.stderr).toContain('needs --output FILE');
  });

  it('cookies the web scanner recorded on a linked site must be declared by its system: an undeclared one is drift', async () => {
    // a real site on loopback setting a declared session cookie and an undeclared tracking id, neither with HttpOnly/Secure/SameSite
    const port = await freePort();
    const server = createServer((_req, res) => {
      res.setHeader('set-cookie', ['session=abc; Path=/', 'visitor_id=42; Path=/']);
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end('<!doctype html><html><head><title>site</title></head><body><p>hello</p></body></html>');
    });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    try {
      const root = tree('cookies', {
        '.fides/map.yml':
          'system:\n  - fides_key: site_app\n    name: Site\n    system_type: Application\n    cookies:\n      - name: session\n    privacy_declarations: []\n',
        'vigil.yaml': `ledger: ledger.db\ntargets:\n  - name: site\n    kind: url\n    url: http://127.0.0.1:${port}/\n    scanners:\n      web: { maxPages: 5 }\n  - name: map\n    kind: path\n    path: .fides\n    scanners:\n      datamap:\n        cookies: { site: site_app }\n`,
      });
      const web = await vigilAsync(['scan', '--config', 'vigil.yaml', '-t', 'site', '--fail-on', 'none'], { cwd: root });
      expect(web.code, web.stderr).toBe(0);
      const map = await vigilAsync(['scan', '--config', 'vigil.yaml', '-t', 'map', '--fail-on', 'none', '-f', 'json'], { cwd: root });
      expect(map.code, map.stderr).toBe(0);
      const drift = (JSON.parse(map.stdout) as JsonOut).findings.filter((f) => f.ruleId === 'datamap-drift-undeclared-field');
      expect(drift).toHaveLength(1);
      expect(JSON.stringify(drift[0])).toContain('visitor_id');
      expect(map.stderr).toMatch(/cookies: 2 cookie\(s\) the web scanner recorded on "site" compared with system "site_app" \(1 declared\)/);
      // without a ledger the comparison is not made, and the run says so
      const noLedger = await vigilAsync(['scan', '--config', 'vigil.yaml', '-t', 'map', '--no-ledger', '--fail-on', 'none'], { cwd: root });
      expect(noLedger.stderr).toContain('this run has no ledger');
    } finally {
      server.close();
    }
  });
});
