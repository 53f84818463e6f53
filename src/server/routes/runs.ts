import type { FastifyPluginAsync } from 'fastify';
import { NAME_PATTERN, SCANNER_ID_PATTERN } from '../../config/schema.js';
import type { ScheduleConfig, VigilConfig } from '../../config/types.js';
import { VigilError, describeError } from '../../errors.js';
import type { Ledger } from '../../ledger/ledger.js';
import { ACTIVE_STATUSES } from '../../model/finding.js';
import type { Run } from '../../model/run.js';
import { FAIL_ON, SEVERITIES, meetsThreshold, type FailOn, type Severity } from '../../model/severity.js';
import { redactSecrets } from '../../util/redact.js';
import { actorOf } from '../principal.js';
import { NO_QUERY, RUN_SCHEMA, responses } from '../schemas.js';

const COUNTS_SCHEMA = {
  type: 'object',
  required: [...SEVERITIES],
  properties: Object.fromEntries(SEVERITIES.map((s) => [s, { type: 'integer' }])),
} as const;

/** The gate's verdict on one run, as `GET /api/gate` answers it. */
export const GATE_SCHEMA = {
  type: 'object',
  required: ['runId', 'failOn', 'failed', 'counts'],
  properties: { runId: { type: 'string' }, failOn: { type: 'string', enum: [...FAIL_ON] }, failed: { type: 'boolean' }, counts: COUNTS_SCHEMA },
} as const;

/** The gate's verdict on one run. */
export interface GateVerdict {
  runId: string;
  failOn: FailOn;
  failed: boolean;
  counts: Record<Severity, number>;
}

/**
 * The gate's verdict on a run as the ledger holds it now: its live findings (open, reopened,
 * triaged) by severity, and whether any is at or above `failOn`.
 */
export async function gateVerdict(ledger: Ledger, runId: string, failOn: FailOn): Promise<GateVerdict> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const c of await ledger.findingCounts({ lastRunId: runId })) {
    if (ACTIVE_STATUSES.includes(c.status)) counts[c.severity] += c.count;
  }
  const failed = SEVERITIES.some((s) => counts[s] > 0 && meetsThreshold(s, failOn));
  return { runId, failOn, failed, counts };
}

/** A run `POST /api/runs` asks for: a schedule of the config, or some of its targets (and scanners). */
export interface RunRequest {
  /** Who asked: the token's or user's name. */
  actor: string;
  /** Recorded as the run's trigger: `api:<actor>`. */
  trigger: string;
  schedule?: ScheduleConfig;
  targets?: string[];
  scanners?: string[];
}

/** What the hook that starts a run answers, at once. */
export interface StartedRun {
  /** The id the run will be recorded under. */
  runId: string;
  /** Queued for `vigil worker`s rather than run in this process. */
  queued: boolean;
  /** Settles when the run ends here (absent for a queued run). */
  done?: Promise<unknown>;
}

/**
 * Starts a run in the background the way scheduled runs go (`vigil serve` provides it): answers
 * once the run has started or been queued; throws VIGIL_ERR_RUN_IN_PROGRESS for a schedule whose
 * run is still going.
 */
export type StartRun = (request: RunRequest) => Promise<StartedRun>;

export interface RunsDeps {
  ledger: Ledger;
  /** The server's config: the targets, scanners and schedules a run may name. */
  config?: VigilConfig;
  /** The schedules and whether each is running now. */
  schedules: () => { name: string; running: boolean }[];
  startRun?: StartRun;
}

interface StartBody {
  schedule?: string;
  target?: string | string[];
  scanners?: string[];
}

const NAME = { type: 'string', pattern: NAME_PATTERN, maxLength: 128 } as const;

/** Runs started here and not recorded yet, kept at most this many (the oldest are forgotten first). */
const MAX_STARTED = 1000;

/** A run started through the API, until the ledger records it. */
interface StartedEntry {
  id: string;
  trigger: string;
  startedAt: string;
  queued: boolean;
  requested: { schedule?: string; targets?: string[]; scanners?: string[] };
  /** When the run ended here without being recorded, and why. */
  ended?: { at: string; error: string };
  /** Still going in this process (queued runs are never settled here). */
  going: boolean;
}

