/**
 * A SARIF message's text comes from the imported file. Its embedded links were found with a
 * regex that rescanned to the end from every `[` that never closed (quadratic: 8,000 `[` took
 * 1.7 s, 2 MiB hours). The one-pass reader ends on 2 MiB and gives the text the regex gave.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plainMessage } from '../../../scanners/import/sarif-resolve.js';

const CAP = 2 * 1024 * 1024;

function oldPlainMessage(text: string): string {
  return text
    .replace(/(?<!\\)\[((?:\\.|[^\]\\])*)\]\(([^)\s]*)\)/g, (_m, label: string, target: string) => (/^\d+$/.test(target) ? label : `${label} (${target})`))
    .replace(/\\([[\]])/g, '$1');
}

describe('plainMessage on hostile message text', () => {
  it.each([
    ['2 MiB of [', '['.repeat(CAP), '['.repeat(CAP)],
    ['links whose target never closes', '[a](x'.repeat(CAP / 5), '[a](x'.repeat(CAP / 5)],
    ['escaped brackets', '[\\'.repeat(CAP / 2), `${'['.repeat(CAP / 2)}\\`],
    ['a label of 2 MiB', `[${'a'.repeat(CAP)}](1)`, 'a'.repeat(CAP)],
    ['2 MiB of links', '[a](1)'.repeat(CAP / 6), 'a'.repeat(CAP / 6)],
  ])('%s ends, with the text the old regex gave', (_name, text, want) => {
    expect(plainMessage(text)).toBe(want);
  });

  it('reads links as the old regex did', () => {
    const text = fc.array(fc.constantFrom('[', ']', '(', ')', '\\', 'a', '1', ' ', '\n', '\u2028', 'x', '\\[', '\\]'), { maxLength: 30 }).map((a) => a.join(''));
    fc.assert(
      fc.property(text, (t) => {
        expect(plainMessage(t), JSON.stringify(t)).toBe(oldPlainMessage(t));
      }),
      { numRuns: 20000 },
    );
    for (const t of ['see [the sink](2) and [docs](https://example.test/x)', 'escaped \\[not a link\\](1)', '[a]\n(1)']) expect(plainMessage(t)).toBe(oldPlainMessage(t));
  });
});
