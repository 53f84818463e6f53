import { stat } from 'node:fs/promises';
import path from 'node:path';
import { VigilError } from '../../src/errors.js';
import type { Finding } from '../../src/model/finding.js';
import type { ScanContext, ScanOptions, Scanner } from '../../src/model/scanner.js';
import type { Target } from '../../src/model/target.js';
import { maxInputBytes, readTextInput } from '../../src/util/read-input.js';
import { findSarifFiles } from './discover.js';
import { isInside } from './sarif-paths.js';
import { IMPORT_SCANNER_ID, parseSarif, sarifToFindings } from './sarif.js';
import { createSourceReader } from './source-reader.js';

/**
 * Imports SARIF 2.1.0 from any tool. The target is a SARIF file or a folder searched for
 * `*.sarif` / `*.sarif.json`; option `files` (paths relative to the folder) replaces the search.
 * Finding paths are relative to the folder (a file target's folder), and snippets are read only
 * from inside it.
 */
export class ImportScanner implements Scanner {
  readonly id = IMPORT_SCANNER_ID;
  readonly version = 1;

  async *run(target: Target, ctx: ScanContext): AsyncIterable<Finding> {
    if (target.kind !== 'path') {
      throw new VigilError(
        'VIGIL_ERR_USAGE',
        `the import scanner reads SARIF files: target "${target.name}" is a ${target.kind} target; give it a path`,
      );
    }
    const location = path.resolve(ctx.baseDir, target.location);
    const st = await stat(location).catch(() => undefined);
    if (!st) throw new VigilError('VIGIL_ERR_INPUT_NOT_FOUND', 'no such file or folder', { file: location });

    const listed = listedFiles(ctx.options);
    let root: string;
    let files: string[];
    if (st.isDirectory()) {
      root = location;
      files = listed ? checkListed(root, listed) : await findSarifFiles(root, ctx.signal);
    } else {
      if (listed) {
        throw new VigilError('VIGIL_ERR_USAGE', `option "files" needs a folder target; "${target.name}" is a file`, {
          file: location,
        });
      }
      root = path.dirname(location);
      files = [path.basename(location)];
    }

    const readSource = createSourceReader(root);
    // the same result imported from two files (a copy, a re-run) is one finding
    const yielded = new Set<string>();
    for (const [i, rel] of files.entries()) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      ctx.progress(`file ${i + 1}/${files.length}: ${rel}`);
      const file = path.join(root, rel);
      const text = await readTextInput(file, maxInputBytes());
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const findings = sarifToFindings(parseSarif(text, file), { file, baseDir: root, readSource, signal: ctx.signal, release: true });
      ctx.logger.debug('imported SARIF', { file, findings: findings.length });
      for (const f of findings) {
        if (yielded.has(f.fingerprint)) continue;
        yielded.add(f.fingerprint);
        yield f;
      }
    }
  }
}

function listedFiles(options: ScanOptions): string[] | undefined {
  const files = options.files;
  if (files === undefined) return undefined;
  if (!Array.isArray(files) || !files.every((f): f is string => typeof f === 'string' && f.trim() !== '')) {
    throw new VigilError('VIGIL_ERR_USAGE', 'option "files" must be a list of SARIF paths relative to the target folder');
  }
  return files;
}

/** Listed files, kept inside the target folder: a scan never leaves its target. */
function checkListed(root: string, files: readonly string[]): string[] {
  return files.map((f) => {
    const abs = path.resolve(root, f);
    if (path.isAbsolute(f) || !isInside(root, abs) || abs === root) {
      throw new VigilError('VIGIL_ERR_USAGE', `option "files": "${f}" is not a path inside the target folder ${root}`);
    }
    return path.relative(root, abs).split(path.sep).join('/');
  });
}

/** A new import scanner (the registry's factory). */
export function createImportScanner(): Scanner {
  return new ImportScanner();
}
