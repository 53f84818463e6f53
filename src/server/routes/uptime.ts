import type { FastifyPluginAsync } from 'fastify';
import { configuredProbes } from '../../audit/availability.js';
import type { VigilConfig } from '../../config/types.js';
import { VigilError } from '../../errors.js';
import type { Ledger } from '../../ledger/ledger.js';
import { PERF_DEFAULT_POINTS, PERF_SCAN_RUNS, perfTrend } from '../dashboard/perf-trend.js';
import { probeSummaries } from '../dashboard/uptime-routes.js';
import { PERF_POINT_SCHEMA, PROBE_RESULT_SCHEMA, PROBE_SUMMARY_SCHEMA, responses } from '../schemas.js';

export interface UptimeRouteDeps {
  ledger: Ledger;
  /** The probes and their SLOs (`uptime:` in vigil.yaml). */
  config?: VigilConfig;
}

const DAY = 86_400_000;
const DATE_OR_TIME = {
  type: 'string',
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$',
} as const;

/** A query's date or time as ISO; a bare date as the start of that day, or (`end`) the start of the next, so `to=2026-12-01` takes the whole day. */
function isoOf(s: string, name: string, end: boolean): string {
  const dateOnly = s.length === 10;
  const t = Date.parse(dateOnly ? `${s}T00:00:00.000Z` : s);
  // Date.parse rolls 2026-02-30 over into March: a day the calendar lacks is refused instead
  const [y, m, d] = s.slice(0, 10).split('-').map(Number) as [number, number, number];
  const real = new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
  if (Number.isNaN(t) || !real) throw new VigilError('VIGIL_ERR_API_INVALID', `querystring/${name} "${s}" is not a date or time`);
  return new Date(dateOnly && end ? t + DAY : t).toISOString();
}

/** `/api/uptime` and `/api/perf`: availability of vigil serve's uptime probes, and the perf trend over runs. */
export function uptimeRoutes(deps: UptimeRouteDeps): FastifyPluginAsync {
  const { ledger } = deps;
  return async (app) => {
    app.get(
      '/api/uptime',
      {
        schema: {
          tags: ['uptime'],
          summary: 'Availability of every uptime probe',
          description:
            'Each probe the ledger has results for, and each configured probe without any yet: its availability over the last 24 h, 7 d and 30 d ' +
            '(the share of checks that passed), its last result, its failures in a row, and whether its 30-day availability meets its SLO.',
          querystring: { type: 'object', additionalProperties: false, properties: {} },
          response: responses({ 200: { type: 'object', required: ['probes'], properties: { probes: { type: 'array', items: PROBE_SUMMARY_SCHEMA } } } }),
        },
      },
      async () => ({ probes: (await probeSummaries(ledger, deps.config, new Date())).summaries }),
    );

    app.get<{ Params: { probe: string }; Querystring: { limit: number; from?: string; to?: string } }>(
      '/api/uptime/:probe/results',
      {
        schema: {
          tags: ['uptime'],
          summary: "A probe's results, newest first",
          description: '`from` (inclusive) and `to` (exclusive) take a date or an ISO time; a bare `to` date takes that whole day.',
          params: { type: 'object', additionalProperties: false, required: ['probe'], properties: { probe: { type: 'string', minLength: 1, maxLength: 100 } } },
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 }, from: DATE_OR_TIME, to: DATE_OR_TIME },
          },
          response: responses({ 200: { type: 'object', required: ['results'], properties: { results: { type: 'array', items: PROBE_RESULT_SCHEMA } } } }),
        },
      },
      async (request) => {
        const { probe } = request.params;
        const q = request.query;
        const from = q.from ? isoOf(q.from, 'from', false) : undefined;
        const to = q.to ? isoOf(q.to, 'to', true) : undefined;
        if (from && to && from >= to) throw new VigilError('VIGIL_ERR_API_INVALID', `querystring: from (${from}) is not before to (${to})`);
        const results = await ledger.uptime.results(probe, { limit: q.limit, ...(from ? { from } : {}), ...(to ? { to } : {}) });
        // no result in the window: a probe the config names, or one with results elsewhere in time, is known; any other is not
        if (results.length === 0 && !configuredProbes(deps.config).includes(probe)) {
          const ever = from || to ? await ledger.uptime.results(probe, { limit: 1 }) : results;
          if (ever.length === 0) throw new VigilError('VIGIL_ERR_API_NOT_FOUND', `no uptime probe named "${probe}": it is not in the config and the ledger has no result of it`);
        }
        return { results };
      },
    );

    app.get<{ Querystring: { target?: string; limit: number } }>(
      '/api/perf',
      {
        schema: {
          tags: ['runs'],
          summary: 'The perf trend: the last perf runs of each target',
          description:
            `The perf parts (scanner \`perf\`) of the newest ${PERF_SCAN_RUNS} runs, oldest first per target, at most \`limit\` per target: each with the figures its run stored ` +
            '(requests/s, latency percentiles and error rate at the expected load and at 10×, memory growth) and its budget breaks. ' +
            '`loadGenerator.sharedCores` says the load came from the same machine as the server.',
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { target: { type: 'string', minLength: 1, maxLength: 200 }, limit: { type: 'integer', minimum: 1, maximum: 200, default: PERF_DEFAULT_POINTS } },
          },
          response: responses({
            200: {
              type: 'object',
              required: ['targets', 'runsScanned'],
              properties: {
                targets: {
                  type: 'array',
                  items: {
                    type: 'object',
                    additionalProperties: true,
                    required: ['target', 'url', 'sharedCores', 'points'],
                    properties: { target: { type: 'string' }, url: { type: 'string' }, sharedCores: { type: 'boolean' }, points: { type: 'array', items: PERF_POINT_SCHEMA } },
                  },
                },
                runsScanned: { type: 'integer' },
              },
            },
          }),
        },
      },
      async (request) => perfTrend(ledger, { limit: request.query.limit, ...(request.query.target ? { target: request.query.target } : {}) }),
    );
  };
}
