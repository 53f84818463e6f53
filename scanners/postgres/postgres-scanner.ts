import { VigilError } from '../../src/errors.js';
import type { Finding } from '../../src/model/finding.js';
import type { Scanner, ScanContext } from '../../src/model/scanner.js';
import type { Target } from '../../src/model/target.js';

// PLACEHOLDER while issue 15 is being built: replaced by the real scanner before it lands
export class PostgresScanner implements Scanner {
  readonly id = 'postgres';
  readonly version = 1;

  // eslint-disable-next-line require-yield
  async *run(_target: Target, _ctx: ScanContext): AsyncIterable<Finding> {
    throw new VigilError('VIGIL_ERR_INTERNAL', 'the postgres scanner is not built yet');
  }
}

export function createPostgresScanner(): Scanner {
  return new PostgresScanner();
}
