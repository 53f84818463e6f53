import type { FastifyPluginAsync } from 'fastify';
import { VigilError } from '../../errors.js';
import type { Ledger } from '../../ledger/ledger.js';
import { STATUS_FILTER_WORDS, TRIAGE_STATUSES, expandStatusFilter, type TriageStatus } from '../../model/finding.js';
import { SEVERITIES, type Severity } from '../../model/severity.js';
import { actorOf } from '../principal.js';
import { EVENT_SCHEMA, FINDING_SCHEMA, INTEGER_ID_PARAMS, commaListOf, responses } from '../schemas.js';

interface ListQuery {
  status: string;
  severity?: string;
  target?: string;
  scanner?: string;
  rule?: string;
  text?: string;
  limit: number;
  cursor?: string;
}

interface TriageBody {
  status: TriageStatus;
  justification?: string;
  approver?: string;
  expires?: string;
  note?: string;
}

const FREE_TEXT = { type: 'string', minLength: 1, maxLength: 200 } as const;

/** `/api/findings`: the ledger's findings, as `vigil findings list|show|triage` print them. */
export function findingsRoutes(ledger: Ledger): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: ListQuery }>(
      '/api/findings',
      {
        schema: {
          tags: ['findings'],
          summary: 'List findings, most severe first',
          description:
            'The same findings, in the same order, as `vigil findings list --format json` with the same filters. ' +
            '`next` is an opaque cursor for the following page (null on the last): pass it back as `cursor` with the same filters.',
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              status: { ...commaListOf(STATUS_FILTER_WORDS), default: 'active' },
              severity: commaListOf(SEVERITIES),
              target: FREE_TEXT,
              scanner: FREE_TEXT,
              rule: FREE_TEXT,
              text: { ...FREE_TEXT, description: 'text in the title, rule or location' },
              limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
              cursor: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
            },
          },
          response: responses({
            200: {
              type: 'object',
              required: ['findings', 'next'],
              properties: { findings: { type: 'array', items: FINDING_SCHEMA }, next: { type: ['string', 'null'] } },
            },
          }),
        },
      },
      async (request) => {
        const q = request.query;
        // as the CLI does before listing: expired acceptances reopen first
        await ledger.expireAcceptances();
        const status = expandStatusFilter(q.status.split(',') as (typeof STATUS_FILTER_WORDS)[number][]);
        const page = await ledger.listFindings({
          ...(status ? { status } : {}),
          ...(q.severity ? { severity: q.severity.split(',') as Severity[] } : {}),
          ...(q.target ? { target: q.target } : {}),
          ...(q.scanner ? { scanner: q.scanner } : {}),
          ...(q.rule ? { ruleId: q.rule } : {}),
          ...(q.text ? { text: q.text } : {}),
          ...(q.cursor ? { cursor: q.cursor } : {}),
          limit: q.limit,
        });
        return { findings: page.findings, next: page.next };
      },
    );

    app.get<{ Params: { id: number } }>(
      '/api/findings/:id',
      {
        schema: {
          tags: ['findings'],
          summary: 'One finding with its history from the event log',
          params: INTEGER_ID_PARAMS,
          querystring: { type: 'object', additionalProperties: false, properties: {} },
          response: responses({
            200: { type: 'object', required: ['finding', 'events'], properties: { finding: FINDING_SCHEMA, events: { type: 'array', items: EVENT_SCHEMA } } },
          }),
        },
      },
      async (request) => {
        const id = request.params.id;
        const finding = await ledger.getFinding(id);
        if (!finding) throw new VigilError('VIGIL_ERR_FINDING_NOT_FOUND', `no finding with id ${id}`);
        return { finding, events: await ledger.findingEvents(id) };
      },
    );

    app.post<{ Params: { id: number }; Body: TriageBody }>(
      '/api/findings/:id/triage',
      {
        schema: {
          tags: ['findings'],
          summary: 'Set a finding\'s triage status',
          description:
            'An event of the hash chain whose actor is the token\'s or user\'s name. `accepted` needs `justification` and `approver` ' +
            '(and takes `expires`, after which the finding reopens); `false_positive` needs `justification`.',
          params: INTEGER_ID_PARAMS,
          querystring: { type: 'object', additionalProperties: false, properties: {} },
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['status'],
            properties: {
              status: { type: 'string', enum: [...TRIAGE_STATUSES] },
              justification: { type: 'string', minLength: 1, maxLength: 4000 },
              approver: { type: 'string', minLength: 1, maxLength: 200 },
              expires: { type: 'string', minLength: 10, maxLength: 40, description: 'ISO date or time' },
              note: { type: 'string', maxLength: 4000 },
            },
          },
          response: responses({ 200: { type: 'object', required: ['finding'], properties: { finding: FINDING_SCHEMA } } }),
        },
      },
      async (request) => {
        const b = request.body;
        const finding = await ledger.triage(request.params.id, {
          status: b.status,
          actor: actorOf(request),
          ...(b.justification !== undefined ? { justification: b.justification } : {}),
          ...(b.approver !== undefined ? { approver: b.approver } : {}),
          ...(b.expires !== undefined ? { expires: b.expires } : {}),
          ...(b.note !== undefined ? { note: b.note } : {}),
        });
        return { finding };
      },
    );
  };
}
