import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evaluatePolicies, evaluateRule, matchPart } from '../../../scanners/datamap/policies.js';
import { Taxonomy, defaultTaxonomyEntries } from '../../../scanners/datamap/taxonomy.js';
import type { MatchMode, PolicyRule } from '../../../scanners/datamap/types.js';
import { goodMap, loadValue } from './helpers.js';

const t = Taxonomy.defaults();
const cat = (m: MatchMode, rule: string[], declared: string[]) => matchPart(t, 'data_category', m, rule, declared);

describe('matchPart: fides evaluate semantics, hierarchy aware', () => {
  it.each([
    // ANY: the declared keys some rule value covers
    ['ANY', ['user.contact'], ['user.contact.email', 'user.device.ip_address'], ['user.contact.email']],
    ['ANY', ['user.contact.email'], ['user.contact'], []],
    ['ANY', ['user'], ['system.operations'], []],
    // ALL: every declared key is covered → all of them; otherwise nothing
    ['ALL', ['user.contact', 'user.device'], ['user.contact.email', 'user.device.ip_address'], ['user.contact.email', 'user.device.ip_address']],
    ['ALL', ['user.contact'], ['user.contact.email', 'user.device.ip_address'], []],
    ['ALL', ['user.contact', 'user.financial'], ['user.contact.email'], ['user.contact.email']],
    // NONE: no declared key covered → the declared keys; otherwise nothing
    ['NONE', ['user.financial'], ['user.contact.email'], ['user.contact.email']],
    ['NONE', ['user.financial'], ['user.contact.email', 'user.financial.credit_card'], []],
    // OTHER: the declared keys no rule value covers
    ['OTHER', ['user.contact'], ['user.contact.email', 'user.device.ip_address'], ['user.device.ip_address']],
    ['OTHER', ['user'], ['user.contact.email'], []],
    // nothing declared never matches
    ['ANY', ['user'], [], []],
    ['ALL', ['user'], [], []],
    ['NONE', ['user'], [], []],
    ['OTHER', ['user'], [], []],
  ] as const)('%s %j against %j → %j', (m, rule, declared, expected) => {
    expect(cat(m, [...rule], [...declared])).toEqual(expected);
  });

  it('data subjects are compared flat', () => {
    expect(matchPart(t, 'data_subject', 'ANY', ['customer'], ['customer'])).toEqual(['customer']);
    expect(matchPart(t, 'data_subject', 'ANY', ['customer'], ['employee'])).toEqual([]);
  });

  const keys = defaultTaxonomyEntries().filter((e) => e.kind === 'data_category').map((e) => e.fides_key);
  const arb = fc.record({ rule: fc.uniqueArray(fc.constantFrom(...keys), { maxLength: 4 }), declared: fc.uniqueArray(fc.constantFrom(...keys), { minLength: 1, maxLength: 5 }) });

  it('property: ANY and OTHER split the declared keys; ALL is ANY when OTHER is empty; NONE is OTHER when ANY is empty', () => {
    fc.assert(
      fc.property(arb, ({ rule, declared }) => {
        const any = cat('ANY', rule, declared);
        const other = cat('OTHER', rule, declared);
        expect([...any, ...other].sort()).toEqual([...declared].sort());
        expect(cat('ALL', rule, declared)).toEqual(other.length === 0 ? any : []);
        expect(cat('NONE', rule, declared)).toEqual(any.length === 0 ? other : []);
        for (const k of any) expect(rule.some((r) => k === r || k.startsWith(`${r}.`))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

const rule = (c: [MatchMode, string[]], u: [MatchMode, string[]], s: [MatchMode, string[]]): PolicyRule => ({
  name: 'r',
  data_categories: { matches: c[0], values: c[1] },
  data_uses: { matches: u[0], values: u[1] },
  data_subjects: { matches: s[0], values: s[1] },
  where: { file: 'p.yml', line: 1, column: 1, pointer: '/policy/0/rules/0' },
});

describe('evaluateRule: a rule matches only when all three parts match', () => {
  const d = { categories: ['user.contact.email'], use: 'marketing.advertising.third_party.targeted', subjects: ['customer'] };
  it('all three match: a violation naming the offending keys', () => {
    expect(evaluateRule(t, rule(['ANY', ['user.contact']], ['ANY', ['marketing']], ['ANY', ['customer']]), d)).toEqual({ categories: ['user.contact.email'], uses: ['marketing.advertising.third_party.targeted'], subjects: ['customer'] });
  });
  it.each([
    ['categories', rule(['ANY', ['user.financial']], ['ANY', ['marketing']], ['ANY', ['customer']])],
    ['uses', rule(['ANY', ['user']], ['ANY', ['essential']], ['ANY', ['customer']])],
    ['subjects', rule(['ANY', ['user']], ['ANY', ['marketing']], ['ANY', ['employee']])],
  ])('no violation when %s do not match', (_n, r) => {
    expect(evaluateRule(t, r, d)).toBeUndefined();
  });
});

describe('evaluatePolicies over a data map', () => {
  it('finds each violating declaration and the referenced dataset parts, as fides evaluate does', async () => {
    const m = goodMap();
    m['dataset'] = [{ fides_key: 'crm', collections: [{ name: 'people', fields: [{ name: 'phone', data_categories: ['user.contact.phone_number'] }, { name: 'id', data_categories: ['system.operations'] }] }] }];
    m['system'][0]['privacy_declarations'].push({ name: 'Ads', data_use: 'marketing.advertising.third_party.targeted', data_categories: ['user.device.ip_address'], data_subjects: ['customer'], dataset_references: ['crm'] });
    m['policy'] = [
      {
        fides_key: 'no_contact_for_ads',
        rules: [{ name: 'contact data is not for third-party ads', data_categories: { matches: 'ANY', values: ['user.contact'] }, data_uses: { matches: 'ANY', values: ['marketing.advertising.third_party'] }, data_subjects: { matches: 'ANY', values: ['customer'] } }],
      },
    ];
    const map = await loadValue(m);
    const v = evaluatePolicies(map);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ system: { fides_key: 'shop' }, declaration: { name: 'Ads' }, rule: { name: 'contact data is not for third-party ads' }, dataset: { fides_key: 'crm', collection: 'people', field: 'phone' }, categories: ['user.contact.phone_number'] });
  });
});
