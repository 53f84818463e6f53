/**
 * Suppression globs and VEX products meet paths and purls that a scanned target or an imported
 * file chooses (issue 10). A glob used to be a backtracking regex (quadratic with two globstars,
 * degree four with `*a*a*a*b`), and a VEX product's `?`/`#` cut rescanned to a line break from
 * every `?`. Both end on 2 MiB inputs now, and answer as before (checked against the old code).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesGlob } from '../../../src/gate/glob.js';
import { purlCovers } from '../../../src/gate/vex.js';

const CAP = 2 * 1024 * 1024;

/** The glob as a regex, as src/gate/glob.ts built it before issue 10. */
function oldGlobRegExp(glob: string): RegExp {
  let g = glob.trim().replace(/\\/g, '/');
  while (g.startsWith('./')) g = g.slice(2);
  if (g.endsWith('/')) g += '**';
  let re = '';
  let i = 0;
  while (i < g.length) {
    const c = g[i]!;
    if (c === '*') {
      if (g[i + 1] === '*') {
        const atStart = i === 0 || g[i - 1] === '/';
        const atEnd = i + 2 === g.length || g[i + 2] === '/';
        if (atStart && atEnd) {
          if (i + 2 === g.length) {
            if (re.endsWith('/')) re = `${re.slice(0, -1)}(?:/.*)?`;
            else re += '.*';
            i += 2;
          } else {
            re += '(?:[^/]*(?:/[^/]*)*/)?';
            i += 3;
          }
          continue;
        }
        re += '[^/]*';
        i += 2;
        continue;
      }
      re += '[^/]*';
    } else if (c === '?') {
      re += '[^/]';
    } else {
      re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    i++;
  }
  return new RegExp(`^${re}$`);
}

describe('suppression globs', () => {
  it.each([
    ['**/test/**/*.spec.*', 'test/'.repeat(CAP / 5), false],
    ['**/test/**/*.spec.*', `${'test/'.repeat(CAP / 5)}a.spec.ts`, true],
    ['*a*a*a*b', 'a'.repeat(CAP), false],
    ['*a*a*a*b', `${'a'.repeat(CAP)}b`, true],
    ['**/**/**/x', 'a/'.repeat(CAP / 2), false],
    ['src/**', `src/${'a/'.repeat(CAP / 2)}\n`, false],
  ])('%s on a 2 MiB path ends: %#', (glob, path, want) => {
    expect(matchesGlob(path, glob)).toBe(want);
  });

  it('match as the old regexes did', () => {
    const piece = (...xs: string[]) => fc.array(fc.constantFrom(...xs), { maxLength: 9 }).map((a) => a.join(''));
    fc.assert(
      fc.property(piece('*', '**', '/', '?', 'a', 'b', '.', './', '\\', '(', '['), piece('a', 'b', '/', '.', '\n', '\u2028', 'ab', '\ud83d\ude00', '(', '['), (glob, path) => {
        expect(matchesGlob(path, glob), `${JSON.stringify(glob)} on ${JSON.stringify(path)}`).toBe(oldGlobRegExp(glob).test(path));
      }),
      { numRuns: 20000 },
    );
  });
});

describe('VEX products that are not purls', () => {
  it('are compared without their query and fragment, on 2 MiB of `?` before a line break too', () => {
    const junk = `not a purl${'?'.repeat(CAP)}\nx`;
    expect(purlCovers(junk, junk)).toBe(true);
    expect(purlCovers(`not a purl?${'#'.repeat(CAP)}`, 'not a purl')).toBe(true);
  });
});
