import type { Severity } from '../../src/model/severity.js';
import { adequacyList, countryNames } from './adequacy.js';
import { CHILDREN_ROOTS, CCPA_SENSITIVE_ROOTS, CRIMINAL_ROOTS, PROFILING_USES, SPECIAL_CATEGORY_ROOTS, categoriesUnder, hasPersonalData } from './categories.js';
import { retentionVerdict } from './retention.js';
import { coveredByAny } from './taxonomy.js';
import type { DataMap, Organization, PrivacyDeclaration, RightHandling, RightsHandling, System, TaxonomyLookup, Transfer, Where } from './types.js';

/** One law check's metadata: what the finding says, whatever the case. */
export interface LawCheck {
  title: string;
  severity: Severity;
  /** The article or section, as cited in the finding. */
  article: string;
  /** Compliance control ids (`GDPR:Art.6(1)`, `CCPA:1798.120`). */
  controls: readonly string[];
  references: readonly string[];
  /** One line: what to change in the data map (or the processing). */
  remediation: string;
}

const GDPR_URL = 'https://eur-lex.europa.eu/eli/reg/2016/679/oj';
const ccpaUrl = (section: string) => `https://leginfo.legislature.ca.gov/faces/codes_displaySection.xhtml?lawCode=CIV&sectionNum=${section}`;

