import { VigilError } from '../../src/errors.js';
import type { Finding } from '../../src/model/finding.js';
import type { Scanner, ScanContext } from '../../src/model/scanner.js';
import type { Target } from '../../src/model/target.js';

// PLACEHOLDER while issue 15 is being built: replaced by the real scanner before it lands
export class PagesScanner implements Scanner {
  readonly id = 'pages';
  readonly version = 1;

  // eslint-disable-next-line require-yield
  async *run(_target: Target, _ctx: ScanContext): AsyncIterable<Finding> {
    throw new VigilError('VIGIL_ERR_INTERNAL', 'the pages scanner is not built yet');
  }
}

export function createPagesScanner(): Scanner {
  return new PagesScanner();
}
