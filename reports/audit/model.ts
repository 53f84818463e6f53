import type { PeriodAvailability } from '../../src/ledger/uptime-store.js';
import type { Severity } from '../../src/model/severity.js';

/**
 * Everything the audit report says, gathered from the ledger once (src/reports/gather-audit.ts)
 * and rendered twice: as a signed PDF (reports/pdf/audit.ts) and as HTML (reports/html/audit.ts).
 * Every figure here comes from the ledger; the writers only lay it out. Times are ISO-8601 UTC.
 */
export interface AuditReport {
  /** `vigil audit report`, or the config's organisation name in it. */
  title: string;
  /** The organisation the report is about (config `organisation`), when named. */
  organisation: string | null;
  generatedAt: string;
  /** The reporting period: `from` inclusive, `to` exclusive. */
  period: { from: string; to: string };
  /** What vigil was asked to watch. */
  scope: AuditScope;
  /** One-paragraph facts for the executive summary, each a complete sentence built from figures. */
  summary: string[];
  coverage: AuditCoverage;
  findings: AuditFindings;
  sla: AuditSla;
  exceptions: AuditException[];
  incidents: AuditIncident[];
  /** Control mapping: every control of compliance/controls/, its status computed from `figures`. */
  controls: ControlResult[];
  datamap: AuditDatamap;
  /** Appendix: findings open (open, reopened, triaged) at the end of the period, most severe first. */
  openFindings: AuditFindingRow[];
  /** How many findings were open at the end of the period: the appendix lists at most 1,000 of them. */
  openFindingsTotal: number;
  /** Named figures the controls and the summary are computed from (src/compliance/figures.ts; computed in src/audit/gather.ts). */
  figures: Record<string, number | null>;
  ledger: AuditLedger;
  /** The signing key's public half; the PDF embeds it and prints its fingerprint. */
  signingKey: { fingerprint: string; publicKeyPem: string; recordedAt: string | null; recordedSeq: number | null };
  /** Uptime probes against their SLOs, and the perf budgets (src/audit/availability.ts). */
  availability: AuditAvailability;
}

export interface AuditScope {
  ledger: string;
  targets: { name: string; kind: string; location: string; scanners: string[] }[];
  schedules: { name: string; cron: string; timezone: string | null; targets: string[]; scanners: string[] }[];
}

/** Scan coverage against the schedule: every expected run of every schedule in the period. */
export interface AuditCoverage {
  schedules: ScheduleCoverage[];
  expected: number;
  ran: number;
  missed: number;
  /** Runs in the period that no schedule asked for (CLI scans, CI). */
  adHocRuns: number;
  /** Schedule changes recorded in the ledger (event `schedule.changed`), in the period or before it. */
  changes: { at: string; actor: string | null; schedule: string; change: string }[];
}

export interface ScheduleCoverage {
  name: string;
  cron: string;
  timezone: string | null;
  /** Every time the schedule was due in the period, and what ran for it. */
  slots: { due: string; runId: string | null; startedAt: string | null; status: string | null; outcome: 'ran' | 'late' | 'missed' | 'failed' }[];
  expected: number;
  ran: number;
  missed: number;
}

export const FINDING_STATUSES = ['open', 'reopened', 'triaged', 'accepted', 'false_positive', 'fixed'] as const;

export interface AuditFindings {
  /** Counts of findings by severity and current status (as of the end of the period). */
  bySeverityStatus: Record<Severity, Record<(typeof FINDING_STATUSES)[number], number>>;
  /** Open findings (not fixed, accepted or false positive) by severity at the end of each day of the period. */
  trend: { date: string; counts: Record<Severity, number> }[];
  newInPeriod: number;
  fixedInPeriod: number;
  total: number;
}

