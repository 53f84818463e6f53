import { resolve } from 'node:path';
import type { Command } from 'commander';
import { VigilError } from '../errors.js';
import { emit, listOption, maybeConfig } from './common.js';

const ROPA_FORMATS = ['csv', 'html'] as const;

/** `vigil report ropa` — the record of processing activities (GDPR Art. 30) from the data map. */
export function registerReport(program: Command): void {
  const report = program.command('report').summary('reports for auditors: the record of processing activities');
  report
    .command('ropa')
    .description(
      'The record of processing activities (GDPR Art. 30(1)): one row per processing activity of the Fides data map, ' +
        'a column for each of Art. 30(1)(a)–(g) plus the lawful basis, the Art. 9 condition and the DPIA.\n' +
        'The data map is --datamap, else the paths of the config\'s targets that run the datamap scanner. ' +
        'The format follows --output\'s extension (.csv, .html) unless --format says.',
    )
    .option('--datamap <path...>', 'a .fides folder or Fides resource files (default: the config\'s datamap targets)')
    .option('-c, --config <file>', 'config file (default ./vigil.yaml when present)')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('-f, --format <format>', 'csv | html (default: from --output\'s extension, else csv)')
    .action(async (flags: { datamap?: string[]; config?: string; output?: string; format?: string }) => {
      const format = flags.format ? listOption(flags.format, ROPA_FORMATS, '--format')![0]! : /\.html?$/i.test(flags.output ?? '') ? 'html' : 'csv';
      let paths: string[];
      let baseDir = process.cwd();
      if (flags.datamap?.length) paths = flags.datamap.map((p) => resolve(p));
      else {
        const config = await maybeConfig(flags.config);
        const targets = config?.targets.filter((t) => t.kind === 'path' && 'datamap' in t.scanners) ?? [];
        if (!config || targets.length === 0) throw new VigilError('VIGIL_ERR_USAGE', 'report ropa: no data map — give --datamap PATH, or a config with a target that runs the datamap scanner');
        baseDir = config.baseDir;
        paths = targets.map((t) => resolve(config.baseDir, t.location));
      }
      const { loadDataMap } = await import('../../scanners/datamap/fides.js');
      const { buildRopa, ropaCsv, ropaHtml } = await import('../../reports/ropa.js');
      const ropa = buildRopa(await loadDataMap(paths), { baseDir });
      emit(format === 'html' ? ropaHtml(ropa) : ropaCsv(ropa), flags.output);
      if (flags.output && flags.output !== '-') process.stderr.write(`vigil: record of processing activities: ${ropa.rows.length} activities → ${flags.output}\n`);
    });
}
