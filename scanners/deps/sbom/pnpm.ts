import { join, posix } from 'node:path';
import semver from 'semver';
import { readTextInput } from '../../../src/util/read-input.js';
import type { DependencyGraph, Sbom } from '../model.js';
import { PNPM_LOCKFILE } from './lockfile-names.js';
import { LockGraph, type LockPackage } from './graph.js';
import { localPackageInfo, projectName } from './manifest.js';
import { isGitSpec } from './npm-spec.js';
import { npmPurl } from './purl.js';
import { parseYamlText, type YamlText } from './yaml-text.js';

export { PNPM_LOCKFILE } from './lockfile-names.js';

/** Lockfile format majors vigil reads: 5 (pnpm 7), 6 (pnpm 8), 9 (pnpm 9 and 10). */
const SUPPORTED = [5, 6, 9] as const;
type Major = (typeof SUPPORTED)[number];

type Json = Record<string, unknown>;
type Path = (string | number)[];

/** Options for reading a pnpm lockfile. */
export interface PnpmOptions {
  signal?: AbortSignal;
  maxBytes: number;
}

/** A dependency field of an importer or package, and whether it makes a dev edge. */
const IMPORTER_FIELDS = [
  ['dependencies', false],
  ['optionalDependencies', false],
  ['devDependencies', true],
] as const;
const PACKAGE_FIELDS = ['dependencies', 'optionalDependencies'] as const;

/**
 * pnpm-lock.yaml as an Sbom. Every importer (the project at `.` and each workspace package) is
 * a starting point; their `link:` dependencies on one another become edges between them. A
 * package is dev when no path from the root reaches it without a devDependencies edge.
 */
export async function readPnpmLock(folder: string, opts: PnpmOptions): Promise<Sbom> {
  const file = join(folder, PNPM_LOCKFILE);
  const text = await readTextInput(file, opts.maxBytes);
  const graph = await pnpmLockToGraph(text, file, folder);
  if (opts.signal?.aborted) throw opts.signal.reason;
  // The CycloneDX library is loaded only when a lockfile needs an SBOM written: it is heavy to load.
  const { graphToCycloneDx } = await import('./cyclonedx-writer.js');
  return { source: file, graph, cyclonedx: graphToCycloneDx(graph) };
}

/** pnpm-lock.yaml text into a graph; `folder` is where local packages' package.json files are looked up. */
export function pnpmLockToGraph(text: string, file: string, folder: string): Promise<DependencyGraph> {
  const yaml = parseYamlText(text, file, 'VIGIL_ERR_LOCKFILE_INVALID', pickLockDocument);
  return new PnpmReader(folder, yaml).read();
}

/** With several YAML documents in the file, the lockfile is the one with importers or packages. */
function pickLockDocument(values: unknown[]): number {
  const i = values.findIndex((v) => isObject(v) && ('importers' in v || 'packages' in v) && 'lockfileVersion' in v);
  return i >= 0 ? i : values.length - 1;
}

interface Importer {
  path: string;
  deps: Json;
  yamlPath: Path;
}

/** A package node found while walking, before its version is settled. */
interface Found extends LockPackage {
  directory?: string;
  qualifiers?: Record<string, string>;
}

class PnpmReader {
  private major!: Major;
  private packages: Json = {};
  private snapshots: Json = {};
  /** depPath → the package found there. */
  private readonly found = new Map<string, Found>();
  /** depPaths whose dependencies are queued. */
  private readonly walked = new Set<string>();
  /** `link:` targets that are not importers, by their folder. */
  private readonly links = new Map<string, LockPackage>();

  constructor(
    private readonly folder: string,
    private readonly yaml: YamlText,
  ) {}

