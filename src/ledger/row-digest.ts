import { hash } from 'node:crypto';
import type { MaterialisedRow, ReplayedState } from './replay.js';

/**
 * A digest of a finding's chain-covered state, computed the same way from a findings row and from
 * the state its events replay to, so that `ledger verify` can compare a million rows by digest on
 * another thread and look closer only where they differ. SHA-256: the row's free-text fields
 * (a justification) are chosen by whoever edits the table, so the digest must resist collisions.
 */
export function stateDigest(fields: readonly (string | number | null)[]): string {
  return hash('sha256', JSON.stringify(fields), 'base64');
}

/** The digested fields of a row, in MaterialisedRow order; `dataOk` says its content matches data_hash. */
export function rowFields(r: MaterialisedRow, dataOk: boolean): (string | number | null)[] {
  return [
    r.status,
    r.severity,
    Number(r.severity_rank),
    r.first_seen,
    r.last_seen,
    r.status_changed_at,
    r.sla_due,
    r.accept_justification,
    r.accept_approver,
    r.accept_expires,
    r.data_hash,
    dataOk ? 1 : 0,
  ];
}

/**
 * The same fields from a replayed state, or undefined when the events leave one unknown (then the
 * row is compared field by field instead).
 */
export function stateFields(s: ReplayedState, rank: (severity: string) => number | undefined): (string | number | null)[] | undefined {
  if (s.severity === undefined || s.lastSeen === undefined || s.slaDue === undefined || s.dataHash === undefined) return undefined;
  const r = rank(s.severity);
  if (r === undefined) return undefined;
  return [s.status, s.severity, r, s.firstSeen, s.lastSeen, s.statusChangedAt, s.slaDue, s.justification, s.approver, s.expires, s.dataHash, 1];
}
