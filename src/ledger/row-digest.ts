import { createHash } from 'node:crypto';
import type { MaterialisedRow, ReplayedState } from './replay.js';

/**
 * A digest of a page of findings' chain-covered states, computed the same way from findings rows
 * and from the states their events replay to, so that `ledger verify` can compare a million rows
 * by 500 digests made on another thread and look closer only at a page whose digest differs.
 * SHA-256: the rows' free-text fields (a justification) are chosen by whoever edits the table, so
 * the digest must resist collisions. Each state is its fields' JSON, one per line (JSON text has
 * no raw newline), so the text names each state of the page unambiguously.
 */
export function pageDigest(states: readonly (readonly (string | number | null)[])[]): string {
  // fed a state at a time: one long string costs twice as much to hash (measured)
  const h = createHash('sha256');
  for (const s of states) h.update(`${JSON.stringify(s)}\n`);
  return h.digest('base64');
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