  async read(): Promise<DependencyGraph> {
    const lock = this.yaml.value;
    if (!isObject(lock)) throw this.yaml.error([], 'expected a mapping with lockfileVersion, importers and packages');
    this.major = this.checkVersion(lock['lockfileVersion']);
    this.packages = this.objectAt(lock, ['packages']);
    this.snapshots = this.major === 9 ? this.objectAt(lock, ['snapshots']) : this.packages;

    const importers = this.importers(lock);
    const rootInfo = await localPackageInfo(this.folder, '.');
    const rootName = projectName(this.folder, rootInfo);
    const rootKey = `${rootName}@workspace:.`;
    const graph = new LockGraph({ key: rootKey, name: rootName, version: rootInfo?.version ?? '', registry: false });

    const importerKeys = new Map<string, string>();
    for (const imp of importers) {
      if (imp.path === '.') {
        importerKeys.set('.', rootKey);
        continue;
      }
      const info = await localPackageInfo(this.folder, imp.path);
      const name = info?.name ?? imp.path;
      const key = `${name}@workspace:${imp.path}`;
      importerKeys.set(imp.path, key);
      graph.add({ key, name, version: info?.version ?? '', registry: false, ...purlOf(name, info?.version) });
    }

    const queue: string[] = [];
    const reach = (from: string, depName: string, ref: unknown, where: Path, dev: boolean, base: string) => {
      if (typeof ref !== 'string') throw this.yaml.error(where, `expected a version or depPath string, got ${typeof ref}`);
      if (ref.startsWith('link:')) {
        const target = posix.normalize(posix.join(base, ref.slice(5)));
        const key = importerKeys.get(target) ?? this.linkNode(depName, target);
        graph.edge(from, key, dev);
        return;
      }
      const depPath = this.depPathOf(depName, ref);
      const key = this.node(depPath, where);
      graph.edge(from, key, dev);
      if (!this.walked.has(depPath)) {
        this.walked.add(depPath);
        queue.push(depPath);
      }
    };

    for (const imp of importers) {
      const from = importerKeys.get(imp.path)!;
      for (const [field, dev] of IMPORTER_FIELDS) {
        const deps = imp.deps[field];
        if (deps === undefined || deps === null) continue;
        if (!isObject(deps)) throw this.yaml.error([...imp.yamlPath, field], 'expected a mapping of package names');
        for (const [name, spec] of Object.entries(deps)) {
          // v6 and v9 write { specifier, version }; v5 writes the version alone
          const ref = isObject(spec) ? spec['version'] : spec;
          reach(from, name, ref, [...imp.yamlPath, field, name], dev, imp.path);
        }
      }
    }
    // every installed package is in the graph, reached or not: the graph hangs stale ones on the root
    for (const depPath of Object.keys(this.snapshots)) {
      if (this.walked.has(depPath)) continue;
      this.walked.add(depPath);
      this.node(depPath, [this.major === 9 ? 'snapshots' : 'packages', depPath]);
      queue.push(depPath);
    }
    const snapField = this.major === 9 ? 'snapshots' : 'packages';
    for (let i = 0; i < queue.length; i++) {
      const depPath = queue[i]!;
      const from = this.found.get(depPath)!.key;
      const snap = this.snapshots[depPath];
      if (!isObject(snap)) continue;
      for (const field of PACKAGE_FIELDS) {
        const deps = snap[field];
        if (deps === undefined || deps === null) continue;
        if (!isObject(deps)) throw this.yaml.error([snapField, depPath, field], 'expected a mapping of package names');
        for (const [name, ref] of Object.entries(deps)) reach(from, name, ref, [snapField, depPath, field, name], false, '.');
      }
    }

    for (const f of this.found.values()) {
      if (f.directory !== undefined && !isSemverish(f.version)) {
        const info = await localPackageInfo(this.folder, f.directory);
        if (info?.version) f.version = info.version;
        if (info?.name && f.name === '') f.name = info.name;
      }
      const { directory: _directory, qualifiers, ...pkg } = f;
      graph.add({ ...pkg, ...purlOf(pkg.name, pkg.version, qualifiers) });
    }
    for (const [target, l] of this.links) {
      // a link to a folder that is not a workspace: its package.json, when inside the project, says what it is
      const info = await localPackageInfo(this.folder, target);
      graph.add({ ...l, name: info?.name ?? l.name, version: info?.version ?? l.version });
    }
    return graph.build();
  }

