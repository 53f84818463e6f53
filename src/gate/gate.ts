import { compareFindings } from '../model/create.js';
import type { FindingStatus } from '../model/finding.js';
import type { GateResult, ReportedFinding, ScanReport, SeveritySummary } from '../model/report.js';
import type { Run } from '../model/run.js';
import { meetsThreshold, SEVERITIES, type FailOn } from '../model/severity.js';

/** Ledger statuses under which a finding is no longer the build's problem. */
const SETTLED_STATUSES: readonly FindingStatus[] = ['accepted', 'false_positive', 'fixed'];

/** Ledger statuses that a person chose to waive: reported as suppressed. */
const WAIVED_STATUSES: readonly FindingStatus[] = ['accepted', 'false_positive'];

/** Why a finding is left out of the gate and summary, or undefined when it is live. */
export function exclusionOf(f: ReportedFinding): 'suppressed' | 'baselined' | 'settled' | undefined {
  if (f.suppression || (f.status !== undefined && WAIVED_STATUSES.includes(f.status))) return 'suppressed';
  if (f.baselineState === 'unchanged') return 'baselined';
  if (f.status !== undefined && SETTLED_STATUSES.includes(f.status)) return 'settled';
  return undefined;
}

/** True when the finding is live: not suppressed, not unchanged from the baseline, not settled in the ledger. */
export function isLive(f: ReportedFinding): boolean {
  return exclusionOf(f) === undefined;
}

/** True when the finding makes the gate fail at `failOn`. */
export function countsTowardGate(f: ReportedFinding, failOn: FailOn): boolean {
  return isLive(f) && meetsThreshold(f.severity, failOn);
}

/** Decide the gate: it fails when any live finding is at or above `failOn`. */
export function evaluateGate(findings: readonly ReportedFinding[], failOn: FailOn): GateResult {
  let counted = 0;
  let suppressed = 0;
  let baselined = 0;
  for (const f of findings) {
    const why = exclusionOf(f);
    if (why === 'suppressed') suppressed++;
    else if (why === 'baselined') baselined++;
    else if (why === undefined && meetsThreshold(f.severity, failOn)) counted++;
  }
  return { failOn, failed: counted > 0, counted, suppressed, baselined };
}

/** Count live findings by severity, info included. */
export function summarize(findings: readonly ReportedFinding[]): SeveritySummary {
  const out = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as SeveritySummary;
  for (const f of findings) if (isLive(f)) out[f.severity]++;
  return out;
}

/** Assemble what the writers need: findings sorted, summarised and gated. */
export function buildReport(
  run: Run,
  findings: readonly ReportedFinding[],
  failOn: FailOn,
  toolVersion: string,
): ScanReport {
  // compareFindings is sortFindings' order; sorting here keeps the ReportedFinding type
  const sorted = [...findings].sort(compareFindings);
  return { run, findings: sorted, summary: summarize(sorted), gate: evaluateGate(sorted, failOn), toolVersion };
}
