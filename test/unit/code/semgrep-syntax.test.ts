/**
 * Pieces of Semgrep's rule syntax vigil translates: PCRE2 flag groups mid-pattern, the
 * metavariable-analysis analyzers and generic mode. Each is checked against a plain definition.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redosProne, analyse } from '../../../scanners/code/engine/analysis.js';
import { genericMatches, tokenize } from '../../../scanners/code/engine/generic.js';
import { midPatternFlags, toJsRegex } from '../../../scanners/code/engine/rules.js';

// regex bodies from a small grammar: letters, classes, escapes, groups, alternation, quantifiers
const atom = fc.constantFrom('a', 'B', 'c', 'x', '.', '[a-c]', '[A-C]', '[^b]', '\\d', '\\w', '\\s', '-', ' ');
const body: fc.Arbitrary<string> = fc.letrec((tie) => ({
  seq: fc.array(tie('item') as fc.Arbitrary<string>, { minLength: 1, maxLength: 4 }).map((a) => a.join('')),
  item: fc.oneof(
    { depthSize: 'small' },
    atom,
    fc.tuple(atom, fc.constantFrom('*', '+', '?', '{1,2}')).map(([a, q]) => a + q),
    fc.tuple(tie('seq') as fc.Arbitrary<string>, tie('seq') as fc.Arbitrary<string>).map(([a, b]) => `(?:${a}|${b})`),
  ),
})).seq;
const subject = fc.stringMatching(/^[abcABCxX1 \n.-]{0,12}$/);

describe('PCRE2 flag groups mid-pattern', () => {
  it('(?i) there matches exactly what the i flag matches for what follows it', () => {
    fc.assert(
      fc.property(body, body, subject, (before, after, s) => {
        const translated = new RegExp(`^(?:${before})` + midPatternFlags(`(?:(?i)${after})`));
        // the same regex with the prefix written out in both cases by hand is not available, so
        // compare on the part after the flag alone and on a prefix without letters
        const alone = new RegExp(`^${midPatternFlags(`(?i)${after}`)}$`);
        expect(alone.test(s)).toBe(new RegExp(`^(?:${after})$`, 'i').test(s));
        expect(translated.source).not.toContain('(?i)');
      }),
      { numRuns: 500 },
    );
  });

  it('(?s) makes only the dots after it match newlines, and (?-i) ends (?i)', () => {
    expect(new RegExp(midPatternFlags('a.(?s)b.c')).test('a\nbxc')).toBe(false);
    expect(new RegExp(midPatternFlags('a.(?s)b.c')).test('axb\nc')).toBe(true);
    expect(new RegExp(midPatternFlags('a(?i)b(?-i)c')).test('aBc')).toBe(true);
    expect(new RegExp(midPatternFlags('a(?i)b(?-i)c')).test('aBC')).toBe(false);
    // a flag group in a group ends with the group
    expect(new RegExp(`^${midPatternFlags('(a(?i)b)c')}$`).test('aBc')).toBe(true);
    expect(new RegExp(`^${midPatternFlags('(a(?i)b)c')}$`).test('aBC')).toBe(false);
    // names and escapes keep their letters
    expect(midPatternFlags('(?P<word>x)(?i)\\p{Lu}(?P=word)')).toBe('(?P<word>x)\\p{Lu}(?P=word)');
  });

  it('a registry-style SQL regex works in a pattern-regex, and (?x) is refused', () => {
    const re = toJsRegex('.*\\b(?i)(select|delete)\\b.+\\bfrom\\b.*', false);
    expect(re.test('q = "SELECT a FROM t"')).toBe(true);
    expect(re.test('selected items')).toBe(false);
    expect(() => toJsRegex('a(?x) b', false)).toThrow(/verbose/);
  });
});

describe('metavariable-analysis', () => {
  it('redos: nested and overlapping unbounded quantifiers are flagged, linear shapes are not', () => {
    for (const bad of ['/(a+)+$/', '"(\\\\w*\\\\s?)*x"', '/^(\\w|\\d)+$/', '/(a|ab)*c/', '/(.*a){1,}/', '/((ab)*c)*/']) expect(redosProne(bad), bad).toBe(true);
    for (const ok of ['/^[a-z]+$/', '/(ab)+c/', '/^(a|b)+$/', '/\\d{1,3}(\\.\\d{1,3}){3}/', '"[(]+"', '/a\\(+/']) expect(redosProne(ok), ok).toBe(false);
  });

  it('entropy: a random key is high entropy, words and placeholders are not', () => {
    expect(analyse('entropy', '"ZQ8vN3kLp2Xw9RtY7uMb4HcEzQ8vN3kL"')).toBe(true);
    expect(analyse('entropy', '"hello world"')).toBe(false);
    expect(analyse('entropy', "'your-api-key-goes-here-please'")).toBe(false);
  });
});

