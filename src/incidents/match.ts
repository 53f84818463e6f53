import type { Finding } from '../model/finding.js';
import { severityRank, type Severity } from '../model/severity.js';
import type { TlsRuleId } from '../../scanners/tls/checks.js';
import type { EventTrigger, FindingTrigger, Runbook, RunbookEvent } from './types.js';

/** The tags vigil adds for triggers, beyond a finding's own. */
export const TRIGGER_TAGS = {
  personalData: 'personal-data',
  kev: 'kev',
  secret: 'secret',
  certExpiry: 'cert-expiry',
} as const;

/** The tls scanner's rules about a certificate's end of validity. */
export const CERT_EXPIRY_RULES: readonly TlsRuleId[] = ['tls-cert-expired', 'tls-cert-expiring'];

/** Rule-id prefixes of the code scanner's secrets pass (secretlint's preset and vigil's own rules). */
const SECRET_RULE_PREFIXES = ['secretlint/', 'vigil/'];

/** What tagsFor needs besides the finding. */
export interface TagContext {
  /** The finding's target; defaults to the ledger's `target` on the finding. */
  target?: string;
  /** Target name → the data categories the data-map systems linked to it process (see personalDataTargets). */
  personalData?: ReadonlyMap<string, ReadonlySet<string>>;
  /** CVE ids in CISA's KEV catalogue, upper case (see parseKevCatalogue). */
  kev?: ReadonlySet<string>;
}

/** True for fideslang's `user` category or any under it (`user.contact.email`): data about a person. */
export function isPersonalDataCategory(category: string): boolean {
  return category === 'user' || category.startsWith('user.');
}

/**
 * The tags a finding carries for runbook triggers: its own, plus `personal-data` when its target is
 * linked to a data-map system processing `user.*` data, `kev` when its id or an alias is a CVE in the
 * KEV catalogue, `secret` for the code scanner's secrets findings, `cert-expiry` for the tls
 * scanner's expiry rules.
 */
export function tagsFor(finding: Finding & { target?: string }, ctx: TagContext = {}): Set<string> {
  const tags = new Set(finding.tags);
  const target = ctx.target ?? finding.target;
  if (target !== undefined) {
    const categories = ctx.personalData?.get(target);
    if (categories && [...categories].some(isPersonalDataCategory)) tags.add(TRIGGER_TAGS.personalData);
  }
  if (ctx.kev?.size && [finding.ruleId, ...finding.aliases].some((id) => ctx.kev!.has(id.toUpperCase()))) tags.add(TRIGGER_TAGS.kev);
  if (finding.scanner === 'code' && SECRET_RULE_PREFIXES.some((p) => finding.ruleId.startsWith(p))) tags.add(TRIGGER_TAGS.secret);
  if (finding.scanner === 'tls' && (CERT_EXPIRY_RULES as readonly string[]).includes(finding.ruleId)) tags.add(TRIGGER_TAGS.certExpiry);
  return tags;
}

/** The severity a finding counts as for a trigger: its own, or higher where a `raise` rule's tags are on it. */
export function effectiveSeverity(finding: Pick<Finding, 'severity'>, tags: ReadonlySet<string>, trigger: FindingTrigger): Severity {
  let sev = finding.severity;
  for (const r of trigger.raise) {
    if (r.tags.some((t) => tags.has(t)) && severityRank(r.to) > severityRank(sev)) sev = r.to;
  }
  return sev;
}

function ruleMatches(pattern: string, ruleId: string): boolean {
  return pattern.endsWith('*') ? ruleId.startsWith(pattern.slice(0, -1)) : ruleId === pattern;
}

/** True when the finding (with its trigger tags) meets every condition of the trigger. */
export function triggerMatches(trigger: FindingTrigger, finding: Finding, tags: ReadonlySet<string>): boolean {
  if (severityRank(effectiveSeverity(finding, tags, trigger)) < severityRank(trigger.severityAtLeast)) return false;
  if (trigger.scanners.length && !trigger.scanners.includes(finding.scanner)) return false;
  if (trigger.ruleIds.length && !trigger.ruleIds.some((p) => ruleMatches(p, finding.ruleId))) return false;
  if (trigger.tags.length && !trigger.tags.some((t) => tags.has(t))) return false;
  if (trigger.notTags.some((t) => tags.has(t))) return false;
  return true;
}

/** Highest priority first; equal priorities by id, so the choice never depends on file order. */
function byPriority(a: Runbook, b: Runbook): number {
  return b.priority - a.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * The runbook that takes a finding: the highest-priority runbook whose finding trigger it meets;
 * failing that, the fallback runbook when the finding is critical; otherwise undefined. `tags` is
 * tagsFor's answer. Whether the finding is new is the caller's business (the ledger knows).
 */
export function matchRunbook(finding: Finding, tags: ReadonlySet<string>, runbooks: readonly Runbook[]): Runbook | undefined {
  const taken = runbooks
    .filter((r): r is Runbook & { trigger: FindingTrigger } => r.trigger.kind === 'finding')
    .filter((r) => triggerMatches(r.trigger, finding, tags))
    .sort(byPriority)[0];
  if (taken) return taken;
  if (finding.severity !== 'critical') return undefined;
  return runbooks.find((r) => r.trigger.kind === 'fallback');
}

/** Something that happened other than a finding: a scheduled scan that failed. */
export interface IncidentEvent {
  type: RunbookEvent;
  /** The scanner whose part failed, when one did. */
  scanner?: string;
  target?: string;
  runId?: string;
}

/** The runbook that takes a non-finding event: the highest-priority one whose event trigger it meets; undefined when none. */
export function matchEvent(event: IncidentEvent, runbooks: readonly Runbook[]): Runbook | undefined {
  const meets = (t: EventTrigger) => t.event === event.type && (!t.scanners.length || (event.scanner !== undefined && t.scanners.includes(event.scanner)));
  return runbooks
    .filter((r): r is Runbook & { trigger: EventTrigger } => r.trigger.kind === 'event')
    .filter((r) => meets(r.trigger))
    .sort(byPriority)[0];
}
