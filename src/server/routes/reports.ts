import { resolve } from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { VigilError } from '../../errors.js';
import type { VigilConfig } from '../../config/types.js';
import type { Ledger } from '../../ledger/ledger.js';
import { actorOf } from '../principal.js';
import { responses } from '../schemas.js';

/** A date, or a date and time with an optional zone: the shapes `vigil report audit --from/--to` take. */
const DATE_OR_TIME = {
  type: 'string',
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$',
} as const;

const DOWNLOAD = {
  description: 'the report, as an attachment (Content-Disposition)',
  content: {
    'application/pdf': { schema: { type: 'string', format: 'binary' } },
    'text/html': { schema: { type: 'string' } },
    'text/csv': { schema: { type: 'string' } },
  },
} as const;

const TYPES = { pdf: 'application/pdf', html: 'text/html; charset=utf-8', csv: 'text/csv; charset=utf-8' } as const;

export interface ReportDeps {
  ledger: Ledger;
  config: VigilConfig;
  /** The ledger's location as configured, for the signing key beside an SQLite ledger. */
  ledgerLocation: string;
}

/**
 * `/api/reports/*`: the audit report of a period (signed PDF or HTML) and the record of processing
 * activities. What is made comes from validated query parameters only (a kind, a format from a
 * fixed list, dates): no request names a file, so none can reach outside the config's paths.
 */
export function reportsRoutes(deps: ReportDeps): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: { from?: string; to?: string; format: 'pdf' | 'html' } }>(
      '/api/reports/audit',
      {
        schema: {
          tags: ['reports'],
          summary: 'The audit report of a period, as a download',
          description:
            'As `vigil report audit`: the PDF is PDF/A-2b and signed (check it with `vigil report verify`); making it is recorded as a ' +
            '`report.generated` event whose actor is the token\'s or user\'s name. The period defaults to the last 90 days; a date for `to` means the end of that day.',
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { from: DATE_OR_TIME, to: DATE_OR_TIME, format: { type: 'string', enum: ['pdf', 'html'], default: 'pdf' } },
          },
          response: responses({ 200: DOWNLOAD }),
        },
      },
      async (request, reply) => {
        const { from, to, format } = request.query;
        const { reportPeriod } = await import('../../audit/gather.js');
        const { makeAuditReport } = await import('../../audit/make.js');
        const now = new Date();
        const period = reportPeriod(from, to, now);
        const made = await makeAuditReport(deps.ledger, deps.config, { period, format, ledgerLocation: deps.ledgerLocation, actor: actorOf(request), now });
        // named by the period's first and last day (its end is exclusive)
        const lastDay = new Date(Date.parse(period.to) - 1).toISOString().slice(0, 10);
        return download(reply, made.bytes, format, `audit-${period.from.slice(0, 10)}-${lastDay}.${format}`);
      },
    );

    app.get<{ Querystring: { format: 'csv' | 'html' | 'pdf' } }>(
      '/api/reports/ropa',
      {
        schema: {
          tags: ['reports'],
          summary: 'The record of processing activities (GDPR Art. 30), as a download',
          description: 'As `vigil report ropa`, from the data map of the config\'s targets that run the datamap scanner.',
          querystring: { type: 'object', additionalProperties: false, properties: { format: { type: 'string', enum: ['csv', 'html', 'pdf'], default: 'csv' } } },
          response: responses({ 200: DOWNLOAD }),
        },
      },
      async (request, reply) => {
        const format = request.query.format;
        const config = deps.config;
        const targets = config.targets.filter((t) => t.kind === 'path' && 'datamap' in t.scanners);
        if (targets.length === 0) throw new VigilError('VIGIL_ERR_REPORT_UNAVAILABLE', 'the server\'s config has no target that runs the datamap scanner, so there is no data map for a ROPA');
        const { loadDataMap } = await import('../../../scanners/datamap/fides.js');
        const { buildRopa, ropaCsv, ropaHtml } = await import('../../../reports/ropa.js');
        const ropa = buildRopa(await loadDataMap(targets.map((t) => resolve(config.baseDir, t.location))), { baseDir: config.baseDir });
        let bytes: Buffer;
        if (format === 'pdf') {
          const { renderRopaPdf } = await import('../../../reports/pdf/ropa.js');
          bytes = await renderRopaPdf(ropa, { organisation: config.organisation });
        } else bytes = Buffer.from(format === 'html' ? ropaHtml(ropa) : ropaCsv(ropa), 'utf8');
        return download(reply, bytes, format, `ropa-${new Date().toISOString().slice(0, 10)}.${format}`);
      },
    );
  };
}

/** Send a report as a file to save: never rendered in the API's origin, never cached. */
function download(reply: FastifyReply, bytes: Buffer, format: keyof typeof TYPES, filename: string): FastifyReply {
  return reply
    .header('content-type', TYPES[format])
    .header('content-disposition', `attachment; filename="${filename}"`)
    .header('content-length', String(bytes.length))
    .header('cache-control', 'no-store')
    .send(bytes);
}
