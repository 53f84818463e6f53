/**
 * The pre-filter may only ever skip a rule that cannot match: each fact it keeps about a file is
 * checked here against the plain definition it stands for, on generated text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateFile } from '../../../scanners/code/engine/evaluate.js';
import { FileWords, Triples } from '../../../scanners/code/engine/prefilter.js';
import { parseRuleFile } from '../../../scanners/code/engine/rules.js';

/** Identifiers by their definition: the regex the module doc names. */
function identifiers(text: string): Set<string> {
  return new Set(text.match(/[A-Za-z_$][A-Za-z0-9_$]*/g) ?? []);
}

// words that look alike: a rule's word inside a longer one, after digits, with $ or _ around it
const NEAR = ['req', 'request', 'require', 'req1', '1req', '$req', 'req$', '_req', 'Req', 'eval', 'evaluate', 'x', 'md5', 'sha1', '0x1f', 'é'];
const text = fc.array(fc.oneof(fc.constantFrom(...NEAR), fc.constantFrom(' ', '.', '(', ')', ';', '\n', '"', '9', '$', '_')), { maxLength: 60 }).map((a) => a.join(''));

describe('code pre-filter', () => {
  it('FileWords answers as the identifier regex would, for words rules ask about and for others', () => {
    // a rule that puts some of the words in the vocabulary scanned in one pass (the rest are searched)
    const { rules } = parseRuleFile(
      'rules:\n  - id: v\n    message: m\n    severity: INFO\n    languages: [javascript]\n    patterns:\n      - pattern: $X.get(...)\n      - metavariable-regex:\n          metavariable: $X\n          regex: ^(req|request|eval)$\n',
      'v.yaml',
    );
    evaluateFile(rules, { path: '/s/a.js', relPath: 'a.js', language: 'javascript', text: 'req.get(1)' });
    fc.assert(
      fc.property(text, fc.constantFrom(...NEAR, 'md', 'get', 'q'), (t, w) => {
        expect(new FileWords(t).has(w)).toBe(identifiers(t).has(w));
      }),
      { numRuns: 2000 },
    );
  });

  it('Triples never says no to a word the text holds, in any ASCII case', () => {
    fc.assert(
      fc.property(text, fc.nat(), fc.nat(), (t, a, b) => {
        if (t.length === 0) return;
        const from = a % t.length;
        const word = t.slice(from, from + 1 + (b % 12));
        expect(new Triples(t).mayContain(word)).toBe(true);
        expect(new Triples(t.toUpperCase()).mayContain(word.toLowerCase().replace(/é/g, 'É'))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('a rule with a whole-word hint matches exactly the lines an independent reading finds', () => {
    const { rules, problems } = parseRuleFile(
      'rules:\n  - id: r\n    message: m\n    severity: INFO\n    languages: [javascript]\n    patterns:\n      - pattern: $X.$M(...)\n      - metavariable-regex:\n          metavariable: $X\n          regex: ^(req|request)$\n',
      'r.yaml',
    );
    expect(problems).toEqual([]);
    const objects = ['req', 'request', 'require', 'req1', '$req', 'req$', '_req', 'Req', 'requests', 'other'];
    fc.assert(
      fc.property(fc.array(fc.record({ obj: fc.constantFrom(...objects), method: fc.constantFrom('get', 'send', 'req') }), { maxLength: 12 }), (calls) => {
        const code = calls.map((c) => `${c.obj}.${c.method}(1);`).join('\n');
        const r = evaluateFile(rules, { path: '/s/f.js', relPath: 'f.js', language: 'javascript', text: code });
        const got = r.matches.map((m) => m.startLine).sort((a, b) => a - b);
        const want = calls.flatMap((c, i) => (c.obj === 'req' || c.obj === 'request' ? [i + 1] : []));
        expect(got).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });
});
