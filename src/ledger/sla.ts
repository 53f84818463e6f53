import type { Severity } from '../model/severity.js';
import { DEFAULT_SLA } from '../config/types.js';

/** Days to fix, by severity; info has no deadline. */
export type SlaDays = Record<Exclude<Severity, 'info'>, number>;

export { DEFAULT_SLA };

const DAY_MS = 86_400_000;

/** The due date for a finding of `severity` whose clock started at `from`, or null for info. */
export function slaDue(severity: Severity, from: string, days: SlaDays = DEFAULT_SLA): string | null {
  if (severity === 'info') return null;
  return new Date(Date.parse(from) + days[severity] * DAY_MS).toISOString();
}
