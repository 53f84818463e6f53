import { describe, expect, it } from 'vitest';
import { buildReport, evaluateGate, summarize } from '../../../src/gate/index.js';
import { FAIL_ON, SEVERITIES, type FailOn, type Severity } from '../../../src/model/severity.js';
import { FINDING_STATUSES } from '../../../src/model/finding.js';
import type { ReportedFinding } from '../../../src/model/report.js';
import { reported, sampleRun } from '../reports/sample-report.js';

function finding(severity: Severity, extra: Partial<ReportedFinding> = {}): ReportedFinding {
  return reported({ scanner: 'code', ruleId: `r-${severity}`, title: 't', severity, location: { kind: 'file', path: 'a.ts', startLine: 1 } }, extra);
}

// which severities fail the gate at each threshold; info never does, `none` never fails
const FAILS: Record<FailOn, Severity[]> = {
  critical: ['critical'],
  high: ['critical', 'high'],
  medium: ['critical', 'high', 'medium'],
  low: ['critical', 'high', 'medium', 'low'],
  none: [],
};

describe('evaluateGate', () => {
  const grid = FAIL_ON.flatMap((failOn) => SEVERITIES.map((severity) => [failOn, severity, FAILS[failOn].includes(severity)] as const));

  it.each(grid)('fail-on %s with one %s finding → failed=%s', (failOn, severity, fails) => {
    expect(evaluateGate([finding(severity)], failOn)).toEqual({
      failOn,
      failed: fails,
      counted: fails ? 1 : 0,
      suppressed: 0,
      baselined: 0,
    });
  });

  const statusCases = FINDING_STATUSES.map((status) => [status, ['open', 'reopened', 'triaged'].includes(status)] as const);
  it.each(statusCases)('a critical finding with ledger status %s counts: %s', (status, counts) => {
    const g = evaluateGate([finding('critical', { status })], 'low');
    expect(g.failed).toBe(counts);
    expect(g.counted).toBe(counts ? 1 : 0);
    // accepted and false positives are suppressions made in the ledger
    expect(g.suppressed).toBe(status === 'accepted' || status === 'false_positive' ? 1 : 0);
  });

  it.each([
    ['a suppressed finding', { suppression: { source: 'suppression-file' as const, reason: 'ok' } }, { suppressed: 1, baselined: 0 }],
    ['a VEX-suppressed finding', { suppression: { source: 'vex' as const, reason: 'not affected' } }, { suppressed: 1, baselined: 0 }],
    ['a baseline-unchanged finding', { baselineState: 'unchanged' as const }, { suppressed: 0, baselined: 1 }],
    ['a suppressed and unchanged finding', { baselineState: 'unchanged' as const, suppression: { source: 'ledger' as const, reason: 'r' } }, { suppressed: 1, baselined: 0 }],
  ])('%s does not count', (_name, extra, counts) => {
    for (const failOn of FAIL_ON) {
      expect(evaluateGate([finding('critical', extra)], failOn)).toEqual({ failOn, failed: false, counted: 0, ...counts });
    }
  });

  it('counts a baseline-new finding', () => {
    expect(evaluateGate([finding('high', { baselineState: 'new' })], 'high')).toMatchObject({ failed: true, counted: 1 });
  });

  it('counts across a mixed set', () => {
    const g = evaluateGate(
      [
        finding('critical'),
        finding('high'),
        finding('medium'),
        finding('high', { baselineState: 'unchanged' }),
        finding('critical', { suppression: { source: 'suppression-file', reason: 'x' } }),
        finding('info'),
      ],
      'high',
    );
    expect(g).toEqual({ failOn: 'high', failed: true, counted: 2, suppressed: 1, baselined: 1 });
  });

  it('passes with no findings', () => {
    expect(evaluateGate([], 'low')).toEqual({ failOn: 'low', failed: false, counted: 0, suppressed: 0, baselined: 0 });
  });
});

describe('summarize', () => {
  it('counts live findings of every severity, info included', () => {
    const s = summarize([
      finding('critical'),
      finding('critical'),
      finding('low'),
      finding('info'),
      finding('high', { baselineState: 'unchanged' }),
      finding('medium', { suppression: { source: 'vex', reason: 'not affected' } }),
      finding('medium', { status: 'false_positive' }),
      finding('medium', { baselineState: 'new' }),
    ]);
    expect(s).toEqual({ critical: 2, high: 0, medium: 1, low: 1, info: 1 });
  });
});

describe('buildReport', () => {
  it('sorts, summarises and gates', () => {
    const findings = [finding('low'), finding('info'), finding('critical'), finding('medium')];
    const r = buildReport(sampleRun(), findings, 'medium', '1.2.3');
    expect(r.findings.map((f) => f.severity)).toEqual(['critical', 'medium', 'low', 'info']);
    expect(r.summary).toEqual({ critical: 1, high: 0, medium: 1, low: 1, info: 1 });
    expect(r.gate).toEqual({ failOn: 'medium', failed: true, counted: 2, suppressed: 0, baselined: 0 });
    expect(r.toolVersion).toBe('1.2.3');
    expect(r.run.id).toBe(sampleRun().id);
    // the input is left alone
    expect(findings[0]!.severity).toBe('low');
  });
});
