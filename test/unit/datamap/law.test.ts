import { describe, expect, it } from 'vitest';
import { LAW_CHECKS, checkLaw, type LawOptions, type LawRuleId } from '../../../scanners/datamap/law.js';
import { decl, goodMap, loadValue } from './helpers.js';

type Map = Record<string, any>;
const OPTS: LawOptions = { dpiaSubjectThreshold: 5000, ccpa: true };

async function violations(mutate: (m: Map) => void, opts: LawOptions = OPTS) {
  const m = goodMap();
  mutate(m);
  return checkLaw(await loadValue(m), opts);
}

async function ruleIds(mutate: (m: Map) => void, opts?: LawOptions): Promise<LawRuleId[]> {
  return (await violations(mutate, opts)).violations.map((v) => v.ruleId);
}

const sys = (m: Map) => m['system'][0];
const org = (m: Map) => m['organization'][0];
const addDecl = (m: Map, d: Map) => sys(m)['privacy_declarations'].push({ name: 'Extra', data_subjects: ['customer'], legal_basis_for_processing: 'Consent', retention_period: '12 months', ...d });

it('the base map passes every check', async () => {
  expect(await ruleIds(() => undefined)).toEqual([]);
});

it('every check has a title, severity, article, controls, references and a one-line remediation', () => {
  for (const [id, c] of Object.entries(LAW_CHECKS)) {
    expect(id).toMatch(/^(gdpr|ccpa)-[a-z0-9.-]+$/);
    expect(c.title.length).toBeGreaterThan(10);
    expect(c.controls.length).toBeGreaterThan(0);
    expect(c.references.length).toBeGreaterThan(0);
    expect(c.remediation).not.toContain('\n');
  }
});

