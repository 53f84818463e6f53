/**
 * cutFromLastLine stands for `s.replace(/<x>.*$/, '')` (yarn 2+ descriptors, VEX products,
 * robots.txt lines), which tried every `<x>` and scanned to the next line break from each:
 * quadratic on `????…?\n`. It gives the same text, in one pass.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cutFromLastLine, isLineTerminator, lastLineTerminator, lineEnd } from '../../src/util/line-terminators.js';

describe('line terminators', () => {
  it('are what a regex dot does not match', () => {
    for (let c = 0; c <= 0xffff; c++) expect(isLineTerminator(c), `U+${c.toString(16)}`).toBe(!/./.test(String.fromCharCode(c)));
  });

  it('lineEnd and lastLineTerminator find them', () => {
    expect(lineEnd('ab\u2028cd', 0)).toBe(2);
    expect(lineEnd('ab', 1)).toBe(2);
    expect(lastLineTerminator('a\nb\rc')).toBe(3);
    expect(lastLineTerminator('abc')).toBe(-1);
  });
});

describe('cutFromLastLine', () => {
  it('cuts as the regexes it stands for', () => {
    const text = fc.array(fc.constantFrom('?', '#', ':', '::', '*', '$', 'a', '\n', '\r', '\u2028', '\u2029'), { maxLength: 20 }).map((a) => a.join(''));
    fc.assert(
      fc.property(text, (s) => {
        expect(cutFromLastLine(s, ['?', '#'])).toBe(s.replace(/[?#].*$/, ''));
        expect(cutFromLastLine(s, ['::'])).toBe(s.replace(/::.*$/, ''));
        expect(cutFromLastLine(s, ['#'])).toBe(s.replace(/#.*$/, ''));
        expect(cutFromLastLine(s, ['*', '$'])).toBe(s.replace(/[*$].*$/, ''));
      }),
      { numRuns: 20000 },
    );
  });

  it('ends on 2 MiB of `?` before a line break', () => {
    const s = `${'?'.repeat(2 * 1024 * 1024)}\nx`;
    expect(cutFromLastLine(s, ['?', '#'])).toBe(s);
    expect(cutFromLastLine(`${s}?y`, ['?', '#'])).toBe(s);
  });
});
