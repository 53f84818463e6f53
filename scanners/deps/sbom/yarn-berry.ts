import { posix } from 'node:path';
import { parseSyml } from '@yarnpkg/parsers';
import { VigilError } from '../../../src/errors.js';
import { cutFromLastLine } from '../../../src/util/line-terminators.js';
import type { DependencyGraph } from '../model.js';
import { LockGraph, type LockPackage } from './graph.js';
import { entryKeyLines } from './lockfile-lines.js';
import { localPackageInfo, projectName, type LocalPackage } from './manifest.js';
import { isGitSpec, splitDescriptor } from './npm-spec.js';
import { npmPurl } from './purl.js';
import type { YarnSource } from './yarn-classic.js';

type Json = Record<string, unknown>;

interface Entry {
  key: string;
  resolution: string;
  body: Json;
}

/**
 * yarn 2+ lockfile text into a graph. Entries are keyed by their descriptors and name their
 * `resolution` (a locator): `npm:` is the registry; `patch:` wraps another locator and keeps
 * its version, so a patched npm package still counts as that registry version (advisories about
 * it still apply, and the patch may or may not fix them); git, `file:`, `link:`, `portal:`,
 * `workspace:` and URL tarballs are not the registry.
 */
export async function readBerryLock(text: string, src: YarnSource): Promise<DependencyGraph> {
  const { file } = src;
  let data: unknown;
  try {
    data = parseSyml(text);
  } catch (e) {
    throw syntaxError(e, file);
  }
  let keyLines: Map<string, number> | undefined;
  const fail = (key: string, problem: string) => {
    keyLines ??= entryKeyLines(text);
    const line = keyLines.get(key) ?? keyLines.get(key.split(/,\s*/)[0]!);
    return new VigilError('VIGIL_ERR_LOCKFILE_INVALID', `${key}: ${problem}`, line === undefined ? { file } : { file, line });
  };
  if (!isObject(data) || !isObject(data['__metadata'])) throw new VigilError('VIGIL_ERR_LOCKFILE_INVALID', 'no __metadata entry: not a yarn 2+ lockfile', { file, line: 1 });

  const entries: Entry[] = [];
  const byDescriptor = new Map<string, Entry>();
  // descriptors carry `::locator=…` when they are relative to a workspace; dependencies list them bare
  const byBareDescriptor = new Map<string, Entry>();
  const byLocator = new Map<string, Entry>();
  for (const [key, body] of Object.entries(data)) {
    if (key === '__metadata') continue;
    if (!isObject(body)) throw fail(key, 'expected an entry with `version` and `resolution`');
    const resolution = body['resolution'];
    if (typeof resolution !== 'string' || !splitDescriptor(resolution)) throw fail(key, 'the entry has no `resolution` locator');
    if (typeof body['version'] !== 'string') throw fail(key, 'the entry has no version');
    const entry: Entry = { key, resolution, body };
    entries.push(entry);
    byLocator.set(resolution, entry);
    for (const d of key.split(/,\s*/)) {
      byDescriptor.set(d, entry);
      // d.replace(/::.*$/, ''), without rescanning to a line break from every `::` before it
      const bare = cutFromLastLine(d, ['::']);
      if (!byBareDescriptor.has(bare)) byBareDescriptor.set(bare, entry);
    }
  }
  const find = (from: Entry, name: string, range: string): Entry | undefined => {
    const d = `${name}@${range}`;
    return byDescriptor.get(d) ?? byDescriptor.get(`${d}::locator=${encodeURIComponent(from.resolution)}`) ?? byBareDescriptor.get(d);
  };

  const workspaces = new Map<Entry, string>();
  for (const e of entries) {
    const ref = splitDescriptor(e.resolution)!.range;
    if (ref.startsWith('workspace:')) workspaces.set(e, posix.normalize(ref.slice('workspace:'.length) || '.'));
  }
  const rootEntry = [...workspaces].find(([, path]) => path === '.')?.[0];
  const rootName = rootEntry ? splitDescriptor(rootEntry.resolution)!.name : projectName(src.folder, src.manifest);
  const root: LockPackage = { key: rootEntry?.resolution ?? `${rootName}@workspace:.`, name: rootName, version: src.manifest?.version ?? '', registry: false };
  const graph = new LockGraph(root);

  const dropIfUnreached = new Set<string>();
  for (const e of entries) {
    if (e === rootEntry) continue;
    const pkg = await toPackage(e, workspaces.get(e), src.folder);
    graph.add(pkg);
    const source = patchSource(e.resolution);
    // a patch and its original both sit in the lockfile and only one is installed: the one a
    // dependency leads to (a user's patch: the patch; yarn's built-in compat patches for resolve,
    // typescript and fsevents: the original, which yarn patches as it installs)
    if (source && byLocator.has(source)) {
      dropIfUnreached.add(source);
      dropIfUnreached.add(e.resolution);
    }
  }

  for (const e of entries) {
    const from = e === rootEntry ? root.key : e.resolution;
    const wsPath = workspaces.get(e);
    const devOnly = wsPath === undefined ? new Set<string>() : devOnlyNames(wsPath === '.' ? src.manifest : await localPackageInfo(src.folder, wsPath));
    const deps = e.body['dependencies'];
    if (deps === undefined) continue;
    if (!isObject(deps)) throw fail(e.key, '"dependencies" should be a mapping of names to ranges');
    for (const [name, range] of Object.entries(deps)) {
      if (typeof range !== 'string') throw fail(e.key, `dependencies.${name} has no range`);
      const target = find(e, name, range);
      if (!target) throw fail(e.key, `depends on ${name}@${range}, which has no entry: the lockfile is incomplete — run yarn install`);
      graph.edge(from, target === rootEntry ? root.key : target.resolution, devOnly.has(name));
    }
  }
  return graph.build(dropIfUnreached);
}

