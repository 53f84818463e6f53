import { Command, CommanderError } from 'commander';
import { VERSION, reportError } from './common.js';
import { registerAdvisories } from './advisories.js';
import { registerFindings } from './findings.js';
import { registerInit } from './init.js';
import { registerLedger } from './ledger.js';
import { registerReport } from './report.js';
import { registerRules } from './rules.js';
import { registerScan } from './scan.js';
import { registerServe } from './serve.js';

/** Build the `vigil` command tree. */
export function buildProgram(): Command {
  const program = new Command('vigil')
    .description('Security scanning and compliance: one ledger for every finding.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerScan(program);
  registerFindings(program);
  registerLedger(program);
  registerAdvisories(program);
  registerRules(program);
  registerReport(program);
  registerInit(program);
  registerServe(program);
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
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    return reportError(e);
  }
}