// each row: the rule, a change that keeps it passing, a change that makes it fail
const TABLE: Array<[LawRuleId, string, (m: Map) => void, string, (m: Map) => void]> = [
  ['gdpr-art6-lawful-basis', 'a basis is set', (m) => (decl(m)['legal_basis_for_processing'] = 'Legitimate interests'), 'no basis', (m) => delete decl(m)['legal_basis_for_processing']],
  [
    'gdpr-art9-special-category-condition',
    'health data with an Art. 9(2) condition',
    (m) => Object.assign(decl(m), { data_categories: ['user.health.condition'], processes_special_category_data: true, special_category_legal_basis: 'Explicit consent', vigil: { subject_count: 100 } }),
    'health data without one',
    (m) => Object.assign(decl(m), { data_categories: ['user.health_and_medical'], vigil: { subject_count: 100 } }),
  ],
  [
    'gdpr-art9-special-category-condition',
    'no special category',
    (m) => (decl(m)['data_categories'] = ['user.demographic.age_range']),
    'processes_special_category_data: true alone',
    (m) => (decl(m)['processes_special_category_data'] = true),
  ],
  [
    'gdpr-art10-criminal-offence-basis',
    'criminal data under Member State law',
    (m) => Object.assign(decl(m), { data_categories: ['user.criminal_history'], vigil: { criminal_offence_basis: { basis: 'member_state_law', law: 'Data Protection Act 2018 s.10' } } }),
    'criminal data without a basis',
    (m) => (decl(m)['data_categories'] = ['user.criminal_history']),
  ],
  ['gdpr-art5-retention', 'a bounded period', (m) => (decl(m)['retention_period'] = '30 days'), 'no period', (m) => delete decl(m)['retention_period']],
  ['gdpr-art5-retention', 'a bounded period', (m) => (decl(m)['retention_period'] = '2 years'), 'kept indefinitely', (m) => (decl(m)['retention_period'] = 'Indefinitely')],
  ['gdpr-art30-record-incomplete', 'recipients named', (m) => Object.assign(decl(m), { data_shared_with_third_parties: true, third_parties: 'payment processor' }), 'no security description', (m) => delete sys(m)['data_security_practices']],
  ['gdpr-art30-record-incomplete', 'controller complete', () => undefined, 'no controller contact', (m) => (org(m)['controller'] = { name: 'Shop Ltd' })],
  ['gdpr-art28-processor-agreement', 'a vendor with a DPA', (m) => Object.assign(sys(m), { system_type: 'Third Party', dpa_location: 'https://contracts/stripe-dpa.pdf' }), 'a vendor without one', (m) => (sys(m)['system_type'] = 'Third Party')],
  ['gdpr-art28-processor-agreement', 'a processor with a DPA', (m) => Object.assign(sys(m), { responsibility: ['Processor'], dpa_location: 'https://contracts/dpa.pdf' }), 'a processor without one', (m) => (sys(m)['responsibility'] = ['Processor'])],
  ['gdpr-art44-transfer-safeguard', 'India under SCCs', (m) => (sys(m)['vigil'] = { transfers: [{ country: 'IN', mechanism: 'scc' }] }), 'India with no mechanism', (m) => (sys(m)['vigil'] = { transfers: [{ country: 'IN' }] })],
  [
    'gdpr-art44-transfer-safeguard',
    'a DPF-certified US recipient',
    (m) => (sys(m)['vigil'] = { transfers: [{ country: 'US', mechanism: 'dpf', dpf_certified: true }] }),
    'a US recipient that is not certified',
    (m) => (sys(m)['vigil'] = { transfers: [{ country: 'US', mechanism: 'adequacy' }] }),
  ],
  ['gdpr-art44-transfer-safeguard', 'Japan (adequacy) and Germany (EEA)', (m) => (sys(m)['vigil'] = { transfers: [{ country: 'JP' }, { country: 'DE' }] }), 'transfers declared, destinations not', (m) => (sys(m)['does_international_transfers'] = true)],
  ['gdpr-art35-dpia', 'profiling with a complete DPIA', (m) => Object.assign(sys(m), { uses_profiling: true, vigil: { dpia: { location: 'https://wiki/dpia', status: 'complete' } } }), 'profiling without one', (m) => (sys(m)['uses_profiling'] = true)],
  [
    'gdpr-art35-dpia',
    'health data of 100 subjects',
    (m) => Object.assign(decl(m), { data_categories: ['user.health'], special_category_legal_basis: 'Explicit consent', vigil: { subject_count: 100 } }),
    'health data of 6,000 subjects',
    (m) => Object.assign(decl(m), { data_categories: ['user.health'], special_category_legal_basis: 'Explicit consent', vigil: { subject_count: 6000 } }),
  ],
  [
    'gdpr-art35-dpia',
    'no monitoring',
    (m) => (decl(m)['vigil'] = { systematic_monitoring: false }),
    'health data of an unknown number of subjects',
    (m) => Object.assign(decl(m), { data_categories: ['user.health'], special_category_legal_basis: 'Explicit consent', vigil: { subject_count: 'unknown' } }),
  ],
  ['gdpr-art35-dpia', 'a profiling-free use', () => undefined, 'systematic monitoring', (m) => (decl(m)['vigil'] = { systematic_monitoring: true })],
  [
    'gdpr-art35-subject-count',
    'the count is stated',
    (m) => Object.assign(decl(m), { data_categories: ['user.biometrics'], special_category_legal_basis: 'Explicit consent', vigil: { subject_count: 10 } }),
    'the count is not stated',
    (m) => Object.assign(decl(m), { data_categories: ['user.biometrics'], special_category_legal_basis: 'Explicit consent' }),
  ],
  [
    'gdpr-art12-rights-handling',
    'a subject that overrides one deadline within a month',
    (m) => (m['data_subject'] = [{ fides_key: 'customer', vigil: { rights_handling: { access: { how: 'e-mail', deadline_days: 14 } } } }]),
    'no handling declared anywhere',
    (m) => delete org(m)['vigil']['rights_handling'],
  ],
  [
    'gdpr-art12-rights-handling',
    'only anonymous users',
    (m) => Object.assign(decl(m), { data_subjects: ['anonymous_user'] }) && delete org(m)['vigil']['rights_handling'],
    'a deadline past one month',
    (m) => (m['data_subject'] = [{ fides_key: 'customer', vigil: { rights_handling: { erasure: { how: 'e-mail', deadline_days: 60 } } } }]),
  ],
  ['gdpr-art12-rights-handling', 'rights ALL', (m) => (m['data_subject'] = [{ fides_key: 'customer', rights: { strategy: 'ALL' } }]), 'rights exclude erasure', (m) => (m['data_subject'] = [{ fides_key: 'customer', rights: { strategy: 'EXCLUDE', values: ['Erasure'] } }])],
  [
    'ccpa-1798.120-do-not-sell-or-share',
    'third-party ads with the organization\'s link',
    (m) => addDecl(m, { data_use: 'marketing.advertising.third_party.targeted', data_categories: ['user.device.cookie_id'] }),
    'third-party ads without it',
    (m) => addDecl(m, { data_use: 'marketing.advertising.third_party.targeted', data_categories: ['user.device.cookie_id'] }) && delete org(m)['vigil']['ccpa']['do_not_sell_or_share_url'],
  ],
  [
    'ccpa-1798.120-do-not-sell-or-share',
    'sharing with a processor for an essential use',
    (m) => Object.assign(sys(m), { dpa_location: 'x' }) && Object.assign(decl(m), { data_shared_with_third_parties: true, third_parties: 'payment processor' }) && delete org(m)['vigil']['ccpa']['do_not_sell_or_share_url'],
    'sharing with third parties for analytics (inferred sale)',
    (m) => Object.assign(sys(m), { dpa_location: 'x' }) && addDecl(m, { data_use: 'analytics.reporting', data_categories: ['user.behavior.browsing_history'], data_shared_with_third_parties: true, third_parties: 'analytics vendor' }) && delete org(m)['vigil']['ccpa']['do_not_sell_or_share_url'],
  ],
  [
    'ccpa-1798.121-limit-use',
    'precise location for an essential use',
    (m) => (decl(m)['data_categories'] = ['user.location.precise']) && delete org(m)['vigil']['ccpa']['limit_use_url'],
    'precise location for marketing without the link',
    (m) => addDecl(m, { data_use: 'marketing.advertising.first_party.targeted', data_categories: ['user.location.precise'] }) && delete org(m)['vigil']['ccpa']['limit_use_url'],
  ],
  [
    'ccpa-1798.120c-minors-opt-in',
    'children\'s data sold with opt-in',
    (m) => addDecl(m, { data_use: 'marketing.advertising.third_party.targeted', data_categories: ['user.children'], vigil: { ccpa: { minors_opt_in: true } } }),
    'children\'s data sold without opt-in',
    (m) => addDecl(m, { data_use: 'marketing.advertising.third_party.targeted', data_categories: ['user.childrens'] }),
  ],
  [
    'ccpa-1798.100-notice-at-collection',
    'a declaration\'s own notice that lists it',
    (m) => (decl(m)['vigil'] = { ccpa: { notice_at_collection: { url: 'https://shop.example/checkout-notice', categories: ['user.contact', 'user.financial'], purposes: ['essential.service'] } } }),
    'no notice',
    (m) => delete org(m)['vigil']['ccpa']['notice_at_collection'],
  ],
  [
    'ccpa-1798.100-notice-at-collection',
    'a notice listing parents of what is collected',
    (m) => (org(m)['vigil']['ccpa']['notice_at_collection'] = { url: 'https://n', categories: ['user.contact', 'user.financial'], purposes: ['essential'] }),
    'a notice that leaves out a category',
    (m) => (org(m)['vigil']['ccpa']['notice_at_collection'] = { url: 'https://n', categories: ['user.contact'], purposes: ['essential'] }),
  ],
];

