import { createHash } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { open, readdir, realpath, stat, type FileHandle } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { VigilError } from '../../errors.js';
import type { VigilConfig } from '../../config/types.js';
import type { Ledger } from '../../ledger/ledger.js';
import { actorOf } from '../principal.js';
import { NO_QUERY, responses } from '../schemas.js';

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

/** The saved report files served, by extension: nothing else in the reports folder is. */
const FILE_TYPES = {
  pdf: 'application/pdf',
  html: 'text/html; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  sarif: 'application/sarif+json',
} as const;

/**
 * A saved report's name: letters, digits, `.`, `_` and `-`, starting with a letter or digit (so no
 * leading dot), never `..`, no separator or NUL, ending in an extension of FILE_TYPES. The
 * look-ahead and the classes are linear; names are at most 200 characters.
 */
const FILE_NAME_PATTERN = `^(?!.*\\.\\.)[A-Za-z0-9][A-Za-z0-9._-]{0,190}\\.(${Object.keys(FILE_TYPES).join('|')})$`;
const FILE_NAME = new RegExp(FILE_NAME_PATTERN);

/** At most this many files are listed, newest first. */
const MAX_LISTED = 1000;

const FILE_VIEW = {
  type: 'object',
  required: ['name', 'size', 'modified', 'type'],
  properties: {
    name: { type: 'string' },
    size: { type: 'integer', description: 'bytes' },
    modified: { type: 'string' },
    type: { type: 'string', description: 'the Content-Type it downloads with' },
    sha256: { type: 'string', description: 'with `?sha256=true`' },
  },
} as const;

export interface ReportDeps {
  ledger: Ledger;
  config: VigilConfig;
  /** The ledger's location as configured, for the signing key beside an SQLite ledger. */
  ledgerLocation: string;
}

/**
 * `/api/reports/*`: the audit report of a period (signed PDF or HTML), the record of processing
 * activities, and the report files saved in the config's reports folder. What is made comes from
 * validated query parameters only (a kind, a format from a fixed list, dates); a saved file is
 * named by a strict pattern and served only when it resolves inside the reports folder.
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

    app.get<{ Querystring: { sha256: boolean } }>(
      '/api/reports/files',
      {
        schema: {
          tags: ['reports'],
          summary: 'The report files saved in the reports folder, newest first',
          description:
            'The files in the config\'s `reports.dir` (where `vigil serve --demo` saves its audit report; `vigil report … --output` can save others there) that can be downloaded: ' +
            `names of letters, digits, \`.\`, \`_\` and \`-\` ending in ${Object.keys(FILE_TYPES).map((e) => `\`.${e}\``).join(', ')}, that are regular files inside the folder. ` +
            `At most ${MAX_LISTED}; \`sha256=true\` adds each file's SHA-256.`,
          querystring: { type: 'object', additionalProperties: false, properties: { sha256: { type: 'boolean', default: false } } },
          response: responses({ 200: { type: 'object', required: ['files'], properties: { files: { type: 'array', items: FILE_VIEW } } } }),
        },
      },
      async (request) => ({ files: await listSavedReports(deps.config.reports.dir, request.query.sha256) }),
    );

    app.get<{ Params: { name: string } }>(
      '/api/reports/files/:name',
      {
        schema: {
          tags: ['reports'],
          summary: 'One saved report file, as a download',
          description:
            'Streamed from the reports folder as an attachment, its Content-Type by extension. A name with a separator, `..`, a leading dot or another extension is `400`; ' +
            'a name that is not there, or that resolves outside the folder (a symbolic link out of it), is `404`.',
          params: {
            type: 'object',
            additionalProperties: false,
            required: ['name'],
            properties: { name: { type: 'string', pattern: FILE_NAME_PATTERN, maxLength: 200 } },
          },
          querystring: NO_QUERY,
          response: responses({
            200: {
              description: 'the file, as an attachment (Content-Disposition)',
              content: Object.fromEntries(Object.values(FILE_TYPES).map((t) => [t.split(';')[0], { schema: { type: 'string', format: 'binary' } }])),
            },
          }),
        },
      },
      async (request, reply) => {
        const name = request.params.name;
        const file = await openSavedReport(deps.config.reports.dir, name);
        if (!file) throw new VigilError('VIGIL_ERR_REPORT_FILE_NOT_FOUND', `no report file "${name}" in the reports folder; GET /api/reports/files lists them`);
        return reply
          .header('content-type', FILE_TYPES[extensionOf(name)])
          .header('content-disposition', `attachment; filename="${name}"`)
          .header('content-length', String(file.stats.size))
          .header('cache-control', 'no-store')
          .send(file.handle.createReadStream());
      },
    );
  };
}

/**
 * The saved report `name` in `dir`, opened — or undefined when there is none. The name passed the
 * route's pattern already; here the file it resolves to (symbolic links followed) must be a regular
 * file inside the folder itself, and it is opened at that resolved path without following a link
 * there, so a link swapped in for the file meanwhile is not followed either.
 */
async function openSavedReport(dir: string, name: string): Promise<{ handle: FileHandle; stats: Stats } | undefined> {
  if (!FILE_NAME.test(name)) return undefined;
  const real = await resolveSaved(dir, name);
  if (!real) return undefined;
  const handle = await open(real, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0)).catch(() => undefined);
  if (!handle) return undefined;
  const stats = await handle.stat().catch(() => undefined);
  if (!stats?.isFile()) {
    await handle.close();
    return undefined;
  }
  return { handle, stats };
}

/** The real path of `name` in `dir` when it is inside the folder's real path (not the folder itself), else undefined. */
async function resolveSaved(dir: string, name: string): Promise<string | undefined> {
  const root = await realpath(dir).catch(() => undefined);
  if (!root) return undefined;
  const real = await realpath(join(root, name)).catch(() => undefined);
  if (!real) return undefined;
  const rel = relative(root, real);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? real : undefined;
}

/** The saved reports in `dir` that GET /api/reports/files/:name would serve, newest first. */
async function listSavedReports(dir: string, withHash: boolean): Promise<{ name: string; size: number; modified: string; type: string; sha256?: string }[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const found: { name: string; real: string; stats: Stats }[] = [];
  for (const e of entries) {
    if (!(e.isFile() || e.isSymbolicLink()) || !FILE_NAME.test(e.name)) continue;
    const real = await resolveSaved(dir, e.name);
    const stats = real ? await stat(real).catch(() => undefined) : undefined;
    if (real && stats?.isFile()) found.push({ name: e.name, real, stats });
  }
  found.sort((a, b) => b.stats.mtimeMs - a.stats.mtimeMs || a.name.localeCompare(b.name));
  const out = [];
  for (const f of found.slice(0, MAX_LISTED)) {
    out.push({
      name: f.name,
      size: f.stats.size,
      modified: f.stats.mtime.toISOString(),
      type: FILE_TYPES[extensionOf(f.name)],
      ...(withHash ? { sha256: await sha256Of(f.real) } : {}),
    });
  }
  return out;
}

function extensionOf(name: string): keyof typeof FILE_TYPES {
  return name.slice(name.lastIndexOf('.') + 1) as keyof typeof FILE_TYPES;
}

async function sha256Of(file: string): Promise<string> {
  const h = createHash('sha256');
  const fh = await open(file, constants.O_RDONLY);
  try {
    for await (const chunk of fh.createReadStream({ autoClose: false })) h.update(chunk as Buffer);
  } finally {
    await fh.close();
  }
  return h.digest('hex');
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
