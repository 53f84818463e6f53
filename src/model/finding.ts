import type { Confidence, Severity } from './severity.js';
import type { Location } from './location.js';

/** One problem found by one scanner — the vocabulary every part of vigil speaks. */
export interface Finding {
  /** Stable across runs: scanner + ruleId + normalised location + matched code/component. */
  fingerprint: string;
  scanner: string;
  ruleId: string;
  title: string;
  severity: Severity;
  confidence: Confidence;
  cwe: string[];
  /** Other ids for the same problem (CVE, GHSA, a tool's own id). */
  aliases: string[];
  location: Location;
  /** What was seen; secrets are redacted before this is set. */
  evidence?: string;
  remediation?: string;
  references: string[];
  tags: string[];
  /** Compliance control ids this finding bears on (e.g. `SOC2:CC7.1`). */
  controls: string[];
  /** Free-form extra data a writer may use (e.g. SARIF rule help); kept small. */
  properties?: Record<string, unknown>;
}

/** Triage statuses a finding can have in the ledger. */
export const FINDING_STATUSES = [
  'open',
  'reopened',
  'triaged',
  'accepted',
  'false_positive',
  'fixed',
] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

/** Statuses a person may set by triage (open/reopened/fixed follow from scans). */
export const TRIAGE_STATUSES = ['open', 'triaged', 'accepted', 'false_positive'] as const;
export type TriageStatus = (typeof TRIAGE_STATUSES)[number];

/** Statuses that mean "still a problem": they count toward the gate and SLA. */
export const ACTIVE_STATUSES: readonly FindingStatus[] = ['open', 'reopened', 'triaged'];

/** Words a status filter takes besides the statuses: `active` (open, reopened, triaged) and `all`. */
export const STATUS_FILTER_WORDS = [...FINDING_STATUSES, 'active', 'all'] as const;

/** The statuses a filter of STATUS_FILTER_WORDS means; undefined for every status (`all`). */
export function expandStatusFilter(words: readonly (typeof STATUS_FILTER_WORDS)[number][]): FindingStatus[] | undefined {
  if (words.includes('all')) return undefined;
  return [...new Set(words.flatMap((s) => (s === 'active' ? ACTIVE_STATUSES : [s as FindingStatus])))];
}

/** A finding as the ledger keeps it. */
export interface LedgerFinding extends Finding {
  id: number;
  target: string;
  status: FindingStatus;
  firstSeen: string;
  lastSeen: string;
  slaDue: string | null;
  acceptance?: { justification: string; approver: string; expires: string | null } | null;
  lastRunId: string | null;
}
