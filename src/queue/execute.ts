import type { VigilConfig } from '../config/types.js';
import type { Ledger } from '../ledger/ledger.js';
import { priorFindingsFrom } from '../ledger/prior.js';
import type { RunResult } from '../model/run.js';
import type { Logger } from '../util/logger.js';
import type { Notifier } from '../notify/notifier.js';
import type { IncidentContext } from '../incidents/engine.js';
import type { ProgressEvent } from '../runner/runner.js';

/** What an unattended run needs besides its plan: the same for `vigil serve` and `vigil worker`. */
export interface RunDeps {
  config: VigilConfig;
  ledger: Ledger;
  logger: Logger;
  signal?: AbortSignal;
  notifier?: Notifier | undefined;
  /** Incidents open after the run when given (see loadIncidentContext). */
  incidents?: IncidentContext | undefined;
  /** Told of each run once it is recorded (the server's metrics: scan durations, scheduler lag). */
  onFinished?: ((result: RunResult) => void) | undefined;
  /** Told as the run plans its parts and as each ends (the dashboard's live progress). */
  onProgress?: ((e: ProgressEvent) => void) | undefined;
}

/**
 * Run one scheduled scan of the config and record it: each part on a worker thread (terminated at
 * its timeout), ingested into the ledger, incidents opened, alerts sent. A partial run keeps what
 * worked and never marks anything fixed. `runId` names the run (a queued job passes its own).
 */
export async function runScheduled(
  deps: RunDeps,
  job: { trigger: string; targets?: readonly string[] | undefined; scanners?: readonly string[] | undefined; runId?: string },
): Promise<RunResult> {
  const { config, ledger, logger } = deps;
  const { runScan, planFromConfig } = await import('../runner/index.js');
  const { createScanner, partWorkerUrl } = await import('../../scanners/index.js');
  const plan = planFromConfig(config, { ...(job.targets ? { targets: job.targets } : {}), ...(job.scanners ? { scanners: job.scanners } : {}) });
  logger.info(`run ${job.trigger} started: ${plan.length} parts`);
  const result = await runScan(plan, {
    createScanner,
    partWorker: partWorkerUrl(),
    trigger: job.trigger,
    ...(job.runId ? { runId: job.runId } : {}),
    baseDir: config.baseDir,
    concurrency: config.runner.concurrency,
    timeoutMs: config.runner.timeoutSeconds * 1000,
    ...(deps.signal ? { signal: deps.signal } : {}),
    logger,
    advisories: ledger.advisories,
    priorFindings: priorFindingsFrom(ledger),
    ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
  });
  const ingestedAt = new Date();
  const summary = await ledger.ingest(result, { now: ingestedAt });
  deps.onFinished?.(result);
  logger.info(`run ${job.trigger} ${result.run.status}: ${summary.new} new, ${summary.reopened} reopened, ${summary.fixed} fixed, ${summary.unchanged + summary.updated} still open`, {
    runId: result.run.id,
  });
  if (deps.incidents) {
    const { openIncidentsAfterRun } = await import('../incidents/engine.js');
    // a KEV catalogue imported meanwhile counts from this run
    deps.incidents.kev = await ledger.kev.ids().catch(() => deps.incidents!.kev);
    await openIncidentsAfterRun(ledger, { result, summary, ingestedAt: ingestedAt.toISOString(), scheduled: true }, deps.incidents, { logger, listener: deps.notifier });
  }
  if (deps.notifier || process.env.SENTRY_DSN) {
    const notify = await import('../notify/after-run.js');
    await notify.reportPartErrors(result);
    if (deps.notifier) await notify.notifyAfterRun(deps.notifier, { ledger, result, summary, ingestedAt: ingestedAt.toISOString(), config, scheduled: true, logger });
  }
  return result;
}
