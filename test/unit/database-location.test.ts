import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/model/fingerprint.js';
import { formatLocation, locationKey, type DatabaseLocation } from '../../src/model/location.js';

describe('database locations', () => {
  it('keep the key they had before objects existed, so fingerprints of datamap drift hold', () => {
    const loc: DatabaseLocation = { kind: 'database', schema: 'public', table: 'customers' };
    expect(locationKey(loc)).toBe('database:public.customers');
    // the fingerprint computed by the code before objects existed (sha256 over scanner, rule, key)
    expect(fingerprint({ scanner: 'datamap', ruleId: 'r', location: loc })).toBe('ddaab336ad370b3f1db0724a0f3f5bb5');
  });

  it('name the object: a policy of a table, a function of a schema, a role of the cluster', () => {
    const cases: [DatabaseLocation, string, string][] = [
      [{ kind: 'database', schema: 'public', table: 'orders', object: { type: 'policy', name: 'orders_read' } }, 'public.orders policy orders_read', 'database:public.orders#policy:orders_read'],
      [{ kind: 'database', schema: 'public', object: { type: 'function', name: 'touch(integer)' } }, 'public function touch(integer)', 'database:public.#function:touch(integer)'],
      [{ kind: 'database', schema: '', object: { type: 'role', name: 'app' } }, 'role app', 'database:.#role:app'],
      [{ kind: 'database', schema: 'public', table: 'orders' }, 'public.orders', 'database:public.orders'],
    ];
    for (const [loc, shown, key] of cases) {
      expect(formatLocation(loc)).toBe(shown);
      expect(locationKey(loc)).toBe(key);
    }
  });

  it('give two objects of one table different fingerprints', () => {
    const a = fingerprint({ scanner: 'postgres', ruleId: 'multiple_permissive_policies', location: { kind: 'database', schema: 'public', table: 't', object: { type: 'policy', name: 'a' } } });
    const b = fingerprint({ scanner: 'postgres', ruleId: 'multiple_permissive_policies', location: { kind: 'database', schema: 'public', table: 't', object: { type: 'policy', name: 'b' } } });
    expect(a).not.toBe(b);
  });
});
