import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { VigilError } from '../../../src/errors.js';
import { parseConfig } from '../../../src/config/index.js';
import type { Finding } from '../../../src/model/finding.js';
import type { ScanContext } from '../../../src/model/scanner.js';
import { createScanner } from '../../../scanners/index.js';
import { checkOptions, createDatamapScanner, resolveSources } from '../../../scanners/datamap/datamap-scanner.js';
import { decl, goodMap, mapDir } from './helpers.js';

async function scan(dir: string, location: string, options: Record<string, unknown> = {}) {
  const notes: string[] = [];
  const ctx: ScanContext = {
    signal: new AbortController().signal,
    logger: { debug() {}, info() {}, warn() {}, error() {} } as unknown as ScanContext['logger'],
    progress() {},
    note: (n) => notes.push(n),
    baseDir: dir,
    options,
  };
  const findings: Finding[] = [];
  for await (const f of createDatamapScanner().run({ name: 'map', kind: 'path', location }, ctx)) findings.push(f);
  return { findings, notes };
}

function badMap() {
  const m = goodMap();
  delete decl(m)['legal_basis_for_processing'];
  m['system'][0]['privacy_declarations'].push({ name: 'Ads', data_use: 'marketing.advertising.third_party.targeted', data_categories: ['user.provided.identifiable.contact.email'], data_subjects: ['customer'], legal_basis_for_processing: 'Consent', retention_period: '1 year' });
  m['policy'] = [{ fides_key: 'p', rules: [{ name: 'no e-mail for ads', data_categories: { matches: 'ANY', values: ['user.contact'] }, data_uses: { matches: 'ANY', values: ['marketing'] }, data_subjects: { matches: 'ANY', values: ['customer'] } }] }];
  return m;
}

describe('datamap scanner', () => {
  it('is registered', async () => {
    expect((await createScanner('datamap')).id).toBe('datamap');
  });

  it('reports policy and law findings at datamap locations relative to the base folder, with notes', async () => {
    const dir = mapDir({ '.fides/shop.yml': stringify(badMap()), 'db/schema.sql': 'CREATE TABLE visitors (\n  id bigint PRIMARY KEY,\n  phone text\n);\n' });
    const { findings, notes } = await scan(dir, '.fides', { sources: ['db/schema.sql', 'db/missing'] });
    const byRule = new Map(findings.map((f) => [f.ruleId, f]));
    const art6 = byRule.get('gdpr-art6-lawful-basis')!;
    expect(art6).toMatchObject({ scanner: 'datamap', severity: 'high', location: { kind: 'datamap', file: '.fides/shop.yml', pointer: '/system/0/privacy_declarations/0' } });
    expect(art6.controls).toContain('GDPR:Art.6(1)');
    expect(art6.evidence).toContain('system "shop", declaration "Checkout"');
    const pol = byRule.get('fides-policy:p:no e-mail for ads')!;
    expect(pol.location).toEqual({ kind: 'datamap', file: '.fides/shop.yml', pointer: '/system/0/privacy_declarations/1' });
    expect(pol.evidence).toContain('breaks rule "no e-mail for ads" of policy "p"');
    expect(notes.join('\n')).toContain('.fides/shop.yml:');
    expect(notes.join('\n')).toContain('read as its fideslang 2.x key "user.contact.email"');
    // drift: the undeclared phone column, at its file and line; the missing source is a note, not a failure
    expect(byRule.get('datamap-drift-undeclared-field')).toMatchObject({ location: { kind: 'file', path: 'db/schema.sql', startLine: 3 } });
    expect(notes.join('\n')).toMatch(/drift: .*db\/missing/);
    expect(notes.join('\n')).toContain('drift: 1 source file(s) or database(s) read');
    // sorted: most severe first
    const ranks = findings.map((f) => ['critical', 'high', 'medium', 'low', 'info'].indexOf(f.severity));
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
  });

  it('keeps fingerprints when declarations are reordered', async () => {
    const m = badMap();
    const a = await scan(mapDir({ 'map.yml': stringify(m) }), 'map.yml');
    m['system'][0]['privacy_declarations'].reverse();
    const b = await scan(mapDir({ 'map.yml': stringify(m) }), 'map.yml');
    const key = (f: Finding) => `${f.ruleId} ${f.fingerprint}`;
    expect(b.findings.map(key).sort()).toEqual(a.findings.map(key).sort());
    expect(b.findings.find((f) => f.ruleId === 'gdpr-art6-lawful-basis')!.location).toMatchObject({ pointer: '/system/0/privacy_declarations/1' });
  });

  it('bad input is exit 2 with the file and line', async () => {
    const dir = mapDir({ 'map.yml': 'system:\n  - fides_key: shop\n    system_type: Service\n    privacy_declarations:\n      - data_use: nonsense.use\n        data_categories: [user]\n' });
    const err = await scan(dir, 'map.yml').then(
      () => undefined,
      (e: unknown) => e as VigilError,
    );
    expect(err).toBeInstanceOf(VigilError);
    expect({ code: err!.code, exit: err!.exitCode, line: err!.line, file: path.basename(err!.file!) }).toEqual({ code: 'VIGIL_ERR_DATAMAP_INVALID', exit: 2, line: 5, file: 'map.yml' });
  });

  it('refuses a target that is not a path', async () => {
    const ctx = { signal: new AbortController().signal, progress() {}, baseDir: '/', options: {}, logger: {} } as unknown as ScanContext;
    const it = createDatamapScanner().run({ name: 'x', kind: 'url', location: 'https://x' }, ctx)[Symbol.asyncIterator]();
    await expect(it.next()).rejects.toMatchObject({ code: 'VIGIL_ERR_USAGE' });
  });
});