/** Every law check vigil runs on a data map, by stable rule id. */
export const LAW_CHECKS = {
  'gdpr-art6-lawful-basis': {
    title: 'Processing without a lawful basis',
    severity: 'high',
    article: 'GDPR Art. 6(1)',
    controls: ['GDPR:Art.6(1)', 'GDPR:Art.30(1)(b)'],
    references: [GDPR_URL],
    remediation: 'Set legal_basis_for_processing on the privacy declaration to the Art. 6(1) basis the processing relies on.',
  },
  'gdpr-art9-special-category-condition': {
    title: 'Special categories of personal data without an Art. 9(2) condition',
    severity: 'high',
    article: 'GDPR Art. 9(1)–(2)',
    controls: ['GDPR:Art.9(2)'],
    references: [GDPR_URL],
    remediation: 'Set special_category_legal_basis (and processes_special_category_data: true), or stop processing the special categories.',
  },
  'gdpr-art10-criminal-offence-basis': {
    title: 'Criminal-offence data without an Art. 10 basis',
    severity: 'high',
    article: 'GDPR Art. 10',
    controls: ['GDPR:Art.10'],
    references: [GDPR_URL],
    remediation: 'Add vigil.criminal_offence_basis: official_authority, or union_law / member_state_law with the law that authorises it.',
  },
  'gdpr-art5-retention': {
    title: 'Retention period missing or indefinite',
    severity: 'medium',
    article: 'GDPR Art. 5(1)(e); CCPA 1798.100(a)(3)',
    controls: ['GDPR:Art.5(1)(e)', 'GDPR:Art.30(1)(f)'],
    references: [GDPR_URL],
    remediation: 'Set retention_period to a bounded period (e.g. "24 months after the last order") and enforce it.',
  },
  'gdpr-art30-record-incomplete': {
    title: 'Record of processing activities incomplete',
    severity: 'medium',
    article: 'GDPR Art. 30(1)(a)–(g)',
    controls: ['GDPR:Art.30(1)'],
    references: [GDPR_URL],
    remediation: 'Fill in the keys the finding lists so the record of this processing activity is complete.',
  },
  'gdpr-art28-processor-agreement': {
    title: 'Processor or third party without a data processing agreement',
    severity: 'high',
    article: 'GDPR Art. 28(3)',
    controls: ['GDPR:Art.28(3)'],
    references: [GDPR_URL],
    remediation: 'Sign a data processing agreement with the processor or recipient and set dpa_location to where it is kept.',
  },
  'gdpr-art44-transfer-safeguard': {
    title: 'Transfer outside the EEA without an adequacy decision or safeguard',
    severity: 'high',
    article: 'GDPR Art. 44–49',
    controls: ['GDPR:Art.44', 'GDPR:Art.46', 'GDPR:Art.30(1)(e)'],
    references: [GDPR_URL, 'https://commission.europa.eu/law/law-topic/data-protection/international-dimension-data-protection/adequacy-decisions_en'],
    remediation: 'Name each destination under vigil.transfers with its mechanism: SCCs, BCRs, another Art. 46 safeguard or an Art. 49 derogation (DPF only for certified US recipients).',
  },
  'gdpr-art35-dpia': {
    title: 'Data protection impact assessment missing',
    severity: 'high',
    article: 'GDPR Art. 35(1), 35(3)',
    controls: ['GDPR:Art.35'],
    references: [GDPR_URL],
    remediation: 'Carry out a DPIA before the processing and record it under vigil.dpia with status complete.',
  },
  'gdpr-art35-subject-count': {
    title: 'Special-category processing does not state how many subjects it covers',
    severity: 'low',
    article: 'GDPR Art. 35(3)(b)',
    controls: ['GDPR:Art.35(3)(b)'],
    references: [GDPR_URL],
    remediation: 'Set vigil.subject_count to the number of data subjects, or to "unknown".',
  },
  'gdpr-art12-rights-handling': {
    title: 'Data subject requests: handling or deadline not declared',
    severity: 'medium',
    article: 'GDPR Art. 12(3), 15, 17, 21; CCPA 1798.130(a)(2)',
    controls: ['GDPR:Art.12(3)', 'GDPR:Art.15', 'GDPR:Art.17', 'GDPR:Art.21'],
    references: [GDPR_URL, ccpaUrl('1798.130')],
    remediation: 'Declare vigil.rights_handling (on the data subject or the organization) for access, erasure and objection, each with how and deadline_days ≤ 30.',
  },
  'ccpa-1798.120-do-not-sell-or-share': {
    title: 'Personal information sold or shared without a "Do Not Sell or Share" link',
    severity: 'high',
    article: 'CCPA 1798.120, 1798.135(a)(1)',
    controls: ['CCPA:1798.120', 'CCPA:1798.135'],
    references: [ccpaUrl('1798.120'), ccpaUrl('1798.135')],
    remediation: 'Offer a "Do Not Sell or Share My Personal Information" link and set vigil.ccpa.do_not_sell_or_share_url on the organization.',
  },
  'ccpa-1798.121-limit-use': {
    title: 'Sensitive personal information used beyond permitted purposes without a "Limit the Use" link',
    severity: 'high',
    article: 'CCPA 1798.121, 1798.135(a)(2)',
    controls: ['CCPA:1798.121', 'CCPA:1798.135'],
    references: [ccpaUrl('1798.121'), ccpaUrl('1798.135')],
    remediation: 'Offer a "Limit the Use of My Sensitive Personal Information" link (vigil.ccpa.limit_use_url), or restrict the use to permitted purposes.',
  },
  'ccpa-1798.120c-minors-opt-in': {
    title: 'Personal information of consumers under 16 sold or shared without opt-in',
    severity: 'high',
    article: 'CCPA 1798.120(c)',
    controls: ['CCPA:1798.120(c)'],
    references: [ccpaUrl('1798.120')],
    remediation: 'Stop selling or sharing under-16s\' data, or obtain affirmative authorization (parent or guardian under 13) and set vigil.ccpa.minors_opt_in: true.',
  },
  'ccpa-1798.100-notice-at-collection': {
    title: 'Notice at collection missing or incomplete',
    severity: 'medium',
    article: 'CCPA 1798.100(a)',
    controls: ['CCPA:1798.100(a)'],
    references: [ccpaUrl('1798.100')],
    remediation: 'Publish a notice at collection listing every category collected and its purpose; record it under vigil.ccpa.notice_at_collection.',
  },
} as const satisfies Record<string, LawCheck>;

export type LawRuleId = keyof typeof LAW_CHECKS;

