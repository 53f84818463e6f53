import type { Command } from 'commander';
import { VigilError } from '../errors.js';
import { emit, listOption, maybeConfig, openCommandLedger } from './common.js';

/** `vigil advisories import PATH…` — load OSV advisories into the ledger's offline store. */
export function registerAdvisories(program: Command): void {
  const advisories = program.command('advisories').summary('the offline OSV advisory store the deps scanner matches against');
  advisories
    .command('import')
    .description(
      'Load OSV advisories from JSON files (one advisory or an array), folders (recursive *.json and *.zip) ' +
        'or OSV\'s per-ecosystem all.zip. A newer `modified` replaces a stored advisory; withdrawn ones stop matching. ' +
        'All or nothing: one bad advisory (exit 2, naming file, line and JSON path) leaves the store as it was.',
    )
    .argument('<paths...>', 'files, folders or zip archives')
    .option('--ledger <path|url>', 'SQLite file or postgres:// URL (default: $VIGIL_LEDGER, the config, .vigil/ledger.db)')
    .option('-c, --config <file>', 'config file (default ./vigil.yaml when present)')
    .option('-f, --format <format>', 'table | json', 'table')
    .action(async (paths: string[], flags: { ledger?: string; config?: string; format: string }) => {
      const format = listOption(flags.format, ['table', 'json'] as const, '--format')![0]!;
      if (paths.length === 0) throw new VigilError('VIGIL_ERR_USAGE', 'name at least one file, folder or zip');
      const { importAdvisories } = await import('../advisories/index.js');
      const ledger = await openCommandLedger(flags.ledger, await maybeConfig(flags.config));
      try {
        const onProgress = process.stderr.isTTY
          ? (p: { advisories: number; current: string }) => process.stderr.write(`\r\x1b[2K${p.advisories} advisories… ${p.current}`.slice(0, (process.stderr.columns || 80) - 1))
          : undefined;
        const s = await importAdvisories(ledger.advisories, paths, onProgress ? { onProgress } : {});
        if (onProgress) process.stderr.write('\r\x1b[2K');
        const total = await ledger.advisories.count();
        if (format === 'json') emit(`${JSON.stringify({ ...s, stored: total }, null, 2)}\n`);
        else emit(`${s.advisories} advisories read from ${s.documents} documents: ${s.added} added, ${s.updated} updated, ${s.unchanged} unchanged, ${s.withdrawn} withdrawn; ${total} in the store\n`);
      } finally {
        await ledger.close();
      }
    });
}
