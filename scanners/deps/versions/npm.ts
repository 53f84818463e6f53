/** npm's order: SemVer 2.0 precedence, as node-semver implements it. */
import semver from 'semver';
import { sign, VersionParseError } from './ordering.js';
import type { VersionOrdering } from './ordering.js';

// loose: false rejects what SemVer 2.0 rejects (`1.2`, `01.2.3`, `1.2.3beta`); node-semver still
// trims whitespace and accepts a leading `v`, as npm itself does.
const STRICT = { loose: false } as const;

/** SemVer 2.0 precedence: build metadata ignored, a pre-release below its release. */
export const npmOrdering: VersionOrdering = {
  name: 'SemVer',
  expected: 'MAJOR.MINOR.PATCH with an optional -pre.release and +build, like 1.2.3 or 1.2.3-beta.1',
  parseable(version: string): boolean {
    return semver.valid(version, STRICT) !== null;
  },
  compare(a: string, b: string): number {
    for (const v of [a, b]) if (!npmOrdering.parseable(v)) throw new VersionParseError(npmOrdering, v);
    return sign(semver.compare(a, b, STRICT));
  },
};