describe.each(TABLE)('%s', (ruleId, okName, ok, badName, bad) => {
  it(`passes: ${okName}`, async () => {
    expect(await ruleIds(ok)).not.toContain(ruleId);
  });
  it(`fails: ${badName}`, async () => {
    const r = await violations(bad);
    const hit = r.violations.find((v) => v.ruleId === ruleId);
    expect(hit, `expected ${ruleId}; got ${r.violations.map((v) => v.ruleId).join(', ') || 'nothing'}`).toBeDefined();
    expect(hit!.evidence).toMatch(/system "shop"|data subject "customer"/);
    expect(hit!.where.file).toMatch(/map\.yml$/);
    expect(hit!.where.line).toBeGreaterThan(0);
  });
});

describe('scope', () => {
  const selling = (m: Map) => addDecl(m, { data_use: 'marketing.advertising.third_party.targeted', data_categories: ['user.children'] }) && delete org(m)['vigil']['ccpa']['do_not_sell_or_share_url'];

  it('no CCPA check runs when the organization declares itself out of scope, and a note says why', async () => {
    const r = await violations((m) => {
      selling(m);
      org(m)['vigil']['ccpa'] = { applies: false, reason: 'below every 1798.140(d) threshold' };
    });
    expect(r.violations.filter((v) => v.ruleId.startsWith('ccpa-'))).toEqual([]);
    expect(r.notes.join('\n')).toContain('below every 1798.140(d) threshold');
  });

  it('no CCPA check runs with option ccpa: false', async () => {
    const r = await violations(selling, { ...OPTS, ccpa: false });
    expect(r.violations.filter((v) => v.ruleId.startsWith('ccpa-'))).toEqual([]);
  });

  it('with the CCPA in scope the same map fails its checks', async () => {
    expect(await ruleIds(selling)).toEqual(expect.arrayContaining(['ccpa-1798.120-do-not-sell-or-share', 'ccpa-1798.120c-minors-opt-in']));
  });

  it('the DPIA threshold is an option', async () => {
    const health = (m: Map) => Object.assign(decl(m), { data_categories: ['user.health'], special_category_legal_basis: 'Explicit consent', vigil: { subject_count: 6000 } });
    expect(await ruleIds(health, { ...OPTS, dpiaSubjectThreshold: 10_000 })).not.toContain('gdpr-art35-dpia');
    expect(await ruleIds(health, { ...OPTS, dpiaSubjectThreshold: 1000 })).toContain('gdpr-art35-dpia');
  });

  it('systems exempt from privacy regulations are skipped with a note', async () => {
    const r = await violations((m) => Object.assign(sys(m), { exempt_from_privacy_regulations: true, reason_for_exemption: 'household use' }) && delete decl(m)['legal_basis_for_processing']);
    expect(r.violations).toEqual([]);
    expect(r.notes.join('\n')).toContain('household use');
  });

  it('declarations of system data only are not personal data', async () => {
    expect(await ruleIds((m) => Object.assign(decl(m), { data_categories: ['system.operations'] }) && delete decl(m)['legal_basis_for_processing'])).toEqual([]);
  });

  it('a rights deadline past 45 days adds the CCPA control', async () => {
    const r = await violations((m) => (m['data_subject'] = [{ fides_key: 'customer', vigil: { rights_handling: { access: { how: 'post', deadline_days: 50 } } } }]));
    const v = r.violations.find((x) => x.ruleId === 'gdpr-art12-rights-handling')!;
    expect(v.evidence).toContain('exceeds 45 days (CCPA 1798.130(a)(2))');
    expect(v.extraControls).toContain('CCPA:1798.130(a)(2)');
  });
});
