/**
 * Finding error texts in response bodies without super-linear regexes. A body is up to 2 MiB of
 * the target's choosing, and a pattern such as `Warning.*\bmysql_` or `java\.[\w.]+Exception`
 * is linear from one start but is tried again from every start: on `Warning Warning …` or
 * `java.java.java…` each failing start rescans the rest of the line or run, which is quadratic.
 *
 * The finders here split such a regex into its start and its tail. The tail runs (sticky) only
 * from each start found, and when it fails the search resumes past every later start that is
 * bound to fail the same way, because it would only see a part of the same line or run. The
 * match is the one the whole regex gives: the leftmost, with the same text.
 */
import { lineEnd } from '../../src/util/line-terminators.js';

/** A match: where it starts and its text (a regex's `m.index` and `m[0]`). */
export interface TextMatch {
  index: number;
  text: string;
}

/** Finds the leftmost match in a text, or undefined. */
export type Finder = (text: string) => TextMatch | undefined;

/** A regex as a finder (its first match, as `exec` gives it); the regex must be linear. */
export function regexFinder(re: RegExp): Finder {
  if (re.global || re.sticky) throw new Error(`regexFinder takes a non-global regex, got ${re}`);
  return (text) => {
    const m = re.exec(text);
    return m ? { index: m.index, text: m[0] } : undefined;
  };
}

/**
 * The leftmost match among several finders, as alternatives of one regex: at the same index the
 * earlier finder wins (split a regex into finders only where that keeps its alternatives' order).
 */
export function leftmost(...finders: Finder[]): Finder {
  return (text) => {
    let best: TextMatch | undefined;
    for (const f of finders) {
      const m = f(text);
      if (m && (best === undefined || m.index < best.index)) best = m;
    }
    return best;
  };
}

/**
 * `start` (global; one way to match at any place) then `tail` (sticky) from where the start
 * ends. When the tail fails, the search resumes at `resume(text, from)`: every start before
 * that place must fail too.
 */
export function startThen(start: RegExp, tail: RegExp, resume: (text: string, from: number) => number): Finder {
  if (!start.global) throw new Error(`startThen takes a global start, got ${start}`);
  if (!tail.sticky) throw new Error(`startThen takes a sticky tail, got ${tail}`);
  return (text) => {
    const re = new RegExp(start.source, start.flags);
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const from = m.index + m[0].length;
      tail.lastIndex = from;
      const t = tail.exec(text);
      if (t) return { index: m.index, text: text.slice(m.index, from + t[0].length) };
      re.lastIndex = Math.max(resume(text, from), m.index + 1);
    }
    return undefined;
  };
}

/**
 * `start.*end`: the tail is the rest of the regex, made of alternatives that each begin with
 * `.*` or `.+` (`/.*\bmysql_/iy`). A later start on the same line sees a part of that line,
 * so when the tail fails the search goes on at the next line.
 */
export function sameLine(start: RegExp, tail: RegExp): Finder {
  return startThen(start, tail, (text, from) => lineEnd(text, from) + 1);
}

/**
 * `start[\w.]+…`: the tail begins with a run of `run` characters (`/[\w.]+(?:Exception|Error)\b/y`)
 * and can only end inside that run. A later start inside the run sees a part of it, so when the
 * tail fails the search goes on where the run ends.
 */
export function sameRun(start: RegExp, tail: RegExp, run: (code: number) => boolean): Finder {
  return startThen(start, tail, (text, from) => {
    let end = from;
    while (end < text.length && run(text.charCodeAt(end))) end++;
    return end;
  });
}

/** `\w` without the `u` flag. */
export function isWordCode(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}
