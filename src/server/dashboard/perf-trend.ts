import { perfPoints, type PerfPoint } from '../../audit/perf-facts.js';
import type { Ledger } from '../../ledger/ledger.js';

/**
 * Runs read to find perf parts, newest first. Bounded so a page view costs the same on a ledger
 * of years: a perf scan on a schedule shows its last 30 points long before this many runs.
 */
export const PERF_SCAN_RUNS = 500;

/** Perf points per target shown by default (the page and GET /api/perf). */
export const PERF_DEFAULT_POINTS = 30;

/** One target's perf parts, oldest first. */
export interface PerfTargetTrend {
  target: string;
  /** The URL of the newest point. */
  url: string;
  /** The newest point's load generator shared the machine's cores with the server. */
  sharedCores: boolean;
  points: PerfPoint[];
}

export interface PerfTrend {
  targets: PerfTargetTrend[];
  /** How many runs were read (at most PERF_SCAN_RUNS); runs before them are not in the trend. */
  runsScanned: number;
}

/** The last `limit` perf parts of each target (or of one), from the newest PERF_SCAN_RUNS runs; runs without perf parts are skipped. */
export async function perfTrend(ledger: Ledger, opts: { target?: string; limit?: number } = {}): Promise<PerfTrend> {
  const limit = opts.limit ?? PERF_DEFAULT_POINTS;
  const runs = await ledger.listRuns({ limit: PERF_SCAN_RUNS });
  const byTarget = new Map<string, PerfPoint[]>();
  for (const p of perfPoints(runs)) {
    if (opts.target !== undefined && p.target !== opts.target) continue;
    const list = byTarget.get(p.target) ?? [];
    list.push(p);
    byTarget.set(p.target, list);
  }
  const targets = [...byTarget.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([target, all]) => {
      const points = all.slice(-limit);
      const newest = points[points.length - 1]!;
      return { target, url: newest.perf.url, sharedCores: newest.perf.loadGenerator.sharedCores, points };
    });
  return { targets, runsScanned: runs.length };
}
