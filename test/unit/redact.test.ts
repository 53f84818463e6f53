import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/util/redact.js';

// Obviously fake values, shaped like the real formats.
const cases: [string, string, RegExp][] = [
  ['AWS key id', 'key = AKIAABCDEFGHIJKLMNOP', /AKIA…\[redacted\]/],
  ['GitHub token', 'auth: ghp_FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE1234', /ghp_…\[redacted\]/],
  ['Stripe key', 'stripe(sk_live_FAKEFAKEFAKEFAKE00)', /sk_l…\[redacted\]/],
  ['JWT', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlIn0.c2lnbmF0dXJlZmFrZQ', /eyJh…\[redacted\]/],
  ['password assignment', 'const password = "hunter2hunter2";', /password = "hunt…\[redacted\]"/],
  ['URL credentials', 'postgres://app:s3cretpass@db.internal/app', /postgres:\/\/app:\*\*\*@db\.internal/],
  ['private key', '-----BEGIN RSA PRIVATE KEY-----\nMIIEFAKE\n-----END RSA PRIVATE KEY-----', /^-----BEGIN RSA PRIVATE KEY-----…\[redacted\]$/],
];

describe('redactSecrets', () => {
  it.each(cases)('%s', (_name, input, expected) => {
    const out = redactSecrets(input);
    expect(out).toMatch(expected);
    expect(redactSecrets(out)).toBe(out);
  });

  it('leaves ordinary code alone', () => {
    const code = 'db.query("select * from users where id = " + req.params.id)';
    expect(redactSecrets(code)).toBe(code);
  });

  it('never lengthens a secret-free string and never throws', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = redactSecrets(s);
        expect(typeof out).toBe('string');
        expect(redactSecrets(out)).toBe(out);
      }),
    );
  });
});