async function toPackage(e: Entry, workspacePath: string | undefined, folder: string): Promise<LockPackage> {
  const { name, range } = splitDescriptor(e.resolution)!;
  let version = e.body['version'] as string;
  if (workspacePath !== undefined) {
    // yarn writes 0.0.0-use.local for every workspace; its package.json has the real version
    const info = await localPackageInfo(folder, workspacePath);
    if (info?.version) version = info.version;
  }
  const registry = berryFromRegistry(e.resolution);
  let qualifiers: Record<string, string> | undefined;
  if (!registry && /^https?:/i.test(range)) qualifiers = isGitSpec(range) || /#commit=/.test(range) ? { vcs_url: range } : { download_url: range };
  const pkg: LockPackage = { key: e.resolution, name, version, registry };
  const purl = npmPurl(name, version, qualifiers);
  if (purl) pkg.purl = purl;
  return pkg;
}

/** Whether a berry locator is an npm registry package, looking through `patch:` to what it patches. */
export function berryFromRegistry(locator: string): boolean {
  const d = splitDescriptor(locator);
  if (!d) return false;
  if (d.range.startsWith('npm:')) return true;
  const source = patchSource(locator);
  return source !== undefined && berryFromRegistry(source);
}

/** `ms@patch:ms@npm%3A2.1.3#./fix.patch::version=2.1.3&hash=…` → `ms@npm:2.1.3`. */
function patchSource(locator: string): string | undefined {
  const d = splitDescriptor(locator);
  if (!d || !d.range.startsWith('patch:')) return undefined;
  const inner = d.range.slice('patch:'.length).split('#')[0]!;
  try {
    return decodeURIComponent(inner);
  } catch {
    return undefined;
  }
}

/** Names a workspace lists only under devDependencies: yarn 2+ merges all kinds into one `dependencies`. */
function devOnlyNames(m: LocalPackage | undefined): Set<string> {
  if (!m) return new Set();
  return new Set(Object.keys(m.devDependencies).filter((n) => !(n in m.dependencies) && !(n in m.optionalDependencies)));
}

/** js-yaml (what parseSyml uses) reports a 0-based `mark.line`. */
function syntaxError(e: unknown, file: string): VigilError {
  const err = e as { message?: unknown; mark?: { line?: unknown; column?: unknown }; reason?: unknown };
  const line = typeof err.mark?.line === 'number' ? err.mark.line + 1 : undefined;
  const reason = typeof err.reason === 'string' ? err.reason : String(err.message ?? e).split('\n')[0];
  return new VigilError('VIGIL_ERR_LOCKFILE_INVALID', `not a valid yarn.lock: ${reason}`, line === undefined ? { file } : { file, line });
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