/** One failed law check at one place of the data map. */
export interface LawViolation {
  ruleId: LawRuleId;
  where: Where;
  /** Stable identity of the place (not line numbers, not list positions): what the fingerprint keys on. */
  identity: string;
  /** What was seen, naming the system and declaration. */
  evidence: string;
  /** Only when the case differs from the check's own severity. */
  severity?: Severity;
  /** Controls beyond the check's own (CCPA controls when the CCPA applies). */
  extraControls?: string[];
}

export interface LawOptions {
  /** Subjects above which special-category processing needs a DPIA (GDPR Art. 35(3)(b)). */
  dpiaSubjectThreshold: number;
  /** false turns the CCPA checks off whatever the map says. */
  ccpa: boolean;
}

export const DEFAULT_DPIA_SUBJECT_THRESHOLD = 5000;
/** GDPR Art. 12(3): one month, read as 30 days. */
export const GDPR_RESPONSE_DAYS = 30;
/** CCPA 1798.130(a)(2)(A): 45 days. */
export const CCPA_RESPONSE_DAYS = 45;

/** The result of the law checks, with what they skipped and why. */
export interface LawResult {
  violations: LawViolation[];
  notes: string[];
}

/** Run every law check over the data map. */
export function checkLaw(map: DataMap, opts: LawOptions): LawResult {
  const notes: string[] = [];
  const out: LawViolation[] = [];
  const t = map.taxonomy;
  const ccpaOn = ccpaApplies(map, opts, notes);
  const inScope: System[] = [];
  for (const sys of map.systems) {
    if (sys.exempt_from_privacy_regulations) {
      notes.push(`system ${sys.fides_key}: exempt_from_privacy_regulations${sys.reason_for_exemption ? ` (${sys.reason_for_exemption})` : ''}: no law check runs on it`);
      continue;
    }
    if (!sys.processes_personal_data) continue;
    inScope.push(sys);
  }
  for (const sys of inScope) {
    const org = organizationOf(map, sys);
    for (const d of sys.privacy_declarations) {
      if (!hasPersonalData(t, d)) continue;
      out.push(...declarationChecks(t, sys, d, org, ccpaOn));
      if (ccpaOn) out.push(...ccpaChecks(t, sys, d, org));
    }
    out.push(...processorCheck(sys), ...transferChecks(sys), ...dpiaCheck(t, sys, opts));
  }
  out.push(...rightsChecks(map, inScope, ccpaOn));
  return { violations: out, notes };
}

function ccpaApplies(map: DataMap, opts: LawOptions, notes: string[]): boolean {
  if (!opts.ccpa) {
    notes.push('CCPA checks are off (option ccpa: false)');
    return false;
  }
  const out = map.organizations.find((o) => o.vigil.ccpa?.applies === false);
  if (out) {
    notes.push(`CCPA checks skipped: organization ${out.fides_key} declares itself out of the CCPA's scope (${out.vigil.ccpa?.reason ?? 'no reason given'})`);
    return false;
  }
  return true;
}

function organizationOf(map: DataMap, sys: System): Organization | undefined {
  return map.organizations.find((o) => o.fides_key === sys.organization_fides_key) ?? map.organizations[0];
}

/** `system "app", declaration "Checkout" (essential.service)`. */
export function declarationLabel(sys: System, d: PrivacyDeclaration): string {
  return `system "${sys.fides_key}", declaration ${d.name ? `"${d.name}" ` : ''}(${d.data_use})`;
}

/** The stable identity of a declaration: its system, name and use (never its position). */
export function declarationIdentity(sys: System, d: PrivacyDeclaration): string {
  return `system:${sys.fides_key}/declaration:${d.name ?? ''}/${d.data_use}`;
}

