import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { VigilError } from '../../../src/errors.js';
import { maxInputBytes, readTextInput } from '../../../src/util/read-input.js';
import type { Sbom } from '../model.js';
import { parseCycloneDx } from './cyclonedx.js';
import { isFile } from './manifest.js';
import { NPM_LOCKFILES, PNPM_LOCKFILE, YARN_LOCKFILE } from './lockfile-names.js';
import { readNpmLockfile } from './npm.js';

/** What loadSbom takes besides the target. */
export interface LoadSbomOptions {
  signal?: AbortSignal;
  /** Ceiling for each file read; defaults to VIGIL_MAX_INPUT_BYTES or 512 MiB. */
  maxBytes?: number;
}

/** Lockfiles in the order a folder is searched: npm's (shrinkwrap first, as npm does), then pnpm's, then yarn's. */
export const LOCKFILES = [...NPM_LOCKFILES, PNPM_LOCKFILE, YARN_LOCKFILE] as const;

/** SBOM file names looked for in a folder with no lockfile. */
const SBOM_NAMES = ['bom.json', 'sbom.json'] as const;

/**
 * The Sbom of a target: a CycloneDX JSON file, a lockfile, or a folder holding a lockfile (or,
 * failing that, `bom.json`, `sbom.json` or `*.cdx.json`). Bad input throws a VigilError naming
 * the file and, where there is one, the line.
 */
export async function loadSbom(target: string, opts: LoadSbomOptions = {}): Promise<Sbom> {
  const { signal } = opts;
  const maxBytes = opts.maxBytes ?? maxInputBytes();
  if (signal?.aborted) throw signal.reason;
  let isDir: boolean;
  try {
    isDir = (await stat(target)).isDirectory();
  } catch {
    throw new VigilError('VIGIL_ERR_INPUT_NOT_FOUND', 'no such file or folder', { file: target });
  }
  if (!isDir) {
    const name = basename(target);
    if ((LOCKFILES as readonly string[]).includes(name)) return readLockfile(dirname(target), name, { signal, maxBytes });
    return readSbomFile(target, maxBytes);
  }
  for (const name of LOCKFILES) {
    if (await isFile(join(target, name))) return readLockfile(target, name, { signal, maxBytes });
  }
  const sbomFile = await findSbomFile(target);
  if (sbomFile) return readSbomFile(sbomFile, maxBytes);
  throw new VigilError('VIGIL_ERR_INPUT_NOT_FOUND', `no lockfile or SBOM in ${target}: looked for ${[...LOCKFILES, ...SBOM_NAMES, '*.cdx.json'].join(', ')}`, {
    file: target,
  });
}

/** The pnpm and yarn readers (and their parsers) are loaded only for their own lockfiles. */
async function readLockfile(folder: string, name: string, opts: { signal?: AbortSignal; maxBytes: number }): Promise<Sbom> {
  if (name === PNPM_LOCKFILE) return (await import('./pnpm.js')).readPnpmLock(folder, opts);
  if (name === YARN_LOCKFILE) return (await import('./yarn.js')).readYarnLock(folder, opts);
  return readNpmLockfile(folder, name, opts);
}

async function readSbomFile(file: string, maxBytes: number): Promise<Sbom> {
  const text = await readTextInput(file, maxBytes);
  return parseCycloneDx(text, file);
}

async function findSbomFile(folder: string): Promise<string | undefined> {
  for (const name of SBOM_NAMES) if (await isFile(join(folder, name))) return join(folder, name);
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return undefined;
  }
  const cdx = names.filter((n) => n.endsWith('.cdx.json')).sort()[0];
  return cdx ? join(folder, cdx) : undefined;
}
