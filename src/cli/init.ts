import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { VigilError } from '../errors.js';

/** `vigil init` — write a commented vigil.yaml. */
export function registerInit(program: Command): void {
  program
    .command('init')
    .summary('write a commented vigil.yaml')
    .option('-o, --output <file>', 'where to write it', 'vigil.yaml')
    .option('--force', 'overwrite an existing file')
    .action(async (flags: { output: string; force?: boolean }) => {
      const { initTemplate } = await import('../config/index.js');
      const file = resolve(flags.output);
      if (existsSync(file) && !flags.force) {
        throw new VigilError('VIGIL_ERR_USAGE', `${flags.output} exists; pass --force to overwrite it`);
      }
      writeFileSync(file, initTemplate());
      process.stderr.write(`vigil: wrote ${flags.output}; edit its targets, then run \`vigil scan\`\n`);
    });
}
