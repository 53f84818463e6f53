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

/** One OSV advisory (src/advisories). A withdrawn one stays as a tombstone with no package rows. */
export interface AdvisoriesTable {
  id: string;
  /** `modified`, normalised to UTC with nine fractional digits, so text order is time order. */
  modified: string;
  /** `withdrawn`, normalised the same way; null while the advisory stands. */
  withdrawn: string | null;
  /** JSON: string[] */
  aliases: string;
  summary: string;
  /** JSON: the advisory's top-level OSV `severity` array. */
  severity: string;
  /** The whole OSV advisory as JSON. */
  data: string;
}

/** One row per (advisory, affected package): the lookup index of the audit. */
export interface AdvisoryPackagesTable {
  advisory_id: string;
  /** As OSV writes it, release suffix included: `npm`, `Debian:11`. */
  ecosystem: string;
  /** As OSV writes it. */
  name: string;
  /** `ecosystem` before any `:suffix`: `Debian:11` → `Debian`. */
  ecosystem_base: string;
  /** `name` in its ecosystem's comparison form (PyPI: PEP 503; NuGet, Packagist: lower case). */
  name_key: string;
}

/** One incident (src/incidents); `data` is its state as its events make it, checked by `ledger verify`. */
export interface IncidentsTable {
  id: Generated<number>;
  key: string;
  runbook: string;
  status: string;
  severity: string;
  finding_id: number | null;
  opened_at: string;
  resolved_at: string | null;
  /** JSON: IncidentRecord */
  data: string;
}

/** One entry of CISA's Known Exploited Vulnerabilities catalogue, as imported. */
export interface KevEntriesTable {
  cve_id: string;
  date_added: string;
  due_date: string;
  /** JSON: KevEntry */
  data: string;
}

/** A person who may sign in to `vigil serve` (src/ledger/auth-store.ts). */
export interface UsersTable {
  id: Generated<number>;
  name: string;
  role: string;
  /** `scrypt$N$r$p$salt$hash` (salt and hash base64url). */
  password_hash: string;
  created_at: string;
  disabled_at: string | null;
}

/** An API token: only its SHA-256 is kept, and a short prefix for display. */
export interface ApiTokensTable {
  id: Generated<number>;
  name: string;
  role: string;
  /** SHA-256 (hex) of the whole token. */
  token_hash: string;
  prefix: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

/**
 * A file kept with a run (migration 0007, src/ledger/run-artifacts.ts): the run's findings as it
 * reported them (`results`), the CycloneDX SBOM a deps part matched (`sbom`). One per run, kind and
 * target (`''` for the whole run).
 */
export interface RunArtifactsTable {
  run_id: string;
  kind: string;
  target: string;
  /** The file's name when saved. */
  name: string;
  media_type: string;
  /** SHA-256 (hex) of `content` as stored (compressed); the run's run.finished event records it. */
  sha256: string;
  /** Bytes of the content as served (PostgreSQL bigint: read as text). */
  size: number | string;
  /** The content, gzip-compressed (one or more gzip members). */
  content: Buffer;
  created_at: string;
}

/** A dashboard session: the SHA-256 of its id (the cookie's value), its user and its CSRF token. */
export interface SessionsTable {
  id_hash: string;
  user_id: number;
  csrf: string;
  created_at: string;
  expires_at: string;
}

export interface LedgerDatabase {
  runs: RunsTable;
  findings: FindingsTable;
  events: EventsTable;
  ledger_head: HeadTable;
  advisories: AdvisoriesTable;
  advisory_packages: AdvisoryPackagesTable;
  incidents: IncidentsTable;
  kev_entries: KevEntriesTable;
  users: UsersTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  run_artifacts: RunArtifactsTable;
  probe_results: ProbeResultsTable;
}

/** One uptime probe result (migration 0010, src/ledger/uptime-store.ts), chained per probe by `hash`. */
export interface ProbeResultsTable {
  id: Generated<number>;
  probe: string;
  /** As configured, credentials redacted. */
  url: string;
  /** ISO time the probe started. */
  at: string;
  /** 1 up, 0 down. */
  ok: number;
  status: number | null;
  latency_ms: number | null;
  error: string | null;
  tls_days_left: number | null;
  /** SHA-256(the previous row's hash of the same probe ‖ canonical JSON of this row). */
  hash: string;
}
