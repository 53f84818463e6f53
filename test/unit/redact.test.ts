import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mask, redactSecretAssignments, redactSecrets } from '../../src/util/redact.js';

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

describe('mask', () => {
  it('keeps the first 4 characters', () => {
    expect(mask('Zq8vN3kLp2Xw9RtY7uMb4HcE')).toBe('Zq8v…[redacted]');
    expect(mask('ab')).toBe('ab…[redacted]');
  });
});

describe('redactSecretAssignments', () => {
  // the single regex it replaces (name tail bounded to 64), fine on short text: the two must agree
  const REFERENCE =
    /((?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|auth)[A-Za-z0-9_-]{0,64}["']?\s*[:=]\s*["'`]?)([^"'`\s,;)]{6,})/gi;
  const reference = (t: string) => t.replace(REFERENCE, (m, name: string, value: string) => (value.includes('…') || value === '***' ? m : `${name}${mask(value)}`));
  const pieces = ['password', 'PASSWORD', 'pwd', 'db_', 'Secret', 'api-key', 'apikey', 'client_secret', 'auth', 'token', 'x', '9', '-', '_', ':', '=', ' ', '\n', '"', "'", '`', ',', ';', ')', 'hunter2', 'value1', '…', '***', 'a'.repeat(30)];

  it('agrees with the regex it replaced', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        expect(redactSecretAssignments(text)).toBe(reference(text));
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['const password = "hunter2hunter2";', 'const password = "hunt…[redacted]";'],
    ['{"client_secret": "abcdefgh", "x": 1}', '{"client_secret": "abcd…[redacted]", "x": 1}'],
    ['DB_PASSWORD=s3cr3tvalue\nAPI_KEY: zzzzzzzz', 'DB_PASSWORD=s3cr…[redacted]\nAPI_KEY: zzzz…[redacted]'],
    ['token = short', 'token = short'],
    ['password = "hunt…[redacted]"', 'password = "hunt…[redacted]"'],
  ])('%s', (input, want) => {
    expect(redactSecretAssignments(input)).toBe(want);
  });
});

/**
 * Inputs that made the earlier patterns quadratic, at the 4 MiB input cap: each finishes (the
 * quadratic ones took hours at this size) and gives the right answer. Only the outputs are checked;
 * the generous timeout is the guard.
 */
describe('redactSecrets on 4 MiB of adversarial text', { timeout: 60_000 }, () => {
  const N = 4 * 1024 * 1024;
  const rep = (s: string) => s.repeat(Math.ceil(N / s.length)).slice(0, N);
  const unchanged: [string, () => string][] = [
    ['a secret name repeated (every one a start)', () => rep('password')],
    ['a short secret name repeated', () => rep('pwd')],
    ['a secret name and a million name characters', () => 'password' + 'a'.repeat(N)],
    ['a secret name and a long run of spaces before the separator', () => 'password' + ' '.repeat(N) + 'x'],
    ['a separator and a long run of spaces', () => 'password=' + ' '.repeat(N)],
    ['one long word (each letter could start a URL scheme)', () => 'a'.repeat(N)],
    ['scheme-like characters', () => rep('a.b+c-')],
    ['a URL with a user and no @', () => 'a://' + rep('b:')],
    ['schemes repeated', () => rep('a://')],
    ['JWT-like starts with no dots', () => rep('eyJ-')],
    ['a Stripe prefix before a million word characters', () => 'sk_live_' + 'a'.repeat(N) + '_'],
    ['a PEM header with no type end', () => '-----BEGIN ' + 'A'.repeat(N)],
    ['GitHub token prefixes', () => rep('ghp_')],
  ];
  it.each(unchanged)('%s: left as it is', (_name, make) => {
    const text = make();
    expect(redactSecrets(text) === text).toBe(true);
  });

  // (booleans, not toContain: a failure must not print 4 MiB)
  const whole = (s: string) => s.repeat(Math.floor(N / s.length));

  it('secret names with short values, repeated: every value masked', () => {
    const out = redactSecrets(whole('password: hunter2x '));
    expect(out.startsWith('password: hunt…[redacted] password: hunt…[redacted] ')).toBe(true);
    expect(out.includes('hunter2x')).toBe(false);
  });

  it('JWT-shaped runs: every one masked', () => {
    const out = redactSecrets(whole('eyJhbGciOiJI.eyJzdWIiOiIx.c2lnbmF0dXJl '));
    expect(out.startsWith('eyJh…[redacted] eyJh…[redacted] ')).toBe(true);
    expect(out.includes('eyJzdWIiOiIx')).toBe(false);
  });

  it('URL credentials repeated: every password hidden', () => {
    const out = redactSecrets(whole('postgres://app:s3cretpass@db/ '));
    expect(out.startsWith('postgres://app:***@db/ postgres://app:***@db/ ')).toBe(true);
    expect(out.includes('s3cretpass')).toBe(false);
  });
});
