import { resolve } from 'node:path';
import type { Command } from 'commander';
import { VigilError, isVigilError } from '../errors.js';
import type { VigilConfig } from '../config/types.js';
import type { ReportedFinding } from '../model/report.js';
import { FAIL_ON, type FailOn } from '../model/severity.js';
import { partFailed, type RunResult } from '../model/run.js';
import { recordKey, type IngestSummary, type Ledger } from '../ledger/index.js';
import { PartThreads, planFromConfig, targetFromArg, runScan, ttyProgress, type PlanItem } from '../runner/index.js';
import { stderrLogger } from '../util/logger.js';
import { VERSION, configPath, displayError, emitChunks, ledgerLocation, listOption, openCommandLedger } from './common.js';
import { redactLedgerUrl } from '../ledger/open.js';
import { priorFindingsFrom } from '../ledger/prior.js';
import type { Notifier } from '../notify/notifier.js';
// the registry only: each scanner's own module loads when a run needs it
import { scannerIds } from '../../scanners/index.js';

/** Incidents a scan names one per line at most; the rest are counted. */
const INCIDENT_LINES = 20;

interface ScanFlags {
  config?: string;
  format: string;
  output?: string;
  failOn?: string;
  baseline?: string;
  suppressions?: string;
  ledger?: string | false;
  target?: string[];
  timeout?: string;
  concurrency?: string;
  omit?: string;
  sbomOut?: string;
  vex?: string[];
  online?: boolean;
  engine?: string;
  rules?: string[];
  include?: string[];
  exclude?: string[];
  secrets?: boolean;
  ca?: string[];
  intermediates?: string[];
  active?: boolean;
  openapi?: string;
  rulesConfig?: string;
  starttls?: string;
  profile?: string;
  sources?: string[];
  budget?: string;
  schemas?: string[];
  header?: string[];
}

