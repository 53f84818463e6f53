import type { Run, RunPart } from '../model/run.js';

/** One load level of a perf part's report (`report.data.perf.levels[i]`). */
export interface PerfLevel {
  level: string;
  connections: number;
  durationSeconds: number;
  requests: number;
  rps: number;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null; max: number | null };
  errors: number;
  timeouts: number;
  non2xx: number;
  errorRatePct: number | null;
  meanResponseBytes: number | null;
}

/** What the perf scanner stored with one part, read back from the ledger. */
export interface PerfReport {
  url: string;
  health: { ok: boolean; status: number | null; ms: number | null; tlsDaysLeft: number | null };
  levels: PerfLevel[];
  memory: { source: string; before: number | null; after: number | null; growthPct: number | null } | null;
  loadGenerator: { sharedCores: boolean; cores: number | null };
}

/** One perf part of a run, as the trend and the audit report show it. */
export interface PerfPoint {
  runId: string;
  at: string;
  target: string;
  status: RunPart['status'];
  /** Budget breaks the scanner reported for the part (its findings). */
  findings: number;
  perf: PerfReport;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const obj = (v: unknown): Record<string, unknown> | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);

/**
 * The perf report of a part, or null when the part is not a perf part or kept no report. The data
 * is JSON written by some scanner version: every field is checked, and one a version did not write
 * reads as null rather than failing the page that shows it.
 */
export function perfReportOf(part: RunPart): PerfReport | null {
  if (part.scanner !== 'perf') return null;
  const p = obj(obj(part.report?.data)?.['perf']);
  if (!p) return null;
  const health = obj(p['health']) ?? {};
  const levels: PerfLevel[] = [];
  for (const raw of Array.isArray(p['levels']) ? p['levels'] : []) {
    const l = obj(raw);
    const level = str(l?.['level']);
    if (!l || !level) continue;
    const lat = obj(l['latencyMs']) ?? {};
    levels.push({
      level,
      connections: num(l['connections']) ?? 0,
      durationSeconds: num(l['durationSeconds']) ?? 0,
      requests: num(l['requests']) ?? 0,
      rps: num(l['rps']) ?? 0,
      latencyMs: { p50: num(lat['p50']), p95: num(lat['p95']), p99: num(lat['p99']), max: num(lat['max']) },
      errors: num(l['errors']) ?? 0,
      timeouts: num(l['timeouts']) ?? 0,
      non2xx: num(l['non2xx']) ?? 0,
      errorRatePct: num(l['errorRatePct']),
      meanResponseBytes: num(l['meanResponseBytes']),
    });
  }
  const mem = obj(p['memory']);
  const gen = obj(p['loadGenerator']) ?? {};
  return {
    url: str(p['url']) ?? '',
    health: { ok: health['ok'] === true, status: num(health['status']), ms: num(health['ms']), tlsDaysLeft: num(health['tlsDaysLeft']) },
    levels,
    memory: mem ? { source: str(mem['source']) ?? '', before: num(mem['before']), after: num(mem['after']), growthPct: num(mem['growthPct']) } : null,
    loadGenerator: { sharedCores: gen['sharedCores'] === true, cores: num(gen['cores']) },
  };
}

/** The perf parts of runs, oldest first (runs given in any order). */
export function perfPoints(runs: readonly Run[]): PerfPoint[] {
  const out: PerfPoint[] = [];
  for (const r of runs) {
    for (const part of r.parts) {
      const perf = perfReportOf(part);
      if (perf) out.push({ runId: r.id, at: r.startedAt, target: part.target, status: part.status, findings: part.findings, perf });
    }
  }
  return out.sort((a, b) => a.at.localeCompare(b.at) || a.runId.localeCompare(b.runId));
}

/** A level of the report by name ('expected' or '10x'), when the run got that far. */
export function levelOf(p: PerfReport, level: string): PerfLevel | undefined {
  return p.levels.find((l) => l.level === level);
}
