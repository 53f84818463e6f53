/** PyPI's order: PEP 440, through @renovatebot/pep440 (a port of Python's `packaging.version`). */
import { compare, valid } from '@renovatebot/pep440';
import { sign, VersionParseError } from './ordering.js';
import type { VersionOrdering } from './ordering.js';

/**
 * PEP 440: epochs first (`1!1.0 > 2.0`), trailing zeros ignored (`1.0.0 == 1.0`),
 * `1.0.dev1 < 1.0a1 < 1.0rc1 < 1.0 < 1.0.post1`, a local label (`1.0+ubuntu1`) above its public version.
 */
export const pypiOrdering: VersionOrdering = {
  name: 'PEP 440',
  expected: '[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local], like 1.2.3, 2.0rc1 or 1!1.0.post2',
  parseable(version: string): boolean {
    return valid(version) !== null;
  },
  compare(a: string, b: string): number {
    // The library's compare dereferences a failed parse, so check first and name the bad version.
    for (const v of [a, b]) if (!pypiOrdering.parseable(v)) throw new VersionParseError(pypiOrdering, v);
    return sign(compare(a, b));
  },
};
