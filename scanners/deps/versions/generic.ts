/**
 * An APPROXIMATE natural order for ecosystems vigil has no exact ordering for (RubyGems, crates.io,
 * NuGet, Packagist, Debian, Alpine, Hex, Pub…). It agrees with those ecosystems on the common cases —
 * numeric release parts compared numerically (`1.10 > 1.9`, `1.0 == 1.0.0`), a textual suffix marking
 * a pre-release (`1.0-rc1 < 1.0`, `1.0.0.pre < 1.0.0`), a numeric suffix a later build
 * (`1.0-1 > 1.0`, `1.0-1ubuntu1 > 1.0-1`), Debian's `~` below and `+` above the plain version,
 * a Debian `N:` epoch — but not on every corner. Not modelled: SemVer's "numeric pre-release
 * identifiers sort below alphanumeric ones" and "build metadata is ignored", dpkg's "a letter sorts
 * after the end" (`1.0a > 1.0`), Alpine's `-rN` being a revision rather than a pre-release.
 *
 * A version is read as `[epoch:]release[rest]`: `release` is the leading run of dot-separated
 * numbers, compared as a vector padded with zeros; `rest` is split into tokens at separators and at
 * digit/letter transitions, each ranked by kind and the separator before it, and compared in turn.
 */
import { sign, VersionParseError } from './ordering.js';
import type { VersionOrdering } from './ordering.js';

/** A token's rank against the others at the same position; End is "this version has no more tokens". */
const Rank = {
  Tilde: 0, // Debian: `1.0~rc1` sorts before `1.0` and before anything after it
  PreRelease: 1, // text: `1.0-rc1`, `1.0.0.beta`, `1.0a`
  End: 2,
  PostText: 3, // text after `+`: `1.0+dfsg`, `1.0+deb11u1`
  Number: 4, // a number: `1.0-1`, `1.0.1`
} as const;
type Rank = (typeof Rank)[keyof typeof Rank];

interface Token {
  rank: Rank;
  /** Within a rank, text sorts below numbers (only mixed under Tilde). */
  num?: bigint;
  text?: string;
}

interface Parsed {
  epoch: bigint;
  release: bigint[];
  rest: Token[];
}

const VALID = /^[0-9A-Za-z][0-9A-Za-z.\-_+~:]*$/;
const SEPARATORS = '.-_+~:';

function parse(version: string): Parsed | undefined {
  if (!VALID.test(version) || !/\d/.test(version)) return undefined;
  let body = version;
  let epoch = 0n;
  const e = /^(\d+):(.+)$/.exec(body);
  if (e) {
    epoch = BigInt(e[1]!);
    body = e[2]!;
  }
  // `v1.2.3` is common in tags-as-versions (GitHub Actions, SwiftURL) and means 1.2.3.
  if (/^[vV]\d/.test(body)) body = body.slice(1);

  // Split into (separator, text) pieces at separators and digit/letter transitions.
  const pieces: { sep: string; text: string }[] = [];
  let sep = '';
  let cur = '';
  const flush = (): void => {
    if (cur !== '') pieces.push({ sep, text: cur });
    cur = '';
  };
  for (const c of body) {
    if (SEPARATORS.includes(c)) {
      const afterToken = cur !== '';
      flush();
      // In a run of separators (`1.0~-1`) a `~` or `+` keeps its meaning for the next token.
      sep = afterToken || (sep !== '~' && sep !== '+') ? c : sep;
      continue;
    }
    if (cur !== '' && isDigit(cur[cur.length - 1]!) !== isDigit(c)) {
      flush();
      sep = '';
    }
    cur += c;
  }
  flush();

  const release: bigint[] = [];
  let i = 0;
  for (; i < pieces.length; i++) {
    const p = pieces[i]!;
    if (!isDigit(p.text[0]!) || (i > 0 && p.sep !== '.')) break;
    release.push(BigInt(p.text));
  }
  const rest = pieces.slice(i).map(({ sep: s, text }, j, all): Token => {
    const numeric = isDigit(text[0]!);
    if (s === '~') return numeric ? { rank: Rank.Tilde, num: BigInt(text) } : { rank: Rank.Tilde, text: text.toLowerCase() };
    if (numeric) return { rank: Rank.Number, num: BigInt(text) };
    // A word glued to a build number extends that build (Debian's `1.0-1ubuntu1 > 1.0-1`), while
    // one after a separator or glued to the release (`1.0-rc1`, `1.0.beta`, `1.0a`) precedes it.
    const extendsBuild = s === '' && j > 0 && isDigit(all[j - 1]!.text[0]!);
    return { rank: s === '+' || extendsBuild ? Rank.PostText : Rank.PreRelease, text: text.toLowerCase() };
  });
  return { epoch, release, rest };
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function cmpBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const END: Token = { rank: Rank.End };

function compareTokens(a: Token, b: Token): number {
  if (a.rank !== b.rank) return a.rank - b.rank;
  if (a.num !== undefined && b.num !== undefined) return cmpBig(a.num, b.num);
  if (a.text !== undefined && b.text !== undefined) return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
  if (a.num !== undefined) return b.text !== undefined ? 1 : 0;
  if (b.num !== undefined) return a.text !== undefined ? -1 : 0;
  return 0;
}

function compareParsed(a: Parsed, b: Parsed): number {
  if (a.epoch !== b.epoch) return cmpBig(a.epoch, b.epoch);
  for (let i = 0; i < Math.max(a.release.length, b.release.length); i++) {
    const r = cmpBig(a.release[i] ?? 0n, b.release[i] ?? 0n);
    if (r !== 0) return r;
  }
  for (let i = 0; i < Math.max(a.rest.length, b.rest.length); i++) {
    const r = compareTokens(a.rest[i] ?? END, b.rest[i] ?? END);
    if (r !== 0) return r;
  }
  return 0;
}

/** The approximate natural order used for ecosystems without an exact one (see this file's header). */
export const genericOrdering: VersionOrdering = {
  name: 'generic',
  expected: 'numbers and words separated by . - _ + ~ (optionally N: first), containing at least one digit, like 1.2.3 or 2:1.0-3',
  parseable(version: string): boolean {
    return parse(version) !== undefined;
  },
  compare(a: string, b: string): number {
    const pa = parse(a);
    if (pa === undefined) throw new VersionParseError(genericOrdering, a);
    const pb = parse(b);
    if (pb === undefined) throw new VersionParseError(genericOrdering, b);
    return sign(compareParsed(pa, pb));
  },
};
