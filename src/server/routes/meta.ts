import type { FastifyPluginAsync } from 'fastify';
import type { Registry } from 'prom-client';
import type { Ledger } from '../../ledger/ledger.js';
import { ERROR_SCHEMA } from '../error-reply.js';
import { NO_QUERY } from '../schemas.js';

export interface MetaDeps {
  ledger: Ledger;
  version: string;
  schedules: () => { name: string; cron: string; running: boolean }[];
  metrics: Registry;
}

/** `/healthz`, `/readyz`, `/metrics` and `/api/openapi.json`: the server about itself. */
export function metaRoutes(deps: MetaDeps): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/healthz',
      {
        schema: {
          tags: ['meta'],
          summary: 'Liveness, with the ledger\'s kind and event count and the schedules',
          querystring: NO_QUERY,
          response: {
            200: { type: 'object', additionalProperties: true, required: ['status', 'version', 'ledger', 'schedules'], properties: { status: { type: 'string' }, version: { type: 'string' } } },
            503: { type: 'object', additionalProperties: true, properties: { status: { type: 'string' }, error: { type: 'string' } } },
          },
        },
      },
      async (_req, reply) => {
        try {
          const head = await deps.ledger.head();
          return { status: 'ok', version: deps.version, ledger: { kind: deps.ledger.kind, events: head.seq }, schedules: deps.schedules() };
        } catch (e) {
          return reply.code(503).send({ status: 'unavailable', error: (e as Error).message });
        }
      },
    );

    app.get(
      '/readyz',
      {
        schema: {
          tags: ['meta'],
          summary: 'Readiness: 200 when the ledger answers, 503 when it does not',
          querystring: NO_QUERY,
          response: { 200: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ready'] } } }, 503: ERROR_SCHEMA },
        },
      },
      async (request, reply) => {
        try {
          await deps.ledger.head();
          return { status: 'ready' };
        } catch (e) {
          request.log.error({ err: e }, 'readyz: the ledger does not answer');
          return reply.code(503).send({ statusCode: 503, code: 'VIGIL_ERR_LEDGER_UNAVAILABLE', message: 'the ledger does not answer' });
        }
      },
    );

    app.get(
      '/metrics',
      {
        schema: {
          tags: ['meta'],
          summary: 'Prometheus metrics (text format), every name starting vigil_',
          querystring: NO_QUERY,
          response: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } } },
        },
      },
      async (_req, reply) => {
        const text = await deps.metrics.metrics();
        return reply.header('content-type', deps.metrics.contentType).header('cache-control', 'no-store').send(text);
      },
    );

    app.get(
      '/api/openapi.json',
      {
        schema: {
          tags: ['meta'],
          summary: 'This API as an OpenAPI 3.1 document, made from the routes\' own schemas',
          querystring: NO_QUERY,
          response: { 200: { type: 'object', additionalProperties: true } },
        },
      },
      async () => app.swagger(),
    );
  };
}
