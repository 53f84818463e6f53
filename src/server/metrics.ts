import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Ledger } from '../ledger/ledger.js';
import { FINDING_STATUSES } from '../model/finding.js';
import type { RunResult } from '../model/run.js';
import { SEVERITIES } from '../model/severity.js';

/** The server's metrics: its registry, and what the scheduler tells it about the runs it makes. */
export interface ServerMetrics {
  readonly registry: Registry;
  /**
   * Record a finished run: each part's duration by scanner and status, the run by status, and,
   * when the run was due at a known time (a scheduled or catch-up fire), how late it started.
   */
  observeRun(result: Pick<RunResult, 'run'>, opts?: { due?: Date }): void;
  /** Used by installMetrics: one request's duration. */
  observeRequest(labels: { route: string; method: string; status_code: string }, seconds: number): void;
}

export interface MetricsOptions {
  /** Collect the process's own metrics (memory, CPU, event loop); default true. */
  processMetrics?: boolean;
  /** The SQLite ledger's file: its size (with the write-ahead log) is reported at each scrape. */
  ledgerFile?: string;
}

const seconds = (from: string, to: string) => Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);

/** A file's size in bytes, 0 when it does not exist (a WAL checkpointed away). */
function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * The Prometheus metrics, every name starting `vigil_`: request durations by route, method and
 * status; scan durations by scanner and scheduler lag, fed by the runs; the findings by severity
 * and status, the ledger's head and (SQLite) file size, read from the ledger at each scrape; and the
 * process's own (memory, CPU, event loop). One registry per server, so two servers in one process
 * (tests) never share counts. `vigil serve` makes it before the scheduler, so runs can feed it.
 */
export function createMetrics(ledger: Ledger, opts: MetricsOptions = {}): ServerMetrics {
  const registry = new Registry();
  if (opts.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'vigil_' });
  const requestDuration = new Histogram({
    name: 'vigil_http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by route (the registered pattern, or "unmatched"), method and status code',
    labelNames: ['route', 'method', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const scanDuration = new Histogram({
    name: 'vigil_scan_duration_seconds',
    help: 'Duration of one scanner on one target in a run, in seconds, by scanner and part status (complete, partial, failed, …)',
    labelNames: ['scanner', 'status'] as const,
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
    registers: [registry],
  });
  const runs = new Counter({
    name: 'vigil_runs_total',
    help: 'Runs made by this server\'s scheduler, by trigger kind (schedule, catch-up, start, …) and run status',
    labelNames: ['trigger', 'status'] as const,
    registers: [registry],
  });
  const lag = new Histogram({
    name: 'vigil_scheduler_lag_seconds',
    help: 'Seconds between a schedule\'s due time and the start of its run (scheduled and catch-up runs)',
    labelNames: ['schedule'] as const,
    buckets: [0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 21_600, 86_400],
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
  if (opts.ledgerFile) {
    const file = resolve(opts.ledgerFile);
    new Gauge({
      name: 'vigil_ledger_file_bytes',
      help: 'Size of the SQLite ledger on disk (database file plus write-ahead log), in bytes, read when scraped',
      registers: [registry],
      collect() {
        this.set(sizeOf(file) + sizeOf(`${file}-wal`));
      },
    });
  }
  return {
    registry,
    observeRequest: (labels, s) => requestDuration.observe(labels, s),
    observeRun(result, o = {}) {
      for (const p of result.run.parts) scanDuration.observe({ scanner: p.scanner, status: p.status }, seconds(p.startedAt, p.finishedAt));
      // the trigger's kind only (`schedule:nightly` → `schedule`): schedule names go to the lag's label
      const [kind, schedule] = result.run.trigger.split(':', 2);
      runs.inc({ trigger: kind ?? result.run.trigger, status: result.run.status });
      if (o.due) lag.observe({ schedule: schedule ?? result.run.trigger }, seconds(o.due.toISOString(), result.run.startedAt));
    },
  };
}

/**
 * Time every request into the metrics (made here when not given) and return their registry for
 * `/metrics`.
 */
export function installMetrics(app: FastifyInstance, ledger: Ledger, opts: MetricsOptions & { metrics?: ServerMetrics } = {}): Registry {
  const metrics = opts.metrics ?? createMetrics(ledger, opts);
  app.addHook('onResponse', async (request, reply) => {
    // the pattern, never the raw URL: ids and typos must not become label values
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observeRequest({ route, method: request.method, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  return metrics.registry;
}
