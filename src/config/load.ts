import { readFile, stat } from 'node:fs/promises';
import { VigilError } from '../errors.js';
import { maxInputBytes } from '../util/read-input.js';
import { normaliseConfig } from './normalise.js';
import { problemsError, type ConfigProblem } from './problem.js';
import type { VigilYaml } from './schema.js';
import type { VigilConfig } from './types.js';
import { configValueProblems } from './validate.js';
import { parseYamlSource } from './yaml-source.js';

/** Every problem with a config text, first (in document order) first; empty when it is valid. */
export function checkConfigText(text: string, file: string): ConfigProblem[] {
  let parsed: ReturnType<typeof parseYamlSource>;
  try {
    parsed = parseYamlSource(text, file);
  } catch (e) {
    if (!(e instanceof VigilError) || (e.code !== 'VIGIL_ERR_CONFIG_PARSE' && e.code !== 'VIGIL_ERR_CONFIG_INVALID')) {
      throw e;
    }
    const line = e.line ?? 1;
    const column = e.column ?? 1;
    // only one syntax problem is ever known, so its offset does not matter for ordering
    return [{ code: e.code, path: [], message: e.message, line, column, offset: 0 }];
  }
  return configValueProblems(parsed.value, parsed.locator);
}

/** Parse and validate vigil.yaml text; `file` names it in errors and anchors relative paths. */
export function parseConfig(text: string, file: string): VigilConfig {
  const parsed = parseYamlSource(text, file);
  const problems = configValueProblems(parsed.value, parsed.locator);
  if (problems.length) throw problemsError(problems, file);
  return normaliseConfig(parsed.value as VigilYaml, file);
}

/** Read, parse and validate a vigil.yaml file. */
export async function loadConfig(file: string): Promise<VigilConfig> {
  let text: string;
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new VigilError('VIGIL_ERR_CONFIG_NOT_FOUND', 'is a folder, not a config file', { file });
    const limit = maxInputBytes();
    if (st.size > limit) {
      throw new VigilError(
        'VIGIL_ERR_INPUT_TOO_LARGE',
        `is ${st.size} bytes; the limit is ${limit} (raise it with VIGIL_MAX_INPUT_BYTES)`,
        { file },
      );
    }
    text = await readFile(file, 'utf8');
  } catch (e) {
    if (e instanceof VigilError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' || code === 'ENOTDIR'
        ? 'no such file (`vigil init` writes one)'
        : `cannot be read (${code ?? (e instanceof Error ? e.message : String(e))})`;
    throw new VigilError('VIGIL_ERR_CONFIG_NOT_FOUND', why, { file }, { cause: e });
  }
  return parseConfig(text, file);
}
