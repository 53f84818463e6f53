import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'yaml';
import { Taxonomy, defaultTaxonomyEntries } from '../../../scanners/datamap/taxonomy.js';
import { legacyKey } from '../../../scanners/datamap/fideslang-1.js';

const t = Taxonomy.defaults();

describe('default taxonomy data', () => {
  it.each(['data_categories', 'data_uses', 'data_subjects', 'fideslang-1-mapping'])('compliance/taxonomy/%s.yaml is headed with the fideslang version it follows and its date', (name) => {
    const text = readFileSync(new URL(`../../../compliance/taxonomy/${name}.yaml`, import.meta.url), 'utf8');
    expect(text).toMatch(/^# Follows: fideslang/m);
    const doc = parse(text) as { fideslang_version: string; date: string };
    expect(doc.fideslang_version).toMatch(/^[23]\.\d+\.\d+$/);
    expect(doc.date).toBe('2026-12-07');
  });

  it('every entry has a name, a description and an existing parent that is its key minus the last part', () => {
    const entries = defaultTaxonomyEntries();
    expect(entries.filter((e) => e.kind === 'data_category').length).toBeGreaterThan(100);
    expect(entries.filter((e) => e.kind === 'data_subject').map((e) => e.fides_key)).toContain('customer');
    for (const e of entries) {
      expect(e.name, e.fides_key).toBeTruthy();
      expect(e.description, e.fides_key).toBeTruthy();
      if (e.parent_key) {
        expect(t.has(e.kind, e.parent_key), `${e.fides_key} → ${e.parent_key}`).toBe(true);
        expect(e.fides_key.startsWith(`${e.parent_key}.`)).toBe(true);
      } else expect(e.fides_key.includes('.') && e.kind !== 'data_subject').toBe(false);
      if (e.replaced_by) expect(t.has(e.kind, e.replaced_by), `${e.fides_key} replaced by ${e.replaced_by}`).toBe(true);
    }
  });

  it('holds fideslang 2.x keys and the 3.2.0 replacements', () => {
    for (const k of ['user.contact.email', 'user.health_and_medical.genetic', 'user.biometric', 'user.criminal_history', 'system.operations']) expect(t.has('data_category', k), k).toBe(true);
    for (const k of ['user.health.genetic', 'user.biometrics', 'user.children']) expect(t.has('data_category', k), k).toBe(true);
    for (const k of ['marketing.advertising.third_party.targeted', 'essential.service.payment_processing', 'functional.service.improve']) expect(t.has('data_use', k), k).toBe(true);
  });
});

describe('hierarchy', () => {
  it.each([
    ['user.contact', 'user.contact.email', true],
    ['user', 'user.contact.address.city', true],
    ['user.contact.email', 'user.contact.email', true],
    ['user.contact.email', 'user.contact', false],
    ['user.contact', 'user.content.private', false],
    ['user.cont', 'user.contact.email', false],
  ])('%s covers %s: %s', (ancestor, key, expected) => {
    expect(t.covers('data_category', ancestor, key)).toBe(expected);
  });

  it('lineage runs from the key to the root', () => {
    expect(t.lineage('data_category', 'user.contact.address.city')).toEqual(['user.contact.address.city', 'user.contact.address', 'user.contact', 'user']);
    expect(t.lineage('data_use', 'marketing.advertising.third_party.targeted')).toEqual(['marketing.advertising.third_party.targeted', 'marketing.advertising.third_party', 'marketing.advertising', 'marketing']);
  });

  it('data subjects are flat, as fides evaluate treats them', () => {
    expect(t.lineage('data_subject', 'customer')).toEqual(['customer']);
    expect(t.covers('data_subject', 'customer', 'customer.vip')).toBe(false);
  });

  it('a map\'s own entries extend the hierarchy', () => {
    const own = new Taxonomy([...defaultTaxonomyEntries(), { kind: 'data_category', fides_key: 'user.contact.email.work', parent_key: 'user.contact.email', is_default: false }]);
    expect(own.covers('data_category', 'user.contact', 'user.contact.email.work')).toBe(true);
  });

  it('property: every default key is covered by each of its dotted prefixes that is a key, and by nothing else', () => {
    const keys = defaultTaxonomyEntries().filter((e) => e.kind === 'data_category').map((e) => e.fides_key);
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.constantFrom(...keys), (a, b) => {
        expect(t.covers('data_category', a, b)).toBe(b === a || b.startsWith(`${a}.`));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('fideslang 1.x keys', () => {
  it.each([
    ['data_category', 'user.provided.identifiable.contact.email', 'user.contact.email'],
    ['data_category', 'user.derived.identifiable.device.ip_address', 'user.device.ip_address'],
    ['data_category', 'user.provided.identifiable.genetic', 'user.health_and_medical.genetic'],
    ['data_category', 'user.credentials.password', 'user.authorization.password'],
    ['data_category', 'user.financial.account_number', 'user.financial.bank_account'],
    ['data_use', 'improve.system', 'functional.service.improve'],
  ] as const)('%s %s maps to %s, a 2.x key', (kind, from, to) => {
    expect(legacyKey(kind, from)).toEqual({ kind: 'mapped', to });
    expect(t.has(kind, to)).toBe(true);
  });

  it.each([
    ['data_category', 'account.contact.email', 'user.contact.email'],
    ['data_category', 'account.payment', 'user.payment'],
    ['data_category', 'user.provided', 'user'],
    ['data_use', 'provide.service', 'essential.service'],
    ['data_use', 'advertising.third_party', 'marketing.advertising.third_party'],
  ] as const)('%s %s is refused, naming %s', (kind, from, use) => {
    const r = legacyKey(kind, from);
    expect(r).toMatchObject({ kind: 'refused', use });
    expect(t.has(kind, use)).toBe(true);
  });

  it('every mapping lands on a 2.x key and every refusal names one', () => {
    const doc = parse(readFileSync(new URL('../../../compliance/taxonomy/fideslang-1-mapping.yaml', import.meta.url), 'utf8')) as Record<string, { map: Record<string, string>; refuse: Record<string, { use: string }> }>;
    for (const kind of ['data_category', 'data_use'] as const) {
      for (const [from, to] of Object.entries(doc[kind]!.map ?? {})) {
        expect(t.has(kind, to), `${from} → ${to}`).toBe(true);
        expect(t.has(kind, from), `${from} is a current key`).toBe(false);
      }
      for (const [from, r] of Object.entries(doc[kind]!.refuse ?? {})) expect(t.has(kind, r.use), `${from} → ${r.use}`).toBe(true);
    }
  });

  it('keys are matched whole, never by prefix', () => {
    expect(legacyKey('data_category', 'user.provided.identifiable.contact.email.work')).toBeUndefined();
  });
});
