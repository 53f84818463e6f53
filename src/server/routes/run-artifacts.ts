import { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { VigilConfig } from '../../config/types.js';
import { VigilError } from '../../errors.js';
import type { Ledger } from '../../ledger/ledger.js';
import type { RunArtifactInfo } from '../../ledger/run-artifacts.js';
import { CYCLONEDX_MEDIA_TYPE, type Run } from '../../model/run.js';
import { FAIL_ON, type FailOn } from '../../model/severity.js';
import { responses } from '../schemas.js';

/** The formats of a run's report: those of `vigil scan --format` that are files a pipeline keeps. */
export const RUN_REPORT_FORMATS = ['json', 'sarif', 'junit'] as const;
type RunReportFormat = (typeof RUN_REPORT_FORMATS)[number];

const REPORT_TYPES: Record<RunReportFormat, { type: string; ext: string }> = {
  json: { type: 'application/json; charset=utf-8', ext: 'json' },
  sarif: { type: 'application/sarif+json; charset=utf-8', ext: 'sarif' },
  junit: { type: 'application/xml; charset=utf-8', ext: 'xml' },
};

/** A run id, as `GET /api/runs/:id` takes it. */
const RUN_PARAMS = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,100}$' } },
} as const;

/** Target names as the config allows them, and then some: the pattern only keeps the parameter sane. */
const TARGET = { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f]+$' } as const;

/** Text pieces of about this many characters go to the socket at once (the JSON writer yields one per finding). */
const SEND_CHARS = 64 * 1024;

export interface RunArtifactsDeps {
  ledger: Ledger;
  /** vigil's version, for the reports' tool fields (as `vigil scan` writes them). */
  version: string;
  /** The server's config: its gate's `failOn` is the report's default. */
  config?: VigilConfig;
}

/**
 * `/api/runs/:id/report` and `/api/runs/:id/sbom`: what a run kept (src/ledger/run-artifacts.ts),
 * as downloads. The report is made from the findings the run reported, as they were when it was
 * recorded — a later run that sees more does not change it — in the formats `vigil scan` prints;
 * the SBOM is the CycloneDX file the deps part matched, byte for byte what `--sbom-out` writes.
 * Both are streamed, never cached.
 */
