import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** What an API token looks like: `vgl_` and 32 random bytes, base64url (43 characters). */
export const TOKEN_PATTERN = /^vgl_[A-Za-z0-9_-]{43}$/;

/** How many characters of a token are kept for display (`vgl_` and 8 more). */
const PREFIX_LENGTH = 12;

/**
 * scrypt's cost for new password hashes: N = 2^15, r = 8, p = 1 (OWASP's minimum is N = 2^17 with
 * r = 8 for interactive logins only when memory allows; 2^15 keeps a check near 50 ms here and 32 MiB).
 * The parameters are stored with each hash, so raising them later leaves old hashes readable.
 */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keylen: 32 } as const;

/** The most memory a stored hash may make scrypt use: a hash edited to ask for more is refused, not run. */
const MAX_SCRYPT_MEM = 256 * 1024 * 1024;

/** A new API token, its SHA-256 and its display prefix. The token itself is shown once and never stored. */
export function newApiToken(): { token: string; hash: string; prefix: string } {
  const token = `vgl_${randomBytes(32).toString('base64url')}`;
  return { token, hash: tokenHash(token), prefix: token.slice(0, PREFIX_LENGTH) };
}

/** SHA-256 (hex) of a token: how a request's token is found. A token has 256 bits of entropy, so no salt or stretching is needed. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A random password for a new user: 18 bytes, base64url (24 characters). */
export function newPassword(): string {
  return randomBytes(18).toString('base64url');
}

/** `scrypt$N$r$p$salt$hash` for a password, with a fresh 16-byte salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** True when `password` matches the stored hash; compared in constant time. A malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![N, r, p].every((x) => Number.isInteger(x) && x > 0) || 128 * N * r * p > MAX_SCRYPT_MEM) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (salt.length < 8 || expected.length < 16) return false;
  const key = await scryptAsync(password, salt, expected.length, { N, r, p });
  return timingSafeEqual(key, expected);
}

/** Spend the time a password check spends, for a user that does not exist: no answer comes sooner for an unknown name. */
export async function dummyPasswordCheck(password: string): Promise<void> {
  await scryptAsync(password, DUMMY_SALT, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
}

const DUMMY_SALT = randomBytes(16);

function scryptAsync(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keylen, { ...opts, maxmem: MAX_SCRYPT_MEM + 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}
