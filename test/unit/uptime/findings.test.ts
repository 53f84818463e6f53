import { describe, expect, it } from 'vitest';
import { PROBE_DOWN_RULE, SLO_BREACH_RULE, probeFindings, probeRun } from '../../../src/uptime/findings.js';
import { describeExpected, statusAccepted } from '../../../src/uptime/probe.js';

const probe = { name: 'shop', url: 'https://ops:s3cret@shop.example/healthz' };
const down = { since: '2026-12-01T10:00:00.000Z', failures: 3, lastError: 'connection refused' };
const slo = { availabilityPct: 99.5, sloPct: 99.9, checks: 1000, up: 995 };

describe('uptime findings', () => {
  it('makes one finding per rule from the state, on the probe as target, with credentials redacted', () => {
    const fs = probeFindings(probe, { down, sloBreach: slo });
    expect(fs.map((f) => [f.ruleId, f.severity, f.target])).toEqual([
      [PROBE_DOWN_RULE, 'high', 'shop'],
      [SLO_BREACH_RULE, 'medium', 'shop'],
    ]);
    expect(fs[0]!.location).toEqual({ kind: 'web', url: 'https://ops:***@shop.example/healthz', method: 'GET' });
    expect(fs[0]!.evidence).toBe('3 probes in a row failed since 2026-12-01T10:00:00.000Z; the last: connection refused');
    expect(fs[1]!.evidence).toBe('30-day availability 99.5 % is below the SLO of 99.9 % (995 of 1000 probes up)');
    expect(JSON.stringify(fs)).not.toContain('s3cret');
    expect(probeFindings(probe, {})).toEqual([]);
  });

  it('fingerprints by rule, probe and URL only: not by the failure count, the time or the error', () => {
    const a = probeFindings(probe, { down })[0]!;
    const b = probeFindings(probe, { down: { since: '2026-12-02T00:00:00.000Z', failures: 9, lastError: 'timeout after 10 s' } })[0]!;
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(probeFindings({ ...probe, name: 'other' }, { down })[0]!.fingerprint).not.toBe(a.fingerprint);
    expect(probeFindings({ ...probe, url: 'https://shop.example/health' }, { down })[0]!.fingerprint).not.toBe(a.fingerprint);
    expect(probeFindings(probe, { sloBreach: slo })[0]!.fingerprint).not.toBe(a.fingerprint);
  });

  it('records the state as one complete part of the uptime scanner', () => {
    const now = new Date('2026-12-01T10:05:00.000Z');
    const r = probeRun(probe, { down }, now);
    expect(r.run).toMatchObject({ trigger: 'uptime:shop', status: 'complete', startedAt: now.toISOString(), finishedAt: now.toISOString() });
    expect(r.run.parts).toEqual([{ scanner: 'uptime', scannerVersion: 1, target: 'shop', status: 'complete', error: null, findings: 1, startedAt: now.toISOString(), finishedAt: now.toISOString() }]);
    expect(probeRun(probe, {}, now).run.parts[0]!.findings).toBe(0);
  });
});

describe('expected statuses', () => {
  it.each([
    [200, ['2xx'], true],
    [204, ['2xx'], true],
    [301, ['2xx'], false],
    [301, [200, '3xx'], true],
    [200, [204], false],
    [503, [503], true],
  ] as const)('%d against %j: %s', (code, status, ok) => {
    expect(statusAccepted(code, status)).toBe(ok);
  });

  it('says what it expected', () => {
    expect(describeExpected(['2xx'])).toBe('2xx');
    expect(describeExpected([200, '3xx'])).toBe('200, 3xx');
  });
});
