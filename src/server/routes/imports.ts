import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { FastifyError, FastifyPluginAsync } from 'fastify';
import { NAME_PATTERN } from '../../config/schema.js';
import type { VigilConfig } from '../../config/types.js';
import { VigilError, isVigilError } from '../../errors.js';
import type { IngestSummary, Ledger } from '../../ledger/ledger.js';
import type { Run, RunResult, TargetedFinding } from '../../model/run.js';
import { FAIL_ON, type FailOn } from '../../model/severity.js';
import { actorOf } from '../principal.js';
import { RUN_SCHEMA, responses } from '../schemas.js';
import { GATE_SCHEMA, gateVerdict } from './runs.js';

/** The formats `POST /api/runs/import` reads: those of the `import` scanner. */
export const IMPORT_FORMATS = ['sarif'] as const;

/** The media types the body may come as. */
const MEDIA_TYPES = ['application/sarif+json', 'application/json'];

export interface ImportDeps {
  ledger: Ledger;
  config?: VigilConfig;
  /** The largest body this route takes (ServerLimits.importBytes). */
  bodyBytes: number;
  /** Told of each imported run once it is recorded (`vigil serve` opens incidents and sends alerts, as after a scan); a throw is logged, not answered. */
  afterImport?: (result: RunResult, summary: IngestSummary, ingestedAt: Date) => Promise<void>;
}

interface ImportQuery {
  target: string;
  format: (typeof IMPORT_FORMATS)[number];
  failOn?: FailOn;
}

const BODY = { type: 'string', description: 'a SARIF 2.1.0 log, as JSON text' } as const;

/**
 * `POST /api/runs/import`: a CI pipeline submits its own tools' results (SARIF), which are
 * parsed by the `import` scanner's parser and recorded as a run, exactly as `vigil scan import
 * results.sarif` would; the answer carries the gate's verdict. The body is read as text (up to
 * its own, larger limit), so a parse error names its line and column; nothing is written unless
 * the whole document reads.
 */
