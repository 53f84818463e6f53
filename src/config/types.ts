import type { FailOn, Severity } from '../model/severity.js';
import type { TargetKind } from '../model/target.js';

/** A target as written in vigil.yaml, after validation and defaults. */
export interface TargetConfig {
  name: string;
  kind: TargetKind;
  /** Exactly one of these, by kind: path (kind path), url (kind url), host (kind host), dsn (kind database). */
  location: string;
  active: boolean;
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
}

export const DEFAULT_SLA: VigilConfig['sla'] = { critical: 7, high: 30, medium: 90, low: 120 };
