/**
 * The named figures the audit report's control mappings (compliance/controls/*.yaml) and its
 * summary are computed from. The ledger side computes each one for a reporting period; the
 * control files may name only these (compliance/controls.schema.json lists the same names, and a
 * test keeps the two in step).
 *
 * Every figure is a number or null. Counts are whole numbers; percentages are 0–100 with one
 * decimal; yes/no facts are 1 or 0. Null means "nothing to measure" (a percentage of nothing, an
 * incident figure when no incident was opened), never zero: a control resting only on null
 * figures is reported `no-data`, not `met`.
 */
export const FIGURE_NAMES = [
  'scans.expected',
  'scans.ran',
  'scans.missed',
  'scans.failed',
  'scans.coverage_percent',
  'scans.ad_hoc',
  'schedule.changes',
  'scanner.deps.runs',
  'scanner.code.runs',
  'scanner.web.runs',
  'scanner.tls.runs',
  'scanner.datamap.runs',
  'scanner.failed_parts',
  'findings.total',
  'findings.new',
  'findings.fixed',
  'findings.open',
  'findings.open.critical',
  'findings.open.high',
  'findings.open.medium',
  'findings.open.low',
  'kev.open',
  'sla.remediated',
  'sla.within',
  'sla.percent',
  'sla.overdue',
  'sla.overdue.critical',
  'sla.overdue.high',
  'exceptions.accepted',
  'exceptions.accepted_without_expiry',
  'exceptions.false_positive',
  'exceptions.expired',
  'incidents.opened',
  'incidents.resolved',
  'incidents.open',
  'incidents.steps.overdue',
  'incidents.clocks.total',
  'incidents.clocks.met',
  'incidents.clocks.late',
  'incidents.clocks.overdue',
  'incidents.clocks.waived',
  'incidents.escalations',
  'incidents.personal_data',
  'runbooks.loaded',
  'datamap.configured',
  'datamap.runs',
  'datamap.open',
  'datamap.open.high',
  'ledger.verified',
  'ledger.events',
] as const;

export type FigureName = (typeof FIGURE_NAMES)[number];

/** Figure values as the report carries them: every name, a number or null. */
export type Figures = Record<FigureName, number | null>;

/**
 * What each figure counts, for the period [from, to) unless it says "at the end of the period" or
 * "at report time". This is the contract between the ledger side, which computes the figures, and
 * the control files, which judge them.
 */
export const FIGURE_DESCRIPTIONS: Readonly<Record<FigureName, string>> = {
  'scans.expected': 'scheduled scan slots due in the period, over every schedule',
  'scans.ran': 'of the expected slots, those a run started for: on time, late or failed',
  'scans.missed': 'of the expected slots, those no run started for',
  'scans.failed': 'of the expected slots, those whose run ended failed',
  'scans.coverage_percent': 'scans.ran / scans.expected × 100 (one decimal); null when no slot was due',
  'scans.ad_hoc': 'runs in the period that no schedule asked for (CLI scans, CI)',
  'schedule.changes': 'schedule changes recorded in the ledger (schedule.changed events), in the period or before it',
  'scanner.deps.runs': 'complete runs of the deps scanner in the period, over all targets',
  'scanner.code.runs': 'complete runs of the code scanner in the period, over all targets',
  'scanner.web.runs': 'complete runs of the web scanner in the period, over all targets',
  'scanner.tls.runs': 'complete runs of the tls scanner in the period, over all targets',
  'scanner.datamap.runs': 'complete runs of the datamap scanner in the period, over all targets',
  'scanner.failed_parts': 'scanner parts (one scanner on one target) of runs in the period that failed or timed out',
  'findings.total': 'findings in the ledger at the end of the period, whatever their status',
  'findings.new': 'findings first seen in the period',
  'findings.fixed': 'findings that became fixed in the period',
  'findings.open': 'findings open (open, reopened, triaged) at the end of the period',
  'findings.open.critical': 'critical findings open at the end of the period',
  'findings.open.high': 'high findings open at the end of the period',
  'findings.open.medium': 'medium findings open at the end of the period',
  'findings.open.low': 'low findings open at the end of the period',
  'kev.open': "open findings at the end of the period whose CVE is in CISA's Known Exploited Vulnerabilities catalogue",
  'sla.remediated': 'findings fixed in the period',
  'sla.within': 'of the findings fixed in the period, those fixed on or before their SLA due date',
  'sla.percent': 'sla.within / sla.remediated × 100 (one decimal); null when none was fixed',
  'sla.overdue': 'findings still open past their SLA due date at the end of the period',
  'sla.overdue.critical': 'critical findings still open past their SLA due date at the end of the period',
  'sla.overdue.high': 'high findings still open past their SLA due date at the end of the period',
  'exceptions.accepted': 'findings accepted as a risk at the end of the period',
  'exceptions.accepted_without_expiry': 'of the accepted findings, those whose acceptance has no expiry date',
  'exceptions.false_positive': 'findings marked false positive at the end of the period',
  'exceptions.expired': 'acceptances that expired in the period (their findings reopened)',
  'incidents.opened': 'incidents opened in the period',
  'incidents.resolved': 'incidents resolved in the period; null when none was opened',
  'incidents.open': 'incidents still open at the end of the period; null when none was opened',
  'incidents.steps.overdue': 'runbook steps of incidents not done by their due time at the end of the period; null when no incident was opened',
  'incidents.clocks.total': 'legal clocks (notification deadlines) started by the incidents opened in the period; null when no incident was opened',
  'incidents.clocks.met': 'of those clocks, the ones met by their due time; null when no clock was started',
  'incidents.clocks.late': 'of those clocks, the ones met after their due time; null when no clock was started',
  'incidents.clocks.overdue': 'of those clocks, the ones neither met nor waived and past their due time at the end of the period; null when no clock was started',
  'incidents.clocks.waived': 'of those clocks, the ones waived with a recorded reason; null when no clock was started',
  'incidents.escalations': 'escalation notices sent for incident steps and clocks in the period; null when no incident was opened',
  'incidents.personal_data': 'incidents opened in the period that involve personal data; null when no incident was opened',
  'runbooks.loaded': 'incident runbooks loaded and valid at report time',
  'datamap.configured': '1 when any target runs the datamap scanner, else 0',
  'datamap.runs': 'complete datamap runs in the period',
  'datamap.open': 'open data-map findings after the last complete datamap run in the period; null when there was none',
  'datamap.open.high': 'of those, the ones of high or critical severity; null when there was no complete datamap run',
  'ledger.verified': '1 when the ledger verified at report time (hash chain intact, every finding row matching its events), else 0',
  'ledger.events': "events in the ledger's hash chain at report time (its head sequence number)",
};

const NAMES: ReadonlySet<string> = new Set(FIGURE_NAMES);

/** True when `name` is one of FIGURE_NAMES. */
export function isFigureName(name: string): name is FigureName {
  return NAMES.has(name);
}
