import type { Command } from 'commander';
import { VigilError, describeError } from '../errors.js';
import type { ScheduleConfig, VigilConfig } from '../config/types.js';
import { fieldsFirstLogger, type Logger } from '../util/logger.js';
import type { RunResult } from '../model/run.js';
import type { ProgressEvent } from '../runner/runner.js';
import type { IngestSummary, Ledger } from '../ledger/ledger.js';
import type { ScanJob } from '../queue/queue.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { StartRun } from '../server/routes/runs.js';
import { randomUUID } from 'node:crypto';
import { VERSION, configPath, intOption, ledgerLocation, openCommandLedger } from './common.js';
import { redactLedgerUrl } from '../ledger/open.js';
import { join, relative } from 'node:path';
import { failedRunAlert } from '../notify/run-alerts.js';
import { createServerLogger } from '../server/log.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** How often `vigil serve` retries the notify outbox. */
const OUTBOX_RETRY_MS = 5 * 60_000;
/** How long a stopping server waits for alerts in flight. */
const STOP_NOTIFY_WAIT_MS = 5_000;

/** `vigil serve` — the scheduler and the HTTP server (the REST API, /healthz, /readyz, /metrics) in one process. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .summary('run the config\'s schedules and serve the API')
    .option('-c, --config <file>', 'config file (default ./vigil.yaml)')
    .option('--ledger <path|url>', 'SQLite file or postgres:// URL (default: $VIGIL_LEDGER, the config, .vigil/ledger.db)')
    .option('-p, --port <port>', 'port (default: the config\'s, else 8787)')
    .option('--host <host>', 'address to bind (default: the config\'s, else 127.0.0.1)')
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM; the chain after the leaf); needs --tls-key')
    .option('--tls-key <file>', 'the certificate\'s private key (PEM)')
    .option('--queue', 'with a PostgreSQL ledger: queue scheduled runs for `vigil worker` processes instead of running them here (one leader among serve instances schedules)')
    .option('--job-timeout <seconds>', 'with --queue: a run a worker took and did not finish in this long is retried by another (default: the part timeout × 4)')
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
  tlsCert?: string;
  tlsKey?: string;
  demo?: boolean | string;
  queue?: boolean;
  jobTimeout?: string;
}

/** The queue and the leader lock of `vigil serve --queue`. */
async function startQueue(flags: ServeFlags, config: VigilConfig, logger: Logger) {
  const { isPostgresUrl } = await import('../config/defaults.js');
  const location = ledgerLocation(flags.ledger, config);
  if (!isPostgresUrl(location)) throw new VigilError('VIGIL_ERR_USAGE', `--queue hands runs to workers through the ledger's PostgreSQL database; ${redactLedgerUrl(location)} is not a postgres:// URL`);
  const { ScanQueue } = await import('../queue/queue.js');
  const { LeaderLock } = await import('../queue/leader.js');
  const expireInSeconds = intOption(flags.jobTimeout, '--job-timeout', config.runner.timeoutSeconds * 4);
  if (expireInSeconds < 1) throw new VigilError('VIGIL_ERR_USAGE', '--job-timeout must be at least 1 second');
  const queue = await ScanQueue.open(location, { logger, expireInSeconds });
  const leader = new LeaderLock(location, logger, 2_000);
  await leader.start();
  if (!leader.isLeader) logger.info('scheduler: another instance leads; this one serves the API and takes over if the leader stops');
  // a job a worker took lives through its expiry and its retries (pg-boss's default retry limit, 3)
  return { queue, leader, jobLifetimeMs: expireInSeconds * 1000 * 4 };
}

/** A schedule's fire as the scheduler hands it to `execute`: one started through the API carries the run id it was promised. */
export type ScheduleFire = ScheduleConfig & { runId?: string };

export interface RunStarterDeps {
  scheduler: Pick<Scheduler, 'isRunning' | 'trigger'>;
  ledger: Pick<Ledger, 'getRun'>;
  /** One run of some targets (not a schedule's) in this process, to its end. */
  runHere: (job: { trigger: string; targets?: readonly string[]; scanners?: readonly string[]; runId: string }) => Promise<unknown>;
  /** With --queue: runs are queued for `vigil worker`s instead; a job lives this long at most (its expiry and retries). */
  queue?: { enqueue(job: ScanJob): Promise<'queued' | 'duplicate'>; jobLifetimeMs: number };
  logger: Logger;
}

