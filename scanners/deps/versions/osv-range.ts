/**
 * Whether a package version falls in an OSV advisory's affected ranges, evaluated as the OSV
 * schema's reference pseudo-code does (https://ossf.github.io/osv-schema/#evaluation).
 */
import type { Ecosystem, OsvAffected, OsvRange } from '../model.js';
import { orderingFor } from './compare.js';
import { npmOrdering } from './npm.js';
import type { VersionOrdering } from './ordering.js';

type EventKind = 'introduced' | 'fixed' | 'last_affected' | 'limit';

interface FlatEvent {
  kind: EventKind;
  version: string;
}

/** `introduced: "0"` means "from the very first version", below anything an ordering can parse. */
const ZERO = '0';
/** `limit: "*"` means "no upper bound". */
const UNLIMITED = '*';
const KINDS: readonly EventKind[] = ['introduced', 'fixed', 'last_affected', 'limit'];

/**
 * The ordering a range's versions follow: SEMVER ranges are SemVer 2.0 whatever the ecosystem
 * (the schema says so), ECOSYSTEM ranges the ecosystem's own; GIT ranges hold commit hashes,
 * which no version ordering can place, so they take no part.
 */
function rangeOrdering(range: OsvRange, ecosystem: Ecosystem): VersionOrdering | undefined {
  if (range.type === 'SEMVER') return npmOrdering;
  if (range.type === 'ECOSYSTEM') return orderingFor(ecosystem);
  return undefined;
}

/**
 * The range's events as (kind, version) pairs, in the order written. An event should carry one
 * key; a malformed one with several is read as several events rather than dropped.
 */
function flatten(range: OsvRange): FlatEvent[] {
  const out: FlatEvent[] = [];
  for (const event of range.events ?? []) {
    for (const kind of KINDS) {
      const version = event[kind];
      if (typeof version === 'string') out.push({ kind, version });
    }
  }
  return out;
}

/**
 * The spec's BeforeLimits: without `limit` events nothing caps the range; with them the version
 * must be below at least one. A limit the ordering cannot read caps nothing — the range stays
 * in force rather than hiding a vulnerability behind an advisory's typo.
 */
function beforeLimits(limits: readonly FlatEvent[], version: string, ord: VersionOrdering): boolean {
  if (limits.length === 0) return true;
  return limits.some((l) => l.version === UNLIMITED || !ord.parseable(l.version) || ord.compare(version, l.version) < 0);
}

/** Orders event versions, with `introduced: "0"` below everything. */
function compareEvents(a: FlatEvent, b: FlatEvent, ord: VersionOrdering): number {
  const aZero = a.kind === 'introduced' && a.version === ZERO;
  const bZero = b.kind === 'introduced' && b.version === ZERO;
  if (aZero || bZero) return aZero === bZero ? 0 : aZero ? -1 : 1;
  return ord.compare(a.version, b.version);
}

/** Where a version sits in one range: inside it or not, and if inside, the event that ends its interval. */
interface Location {
  contains: boolean;
  /** The `fixed` or `last_affected` event closing the interval that holds the version; absent when it runs on. */
  end?: FlatEvent;
}

