import { describe, expect, it } from 'vitest';
import { targetFromArg } from '../../src/runner/plan.js';

describe('a target named on the command line', () => {
  it('keeps a URL password in its location only, never in the name that is printed and stored', () => {
    const cases: [string, string, string][] = [
      ['https://alice:s3cret@shop.example/api/', 'url', 'https://alice@shop.example/api/'],
      ['http://127.0.0.1:8444/', 'url', 'http://127.0.0.1:8444/'],
      ['postgres://app:pw@db.internal:5432/shop', 'database', 'postgres://app@db.internal:5432/shop'],
      ['postgresql://app@db/shop', 'database', 'postgresql://app@db/shop'],
    ];
    for (const [arg, kind, name] of cases) {
      const t = targetFromArg(arg);
      expect(t).toEqual({ name, kind, location: arg });
    }
  });
});
