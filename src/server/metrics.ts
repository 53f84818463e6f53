import type { FastifyInstance } from 'fastify';
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Ledger } from '../ledger/ledger.js';
import { FINDING_STATUSES } from '../model/finding.js';
import { SEVERITIES } from '../model/severity.js';

/**
 * The server's Prometheus metrics, every name starting `vigil_`: request durations by route, method
 * and status; the findings by severity and status and the ledger's head, read from the ledger at
 * each scrape; and the process's own (memory, CPU, event loop). One registry per server, so two
 * servers in one process (tests) never share counts.
 */
export function installMetrics(app: FastifyInstance, ledger: Ledger, opts: { processMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  if (opts.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'vigil_' });
  const duration = new Histogram({
    name: 'vigil_http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by route (the registered pattern, or "unmatched"), method and status code',
    labelNames: ['route', 'method', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Gauge({
    name: 'vigil_findings',
    help: 'Findings in the ledger by severity and status, counted when scraped',
    labelNames: ['severity', 'status'] as const,
    registers: [registry],
    async collect() {
      const counts = await ledger.findingCounts();
      this.reset();
      // every pair is reported, zeros included, so a series never vanishes when its last finding moves on
      for (const severity of SEVERITIES) for (const status of FINDING_STATUSES) this.set({ severity, status }, 0);
      for (const c of counts) this.set({ severity: c.severity, status: c.status }, c.count);
    },
  });
  new Gauge({
    name: 'vigil_ledger_events',
    help: 'Events in the ledger\'s hash chain (the head\'s sequence number), read when scraped',
    registers: [registry],
    async collect() {
      this.set((await ledger.head()).seq);
    },
  });
  app.addHook('onResponse', async (request, reply) => {
    // the pattern, never the raw URL: ids and typos must not become label values
    const route = request.routeOptions.url ?? 'unmatched';
    duration.observe({ route, method: request.method, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  return registry;
}
