import { VigilError } from '../../src/errors.js';
import type { Finding } from '../../src/model/finding.js';
import type { Scanner, ScanContext } from '../../src/model/scanner.js';
import type { Target } from '../../src/model/target.js';

// PLACEHOLDER while issue 15 is being built: replaced by the real scanner before it lands
export class MigrationsScanner implements Scanner {
  readonly id = 'migrations';
  readonly version = 1;

  // eslint-disable-next-line require-yield
  async *run(_target: Target, _ctx: ScanContext): AsyncIterable<Finding> {
    throw new VigilError('VIGIL_ERR_INTERNAL', 'the migrations scanner is not built yet');
  }
}

export function createMigrationsScanner(): Scanner {
  return new MigrationsScanner();
}
