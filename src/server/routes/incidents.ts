import type { FastifyPluginAsync } from 'fastify';
import { VigilError } from '../../errors.js';
import type { IncidentAction } from '../../incidents/actions.js';
import { incidentView } from '../../incidents/view.js';
import type { Ledger } from '../../ledger/ledger.js';
import { actorOf } from '../principal.js';
import { INCIDENT_SCHEMA, INTEGER_ID_PARAMS, NO_QUERY, responses } from '../schemas.js';

const ID = { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,100}$' } as const;
const NOTE = { type: 'string', minLength: 1, maxLength: 4000 } as const;

/** An incident action as the API takes it: `action` says which, like the flags of `vigil incidents ack`. */
type AckBody =
  | { action: 'step'; step: string; note?: string }
  | { action: 'clock'; clock: string; note?: string; fields?: Record<string, string> }
  | { action: 'waive'; clock: string; note: string }
  | { action: 'aware'; at?: string; note?: string }
  | { action: 'note'; note: string };

const branch = (action: string, required: string[], properties: Record<string, unknown>) => ({
  type: 'object',
  additionalProperties: false,
  required: ['action', ...required],
  properties: { action: { type: 'string', enum: [action] }, ...properties },
});

const ACK_BODY = {
  type: 'object',
  required: ['action'],
  discriminator: { propertyName: 'action' },
  oneOf: [
    branch('step', ['step'], { step: ID, note: NOTE }),
    branch('clock', ['clock'], { clock: ID, note: NOTE, fields: { type: 'object', maxProperties: 50, propertyNames: ID, additionalProperties: { type: 'string', maxLength: 4000 } } }),
    branch('waive', ['clock', 'note'], { clock: ID, note: NOTE }),
    branch('aware', [], { at: { type: 'string', minLength: 10, maxLength: 40, description: 'ISO time (default now)' }, note: NOTE }),
    branch('note', ['note'], { note: NOTE }),
  ],
} as const;

const ONE = { type: 'object', required: ['incident'], properties: { incident: INCIDENT_SCHEMA } } as const;

/** `/api/incidents`: incidents opened by runbooks, and what people record on them (as `vigil incidents` does). */
export function incidentsRoutes(ledger: Ledger): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: { status: 'open' | 'resolved' | 'all'; limit: number } }>(
      '/api/incidents',
      {
        schema: {
          tags: ['incidents'],
          summary: 'Incidents, newest first, with every step and clock worked out now',
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              status: { type: 'string', enum: ['open', 'resolved', 'all'], default: 'open' },
              limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            },
          },
          response: responses({ 200: { type: 'object', required: ['incidents'], properties: { incidents: { type: 'array', items: INCIDENT_SCHEMA } } } }),
        },
      },
      async (request) => {
        const { status, limit } = request.query;
        const list = await ledger.incidents.list({ ...(status !== 'all' ? { status } : {}), limit });
        const now = new Date();
        return { incidents: list.map((r) => incidentView(r, now)) };
      },
    );

    app.get<{ Params: { id: number } }>(
      '/api/incidents/:id',
      {
        schema: { tags: ['incidents'], summary: 'One incident: steps, clocks with due times, timeline', params: INTEGER_ID_PARAMS, querystring: NO_QUERY, response: responses({ 200: ONE }) },
      },
      async (request) => {
        const rec = await ledger.incidents.get(request.params.id);
        if (!rec) throw new VigilError('VIGIL_ERR_INCIDENT_NOT_FOUND', `no incident with id ${request.params.id}`);
        return { incident: incidentView(rec, new Date()) };
      },
    );

    app.post<{ Params: { id: number }; Body: AckBody }>(
      '/api/incidents/:id/ack',
      {
        schema: {
          tags: ['incidents'],
          summary: 'Record progress: a step done, a clock met or waived, awareness, or a note',
          description: 'One event of the hash chain whose actor is the token\'s or user\'s name; 409 VIGIL_ERR_INCIDENT_ACTION when it does not apply.',
          params: INTEGER_ID_PARAMS,
          querystring: NO_QUERY,
          body: ACK_BODY,
          response: responses({ 200: ONE }),
        },
      },
      async (request) => {
        const rec = await ledger.incidents.act(request.params.id, toAction(request.body), { actor: actorOf(request) });
        return { incident: incidentView(rec, new Date()) };
      },
    );

    app.post<{ Params: { id: number }; Body: { note?: string } | undefined }>(
      '/api/incidents/:id/resolve',
      {
        schema: {
          tags: ['incidents'],
          summary: 'Resolve an incident (its post-incident steps must be done)',
          params: INTEGER_ID_PARAMS,
          querystring: NO_QUERY,
          body: { type: 'object', additionalProperties: false, properties: { note: NOTE } },
          response: responses({ 200: ONE }),
        },
        // the body is optional: no body is no note
        preValidation: async (request) => {
          if (request.body === undefined || request.body === null) request.body = {};
        },
      },
      async (request) => {
        const note = request.body?.note;
        const rec = await ledger.incidents.act(request.params.id, { kind: 'resolve', ...(note ? { note } : {}) }, { actor: actorOf(request) });
        return { incident: incidentView(rec, new Date()) };
      },
    );
  };
}

function toAction(b: AckBody): IncidentAction {
  const note = (n: string | undefined) => (n ? { note: n } : {});
  switch (b.action) {
    case 'step':
      return { kind: 'step', step: b.step, ...note(b.note) };
    case 'clock':
      return { kind: 'clock', clock: b.clock, ...note(b.note), fields: b.fields ?? {} };
    case 'waive':
      return { kind: 'waive', clock: b.clock, note: b.note };
    case 'aware':
      return { kind: 'aware', ...(b.at ? { at: b.at } : {}), ...note(b.note) };
    case 'note':
      return { kind: 'note', note: b.note };
  }
}
