import { readFileSync } from 'node:fs';
import { Gauge, type Registry } from 'prom-client';
import type { UptimeProbeConfig } from '../config/types.js';
import { describeError } from '../errors.js';
import type { IngestSummary, Ledger } from '../ledger/ledger.js';
import type { ProbeResult, ProbeSummary } from '../ledger/uptime-store.js';
import type { RunResult } from '../model/run.js';
import type { Logger } from '../util/logger.js';
import { redactUrlCredentials } from '../util/redact.js';
import { PROBE_DOWN_RULE, SLO_BREACH_RULE, UPTIME_SCANNER, probeRun, type ProbeState } from './findings.js';
import { probeOnce, type ProbeSpec } from './probe.js';

/** A probe's SLO is looked at again at least this often while nothing else asks for it. */
const SLO_EVERY_MS = 5 * 60_000;
/** The availability figures of all probes are shared for at most this long (one query serves every probe). */
const SUMMARY_TTL_MS = 15_000;
/** Statuses of a finding that is still in the ledger's view (anything but fixed). */
const LIVE = ['open', 'reopened', 'triaged', 'accepted', 'false_positive'] as const;

export interface ProberOptions {
  probes: readonly UptimeProbeConfig[];
  ledger: Ledger;
  logger: Logger;
  /** May this instance probe now? (The scheduler's leader among `vigil serve --queue` instances.) Always, when absent. */
  isLeader?: () => boolean;
  /** After a probe's state change is ingested as a run: `vigil serve`'s after-ingest hook (incidents, alerts). */
  afterIngest?: (result: RunResult, summary: IngestSummary, ingestedAt: Date) => Promise<void>;
  /** Per-probe gauges go here (the server's /metrics registry). */
  registry?: Registry;
  /** Every probe's interval, overriding the config (tests). */
  everyMs?: number;
  userAgent?: string;
  /** Each recorded result (tests, progress). */
  onResult?: (r: ProbeResult) => void;
  now?: () => Date;
}

/** One configured probe and what the prober knows of it. */
interface Probe {
  cfg: UptimeProbeConfig;
  spec: ProbeSpec;
  everyMs: number;
  /** Read from the ledger on the first probe (and again after leadership was lost and regained). */
  known: boolean;
  failures: number;
  /** When the current run of failures began. */
  since: string | null;
  lastError: string | null;
  /** What the ledger holds: a finding that is not fixed, for each rule. */
  reportedDown: boolean;
  reportedSlo: boolean;
  sloBreach: ProbeState['sloBreach'];
  sloCheckedAt: number;
  lastOk: boolean | null;
}

/**
 * `vigil serve`'s uptime prober: probes each configured health URL on its interval (probes of
 * different URLs concurrently, one probe never overlapping itself), records every result in the
 * ledger, and records a run of the `uptime` scanner whenever a probe's state changes (down after
 * N failures in a row, up again, below or back at its SLO) so findings, the gate, incidents and
 * alerts follow as they do for scans. Nothing is ingested per probe, only per change.
 */
export class Prober {
  private readonly probes: Probe[] = [];
  private readonly stopping = new AbortController();
  private loops: Promise<void>[] = [];
  private summaryCache: { at: number; list: Promise<ProbeSummary[]> } | undefined;
  private readonly gauges: { up: Gauge; latency: Gauge; failures: Gauge; tlsDays: Gauge; availability: Gauge } | undefined;
  private readonly now: () => Date;