export function runArtifactsRoutes(deps: RunArtifactsDeps): FastifyPluginAsync {
  const { ledger } = deps;

  const runOf = async (id: string): Promise<Run> => {
    const run = await ledger.getRun(id);
    if (!run) throw new VigilError('VIGIL_ERR_RUN_NOT_FOUND', `no run with id ${id}`);
    return run;
  };

  return async (app) => {
    app.get<{ Params: { id: string }; Querystring: { format: RunReportFormat; failOn?: FailOn } }>(
      '/api/runs/:id/report',
      {
        schema: {
          tags: ['runs'],
          summary: 'The report of one run (JSON, SARIF or JUnit), as a download',
          description:
            'The findings the run reported, in the format `vigil scan --format` prints, with the ledger id and status each had when the run was recorded ' +
            '(accepted and false-positive findings are reported as suppressed by the ledger, as `vigil scan` does); a later run does not change it. ' +
            'A suppression file, VEX or baseline given to `vigil scan` is not applied. `failOn` (default: the server config\'s gate) decides the report\'s gate. ' +
            'A run recorded before vigil kept each run\'s results has no report: 404 VIGIL_ERR_RUN_RESULTS_UNAVAILABLE.',
          params: RUN_PARAMS,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              format: { type: 'string', enum: [...RUN_REPORT_FORMATS], default: 'json' },
              failOn: { type: 'string', enum: [...FAIL_ON] },
            },
          },
          response: responses({
            200: {
              description: 'the report, as an attachment (Content-Disposition)',
              content: {
                'application/json': { schema: { type: 'object' } },
                'application/sarif+json': { schema: { type: 'object' } },
                'application/xml': { schema: { type: 'string' } },
              },
            },
          }),
        },
      },
      async (request, reply) => {
        const { format } = request.query;
        const run = await runOf(request.params.id);
        const findings = await ledger.artifacts.results(run.id);
        if (!findings) {
          throw new VigilError(
            'VIGIL_ERR_RUN_RESULTS_UNAVAILABLE',
            `run ${run.id} was recorded before vigil kept each run's results, so its report cannot be made; ` +
              `GET /api/findings lists the ledger's findings as they are now`,
          );
        }
        const failOn = request.query.failOn ?? deps.config?.gate.failOn ?? 'high';
        const [{ buildReport }, { writeReportChunks }] = await Promise.all([import('../../gate/gate.js'), import('../../../reports/write-report.js')]);
        const report = buildReport(run, findings, failOn, deps.version);
        const { type, ext } = REPORT_TYPES[format];
        return download(reply, Readable.from(batched(writeReportChunks(format, report))), type, `run-${safeName(run.id)}.${ext}`);
      },
    );

    app.get<{ Params: { id: string }; Querystring: { target?: string } }>(
      '/api/runs/:id/sbom',
      {
        schema: {
          tags: ['runs'],
          summary: 'The CycloneDX SBOM a run\'s deps part matched, as a download',
          description:
            'Byte for byte the file `vigil scan deps --sbom-out` writes. `target` names the deps target when the run scanned more than one ' +
            '(400 VIGIL_ERR_SBOM_TARGET_REQUIRED lists them); 404 VIGIL_ERR_SBOM_NOT_FOUND when the run kept none (for that target).',
          params: RUN_PARAMS,
          querystring: { type: 'object', additionalProperties: false, properties: { target: TARGET } },
          response: responses({
            200: { description: 'the SBOM, as an attachment (Content-Disposition)', content: { [CYCLONEDX_MEDIA_TYPE]: { schema: { type: 'object' } } } },
          }),
        },
      },
      async (request, reply) => {
        const run = await runOf(request.params.id);
        const { target } = request.query;
        const sboms = (await ledger.artifacts.list(run.id)).filter((a) => a.kind === 'sbom');
        if (sboms.length === 0) {
          throw new VigilError('VIGIL_ERR_SBOM_NOT_FOUND', `run ${run.id} kept no SBOM: it had no deps part, or it was recorded before vigil kept SBOMs with runs`);
        }
        let chosen: RunArtifactInfo | undefined;
        if (target !== undefined) {
          chosen = sboms.find((a) => a.target === target);
          if (!chosen) throw new VigilError('VIGIL_ERR_SBOM_NOT_FOUND', `run ${run.id} kept no SBOM of target ${JSON.stringify(target)}; it kept: ${targetList(sboms)}`);
        } else if (sboms.length > 1) {
          throw new VigilError('VIGIL_ERR_SBOM_TARGET_REQUIRED', `run ${run.id} kept ${sboms.length} SBOMs: name one with ?target= (${targetList(sboms)})`);
        } else chosen = sboms[0]!;
        const opened = await ledger.artifacts.open(run.id, 'sbom', chosen.target);
        // listed a moment ago; gone only if the run was deleted meanwhile
        if (!opened) throw new VigilError('VIGIL_ERR_SBOM_NOT_FOUND', `run ${run.id} kept no SBOM of target ${JSON.stringify(chosen.target)}`);
        reply.header('content-length', String(opened.info.size));
        return download(reply, opened.content, opened.info.mediaType, `run-${safeName(run.id)}-${opened.info.name}`);
      },
    );
  };
}

/** Send a file to save: never rendered in the API's origin, never cached. */
function download(reply: FastifyReply, body: Readable, type: string, filename: string): FastifyReply {
  return reply
    .header('content-type', type)
    .header('content-disposition', `attachment; filename="${filename}"`)
    .header('cache-control', 'no-store')
    .send(body);
}

/** Small pieces joined into larger ones: fewer writes to the socket. */
function* batched(chunks: Iterable<string>): Generator<string> {
  let buf: string[] = [];
  let n = 0;
  for (const c of chunks) {
    buf.push(c);
    n += c.length;
    if (n >= SEND_CHARS) {
      yield buf.join('');
      buf = [];
      n = 0;
    }
  }
  if (n > 0) yield buf.join('');
}

/** A run id as it may stand in a file name (`:` is not allowed on every file system). */
function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}

function targetList(sboms: readonly RunArtifactInfo[]): string {
  return sboms.map((a) => JSON.stringify(a.target)).join(', ');
}
