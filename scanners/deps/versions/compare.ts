/** Picks the version ordering for an OSV ecosystem, and compares versions with it. */
import type { Ecosystem } from '../model.js';
import { genericOrdering } from './generic.js';
import { goOrdering } from './go.js';
import { mavenOrdering } from './maven.js';
import { npmOrdering } from './npm.js';
import type { VersionOrdering } from './ordering.js';
import { pypiOrdering } from './pypi.js';

// Keys are lower case: OSV spells ecosystems one way, but lockfiles, purls and hand-written
// advisories don't always (`pypi`, `golang`), and a wrong guess would silently use the generic order.
const ORDERINGS: ReadonlyMap<string, VersionOrdering> = new Map([
  ['npm', npmOrdering],
  ['pypi', pypiOrdering],
  ['maven', mavenOrdering],
  ['go', goOrdering],
  ['golang', goOrdering],
]);

/**
 * The ordering for an ecosystem. An OSV suffix (`Debian:12`, `Ubuntu:22.04:LTS`) is ignored;
 * ecosystems without their own ordering get the approximate generic one.
 */
export function orderingFor(ecosystem: Ecosystem): VersionOrdering {
  const base = ecosystem.split(':', 1)[0]!.trim().toLowerCase();
  return ORDERINGS.get(base) ?? genericOrdering;
}

/** Compares two versions in an ecosystem's order (-1, 0 or 1); throws VersionParseError if either is unparseable. */
export function compareVersions(ecosystem: Ecosystem, a: string, b: string): number {
  return orderingFor(ecosystem).compare(a, b);
}

/** True when the ecosystem's ordering can place `version` (compareVersions would not throw). */
export function parseable(ecosystem: Ecosystem, version: string): boolean {
  return orderingFor(ecosystem).parseable(version);
}
