import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../src/errors.js';
import type { WebAlert } from '../../../scanners/web/types.js';
import { ACTION_SEVERITY, applyRulesConfig, defaultAction, parseRulesConfig, RISK_SEVERITY } from '../../../scanners/web/rules-config.js';

const FILE = 'zap-rules.tsv';

/** A rules file as zap-baseline.py -g writes it, with edits. */
const SAMPLE = [
  '# zap-baseline rule configuration file',
  '# Change WARN to IGNORE to ignore rule or FAIL to fail if rule matches',
  '',
  '10010\tFAIL\t(Cookie No HttpOnly Flag)',
  '10020\tWARN\t(Anti-clickjacking Header)',
  '10021\tINFO\t(X-Content-Type-Options Header Missing)',
  '10096\tIGNORE\t(Timestamp Disclosure)',
  '10038\tOUTOFSCOPE\thttp://127\\.0\\.0\\.1:\\d+/static/.*',
  '*\tOUTOFSCOPE\t.*/health$',
  '10020\tFAIL\t(a later line wins)',
].join('\n');

function alert(pluginId: string, url = 'http://127.0.0.1:8080/', extra: Partial<WebAlert> = {}): WebAlert {
  return { pluginId, url, method: 'GET', evidence: '', ...extra };
}

describe('parseRulesConfig', () => {
  it('reads actions, comments, blank lines and OUTOFSCOPE lines', () => {
    const rc = parseRulesConfig(SAMPLE, FILE);
    expect([...rc.actions]).toEqual([['10010', 'FAIL'], ['10020', 'FAIL'], ['10021', 'INFO'], ['10096', 'IGNORE']]);
    expect(rc.outOfScope.map((o) => [o.id, o.url.source])).toEqual([['10038', 'http:\\/\\/127\\.0\\.0\\.1:\\d+\\/static\\/.*'], ['*', '.*\\/health$']]);
  });

  it.each([
    ['CRLF line ends and a BOM', '\uFEFF10010\tWARN\r\n10011\tFAIL\r\n', [['10010', 'WARN'], ['10011', 'FAIL']]],
    ['no comment column', '10202\tIGNORE', [['10202', 'IGNORE']]],
    ['spaces instead of tabs', '10202   WARN   (Absence of Anti-CSRF Tokens)', [['10202', 'WARN']]],
    ['lower-case action', '2\tfail', [['2', 'FAIL']]],
    ['only comments', '# nothing\n\n   \n', []],
  ])('accepts %s', (_, text, expected) => {
    expect([...parseRulesConfig(text, FILE).actions]).toEqual(expected);
  });

  it('keeps spaces inside a tab-separated OUTOFSCOPE regex', () => {
    const rc = parseRulesConfig('10020\tOUTOFSCOPE\t.*/a b$', FILE);
    expect(rc.outOfScope[0]!.url.test('http://x/a b')).toBe(true);
  });

  it.each([
    ['an id alone', '10010\tWARN\n10020', 2, /no action/],
    ['an unknown action', '# c\n\n10010\tWARNING', 3, /"WARNING" is not IGNORE, INFO, WARN, FAIL or OUTOFSCOPE/],
    ['a non-numeric id', 'abc\tWARN', 1, /"abc" is not a plugin id/],
    ['a wildcard id outside OUTOFSCOPE', '*\tIGNORE', 1, /"\*" is not a plugin id/],
    ['OUTOFSCOPE without a regex', '10010\tWARN\n10020\tOUTOFSCOPE', 2, /has no URL regex/],
    ['OUTOFSCOPE with a bad regex', '10020\tOUTOFSCOPE\t(unclosed', 1, /bad URL regex/],
  ])('rejects %s with the line number', (_, text, line, message) => {
    let err: unknown;
    try {
      parseRulesConfig(text, FILE);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VigilError);
    expect(err).toMatchObject({ code: 'VIGIL_ERR_CONFIG_INVALID', file: FILE, line });
    expect((err as Error).message).toMatch(message);
  });
});

describe('applyRulesConfig', () => {
  const rc = parseRulesConfig(SAMPLE, FILE);

  it.each([
    ['FAIL → high', alert('10010'), 'FAIL', 'high'],
    ['explicit FAIL (later line) on a Medium alert → high', alert('10020'), 'FAIL', 'high'],
    ['INFO → info, out of the gate', alert('10021'), 'INFO', 'info'],
    ['default for a Low alert: WARN → medium', alert('10054'), 'WARN', 'medium'],
    ['default for a Medium alert: WARN → medium', alert('10202'), 'WARN', 'medium'],
    ['default for an Informational alert: INFO → info', alert('10015'), 'INFO', 'info'],
    ['default for a High alert keeps high', alert('40012'), 'WARN', 'high'],
    ['an alert that overrides its risk to Informational', alert('10038', 'http://127.0.0.1:8080/', { risk: 0 }), 'INFO', 'info'],
    ['a plugin id not in the catalogue counts as Low', alert('99999'), 'WARN', 'medium'],
  ])('%s', (_, a, action, severity) => {
    expect(applyRulesConfig([a], rc)).toEqual([{ alert: a, action, severity }]);
  });

  it.each([
    ['IGNORE drops the alert', alert('10096')],
    ['OUTOFSCOPE drops the rule on matching URLs', alert('10038', 'http://127.0.0.1:8080/static/app.css')],
    ['* OUTOFSCOPE drops every rule on matching URLs', alert('10010', 'http://127.0.0.1:8080/health')],
  ])('%s', (_, a) => {
    expect(applyRulesConfig([a], rc)).toEqual([]);
  });

  it('keeps a rule outside its OUTOFSCOPE URLs', () => {
    expect(applyRulesConfig([alert('10038', 'http://127.0.0.1:8080/page')], rc)).toHaveLength(1);
  });

  it('exports the severity mappings it applies', () => {
    expect(RISK_SEVERITY).toEqual({ 3: 'high', 2: 'medium', 1: 'low', 0: 'info' });
    expect(ACTION_SEVERITY).toEqual({ INFO: 'info', WARN: 'medium', FAIL: 'high' });
    expect([0, 1, 2, 3].map((r) => defaultAction(r as 0 | 1 | 2 | 3))).toEqual(['INFO', 'WARN', 'WARN', 'WARN']);
  });
});
