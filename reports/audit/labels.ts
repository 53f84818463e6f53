import type { Severity } from '../../src/model/severity.js';
import type { ControlStatus, FINDING_STATUSES } from './model.js';

/** How the audit writers (PDF and HTML) name severities, statuses and control outcomes: one wording for both. */
export const SEVERITY_LABEL: Record<Severity, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' };
export const STATUS_LABEL: Record<(typeof FINDING_STATUSES)[number], string> = {
  open: 'Open',
  reopened: 'Reopened',
  triaged: 'Triaged',
  accepted: 'Accepted',
  false_positive: 'False positive',
  fixed: 'Fixed',
};
export const CONTROL_LABEL: Record<ControlStatus, string> = { met: 'met', partial: 'partial', 'not-met': 'not met', 'no-data': 'no data' };

/**
 * Availability as text, three decimals rounded down: rounding up could show 99.900 % for a probe
 * at 99.8995 % that breached a 99.9 % SLO (the 1e-6 keeps a float such as 99.89999999999999 for
 * 999 of 1000 from reading as 99.899).
 */
export function formatAvailability(p: number | null): string {
  return p === null ? '–' : `${(Math.floor(p * 1000 + 1e-6) / 1000).toFixed(3)} %`;
}
