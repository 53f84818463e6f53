import type { FastifyPluginAsync } from 'fastify';
import { VigilError } from '../../errors.js';
import type { Ledger } from '../../ledger/ledger.js';
import { ACTIVE_STATUSES } from '../../model/finding.js';
import { FAIL_ON, SEVERITIES, meetsThreshold, type FailOn, type Severity } from '../../model/severity.js';
import { NO_QUERY, RUN_SCHEMA, responses } from '../schemas.js';

const COUNTS_SCHEMA = {
  type: 'object',
  required: [...SEVERITIES],
  properties: Object.fromEntries(SEVERITIES.map((s) => [s, { type: 'integer' }])),
} as const;

/** `/api/runs` and `/api/gate`: the recorded runs, and the gate's verdict on the newest. */
export function runsRoutes(ledger: Ledger): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: { limit: number; trigger?: string } }>(
      '/api/runs',
      {
        schema: {
          tags: ['runs'],
          summary: 'Recorded runs, newest first',
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              limit: { type: 'integer', minimum: 1, maximum: 500, default: 20 },
              trigger: { type: 'string', minLength: 1, maxLength: 200, description: 'only runs of this trigger (`cli`, `schedule:NAME`, `start:NAME`)' },
            },
          },
          response: responses({ 200: { type: 'object', required: ['runs'], properties: { runs: { type: 'array', items: RUN_SCHEMA } } } }),
        },
      },
      async (request) => ({ runs: await ledger.listRuns({ limit: request.query.limit, ...(request.query.trigger ? { trigger: request.query.trigger } : {}) }) }),
    );

    app.get<{ Params: { id: string } }>(
      '/api/runs/:id',
      {
        schema: {
          tags: ['runs'],
          summary: 'One run with its parts',
          params: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,100}$' } } },
          querystring: NO_QUERY,
          response: responses({ 200: { type: 'object', required: ['run'], properties: { run: RUN_SCHEMA } } }),
        },
      },
      async (request) => {
        const run = await ledger.getRun(request.params.id);
        if (!run) throw new VigilError('VIGIL_ERR_RUN_NOT_FOUND', `no run with id ${request.params.id}`);
        return { run };
      },
    );

    app.get<{ Querystring: { failOn: FailOn } }>(
      '/api/gate',
      {
        schema: {
          tags: ['runs'],
          summary: 'The gate\'s verdict on the newest run',
          description:
            'The newest run\'s findings as the ledger holds them now: `counts` are its live findings (open, reopened or triaged) ' +
            'by severity, and `failed` says whether any is at or above `failOn` (info never fails, `none` never does). ' +
            'Accepted and false-positive findings do not count; a suppression file or baseline given to `vigil scan` is not applied here.',
          querystring: {
            type: 'object',
            additionalProperties: false,
            required: ['failOn'],
            properties: { failOn: { type: 'string', enum: [...FAIL_ON] } },
          },
          response: responses({
            200: {
              type: 'object',
              required: ['runId', 'failOn', 'failed', 'counts'],
              properties: { runId: { type: 'string' }, failOn: { type: 'string', enum: [...FAIL_ON] }, failed: { type: 'boolean' }, counts: COUNTS_SCHEMA },
            },
          }),
        },
      },
      async (request) => {
        const failOn = request.query.failOn;
        const [run] = await ledger.listRuns({ limit: 1 });
        if (!run) throw new VigilError('VIGIL_ERR_RUN_NOT_FOUND', 'no run is recorded yet: there is nothing to gate');
        const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
        for (const c of await ledger.findingCounts({ lastRunId: run.id })) {
          if (ACTIVE_STATUSES.includes(c.status)) counts[c.severity] += c.count;
        }
        const failed = SEVERITIES.some((s) => counts[s] > 0 && meetsThreshold(s, failOn));
        return { runId: run.id, failOn, failed, counts };
      },
    );
  };
}
