import { randomUUID } from 'node:crypto';
import { createFinding } from '../model/create.js';
import type { RunResult, TargetedFinding } from '../model/run.js';
import { redactUrlCredentials } from '../util/redact.js';

/** The scanner id uptime runs are recorded under (not a registered scanner: nothing to scan on demand). */
export const UPTIME_SCANNER = 'uptime';
export const UPTIME_SCANNER_VERSION = 1;
export const PROBE_DOWN_RULE = 'uptime-probe-down';
export const SLO_BREACH_RULE = 'uptime-slo-breach';

/** What is wrong with a probe now: what its next run records. */
export interface ProbeState {
  /** Failing `failures` or more times in a row. */
  down?: { since: string; failures: number; lastError: string };
  /** 30-day availability under the SLO. */
  sloBreach?: { availabilityPct: number; sloPct: number; checks: number; up: number };
}

/** The run trigger of a probe's state changes. */
export function uptimeTrigger(probe: string): string {
  return `uptime:${probe}`;
}

function pct(n: number): string {
  return `${Number(n.toFixed(3))} %`;
}

/**
 * The findings a probe's state makes. Fingerprints are rule + probe + URL: the same outage seen
 * again (or the next) is the same finding, reopened, never a new one per failure.
 */
export function probeFindings(probe: { name: string; url: string }, state: ProbeState): TargetedFinding[] {
  const url = redactUrlCredentials(probe.url);
  const location = { kind: 'web' as const, url, method: 'GET' };
  const out: TargetedFinding[] = [];
  if (state.down) {
    const d = state.down;
    out.push({
      ...createFinding({
        scanner: UPTIME_SCANNER,
        ruleId: PROBE_DOWN_RULE,
        title: `Health check ${probe.name} is failing`,
        severity: 'high',
        confidence: 'high',
        location,
        fingerprintContext: probe.name,
        evidence: `${d.failures} probes in a row failed since ${d.since}; the last: ${redactUrlCredentials(d.lastError)}`,
        remediation: 'Restore the service behind the health URL (or fix what the probe reports: its status, body or TLS certificate); the finding is fixed by the first probe that succeeds.',
        controls: ['SOC2:CC7.2', 'ISO27001:A.8.16'],
        tags: ['availability'],
        properties: { probe: probe.name, since: d.since, failures: d.failures },
      }),
      target: probe.name,
    });
  }
  if (state.sloBreach) {
    const s = state.sloBreach;
    out.push({
      ...createFinding({
        scanner: UPTIME_SCANNER,
        ruleId: SLO_BREACH_RULE,
        title: `Availability of ${probe.name} is below its SLO`,
        severity: 'medium',
        confidence: 'high',
        location,
        fingerprintContext: probe.name,
        evidence: `30-day availability ${pct(s.availabilityPct)} is below the SLO of ${pct(s.sloPct)} (${s.up} of ${s.checks} probes up)`,
        remediation: 'Find the outages behind the lost availability (the probe results in the dashboard) and address their causes; the finding is fixed when 30-day availability is back at or above the SLO.',
        controls: ['SOC2:CC7.2', 'ISO27001:A.8.16'],
        tags: ['availability'],
        properties: { probe: probe.name, availabilityPct: s.availabilityPct, sloPct: s.sloPct, checks: s.checks },
      }),
      target: probe.name,
    });
  }
  return out;
}

/**
 * A complete run of the `uptime` scanner on one probe holding exactly the findings of its state:
 * ingested, a finding left out becomes fixed, the gate, incidents and alerts treat it as any run's.
 */
export function probeRun(probe: { name: string; url: string }, state: ProbeState, now: Date): RunResult {
  const at = now.toISOString();
  const findings = probeFindings(probe, state);
  return {
    run: {
      id: randomUUID(),
      trigger: uptimeTrigger(probe.name),
      startedAt: at,
      finishedAt: at,
      status: 'complete',
      parts: [{ scanner: UPTIME_SCANNER, scannerVersion: UPTIME_SCANNER_VERSION, target: probe.name, status: 'complete', error: null, findings: findings.length, startedAt: at, finishedAt: at }],
    },
    findings,
    errors: new Map(),
  };
}
