import { join } from 'node:path';
import { VigilError } from '../../../src/errors.js';
import { readTextInput } from '../../../src/util/read-input.js';
import type { Sbom } from '../model.js';
import { YARN_LOCKFILE } from './lockfile-names.js';
import { conflictMarkerLine } from './lockfile-lines.js';
import { readManifest } from './manifest.js';
import { readBerryLock } from './yarn-berry.js';
import { readClassicLock } from './yarn-classic.js';

export { YARN_LOCKFILE } from './lockfile-names.js';

/** Options for reading a yarn lockfile. */
export interface YarnOptions {
  signal?: AbortSignal;
  maxBytes: number;
}

/**
 * yarn.lock as an Sbom: yarn 1 ("classic") or yarn 2+ ("berry", recognised by its `__metadata`
 * entry). The lockfile has no root, so the project's own dependencies come from package.json
 * beside it; a package is dev when only devDependencies lead to it.
 */
export async function readYarnLock(folder: string, opts: YarnOptions): Promise<Sbom> {
  const file = join(folder, YARN_LOCKFILE);
  const text = await readTextInput(file, opts.maxBytes);
  const conflict = conflictMarkerLine(text);
  if (conflict !== undefined) {
    // yarn 1 would quietly merge both sides; vigil should not audit a guess
    throw new VigilError('VIGIL_ERR_LOCKFILE_INVALID', 'has unresolved merge-conflict markers; resolve them (running yarn install does) and try again', {
      file,
      line: conflict,
    });
  }
  const manifest = await readManifest(folder, opts.maxBytes);
  const graph = isBerryLock(text)
    ? await readBerryLock(text, { file, folder, manifest })
    : readClassicLock(text, { file, folder, manifest });
  if (opts.signal?.aborted) throw opts.signal.reason;
  // The CycloneDX library is loaded only when a lockfile needs an SBOM written: it is heavy to load.
  const { graphToCycloneDx } = await import('./cyclonedx-writer.js');
  return { source: file, graph, cyclonedx: graphToCycloneDx(graph) };
}

/** yarn 2+ lockfiles are YAML with a `__metadata` entry; yarn 1's never have one. */
export function isBerryLock(text: string): boolean {
  return /^"?__metadata"?:/m.test(text);
}
