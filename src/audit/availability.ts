import { DEFAULT_UPTIME, type VigilConfig } from '../config/types.js';
import type { Ledger } from '../ledger/ledger.js';
import type { AuditAvailability, AuditPerfBudget, AuditProbe, SloVerdict } from '../../reports/audit/model.js';
import type { Run } from '../model/run.js';
import { redactUrlCredentials } from '../util/redact.js';
import { levelOf, perfPoints } from './perf-facts.js';

/** The SLO a probe has when the config does not name it (percent over 30 days). */
export const DEFAULT_SLO_PCT: number = DEFAULT_UPTIME.sloPct;

/** The configured probes' SLOs by name (each resolved by the config: the probe's own, else `uptime.slo`), for the store's `summary` and `period`. */
export function sloMapOf(config: VigilConfig | undefined): Map<string, number> {
  return new Map((config?.uptime?.probes ?? []).map((p) => [p.name, p.sloPct]));
}

/** The probe names the config has, in its order. */
export function configuredProbes(config: VigilConfig | undefined): string[] {
  return (config?.uptime?.probes ?? []).map((p) => p.name);
}

/** Availability verdict of a share of checks against an SLO. */
export function verdictOf(availabilityPct: number | null, sloPct: number): SloVerdict {
  return availabilityPct === null ? 'no-data' : availabilityPct >= sloPct ? 'met' : 'breached';
}

/** Availability per probe in the period (from the uptime store) and the last perf run of each target among `runs`. */
export async function gatherAvailability(ledger: Ledger, config: VigilConfig, period: { from: string; to: string }, runs: readonly Run[]): Promise<AuditAvailability> {
  const configured = configuredProbes(config);
  const slo = sloMapOf(config);
  const fallback = DEFAULT_SLO_PCT;
  const measured = await ledger.uptime.period(period, slo);
  const byName = new Map(measured.map((p) => [p.probe, p]));
  const probes: AuditProbe[] = measured.map((p) => {
    const sloPct = p.sloPct ?? slo.get(p.probe) ?? fallback;
    return { ...p, sloPct, verdict: verdictOf(p.availabilityPct, sloPct), configured: configured.includes(p.probe) };
  });
  // a configured probe that made no check in the period is what an auditor most needs to see
  for (const name of configured) {
    if (byName.has(name)) continue;
    const sloPct = slo.get(name) ?? fallback;
    probes.push({ probe: name, url: probeUrlOf(config, name), checks: 0, up: 0, availabilityPct: null, longestOutageMinutes: 0, outages: 0, sloPct, chainHead: null, verdict: 'no-data', configured: true });
  }
  probes.sort((a, b) => a.probe.localeCompare(b.probe));

  const last = new Map<string, ReturnType<typeof perfPoints>[number]>();
  for (const p of perfPoints(runs)) last.set(p.target, p); // oldest first: the last one kept is the newest
  const perf: AuditPerfBudget[] = [...last.values()]
    .sort((a, b) => a.target.localeCompare(b.target))
    .map((p) => {
      const peak = levelOf(p.perf, '10x');
      return {
        target: p.target,
        runId: p.runId,
        at: p.at,
        url: p.perf.url,
        p95Ms: peak?.latencyMs.p95 ?? null,
        connections: peak?.connections ?? null,
        errorRatePct: peak?.errorRatePct ?? null,
        breaks: p.findings,
        // no 10× level: the health check failed (the load was skipped) or the part did not complete
        verdict: p.status !== 'complete' || !peak ? 'not measured' : p.findings > 0 ? 'over budget' : 'within budget',
        healthOk: p.perf.health.ok,
        sharedCores: p.perf.loadGenerator.sharedCores,
      };
    });
  return { configured, probes, perf };
}

/** A configured probe's URL, credentials redacted ('' when the config has no such probe). */
export function probeUrlOf(config: VigilConfig | undefined, name: string): string {
  const url = config?.uptime?.probes.find((p) => p.name === name)?.url;
  // a health URL may carry a user and password: shown as the store shows it, redacted
  return url ? redactUrlCredentials(url) : '';
}