function declarationChecks(t: TaxonomyLookup, sys: System, d: PrivacyDeclaration, org: Organization | undefined, ccpaOn: boolean): LawViolation[] {
  const out: LawViolation[] = [];
  const label = declarationLabel(sys, d);
  const id = declarationIdentity(sys, d);
  const v = (ruleId: LawRuleId, evidence: string, extra: Partial<LawViolation> = {}) => out.push({ ruleId, where: d.where, identity: id, evidence, ...extra });

  if (!d.legal_basis_for_processing) v('gdpr-art6-lawful-basis', `${label} processes ${d.data_categories.join(', ')} with no legal_basis_for_processing`);

  const special = categoriesUnder(t, d, SPECIAL_CATEGORY_ROOTS);
  if ((special.length || d.processes_special_category_data) && !d.special_category_legal_basis) {
    const what = special.length ? `special categories (${special.join(', ')})` : 'special categories (processes_special_category_data: true)';
    v('gdpr-art9-special-category-condition', `${label} processes ${what} with no special_category_legal_basis${special.length && !d.processes_special_category_data ? '; processes_special_category_data is not set either' : ''}`);
  }
  if (special.length && d.vigil.subject_count === undefined) {
    v('gdpr-art35-subject-count', `${label} processes special categories (${special.join(', ')}) but vigil.subject_count is not stated, so the DPIA threshold cannot be checked`);
  }

  const criminal = categoriesUnder(t, d, CRIMINAL_ROOTS);
  if (criminal.length && !d.vigil.criminal_offence_basis) {
    v('gdpr-art10-criminal-offence-basis', `${label} processes criminal-offence data (${criminal.join(', ')}) with no vigil.criminal_offence_basis`);
  }

  const retention = retentionVerdict(d.retention_period);
  const ccpaControls = ccpaOn ? { extraControls: ['CCPA:1798.100(a)(3)'] } : {};
  if (retention.kind === 'missing') v('gdpr-art5-retention', `${label} states no retention_period`, ccpaControls);
  else if (retention.kind === 'indefinite') v('gdpr-art5-retention', `${label} keeps data indefinitely: retention_period "${d.retention_period}"`, ccpaControls);

  const missing: string[] = [];
  if (!org?.controller?.name || !(org.controller.email || org.controller.address || org.controller.phone)) missing.push('(a) the controller\'s name and contact details (organization.controller)');
  if (!d.data_subjects.length) missing.push('(c) categories of data subjects (data_subjects)');
  if (!d.data_categories.length) missing.push('(c) categories of personal data (data_categories)');
  if (d.data_shared_with_third_parties && !d.third_parties) missing.push('(d) categories of recipients (third_parties)');
  if (sys.does_international_transfers && !sys.vigil.transfers.length) missing.push('(e) the third countries data goes to (vigil.transfers)');
  if (retention.kind === 'missing') missing.push('(f) time limits for erasure (retention_period)');
  if (!sys.data_security_practices) missing.push('(g) a description of the security measures (system data_security_practices)');
  if (missing.length) v('gdpr-art30-record-incomplete', `${label} lacks ${missing.join('; ')}`);
  return out;
}

/** Processors, sub-processors and third parties need an Art. 28 agreement: a dpa_location. */
function processorCheck(sys: System): LawViolation[] {
  if (sys.dpa_location) return [];
  const why: string[] = [];
  const roles = sys.responsibility.filter((r) => r === 'Processor' || r === 'Sub-Processor');
  if (roles.length) why.push(`responsibility ${roles.join(', ')}`);
  const type = sys.system_type.toLowerCase();
  if (['third party', 'third-party', 'thirdparty', 'vendor', 'processor', 'saas'].some((w) => type.includes(w))) why.push(`system_type "${sys.system_type}"`);
  const shared = sys.privacy_declarations.filter((d) => d.data_shared_with_third_parties);
  if (shared.length) why.push(`data shared with third parties${shared.some((d) => d.third_parties) ? ` (${[...new Set(shared.map((d) => d.third_parties).filter(Boolean))].join('; ')})` : ''}`);
  if (!why.length) return [];
  return [{ ruleId: 'gdpr-art28-processor-agreement', where: sys.where, identity: `system:${sys.fides_key}`, evidence: `system "${sys.fides_key}" has no dpa_location although ${why.join(' and ')}` }];
}

