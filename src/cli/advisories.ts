import type { Command } from 'commander';
import { VigilError } from '../errors.js';
import { currentActor, emit, listOption, maybeConfig, openCommandLedger } from './common.js';

/** `vigil advisories import PATH…` — load OSV advisories into the ledger's offline store. */
export function registerAdvisories(program: Command): void {
  const advisories = program.command('advisories').summary('the offline OSV advisory store the deps scanner matches against');
  advisories
    .command('import')
    .description(
      'Load OSV advisories from JSON files (one advisory or an array), folders (recursive *.json and *.zip) ' +
        'or OSV\'s per-ecosystem all.zip. A newer `modified` replaces a stored advisory; withdrawn ones stop matching. ' +
        'CISA\'s Known Exploited Vulnerabilities catalogue (known_exploited_vulnerabilities.json) is recognised and stored too: findings whose ids or aliases it lists get the kev tag, which runbooks trigger on. ' +
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
      const { parseKevCatalogue } = await import('../incidents/kev.js');
      const kevs: { catalogue: ReturnType<typeof parseKevCatalogue>; file: string }[] = [];
      const onKev = (text: string, file: string) => kevs.push({ catalogue: parseKevCatalogue(text, file), file });
      const ledger = await openCommandLedger(flags.ledger, await maybeConfig(flags.config));
      try {
        const onProgress = process.stderr.isTTY
          ? (p: { advisories: number; current: string }) => process.stderr.write(`\r\x1b[2K${p.advisories} advisories… ${p.current}`.slice(0, (process.stderr.columns || 80) - 1))
          : undefined;
        const s = await importAdvisories(ledger.advisories, paths, { onKev, ...(onProgress ? { onProgress } : {}) });
        if (onProgress) process.stderr.write('\r\x1b[2K');
        // the newest catalogue given wins: each import replaces the stored one
        kevs.sort((a, b) => Date.parse(a.catalogue.dateReleased) - Date.parse(b.catalogue.dateReleased));
        const kev = [];
        for (const k of kevs) kev.push(await ledger.kev.import(k.catalogue, { file: k.file, actor: currentActor() }));
        const total = await ledger.advisories.count();
        if (format === 'json') emit(`${JSON.stringify({ ...s, stored: total, kev }, null, 2)}\n`);
        else {
          if (s.documents > kevs.length || kevs.length === 0) emit(`${s.advisories} advisories read from ${s.documents - kevs.length} documents: ${s.added} added, ${s.updated} updated, ${s.unchanged} unchanged, ${s.withdrawn} withdrawn; ${total} in the store\n`);
          for (const k of kev) emit(`CISA KEV catalogue ${k.catalogVersion} (released ${k.dateReleased}): ${k.entries} entries, ${k.added} added, ${k.updated} updated, ${k.removed} removed; findings whose ids or aliases it lists are tagged kev\n`);
        }
      } finally {
        await ledger.close();
      }
    });
}
