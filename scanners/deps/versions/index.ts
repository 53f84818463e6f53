/** Version ordering per ecosystem and OSV affected-range evaluation. */
export { compareVersions, orderingFor, parseable } from './compare.js';
export { genericOrdering } from './generic.js';
export { goOrdering } from './go.js';
export { mavenOrdering } from './maven.js';
export { npmOrdering } from './npm.js';
export { VersionParseError } from './ordering.js';
export type { VersionOrdering } from './ordering.js';
export { isAffected, nearestFix, rangeContains } from './osv-range.js';
export { pypiOrdering } from './pypi.js';
