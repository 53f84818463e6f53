import type { Finding, FindingStatus } from './finding.js';
import type { FailOn, Severity } from './severity.js';
import type { Run } from './run.js';

/** Why a finding does not count toward the gate. */
export interface SuppressionInfo {
  /** `suppression-file` (.vigilignore.yaml), `ledger` (accepted / false positive), `vex`. */
  source: 'suppression-file' | 'ledger' | 'vex';
  reason: string;
  expires?: string | null;
  /** file:line of the suppression entry, when from a file. */
  where?: string;
}

/** A finding as the writers see it: the finding plus what the ledger and gate know of it. */
export interface ReportedFinding extends Finding {
  target: string;
  /** Ledger id and status, when a ledger was used. */
  id?: number;
  status?: FindingStatus;
  firstSeen?: string;
  slaDue?: string | null;
  suppression?: SuppressionInfo;
  /** With --baseline: `new` counts toward the gate, `unchanged` does not. */
  baselineState?: 'new' | 'unchanged';
}

export type SeveritySummary = Record<Severity, number>;

export interface GateResult {
  failOn: FailOn;
  failed: boolean;
  /** Findings that counted toward the gate (not suppressed, not in the baseline) at or above failOn. */
  counted: number;
  suppressed: number;
  baselined: number;
}

/** Everything a writer needs for one scan. */
export interface ScanReport {
  run: Run;
  /** Sorted: severity, then location, then rule. */
  findings: ReportedFinding[];
  /** Counts of findings that are neither suppressed nor unchanged from the baseline. */
  summary: SeveritySummary;
  gate: GateResult;
  /** vigil's version, for the writers' tool fields. */
  toolVersion: string;
}