describe('generic mode', () => {
  const spans = (start: number, end: number) => ({ startIndex: start, endIndex: end, startLine: 0, startColumn: 0, endLine: 0, endColumn: 0 });
  const lines = (pattern: string, text: string) => {
    const toks = tokenize(text);
    return genericMatches(pattern, toks, spans).map((m) => text.slice(0, m.span.startIndex).split('\n').length);
  };

  it('matches words and punctuation whatever the spacing, `$X` one word, `...` up to ten lines', () => {
    expect(lines('debug = true', 'a\ndebug=true\ndebug  =  false\n  debug = true # x')).toEqual([2, 4]);
    expect(lines('$K = $K', 'a = a\na = b')).toEqual([1]);
    expect(lines('server { ... listen 80', `server {\n${'x\n'.repeat(5)}listen 80\n}`)).toEqual([1]);
    expect(lines('server { ... listen 80', `server {\n${'x\n'.repeat(12)}listen 80\n}`)).toEqual([]);
    // a word is a whole word
    expect(lines('debug', 'debugger')).toEqual([]);
  });

  it('ends on a hostile file: many starts, many ellipses', () => {
    const text = 'a '.repeat(200_000);
    expect(lines('a ... a ... a ... b', text)).toEqual([]);
  });
});

describe('taint labels', () => {
  it('requires expressions read as Semgrep writes them, and bad ones are refused naming the rule line', async () => {
    const { parseLabelExpr, labelsSatisfy, parseRuleFile } = await import('../../../scanners/code/engine/rules.js');
    const e = parseLabelExpr('(A or B) and not C');
    expect(labelsSatisfy(e, new Set(['A']))).toBe(true);
    expect(labelsSatisfy(e, new Set(['B', 'C']))).toBe(false);
    expect(labelsSatisfy(e, new Set())).toBe(false);
    for (const bad of ['A and', '(A', 'A B', 'and']) expect(() => parseLabelExpr(bad), bad).toThrow();
    const yaml = 'rules:\n  - id: t\n    message: m\n    severity: ERROR\n    languages: [javascript]\n    mode: taint\n    pattern-sources:\n      - label: A\n        pattern: src()\n    pattern-sinks:\n      - requires: A and\n        pattern: sink(...)\n';
    const r = parseRuleFile(yaml, 'labels.yaml');
    expect(r.rules).toEqual([]);
    expect(r.problems[0]).toMatchObject({ file: 'labels.yaml', line: 11, message: expect.stringMatching(/requires expression "A and"/) });
  });
});

describe('constant propagation on a hostile file', () => {
  it('reads each scope once: 20,000 uses of one constant in one scope end, and none is reported', async () => {
    const { parseRuleFile } = await import('../../../scanners/code/engine/rules.js');
    const { evaluateFile } = await import('../../../scanners/code/engine/evaluate.js');
    const { rules } = parseRuleFile('rules:\n  - id: e\n    message: m\n    severity: ERROR\n    languages: [javascript]\n    patterns:\n      - pattern: eval($X)\n      - pattern-not: eval("...")\n', 'e.yaml');
    const text = `let x = "a";\n${'eval(x);\n'.repeat(20_000)}eval(y);\n`;
    const r = evaluateFile(rules, { path: '/s/a.js', relPath: 'a.js', language: 'javascript', text });
    // no time is asserted: before the per-file memory this file took minutes (quadratic)
    expect(r.matches.map((m) => m.startLine)).toEqual([20_002]);
  });
});
