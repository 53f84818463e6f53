import { createHash, type KeyObject } from 'node:crypto';

/** A public key's fingerprint as OpenSSH prints one: `SHA256:` and the base64 of the SHA-256 of its SPKI DER, unpadded. */
export function keyFingerprint(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return 'SHA256:' + createHash('sha256').update(der).digest('base64').replace(/=+$/, '');
}
