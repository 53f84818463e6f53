/**
 * A small glob matcher for suppression `paths`. node:path's matchesGlob is still experimental
 * on Node 20/22, and suppression files must mean the same thing on every supported runtime.
 *
 * Supported: `**` (any number of path segments, including none), `*` (any characters except `/`),
 * `?` (one character except `/`). Everything else is literal. A pattern is anchored at both
 * ends and matched against the whole relative path; a trailing `/` means "everything below".
 */
export function globToRegExp(glob: string): RegExp {
  let g = glob.trim().replace(/\\/g, '/');
  while (g.startsWith('./')) g = g.slice(2);
  if (g.endsWith('/')) g += '**';
  let re = '';
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
            if (re.endsWith('/')) re = `${re.slice(0, -1)}(?:/.*)?`;
            else re += '.*';
            i += 2;
          } else {
            // `**/` matches zero or more whole segments
            re += '(?:[^/]*(?:/[^/]*)*/)?';
            i += 3;
          }
          continue;
        }
        // `a**b` inside a segment is just two stars
        re += '[^/]*';
        i += 2;
        continue;
      }
      re += '[^/]*';
    } else if (c === '?') {
      re += '[^/]';
    } else {
      re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    i++;
  }
  return new RegExp(`^${re}$`);
}

/** True when `path` (already normalised: forward slashes, no `./`) matches `glob`. */
export function matchesGlob(path: string, glob: string): boolean {
  return globToRegExp(glob).test(path);
}