  private checkVersion(v: unknown): Major {
    if (v === undefined) throw this.yaml.error([], 'no lockfileVersion: this is not a pnpm lockfile');
    const major = Math.trunc(Number.parseFloat(String(v)));
    if (!(SUPPORTED as readonly number[]).includes(major)) {
      throw this.yaml.error(['lockfileVersion'], `lockfileVersion ${String(v)} is not supported; vigil reads 5.x (pnpm 7), 6.x (pnpm 8) and 9.x (pnpm 9, 10) — regenerate it with a newer pnpm`);
    }
    return major as Major;
  }

  private objectAt(lock: Json, path: [string]): Json {
    const v = lock[path[0]];
    if (v === undefined || v === null) return {};
    if (!isObject(v)) throw this.yaml.error(path, 'expected a mapping');
    return v;
  }

  private importers(lock: Json): Importer[] {
    const raw = lock['importers'];
    if (raw !== undefined && raw !== null) {
      if (!isObject(raw)) throw this.yaml.error(['importers'], 'expected a mapping of workspace paths');
      return Object.entries(raw).map(([path, deps]) => {
        if (!isObject(deps) && deps !== null) throw this.yaml.error(['importers', path], 'expected a mapping of dependency fields');
        return { path: posix.normalize(path), deps: deps ?? {}, yamlPath: ['importers', path] };
      });
    }
    if (this.major === 9) throw this.yaml.error([], 'lockfileVersion 9 needs an "importers" mapping');
    // a single project in v5/v6: its dependency fields sit at the top level
    return [{ path: '.', deps: lock, yamlPath: [] }];
  }

  /** The packages key a dependency reference points at (pnpm's own refToRelative, per format). */
  private depPathOf(name: string, ref: string): string {
    if (this.major === 9) {
      if (ref.startsWith('@')) return ref;
      const at = ref.indexOf('@');
      if (at === -1) return `${name}@${ref}`;
      const colon = ref.indexOf(':');
      const paren = ref.indexOf('(');
      // `debug@2.6.9` (an npm: alias) is a full depPath; `file:x@y` and `1.0.0(peer@2)` are not
      if ((colon === -1 || at < colon) && (paren === -1 || at < paren)) return ref;
      return `${name}@${ref}`;
    }
    if (ref.startsWith('/') || ref.startsWith('file:')) return ref;
    const paren = ref.indexOf('(');
    const head = paren === -1 ? ref : ref.slice(0, paren);
    if (head.includes('/')) return ref;
    return this.major === 6 ? `/${name}@${ref}` : `/${name}/${ref}`;
  }

  /** package metadata (resolution, name, version) of a depPath. */
  private metaOf(depPath: string): Json | undefined {
    if (this.major === 9) {
      const m = this.packages[stripPeers(depPath)] ?? this.packages[depPath];
      return isObject(m) ? m : undefined;
    }
    const m = this.packages[depPath];
    return isObject(m) ? m : undefined;
  }

  /** The graph key of a depPath, recording the package the first time. */
  private node(depPath: string, where: Path): string {
    const known = this.found.get(depPath);
    if (known) return known.key;
    const meta = this.metaOf(depPath);
    if (!meta) {
      throw this.yaml.error(where, `refers to ${depPath}, which is not under "packages": the lockfile is incomplete — run pnpm install`);
    }
    const parsed = this.parseDepPath(depPath);
    const name = typeof meta['name'] === 'string' ? meta['name'] : parsed.name;
    const version = typeof meta['version'] === 'string' ? meta['version'] : parsed.version;
    const resolution = isObject(meta['resolution']) ? meta['resolution'] : {};
    const directory = typeof resolution['directory'] === 'string' ? resolution['directory'] : undefined;
    const key = this.major === 9 ? depPath : depPath.startsWith('/') ? `${parsed.name}@${parsed.versionWithPeers}` : `${name}@${depPath}`;
    const registry = fromRegistry(resolution, parsed.version);
    const f: Found = { key, name, version, registry };
    if (directory !== undefined) f.directory = directory;
    const qualifiers = registry ? undefined : qualifiersOf(resolution);
    if (qualifiers) f.qualifiers = qualifiers;
    this.found.set(depPath, f);
    return key;
  }