const SAFEGUARDS = new Set(['scc', 'bcr', 'art46-other', 'art49-explicit-consent', 'art49-contract', 'art49-public-interest', 'art49-legal-claims', 'art49-vital-interests', 'art49-public-register', 'art49-compelling-legitimate-interests']);

/** GDPR Art. 44–49: each destination outside the EEA needs adequacy (with its condition) or a safeguard. */
function transferChecks(sys: System): LawViolation[] {
  const out: LawViolation[] = [];
  const list = adequacyList();
  if (sys.does_international_transfers && !sys.vigil.transfers.length) {
    out.push({
      ruleId: 'gdpr-art44-transfer-safeguard',
      where: sys.where,
      identity: `system:${sys.fides_key}/transfers`,
      evidence: `system "${sys.fides_key}" declares does_international_transfers but names no destination under vigil.transfers${sys.legal_basis_for_transfers.length ? ` (legal_basis_for_transfers: ${sys.legal_basis_for_transfers.join(', ')})` : ''}, so no adequacy decision or safeguard can be checked`,
    });
  }
  for (const tr of sys.vigil.transfers) {
    const problem = transferProblem(tr, list);
    if (problem) out.push({ ruleId: 'gdpr-art44-transfer-safeguard', where: tr.where, identity: `system:${sys.fides_key}/transfer:${tr.country}/${tr.recipient ?? ''}`, evidence: `system "${sys.fides_key}" transfers to ${problem}` });
  }
  return out;
}

/** Why a transfer is not covered, or undefined when it is. */
export function transferProblem(tr: Transfer, list = adequacyList()): string | undefined {
  const country = `${countryNames().get(tr.country) ?? tr.country} (${tr.country})${tr.recipient ? `, recipient ${tr.recipient}` : ''}`;
  if (list.eea.has(tr.country)) return undefined;
  if (tr.mechanism && SAFEGUARDS.has(tr.mechanism)) return undefined;
  const decision = list.adequate.get(tr.country);
  if (tr.mechanism === 'dpf' && tr.country !== 'US') return `${country} under the Data Privacy Framework, which covers only US recipients`;
  if (decision) {
    if (decision.condition === 'dpf_certified' && tr.dpf_certified !== true) {
      return `${country} relying on ${tr.mechanism ?? 'adequacy'}: the US adequacy decision covers only recipients certified under the EU–US Data Privacy Framework, and dpf_certified is not true (use SCCs otherwise)`;
    }
    return undefined;
  }
  return `${country}${tr.mechanism ? ` relying on ${tr.mechanism}` : ' with no mechanism'}: no adequacy decision covers it (compliance/adequacy.yaml, ${list.date}); use SCCs, BCRs, another Art. 46 safeguard or an Art. 49 derogation`;
}

/** GDPR Art. 35(1), 35(3): a DPIA for profiling, large-scale special categories, systematic monitoring, or when the map itself says one is required. */
function dpiaCheck(t: TaxonomyLookup, sys: System, opts: LawOptions): LawViolation[] {
  if (sys.vigil.dpia?.status === 'complete') return [];
  const triggers: string[] = [];
  if (sys.requires_data_protection_assessments) triggers.push('requires_data_protection_assessments: true');
  if (sys.uses_profiling) triggers.push('uses_profiling: true (Art. 35(3)(a))');
  for (const d of sys.privacy_declarations) {
    if (!hasPersonalData(t, d)) continue;
    const name = d.name ? `"${d.name}"` : d.data_use;
    if (coveredByAny(t, 'data_use', PROFILING_USES, d.data_use)) triggers.push(`${name}: profiling use ${d.data_use} (Art. 35(3)(a))`);
    const profiled = d.data_subjects.filter((s) => t.get('data_subject', s)?.automated_decisions_or_profiling === true);
    if (profiled.length) triggers.push(`${name}: automated decisions or profiling of ${profiled.join(', ')} (Art. 35(3)(a))`);
    const special = [...categoriesUnder(t, d, SPECIAL_CATEGORY_ROOTS), ...categoriesUnder(t, d, CRIMINAL_ROOTS)];
    const count = d.vigil.subject_count;
    if (special.length && count !== undefined && (count === 'unknown' || count > opts.dpiaSubjectThreshold)) {
      triggers.push(`${name}: special categories (${special.join(', ')}) of ${count === 'unknown' ? 'an unknown number of' : count.toLocaleString('en')} subjects, above ${opts.dpiaSubjectThreshold.toLocaleString('en')} (Art. 35(3)(b))`);
    }
    if (d.vigil.systematic_monitoring) triggers.push(`${name}: systematic monitoring (Art. 35(3)(c))`);
  }
  if (!triggers.length) return [];
  const state = sys.vigil.dpia ? `the DPIA at ${sys.vigil.dpia.location} is ${sys.vigil.dpia.status.replace('_', ' ')}` : 'no DPIA is recorded (vigil.dpia)';
  return [{ ruleId: 'gdpr-art35-dpia', where: sys.vigil.dpia?.where ?? sys.where, identity: `system:${sys.fides_key}/dpia`, evidence: `system "${sys.fides_key}" needs a DPIA (${triggers.join('; ')}) but ${state}` }];
}

