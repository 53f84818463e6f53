import type { Finding } from './finding.js';

export const RUN_STATUSES = ['running', 'complete', 'partial', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * `skipped`: the part was planned but left out before it ran, with a note saying why (the demo
 * leaves out `postgres` when no PostgreSQL answers). It proves nothing fixed and is no failure.
 */
export const PART_STATUSES = ['complete', 'failed', 'timeout', 'aborted', 'skipped'] as const;
export type PartStatus = (typeof PART_STATUSES)[number];

/** A part that ran and failed (an error, a timeout or an abort), as opposed to one that completed or was left out. */
export function partFailed(p: { status: PartStatus }): boolean {
  return p.status !== 'complete' && p.status !== 'skipped';
}

/** One scanner on one target within a run. */
export interface RunPart {
  scanner: string;
  scannerVersion: number;
  target: string;
  status: PartStatus;
  error: string | null;
  findings: number;
  /** What the scanner could not do and says so: rules it could not evaluate, files it could not parse or skipped. */
  notes?: string[];
  /** A scanner's own summary of the target (the tls scanner's protocols, suites, chain and grade), for reports. */
  report?: PartReport;
  startedAt: string;
  finishedAt: string;
}

/** What a scanner says of a whole target beside its findings: data for JSON, and lines a person reads. */
export interface PartReport {
  data: Record<string, unknown>;
  /** A compact human report, a line each (the table output prints it under the part). */
  lines: string[];
}

/** One scan run: targets × scanners and what came of each. */
export interface Run {
  id: string;
  /** `cli`, `schedule:<name>`, `catch-up:<name>`, `api`. */
  trigger: string;
  startedAt: string;
  finishedAt: string | null;
  status: RunStatus;
  parts: RunPart[];
}

/** A finding together with the name of the target it was found on. */
export type TargetedFinding = Finding & { target: string };

/** What kind of file a part keeps with the run. */
export const PART_ARTIFACT_KINDS = ['sbom'] as const;
export type PartArtifactKind = (typeof PART_ARTIFACT_KINDS)[number];

/** The media type of a CycloneDX JSON document (the deps scanner's SBOM). */
export const CYCLONEDX_MEDIA_TYPE = 'application/vnd.cyclonedx+json';

/**
 * A file a scanner made while scanning a target and hands over to be kept with the run (the
 * CycloneDX SBOM a deps part matched): the ledger stores it beside the run's findings.
 */
export interface PartArtifact {
  kind: PartArtifactKind;
  mediaType: string;
  /** The file's text, exactly as a user would save it (what `--sbom-out` writes). */
  content: string;
}

/** A part's artifact, named by the part that made it. */
export interface RunArtifact extends PartArtifact {
  scanner: string;
  target: string;
}

/** A finished run together with the findings it produced. */
export interface RunResult {
  run: Run;
  findings: TargetedFinding[];
  /** The thrown values of failed parts, by `scanner\u0000target`, for callers that map them to exit codes. */
  errors: Map<string, unknown>;
  /** Files the parts made beside their findings (one per part and kind at most), in plan order. */
  artifacts?: RunArtifact[];
}

/** `complete` when every part completed, `failed` when none did, `partial` otherwise. */
export function runStatusOf(parts: readonly RunPart[]): RunStatus {
  if (parts.length === 0) return 'complete';
  const ok = parts.filter((p) => p.status === 'complete').length;
  // a part left out on purpose neither fails a run nor completes it
  const skipped = parts.filter((p) => p.status === 'skipped').length;
  if (ok + skipped === parts.length) return ok || !skipped ? 'complete' : 'partial';
  return ok === 0 ? 'failed' : 'partial';
}
