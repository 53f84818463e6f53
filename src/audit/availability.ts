import { DEFAULT_UPTIME, type VigilConfig } from '../config/types.js';
import type { Ledger } from '../ledger/ledger.js';
import type { PeriodAvailability } from '../ledger/uptime-store.js';
import type { Run } from '../model/run.js';
import { redactUrlCredentials } from '../util/redact.js';
import { levelOf, perfPoints } from './perf-facts.js';

/** The SLO a probe has when the config does not name it (percent over 30 days). */
export const DEFAULT_SLO_PCT: number = DEFAULT_UPTIME.sloPct;

/** Whether a probe met its SLO in a period: `no-data` when it made no check there. */
export type SloVerdict = 'met' | 'breached' | 'no-data';

/** One probe's availability in the report period, with its SLO verdict. */
export interface AuditProbe extends PeriodAvailability {
  /** The SLO the verdict was judged against (the probe's as configured, else 99.9). */
  sloPct: number;
  verdict: SloVerdict;
  /** Named in the config when the report was made (a probe removed since still shows its results). */
  configured: boolean;
}

/** The last perf run of a target in the period, against its budget. */
export interface AuditPerfBudget {
  target: string;
  runId: string;
  at: string;
  url: string;
  /** At 10× the expected load; null when the run did not get that far (a failed health check skips the load). */
  p95Ms: number | null;
  connections: number | null;
  errorRatePct: number | null;
  /** Budget breaks the scanner found in that run (each a finding). */
  breaks: number;
  verdict: 'within budget' | 'over budget' | 'not measured';
  /** The health check before the load passed (when it failed, the load was not run). */
  healthOk: boolean;
  /** The load generator shared the machine's cores with the server (its figures are a lower bound). */
  sharedCores: boolean;
}

/** The audit report's availability section: uptime probes against their SLOs, and the perf budgets. */
export interface AuditAvailability {
  /** Probe names in the config when the report was made (empty: no probe is configured). */
  configured: string[];
  /** Every probe configured or with results in the period, by name. */
  probes: AuditProbe[];
  perf: AuditPerfBudget[];
}

/** The configured probes' SLOs by name (each resolved by the config: the probe's own, else `uptime.slo`), for the store's `summary` and `period`. */
export function sloMapOf(config: VigilConfig | undefined): Map<string, number> {
  return new Map((config?.uptime?.probes ?? []).map((p) => [p.name, p.sloPct]));
}

/** The probe names the config has, in its order. */
export function configuredProbes(config: VigilConfig | undefined): string[] {
  return (config?.uptime?.probes ?? []).map((p) => p.name);
}

/**
 * Availability as text, three decimals rounded down: rounding up could show 99.900 % for a probe
 * at 99.8995 % that breached a 99.9 % SLO (the 1e-6 keeps a float such as 99.89999999999999 for
 * 999 of 1000 from reading as 99.899).
 */
export function formatAvailability(p: number | null): string {
  return p === null ? '–' : `${(Math.floor(p * 1000 + 1e-6) / 1000).toFixed(3)} %`;
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
