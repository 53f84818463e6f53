import { VigilError } from '../../src/errors.js';
import { shippedPath } from '../../src/util/package-path.js';

/** vigil's own rule pack, `rules/code`: the default when a target names no rules. */
export function bundledRulesDir(): string {
  const dir = shippedPath('rules', 'code');
  if (!dir) throw new VigilError('VIGIL_ERR_INTERNAL', 'the bundled rule pack rules/code is missing from this install');
  return dir;
}
