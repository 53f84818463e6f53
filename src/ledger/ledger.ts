import type { AdvisoryStore } from '../advisories/store.js';
import type { FindingStatus, LedgerFinding, TriageStatus } from '../model/finding.js';
import type { Run, RunResult } from '../model/run.js';
import type { Severity } from '../model/severity.js';
import type { StateMismatch } from './replay.js';
import type { IncidentLedger } from './incident-store.js';
import type { KevStore } from './kev-store.js';
import type { AuthStore } from './auth-store.js';
import type { AuditFacts } from './audit-facts.js';
import type { RunArtifactStore } from './run-artifacts.js';
import type { OverviewFacts } from './overview.js';
import type { UptimeStore, UptimeVerify } from './uptime-store.js';

/** What one ingest changed. */
export interface IngestSummary {
  runId: string;
  new: number;
  reopened: number;
  fixed: number;
  unchanged: number;
  updated: number;
  expiredAcceptances: number;
  events: number;
  /** Ledger record of every finding in the run, by `target\0fingerprint`. */
  records: Map<string, FindingRecord>;
}

/** The ledger's view of one finding, as the gate and writers need it. */
export interface FindingRecord {
  id: number;
  status: FindingStatus;
  firstSeen: string;
  slaDue: string | null;
  acceptance: { justification: string; approver: string; expires: string | null } | null;
  /** Seen again by this run after being fixed. */
  reopenedNow?: boolean;
}

export interface FindingQuery {
  status?: FindingStatus[];
  severity?: Severity[];
  target?: string;
  scanner?: string;
  ruleId?: string;
  /** Substring of title, rule or location. */
  text?: string;
  limit?: number;
  offset?: number;
  /**
   * Continue after the page that returned this `next` (keyset pagination on severity rank, then id,
   * both descending: a page never skips or repeats a finding when others are added meanwhile).
   */
  cursor?: string;
  /** Also count all matches (costs a second query). */
  withTotal?: boolean;
}

export interface FindingPage {
  findings: LedgerFinding[];
  total?: number;
  /** An opaque cursor for the next page, or null when this page is the last. */
  next: string | null;
}

/** How many findings have one severity and status. */
export interface FindingCount {
  severity: Severity;
  status: FindingStatus;
  count: number;
}

export interface TriageChange {
  status: TriageStatus;
  actor: string;
  /** Required for accepted and false_positive. */
  justification?: string;
  /** Required for accepted. */
  approver?: string;
  /** ISO date or timestamp; for accepted. After it, the finding is reopened. */
  expires?: string | null;
  note?: string;
}

export interface LedgerEvent {
  seq: number;
  at: string;
  type: string;
  runId: string | null;
  findingId: number | null;
  actor: string | null;
  data: unknown;
  hash: string;
}

export interface VerifyResult {
  ok: boolean;
  events: number;
  headHash: string;
  /**
   * The first break: an event that breaks the chain (`seq`), or a finding whose stored state
   * differs from what its events say (`findingId` and `field`; `seq` is null).
   */
  broken?: { seq: number | null; reason: string; findingId?: number; field?: string };
  /**
   * Every finding row replayed against its events (only when the chain itself is intact):
   * rows checked, the first mismatches (at most 100), and how many there are in all.
   */
  findings?: { checked: number; mismatches: StateMismatch[]; total: number };
  /** Every incident row replayed against its events (only when the chain itself is intact). */
  incidents?: { checked: number; problems: string[] };
  /** Every file kept with a run held to the digests its run.finished event chained (only when the chain itself is intact). */
  artifacts?: { checked: number; problems: string[] };
  /** Every uptime probe result's chain recomputed and held to the heads its uptime.anchor events recorded (only when the chain itself is intact). */
  uptime?: UptimeVerify;
}

/** One interface, two stores (SQLite and PostgreSQL), the same migrations. */
export interface Ledger {
  readonly kind: 'sqlite' | 'postgres';
  /** Where it is, with any password redacted. */
  readonly description: string;
  /** The offline OSV advisory store, in the same database. */
  readonly advisories: AdvisoryStore;
  /** Incidents, their steps, clocks and timelines: every change an event of the chain. */
  readonly incidents: IncidentLedger;
  /** CISA's Known Exploited Vulnerabilities catalogue, as imported. */
  readonly kev: KevStore;
  /** Users and API tokens of `vigil serve`: created, added and revoked as events of the chain. */
  readonly auth: AuthStore;
  /** Files kept with each run: its findings as reported, the SBOMs its deps parts matched (written by `ingest`). */
  readonly artifacts: RunArtifactStore;
  /** `vigil serve`'s uptime probe results, chained per probe, with availability over windows and periods. */
  readonly uptime: UptimeStore;
  /**
   * Chain one event that is not about a finding, an incident or a run (a schedule change, the
   * report signing key, a report made). Returns its seq and hash.
   */
  appendRecord(type: string, data: Record<string, unknown>, opts?: { actor?: string | null; now?: Date }): Promise<{ seq: number; hash: string; at: string }>;
  /** What the audit report says about findings and runs in a period, replayed from the event log. */
  auditFacts(period: { from: string; to: string }, opts: { appendixLimit: number }): Promise<AuditFacts>;
  /** The findings with these ids (any order; unknown ids are skipped). */
  findingsByIds(ids: readonly number[]): Promise<LedgerFinding[]>;
  /** The event with this seq. */
  eventAt(seq: number): Promise<LedgerEvent | undefined>;
  /** Events of the given types in chain order (newest first with `newestFirst`). */
  eventsOfType(types: readonly string[], opts?: { afterSeq?: number; limit?: number; newestFirst?: boolean }): Promise<LedgerEvent[]>;
  /** Store one finished run and its findings in a single transaction. */
  ingest(result: RunResult, opts?: { now?: Date }): Promise<IngestSummary>;
  listFindings(q?: FindingQuery): Promise<FindingPage>;
  /** Findings counted by severity and status (only those last seen by `lastRunId`, when given). */
  findingCounts(q?: { lastRunId?: string }): Promise<FindingCount[]>;
  /** The dashboard overview's SLA breaches and open-findings trend over the last `days` days, in one scan (src/ledger/overview.ts). */
  overview(now: Date, days: number): Promise<OverviewFacts>;
  getFinding(id: number): Promise<LedgerFinding | undefined>;
  findingEvents(id: number): Promise<LedgerEvent[]>;
  triage(id: number, change: TriageChange, opts?: { now?: Date }): Promise<LedgerFinding>;
  /** Reopen accepted findings whose acceptance has expired. Returns how many. */
  expireAcceptances(now?: Date): Promise<number>;
  listRuns(opts?: { trigger?: string; limit?: number }): Promise<Run[]>;
  getRun(id: string): Promise<Run | undefined>;
  /** The newest run whose trigger is one of `triggers`. */
  lastRun(triggers: string[]): Promise<Run | undefined>;
  verify(opts?: { onProgress?: (checked: number) => void }): Promise<VerifyResult>;
  head(): Promise<{ seq: number; hash: string }>;
  close(): Promise<void>;
}

/** Key of a finding within the ledger. */
export function recordKey(target: string, fingerprint: string): string {
  return `${target}\u0000${fingerprint}`;
}
