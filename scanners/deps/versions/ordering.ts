/** What every ecosystem's version ordering offers, and the error it throws on a version it cannot read. */

/** One ecosystem's total order on version strings. */
export interface VersionOrdering {
  /** A short name for messages: `npm (SemVer 2.0)`, `PyPI (PEP 440)`. */
  readonly name: string;
  /** What a valid version looks like, for error messages. */
  readonly expected: string;
  /** True when `compare` can place `version`. */
  parseable(version: string): boolean;
  /** Negative, zero or positive as `a` sorts before, with or after `b`; throws VersionParseError on either unparseable. */
  compare(a: string, b: string): number;
}

/** A version string an ordering cannot place. */
export class VersionParseError extends Error {
  readonly version: string;
  readonly ordering: string;

  constructor(ordering: VersionOrdering, version: string) {
    super(`"${version}" is not a valid ${ordering.name} version: expected ${ordering.expected}`);
    this.name = 'VersionParseError';
    this.version = version;
    this.ordering = ordering.name;
  }
}

/** `compare`'s result reduced to -1, 0 or 1, so callers can test with `===`. */
export function sign(n: number): -1 | 0 | 1 {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}
