/** Severities, most severe first. The order is the contract for sorting and gating. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Gate thresholds: a severity, or `none` to never fail. */
export const FAIL_ON = ['critical', 'high', 'medium', 'low', 'none'] as const;
export type FailOn = (typeof FAIL_ON)[number];

const RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

/** Numeric rank: critical 4 … info 0. */
export function severityRank(s: Severity): number {
  return RANK[s];
}

export function isSeverity(v: unknown): v is Severity {
  return typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v);
}

/** True when `s` is at or above the `failOn` threshold. `none` never matches; info never fails a gate. */
export function meetsThreshold(s: Severity, failOn: FailOn): boolean {
  if (failOn === 'none' || s === 'info') return false;
  return RANK[s] >= RANK[failOn];
}

/**
 * Severity from a CVSS-like numeric score (GitHub's `security-severity`):
 * ≥9 critical, ≥7 high, ≥4 medium, >0 low, 0 info.
 */
export function severityFromScore(score: number): Severity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'info';
}

export const CONFIDENCES = ['high', 'medium', 'low'] as const;
export type Confidence = (typeof CONFIDENCES)[number];
