/** The shapes the `deps` scanner's parts share: components, their graph, and OSV advisories. */

/** OSV ecosystem names (https://ossf.github.io/osv-schema/#affectedpackage-field) vigil orders versions for. */
export type Ecosystem = 'npm' | 'PyPI' | 'Maven' | 'Go' | (string & {});

/** One component of an SBOM. */
export interface Component {
  /** The SBOM's bom-ref (or a key unique within the SBOM). */
  ref: string;
  /** Full package name as its ecosystem writes it: `@scope/name` (npm), `group:artifact` (Maven), module path (Go). */
  name: string;
  version: string;
  /** OSV ecosystem, when known (from the purl type or the lockfile kind). */
  ecosystem?: Ecosystem;
  purl?: string;
  /** SPDX ids or expressions as declared; empty when unknown. */
  licenses: string[];
  /** Only reachable through development dependencies. */
  dev: boolean;
  /**
   * Resolved from a package registry. False for git, file, link and tarball-URL sources: their
   * name says nothing about which code they hold, so advisories are not matched by name.
   */
  registry: boolean;
}

/** An SBOM as the scanner uses it: the root, every component, and who depends on whom. */
export interface DependencyGraph {
  /** ref of the root component (the project itself). */
  root: string;
  components: Map<string, Component>;
  /** ref → refs it depends on directly. */
  edges: Map<string, string[]>;
}

export interface Sbom {
  /** Where it came from: `package-lock.json`, `pnpm-lock.yaml`, `yarn.lock`, `bom.json`. */
  source: string;
  graph: DependencyGraph;
  /** A CycloneDX 1.6 JSON document of the same components, for --sbom-out. */
  cyclonedx: Record<string, unknown>;
}

/** OSV schema types (https://ossf.github.io/osv-schema/), the fields vigil reads. */
export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}
export interface OsvRange {
  type: 'SEMVER' | 'ECOSYSTEM' | 'GIT';
  repo?: string;
  events: OsvEvent[];
}
export interface OsvAffected {
  package?: { ecosystem: string; name: string; purl?: string };
  ranges?: OsvRange[];
  versions?: string[];
  severity?: OsvSeverity[];
  database_specific?: Record<string, unknown>;
  ecosystem_specific?: Record<string, unknown>;
}
export interface OsvSeverity {
  type: 'CVSS_V2' | 'CVSS_V3' | 'CVSS_V4' | 'Ubuntu' | (string & {});
  score: string;
}
export interface OsvAdvisory {
  schema_version?: string;
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  related?: string[];
  summary?: string;
  details?: string;
  severity?: OsvSeverity[];
  affected?: OsvAffected[];
  references?: { type: string; url: string }[];
  database_specific?: Record<string, unknown>;
}