/** `vigil scan` — every target in the config, or one scanner on one target. */
export function registerScan(program: Command): void {
  program
    .command('scan')
    .summary('scan the config\'s targets, or one target with one scanner')
    .description(
      'Without arguments, run every scanner on every target in vigil.yaml. With <scanner> <target>, run one ' +
        'scanner on one path, URL or host — no config needed (e.g. `vigil scan import results.sarif`).\n\n' +
        'Exit codes: 0 passed; 1 the gate failed (findings at or above --fail-on after suppressions and ' +
        'baseline); 2 bad usage or bad input; 3 a scanner or internal failure.',
    )
    .argument('[scanner]', `scanner id: ${scannerIds().join(' | ')}`)
    .argument('[target]', 'a path, URL or host[:port]')
    .option('-c, --config <file>', 'config file (default: ./vigil.yaml when present)')
    .option('-f, --format <format>', 'table | json | sarif | junit | vex', 'table')
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--fail-on <severity>', 'critical | high | medium | low | none (default: the config\'s gate, else high)')
    .option('--baseline <file>', 'a previous `--format json` output: only findings not in it count')
    .option('--suppressions <file>', 'suppression file (default: the config\'s, else ./.vigilignore.yaml)')
    .option('--ledger <path|url>', 'SQLite file or postgres:// URL (default: $VIGIL_LEDGER, the config, .vigil/ledger.db)')
    .option('--no-ledger', 'scan without recording anything')
    .option('-t, --target <name...>', 'with a config: only these targets')
    .option('--timeout <seconds>', 'per scanner and target (default: the config\'s, else 600)')
    .option('--concurrency <n>', 'parts run at once (default: the config\'s, else 4)')
    .option('--vex <file...>', 'CycloneDX VEX or OpenVEX documents: not_affected / false_positive statements suppress matching findings')
    .option('--omit <type>', 'deps: leave out dev-only dependencies (`--omit dev`)')
    .option('--sbom-out <file>', 'deps: write the CycloneDX SBOM the scan used')
    .option('--online', 'deps: also query OSV\'s API (OSV_API_URL, default https://api.osv.dev); off by default')
    .option('--engine <engine>', 'code: auto (semgrep when on PATH, else embedded) | embedded | semgrep')
    .option('--rules <path...>', 'code: Semgrep-format rule files or folders (default: the bundled pack rules/code)')
    .option('--include <glob...>', 'code: only paths matching these (Semgrep `paths` semantics)')
    .option('--exclude <pattern...>', 'code: never paths matching these globs; web: never URLs matching these regexes')
    .option('--no-secrets', 'code: skip the secrets pass')
    .option('--ca <file...>', 'tls: extra trusted CA certificates (PEM), on top of the system store and NODE_EXTRA_CA_CERTS')
    .option('--intermediates <file...>', 'tls: intermediate CA certificates (PEM) that may complete a chain the server sends incomplete; never trusted as roots, and no AIA URL is ever fetched')
    .option('--starttls <protocol>', 'tls: smtp | postgres | none (default: from the port, 25/587 smtp, 5432 postgres)')
    .option('--active', 'web: also run the active (attack) rules; only ever against the target named here or marked active: true in the config')
    .option('--openapi <file|url>', 'web: an OpenAPI/Swagger spec whose operations join the scan; api: the spec whose every operation is checked for authorisation')
    .option('--rules-config <file>', 'web: ZAP baseline rules file (id<TAB>IGNORE|INFO|WARN|FAIL)')
    .option('--profile <name>', 'tls: the Mozilla profile to check against: modern | intermediate | old (default intermediate)')
    .option('--budget <file>', 'perf, pages: a budget file (YAML or JSON); without one the defaults hold (perf: 10 connections expected, p95 under 1 s at 10x, errors under 1 %; pages: Lighthouse\'s own pass thresholds)')
    .option('--schemas <name...>', 'postgres: the schemas exposed to clients (default: public, and the API roles\' grants on a Supabase database)')
    .option('--header <header...>', 'api: the low-privilege credential, headers sent on the second pass (e.g. "Authorization: Bearer …"); perf: headers sent with every request; never printed')
    .option('--sources <path|url...>', 'datamap: where reality is read for drift against the data map: SQL schema or migration files, ORM models, postgres:// URLs, site URLs for cookies')
    .action(async (scanner: string | undefined, target: string | undefined, flags: ScanFlags) => {
      process.exitCode = await scanCommand(scanner, target, flags);
    });
}

