/**
 * Maven's order: the algorithm of Maven's `ComparableVersion`, written from its documented rules
 * (the POM reference's "Version Order Specification" and the class's Javadoc).
 *
 * A version is split into items at `.`, at `-` and at every digit/letter transition. A `-` or a
 * transition opens a nested list, so `1-1` is `[1, [1]]` and `1.0alpha1` is `[1, 0, [alpha, [1]]]`.
 * Each list then drops its trailing "null" items (`0`, the release qualifier, empty lists), which
 * makes `1 == 1.0 == 1.0.0 == 1-ga == 1.final`. Items compare pairwise, the shorter side padded
 * with nulls; between kinds, a number beats a list, which beats a qualifier — the specification's
 * `.qualifier < -qualifier < -number < .number`, so `1-1 < 1.1` and `1.0-RC3 < 1.0.1`.
 *
 * This is the order the POM reference specifies and Maven 3.0–3.8 implement, which OSV's own
 * tooling follows. Maven 3.9 reworked a few corners (it reads `.X` like `-X` for a qualifier X, so
 * there `1.0.RC2 < 1.0-RC3`, where the specification has `1.0.RC2 > 1.0-RC3`); advisories are not
 * written at those corners. Like Maven's, this order is not transitive when a qualifier above the
 * release follows a dot (`1.sp < 1-alpha < 1` yet `1.sp > 1`).
 */
import { sign, VersionParseError } from './ordering.js';
import type { VersionOrdering } from './ordering.js';

type Item =
  | { readonly kind: 'int'; readonly value: bigint }
  | { readonly kind: 'qualifier'; readonly value: string }
  | { readonly kind: 'list'; readonly items: Item[] };

/** Known qualifiers in ascending order; the empty string is the release itself. */
const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'] as const;
const RELEASE_INDEX = QUALIFIERS.indexOf('');
/** Spellings that mean a known qualifier. */
const ALIASES: Readonly<Record<string, string>> = { ga: '', final: '', release: '', cr: 'rc' };
/** One-letter abbreviations, recognised only right before a number (`1.0a1`, but not `1.0-a`). */
const SHORT: Readonly<Record<string, string>> = { a: 'alpha', b: 'beta', m: 'milestone' };

function qualifier(text: string, followedByDigit: boolean): Item {
  const short = followedByDigit ? SHORT[text] : undefined;
  const value = short ?? text;
  return { kind: 'qualifier', value: ALIASES[value] ?? value };
}

/**
 * A qualifier's sort key: the known ones by their rank (`"0"`…`"6"`), unknown ones after all of
 * them (`"7-<text>"`), so unknown qualifiers sort lexically among themselves and above `sp`.
 */
function qualifierKey(value: string): string {
  const i = (QUALIFIERS as readonly string[]).indexOf(value);
  return i === -1 ? `${QUALIFIERS.length}-${value}` : String(i);
}
const RELEASE_KEY = String(RELEASE_INDEX);

function token(text: string, isDigit: boolean): Item {
  return isDigit ? { kind: 'int', value: BigInt(text) } : qualifier(text, false);
}

function isNull(item: Item): boolean {
  switch (item.kind) {
    case 'int':
      return item.value === 0n;
    case 'qualifier':
      return qualifierKey(item.value) === RELEASE_KEY;
    case 'list':
      return item.items.length === 0;
  }
}

/** Drops trailing null items, looking through (non-empty) nested lists as Maven does: `1.0-alpha` is `[1, [alpha]]`. */
function normalize(list: Item[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const item = list[i]!;
    if (isNull(item)) list.splice(i, 1);
    else if (item.kind !== 'list') break;
  }
}

/** Parses a version into its item tree (case-insensitive, like Maven). */
function parseMavenVersion(version: string): Item[] {
  const v = version.toLowerCase();
  const root: Item[] = [];
  const lists: Item[][] = [root];
  let list = root;
  let isDigit = false;
  let start = 0;
  const open = (): void => {
    const sub: Item[] = [];
    list.push({ kind: 'list', items: sub });
    lists.push(sub);
    list = sub;
  };
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === '.' || c === '-') {
      // An empty item (`1..2`, `1-.1`, a leading `-`) counts as 0.
      list.push(i === start ? { kind: 'int', value: 0n } : token(v.slice(start, i), isDigit));
      start = i + 1;
      if (c === '-') open();
    } else if (c >= '0' && c <= '9') {
      if (!isDigit && i > start) {
        list.push(qualifier(v.slice(start, i), true));
        start = i;
        open();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.push(token(v.slice(start, i), true));
        start = i;
        open();
      }
      isDigit = false;
    }
  }
  if (v.length > start) list.push(token(v.slice(start), isDigit));
  // Innermost lists first, so an emptied sub-list is itself trimmed from its parent.
  for (let i = lists.length - 1; i >= 0; i--) normalize(lists[i]!);
  return root;
}

/** Compares an item with a missing one (the padding of a shorter list). */
function compareWithNull(a: Item): number {
  switch (a.kind) {
    case 'int':
      return a.value === 0n ? 0 : 1;
    case 'qualifier':
      return compareStrings(qualifierKey(a.value), RELEASE_KEY);
    case 'list':
      return a.items.length === 0 ? 0 : compareWithNull(a.items[0]!);
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareItems(a: Item | undefined, b: Item | undefined): number {
  if (a === undefined) return b === undefined ? 0 : -compareWithNull(b);
  if (b === undefined) return compareWithNull(a);
  switch (a.kind) {
    case 'int':
      if (b.kind === 'int') return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
      return 1; // 1.1 > 1-1 and 1.1 > 1.sp: a number outranks a list or a qualifier
    case 'qualifier':
      if (b.kind === 'qualifier') return compareStrings(qualifierKey(a.value), qualifierKey(b.value));
      return -1; // 1.sp < 1.1 and 1.sp < 1-1
    case 'list':
      if (b.kind === 'list') return compareLists(a.items, b.items);
      return b.kind === 'int' ? -1 : 1;
  }
}

function compareLists(a: readonly Item[], b: readonly Item[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const r = compareItems(a[i], b[i]);
    if (r !== 0) return r;
  }
  return 0;
}

// ComparableVersion reads any string; these are what a version can never be: empty, spaces, or
// a version-range's brackets and commas (`[1.0,2.0)`), which mean a range was passed by mistake.
const VALID = /^[0-9A-Za-z][^\s[\](),]*$/;

/** Maven's ComparableVersion order (qualifiers `alpha < beta < milestone < rc < snapshot < release < sp < others`). */
export const mavenOrdering: VersionOrdering = {
  name: 'Maven',
  expected: 'dot- or hyphen-separated numbers and qualifiers, like 1.2.3, 2.0-RC1 or 1.0.0-SNAPSHOT',
  parseable(version: string): boolean {
    return VALID.test(version);
  },
  compare(a: string, b: string): number {
    for (const v of [a, b]) if (!VALID.test(v)) throw new VersionParseError(mavenOrdering, v);
    return sign(compareLists(parseMavenVersion(a), parseMavenVersion(b)));
  },
};
