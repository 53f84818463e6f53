/**
 * Budget verdicts: the measured figures of each level against the budget, and the leak signals
 * across the run, turned into findings. Measured numbers go into the evidence, never into the
 * fingerprint: a finding keeps its identity from run to run however slow the service was.
 */
import { createFinding } from '../../src/model/create.js';
import type { Finding } from '../../src/model/finding.js';
import type { Severity } from '../../src/model/severity.js';
import type { LevelBudget } from './budget.js';
import { PERF_CHECKS, type PerfRuleId } from './checks.js';
import type { LevelMeasure } from './load.js';
import { growthPct, keepsRising, roundFigure, thirdsRise } from './stats.js';

export const PERF_SCANNER_ID = 'perf';
export type LevelName = 'expected' | '10x';

/** Where every perf finding points: the target URL, the level (or leak signal) as the param. */
export function perfFinding(url: string, ruleId: PerfRuleId, param: string, evidence: string, o: { severity?: Severity; context?: string; title?: string } = {}): Finding {
  const c = PERF_CHECKS[ruleId];
  return createFinding({
    scanner: PERF_SCANNER_ID,
    ruleId,
    title: o.title ?? c.title,
    severity: o.severity ?? c.severity,
    confidence: 'high',
    cwe: [...c.cwe],
    location: { kind: 'web', url, method: 'GET', param },
    evidence,
    remediation: c.remediation,
    references: 'references' in c ? [...c.references] : [],
    tags: ['perf'],
    ...(o.context ? { fingerprintContext: o.context } : {}),
  });
}

/**
 * The budget breaks of one level. Severity: a budget's own `severity` wins; else a break at the
 * expected load is high (the service fails its normal day), and at 10× the error rate is high (it
 * falls over) while latency and throughput are medium (it slows, but answers).
 */
export function levelFindings(url: string, level: LevelName, m: LevelMeasure, b: LevelBudget): Finding[] {
  const out: Finding[] = [];
  const severityOf = (ruleId: PerfRuleId): Severity => b.severity ?? (level === 'expected' ? 'high' : PERF_CHECKS[ruleId].severity);
  const at = `at ${m.connections} connections`;
  const volume = `${m.requests} responses in ${m.durationSeconds} s`;
  const title = (ruleId: PerfRuleId) => `${PERF_CHECKS[ruleId].title} at ${level === 'expected' ? 'the expected load' : '10× the expected load'}`;
  const add = (ruleId: PerfRuleId, evidence: string) => out.push(perfFinding(url, ruleId, level, evidence, { severity: severityOf(ruleId), title: title(ruleId) }));

  // a target that stops answering breaks any error budget, set or not
  const errorLimit = b.errorRatePct ?? (m.stoppedEarly ? 0 : undefined);
  if (errorLimit !== undefined && m.errorRatePct > errorLimit) {
    const parts = [`${m.errors} connection errors (${m.timeouts} timeouts)`, `${m.httpErrors} responses with status 400 or above`];
    add('perf-error-rate', `error rate ${m.errorRatePct} % ${at} (${b.errorRatePct !== undefined ? `budget ${b.errorRatePct} %` : 'no error budget at this level'}): ${parts.join(', ')}, of ${m.requests + m.errors} requests in ${m.durationSeconds} s${m.lastError && !m.stoppedEarly ? `; last error ${m.lastError}` : ''}${m.stoppedEarly ? `; ${m.stoppedEarly}` : ''}`);
  }
  // with no response at all there is no latency to judge: the error rate says it
  if (m.requests > 0) {
    if (b.p95Ms !== undefined && m.latencyMs.p95 > b.p95Ms) add('perf-latency-p95', `p95 ${m.latencyMs.p95} ms ${at} (budget ${b.p95Ms} ms); ${volume}`);
    if (b.p99Ms !== undefined && m.latencyMs.p99 > b.p99Ms) add('perf-latency-p99', `p99 ${m.latencyMs.p99} ms ${at} (budget ${b.p99Ms} ms); ${volume}`);
  }
  if (b.minRps !== undefined && m.rps < b.minRps) add('perf-throughput', `${m.rps} requests/s ${at} (budget at least ${b.minRps}/s); ${volume}`);
  return out;
}

/** Memory growth across the run, as the report keeps it. */
export interface MemoryVerdict {
  source: string;
  before: number;
  after: number;
  growthPct: number;
  samples: number;
  rising: boolean;
}

/** The memory figures of the run: growth from first to last sample, and whether the series kept rising. */
export function memoryVerdict(source: string, samples: readonly number[]): MemoryVerdict | undefined {
  if (samples.length < 2) return undefined;
  const before = samples[0]!;
  const after = samples[samples.length - 1]!;
  return { source, before, after, growthPct: roundFigure(growthPct(before, after)), samples: samples.length, rising: keepsRising(samples) };
}

/** perf-memory-growth when memory grew past the budget AND kept rising (not one step up). */
export function memoryFindings(url: string, v: MemoryVerdict, budget: { growthPct: number; severity?: Severity }): Finding[] {
  if (!(v.growthPct > budget.growthPct && v.rising)) return [];
  const mb = (n: number) => `${roundFigure(n / 1048576)} MiB`;
  return [
    perfFinding(url, 'perf-memory-growth', 'memory', `${v.source} rose ${v.growthPct} % across the run, from ${mb(v.before)} to ${mb(v.after)}, rising through ${v.samples} samples (budget ${budget.growthPct} %)`, budget.severity ? { severity: budget.severity } : {}),
  ];
}

/**
 * perf-response-size-growth when, in some level, the mean response size rose through the thirds of
 * the run and the last third is past the threshold over the first. One finding for the run: the
 * level with the largest growth is the evidence.
 */
export function responseSizeFindings(url: string, levels: readonly { level: LevelName; m: LevelMeasure }[], thresholdPct: number, severity?: Severity): Finding[] {
  let worst: { level: LevelName; first: number; last: number; pct: number; connections: number } | undefined;
  for (const { level, m } of levels) {
    const [first, , last] = m.sizeThirds;
    if (!thirdsRise(m.sizeThirds) || first === undefined || last === undefined) continue;
    const pct = growthPct(first, last);
    if (pct > thresholdPct && (!worst || pct > worst.pct)) worst = { level, first, last, pct, connections: m.connections };
  }
  if (!worst) return [];
  return [
    perfFinding(url, 'perf-response-size-growth', 'response-size', `mean response size rose ${roundFigure(worst.pct)} % from the first to the last third of the ${worst.level} level (${Math.round(worst.first)} → ${Math.round(worst.last)} bytes at ${worst.connections} connections; threshold ${thresholdPct} %)`, severity ? { severity } : {}),
  ];
}
