import { PackageURL } from 'packageurl-js';
import type { Ecosystem } from '../model.js';
import { isGitSpec, isNpmRegistryTarball } from './npm-spec.js';

/** purl type → OSV ecosystem. Types missing here (deb, apk, generic…) get no ecosystem: OSV needs a distro release for those. */
const ECOSYSTEMS: Readonly<Record<string, Ecosystem>> = {
  npm: 'npm',
  pypi: 'PyPI',
  maven: 'Maven',
  golang: 'Go',
  gem: 'RubyGems',
  cargo: 'crates.io',
  nuget: 'NuGet',
  composer: 'Packagist',
  hex: 'Hex',
  pub: 'Pub',
};

/** What a purl says about a component, in vigil's terms. */
export interface PurlFacts {
  ecosystem?: Ecosystem;
  /** The package name as its ecosystem writes it. */
  name: string;
  version?: string;
  /** False when a qualifier says the code came from git, a local file or a non-registry tarball. */
  registry: boolean;
}

/** Parse a purl, or undefined when it is not one (the caller keeps the raw string). */
export function parsePurl(purl: string): PackageURL | undefined {
  try {
    return PackageURL.fromString(purl);
  } catch {
    return undefined;
  }
}

/** PEP 503 normalisation: PyPI treats `Zope.Interface`, `zope_interface` and `zope-interface` as one project. */
export function normalisePypiName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/** Ecosystem, ecosystem-form name and registry origin of a parsed purl. */
export function purlFacts(p: PackageURL): PurlFacts {
  const ecosystem = ECOSYSTEMS[p.type];
  const ns = p.namespace ?? undefined;
  let name: string;
  switch (p.type) {
    case 'maven':
      name = ns ? `${ns}:${p.name}` : p.name;
      break;
    case 'pypi':
      name = normalisePypiName(p.name);
      break;
    default:
      // npm `@scope/name`, Go module paths, Packagist `vendor/name`: the namespace is part of the name
      name = ns ? `${ns}/${p.name}` : p.name;
  }
  const facts: PurlFacts = { name, registry: purlFromRegistry(p) };
  if (ecosystem !== undefined) facts.ecosystem = ecosystem;
  if (p.version) facts.version = p.version;
  return facts;
}

/**
 * Whether a purl names code fetched from its ecosystem's registry. A `vcs_url` qualifier means
 * git; a `download_url` means a direct download, which is a registry only when it is not git or a
 * local file and, for npm, when it has the `/-/name-version.tgz` shape registries (npmjs,
 * Artifactory, Verdaccio) serve — cyclonedx-npm sets it for every non-default registry.
 */
export function purlFromRegistry(p: PackageURL): boolean {
  const q = p.qualifiers ?? {};
  if (q['vcs_url']) return false;
  const download = q['download_url'];
  if (!download) return true;
  if (isGitSpec(download) || /^file:/i.test(download)) return false;
  if (p.type === 'npm') return isNpmRegistryTarball(download);
  return true;
}

/** The purl vigil writes for an npm package. */
export function npmPurl(name: string, version: string, qualifiers?: Record<string, string>): string | undefined {
  const slash = name.startsWith('@') ? name.indexOf('/') : -1;
  const ns = slash > 0 ? name.slice(0, slash) : undefined;
  const bare = slash > 0 ? name.slice(slash + 1) : name;
  try {
    return new PackageURL('npm', ns, bare, version || undefined, qualifiers, undefined).toString();
  } catch {
    // a name npm itself would refuse (a corrupt lockfile entry): better no purl than a wrong one
    return undefined;
  }
}
