import { describe, expect, it } from 'vitest';
import type { LevelMeasure } from '../../../scanners/perf/load.js';
import { levelFindings, memoryFindings, memoryVerdict, responseSizeFindings } from '../../../scanners/perf/verdicts.js';

const URL_ = 'http://127.0.0.1:8080/';

function measure(o: Partial<LevelMeasure> = {}): LevelMeasure {
  return {
    connections: 100,
    durationSeconds: 5,
    requests: 3120,
    rps: 624,
    latencyMs: { p50: 300, p95: 1840, p99: 2100, max: 2500 },
    errors: 0,
    timeouts: 0,
    non2xx: 0,
    httpErrors: 0,
    errorRatePct: 0,
    meanResponseBytes: 200,
    sizeThirds: [200, 200, 200],
    ...o,
  };
}

const ids = (fs: { ruleId: string; severity: string }[]) => fs.map((f) => `${f.ruleId}:${f.severity}`);

describe('levelFindings', () => {
  it('evidence says measured against budget, with the volume', () => {
    const [f] = levelFindings(URL_, '10x', measure(), { p95Ms: 1000 });
    expect(f!.evidence).toBe('p95 1840 ms at 100 connections (budget 1000 ms); 3120 responses in 5 s');
    expect(f!.title).toBe('p95 latency breaks the budget at 10× the expected load');
    expect(f!.location).toEqual({ kind: 'web', url: URL_, method: 'GET', param: '10x' });
    expect(f!.cwe).toEqual(['CWE-400']);
  });

  it.each<[string, 'expected' | '10x', Partial<LevelMeasure>, Parameters<typeof levelFindings>[3], string[]]>([
    ['within every budget', '10x', { latencyMs: { p50: 1, p95: 5, p99: 9, max: 20 }, rps: 5000 }, { p95Ms: 1000, p99Ms: 1000, errorRatePct: 1, minRps: 100 }, []],
    ['exactly at the budget passes', '10x', { latencyMs: { p50: 1, p95: 1000, p99: 1000, max: 1000 }, errorRatePct: 1 }, { p95Ms: 1000, errorRatePct: 1 }, []],
    ['at 10x: latency and throughput medium, errors high', '10x', { errorRatePct: 5, errors: 100, rps: 50 }, { p95Ms: 1000, p99Ms: 2000, errorRatePct: 1, minRps: 100 }, ['perf-error-rate:high', 'perf-latency-p95:medium', 'perf-latency-p99:medium', 'perf-throughput:medium']],
    ['at the expected load everything is high', 'expected', { errorRatePct: 5, rps: 50 }, { p95Ms: 1000, errorRatePct: 1, minRps: 100 }, ['perf-error-rate:high', 'perf-latency-p95:high', 'perf-throughput:high']],
    ['a budget severity wins', '10x', { errorRatePct: 5 }, { p95Ms: 1000, errorRatePct: 1, severity: 'low' }, ['perf-error-rate:low', 'perf-latency-p95:low']],
    ['unset figures are not checked', '10x', { errorRatePct: 50 }, {}, []],
    ['no response at all: only the error rate speaks', '10x', { requests: 0, errorRatePct: 100, errors: 900, latencyMs: { p50: 0, p95: 0, p99: 0, max: 0 } }, { p95Ms: 1, errorRatePct: 1 }, ['perf-error-rate:high']],
    ['a target that stopped answering breaks even an unset error budget', 'expected', { errorRatePct: 90, stoppedEarly: 'the target stopped answering' }, {}, ['perf-error-rate:high']],
  ])('%s', (_what, level, m, b, want) => {
    expect(ids(levelFindings(URL_, level, measure(m), b))).toEqual(want);
  });

  it('fingerprints hold the rule and the level, never the figures', () => {
    const a = levelFindings(URL_, '10x', measure(), { p95Ms: 1000 })[0]!;
    const b = levelFindings(URL_, '10x', measure({ latencyMs: { p50: 1, p95: 9999, p99: 9999, max: 9999 }, requests: 7 }), { p95Ms: 10 })[0]!;
    const c = levelFindings(URL_, 'expected', measure(), { p95Ms: 1000 })[0]!;
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.fingerprint).not.toBe(c.fingerprint);
  });
});

describe('leak verdicts', () => {
  it('memory: growth past the budget and a rising series', () => {
    const v = memoryVerdict('json:heapUsed', [10e6, 12e6, 15e6, 18e6, 22e6, 26e6])!;
    expect(v).toMatchObject({ before: 10e6, after: 26e6, growthPct: 160, rising: true, samples: 6 });
    expect(ids(memoryFindings(URL_, v, { growthPct: 50 }))).toEqual(['perf-memory-growth:medium']);
    expect(memoryFindings(URL_, v, { growthPct: 50 })[0]!.evidence).toBe('json:heapUsed rose 160 % across the run, from 9.54 MiB to 24.8 MiB, rising through 6 samples (budget 50 %)');
    expect(ids(memoryFindings(URL_, v, { growthPct: 200 }))).toEqual([]);
    expect(ids(memoryFindings(URL_, v, { growthPct: 50, severity: 'high' }))).toEqual(['perf-memory-growth:high']);
  });

  it('memory: one step up (a cache filled once) is not a leak', () => {
    const v = memoryVerdict('json:heapUsed', [10e6, 10e6, 30e6, 30e6, 30e6, 30e6])!;
    expect(v.growthPct).toBe(200);
    expect(memoryFindings(URL_, v, { growthPct: 50 })).toEqual([]);
  });

  it('memory: one sample is no verdict', () => {
    expect(memoryVerdict('x', [1])).toBeUndefined();
  });

  it('response size: a steady rise past the threshold, reported once for the worse level', () => {
    const fs = responseSizeFindings(URL_, [
      { level: 'expected', m: measure({ connections: 10, sizeThirds: [100, 150, 200] }) },
      { level: '10x', m: measure({ sizeThirds: [200, 400, 900] }) },
    ], 20);
    expect(ids(fs)).toEqual(['perf-response-size-growth:low']);
    expect(fs[0]!.evidence).toBe('mean response size rose 350 % from the first to the last third of the 10x level (200 → 900 bytes at 100 connections; threshold 20 %)');
    expect(fs[0]!.location).toMatchObject({ param: 'response-size' });
  });

  it.each<[string, (number | undefined)[]]>([
    ['flat', [200, 200, 200]],
    ['rise under the threshold', [200, 210, 220]],
    ['up and down', [200, 900, 300]],
    ['a third with no response', [200, undefined, 900]],
  ])('response size: %s is no finding', (_what, thirds) => {
    expect(responseSizeFindings(URL_, [{ level: '10x', m: measure({ sizeThirds: thirds }) }], 20)).toEqual([]);
  });
});