/**
 * POST /api/runs's hook: a schedule's run goes through the scheduler (so its overlap prevention
 * holds both ways: a cron tick during it is skipped, a request during a tick's run is 409); a run
 * of some targets runs here; with --queue either is queued for the workers under a job id that
 * is also the run's id. `idle()` resolves when the runs started here have ended.
 */
export function apiRunStarter(d: RunStarterDeps): StartRun & { idle(): Promise<void> } {
  const going = new Set<Promise<unknown>>();
  // with --queue this instance cannot see a worker's run: a schedule's job queued here counts as going until recorded or expired
  const queuedSchedules = new Map<string, { runId: string; at: number }>();
  const busy = (name: string, detail: string) => new VigilError('VIGIL_ERR_RUN_IN_PROGRESS', `schedule ${name}: ${detail}; wait for it to finish`);
  const start: StartRun = async (req) => {
    const targets = req.targets ?? req.schedule?.targets;
    const scanners = req.scanners ?? req.schedule?.scanners;
    if (d.queue) {
      const name = req.schedule?.name;
      const prior = name ? queuedSchedules.get(name) : undefined;
      if (name && prior && Date.now() - prior.at < d.queue.jobLifetimeMs && !(await d.ledger.getRun(prior.runId))) throw busy(name, `run ${prior.runId} is queued or running`);
      const { scanJobId } = await import('../queue/queue.js');
      const job: ScanJob = { schedule: name ?? '', trigger: req.trigger, due: new Date().toISOString(), ...(targets ? { targets: [...targets] } : {}), ...(scanners ? { scanners: [...scanners] } : {}) };
      const runId = scanJobId(job);
      if ((await d.queue.enqueue(job)) === 'duplicate') throw new VigilError('VIGIL_ERR_RUN_IN_PROGRESS', `the same run was queued a moment ago as ${runId}`);
      if (name) queuedSchedules.set(name, { runId, at: Date.now() });
      d.logger.info(`run ${req.trigger} (${name ? `schedule ${name}` : `targets ${targets!.join(', ')}`}) queued for the workers as ${runId}`);
      return { runId, queued: true };
    }
    const runId = randomUUID();
    let done: Promise<unknown>;
    if (req.schedule) {
      if (d.scheduler.isRunning(req.schedule.name)) throw busy(req.schedule.name, 'a run of it is going now');
      const fire: ScheduleFire = { ...req.schedule, runId };
      done = d.scheduler.trigger(fire, req.trigger);
    } else {
      done = d.runHere({ trigger: req.trigger, runId, ...(targets ? { targets } : {}), ...(scanners ? { scanners } : {}) });
      done.catch((e: unknown) => d.logger.error(`run ${req.trigger} (${runId}) failed: ${describeError(e)}`));
    }
    const settled = done.then(
      () => undefined,
      () => undefined,
    );
    going.add(settled);
    void settled.then(() => going.delete(settled));
    return { runId, queued: false, done };
  };
  return Object.assign(start, {
    idle: async () => {
      while (going.size) await Promise.all([...going]);
    },
  });
}

