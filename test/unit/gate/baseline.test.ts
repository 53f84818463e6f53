import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../src/errors.js';
import { applyBaseline, loadBaseline, parseBaseline } from '../../../src/gate/index.js';
import { reported } from '../reports/sample-report.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/gate/baseline/', import.meta.url));

describe('loadBaseline', () => {
  it('returns the fingerprints of a vigil JSON output', async () => {
    expect(await loadBaseline(join(FIXTURES, 'good.json'))).toEqual(
      new Set(['aaaa0000aaaa0000aaaa0000aaaa0000', 'bbbb1111bbbb1111bbbb1111bbbb1111:2']),
    );
  });

  it('reports a missing file', async () => {
    await expect(loadBaseline(join(FIXTURES, 'nope.json'))).rejects.toMatchObject({
      code: 'VIGIL_ERR_INPUT_NOT_FOUND',
      file: join(FIXTURES, 'nope.json'),
    });
  });

  const BAD: [file: string, code: string, line: number, message: string | RegExp][] = [
    ['bad-json.json', 'VIGIL_ERR_BASELINE_PARSE', 7, /^not valid JSON: /],
    ['empty.json', 'VIGIL_ERR_BASELINE_PARSE', 1, /^not valid JSON: /],
    ['sarif.json', 'VIGIL_ERR_BASELINE_INVALID', 4, 'has "runs": looks like SARIF; --baseline takes a vigil JSON output (vigil scan --format json)'],
    ['missing-fingerprint.json', 'VIGIL_ERR_BASELINE_INVALID', 5, 'findings[1]: has no "fingerprint"'],
    ['fingerprint-not-string.json', 'VIGIL_ERR_BASELINE_INVALID', 4, 'findings[0].fingerprint: "fingerprint" must be a non-empty string, got number 12'],
    ['no-findings.json', 'VIGIL_ERR_BASELINE_INVALID', 1, '(root): expected a "findings" list, got nothing'],
    ['findings-not-a-list.json', 'VIGIL_ERR_BASELINE_INVALID', 3, 'findings: expected a "findings" list, got an object'],
    ['wrong-version.json', 'VIGIL_ERR_BASELINE_INVALID', 3, 'schemaVersion: is 2; this vigil reads schemaVersion 1'],
    ['no-version.json', 'VIGIL_ERR_BASELINE_INVALID', 1, '(root): has no "schemaVersion"; --baseline takes a vigil JSON output (vigil scan --format json)'],
    ['array.json', 'VIGIL_ERR_BASELINE_INVALID', 1, /^\(root\): expected a vigil JSON output .* got a list$/],
  ];

  it.each(BAD)('rejects %s with %s at line %i', async (name, code, line, message) => {
    const path = join(FIXTURES, name);
    const err = await loadBaseline(path).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(VigilError);
    const e = err as VigilError;
    expect({ code: e.code, file: e.file, line: e.line }).toEqual({ code, file: path, line });
    if (typeof message === 'string') expect(e.message).toBe(message);
    else expect(e.message).toMatch(message);
  });

  it('tolerates a byte-order mark', () => {
    expect(parseBaseline('\uFEFF{"schemaVersion":1,"findings":[{"fingerprint":"x"}]}', 'b.json')).toEqual(new Set(['x']));
  });
});

describe('applyBaseline', () => {
  it('marks findings new or unchanged without mutating them', () => {
    const a = reported({ scanner: 's', ruleId: 'r', title: 't', severity: 'high', location: { kind: 'host', host: 'a' }, fingerprint: 'fa' });
    const b = reported({ scanner: 's', ruleId: 'r', title: 't', severity: 'high', location: { kind: 'host', host: 'b' }, fingerprint: 'fb' });
    const out = applyBaseline([a, b], new Set(['fa']));
    expect(out.map((f) => f.baselineState)).toEqual(['unchanged', 'new']);
    expect(a.baselineState).toBeUndefined();
  });
});