/** `/api/runs` and `/api/gate`: the recorded runs, the gate's verdict on the newest, and starting a run now. */
export function runsRoutes(deps: RunsDeps): FastifyPluginAsync {
  const { ledger } = deps;
  const started = new Map<string, StartedEntry>();

  /** Remember a started run; forget it once the ledger has it, and note why when it ended without. */
  const track = (s: StartedRun, req: RunRequest): StartedEntry => {
    const entry: StartedEntry = {
      id: s.runId,
      trigger: req.trigger,
      startedAt: new Date().toISOString(),
      queued: s.queued,
      requested: { ...(req.schedule ? { schedule: req.schedule.name } : {}), ...(req.targets ? { targets: req.targets } : {}), ...(req.scanners ? { scanners: req.scanners } : {}) },
      going: Boolean(s.done),
    };
    started.set(entry.id, entry);
    for (const id of started.keys()) {
      if (started.size <= MAX_STARTED) break;
      started.delete(id);
    }
    void s.done
      ?.then(
        () => undefined,
        (e: unknown) => redactSecrets(describeError(e)),
      )
      .then(async (error) => {
        entry.going = false;
        const recorded = await ledger.getRun(entry.id).catch(() => undefined);
        if (recorded) started.delete(entry.id);
        else entry.ended = { at: new Date().toISOString(), error: error ?? 'the run ended without being recorded; the server\'s log says why' };
      });
    return entry;
  };

  const scheduleBusy = (name: string): string | undefined => {
    if (deps.schedules().some((s) => s.name === name && s.running)) return `schedule ${name} is running now`;
    for (const e of started.values()) if (e.going && e.requested.schedule === name) return `run ${e.id} of schedule ${name} (started by ${e.trigger}) is still going`;
    return undefined;
  };

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
              trigger: { type: 'string', minLength: 1, maxLength: 200, description: 'only runs of this trigger (`cli`, `schedule:NAME`, `start:NAME`, `api:ACTOR`, `import:ACTOR`)' },
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
          description:
            'A run started by `POST /api/runs` that the ledger has not recorded yet answers with status `running` (and `queued: true` when it waits for a worker); ' +
            'one that ended here without being recorded answers with status `failed` and its `error`.',
          params: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,100}$' } } },
          querystring: NO_QUERY,
          response: responses({ 200: { type: 'object', required: ['run'], properties: { run: RUN_SCHEMA } } }),
        },
      },
      async (request) => {
        // looked up before the ledger: a run recorded meanwhile is then found there
        const pending = started.get(request.params.id);
        const run = await ledger.getRun(request.params.id);
        if (run) {
          started.delete(run.id);
          return { run };
        }
        if (pending) return { run: pendingView(pending) };
        throw new VigilError('VIGIL_ERR_RUN_NOT_FOUND', `no run with id ${request.params.id}`);
      },
    );

    app.post<{ Body: StartBody }>(
      '/api/runs',
      {
        schema: {
          tags: ['runs'],
          summary: 'Start a run now, in the background',
          description:
            'Either `{ "schedule": NAME }` — a run of that schedule (its targets and scanners) — or `{ "target": NAME | [NAMES], "scanners"?: [IDS] }`: ' +
            'those targets of the server\'s config, with all their scanners or only these. Answers `202` at once with the run\'s id; ' +
            'the run goes the way scheduled runs go (in this process, or queued for `vigil worker`s with `vigil serve --queue`) and is recorded with the trigger `api:<caller>`. ' +
            'Poll `GET /api/runs/{runId}`: status `running` until the ledger records it. The request is recorded as a `scan.requested` event with the caller as actor. ' +
            'A schedule whose run is still going is `409`; a server without a scheduler answers `503`.',
          querystring: NO_QUERY,
          body: {
            type: 'object',
            additionalProperties: false,
            properties: {
              schedule: { ...NAME, description: 'a schedule of the server\'s config (GET /api/schedules)' },
              target: {
                type: ['string', 'array'],
                pattern: NAME_PATTERN,
                maxLength: 128,
                items: NAME,
                minItems: 1,
                maxItems: 100,
                uniqueItems: true,
                description: 'a target of the server\'s config, or a list of them (GET /api/targets)',
              },
              scanners: {
                type: 'array',
                items: { type: 'string', pattern: SCANNER_ID_PATTERN, maxLength: 64 },
                minItems: 1,
                maxItems: 50,
                uniqueItems: true,
                description: 'with `target`: only these scanners of the targets',
              },
            },
          },
          response: responses({
            202: {
              type: 'object',
              required: ['runId', 'trigger', 'status', 'queued'],
              properties: {
                runId: { type: 'string' },
                trigger: { type: 'string', description: '`api:<caller>`' },
                status: { type: 'string', enum: ['running'] },
                queued: { type: 'boolean', description: 'queued for `vigil worker`s rather than running in the server' },
              },
            },
          }),
        },
      },
      async (request, reply) => {
        const body = request.body;
        if ((body.schedule === undefined) === (body.target === undefined)) {
          throw new VigilError('VIGIL_ERR_API_INVALID', 'body: give either "schedule" (a schedule of the config) or "target" (a target name or a list of them), not both and not neither');
        }
        if (body.schedule !== undefined && body.scanners !== undefined) {
          throw new VigilError('VIGIL_ERR_API_INVALID', 'body.scanners: goes with "target"; a schedule runs its own scanners');
        }
        const actor = actorOf(request);
        if (!deps.startRun) throw new VigilError('VIGIL_ERR_RUNS_UNAVAILABLE', 'this server has no scheduler to run scans; start runs through `vigil serve` (or run `vigil scan`)');
        const req: RunRequest = { actor, trigger: `api:${actor}`, ...planOf(deps.config, body) };
        if (req.schedule) {
          const busy = scheduleBusy(req.schedule.name);
          if (busy) throw new VigilError('VIGIL_ERR_RUN_IN_PROGRESS', `${busy}; wait for it to finish`);
        }
        const s = await deps.startRun(req);
        const entry = track(s, req);
        try {
          await ledger.appendRecord('scan.requested', { runId: s.runId, trigger: req.trigger, queued: s.queued, ...entry.requested }, { actor });
        } catch (e) {
          // the run is going and its trigger names the caller: a failed record costs the detail, not the run
          request.log.error({ err: e }, 'scan.requested not recorded');
        }
        return reply
          .code(202)
          .header('location', `/api/runs/${encodeURIComponent(s.runId)}`)
          .send({ runId: s.runId, trigger: req.trigger, status: 'running', queued: s.queued });
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
          response: responses({ 200: GATE_SCHEMA }),
        },
      },
      async (request) => {
        const [run] = await ledger.listRuns({ limit: 1 });
        if (!run) throw new VigilError('VIGIL_ERR_RUN_NOT_FOUND', 'no run is recorded yet: there is nothing to gate');
        return gateVerdict(ledger, run.id, request.query.failOn);
      },
    );
  };
}

