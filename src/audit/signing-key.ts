import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { keyFingerprint } from '../../reports/audit/key.js';
import { describeError, VigilError } from '../errors.js';
import type { Ledger } from '../ledger/ledger.js';

/** The event that records a signing key's public half in the hash chain. */
export const SIGNING_KEY_EVENT = 'signing-key.recorded';

/** The audit report signing key, with where the ledger recorded its public half. */
export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  fingerprint: string;
  /** The private key file. */
  path: string;
  recordedAt: string;
  recordedSeq: number;
  /** True when this call made the key (and recorded it). */
  created: boolean;
}

/** Where the private key lives: the config's `reports.signingKey`, else beside an SQLite ledger file. */
export function signingKeyPath(ledger: Ledger, ledgerLocation: string, configured: string | null): string {
  if (configured) return configured;
  if (ledger.kind === 'postgres') {
    throw new VigilError('VIGIL_ERR_SIGNING_KEY', 'a PostgreSQL ledger keeps no files: set reports.signingKey in the config to the path of the report signing key (it is made there on first use)');
  }
  return `${ledgerLocation}.signing-key.pem`;
}

/** The public keys the ledger recorded, oldest first. */
export async function recordedKeys(ledger: Ledger): Promise<{ seq: number; at: string; fingerprint: string; publicKeyPem: string }[]> {
  const events = await ledger.eventsOfType([SIGNING_KEY_EVENT]);
  return events.map((e) => {
    const d = e.data as { fingerprint: string; publicKey: string };
    return { seq: e.seq, at: e.at, fingerprint: d.fingerprint, publicKeyPem: d.publicKey };
  });
}

/**
 * The signing key for reports from this ledger. Made once (Ed25519, file mode 0600) and its public
 * half recorded in the ledger as an event; afterwards the file must hold that same key. A lost key
 * is an error, not a silent new one: a new key would leave earlier reports unverifiable against the
 * ledger. `create: false` only reads.
 */
export async function loadSigningKey(ledger: Ledger, path: string, opts: { create: boolean; actor?: string | null; now?: Date }): Promise<SigningKey> {
  const recorded = await recordedKeys(ledger);
  const latest = recorded[recorded.length - 1];
  let pem: string | undefined;
  try {
    pem = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new VigilError('VIGIL_ERR_SIGNING_KEY', `cannot read the report signing key: ${describeError(e)}`, { file: path });
  }
  if (pem === undefined) {
    if (latest) {
      throw new VigilError(
        'VIGIL_ERR_SIGNING_KEY',
        `the report signing key is missing, but the ledger recorded key ${latest.fingerprint} (event ${latest.seq}): restore the key file from a backup`,
        { file: path },
      );
    }
    if (!opts.create) throw new VigilError('VIGIL_ERR_SIGNING_KEY', 'no report signing key yet: `vigil report audit` makes one', { file: path });
    const { privateKey } = generateKeyPairSync('ed25519');
    await mkdir(dirname(path), { recursive: true });
    try {
      // 'wx': never overwrite a key another process made meanwhile
      await writeFile(path, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return loadSigningKey(ledger, path, opts);
      throw new VigilError('VIGIL_ERR_SIGNING_KEY', `cannot write the report signing key: ${describeError(e)}`, { file: path });
    }
    return finish(privateKey, true);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (e) {
    throw new VigilError('VIGIL_ERR_SIGNING_KEY', `the report signing key is not a PEM private key: ${describeError(e)}`, { file: path });
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new VigilError('VIGIL_ERR_SIGNING_KEY', `the report signing key is ${privateKey.asymmetricKeyType ?? 'not an asymmetric key'}, not Ed25519`, { file: path });
  }
  return finish(privateKey, false);

  async function finish(privateKey: KeyObject, created: boolean): Promise<SigningKey> {
    const publicKey = createPublicKey(privateKey);
    const fingerprint = keyFingerprint(publicKey);
    const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    if (latest) {
      if (latest.fingerprint !== fingerprint) {
        throw new VigilError(
          'VIGIL_ERR_SIGNING_KEY',
          `the report signing key ${fingerprint} is not the key the ledger recorded (${latest.fingerprint}, event ${latest.seq}): restore the recorded key`,
          { file: path },
        );
      }
      return { privateKey, publicKey, publicKeyPem, fingerprint, path, recordedAt: latest.at, recordedSeq: latest.seq, created };
    }
    const r = await ledger.appendRecord(SIGNING_KEY_EVENT, { algorithm: 'Ed25519', fingerprint, publicKey: publicKeyPem }, { actor: opts.actor ?? null, ...(opts.now ? { now: opts.now } : {}) });
    return { privateKey, publicKey, publicKeyPem, fingerprint, path, recordedAt: r.at, recordedSeq: r.seq, created };
  }
}
