import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { isInside } from './sarif-paths.js';

/** Source files larger than this are not read for snippets. */
export const MAX_SOURCE_BYTES = 5 * 1024 * 1024;

/**
 * A `readSource` for `sarifToFindings` confined to `root`: paths that resolve outside it (through
 * `..`, an absolute path or a symbolic link) are never read. Results are cached per path, misses too.
 */
export function createSourceReader(root: string): (p: string) => string[] | undefined {
  const base = path.resolve(root);
  const cache = new Map<string, string[] | undefined>();
  return (p) => {
    const abs = path.resolve(base, p);
    if (!cache.has(abs)) cache.set(abs, isInside(base, abs) ? readLines(base, abs) : undefined);
    return cache.get(abs);
  };
}

function readLines(base: string, abs: string): string[] | undefined {
  try {
    const real = realpathSync(abs);
    // a symbolic link inside the folder may still point outside it
    if (!isInside(realpathSync(base), real)) return undefined;
    const st = statSync(real);
    if (!st.isFile() || st.size > MAX_SOURCE_BYTES) return undefined;
    const buf = readFileSync(real);
    if (buf.includes(0)) return undefined; // binary: no lines to quote
    const text = buf.toString('utf8');
    return (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r\n|\r|\n/);
  } catch {
    return undefined; // missing or unreadable: the finding simply has no snippet
  }
}
