import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A file or folder shipped with vigil (`rules/…`, `compliance/…`), found by walking up from this
 * module: the same lookup works from the TypeScript sources (tests) and from `dist/` (the CLI).
 * Undefined when this install lacks it.
 */
export function shippedPath(...segments: string[]): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, ...segments);
    if (existsSync(path.join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}
