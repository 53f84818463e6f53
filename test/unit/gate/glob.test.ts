import { describe, expect, it } from 'vitest';
import { matchesGlob } from '../../../src/gate/index.js';

describe('matchesGlob', () => {
  it.each([
    ['test/**', 'test/a.ts', true],
    ['test/**', 'test/deep/er/a.ts', true],
    ['test/**', 'test', true],
    ['test/**', 'tests/a.ts', false],
    ['test/', 'test/a/b.ts', true],
    ['./src/*.ts', 'src/a.ts', true],
    ['src/*.ts', 'src/a/b.ts', false],
    ['**/*.spec.ts', 'a.spec.ts', true],
    ['**/*.spec.ts', 'src/x/a.spec.ts', true],
    ['**/*.spec.ts', 'src/x/a.spec.tsx', false],
    ['src/**/fixtures/*', 'src/fixtures/x.json', true],
    ['src/**/fixtures/*', 'src/a/b/fixtures/x.json', true],
    ['src/**/fixtures/*', 'srcfixtures/x.json', false],
    ['file?.ts', 'file1.ts', true],
    ['file?.ts', 'file/.ts', false],
    ['a.b(c)+[d].ts', 'a.b(c)+[d].ts', true],
    ['a.b.ts', 'aXb.ts', false],
    ['**', 'anything/at/all', true],
    ['x**y', 'xaby', true],
    ['x**y', 'xa/by', false],
  ])('%j matches %j: %s', (glob, path, expected) => {
    expect(matchesGlob(path, glob)).toBe(expected);
  });
});