export interface AuditSla {
  /** Findings remediated (fixed) in the period. */
  remediated: number;
  /** Of those, fixed on or before their SLA due date. */
  withinSla: number;
  /** withinSla / remediated × 100, or null when none were remediated. */
  percent: number | null;
  /** Findings still open past their SLA due date at the end of the period. */
  overdue: AuditFindingRow[];
  /** SLA days per severity that applied. */
  days: Record<Severity, number | null>;
}

export interface AuditException {
  findingId: number;
  title: string;
  severity: Severity;
  target: string;
  status: 'accepted' | 'false_positive';
  justification: string;
  approver: string | null;
  expires: string | null;
  decidedAt: string;
  decidedBy: string | null;
}

export interface AuditIncident {
  id: number;
  runbook: string;
  runbookTitle: string;
  title: string;
  severity: Severity;
  status: 'open' | 'resolved';
  openedAt: string;
  awareAt: string | null;
  resolvedAt: string | null;
  findingId: number | null;
  timeline: { at: string; actor: string | null; action: string; detail: string }[];
  steps: { id: string; phase: string; title: string; owner: string; due: string; doneAt: string | null; outcome: 'done' | 'late' | 'open' | 'overdue' }[];
  clocks: { id: string; title: string; law: string; due: string; metAt: string | null; waived: boolean; outcome: 'met' | 'late' | 'waived' | 'open' | 'overdue' }[];
}

export type ControlStatus = 'met' | 'partial' | 'not-met' | 'no-data';

export interface ControlResult {
  framework: string;
  id: string;
  title: string;
  status: ControlStatus;
  /** Sentences of evidence with the figures they rest on, e.g. "98.9 % of scheduled scans ran (89 of 90)." */
  evidence: string[];
  /** Where the mapping was read (compliance/controls/<file>). */
  source: string;
}

export interface AuditDatamap {
  /** Whether any target runs the datamap scanner. */
  configured: boolean;
  /** The last complete datamap run in the period. */
  lastRun: { runId: string; at: string; status: string } | null;
  openBySeverity: Record<Severity, number>;
  /** Open data-map findings, by rule id, most first. */
  openByRule: { ruleId: string; title: string; count: number }[];
}

export interface AuditFindingRow {
  id: number;
  severity: Severity;
  status: string;
  title: string;
  target: string;
  location: string;
  firstSeen: string;
  slaDue: string | null;
}

export interface AuditLedger {
  /** The ledger's head when the report was made: every event up to it is covered. */
  headSeq: number;
  headHash: string;
  /** The result of `ledger verify` at report time. */
  verified: boolean;
  verifyDetail: string;
}

/** Whether a probe met its SLO in a period: `no-data` when it made no check there. */
export type SloVerdict = 'met' | 'breached' | 'no-data';

/** One probe's availability in the report period, with its SLO verdict. */
export interface AuditProbe extends PeriodAvailability {
  /** The SLO the verdict was judged against (the probe's as configured, else 99.9). */
  sloPct: number;
  verdict: SloVerdict;
  /** Named in the config when the report was made (a probe removed since still shows its results). */
  configured: boolean;
}

/** The last perf run of a target in the period, against its budget. */
export interface AuditPerfBudget {
  target: string;
  runId: string;
  at: string;
  url: string;
  /** At 10× the expected load; null when the run did not get that far (a failed health check skips the load). */
  p95Ms: number | null;
  connections: number | null;
  errorRatePct: number | null;
  /** Budget breaks the scanner found in that run (each a finding). */
  breaks: number;
  verdict: 'within budget' | 'over budget' | 'not measured';
  /** The health check before the load passed (when it failed, the load was not run). */
  healthOk: boolean;
  /** The load generator shared the machine's cores with the server (its figures are a lower bound). */
  sharedCores: boolean;
}

/** The audit report's availability section: uptime probes against their SLOs, and the perf budgets. */
export interface AuditAvailability {
  /** Probe names in the config when the report was made (empty: no probe is configured). */
  configured: string[];
  /** Every probe configured or with results in the period, by name. */
  probes: AuditProbe[];
  perf: AuditPerfBudget[];
}
