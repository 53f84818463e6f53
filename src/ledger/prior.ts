import type { PriorFindings } from '../model/scanner.js';
import type { Ledger } from './ledger.js';

/** How many findings of one scanner on one target a scanner may read back; more is a sign of a wrong link. */
const MAX_PRIOR = 10_000;

/** A ledger's answer to ScanContext.priorFindings: the findings not fixed (nor marked false positives) of that scanner and target. */
export function priorFindingsFrom(ledger: Ledger): PriorFindings {
  return async ({ scanner, target }) => {
    const page = await ledger.listFindings({ scanner, target, status: ['open', 'triaged', 'accepted', 'reopened'], limit: MAX_PRIOR });
    return page.findings;
  };
}
