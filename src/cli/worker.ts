import type { Command } from 'commander';
import pino from 'pino';
import { VigilError, describeError } from '../errors.js';
import type { VigilConfig } from '../config/types.js';
import { fieldsFirstLogger, type Logger } from '../util/logger.js';
import { configPath, ledgerLocation, openCommandLedger } from './common.js';
import { isPostgresUrl } from '../config/defaults.js';
import { redactLedgerUrl } from '../ledger/open.js';

/** How long a stopping worker waits for the run in hand before leaving it to another (its job expires and is retried). */
const STOP_WAIT_MS = 30_000;

/** `vigil worker` — take scheduled runs from the PostgreSQL queue that `vigil serve --queue` fills. */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .summary('take scheduled scans from the PostgreSQL queue (scale-out)')
    .description(
      'Take the runs `vigil serve --queue` schedules, one at a time, from a pg-boss queue in the ledger\'s PostgreSQL\n' +
        'database, and record them in the ledger like serve would (incidents and alerts included). Start as many as\n' +
        'the load needs, on any machine that reaches the database and has the config\'s targets. A worker killed\n' +
        'mid-run leaves its job to expire (after serve\'s --job-timeout); another worker then runs it. A job whose run is already\n' +
        'in the ledger is not run again.',
    )
    .option('-c, --config <file>', 'config file (default ./vigil.yaml)')
    .option('--ledger <url>', 'the postgres:// ledger (default: $VIGIL_LEDGER, the config)')
    .action(async (flags: { config?: string; ledger?: string }) => {
      await worker(flags);
    });
}

async function worker(flags: { config?: string; ledger?: string }): Promise<void> {
  const { loadConfig } = await import('../config/index.js');
  const file = configPath(flags.config);
  if (!file) throw new VigilError('VIGIL_ERR_CONFIG_NOT_FOUND', 'a worker runs the config\'s targets: give --config or run where vigil.yaml is', { file: flags.config ?? 'vigil.yaml' });
  const config: VigilConfig = await loadConfig(file);
  const location = ledgerLocation(flags.ledger, config);
  if (!isPostgresUrl(location)) {
    throw new VigilError('VIGIL_ERR_USAGE', `vigil worker takes its jobs from the ledger's PostgreSQL database; ${redactLedgerUrl(location)} is not a postgres:// URL`);
  }

  const log = pino({ base: { service: 'vigil-worker', pid: process.pid }, level: process.env.VIGIL_LOG_LEVEL ?? 'info' });
  const logger: Logger = fieldsFirstLogger(log);
  const ledger = await openCommandLedger(flags.ledger, config);
  const notifyMod = config.notify || process.env.SENTRY_DSN ? await import('../notify/after-run.js') : undefined;
  const notifier = notifyMod ? await notifyMod.startNotifier(config, location, logger) : undefined;
  let incidents: Awaited<ReturnType<typeof import('../incidents/engine.js')['loadIncidentContext']>> | undefined;
  if (config.incidents.enabled) {
    try {
      incidents = await (await import('../incidents/engine.js')).loadIncidentContext(config, ledger);
    } catch (e) {
      logger.error(`incidents: not started: ${describeError(e)}`);
    }
  }
  const { ScanQueue } = await import('../queue/queue.js');
  const { runScheduled } = await import('../queue/execute.js');
  // workers look for expired jobs (a worker killed mid-run) often, so a retry is not long in coming
  const queue = await ScanQueue.open(location, { logger, maintenanceIntervalSeconds: 2 });
  const stopping = new AbortController();
  await queue.work(async (job, id) => {
    // a retried job whose run was recorded (the worker died after ingest): done already
    const recent = await ledger.listRuns({ trigger: job.trigger, limit: 50 });
    if (recent.some((r) => r.id === id)) {
      logger.info(`run ${job.trigger} (due ${job.due}) is already in the ledger as ${id}; not run again`);
      return;
    }
    await runScheduled(
      { config, ledger, logger, signal: stopping.signal, notifier, incidents },
      { trigger: job.trigger, targets: job.targets, scanners: job.scanners, runId: id },
    );
  });
  logger.info(`worker ready: ledger ${redactLedgerUrl(location)}`);

  await new Promise<void>((done) => {
    const stop = async (sig: string) => {
      logger.info(`${sig}: stopping`);
      await queue.stop(STOP_WAIT_MS).catch((e: unknown) => logger.warn(`queue: ${describeError(e)}`));
      stopping.abort(new Error(`${sig}: the worker is stopping`));
      await notifier?.close(5_000);
      await ledger.close();
      done();
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  });
}
