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

/** Severity (most severe first), then location, then rule — so output is reproducible. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    cmp(formatLocationSortKey(a), formatLocationSortKey(b)) ||
    cmp(a.ruleId, b.ruleId) ||
    cmp(a.fingerprint, b.fingerprint)
  );
}

function formatLocationSortKey(f: Finding): string {
  const l = f.location;
  if (l.kind === 'file') {
    // zero-pad so line 9 sorts before line 10
    return `${l.path}\u0000${String(l.startLine ?? 0).padStart(9, '0')}:${String(l.startColumn ?? 0).padStart(6, '0')}`;
  }
  return formatLocation(l);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorted copy. */
export function sortFindings<T extends Finding>(findings: readonly T[]): T[] {
  return [...findings].sort(compareFindings);
}
