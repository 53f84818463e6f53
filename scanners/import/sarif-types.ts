/**
 * The parts of SARIF 2.1.0 that vigil reads. Everything else in a log is kept untyped and
 * ignored, as GitHub code scanning ignores what it does not use.
 */

export const SARIF_LEVELS = ['none', 'note', 'warning', 'error'] as const;
export type SarifLevel = (typeof SARIF_LEVELS)[number];

export const SARIF_KINDS = ['notApplicable', 'pass', 'fail', 'review', 'open', 'informational'] as const;
export type SarifKind = (typeof SARIF_KINDS)[number];

/** A property bag: any tool-specific data (`security-severity`, `precision`, `tags`, …). */
export type SarifPropertyBag = Record<string, unknown>;

export interface SarifMultiformatMessageString {
  text?: string;
  markdown?: string;
}

export interface SarifMessage {
  text?: string;
  markdown?: string;
  /** Key into the rule's `messageStrings` or the driver's `globalMessageStrings`. */
  id?: string;
  /** Values for the `{0}`, `{1}` … placeholders. */
  arguments?: unknown[];
}

export interface SarifReportingDescriptor {
  id: string;
  name?: string;
  shortDescription?: SarifMultiformatMessageString;
  fullDescription?: SarifMultiformatMessageString;
  help?: SarifMultiformatMessageString;
  helpUri?: string;
  defaultConfiguration?: { level?: SarifLevel; enabled?: boolean };
  messageStrings?: Record<string, SarifMultiformatMessageString>;
  properties?: SarifPropertyBag;
}

export interface SarifToolComponent {
  name: string;
  guid?: string;
  version?: string;
  semanticVersion?: string;
  rules?: SarifReportingDescriptor[];
  globalMessageStrings?: Record<string, SarifMultiformatMessageString>;
}

export interface SarifArtifactLocation {
  uri?: string;
  uriBaseId?: string;
  /** Index into `run.artifacts`. */
  index?: number;
}

export interface SarifRegion {
  startLine?: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
  snippet?: { text?: string };
}

export interface SarifPhysicalLocation {
  artifactLocation?: SarifArtifactLocation;
  region?: SarifRegion;
}

export interface SarifLogicalLocation {
  name?: string;
  fullyQualifiedName?: string;
}

export interface SarifLocation {
  physicalLocation?: SarifPhysicalLocation;
  logicalLocations?: SarifLogicalLocation[];
}

export interface SarifToolComponentReference {
  name?: string;
  index?: number;
  guid?: string;
}

export interface SarifResult {
  ruleId?: string;
  ruleIndex?: number;
  rule?: { id?: string; index?: number; toolComponent?: SarifToolComponentReference };
  kind?: SarifKind;
  level?: SarifLevel;
  message: SarifMessage;
  locations?: SarifLocation[];
  partialFingerprints?: Record<string, string>;
  fingerprints?: Record<string, string>;
  suppressions?: { kind?: string; status?: string }[];
  baselineState?: string;
  properties?: SarifPropertyBag;
}

export interface SarifRun {
  tool: { driver: SarifToolComponent; extensions?: SarifToolComponent[] };
  /** `null` is the spec's way of saying the tool could not determine results. */
  results?: SarifResult[] | null;
  artifacts?: { location?: SarifArtifactLocation }[];
  originalUriBaseIds?: Record<string, SarifArtifactLocation>;
}

/** A SARIF 2.1.0 log as `parseSarif` returns it: the parts vigil uses have been checked. */
export interface SarifLog {
  version?: '2.1.0';
  $schema?: string;
  runs: SarifRun[];
}
