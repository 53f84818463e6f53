import cvss from 'ae-cvss-calculator';
import { severityFromScore, type Severity } from '../../src/model/severity.js';
import type { OsvAdvisory, OsvSeverity } from './model.js';

// A CommonJS bundle whose named exports Node's ESM loader cannot see.
const { Cvss3P0, Cvss3P1, Cvss4P0 } = cvss;

/** A vulnerability's severity and where it came from. */
export interface ScoredSeverity {
  severity: Severity;
  /** CVSS base score when computed from a vector. */
  score?: number;
  vector?: string;
  source: 'cvss-v4' | 'cvss-v3' | 'advisory-label' | 'default';
}

/** GitHub's labels (`database_specific.severity`) and other advisories' words for severity. */
const LABELS: Record<string, Severity> = {
  CRITICAL: 'critical',
  HIGH: 'high',
  MODERATE: 'medium',
  MEDIUM: 'medium',
  LOW: 'low',
  NONE: 'info',
};

/** Scores by vector: an audit meets the same few hundred vectors again and again. Bounded, as vectors come from input. */
const scores = new Map<string, number | undefined>();
const MAX_CACHED_SCORES = 20_000;

/** Base score of a CVSS v3.x or v4.0 vector, or undefined when the vector does not parse. */
export function cvssScore(entry: OsvSeverity): number | undefined {
  const key = `${entry.type}\u0000${entry.score}`;
  if (scores.has(key)) return scores.get(key);
  const score = computeScore(entry);
  if (scores.size >= MAX_CACHED_SCORES) scores.clear();
  scores.set(key, score);
  return score;
}

function computeScore(entry: OsvSeverity): number | undefined {
  try {
    const v = entry.score.trim();
    if (entry.type === 'CVSS_V4' || v.startsWith('CVSS:4.0/')) return new Cvss4P0(v).calculateScores().base;
    if (v.startsWith('CVSS:3.1/')) return new Cvss3P1(v).calculateScores().base;
    if (v.startsWith('CVSS:3.0/')) return new Cvss3P0(v).calculateScores().base;
  } catch {
    // a malformed vector falls through to the advisory's own label
  }
  return undefined;
}

/**
 * The severity of a group of advisories describing one vulnerability: the highest CVSS base
 * score among their vectors (v4 preferred to v3 when an advisory has both), else the highest
 * label an advisory gives itself, else medium — unknown is not harmless.
 */
export function scoreAdvisories(advisories: readonly OsvAdvisory[]): ScoredSeverity {
  let best: ScoredSeverity | undefined;
  for (const a of advisories) {
    const entries = [...(a.severity ?? []), ...(a.affected ?? []).flatMap((x) => x.severity ?? [])];
    const v4 = entries.filter((e) => e.type === 'CVSS_V4' || e.score.startsWith('CVSS:4.0/'));
    const v3 = entries.filter((e) => e.type === 'CVSS_V3' || e.score.startsWith('CVSS:3.'));
    for (const [list, source] of [[v4, 'cvss-v4'], [v3, 'cvss-v3']] as const) {
      let found = false;
      for (const e of list) {
        const score = cvssScore(e);
        if (score === undefined) continue;
        found = true;
        if (!best || best.source === 'advisory-label' || (best.score ?? -1) < score) {
          best = { severity: severityFromScore(score), score, vector: e.score, source };
        }
      }
      if (found) break;
    }
  }
  if (best) return best;
  let label: Severity | undefined;
  for (const a of advisories) {
    const raw = a.database_specific?.severity;
    const s = typeof raw === 'string' ? LABELS[raw.toUpperCase()] : undefined;
    if (s && (!label || rank(s) > rank(label))) label = s;
  }
  return label ? { severity: label, source: 'advisory-label' } : { severity: 'medium', source: 'default' };
}

function rank(s: Severity): number {
  return ['info', 'low', 'medium', 'high', 'critical'].indexOf(s);
}
