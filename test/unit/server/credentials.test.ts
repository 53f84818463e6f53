import { describe, expect, it } from 'vitest';
import { hashPassword, newApiToken, newPassword, tokenHash, verifyPassword, TOKEN_PATTERN } from '../../../src/ledger/credentials.js';
import { FailureCounter } from '../../../src/server/auth.js';
import { redactSecrets } from '../../../src/server/log.js';

describe('credentials', () => {
  it('tokens: vgl_ and 43 base64url characters; the SHA-256 and an 12-character prefix are what is kept', () => {
    const a = newApiToken();
    const b = newApiToken();
    expect(a.token).toMatch(TOKEN_PATTERN);
    expect(a.token).not.toBe(b.token);
    expect(a.hash).toBe(tokenHash(a.token));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.prefix).toBe(a.token.slice(0, 12));
  });

  it('passwords: scrypt with a per-user salt and the parameters stored with the hash', async () => {
    const pw = newPassword();
    const h1 = await hashPassword(pw);
    const h2 = await hashPassword(pw);
    expect(h1).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(h1).not.toBe(h2);
    expect(await verifyPassword(pw, h1)).toBe(true);
    expect(await verifyPassword(`${pw}!`, h1)).toBe(false);
    // malformed or edited to cost unbounded memory: refused without running scrypt
    expect(await verifyPassword(pw, 'plain')).toBe(false);
    expect(await verifyPassword(pw, h1.replace('$32768$', '$1073741824$'))).toBe(false);
    expect(await verifyPassword(pw, h1.replace('$32768$', '$-1$'))).toBe(false);
  });

  it('counts failed checks per address in fixed windows, and lets the address go when its window ends', () => {
    const c = new FailureCounter({ max: 2, windowMs: 1000 });
    c.note('a', 0);
    expect(c.blockedFor('a', 10)).toBe(0);
    c.note('a', 20);
    expect(c.blockedFor('a', 30)).toBe(970);
    expect(c.blockedFor('b', 30)).toBe(0);
    expect(c.blockedFor('a', 1000)).toBe(0);
    c.note('a', 1001);
    expect(c.blockedFor('a', 1002)).toBe(0);
  });

  it('redacts token-shaped text for the log', () => {
    expect(redactSecrets(`/api/findings?token=vgl_${'x'.repeat(43)}&a=1`)).toBe('/api/findings?token=vgl_[REDACTED]&a=1');
    expect(redactSecrets('Authorization: Bearer abc.def-ghi')).toBe('Authorization: Bearer [REDACTED]');
    expect(redactSecrets('basic ZGFuYTpwdw==')).toBe('basic [REDACTED]');
  });
});
