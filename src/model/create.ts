import type { Finding } from './finding.js';
import { fingerprint } from './fingerprint.js';
import { formatLocation } from './location.js';
import { severityRank } from './severity.js';

/** What a scanner must say; the rest has defaults. */
export type FindingDraft = Pick<Finding, 'scanner' | 'ruleId' | 'title' | 'severity' | 'location'> &
  Partial<Omit<Finding, 'scanner' | 'ruleId' | 'title' | 'severity' | 'location'>> & {
    /** See FingerprintInput.context. */
    fingerprintContext?: string;
  };

/** Build a complete Finding with defaults and its fingerprint. */
export function createFinding(d: FindingDraft): Finding {
  const { fingerprintContext, ...rest } = d;
  const f: Finding = {
    confidence: 'medium',
    cwe: [],
    aliases: [],
    references: [],
    tags: [],
    controls: [],
    ...rest,
    fingerprint:
      d.fingerprint ??
      fingerprint({ scanner: d.scanner, ruleId: d.ruleId, location: d.location, context: fingerprintContext }),
  };
  return f;
}

/**
 * Severity (most severe first), then location, then rule — so output is reproducible.
 * Allocation-free for file locations: sorting 100,000 findings must not build millions of keys.
 */
export function compareFindings(a: Finding, b: Finding): number {
  const bySeverity = severityRank(b.severity) - severityRank(a.severity);
  if (bySeverity) return bySeverity;
  const la = a.location;
  const lb = b.location;
  let byLocation: number;
  if (la.kind === 'file' && lb.kind === 'file') {
    byLocation = cmp(la.path, lb.path) || (la.startLine ?? 0) - (lb.startLine ?? 0) || (la.startColumn ?? 0) - (lb.startColumn ?? 0);
  } else if (la.kind !== lb.kind) {
    byLocation = cmp(la.kind, lb.kind);
  } else {
    byLocation = cmp(formatLocation(la), formatLocation(lb));
  }
  return byLocation || cmp(a.ruleId, b.ruleId) || cmp(a.fingerprint, b.fingerprint);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorted copy. */
export function sortFindings<T extends Finding>(findings: readonly T[]): T[] {
  return [...findings].sort(compareFindings);
}