export function importsRoutes(deps: ImportDeps): FastifyPluginAsync {
  return async (app) => {
    // this plugin's routes only: the body stays text for the SARIF parser, which names lines;
    // fastify's other parsers (text/plain) go too, so only the two JSON media types are taken
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(MEDIA_TYPES, { parseAs: 'string', bodyLimit: deps.bodyBytes }, (_request, body, done) => done(null, body));
    // fastify's messages for these name the server-wide limit and media type, not this route's
    app.setErrorHandler((error: FastifyError) => {
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        throw new VigilError('VIGIL_ERR_INPUT_TOO_LARGE', `body: larger than this route accepts (${formatBytes(deps.bodyBytes)})`);
      }
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') throw new VigilError('VIGIL_ERR_API_MEDIA_TYPE', `body: send it as ${MEDIA_TYPES.join(' or ')}`);
      throw error;
    });

    app.post<{ Querystring: ImportQuery; Body: string }>(
      '/api/runs/import',
      {
        bodyLimit: deps.bodyBytes,
        schema: {
          tags: ['runs'],
          summary: 'Submit scan results (SARIF) as a run',
          description:
            'The body is a results document the `import` scanner reads — SARIF 2.1.0 — as `application/sarif+json` or `application/json`, up to ' +
            `${formatBytes(deps.bodyBytes)}. It is parsed as \`vigil scan import results.sarif\` parses a file and recorded as one complete run of the import scanner on \`target\` ` +
            '(findings the previous import of that target had and this one lacks become fixed), with the trigger `import:<caller>`. ' +
            'Answers `201` with what the ingest changed and the gate\'s verdict on the run, as `GET /api/gate` gives it (`failOn` defaults to the config\'s `gate.failOn`). ' +
            'A document that is not JSON or not SARIF is `400` with a message naming its line, column and problem, and nothing is recorded.',
          querystring: {
            type: 'object',
            additionalProperties: false,
            required: ['target'],
            properties: {
              target: { type: 'string', pattern: NAME_PATTERN, maxLength: 128, description: 'the name the findings are recorded under: a target of the config, or the name of what CI scanned' },
              format: { type: 'string', enum: [...IMPORT_FORMATS], default: 'sarif' },
              failOn: { type: 'string', enum: [...FAIL_ON], description: 'the gate\'s threshold; default the config\'s gate.failOn' },
            },
          },
          body: { content: Object.fromEntries(MEDIA_TYPES.map((t) => [t, { schema: BODY }])) },
          response: responses({
            201: {
              type: 'object',
              required: ['runId', 'trigger', 'run', 'summary', 'gate'],
              properties: {
                runId: { type: 'string' },
                trigger: { type: 'string' },
                run: RUN_SCHEMA,
                summary: {
                  type: 'object',
                  required: ['findings', 'new', 'reopened', 'fixed', 'unchanged', 'updated'],
                  properties: Object.fromEntries(['findings', 'new', 'reopened', 'fixed', 'unchanged', 'updated'].map((k) => [k, { type: 'integer' }])),
                },
                gate: GATE_SCHEMA,
              },
            },
          }),
        },
      },
      async (request, reply) => {
        const { target } = request.query;
        const failOn = request.query.failOn ?? deps.config?.gate.failOn ?? 'high';
        const actor = actorOf(request);
        const text = request.body;
        if (typeof text !== 'string') throw new VigilError('VIGIL_ERR_API_INVALID', `body: send a SARIF 2.1.0 log as ${MEDIA_TYPES.join(' or ')}`);
        const { parseSarif, sarifToFindings, createImportScanner, IMPORT_SCANNER_ID } = await import('../../../scanners/import/index.js');
        const startedAt = new Date().toISOString();
        let findings: TargetedFinding[];
        try {
          const log = parseSarif(text, 'body');
          findings = sarifToFindings(log, { file: 'body', baseDir: await baseDirOf(deps.config, target), release: true }) as TargetedFinding[];
        } catch (e) {
          // the parser names the position in `file`, `line` and `column`: the client sees them in the message
          if (isVigilError(e) && e.isInputError) throw new VigilError(e.code, `${e.where ? `${e.where}: ` : ''}${e.message}`);
          throw e;
        }
        for (const f of findings) f.target = target;
        const finishedAt = new Date().toISOString();
        const run: Run = {
          id: randomUUID(),
          trigger: `import:${actor}`,
          startedAt,
          finishedAt,
          status: 'complete',
          parts: [{ scanner: IMPORT_SCANNER_ID, scannerVersion: createImportScanner().version, target, status: 'complete', error: null, findings: findings.length, startedAt, finishedAt }],
        };
        const result: RunResult = { run, findings, errors: new Map() };
        const ingestedAt = new Date();
        const summary = await deps.ledger.ingest(result, { now: ingestedAt });
        if (deps.afterImport) {
          try {
            await deps.afterImport(result, summary, ingestedAt);
          } catch (e) {
            request.log.error({ err: e }, 'after the import: incidents or alerts failed');
          }
        }
        const gate = await gateVerdict(deps.ledger, run.id, failOn);
        return reply
          .code(201)
          .header('location', `/api/runs/${run.id}`)
          .send({
            runId: run.id,
            trigger: run.trigger,
            run,
            summary: { findings: findings.length, new: summary.new, reopened: summary.reopened, fixed: summary.fixed, unchanged: summary.unchanged, updated: summary.updated },
            gate,
          });
      },
    );
  };
}

/**
 * The folder finding paths are made relative to: a path target's folder, as the import scanner
 * takes it (a file's folder), else the config's folder. No file in it is read: the snippets
 * fingerprints use come from the document, not from the server's disk.
 */
async function baseDirOf(config: VigilConfig | undefined, target: string): Promise<string> {
  const base = config?.baseDir ?? process.cwd();
  const t = config?.targets.find((x) => x.name === target && x.kind === 'path');
  if (!t) return base;
  const location = resolve(base, t.location);
  const st = await stat(location).catch(() => undefined);
  return st && !st.isDirectory() ? dirname(location) : location;
}

/** `32 MiB`, `1.5 MiB`, `512 KiB`, `100 bytes`. */
function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / (1024 * 1024)) * 10) / 10} MiB`;
  if (n >= 1024) return `${Math.round((n / 1024) * 10) / 10} KiB`;
  return `${n} bytes`;
}