async function scanCommand(scannerId: string | undefined, targetArg: string | undefined, flags: ScanFlags): Promise<number> {
  const { loadConfig, defaultConfig } = await import('../config/index.js');
  const gate = await import('../gate/index.js');
  const reports = await import('../../reports/index.js');
  const { createScanner, scannerIds, partWorkerUrl } = await import('../../scanners/index.js');

  const format = listOption(flags.format, reports.FORMATS, '--format')![0]!;
  if (scannerId && !targetArg) throw new VigilError('VIGIL_ERR_USAGE', `vigil scan ${scannerId} needs a target: vigil scan ${scannerId} <path|url|host>`);

  // Every input is read and checked before anything runs, so bad input never half-writes the ledger.
  const cfgFile = configPath(flags.config);
  let config: VigilConfig;
  if (cfgFile) config = await loadConfig(cfgFile);
  else if (!scannerId) {
    throw new VigilError('VIGIL_ERR_CONFIG_NOT_FOUND', 'no vigil.yaml here: run `vigil init`, pass --config, or scan one target with `vigil scan <scanner> <target>`');
  } else config = defaultConfig(process.cwd());

  let plan: PlanItem[];
  if (scannerId) {
    if (!scannerIds().includes(scannerId)) {
      throw new VigilError('VIGIL_ERR_SCANNER_UNKNOWN', `no scanner "${scannerId}"; known: ${scannerIds().join(', ')}`);
    }
    const options: Record<string, unknown> = {};
    if (flags.omit) options.omit = listOption(flags.omit, ['dev'] as const, '--omit');
    if (flags.sbomOut) options.sbomOut = resolve(flags.sbomOut);
    if (flags.online) options.online = true;
    if (flags.engine) options.engine = listOption(flags.engine, ['auto', 'embedded', 'semgrep'] as const, '--engine')![0];
    if (flags.rules) options.rules = flags.rules.map((r) => resolve(r));
    if (flags.include) options.include = flags.include;
    if (flags.exclude) options.exclude = flags.exclude;
    if (flags.secrets === false) options.secrets = false;
    if (flags.ca) options.ca = flags.ca.map((f) => resolve(f));
    if (flags.intermediates) options.intermediates = flags.intermediates.map((f) => resolve(f));
    if (flags.starttls) options.starttls = listOption(flags.starttls, ['smtp', 'postgres', 'none'] as const, '--starttls')![0];
    if (flags.profile) options.profile = listOption(flags.profile, ['modern', 'intermediate', 'old'] as const, '--profile')![0];
    if (flags.active) options.active = true;
    if (flags.openapi) options.openapi = /^https?:\/\//i.test(flags.openapi) ? flags.openapi : resolve(flags.openapi);
    if (flags.rulesConfig) options.rulesConfig = resolve(flags.rulesConfig);
    // paths are resolved here, against the working folder; URLs (postgres://, https://) pass as given
    if (flags.sources) options.sources = flags.sources.map((s) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : resolve(s)));
    if (flags.budget) options.budget = resolve(flags.budget);
    if (flags.schemas) options.exposedSchemas = flags.schemas;
    if (flags.header) options.lowPrivilege = { name: 'cli', headers: headerOption(flags.header) };
    const target = targetFromArg(targetArg!);
    // naming the target on the command line with --active is the consent a config gives with active: true
    if (flags.active) target.active = true;
    plan = [{ target, scanner: scannerId, options }];
  } else {
    plan = planFromConfig(config, flags.target ? { targets: flags.target } : {});
    for (const p of plan) {
      if (!scannerIds().includes(p.scanner)) {
        throw new VigilError('VIGIL_ERR_SCANNER_UNKNOWN', `target ${p.target.name} names scanner "${p.scanner}"; known: ${scannerIds().join(', ')}`, { file: config.file });
      }
    }
  }
  const failOn: FailOn = flags.failOn ? listOption(flags.failOn, FAIL_ON, '--fail-on')![0]! : config.gate.failOn;
  const suppressionFile = flags.suppressions ? resolve(flags.suppressions) : cfgFile ? config.suppressions : resolve('.vigilignore.yaml');
  const suppressions = await gate.loadSuppressions(suppressionFile);
  const baseline = flags.baseline ? await gate.loadBaseline(resolve(flags.baseline)) : undefined;
  const vexFiles = [...(cfgFile ? config.vex : []), ...(flags.vex ?? []).map((f) => resolve(f))];
  const vexStatements = (await Promise.all(vexFiles.map((f) => gate.loadVex(f)))).flat();
  const timeoutSec = flags.timeout ? Number(flags.timeout) : config.runner.timeoutSeconds;
  if (!Number.isFinite(timeoutSec) || timeoutSec <= 0) throw new VigilError('VIGIL_ERR_USAGE', `--timeout: "${flags.timeout}" is not a number of seconds`);
  const concurrency = flags.concurrency ? Number(flags.concurrency) : config.runner.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new VigilError('VIGIL_ERR_USAGE', `--concurrency: "${flags.concurrency}" is not a positive whole number`);
  // Every input is good: the parts' threads start loading their scanners while the ledger opens.
  const workerUrl = partWorkerUrl();
  const threads = workerUrl ? new PartThreads(workerUrl, { warm: Math.min(plan.length, concurrency), preload: [...new Set(plan.map((p) => p.scanner))] }) : undefined;
  let ledger: Ledger | undefined;
  let advisoryLedger: Ledger | undefined;
  try {
    ledger = flags.ledger === false ? undefined : await openCommandLedger(flags.ledger, cfgFile ? config : undefined);
    // With --no-ledger nothing is recorded, but the advisory store still lives in the ledger's database.
    const needsAdvisories = plan.some((p) => p.scanner === 'deps');
    advisoryLedger = ledger ?? (needsAdvisories ? await openCommandLedger(undefined, cfgFile ? config : undefined) : undefined);
  } catch (e) {
    await threads?.close();
    await ledger?.close();
    throw e;
  }

  // Alerts (config notify:) need the ledger to know which findings are new.
  let notifier: Notifier | undefined;
  const notifyWait = (config.notify?.waitOnExitSeconds ?? 0) * 1000;
  const notifyMod = cfgFile && config.notify ? await import('../notify/after-run.js') : undefined;
  if (notifyMod && !ledger) process.stderr.write('vigil: note: no alerts with --no-ledger: which findings are new is known only to the ledger\n');
  else if (notifyMod) notifier = await notifyMod.startNotifier(config, ledgerLocation(flags.ledger as string | undefined, config), stderrLogger());

  try {
    const logger = stderrLogger();
    const ac = new AbortController();
    const onSignal = () => ac.abort(new Error('interrupted'));
    process.once('SIGINT', onSignal);
    let result: RunResult;
    try {
      const progress = ttyProgress();
      result = await runScan(plan, {
        createScanner,
        // each part on a worker thread, terminated at its timeout: a scanner that blocks its thread cannot hang the scan
        ...(threads ? { partWorker: threads } : {}),
        trigger: 'cli',
        baseDir: config.baseDir,
        concurrency,
        timeoutMs: timeoutSec * 1000,
        signal: ac.signal,
        ...(advisoryLedger ? { advisories: advisoryLedger.advisories } : {}),
        ...(advisoryLedger ? { priorFindings: priorFindingsFrom(advisoryLedger) } : {}),
        logger: { ...logger, warn: () => undefined },
        ...(progress ? { onProgress: progress } : {}),
      });
    } finally {
      process.off('SIGINT', onSignal);
    }

    // Bad input found by a scanner (a malformed SARIF) is the user's to fix: exit 2, ledger untouched.
    const inputErrors = [...result.errors.values()].filter((e) => isVigilError(e) && e.isInputError);
    if (inputErrors.length) {
      for (const e of inputErrors) process.stderr.write(`vigil: error ${displayError(e)}\n`);
      return 2;
    }

    let ingest: IngestSummary | undefined;
    const ingestedAt = new Date();
    if (ledger) ingest = await ledger.ingest(result, { now: ingestedAt });
    if (ledger && ingest && config.incidents.enabled) {
      const incidents = await import('../incidents/engine.js');
      const ctx = await incidents.loadIncidentContext(config, ledger).catch((e: unknown) => {
        process.stderr.write(`vigil: error incidents not opened: ${displayError(e)}\n`);
        return undefined;
      });
      if (ctx) {
        const done = await incidents.openIncidentsAfterRun(
          ledger,
          { result, summary: ingest, ingestedAt: ingestedAt.toISOString(), scheduled: false },
          ctx,
          { logger: { ...logger, info: () => undefined }, listener: notifier },
        );
        // a first scan of a large codebase can open thousands: the first few, then how many more
        for (const i of done.opened.slice(0, INCIDENT_LINES)) process.stderr.write(`vigil: incident ${i.id} opened: ${i.title} — runbook ${i.runbook.id} (vigil incidents show ${i.id})\n`);
        const more = done.opened.length - INCIDENT_LINES;
        if (more > 0) process.stderr.write(`vigil: … and ${more} more incidents opened (vigil incidents list)\n`);
      }
    }

    // Annotated in place: the run's findings are not used again, and a copy would double memory.
    const annotated: ReportedFinding[] = result.findings;
    if (ingest) {
      for (const f of annotated) {
        const rec = ingest.records.get(recordKey(f.target, f.fingerprint));
        if (rec) Object.assign(f, { id: rec.id, status: rec.status, firstSeen: rec.firstSeen, slaDue: rec.slaDue });
      }
      ingest.records.clear();
    }
    // VEX first: the gate applies after it, and a suppression file never overrides a VEX reason.
    const vexed = gate.applyVex(annotated, vexStatements);
    if (vexed.applied) process.stderr.write(`vigil: ${vexed.applied} finding(s) not affected per VEX\n`);
    const suppressed = gate.applySuppressions(vexed.findings, suppressions, new Date());
    for (const n of suppressed.expired) process.stderr.write(`vigil: warn: ${n.message}\n`);
    if (notifier && ledger && ingest) {
      // sent in the background while the report is written; waited for (at most notify.waitOnExit) at exit
      await notifyMod!.notifyAfterRun(notifier, {
        ledger,
        result,
        summary: ingest,
        ingestedAt: ingestedAt.toISOString(),
        findings: suppressed.findings,
        suppress: (fs) => gate.applySuppressions(gate.applyVex(fs, vexStatements).findings, suppressions, ingestedAt).findings,
        config,
        logger,
      });
    }
    if (result.errors.size && (notifier || process.env.SENTRY_DSN)) await (await import('../notify/after-run.js')).reportPartErrors(result);
    const withBaseline = baseline ? gate.applyBaseline(suppressed.findings, baseline) : suppressed.findings;
    const report = gate.buildReport(result.run, withBaseline, failOn, VERSION);

    const color = format === 'table' && !flags.output && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
    await emitChunks(reports.writeReportChunks(format, report, { color, width: process.stdout.columns || 120 }), flags.output);
    // With a machine format on stdout (or any file output), people still get a one-line summary.
    if (format !== 'table' || flags.output) {
      process.stderr.write(`${summaryLine(report.summary, report.gate)}\n`);
    }
    if (ledger && ingest) {
      process.stderr.write(
        `vigil: ledger ${redactLedgerUrl(ledgerLocation(flags.ledger as string | undefined, cfgFile ? config : undefined))}: ` +
          `${ingest.new} new, ${ingest.reopened} reopened, ${ingest.fixed} fixed, ${ingest.unchanged + ingest.updated} still open\n`,
      );
    }
    for (const p of result.run.parts) for (const n of p.notes ?? []) process.stderr.write(`vigil: note: ${p.scanner} on ${p.target}: ${n}\n`);
    const failedParts = result.run.parts.filter(partFailed);
    for (const p of failedParts) process.stderr.write(`vigil: error ${p.scanner} on ${p.target} ${p.status}: ${p.error}\n`);
    if (failedParts.length) return 3;
    return report.gate.failed ? 1 : 0;
  } finally {
    await ledger?.close();
    if (advisoryLedger !== ledger) await advisoryLedger?.close();
    // what is not delivered by now goes to the outbox, for the next run or `vigil serve`
    await notifier?.close(notifyWait);
  }
}

function summaryLine(s: Record<string, number>, g: { failOn: string; failed: boolean; counted: number }): string {
  const counts = ['critical', 'high', 'medium', 'low', 'info'].map((k) => `${s[k] ?? 0} ${k}`).join(', ');
  const verdict = g.failOn === 'none' ? 'gate off' : g.failed ? `gate FAILED at ${g.failOn} (${g.counted} findings)` : `gate passed at ${g.failOn}`;
  return `vigil: ${counts} — ${verdict}`;
}

/** `--header "Name: value"` flags as a header map; a malformed one is a usage error that never echoes its value. */
function headerOption(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const i = v.indexOf(':');
    const name = i > 0 ? v.slice(0, i).trim() : '';
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
      throw new VigilError('VIGIL_ERR_USAGE', '--header takes "Name: value" (e.g. "Authorization: Bearer …"); the value given has no valid header name before a colon');
    }
    out[name] = v.slice(i + 1).trim();
  }
  return out;
}
