/**
 * A small glob matcher for suppression `paths`. node:path's matchesGlob is still experimental
 * on Node 20/22, and suppression files must mean the same thing on every supported runtime.
 *
 * Supported: `**` (any number of path segments, including none), `*` (any characters except `/`),
 * `?` (one character except `/`). Everything else is literal. A pattern is anchored at both
 * ends and matched against the whole relative path; a trailing `/` means "everything below".
 *
 * The path comes from a finding (an imported SARIF file names any path it likes), so a glob is
 * not turned into a backtracking regex: with two globstars around a `test/` that regex is
 * quadratic in the number of segments, and `*a*a*a*b` of degree four in a segment's length.
 * The glob runs as an automaton over the path instead, each character once against every part.
 */
import { isLineTerminator } from '../util/line-terminators.js';

/** One part of a compiled glob; each comment is the regex it stood for. */
type Part =
  | { kind: 'char'; char: string }
  /** `[^/]` */
  | { kind: 'one' }
  /** `[^/]` repeated: any run without `/` */
  | { kind: 'star' }
  /** `**` then `/` (regex `(?:[^/]*(?:/[^/]*)*\/)?`): nothing, or anything that ends with `/`. */
  | { kind: 'dirs' }
  /** `.*` to the end: anything without a line break. */
  | { kind: 'rest' }
  /** `(?:/.*)?` to the end: nothing, or `/` and anything without a line break. */
  | { kind: 'below' };

/** A compiled glob: true when the whole path matches. */
export type GlobMatcher = (path: string) => boolean;

/** Compile a glob (see the module comment for the syntax). */
export function compileGlob(glob: string): GlobMatcher {
  const parts = globParts(glob);
  return (path) => run(parts, path);
}

/** True when `path` (already normalised: forward slashes, no `./`) matches `glob`. */
export function matchesGlob(path: string, glob: string): boolean {
  return compileGlob(glob)(path);
}

function globParts(glob: string): Part[] {
  let g = glob.trim().replace(/\\/g, '/');
  while (g.startsWith('./')) g = g.slice(2);
  if (g.endsWith('/')) g += '**';
  const parts: Part[] = [];
  let i = 0;
  while (i < g.length) {
    const c = g[i]!;
    if (c === '*') {
      if (g[i + 1] === '*') {
        const atStart = i === 0 || g[i - 1] === '/';
        const atEnd = i + 2 === g.length || g[i + 2] === '/';
        if (atStart && atEnd) {
          if (i + 2 === g.length) {
            // `dir/**` also matches `dir` itself, as in gitignore and minimatch
            const last = parts[parts.length - 1];
            if (last?.kind === 'char' && last.char === '/') parts[parts.length - 1] = { kind: 'below' };
            else parts.push({ kind: 'rest' });
            i += 2;
          } else {
            // `**/` matches zero or more whole segments
            parts.push({ kind: 'dirs' });
            i += 3;
          }
          continue;
        }
        // `a**b` inside a segment is just two stars
        parts.push({ kind: 'star' });
        i += 2;
        continue;
      }
      parts.push({ kind: 'star' });
    } else if (c === '?') {
      parts.push({ kind: 'one' });
    } else {
      parts.push({ kind: 'char', char: c });
    }
    i++;
  }
  return parts;
}

const CHAR = 0;
const ONE = 1;
const STAR = 2;
const DIRS = 3;
const REST = 4;
const BELOW = 5;
const KINDS: Record<Part['kind'], number> = { char: CHAR, one: ONE, star: STAR, dirs: DIRS, rest: REST, below: BELOW };
const SLASH = 0x2f;

/**
 * The automaton, as a list of live states: `2k` when the first k parts can have matched what was
 * read, `2k + 1` when part k (`dirs` or `below`) is part way through the path. Each character
 * moves every live state once, so a path costs its length times the states alive at once (a few).
 */
function run(parts: Part[], path: string): boolean {
  const n = parts.length;
  const kind = Uint8Array.from(parts, (p) => KINDS[p.kind]);
  const char = Uint16Array.from(parts, (p) => (p.kind === 'char' ? p.char.charCodeAt(0) : 0));
  // the step at which each state was last listed, so a state is listed once per step
  const stamp = new Int32Array(2 * n + 2).fill(-1);
  let live = new Int32Array(2 * n + 2);
  let next = new Int32Array(2 * n + 2);
  let liveCount = 0;
  let nextCount = 0;
  let step = 0;
  /** List `state` in `next` with what it reaches without reading: past a star, `dirs`, `rest` or `below`; into `dirs`; out of `below`. */
  const add = (state: number): void => {
    for (;;) {
      if (stamp[state] === step) return;
      stamp[state] = step;
      next[nextCount++] = state;
      const k = state >> 1;
      if (k >= n) return;
      const kd = kind[k]!;
      if ((state & 1) === 0) {
        if (kd === DIRS && stamp[state + 1] !== step) {
          stamp[state + 1] = step;
          next[nextCount++] = state + 1;
        }
        if (kd === CHAR || kd === ONE) return;
      } else if (kd !== BELOW) {
        return;
      }
      state = 2 * (k + 1);
    }
  };
  add(0);
  [live, next] = [next, live];
  liveCount = nextCount;
  // by UTF-16 unit, as a regex without the u flag reads (`?` is one unit)
  for (let i = 0; i < path.length && liveCount > 0; i++) {
    const ch = path.charCodeAt(i);
    step = i + 1;
    nextCount = 0;
    for (let j = 0; j < liveCount; j++) {
      const state = live[j]!;
      const k = state >> 1;
      if (k >= n) continue;
      const kd = kind[k]!;
      if ((state & 1) === 0) {
        if (kd === CHAR ? ch === char[k] : kd === ONE && ch !== SLASH) add(state + 2);
        else if ((kd === STAR && ch !== SLASH) || (kd === REST && !isLineTerminator(ch))) add(state);
        else if (kd === BELOW && ch === SLASH) add(state + 1);
      } else if (kd === DIRS) {
        add(state);
        if (ch === SLASH) add(state + 1);
      } else if (kd === BELOW && !isLineTerminator(ch)) {
        add(state);
      }
    }
    [live, next] = [next, live];
    liveCount = nextCount;
  }
  for (let j = 0; j < liveCount; j++) if (live[j] === 2 * n) return true;
  return false;
}