  constructor(private readonly opts: ProberOptions) {
    this.now = opts.now ?? (() => new Date());
    for (const cfg of opts.probes) {
      let ca: string | undefined;
      if (cfg.ca) {
        try {
          ca = readFileSync(cfg.ca, 'utf8');
        } catch (e) {
          // one unreadable CA costs its probe (said loudly), not the server or the other probes
          opts.logger.error(`uptime: probe ${cfg.name} not started: cannot read its ca ${cfg.ca}: ${(e as NodeJS.ErrnoException).code ?? describeError(e)}`);
          continue;
        }
      }
      this.probes.push({
        cfg,
        spec: {
          name: cfg.name,
          url: cfg.url,
          status: cfg.status,
          ...(cfg.body !== undefined ? { body: cfg.body } : {}),
          ...(ca ? { ca } : {}),
          tlsMinDays: cfg.tlsMinDays,
          timeoutMs: cfg.timeoutSeconds * 1000,
          ...(opts.userAgent ? { userAgent: opts.userAgent } : {}),
        },
        everyMs: opts.everyMs ?? cfg.everySeconds * 1000,
        known: false,
        failures: 0,
        since: null,
        lastError: null,
        reportedDown: false,
        reportedSlo: false,
        sloBreach: undefined,
        sloCheckedAt: 0,
        lastOk: null,
      });
    }
    const registers = opts.registry ? [opts.registry] : undefined;
    this.gauges = registers
      ? {
          up: new Gauge({ name: 'vigil_uptime_probe_up', help: 'Whether the last probe of the health URL succeeded (1) or failed (0)', labelNames: ['probe'], registers }),
          latency: new Gauge({ name: 'vigil_uptime_probe_latency_seconds', help: 'How long the last probe took', labelNames: ['probe'], registers }),
          failures: new Gauge({ name: 'vigil_uptime_probe_consecutive_failures', help: 'Failed probes in a row', labelNames: ['probe'], registers }),
          tlsDays: new Gauge({ name: 'vigil_uptime_probe_tls_days_left', help: 'Days until the certificate of an https health URL expires', labelNames: ['probe'], registers }),
          availability: new Gauge({ name: 'vigil_uptime_probe_availability_ratio', help: 'Share of probes up over the last 30 days (as last computed)', labelNames: ['probe'], registers }),
        }
      : undefined;
  }

  /** The probes that run (those whose CA file could be read). */
  get names(): string[] {
    return this.probes.map((p) => p.cfg.name);
  }

  /** Start every probe's loop; the first probe of each is now. */
  start(): void {
    if (this.loops.length) return;
    this.loops = this.probes.map((p) => this.loop(p));
  }

  /** Stop probing: probes in flight are abandoned (not recorded), the loops end, no timer is left. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.loops);
    this.loops = [];
  }

  private async loop(p: Probe): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      const started = Date.now();
      if (this.opts.isLeader?.() ?? true) {
        try {
          await this.tick(p);
        } catch (e) {
          this.opts.logger.error(`uptime: probe ${p.cfg.name}: ${describeError(e)}`);
        }
      } else {
        // another instance probes; what it records is read afresh if this one leads later
        p.known = false;
      }
      await sleep(Math.max(0, p.everyMs - (Date.now() - started)), signal);
    }
  }

  /** One probe: record its result, then whatever state change it makes. */
  private async tick(p: Probe): Promise<void> {
    if (!p.known) await this.learn(p);
    const r = await probeOnce(p.spec, { signal: this.stopping.signal, now: this.now });
    if (this.stopping.signal.aborted) return;
    await this.opts.ledger.uptime.record([r]);
    this.opts.onResult?.(r);
    this.observe(p, r);
    const recovered = r.ok && p.lastOk === false;
    p.lastOk = r.ok;
    if (r.ok) {
      p.failures = 0;
      p.since = null;
    } else {
      p.failures++;
      p.since ??= r.at;
      p.lastError = r.error;
    }
    const now = this.now();
    if (!r.ok || recovered || now.getTime() - p.sloCheckedAt >= SLO_EVERY_MS) await this.checkSlo(p, now, !r.ok || recovered);
    const down = !r.ok && (p.failures >= p.cfg.failures || p.reportedDown);
    const slo = p.sloBreach !== undefined;
    if (down !== p.reportedDown || slo !== p.reportedSlo) await this.report(p, down, now);
  }

  /** What the ledger says of a probe: its findings, its current run of failures. */
  private async learn(p: Probe): Promise<void> {
    const name = p.cfg.name;
    const page = await this.opts.ledger.listFindings({ scanner: UPTIME_SCANNER, target: name, status: [...LIVE], limit: 100 });
    p.reportedDown = page.findings.some((f) => f.ruleId === PROBE_DOWN_RULE);
    p.reportedSlo = page.findings.some((f) => f.ruleId === SLO_BREACH_RULE);
    const s = (await this.opts.ledger.uptime.summary(this.now())).find((x) => x.probe === name);
    p.failures = s?.consecutiveFailures ?? 0;
    p.lastOk = s?.last ? s.last.ok : null;
    p.lastError = s?.last?.error ?? null;
    p.since = null;
    if (p.failures > 0) {
      const streak = await this.opts.ledger.uptime.results(name, { limit: Math.min(p.failures, 50_000) });
      p.since = streak[streak.length - 1]?.at ?? null;
    }
    p.sloCheckedAt = 0;
    p.known = true;
  }