describe('options', () => {
  it.each([
    [{ sourcs: ['a'] }, 'unknown option "sourcs"'],
    [{ sources: 3 }, 'sources is a path or URL'],
    [{ sources: [''] }, 'sources is a path or URL'],
    [{ dpiaSubjectThreshold: -1 }, 'dpiaSubjectThreshold is a whole number'],
    [{ dpiaSubjectThreshold: 1.5 }, 'dpiaSubjectThreshold is a whole number'],
    [{ ccpa: 'off' }, 'ccpa is true or false'],
  ])('%j is refused', (raw, message) => {
    expect(() => checkOptions(raw)).toThrow(message);
    try {
      checkOptions(raw);
    } catch (e) {
      expect((e as VigilError).exitCode).toBe(2);
    }
  });

  it('accepts the documented options; a single source becomes a list', () => {
    expect(checkOptions({ sources: 'db/schema.sql', dpiaSubjectThreshold: 0, ccpa: false })).toEqual({ sources: ['db/schema.sql'], dpiaSubjectThreshold: 0, ccpa: false });
  });

  it('resolves source paths against the base folder and keeps URLs', () => {
    expect(resolveSources(['db/schema.sql', 'postgres://u:p@h/db', 'https://shop.example'], '/app')).toEqual(['/app/db/schema.sql', 'postgres://u:p@h/db', 'https://shop.example']);
  });

  const config = (opts: string) => `targets:\n  - name: privacy\n    kind: path\n    path: .fides\n    scanners:\n      datamap:${opts}\n`;

  it('vigil.yaml accepts datamap options for a target', () => {
    const cfg = parseConfig(config('\n        sources: [db/schema.sql, "postgres://app@db/shop"]\n        dpiaSubjectThreshold: 10000\n        ccpa: false'), 'vigil.yaml');
    expect(cfg.targets[0]!.scanners['datamap']).toEqual({ sources: ['db/schema.sql', 'postgres://app@db/shop'], dpiaSubjectThreshold: 10000, ccpa: false });
  });

  it('vigil.yaml refuses a misspelt datamap option at its line', () => {
    expect(() => parseConfig(config('\n        ccpa: false\n        dpiaThreshold: 10'), 'vigil.yaml')).toThrow(expect.objectContaining({ code: 'VIGIL_ERR_CONFIG_INVALID', line: 8 }));
  });
});