const CHECKED_RIGHTS = [
  ['access', 'Access'],
  ['erasure', 'Erasure'],
  ['objection', 'Object'],
] as const;

/** Every data subject the processing concerns declares how access, erasure and objection are handled, and how fast. */
function rightsChecks(map: DataMap, systems: System[], ccpaOn: boolean): LawViolation[] {
  const t = map.taxonomy;
  const firstUse = new Map<string, Where>();
  for (const sys of systems) for (const d of sys.privacy_declarations) if (hasPersonalData(t, d)) for (const s of d.data_subjects) if (!firstUse.has(s)) firstUse.set(s, d.where);
  const orgDefault = map.organizations.find((o) => o.vigil.rights_handling)?.vigil.rights_handling ?? {};
  const out: LawViolation[] = [];
  for (const [subject, usedAt] of firstUse) {
    // GDPR Art. 11: a subject the controller cannot identify has no rights to handle
    if (subject === 'anonymous_user') continue;
    const entry = t.get('data_subject', subject);
    const handling: RightsHandling = { ...orgDefault, ...(entry?.vigil?.rights_handling ?? {}) };
    const problems: string[] = [];
    let ccpaProblem = false;
    for (const [k, right] of CHECKED_RIGHTS) {
      const h: RightHandling | undefined = handling[k];
      if (!h) problems.push(`no ${k} handling`);
      else if (h.deadline_days > GDPR_RESPONSE_DAYS) {
        problems.push(`${k} deadline ${h.deadline_days} days exceeds one month (GDPR Art. 12(3))`);
        if (ccpaOn && k !== 'objection' && h.deadline_days > CCPA_RESPONSE_DAYS) {
          problems.push(`${k} deadline ${h.deadline_days} days exceeds 45 days (CCPA 1798.130(a)(2))`);
          ccpaProblem = true;
        }
      }
      if (entry?.rights && !rightOffered(entry.rights, right)) problems.push(`rights.strategy ${entry.rights.strategy} does not offer ${right}`);
    }
    if (ccpaOn && (!handling.access || !handling.erasure)) ccpaProblem = true;
    if (!problems.length) continue;
    out.push({
      ruleId: 'gdpr-art12-rights-handling',
      where: entry?.where ?? usedAt,
      identity: `subject:${subject}`,
      evidence: `data subject "${subject}": ${problems.join('; ')}`,
      ...(ccpaProblem ? { extraControls: ['CCPA:1798.130(a)(2)'] } : {}),
    });
  }
  return out;
}

function rightOffered(rights: NonNullable<import('./types.js').TaxonomyEntry['rights']>, right: string): boolean {
  switch (rights.strategy) {
    case 'ALL':
      return true;
    case 'NONE':
      return false;
    case 'INCLUDE':
      return (rights.values as string[]).includes(right);
    case 'EXCLUDE':
      return !(rights.values as string[]).includes(right);
  }
}

// ---- CCPA -----------------------------------------------------------------------------------

