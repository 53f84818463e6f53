import type { Command } from 'commander';
import pino from 'pino';
import { VigilError, describeError } from '../errors.js';
import type { ScheduleConfig, VigilConfig } from '../config/types.js';
import type { Logger } from '../util/logger.js';
import { VERSION, configPath, intOption, ledgerLocation, openCommandLedger } from './common.js';
import { redactLedgerUrl } from '../ledger/open.js';
import { priorFindingsFrom } from '../ledger/prior.js';
import { join, relative } from 'node:path';
import { failedRunAlert } from '../notify/run-alerts.js';

/** How often `vigil serve` retries the notify outbox. */
const OUTBOX_RETRY_MS = 5 * 60_000;
/** How long a stopping server waits for alerts in flight. */
const STOP_NOTIFY_WAIT_MS = 5_000;

/** `vigil serve` — the scheduler and the HTTP server (for now /healthz) in one process. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .summary('run the config\'s schedules and serve /healthz')
    .option('-c, --config <file>', 'config file (default ./vigil.yaml)')
    .option('--ledger <path|url>', 'SQLite file or postgres:// URL (default: $VIGIL_LEDGER, the config, .vigil/ledger.db)')
    .option('-p, --port <port>', 'port (default: the config\'s, else 8787)')
    .option('--host <host>', 'address to bind (default: the config\'s, else 127.0.0.1)')
    .option('--demo [port]', 'also serve the example shop over HTTPS on 127.0.0.1 (default port 8443), with a local CA made under .vigil/demo-tls/')
    .action(async (flags: ServeFlags) => {
      await serve(flags);
    });
}

interface ServeFlags {
  config?: string;
  ledger?: string;
  port?: string;
  host?: string;
  demo?: boolean | string;
}

async function serve(flags: ServeFlags): Promise<void> {
  const { loadConfig, defaultConfig } = await import('../config/index.js');
  const { Scheduler } = await import('../scheduler/index.js');
  const { buildServer } = await import('../server/index.js');
  const { runScan, planFromConfig } = await import('../runner/index.js');
  const { createScanner, partWorkerUrl } = await import('../../scanners/index.js');

  const file = configPath(flags.config);
  if (flags.config && !file) throw new VigilError('VIGIL_ERR_CONFIG_NOT_FOUND', 'no such file', { file: flags.config });
  const config: VigilConfig = file ? await loadConfig(file) : defaultConfig(process.cwd());
  const port = intOption(flags.port, '--port', config.server.port);
  const host = flags.host ?? config.server.host;

  const log = pino({ base: { service: 'vigil' }, level: process.env.VIGIL_LOG_LEVEL ?? 'info' });
  const logger: Logger = {
    debug: (m, d) => log.debug(d ?? {}, m),
    info: (m, d) => log.info(d ?? {}, m),
    warn: (m, d) => log.warn(d ?? {}, m),
    error: (m, d) => log.error(d ?? {}, m),
  };
  const ledger = await openCommandLedger(flags.ledger, config);
  logger.info(`ledger ${redactLedgerUrl(ledgerLocation(flags.ledger, config))} (${ledger.kind})`);

  // Alerts after each scheduled run; the outbox (alerts a `vigil scan` or an earlier serve could
  // not deliver) is retried at start, after each run and every few minutes.
  const notifyMod = config.notify || process.env.SENTRY_DSN ? await import('../notify/after-run.js') : undefined;
  const notifier = notifyMod ? await notifyMod.startNotifier(config, ledgerLocation(flags.ledger, config), logger) : undefined;
  if (notifier) {
    logger.info(`notify: ${notifier.channels.map((c) => c.id).join(', ')}`);
    void notifier.retryOutbox();
  }
  const outboxTimer = notifier ? setInterval(() => void notifier.retryOutbox(), OUTBOX_RETRY_MS) : undefined;
  outboxTimer?.unref();

  if (config.advisories.length) {
    const { importAdvisories } = await import('../advisories/index.js');
    try {
      const a = await importAdvisories(ledger.advisories, config.advisories);
      logger.info(`advisories: ${a.added} added, ${a.updated} updated, ${a.unchanged} unchanged, ${a.withdrawn} withdrawn from ${config.advisories.length} paths`);
    } catch (e) {
      // A bad advisory file must not keep the server down; the store keeps what it had.
      logger.error(`advisories not imported: ${describeError(e)}`);
    }
  }

  // Stopping the server aborts the runs in flight (their parts end within the grace), so a stop
  // never waits out a long scan; what they found is still recorded, as a partial run.
  const stopping = new AbortController();
  const execute = async (s: ScheduleConfig, trigger: string) => {
    const plan = planFromConfig(config, {
      ...(s.targets ? { targets: s.targets } : {}),
      ...(s.scanners ? { scanners: s.scanners } : {}),
    });
    logger.info(`run ${trigger} started: ${plan.length} parts`);
    try {
      await executeRun(plan, trigger);
    } catch (e) {
      // the run could not run or be recorded: the scheduler logs it, the channels hear of it
      if (notifier && notifier.events.has('scan.failed')) void notifier.dispatch([failedRunAlert(trigger, describeError(e))]);
      await notifyMod?.reportFailure(e, { 'vigil.trigger': trigger }).catch(() => undefined);
      throw e;
    }
  };
  const executeRun = async (plan: ReturnType<typeof planFromConfig>, trigger: string) => {
    const result = await runScan(plan, {
      createScanner,
      // each part on a worker thread, terminated at its timeout: a blocked scanner cannot stall the schedule
      partWorker: partWorkerUrl(),
      trigger,
      baseDir: config.baseDir,
      concurrency: config.runner.concurrency,
      timeoutMs: config.runner.timeoutSeconds * 1000,
      signal: stopping.signal,
      logger,
      advisories: ledger.advisories,
      priorFindings: priorFindingsFrom(ledger),
    });
    // An unattended run keeps what worked; a partial run never marks anything fixed.
    const ingestedAt = new Date();
    const s2 = await ledger.ingest(result, { now: ingestedAt });
    logger.info(`run ${trigger} ${result.run.status}: ${s2.new} new, ${s2.reopened} reopened, ${s2.fixed} fixed, ${s2.unchanged + s2.updated} still open`, {
      runId: result.run.id,
    });
    if (notifyMod) await notifyMod.reportPartErrors(result);
    if (incidentCtx) {
      // a KEV catalogue imported while serving counts from the next run
      incidentCtx.kev = await ledger.kev.ids().catch(() => incidentCtx!.kev);
      await incidentsMod!.openIncidentsAfterRun(ledger, { result, summary: s2, ingestedAt: ingestedAt.toISOString(), scheduled: true }, incidentCtx, { logger, listener: notifier });
    }
    if (notifier) {
      await notifyMod!.notifyAfterRun(notifier, { ledger, result, summary: s2, ingestedAt: ingestedAt.toISOString(), config, scheduled: true, logger });
    }
  };
  // Incidents: opened after each run from the runbooks; open ones checked for steps and clocks near
  // or past due every incidents.escalateEvery. A bad runbook keeps incidents off, not the server.
  const incidentsMod = config.incidents.enabled ? await import('../incidents/engine.js') : undefined;
  let incidentCtx: Awaited<ReturnType<NonNullable<typeof incidentsMod>['loadIncidentContext']>> | undefined;
  if (incidentsMod) {
    try {
      incidentCtx = await incidentsMod.loadIncidentContext(config, ledger);
      logger.info(`incidents: ${incidentCtx.runbooks.length} runbooks (${incidentCtx.runbooks.map((r) => r.id).join(', ')}); ${incidentCtx.kev.size} KEV entries`);
    } catch (e) {
      logger.error(`incidents: not started: ${describeError(e)}`);
    }
  }
  const escalate = () =>
    incidentsMod!.escalateIncidents(ledger, { listener: notifier, logger }).catch((e: unknown) => {
      logger.error(`incidents: escalation check failed: ${describeError(e)}`);
      return 0;
    });
  const escalationTimer = incidentCtx ? setInterval(() => void escalate(), config.incidents.escalateEverySeconds * 1000) : undefined;
  escalationTimer?.unref();
  if (incidentCtx) void escalate();
  // The chain records what was scheduled when, so the audit report can prove coverage against it.
  try {
    const { recordScheduleChanges } = await import('../audit/schedules.js');
    for (const c of await recordScheduleChanges(ledger, config.schedules, { actor: 'vigil serve' })) logger.info(`schedule ${c.schedule} ${c.change} (recorded in the ledger)`);
  } catch (e) {
    logger.error(`schedules not recorded in the ledger: ${describeError(e)}`);
  }
  const scheduler = new Scheduler({ schedules: config.schedules, ledger, execute, logger });
  const app = buildServer({
    ledger,
    version: VERSION,
    schedules: () => config.schedules.map((s) => ({ name: s.name, cron: s.cron, running: scheduler.isRunning(s.name) })),
  });
  try {
    await app.listen({ port, host });
  } catch (e) {
    if (outboxTimer) clearInterval(outboxTimer);
    await notifier?.close(0);
    await ledger.close();
    throw new VigilError('VIGIL_ERR_USAGE', `cannot listen on ${host}:${port}: ${describeError(e)}`);
  }
  logger.info(`vigil serving on http://${host}:${port} (healthz: /healthz); config ${file ?? '(none)'}; ${config.schedules.length} schedules`);
  // the demo shop is up before the first run, so the start-up run can check it
  const demo: { close(): Promise<void> }[] = [];
  if (flags.demo) {
    const { ensureDemoPki, startShopHttps } = await import('../demo/shop-https.js');
    const shopPort = flags.demo === true ? 8443 : intOption(flags.demo, '--demo', 8443);
    const pki = ensureDemoPki(join(config.baseDir, '.vigil', 'demo-tls'));
    try {
      demo.push(await startShopHttps(pki, '127.0.0.1', shopPort));
    } catch (e) {
      await app.close();
      if (outboxTimer) clearInterval(outboxTimer);
      await notifier?.close(0);
      await ledger.close();
      throw new VigilError('VIGIL_ERR_USAGE', `cannot serve the demo shop on 127.0.0.1:${shopPort}: ${describeError(e)}`);
    }
    logger.info(`demo shop on https://localhost:${shopPort}/ (local CA ${pki.caFile})`);
    // the shop's web app, flawed and hardened, for the web scanner (ports follow the HTTPS one)
    const web = await startDemoWebShops(shopPort).catch((e: unknown) => {
      // the web shops are extras of the demo: a port in use costs them, not the server
      logger.warn(`demo web shop not started: ${describeError(e)}`);
      return undefined;
    });
    if (web) {
      demo.push(web);
      logger.info(`demo web shop on http://localhost:${web.ports[0]}/ (flawed) and http://localhost:${web.ports[1]}/ (hardened)`);
    }
  }
  await scheduler.start();
  // The demo's first audit report, once the start-up runs are in the ledger.
  if (flags.demo) {
    void scheduler.idle().then(async () => {
      try {
        const { makeAuditReport } = await import('../audit/make.js');
        const { reportPeriod } = await import('../audit/gather.js');
        const out = join(config.reports.dir, `audit-${new Date().toISOString().slice(0, 10)}.pdf`);
        const made = await makeAuditReport(ledger, config, {
          period: reportPeriod(undefined, undefined, new Date()),
          format: 'pdf',
          ledgerLocation: ledgerLocation(flags.ledger, config),
          actor: 'vigil serve',
          output: out,
        });
        logger.info(`audit report: ${out} (head #${made.report.ledger.headSeq}, signed with ${made.report.signingKey.fingerprint}; check with: npx vigil report verify ${relative(process.cwd(), out)})`);
      } catch (e) {
        logger.error(`audit report not made: ${describeError(e)}`);
      }
    });
  }

  await new Promise<void>((done) => {
    const stop = async (sig: string) => {
      logger.info(`${sig}: stopping`);
      await app.close();
      await Promise.all(demo.map((d) => d.close()));
      stopping.abort(new Error(`${sig}: the server is stopping`));
      await scheduler.stop();
      if (outboxTimer) clearInterval(outboxTimer);
      if (escalationTimer) clearInterval(escalationTimer);
      // a stop waits a little for alerts in flight; the rest wait in the outbox for the next start
      await notifier?.close(STOP_NOTIFY_WAIT_MS);
      await ledger.close();
      done();
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  });
}

/**
 * The example shop's web app (examples/shop/web/app.mjs), flawed on port+1 and hardened on
 * port+2 — a demo target only, loaded from the shipped examples when this install has them.
 */
async function startDemoWebShops(httpsPort: number): Promise<{ ports: [number, number]; close(): Promise<void> } | undefined> {
  const { shippedPath } = await import('../util/package-path.js');
  const { pathToFileURL } = await import('node:url');
  const app = shippedPath('examples', 'shop', 'web', 'app.mjs');
  if (!app) return undefined;
  type Server = { address(): unknown; close(cb: () => void): void };
  const mod = (await import(pathToFileURL(app).href)) as { startShop(o: { hardened: boolean; port: number }): Promise<Server> };
  const close = (s: Server) => new Promise<void>((r) => s.close(() => r()));
  const flawed = await mod.startShop({ hardened: false, port: httpsPort === 0 ? 0 : httpsPort + 1 });
  let hardened: Server;
  try {
    hardened = await mod.startShop({ hardened: true, port: httpsPort === 0 ? 0 : httpsPort + 2 });
  } catch (e) {
    // one shop without its twin is no demo, and an open server would keep the process up
    await close(flawed);
    throw e;
  }
  const portOf = (s: Server) => (s.address() as { port: number }).port;
  return {
    ports: [portOf(flawed), portOf(hardened)],
    close: async () => {
      await Promise.all([close(flawed), close(hardened)]);
    },
  };
}
