import { readFile, stat } from 'node:fs/promises';
import { VigilError } from '../errors.js';

/** Default ceiling for one input file (SARIF, baseline, suppressions): 512 MiB. */
export const DEFAULT_MAX_INPUT_BYTES = 512 * 1024 * 1024;

/** Read a text input with a size ceiling; missing or oversized files get a VigilError naming the file. */
export async function readTextInput(file: string, maxBytes = DEFAULT_MAX_INPUT_BYTES): Promise<string> {
  let size: number;
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new VigilError('VIGIL_ERR_INPUT_NOT_FOUND', 'is not a file', { file });
    size = st.size;
  } catch (e) {
    if (e instanceof VigilError) throw e;
    throw new VigilError('VIGIL_ERR_INPUT_NOT_FOUND', 'no such file', { file });
  }
  if (size > maxBytes) {
    throw new VigilError(
      'VIGIL_ERR_INPUT_TOO_LARGE',
      `is ${size} bytes; the limit is ${maxBytes} (raise it with VIGIL_MAX_INPUT_BYTES)`,
      { file },
    );
  }
  return readFile(file, 'utf8');
}

/** The input ceiling, from VIGIL_MAX_INPUT_BYTES when set. */
export function maxInputBytes(): number {
  const v = Number(process.env.VIGIL_MAX_INPUT_BYTES);
  return Number.isFinite(v) && v > 0 ? v : DEFAULT_MAX_INPUT_BYTES;
}