  /** Is the probe's 30-day availability under its SLO? (Shared figures, at most SUMMARY_TTL_MS old unless `fresh`.) */
  private async checkSlo(p: Probe, now: Date, fresh: boolean): Promise<void> {
    const ttl = Math.min(SUMMARY_TTL_MS, p.everyMs);
    if (fresh || !this.summaryCache || now.getTime() - this.summaryCache.at >= ttl) {
      const list = this.opts.ledger.uptime.summary(now, new Map(this.probes.map((x) => [x.cfg.name, x.cfg.sloPct])));
      list.catch(() => undefined);
      this.summaryCache = { at: now.getTime(), list };
    }
    const s = (await this.summaryCache.list).find((x) => x.probe === p.cfg.name);
    p.sloCheckedAt = now.getTime();
    const w = s?.windows['30d'];
    if (w?.availabilityPct !== null && w?.availabilityPct !== undefined) this.gauges?.availability.set({ probe: p.cfg.name }, w.availabilityPct / 100);
    p.sloBreach =
      w && w.availabilityPct !== null && w.availabilityPct < p.cfg.sloPct
        ? { availabilityPct: w.availabilityPct, sloPct: p.cfg.sloPct, checks: w.checks, up: w.up }
        : undefined;
  }

  /** Record the probe's state as a run of the uptime scanner, then tell serve's after-ingest hook. */
  private async report(p: Probe, down: boolean, now: Date): Promise<void> {
    const state: ProbeState = {
      ...(down ? { down: { since: p.since ?? now.toISOString(), failures: p.failures, lastError: p.lastError ?? 'failed' } } : {}),
      ...(p.sloBreach ? { sloBreach: p.sloBreach } : {}),
    };
    const result = probeRun({ name: p.cfg.name, url: p.cfg.url }, state, now);
    const summary = await this.opts.ledger.ingest(result, { now });
    const name = p.cfg.name;
    const url = redactUrlCredentials(p.cfg.url);
    const log = this.opts.logger;
    if (down && !p.reportedDown) log.warn(`uptime: ${name} (${url}) is down: ${p.failures} probes in a row failed since ${p.since}; the last: ${p.lastError}`);
    if (!down && p.reportedDown) log.info(`uptime: ${name} (${url}) is up again`);
    if (p.sloBreach && !p.reportedSlo) log.warn(`uptime: ${name} is below its SLO: ${p.sloBreach.availabilityPct.toFixed(3)} % over 30 days (SLO ${p.cfg.sloPct} %)`);
    if (!p.sloBreach && p.reportedSlo) log.info(`uptime: ${name} is back at or above its SLO of ${p.cfg.sloPct} %`);
    p.reportedDown = down;
    p.reportedSlo = p.sloBreach !== undefined;
    if (this.opts.afterIngest) {
      await this.opts.afterIngest(result, summary, now).catch((e: unknown) => log.error(`uptime: after run ${result.run.id} of ${name}: ${describeError(e)}`));
    }
  }

  private observe(p: Probe, r: ProbeResult): void {
    const g = this.gauges;
    if (!g) return;
    const labels = { probe: p.cfg.name };
    g.up.set(labels, r.ok ? 1 : 0);
    if (r.latencyMs !== null) g.latency.set(labels, r.latencyMs / 1000);
    g.failures.set(labels, r.ok ? 0 : p.failures + 1);
    if (r.tlsDaysLeft !== null) g.tlsDays.set(labels, r.tlsDaysLeft);
  }
}

/** Resolves after `ms`, or at once when `signal` aborts; leaves no timer behind. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Mark fixed the uptime findings of probes no longer in the config (a complete run without them),
 * so a probe removed while down does not stay open for ever. Returns the names so closed.
 */
export async function retireRemovedProbes(ledger: Ledger, configured: readonly string[], opts: { now?: Date; afterIngest?: ProberOptions['afterIngest'] } = {}): Promise<string[]> {
  const page = await ledger.listFindings({ scanner: UPTIME_SCANNER, status: [...LIVE], limit: 1000 });
  const keep = new Set(configured);
  const gone = new Map<string, string>();
  for (const f of page.findings) if (!keep.has(f.target) && f.location.kind === 'web') gone.set(f.target, f.location.url);
  const now = opts.now ?? new Date();
  for (const [name, url] of gone) {
    const result = probeRun({ name, url }, {}, now);
    const summary = await ledger.ingest(result, { now });
    await opts.afterIngest?.(result, summary, now);
  }
  return [...gone.keys()];
}
