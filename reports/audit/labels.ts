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