/** Whether the declaration sells or shares personal information: as stated, else inferred. */
export function sellsOrShares(t: TaxonomyLookup, d: PrivacyDeclaration): { yes: boolean; why: string } {
  const c = d.vigil.ccpa ?? {};
  if (c.sale !== undefined || c.share !== undefined) {
    const what = [c.sale ? 'sells' : '', c.share ? 'shares' : ''].filter(Boolean).join(' and ');
    return { yes: Boolean(c.sale || c.share), why: what ? `vigil.ccpa says it ${what}` : 'vigil.ccpa says it neither sells nor shares' };
  }
  if (t.covers('data_use', 'marketing.advertising.third_party', d.data_use)) return { yes: true, why: `use ${d.data_use} is third-party advertising (inferred)` };
  if (d.data_shared_with_third_parties && !t.covers('data_use', 'essential', d.data_use)) {
    return { yes: true, why: `data_shared_with_third_parties for the non-essential use ${d.data_use} (inferred)` };
  }
  return { yes: false, why: 'no sign of selling or sharing' };
}

function ccpaChecks(t: TaxonomyLookup, sys: System, d: PrivacyDeclaration, org: Organization | undefined): LawViolation[] {
  const out: LawViolation[] = [];
  const label = declarationLabel(sys, d);
  const id = declarationIdentity(sys, d);
  const c = d.vigil.ccpa ?? {};
  const orgCcpa = org?.vigil.ccpa;
  const v = (ruleId: LawRuleId, evidence: string) => out.push({ ruleId, where: d.where, identity: id, evidence });

  const sale = sellsOrShares(t, d);
  if (sale.yes) {
    if (!(c.do_not_sell_or_share_url ?? orgCcpa?.do_not_sell_or_share_url)) v('ccpa-1798.120-do-not-sell-or-share', `${label} sells or shares personal information (${sale.why}) but no do_not_sell_or_share_url is declared`);
    const children = categoriesUnder(t, d, CHILDREN_ROOTS);
    const under16 = c.under_16 ?? children.length > 0;
    if (under16 && c.minors_opt_in !== true) {
      v('ccpa-1798.120c-minors-opt-in', `${label} sells or shares (${sale.why}) data of consumers under 16 (${c.under_16 !== undefined ? 'vigil.ccpa.under_16' : `children's categories ${children.join(', ')}`}) without vigil.ccpa.minors_opt_in`);
    }
  }

  const sensitive = categoriesUnder(t, d, CCPA_SENSITIVE_ROOTS);
  if (sensitive.length) {
    const use = c.sensitive_use ?? (t.covers('data_use', 'essential', d.data_use) ? 'permitted' : 'beyond');
    if (use === 'beyond' && !(c.limit_use_url ?? orgCcpa?.limit_use_url)) {
      v('ccpa-1798.121-limit-use', `${label} uses sensitive personal information (${sensitive.join(', ')}) beyond permitted purposes (${c.sensitive_use ? 'vigil.ccpa.sensitive_use: beyond' : `use ${d.data_use} is not essential, inferred`}) but no limit_use_url is declared`);
    }
  }

  const notice = c.notice_at_collection ?? orgCcpa?.notice_at_collection;
  if (!notice) v('ccpa-1798.100-notice-at-collection', `${label} collects personal information but no notice at collection is declared (vigil.ccpa.notice_at_collection)`);
  else {
    const cats = d.data_categories.filter((k) => !t.covers('data_category', 'system', k) && !coveredByAny(t, 'data_category', notice.categories, k));
    const purposeListed = coveredByAny(t, 'data_use', notice.purposes, d.data_use);
    if (cats.length || !purposeListed) {
      const gaps = [cats.length ? `categories ${cats.join(', ')}` : '', purposeListed ? '' : `purpose ${d.data_use}`].filter(Boolean).join(' and ');
      v('ccpa-1798.100-notice-at-collection', `${label}: the notice at collection (${notice.url}) does not list ${gaps}`);
    }
  }
  return out;
}