  /** A `link:` to a folder that is not a workspace importer. */
  private linkNode(depName: string, target: string): string {
    const known = this.links.get(target);
    if (known) return known.key;
    const key = `${depName}@link:${target}`;
    this.links.set(target, { key, name: depName, version: `link:${target}`, registry: false });
    return key;
  }

  /** name, version and peer suffix from a depPath in this lockfile's format. */
  private parseDepPath(depPath: string): { name: string; version: string; versionWithPeers: string } {
    if (this.major === 5 && depPath.startsWith('/')) {
      const parts = depPath.slice(1).split('/');
      const scoped = parts[0]?.startsWith('@');
      const name = scoped ? `${parts[0]}/${parts[1] ?? ''}` : (parts[0] ?? '');
      const rest = parts.slice(scoped ? 2 : 1).join('/');
      const underscore = rest.indexOf('_');
      return { name, version: underscore === -1 ? rest : rest.slice(0, underscore), versionWithPeers: rest };
    }
    const body = depPath.startsWith('/') ? depPath.slice(1) : depPath;
    const at = body.indexOf('@', body.startsWith('@') ? 1 : 0);
    if (at <= 0) return { name: '', version: body, versionWithPeers: body };
    const versionWithPeers = body.slice(at + 1);
    return { name: body.slice(0, at), version: stripPeers(versionWithPeers), versionWithPeers };
  }
}

/** `1.0.0(react@18.2.0)(patch_hash=…)` → `1.0.0`: peers and patches are pnpm's suffixes, not the version. */
function stripPeers(s: string): string {
  const paren = s.indexOf('(');
  return paren === -1 ? s : s.slice(0, paren);
}

/**
 * Registry when resolved by integrity alone, or by a tarball URL for a semver version (a registry
 * whose tarball URLs pnpm could not derive). Git, directories and tarballs named by URL or path are not.
 */
function fromRegistry(resolution: Json, version: string): boolean {
  const type = resolution['type'];
  if (type === 'directory' || type === 'git' || 'directory' in resolution || 'repo' in resolution || 'commit' in resolution) return false;
  const tarball = resolution['tarball'];
  if (typeof tarball === 'string') {
    if (/^file:/i.test(tarball) || isGitSpec(tarball)) return false;
    return semver.valid(version) !== null;
  }
  return true;
}

/** purl qualifiers that say where a non-registry package came from, as cyclonedx-npm writes them. */
function qualifiersOf(r: Json): Record<string, string> | undefined {
  if (typeof r['repo'] === 'string') {
    const commit = typeof r['commit'] === 'string' ? `#${r['commit']}` : '';
    const repo = /^git[+:@]/.test(r['repo']) ? r['repo'] : `git+${r['repo']}`;
    return { vcs_url: `${repo}${commit}` };
  }
  const tarball = r['tarball'];
  // local paths are left out, as cyclonedx-npm does: they mean nothing on another machine
  if (typeof tarball === 'string' && !/^file:/i.test(tarball)) return isGitSpec(tarball) ? { vcs_url: tarball } : { download_url: tarball };
  return undefined;
}

function purlOf(name: string, version: string | undefined, qualifiers?: Record<string, string>): { purl?: string } {
  const purl = name ? npmPurl(name, version ?? '', qualifiers) : undefined;
  return purl ? { purl } : {};
}

function isSemverish(v: string): boolean {
  return semver.valid(v) !== null;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
