import type { VigilConfig } from '../config/types.js';
import { describeError, isVigilError } from '../errors.js';
import type { IngestSummary, Ledger } from '../ledger/ledger.js';
import type { ReportedFinding } from '../model/report.js';
import type { RunResult } from '../model/run.js';
import type { Logger } from '../util/logger.js';
import type { Alert } from './alert.js';
import { Notifier, notifyStateDir, type NotifierOptions } from './notifier.js';
import { annotateFindings, failedPartsAlert, runAlerts } from './run-alerts.js';
import { initErrorReporting, reportFailure, sentryDsn } from './sentry.js';

/**
 * The notifier a command uses when its config has a notify section (undefined otherwise, or
 * when no channel is configured), with vigil's own errors going to Sentry when a DSN is known.
 * Its state and outbox live beside the ledger. Never throws: a broken notify setup is logged.
 */
export async function startNotifier(
  config: VigilConfig,
  ledgerLocation: string,
  logger: Logger,
  opts: Partial<Pick<NotifierOptions, 'env' | 'backoff'>> = {},
): Promise<Notifier | undefined> {
  const notify = config.notify;
  if (!notify) return undefined;
  try {
    if (notify.sentry?.errors !== false) {
      const dsn = sentryDsn(notify.sentry, opts.env);
      if (dsn) await initErrorReporting({ dsn, ...(notify.sentry?.environment ? { environment: notify.sentry.environment } : {}) });
    }
  } catch (e) {
    logger.warn(`notify: Sentry error reporting not started: ${describeError(e)}`);
  }
  try {
    const n = await Notifier.create(notify, { stateDir: notifyStateDir(ledgerLocation, config.baseDir), logger, ...opts });
    return n.channels.length ? n : undefined;
  } catch (e) {
    logger.error(`notify: not started: ${describeError(e)}`);
    return undefined;
  }
}

export interface AfterRunInput {
  ledger: Ledger;
  result: RunResult;
  summary: IngestSummary;
  /** The `now` the run was ingested with. */
  ingestedAt: string;
  /**
   * The run's findings as the gate saw them (ledger view, suppressions, VEX). Without them,
   * they are worked out from the summary, with the config's suppression file and VEX applied.
   */
  findings?: readonly ReportedFinding[];
  config: VigilConfig;
  /** Marks findings that suppressions or VEX cover; default: the config's suppression file and VEX documents. */
  suppress?: (findings: ReportedFinding[]) => ReportedFinding[];
  /** A scheduled run: failed or timed-out parts raise a scan.failed alert. */
  scheduled?: boolean;
  logger: Logger;
}

/**
 * Work out the alerts of an ingested run and send them in the background (the notifier's
 * close waits for them), and retry the outbox. Errors are logged, never thrown: a run's
 * result never depends on its notifications.
 */
export async function notifyAfterRun(notifier: Notifier, input: AfterRunInput): Promise<void> {
  const { logger } = input;
  try {
    const events = notifier.events;
    const suppress = input.suppress ?? (await suppressor(input.config, logger));
    let findings = input.findings;
    if (!findings) {
      const annotated = annotateFindings(input.result.findings, input.summary);
      findings = suppress ? suppress(annotated) : annotated;
    }
    const alerts: Alert[] = await runAlerts({
      ledger: input.ledger,
      run: input.result.run,
      findings,
      ingestedAt: input.ingestedAt,
      minSeverity: notifier.minSeverity,
      events,
      ...(suppress ? { suppress } : {}),
    });
    if (input.scheduled && events.has('scan.failed')) {
      const failed = failedPartsAlert(input.result.run);
      if (failed) alerts.push(failed);
    }
    void notifier.dispatch(alerts);
  } catch (e) {
    logger.error(`notify: alerts for run ${input.result.run.id} not worked out: ${describeError(e)}`);
  }
  void notifier.retryOutbox();
}

/** Report the unexpected errors of a run's failed parts (not vigil's known failures, such as a host that did not answer). */
export async function reportPartErrors(result: RunResult): Promise<void> {
  for (const [key, e] of result.errors) {
    if (isVigilError(e)) continue;
    const [scanner = '', target = ''] = key.split('\u0000');
    await reportFailure(e, { 'vigil.scanner': scanner, 'vigil.target': target, 'vigil.trigger': result.run.trigger }).catch(() => undefined);
  }
}

/** The config's VEX documents and suppression file as one function; a file that cannot be read is skipped with a warning. */
async function suppressor(config: VigilConfig, logger: Logger): Promise<((f: ReportedFinding[]) => ReportedFinding[]) | undefined> {
  const gate = await import('../gate/index.js');
  const statements = (
    await Promise.all(
      config.vex.map((f) =>
        gate.loadVex(f).catch((e: unknown) => {
          logger.warn(`notify: VEX ${f} not applied to alerts: ${describeError(e)}`);
          return [];
        }),
      ),
    )
  ).flat();
  const suppressions = await gate.loadSuppressions(config.suppressions).catch((e: unknown) => {
    logger.warn(`notify: suppressions ${config.suppressions} not applied to alerts: ${describeError(e)}`);
    return [];
  });
  if (!statements.length && !suppressions.length) return undefined;
  const now = new Date();
  return (fs) => gate.applySuppressions(gate.applyVex(fs, statements).findings, suppressions, now).findings;
}

export { reportFailure };
