import type { FailOn, Severity } from '../model/severity.js';
import type { TargetKind } from '../model/target.js';

/** A target as written in vigil.yaml, after validation and defaults. */
export interface TargetConfig {
  name: string;
  kind: TargetKind;
  /** Exactly one of these, by kind: path (kind path), url (kind url), host (kind host), dsn (kind database). */
  location: string;
  active: boolean;
  /** The data map systems (fides_key) the target is part of (personal-data tagging). */
  systems?: string[];
  /** Scanner id → options for this target. Written in YAML as a list of ids or a map of id → options. */
  scanners: Record<string, Record<string, unknown>>;
}

export interface ScheduleConfig {
  name: string;
  /** A 5- or 6-field cron expression. */
  cron: string;
  timezone?: string;
  /** Target names; all targets when absent. */
  targets?: string[];
  /** Scanner ids to restrict to; every scanner of each target when absent. */
  scanners?: string[];
  /** Run once when `vigil serve` starts, even if nothing was missed (the demo uses this). */
  runOnStart: boolean;
}

export interface VigilConfig {
  /** Absolute path of the file this came from, or '<defaults>'. */
  file: string;
  /** Folder relative paths are resolved against: the config file's folder. */
  baseDir: string;
  /** Ledger location: a file path (SQLite) or a postgres:// URL. Relative paths resolve against baseDir. */
  ledger: string;
  sla: Record<Exclude<Severity, 'info'>, number>;
  gate: { failOn: FailOn };
  /** Path of the suppression file (resolved against baseDir); default `.vigilignore.yaml`. */
  suppressions: string;
  /** OSV advisory paths (absolute) that `vigil serve` imports at start. */
  advisories: string[];
  /** CycloneDX VEX / OpenVEX documents (absolute) applied before the gate. */
  vex: string[];
  runner: { concurrency: number; timeoutSeconds: number };
  server: { host: string; port: number };
  targets: TargetConfig[];
  schedules: ScheduleConfig[];
  /** Alerts: present only when vigil.yaml has a `notify:` section with something in it. */
  notify?: NotifyConfig;
  /** The organisation audit reports are about. */
  organisation: string | null;
  incidents: { enabled: boolean; runbooks: string | null; escalateEverySeconds: number };
  /** `dir` absolute; `signingKey` absolute or null (beside an SQLite ledger). */
  reports: { dir: string; signingKey: string | null };
  /** Uptime probes of `vigil serve`: present only when vigil.yaml has an `uptime:` section with probes. */
  uptime?: UptimeConfig;
  /**
   * Parts to leave out of every run, by `scanner\u0000target`, with the reason each run records.
   * Never read from vigil.yaml: the shell sets it (`serve --demo` leaves out `pages` without Chromium).
   */
  leftOut?: ReadonlyMap<string, string>;
}

/** A status a probe accepts: an exact code (200) or a class ('2xx'). */
export type ExpectedStatus = number | `${1 | 2 | 3 | 4 | 5}xx`;

/** One health URL `vigil serve` probes (src/uptime), every setting resolved. */
export interface UptimeProbeConfig {
  name: string;
  url: string;
  /** Accepted statuses; default ['2xx']. */
  status: ExpectedStatus[];
  /** A substring the body must contain (no regex). */
  body?: string;
  /** PEM file of extra trust anchors for TLS validation (absolute). */
  ca?: string;
  /** Days to certificate expiry below which the probe fails. */
  tlsMinDays: number;
  everySeconds: number;
  /** Consecutive failures that raise the uptime-probe-down finding. */
  failures: number;
  /** Percent availability over 30 days below which the uptime-slo-breach finding is raised. */
  sloPct: number;
  timeoutSeconds: number;
}

export interface UptimeConfig {
  probes: UptimeProbeConfig[];
}

/** Defaults of the uptime section. */
export const DEFAULT_UPTIME = {
  everySeconds: 60,
  failures: 3,
  sloPct: 99.9,
  timeoutSeconds: 10,
  tlsMinDays: 14,
} as const;

/** What can raise an alert. */
export const NOTIFY_EVENTS = ['finding.new', 'sla.breach', 'scan.failed', 'incident.escalated'] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

/** Which alerts a channel takes: its events, and for findings the lowest severity. */
export interface NotifyRouting {
  events: NotifyEvent[];
  /** Finding alerts (finding.new, sla.breach) below this are not sent to the channel. */
  minSeverity: Severity;
}

/** A URL that receives alerts as JSON (or Slack's incoming-webhook payload). */
export interface WebhookConfig extends NotifyRouting {
  name: string;
  /** May hold `${VAR}` references, read from the environment when sending. */
  url: string;
  format: 'json' | 'slack';
  /** Extra request headers; values may hold `${VAR}` references. Never logged. */
  headers: Record<string, string>;
  /** Tries per alert (429, 5xx and network errors are retried). */
  attempts: number;
  /** Per attempt. */
  timeoutSeconds: number;
}

export interface EmailConfig extends NotifyRouting {
  host: string;
  port: number;
  /** TLS from the first byte (SMTPS, port 465). */
  secure: boolean;
  /** Without `secure`: STARTTLS required, used when offered, or never. */
  starttls: 'required' | 'opportunistic' | 'never';
  /** Names of the environment variables holding the SMTP user and password. */
  userEnv?: string;
  passwordEnv?: string;
  from: string;
  to: string[];
  /** PEM file of a private CA that signs the SMTP server's certificate (absolute). */
  ca?: string;
  attempts: number;
  timeoutSeconds: number;
}

export interface SentryConfig extends NotifyRouting {
  /** The DSN (may be `${VAR}`); SENTRY_DSN from the environment when absent. */
  dsn?: string;
  environment?: string;
  /** Also report vigil's own errors (exit 3) with their stack traces. */
  errors: boolean;
}

export interface NotifyConfig {
  /** The lowest finding severity any channel is sent by default. */
  minSeverity: Severity;
  /** An alert with the same dedupe key is not sent again within this many seconds (0: always sent). */
  dedupeWindowSeconds: number;
  /** How long `vigil scan` waits for deliveries at exit before it queues the rest in the outbox. */
  waitOnExitSeconds: number;
  webhooks: WebhookConfig[];
  email?: EmailConfig;
  sentry?: SentryConfig;
}

export const DEFAULT_SLA: VigilConfig['sla'] = { critical: 7, high: 30, medium: 90, low: 120 };

/** Defaults of the notify section. */
export const DEFAULT_NOTIFY = {
  minSeverity: 'high' as Severity,
  dedupeWindowSeconds: 24 * 3600,
  waitOnExitSeconds: 15,
  timeoutSeconds: 10,
  webhookAttempts: 5,
  emailAttempts: 3,
} as const;