/** Runs the spec's walk over one range; undefined for GIT ranges and versions the range's ordering cannot read. */
function locate(range: OsvRange, version: string, ecosystem: Ecosystem): Location | undefined {
  const ord = rangeOrdering(range, ecosystem);
  if (!ord || !ord.parseable(version)) return undefined;
  const events = flatten(range);
  if (!beforeLimits(events.filter((e) => e.kind === 'limit'), version, ord)) return { contains: false };

  // An event whose version the ordering cannot read cannot be placed in the walk, so it is left
  // out (the spec does not say otherwise). Array.prototype.sort is stable: events at an equal
  // version keep their written order, so `fixed: 1.5` then `introduced: 1.5` reopens at 1.5,
  // and `introduced: 1.0` then `fixed: 1.0` is the empty interval it says.
  const walk = events
    .filter((e) => e.kind !== 'limit' && ((e.kind === 'introduced' && e.version === ZERO) || ord.parseable(e.version)))
    .sort((a, b) => compareEvents(a, b, ord));

  let vulnerable = false;
  for (const e of walk) {
    if (e.kind === 'introduced') {
      if (e.version === ZERO || ord.compare(version, e.version) >= 0) vulnerable = true;
    } else if (e.kind === 'fixed') {
      if (ord.compare(version, e.version) >= 0) vulnerable = false;
    } else if (e.kind === 'last_affected') {
      if (ord.compare(version, e.version) > 0) vulnerable = false;
    }
  }
  if (!vulnerable) return { contains: false };
  // The walk is sorted, so the first closing event the version has not passed ends its interval.
  const end = walk.find(
    (e) =>
      (e.kind === 'fixed' && ord.compare(version, e.version) < 0) ||
      (e.kind === 'last_affected' && ord.compare(version, e.version) <= 0),
  );
  return end ? { contains: true, end } : { contains: true };
}

/** True when one SEMVER or ECOSYSTEM range contains `version`; always false for GIT ranges and unparseable versions. */
export function rangeContains(range: OsvRange, version: string, ecosystem: Ecosystem): boolean {
  return locate(range, version, ecosystem)?.contains ?? false;
}

/**
 * True when `version` is affected: listed in `versions[]` (exact string equality, as the spec
 * says) or contained in any SEMVER or ECOSYSTEM range.
 */
export function isAffected(affected: OsvAffected, version: string, ecosystem: Ecosystem): boolean {
  if (affected.versions?.includes(version)) return true;
  return (affected.ranges ?? []).some((r) => rangeContains(r, version, ecosystem));
}

/**
 * The smallest upgrade that fixes `version`: the lowest `fixed` version above it that none of the
 * given entries marks affected. Undefined when the version is not in any range, or when no such
 * fix is known (an interval ends in `last_affected` or not at all).
 *
 * Every interval holding the version must be left, so the first candidate is the LATEST of their
 * `fixed` ends (with one range that is simply its fix). If that version is itself affected — a
 * later interval, another entry, a `versions[]` listing — the search goes on from there.
 */
export function nearestFix(affected: readonly OsvAffected[], version: string, ecosystem: Ecosystem): string | undefined {
  const eco = orderingFor(ecosystem);
  let current = version;
  // Each step moves strictly upwards through a finite set of fixed events; the bound only guards
  // against an ordering bug turning that into a loop.
  const maxSteps = affected.reduce((n, a) => n + (a.ranges ?? []).reduce((m, r) => m + (r.events?.length ?? 0), 0), 1);
  for (let step = 0; step <= maxSteps; step++) {
    let next: string | undefined;
    let covered = false;
    for (const entry of affected) {
      for (const range of entry.ranges ?? []) {
        const at = locate(range, current, ecosystem);
        if (!at?.contains) continue;
        covered = true;
        if (at.end?.kind !== 'fixed') return undefined; // ends in last_affected, or runs on: no known fix
        if (next === undefined || compareCandidates(at.end.version, next, eco) > 0) next = at.end.version;
      }
    }
    // Not in any range: unaffected to begin with, or affected only through versions[], which
    // says nothing about which later version is fixed.
    if (!covered || next === undefined) return undefined;
    if (!affected.some((entry) => isAffected(entry, next, ecosystem))) return next;
    current = next;
  }
  return undefined;
}

/**
 * Orders fix candidates that may come from SEMVER and ECOSYSTEM ranges alike: by the ecosystem's
 * ordering where it reads both, else by SemVer, else as text, so the comparison never throws.
 */
function compareCandidates(a: string, b: string, eco: VersionOrdering): number {
  if (eco.parseable(a) && eco.parseable(b)) return eco.compare(a, b);
  if (npmOrdering.parseable(a) && npmOrdering.parseable(b)) return npmOrdering.compare(a, b);
  return a < b ? -1 : a > b ? 1 : 0;
}
