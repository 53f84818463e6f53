/** Go's order: module versions are SemVer with a `v` prefix, compared as golang.org/x/mod/semver does. */
import semver from 'semver';
import { sign, VersionParseError } from './ordering.js';
import type { VersionOrdering } from './ordering.js';

const SHORTHAND = /^(\d+)(?:\.(\d+))?$/;

/**
 * The SemVer string to compare for a Go version, or undefined. OSV writes Go versions without
 * the `v` (`1.2.3`), go.mod with it (`v1.2.3`): both are accepted. Like x/mod/semver, `v1` and
 * `v1.2` mean `v1.0.0` and `v1.2.0`.
 */
function canonical(version: string): string | undefined {
  const bare = version.startsWith('v') ? version.slice(1) : version;
  // node-semver would also accept whitespace and a second `v`; Go accepts neither.
  if (!/^\d/.test(bare) || /\s/.test(bare)) return undefined;
  const short = SHORTHAND.exec(bare);
  const full = short ? `${short[1]}.${short[2] ?? '0'}.0` : bare;
  return semver.valid(full, { loose: false }) ?? undefined;
}

/**
 * SemVer precedence with Go's spellings: pseudo-versions (`v0.0.0-20210101000000-abcdef123456`)
 * are pre-releases and order by their timestamp; `+incompatible` is build metadata and ignored.
 */
export const goOrdering: VersionOrdering = {
  name: 'Go module',
  expected: 'a semantic version with or without the v, like v1.2.3, 1.2.3 or v0.0.0-20210101000000-abcdef123456',
  parseable(version: string): boolean {
    return canonical(version) !== undefined;
  },
  compare(a: string, b: string): number {
    const ca = canonical(a);
    if (ca === undefined) throw new VersionParseError(goOrdering, a);
    const cb = canonical(b);
    if (cb === undefined) throw new VersionParseError(goOrdering, b);
    return sign(semver.compare(ca, cb));
  },
};
