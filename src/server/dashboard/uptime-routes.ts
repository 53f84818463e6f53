import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DEFAULT_SLO_PCT, configuredProbes, probeUrlOf, sloMapOf } from '../../audit/availability.js';
import type { VigilConfig } from '../../config/types.js';
import type { Ledger } from '../../ledger/ledger.js';
import type { ProbeSummary } from '../../ledger/uptime-store.js';
import { NO_QUERY } from '../schemas.js';
import type { Html } from './html.js';
import { perfTrend } from './perf-trend.js';
import { emptySummary, perfBody, uptimeBody, type ProbeView } from './uptime-pages.js';

/** Results of the last 24 hours drawn per probe at most (a probe every 30 s makes 2,880). */
export const DAY_RESULTS = 3_000;
/** Results listed per probe on /uptime. */
export const RECENT_RESULTS = 50;

export interface UptimePageDeps {
  ledger: Ledger;
  config?: VigilConfig;
  show: (request: FastifyRequest, reply: FastifyReply, title: string, active: string, body: Html) => FastifyReply;
}

/**
 * Every probe the overview and /uptime show: those with results (the store's summary) and the
 * configured ones without any yet, by name.
 */
export async function probeSummaries(ledger: Ledger, config: VigilConfig | undefined, now: Date): Promise<{ summaries: ProbeSummary[]; configured: Set<string> }> {
  const slo = sloMapOf(config);
  const configured = new Set(configuredProbes(config));
  const summaries = await ledger.uptime.summary(now, slo);
  const seen = new Set(summaries.map((s) => s.probe));
  for (const name of configured) {
    if (!seen.has(name)) summaries.push(emptySummary(name, probeUrlOf(config, name), slo.get(name) ?? DEFAULT_SLO_PCT));
  }
  summaries.sort((a, b) => a.probe.localeCompare(b.probe));
  return { summaries, configured };
}

/**
 * The overview panel's probe summaries, kept for `ttlMs`: the 30-day windows are an aggregate over
 * up to 43,200 results a probe (about 50 ms each on SQLite), and the overview is the page everyone
 * opens, while probes run a minute apart. /uptime and the API always read afresh.
 */
export class ProbeSummaryCache {
  private last: { at: number; summaries: ProbeSummary[] } | undefined;
  private running: Promise<ProbeSummary[]> | undefined;

  constructor(
    private readonly ledger: Ledger,
    private readonly config: VigilConfig | undefined,
    private readonly ttlMs = 15_000,
  ) {}

  async get(now: Date): Promise<ProbeSummary[]> {
    const last = this.last;
    if (last && now.getTime() - last.at >= 0 && now.getTime() - last.at < this.ttlMs) return last.summaries;
    // one computation at a time: views arriving meanwhile wait for it rather than start their own
    this.running ??= probeSummaries(this.ledger, this.config, now)
      .then(({ summaries }) => {
        this.last = { at: now.getTime(), summaries };
        return summaries;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }
}

/** The /uptime and /perf pages (their rows of PAGES decide who sees them). */
export function uptimePageRoutes(app: FastifyInstance, deps: UptimePageDeps): void {
  const { ledger } = deps;

  app.get('/uptime', { schema: { querystring: NO_QUERY } }, async (request, reply) => {
    const now = new Date();
    const { summaries, configured } = await probeSummaries(ledger, deps.config, now);
    const from = new Date(now.getTime() - 24 * 3_600_000).toISOString();
    const views: ProbeView[] = await Promise.all(
      summaries.map(async (summary) => {
        const [day, recent] = await Promise.all([
          ledger.uptime.results(summary.probe, { from, to: now.toISOString(), limit: DAY_RESULTS }),
          ledger.uptime.results(summary.probe, { limit: RECENT_RESULTS }),
        ]);
        return { summary, configured: configured.has(summary.probe), day, dayTruncated: day.length >= DAY_RESULTS, recent };
      }),
    );
    return deps.show(request, reply, 'Uptime', '/uptime', uptimeBody(views, now));
  });

  app.get('/perf', { schema: { querystring: NO_QUERY } }, async (request, reply) => {
    return deps.show(request, reply, 'Performance', '/perf', perfBody(await perfTrend(ledger)));
  });
}
