import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** Folders that hold dependencies, history or build output, never a project's own reports. */
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'dist', '.vigil']);

/** True for the names SARIF files go by: `*.sarif` and `*.sarif.json`. */
export function isSarifFileName(name: string): boolean {
  const n = name.toLowerCase();
  return n.endsWith('.sarif') || n.endsWith('.sarif.json');
}

/**
 * Every SARIF file under `root`, as sorted `/`-separated paths relative to it. Symbolic links
 * are not followed, so discovery never leaves the folder.
 */
export async function findSarifFiles(root: string, signal?: AbortSignal): Promise<string[]> {
  const found: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    if (signal?.aborted) throw signal.reason;
    const entries = await readdir(path.join(root, rel), { withFileTypes: true });
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name)) await walk(child);
      } else if (e.isFile() && isSarifFileName(e.name)) {
        found.push(child);
      }
    }
  };
  await walk('');
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
