import type { Severity } from '../model/severity.js';

/**
 * Phases a runbook step belongs to. NIST SP 800-61r3 files incident response under the CSF 2.0
 * Functions; the phases keep the names responders use, and PHASE_CSF says where each one sits.
 */
export const PHASES = ['detect', 'analyse', 'contain', 'eradicate', 'recover', 'post-incident'] as const;
export type Phase = (typeof PHASES)[number];

/** The CSF 2.0 Categories (as SP 800-61r3 maps them) each phase's work falls under, for audit reports. */
export const PHASE_CSF: Readonly<Record<Phase, readonly string[]>> = {
  detect: ['DE.CM', 'DE.AE'],
  analyse: ['DE.AE', 'RS.MA', 'RS.AN'],
  contain: ['RS.MI'],
  eradicate: ['RS.MI'],
  recover: ['RC.RP', 'RC.CO'],
  'post-incident': ['ID.IM'],
};

/** The roles a step, a clock or a notification names; people are bound to roles in config later. */
export const ROLES = ['security-lead', 'dpo', 'service-owner', 'legal', 'on-call'] as const;
export type Role = (typeof ROLES)[number];

/** Where notifications go (src/notify). */
export const CHANNELS = ['webhook', 'email', 'sentry'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Non-finding events a runbook can be triggered by. `scan-failed`: a scheduled scan ended failed. */
export const RUNBOOK_EVENTS = ['scan-failed'] as const;
export type RunbookEvent = (typeof RUNBOOK_EVENTS)[number];

/** When a notification rule fires. */
export const NOTIFY_ON = ['open', 'escalation', 'overdue', 'resolved'] as const;
export type NotifyOn = (typeof NOTIFY_ON)[number];

/** A duration as written (`72h`) and in milliseconds. */
export interface Duration {
  text: string;
  ms: number;
}

/** A step's due time: an offset from the incident's opening, or from another step's completion. */
export type StepDue = { from: 'open'; offset: Duration } | { from: 'step'; step: string; offset: Duration };

/** A clock's due time: an offset from awareness, or from another clock being met (a notice that follows a notice). */
export type ClockDue = { from: 'awareness'; offset: Duration } | { from: 'clock'; clock: string; offset: Duration };

/** One position in a runbook file, for messages that point back at it. */
export interface RunbookWhere {
  file: string;
  line: number;
  column: number;
}

export interface RunbookStep {
  id: string;
  phase: Phase;
  title: string;
  description?: string;
  owner: Role;
  due: StepDue;
  /** Steps that must be done before this one can be (an `after` step is one of them). */
  requires: string[];
  /** Overrides the runbook's escalation window for this step. */
  escalateBefore?: Duration;
}

/** Something a notice must contain. */
export interface ClockField {
  id: string;
  title: string;
  /** The provision that asks for it, e.g. `Art. 33(3)(b)`. */
  law?: string;
}

/** A legal or contractual deadline: a notice to an authority, to data subjects, to an attorney general. */
export interface RunbookClock {
  id: string;
  title: string;
  /** The provision, e.g. `GDPR Art. 33(1)`. */
  law: string;
  owner: Role;
  due: ClockDue;
  /** True when the law fixes the period; false when it says "without undue delay" and `due` is the organisation's own target. */
  statutory: boolean;
  /** When the notice is owed at all (it may be waived with a reason when this does not hold). */
  appliesIf?: string;
  fields: ClockField[];
  escalateBefore?: Duration;
}

export interface NotifyRule {
  on: NotifyOn[];
  roles: Role[];
  channels: Channel[];
  /** With `on: escalation`: how long before a due time the escalation fires. */
  escalateBefore?: Duration;
}

/** What makes a finding open an incident under this runbook. List fields are "any of"; fields are "all of". */
export interface FindingTrigger {
  kind: 'finding';
  severityAtLeast: Severity;
  scanners: string[];
  /** Exact rule ids, or a prefix ending in `*`. */
  ruleIds: string[];
  tags: string[];
  notTags: string[];
  /** A finding carrying any of `tags` counts as at least `to` for this trigger (e.g. KEV-listed → critical). */
  raise: { tags: string[]; to: Severity }[];
}

export interface EventTrigger {
  kind: 'event';
  event: RunbookEvent;
  /** The scanners whose failure counts; any when empty. */
  scanners: string[];
}

/** Takes any new critical finding no other runbook takes. At most one runbook is the fallback. */
export interface FallbackTrigger {
  kind: 'fallback';
}

export type RunbookTrigger = FindingTrigger | EventTrigger | FallbackTrigger;

/** A runbook as loaded from compliance/runbooks/*.yaml and checked. */
export interface Runbook {
  id: string;
  title: string;
  description: string;
  /** Higher wins when several runbooks take one finding; ties go to the smaller id. */
  priority: number;
  trigger: RunbookTrigger;
  steps: RunbookStep[];
  clocks: RunbookClock[];
  notify: NotifyRule[];
  /** Where the runbook was read (its `id`). */
  where: RunbookWhere;
}
