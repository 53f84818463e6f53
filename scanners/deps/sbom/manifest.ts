import { readFile, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { JsonLocator, parseJsonText } from '../../../src/util/json-source.js';
import { readTextInput } from '../../../src/util/read-input.js';

/** The parts of a package.json a lockfile reader needs. */
export interface Manifest {
  file: string;
  name?: string;
  version?: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
}

const DEP_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;

/** The folder's package.json, or undefined when it has none; a broken one is VIGIL_ERR_MANIFEST_INVALID with its line. */
export async function readManifest(folder: string, maxBytes: number): Promise<Manifest | undefined> {
  const file = join(folder, 'package.json');
  if (!(await isFile(file))) return undefined;
  const text = await readTextInput(file, maxBytes);
  const json = parseJsonText(text, file, 'VIGIL_ERR_MANIFEST_INVALID');
  const loc = new JsonLocator(text, file);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw loc.error('VIGIL_ERR_MANIFEST_INVALID', [], 'expected a JSON object');
  }
  const obj = json as Record<string, unknown>;
  const m: Manifest = { file, dependencies: {}, devDependencies: {}, optionalDependencies: {} };
  if (typeof obj['name'] === 'string') m.name = obj['name'];
  if (typeof obj['version'] === 'string') m.version = obj['version'];
  for (const field of DEP_FIELDS) {
    const deps = obj[field];
    if (deps === undefined) continue;
    if (typeof deps !== 'object' || deps === null || Array.isArray(deps)) {
      throw loc.error('VIGIL_ERR_MANIFEST_INVALID', [field], 'expected an object of package names to version ranges');
    }
    for (const [name, range] of Object.entries(deps as Record<string, unknown>)) {
      if (typeof range !== 'string') throw loc.error('VIGIL_ERR_MANIFEST_INVALID', [field, name], 'expected a version range string');
      m[field][name] = range;
    }
  }
  return m;
}

/** What a local package's package.json says, read leniently. */
export interface LocalPackage {
  name?: string;
  version?: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
}

/**
 * `<folder>/<rel>/package.json`, for a local package or workspace a lockfile names only by path.
 * Only inside the project folder, and only as a nicety: anything unreadable gives undefined.
 */
export async function localPackageInfo(folder: string, rel: string): Promise<LocalPackage | undefined> {
  const dir = resolve(folder, rel);
  const r = relative(resolve(folder), dir);
  if (r.startsWith('..') || isAbsolute(r)) return undefined;
  try {
    const file = join(dir, 'package.json');
    // a package.json is small; a huge one here is not worth reading for a version string
    if ((await stat(file)).size > 1024 * 1024) return undefined;
    const json: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (typeof json !== 'object' || json === null) return undefined;
    const o = json as Record<string, unknown>;
    const info: LocalPackage = { dependencies: {}, devDependencies: {}, optionalDependencies: {} };
    if (typeof o['name'] === 'string') info.name = o['name'];
    if (typeof o['version'] === 'string') info.version = o['version'];
    for (const field of DEP_FIELDS) {
      const deps = o[field];
      if (typeof deps !== 'object' || deps === null) continue;
      for (const [k, v] of Object.entries(deps)) if (typeof v === 'string') info[field][k] = v;
    }
    return info;
  } catch {
    return undefined;
  }
}

/** The name to give a project's root: its package.json name, else the folder's name. */
export function projectName(folder: string, manifest: { name?: string } | undefined): string {
  return manifest?.name ?? (basename(resolve(folder)) || 'project');
}

/** True for an existing regular file. */
export async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
