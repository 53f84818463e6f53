import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../src/errors.js';
import { applySuppressions, isExpired, loadSuppressions, parseSuppressions, type Suppression } from '../../../src/gate/index.js';
import type { Location } from '../../../src/model/location.js';
import type { ReportedFinding } from '../../../src/model/report.js';
import { reported } from '../reports/sample-report.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/gate/suppressions/', import.meta.url));
const GOOD = join(FIXTURES, 'good', '.vigilignore.yaml');

function finding(ruleId: string, location: Location, extra: Partial<ReportedFinding> & { aliases?: string[]; fingerprint?: string } = {}): ReportedFinding {
  const { aliases, fingerprint, ...rest } = extra;
  return reported({ scanner: 'code', ruleId, title: ruleId, severity: 'high', location, aliases: aliases ?? [], ...(fingerprint ? { fingerprint } : {}) }, rest);
}

const file = (path: string): Location => ({ kind: 'file', path, startLine: 1 });

describe('loadSuppressions', () => {
  it('reads a good file with line numbers for each entry', async () => {
    const list = await loadSuppressions(GOOD);
    expect(list).toHaveLength(8);
    expect(list[0]).toEqual({ id: 'js/sql-injection', reason: 'Parameterised upstream; see ADR-12', paths: ['src/legacy/**'], where: `${GOOD}:3` });
    expect(list[1]).toMatchObject({ id: 'CVE-2019-10744', expires: '2027-01-31', where: `${GOOD}:6` });
    expect(list[2]).toMatchObject({ fingerprint: '3f2a9c0d1e4b5a6978c0d1e2f3a4b5c6' });
    expect(list[2]).not.toHaveProperty('id');
    expect(list[3]).toMatchObject({ id: 42 });
    expect(list[4]!.paths).toEqual(['test/**', '**/*.spec.ts']);
    // the source text, not YAML's idea of a number
    expect(list[7]!.fingerprint).toBe('12345678901234567890123456789012');
  });

  it('treats a missing file as no suppressions, unless required', async () => {
    const missing = join(FIXTURES, 'does-not-exist.yaml');
    await expect(loadSuppressions(missing)).resolves.toEqual([]);
    await expect(loadSuppressions(missing, { required: true })).rejects.toMatchObject({ code: 'VIGIL_ERR_INPUT_NOT_FOUND' });
  });

  it('treats an empty file, or an empty list, as no suppressions', () => {
    expect(parseSuppressions('', 'x.yaml')).toEqual([]);
    expect(parseSuppressions('# nothing yet\n', 'x.yaml')).toEqual([]);
    expect(parseSuppressions('suppressions:\n', 'x.yaml')).toEqual([]);
    expect(parseSuppressions('suppressions: []\n', 'x.yaml')).toEqual([]);
  });

  it('accepts a YAML 1.1 timestamp for expires', () => {
    const [s] = parseSuppressions('suppressions:\n  - id: a\n    reason: r\n    expires: !!timestamp 2027-03-04\n', 'x.yaml');
    expect(s!.expires).toBe('2027-03-04');
  });

  const BAD: [file: string, code: string, line: number, message: string][] = [
    ['bad-yaml.yaml', 'VIGIL_ERR_SUPPRESSION_PARSE', 4, 'not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ['duplicate-key.yaml', 'VIGIL_ERR_SUPPRESSION_PARSE', 4, 'not valid YAML: Map keys must be unique'],
    ['missing-reason.yaml', 'VIGIL_ERR_SUPPRESSION_INVALID', 4, 'suppressions[1]: needs "reason"'],
    ['both-id-and-fingerprint.yaml', 'VIGIL_ERR_SUPPRESSION_INVALID', 2, 'suppressions[0]: has both "id" and "fingerprint"; use one per entry'],
    ['neither-id-nor-fingerprint.yaml', 'VIGIL_ERR_SUPPRESSION_INVALID', 2, 'suppressions[0]: needs "id" or "fingerprint"'],
    ['bad-date.yaml', 'VIGIL_ERR_SUPPRESSION_INVALID', 4, 'suppressions[0].expires: not a date: "next week" (expected YYYY-MM-DD)'],
    ['impossible-date.yaml', 'VIGIL_ERR_SUPPRESSION_INVALID', 4, 'suppressions[0].expires: not a date: "2027-02-30" (expected YYYY-MM-DD)'],
    ['unknown-key.yaml', 'VIGIL_ERR_SUPPRESSION_INVALID', 4, 'suppressions[0].path: unknown key; expected one of id, fingerprint, reason, expires, paths'],
    ['not-a-list.yaml', 'VIGIL_ERR_SUPPRESSION_INVALID', 2, 'suppressions: expected a list of entries, got a mapping'],
    ['root-is-a-list.yaml', 'VIGIL_ERR_SUPPRESSION_INVALID', 1, '(root): expected a mapping with a "suppressions" list, got a list'],
    ['unknown-top-key.yaml', 'VIGIL_ERR_SUPPRESSION_INVALID', 1, 'suppression: unknown key; expected "suppressions"'],
    ['empty-reason.yaml', 'VIGIL_ERR_SUPPRESSION_INVALID', 3, 'suppressions[0].reason: must not be empty: say why this finding is acceptable'],
    ['entry-not-a-mapping.yaml', 'VIGIL_ERR_SUPPRESSION_INVALID', 2, 'suppressions[0]: expected a mapping with "id" or "fingerprint" and "reason", got the text "js/xss"'],
    ['bad-ledger-id.yaml', 'VIGIL_ERR_SUPPRESSION_INVALID', 2, 'suppressions[0].id: a ledger finding id must be a positive integer, got -3'],
    ['bad-path.yaml', 'VIGIL_ERR_SUPPRESSION_INVALID', 4, 'suppressions[0].paths[1]: expected a glob such as "test/**", got number 7'],
  ];

  it.each(BAD)('rejects %s with %s at line %i', async (name, code, line, message) => {
    const path = join(FIXTURES, 'bad', name);
    const err = await loadSuppressions(path).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(VigilError);
    const e = err as VigilError;
    expect({ code: e.code, file: e.file, line: e.line, message: e.message }).toEqual({ code, file: path, line, message });
    expect(e.column).toBeGreaterThanOrEqual(1);
  });
});

describe('applySuppressions', () => {
  const now = new Date('2026-06-15T12:00:00Z');
  const list = parseSuppressions(
    `suppressions:
  - id: js/sql-injection
    reason: parameterised upstream
    paths: ["src/legacy/**"]
  - id: cve-2019-10744
    reason: build-time only
    expires: 2027-01-31
  - fingerprint: fp-exact
    reason: constant input
  - id: 42
    reason: accepted
  - id: zap/10021
    reason: CDN sets it
    expires: 2026-01-31
  - id: never-matches
    reason: stale
    expires: 2025-06-30
  - id: js/weak-hash
    reason: fixtures
    paths: ["test/**"]
`,
    '.vigilignore.yaml',
  );

  const findings = [
    finding('js/sql-injection', file('src/legacy/db.ts')), // 0: id + path
    finding('js/sql-injection', file('src/new/db.ts')), // 1: path does not match
    finding('GHSA-jf85-cpcp-j695', { kind: 'component', purl: 'pkg:npm/lodash@4.17.11' }, { aliases: ['CVE-2019-10744'] }), // 2: alias, any case
    finding('js/xss', file('a.ts'), { fingerprint: 'fp-exact' }), // 3: fingerprint
    finding('js/xss', file('b.ts'), { id: 42 }), // 4: ledger id
    finding('js/xss', file('c.ts'), { id: 43 }), // 5: other ledger id
    finding('zap/10021', { kind: 'web', url: 'https://shop.example/' }), // 6: expired entry
    finding('js/weak-hash', { kind: 'host', host: 'x' }), // 7: paths never match a file-less location
    finding('js/weak-hash', file('./test/x.ts'), { suppression: { source: 'vex', reason: 'not affected' } }), // 8: keeps its VEX reason
  ];

  it('suppresses by id, alias, fingerprint, ledger id and path glob', () => {
    const { findings: out } = applySuppressions(findings, list, now);
    const reasons = out.map((f) => f.suppression?.reason);
    expect(reasons).toEqual(['parameterised upstream', undefined, 'build-time only', 'constant input', 'accepted', undefined, undefined, undefined, 'not affected']);
    expect(out[0]!.suppression).toEqual({ source: 'suppression-file', reason: 'parameterised upstream', expires: null, where: '.vigilignore.yaml:2' });
    expect(out[2]!.suppression).toMatchObject({ expires: '2027-01-31', where: '.vigilignore.yaml:5' });
    // the input is not mutated
    expect(findings[0]!.suppression).toBeUndefined();
  });

  it('gives one notice per expired entry, matched or not', () => {
    const { expired } = applySuppressions(findings, list, now);
    expect(expired).toEqual([
      {
        where: '.vigilignore.yaml:12',
        id: 'zap/10021',
        expires: '2026-01-31',
        matched: 1,
        message: 'suppression for zap/10021 (.vigilignore.yaml:12) expired on 2026-01-31; it no longer suppresses',
      },
      {
        where: '.vigilignore.yaml:15',
        id: 'never-matches',
        expires: '2025-06-30',
        matched: 0,
        message: 'suppression for never-matches (.vigilignore.yaml:15) expired on 2025-06-30; it no longer suppresses',
      },
    ]);
  });

  it('names fingerprints and ledger ids in notices', () => {
    const s = parseSuppressions('suppressions:\n  - fingerprint: abc\n    reason: r\n    expires: 2020-01-01\n  - id: 9\n    reason: r\n    expires: 2020-01-01\n', 'f.yaml');
    const { expired } = applySuppressions([], s, now);
    expect(expired.map((e) => e.message)).toEqual([
      'suppression for fingerprint abc (f.yaml:2) expired on 2020-01-01; it no longer suppresses',
      'suppression for finding #9 (f.yaml:5) expired on 2020-01-01; it no longer suppresses',
    ]);
  });

  it('suppresses through the whole expiry day (UTC) and not after', () => {
    const s: Suppression = { id: 'x', reason: 'r', expires: '2026-01-31', where: 'f:1' };
    expect(isExpired(s, new Date('2026-01-31T00:00:00Z'))).toBe(false);
    expect(isExpired(s, new Date('2026-01-31T23:59:59.999Z'))).toBe(false);
    expect(isExpired(s, new Date('2026-02-01T00:00:00Z'))).toBe(true);
    expect(isExpired({ ...s, expires: undefined }, new Date('2999-01-01T00:00:00Z'))).toBe(false);
  });

  it('matches data-map files by path', () => {
    const s = parseSuppressions('suppressions:\n  - id: gdpr/x\n    reason: r\n    paths: ["compliance/**"]\n', 'f.yaml');
    const { findings: out } = applySuppressions([finding('gdpr/x', { kind: 'datamap', file: 'compliance/map.json', pointer: '/a' })], s, now);
    expect(out[0]!.suppression?.reason).toBe('r');
  });

  it('reads files written by a user (sanity check on a temp file)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-supp-'));
    const path = join(dir, '.vigilignore.yaml');
    writeFileSync(path, '\uFEFFsuppressions:\r\n  - id: a\r\n    reason: windows line endings\r\n');
    expect(await loadSuppressions(path)).toEqual([{ id: 'a', reason: 'windows line endings', where: `${path}:2` }]);
  });
});