async function serve(flags: ServeFlags): Promise<void> {
  const { loadConfig, defaultConfig } = await import('../config/index.js');
  const { Scheduler } = await import('../scheduler/index.js');
  const { buildServer } = await import('../server/index.js');

  const file = configPath(flags.config);
  if (flags.config && !file) throw new VigilError('VIGIL_ERR_CONFIG_NOT_FOUND', 'no such file', { file: flags.config });
  const config: VigilConfig = file ? await loadConfig(file) : defaultConfig(process.cwd());
  const port = intOption(flags.port, '--port', config.server.port);
  const host = flags.host ?? config.server.host;

  const tls = readTls(flags);
  // one logger for the scheduler and the server: it redacts credentials wherever they would appear
  const log = createServerLogger();
  const logger: Logger = fieldsFirstLogger(log);
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
  const { runScheduled } = await import('../queue/execute.js');
  // made before the scheduler so its runs feed them (scan durations, scheduler lag); served by the app
  const { createMetrics } = await import('../server/metrics.js');
  const { previousFire } = await import('../scheduler/index.js');
  const metrics = createMetrics(ledger, ledger.kind === 'sqlite' ? { ledgerFile: ledgerLocation(flags.ledger, config) } : {});
  // With --queue, the leader among the serve instances queues each scheduled run for `vigil worker`s
  // (a job id per schedule fire, so a run queued twice is one job); without, runs happen here.
  const queued = flags.queue ? await startQueue(flags, config, logger) : undefined;
  // the workers' runs reach this server's metrics through the ledger
  const observer = queued ? (await import('../queue/observe-runs.js')).observeRecordedRuns({ ledger, metrics, schedules: config.schedules, logger }) : undefined;
  // runs starting and finishing, for the dashboard's live progress (/events)
  const runEvents = new (await import('node:events')).EventEmitter();
  // the run could not run or be recorded: the scheduler (or the API's starter) logs it, the channels hear of it
  const alerting = async <T>(trigger: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      if (notifier && notifier.events.has('scan.failed')) void notifier.dispatch([failedRunAlert(trigger, describeError(e))]);
      await notifyMod?.reportFailure(e, { 'vigil.trigger': trigger }).catch(() => undefined);
      throw e;
    }
  };
  // one run in this process: a schedule's fire, or a run POST /api/runs started
  const runHere = (job: { trigger: string; targets?: readonly string[] | undefined; scanners?: readonly string[] | undefined; runId?: string }, due?: Date) =>
    alerting(job.trigger, async () => {
      const { trigger } = job;
      const onFinished = (r: RunResult) => metrics.observeRun(r, due ? { due } : {});
      runEvents.emit('run', { phase: 'started', trigger, at: new Date().toISOString() });
      // each part's end, for the dashboard's live progress
      let total: number | undefined;
      const onProgress = (e: ProgressEvent) => {
        if (e.type === 'start') total = e.total;
        if (e.type === 'start' || e.type === 'part-end') {
          const part = e.type === 'part-end' ? { part: { scanner: e.part.scanner, target: e.part.target, status: e.part.status, findings: e.part.findings } } : {};
          runEvents.emit('run', { phase: 'progress', trigger, at: new Date().toISOString(), done: e.type === 'part-end' ? e.done : 0, total: total ?? 0, ...part });
        }
      };
      const done = await runScheduled({ config, ledger, logger, signal: stopping.signal, notifier, incidents: incidentCtx, onFinished, onProgress }, job).catch((e: unknown) => {
        runEvents.emit('run', { phase: 'finished', trigger, at: new Date().toISOString(), status: 'error' });
        throw e;
      });
      runEvents.emit('run', { phase: 'finished', trigger, at: new Date().toISOString(), status: done.run.status, done: done.run.parts.length, total: done.run.parts.length });
    });
  const execute = async (s: ScheduleFire, trigger: string) => {
    if (queued) {
      await alerting(trigger, async () => {
        if (!queued.leader.isLeader) {
          logger.debug(`run ${trigger}: another instance leads; not queued here`);
          return;
        }
        const due = (trigger.startsWith('start:') ? new Date() : previousFire(s.cron, new Date(), s.timezone)).toISOString();
        const job = { schedule: s.name, trigger, due, ...(s.targets ? { targets: s.targets } : {}), ...(s.scanners ? { scanners: s.scanners } : {}) };
        const r = await queued.queue.enqueue(job);
        logger.info(`run ${trigger} (due ${due}) ${r === 'queued' ? 'queued for the workers' : 'was already queued'}`);
      });
      return;
    }
    // a scheduled or catch-up run was due at the cron's latest fire; a start-up run or one asked for through the API was not due at all
    const due = s.runId || trigger.startsWith('start:') ? undefined : previousFire(s.cron, new Date(), s.timezone);
    await runHere({ trigger, targets: s.targets, scanners: s.scanners, ...(s.runId ? { runId: s.runId } : {}) }, due);
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
  const startRun = apiRunStarter({
    scheduler,
    ledger,
    runHere: (job) => runHere(job),
    ...(queued ? { queue: { enqueue: (job: ScanJob) => queued.queue.enqueue(job), jobLifetimeMs: queued.jobLifetimeMs } } : {}),
    logger,
  });
  // results CI submits (POST /api/runs/import) open incidents and raise alerts as a scan's would
  const afterImport = async (result: RunResult, summary: IngestSummary, ingestedAt: Date) => {
    if (incidentsMod && incidentCtx) {
      incidentCtx.kev = await ledger.kev.ids().catch(() => incidentCtx!.kev);
      await incidentsMod.openIncidentsAfterRun(ledger, { result, summary, ingestedAt: ingestedAt.toISOString(), scheduled: false }, incidentCtx, { logger, listener: notifier });
    }
    if (notifyMod && notifier) await notifyMod.notifyAfterRun(notifier, { ledger, result, summary, ingestedAt: ingestedAt.toISOString(), config, logger });
  };
  let app: ReturnType<typeof buildServer>;
  try {
    app = buildServer({
      ledger,
      version: VERSION,
      schedules: () => config.schedules.map((s) => ({ name: s.name, cron: s.cron, running: scheduler.isRunning(s.name) })),
      config,
      ledgerLocation: ledgerLocation(flags.ledger, config),
      logger: log,
      metrics,
      runEvents,
      warmOverview: true,
      startRun,
      afterImport,
      ...(tls ? { tls } : {}),
    });
  } catch (e) {
    if (outboxTimer) clearInterval(outboxTimer);
    if (escalationTimer) clearInterval(escalationTimer);
    await notifier?.close(0);
    await ledger.close();
    throw new VigilError('VIGIL_ERR_CERT_INVALID', `cannot serve HTTPS with --tls-cert and --tls-key: ${describeError(e)}`, { file: flags.tlsCert });
  }
  try {
    await app.listen({ port, host });
  } catch (e) {
    if (outboxTimer) clearInterval(outboxTimer);
    await notifier?.close(0);
    await ledger.close();
    throw new VigilError('VIGIL_ERR_USAGE', `cannot listen on ${host}:${port}: ${describeError(e)}`);
  }
  logger.info(`vigil serving on ${tls ? 'https' : 'http'}://${host}:${port} (API: /api/openapi.json; health: /healthz); config ${file ?? '(none)'}; ${config.schedules.length} schedules`);
  // the demo shop is up before the first run, so the start-up run can check it
  const demo: { close(): Promise<void> }[] = [];
  if (flags.demo) {
    const { ensureDemoAdmin } = await import('./demo-admin.js');
    await ensureDemoAdmin(ledger, `${tls ? 'https' : 'http'}://${host}:${port}/`).catch((e: unknown) => logger.error(`demo admin not added: ${describeError(e)}`));
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
    // the readiness parts need a PostgreSQL to build the shop's database in, and Chromium for
    // Lighthouse: what this machine lacks is left out of the runs, each with its reason as a note
    const { prepareDemoReadiness } = await import('../demo/readiness.js');
    config.leftOut = await prepareDemoReadiness(config, logger);
  }
  // Uptime probes (src/uptime): only where runs are scheduled from (the leader among `serve --queue`
  // instances), never in workers. Findings of probes no longer configured are closed first.
  const leads = queued ? () => queued.leader.isLeader : () => true;
  if (leads()) {
    const { retireRemovedProbes } = await import('../uptime/prober.js');
    await retireRemovedProbes(ledger, (config.uptime?.probes ?? []).map((p) => p.name), { afterIngest: afterImport })
      .then((gone) => gone.forEach((name) => logger.info(`uptime: probe ${name} is no longer configured; its findings are fixed`)))
      .catch((e: unknown) => logger.error(`uptime: findings of removed probes not closed: ${describeError(e)}`));
  }
  let prober: import('../uptime/prober.js').Prober | undefined;
  if (config.uptime?.probes.length) {
    const { Prober } = await import('../uptime/prober.js');
    prober = new Prober({ probes: config.uptime.probes, ledger, logger, isLeader: leads, afterIngest: afterImport, registry: metrics.registry, userAgent: `vigil-uptime/${VERSION}` });
    prober.start();
    logger.info(`uptime: probing ${prober.names.length} health URLs (${prober.names.join(', ')})`);
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
      await prober?.stop();
      await scheduler.stop();
      await startRun.idle();
      observer?.stop();
      await queued?.leader.stop();
      await queued?.queue.stop(0).catch(() => undefined);
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

/** The certificate and key for HTTPS, read before anything starts: both or neither. */
function readTls(flags: ServeFlags): { cert: Buffer; key: Buffer } | undefined {
  if (!flags.tlsCert && !flags.tlsKey) return undefined;
  if (!flags.tlsCert || !flags.tlsKey) throw new VigilError('VIGIL_ERR_USAGE', '--tls-cert and --tls-key go together: give both, or neither for plain HTTP');
  const read = (f: string) => {
    try {
      return readFileSync(resolve(f));
    } catch (e) {
      throw new VigilError('VIGIL_ERR_INPUT_NOT_FOUND', `cannot read: ${(e as Error).message}`, { file: f });
    }
  };
  return { cert: read(flags.tlsCert), key: read(flags.tlsKey) };
}
