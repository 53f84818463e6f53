import { createHash } from 'node:crypto';

/** How many leading characters of a secret evidence keeps: enough to tell `AKIA` from `ghp_`, too few to use. */
export const REDACT_KEEP = 4;

/** `AKIA… (20 chars)`: the first 4 characters (code points), `…` and the length in code points. */
export function redactSecret(secret: string): string {
  const chars = Array.from(secret);
  return `${chars.slice(0, REDACT_KEEP).join('')}… (${chars.length} chars)`;
}

/** Hex SHA-256 of the secret's UTF-8 bytes. */
export function secretDigest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