/** The schedule, or the targets and scanners, a request names: each checked against the config. */
function planOf(config: VigilConfig | undefined, body: StartBody): Pick<RunRequest, 'schedule' | 'targets' | 'scanners'> {
  if (body.schedule !== undefined) {
    const schedule = config?.schedules.find((s) => s.name === body.schedule);
    if (!schedule) throw new VigilError('VIGIL_ERR_SCHEDULE_UNKNOWN', `no schedule "${body.schedule}" in the server's config; schedules: ${listed((config?.schedules ?? []).map((s) => s.name))}`);
    return { schedule };
  }
  const targets = typeof body.target === 'string' ? [body.target] : body.target!;
  const known = new Map((config?.targets ?? []).map((t) => [t.name, t]));
  for (const name of targets) {
    if (!known.has(name)) throw new VigilError('VIGIL_ERR_TARGET_UNKNOWN', `no target "${name}" in the server's config; targets: ${listed([...known.keys()])}`);
  }
  if (!body.scanners) return { targets };
  const configured = new Set(targets.flatMap((t) => Object.keys(known.get(t)!.scanners)));
  for (const id of body.scanners) {
    if (!configured.has(id)) {
      throw new VigilError('VIGIL_ERR_SCANNER_UNKNOWN', `no scanner "${id}" on ${targets.length === 1 ? `target ${targets[0]}` : `targets ${targets.join(', ')}`}; the config gives ${listed([...configured].sort())}`);
    }
  }
  return { targets, scanners: body.scanners };
}

/** Names for a message: the first 20, then how many more. */
function listed(names: readonly string[]): string {
  if (names.length === 0) return '(none)';
  return names.length <= 20 ? names.join(', ') : `${names.slice(0, 20).join(', ')} and ${names.length - 20} more`;
}

/** A started run the ledger has not recorded, in the shape of a recorded one. */
function pendingView(e: StartedEntry): Run & { queued: boolean; requested: StartedEntry['requested']; error?: string } {
  return {
    id: e.id,
    trigger: e.trigger,
    startedAt: e.startedAt,
    finishedAt: e.ended?.at ?? null,
    status: e.ended ? 'failed' : 'running',
    parts: [],
    queued: e.queued,
    requested: e.requested,
    ...(e.ended ? { error: e.ended.error } : {}),
  };
}
