/**
 * How advisories and components meet: by OSV ecosystem and package name. Names are stored as OSV
 * writes them; lookups compare a normalised form where the ecosystem itself treats names as equal.
 */

/** The key of a package in `forPackages` results: its ecosystem and name as the caller gave them. */
export function packageKey(ecosystem: string, name: string): string {
  return `${ecosystem}\u0000${name}`;
}

/** The ecosystem without its release suffix: `Debian:11` → `Debian`, `Alpine:v3.18` → `Alpine`. */
export function baseEcosystem(ecosystem: string): string {
  const i = ecosystem.indexOf(':');
  return i < 0 ? ecosystem : ecosystem.slice(0, i);
}

/**
 * A name in its ecosystem's comparison form. PyPI compares names by PEP 503 (`Django_REST.framework`
 * is `django-rest-framework`); NuGet and Packagist ignore case. Everywhere else the registry is
 * case-sensitive (npm's legacy `JSONStream`, Go module paths, Maven coordinates), so names match exactly.
 */
export function comparableName(ecosystem: string, name: string): string {
  switch (baseEcosystem(ecosystem)) {
    case 'PyPI':
      return name.replace(/[-_.]+/g, '-').toLowerCase();
    case 'NuGet':
    case 'Packagist':
      return name.toLowerCase();
    default:
      return name;
  }
}
