import { Command, CommanderError } from 'commander';
import { VERSION, reportError } from './common.js';
import { registerAdvisories } from './advisories.js';
import { registerTokens } from './tokens.js';
import { registerUsers } from './users.js';
import { registerFindings } from './findings.js';
import { registerIncidents } from './incidents.js';
import { registerInit } from './init.js';
import { registerLedger } from './ledger.js';
import { registerReport } from './report.js';
import { registerRules } from './rules.js';
import { registerScan } from './scan.js';
import { registerServe } from './serve.js';
import { registerWorker } from './worker.js';

/** Build the `vigil` command tree. */
export function buildProgram(): Command {
  const program = new Command('vigil')
    .description('Security scanning and compliance: one ledger for every finding.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerScan(program);
  registerFindings(program);
  registerIncidents(program);
  registerLedger(program);
  registerAdvisories(program);
  registerRules(program);
  registerReport(program);
  registerInit(program);
  registerServe(program);
  registerWorker(program);
  registerUsers(program);
  registerTokens(program);
  // Commander's own usage errors exit 1 by default; vigil's contract says 2.
  const strict = (c: Command) => {
    c.exitOverride();
    c.commands.forEach(strict);
  };
  strict(program);
  return program;
}

/** Run the CLI; resolves to the exit code (0 passed, 1 gate failed, 2 bad input, 3 failure). */
export async function main(argv: string[]): Promise<number> {
  process.exitCode = 0;
  // vigil's own failures go to Sentry when SENTRY_DSN is set (or a config's notify.sentry names a DSN)
  const sentry = process.env.SENTRY_DSN ? await startErrorReporting(process.env.SENTRY_DSN) : undefined;
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    const code = reportError(e);
    // bad input (exit 2) is the user's to fix; exit 3 is a failure of vigil or what it scans
    if (code === 3) await (sentry ?? (await import('../notify/sentry.js'))).reportFailure(e).catch(() => undefined);
    return code;
  } finally {
    const s = sentry ?? (await import('../notify/sentry.js'));
    if (s.errorReportingActive() && !(await s.flushErrorReporting(SENTRY_FLUSH_MS).catch(() => false))) {
      process.stderr.write(`vigil: warn: Sentry: not every error report was sent within ${SENTRY_FLUSH_MS / 1000} s\n`);
    }
  }
}

/** How long the CLI waits at exit for error reports to reach Sentry. */
const SENTRY_FLUSH_MS = 2_000;

async function startErrorReporting(dsn: string): Promise<typeof import('../notify/sentry.js') | undefined> {
  try {
    const s = await import('../notify/sentry.js');
    await s.initErrorReporting({ dsn, ...(process.env.SENTRY_ENVIRONMENT ? { environment: process.env.SENTRY_ENVIRONMENT } : {}) });
    return s;
  } catch (e) {
    process.stderr.write(`vigil: warn: Sentry error reporting not started: ${e instanceof Error ? e.message : String(e)}\n`);
    return undefined;
  }
}
