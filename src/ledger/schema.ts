import type { Generated } from 'kysely';

/** Table shapes as Kysely sees them. Timestamps are ISO-8601 UTC text in both stores. */
export interface RunsTable {
  id: string;
  trigger: string;
  started_at: string;
  finished_at: string | null;
  status: string;
  /** JSON: RunPart[] */
  parts: string;
  /** JSON: ingest counts */
  summary: string | null;
}

export interface FindingsTable {
  id: Generated<number>;
  target: string;
  fingerprint: string;
  scanner: string;
  rule_id: string;
  title: string;
  severity: string;
  severity_rank: number;
  status: string;
  first_seen: string;
  last_seen: string;
  status_changed_at: string;
  sla_due: string | null;
  last_run_id: string | null;
  /** A short location string for display and search. */
  location: string;
  /** JSON of the Finding. */
  data: string;
  /** SHA-256 of `data`, so unchanged re-ingests skip the rewrite. */
  data_hash: string;
  accept_justification: string | null;
  accept_approver: string | null;
  accept_expires: string | null;
}

export interface EventsTable {
  seq: number;
  at: string;
  type: string;
  run_id: string | null;
  finding_id: number | null;
  actor: string | null;
  /** Canonical JSON. */
  data: string;
  prev_hash: string;
  hash: string;
}

export interface HeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface LedgerDatabase {
  runs: RunsTable;
  findings: FindingsTable;
  events: EventsTable;
  ledger_head: HeadTable;
}
