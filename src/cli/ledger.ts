import type { Command } from 'commander';
import { emit, listOption, maybeConfig, openCommandLedger } from './common.js';

/** `vigil ledger verify` — check the hash chain. Exit 0 intact, 1 broken. */
export function registerLedger(program: Command): void {
  const ledgerCmd = program.command('ledger').summary('check the ledger\'s hash-chained event log');
  ledgerCmd
    .command('verify')
    .description('Recompute every event\'s hash in order. Exit 0 when intact; exit 1 naming the first broken event\nwhen any event was edited, deleted or reordered.')
    .option('--ledger <path|url>', 'SQLite file or postgres:// URL (default: $VIGIL_LEDGER, the config, .vigil/ledger.db)')
    .option('-c, --config <file>', 'config file (default ./vigil.yaml when present)')
    .option('-f, --format <format>', 'table | json', 'table')
    .action(async (flags: { ledger?: string; config?: string; format: string }) => {
      const format = listOption(flags.format, ['table', 'json'] as const, '--format')![0]!;
      const ledger = await openCommandLedger(flags.ledger, await maybeConfig(flags.config));
      try {
        const v = await ledger.verify();
        if (format === 'json') emit(`${JSON.stringify(v, null, 2)}\n`);
        else if (v.ok) emit(`ledger intact: ${v.events} events, head ${v.headHash}\n`);
        else emit(`ledger BROKEN at event ${v.broken!.seq}: ${v.broken!.reason}\n(${v.events} events verified before it)\n`);
        process.exitCode = v.ok ? 0 : 1;
      } finally {
        await ledger.close();
      }
    });
}
