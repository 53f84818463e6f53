import type { Command } from 'commander';
import { describeMismatch } from '../ledger/replay.js';
import { emit, listOption, maybeConfig, openCommandLedger } from './common.js';

/** `vigil ledger verify` — check the hash chain. Exit 0 intact, 1 broken. */
export function registerLedger(program: Command): void {
  const ledgerCmd = program.command('ledger').summary('check the ledger\'s hash-chained event log');
  ledgerCmd
    .command('verify')
    .description(
      'Recompute every event\'s hash in order, then replay the events and hold every finding\'s stored state ' +
        '(status, severity, acceptance, SLA due, first and last seen, content) to what they say.\n' +
        'Exit 0 when intact; exit 1 naming the first broken event when any event was edited, deleted or ' +
        'reordered, or each finding and field the findings table holds differently (a row edited, inserted or deleted outside vigil).',
    )
    .option('--ledger <path|url>', 'SQLite file or postgres:// URL (default: $VIGIL_LEDGER, the config, .vigil/ledger.db)')
    .option('-c, --config <file>', 'config file (default ./vigil.yaml when present)')
    .option('-f, --format <format>', 'table | json', 'table')
    .action(async (flags: { ledger?: string; config?: string; format: string }) => {
      const format = listOption(flags.format, ['table', 'json'] as const, '--format')![0]!;
      const ledger = await openCommandLedger(flags.ledger, await maybeConfig(flags.config));
      try {
        const v = await ledger.verify();
        if (format === 'json') emit(`${JSON.stringify(v, null, 2)}\n`);
        else if (v.ok) emit(`ledger intact: ${v.events} events, ${v.findings?.checked ?? 0} findings match them, ${v.artifacts?.checked ?? 0} files kept with runs match their digests, ${v.uptime?.checked ?? 0} probe results match their chains, head ${v.headHash}\n`);
        else if (v.broken!.seq !== null) emit(`ledger BROKEN at event ${v.broken!.seq}: ${v.broken!.reason}\n(${v.events} events verified before it)\n`);
        else if (!v.findings?.total) emit(`ledger BROKEN: the event chain is intact (${v.events} events) but ${v.broken!.reason}\n`);
        else {
          const f = v.findings!;
          const lines = f.mismatches.map((m) => `  ${describeMismatch(m)}\n`).join('');
          const more = f.total > f.mismatches.length ? `  … and ${f.total - f.mismatches.length} more\n` : '';
          emit(
            `ledger BROKEN: the event chain is intact (${v.events} events) but the findings table was edited outside vigil — ` +
              `${f.total} difference(s):\n${lines}${more}`,
          );
        }
        process.exitCode = v.ok ? 0 : 1;
      } finally {
        await ledger.close();
      }
    });
}
