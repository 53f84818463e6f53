/**
 * Certificate facts for the TLS scanner: what Node's X509Certificate says about a certificate,
 * plus the signature algorithm and CRL distribution points, which Node 20 does not expose and
 * are read from the DER. Also reads PEM bundles and DER files into certificates.
 */
import { X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { VigilError } from '../../src/errors.js';
import { TAG, contextTag, expectTag, readChildren, readInner, readOid, readString, readTlv } from './der.js';
import type { Tlv } from './der.js';
import type { CertificateFacts } from './types.js';

/** Signature algorithm OIDs: the OpenSSL-style name and the hash it signs with. */
const SIGNATURE_ALGORITHMS: Record<string, { name: string; hash?: string }> = {
  '1.2.840.113549.1.1.2': { name: 'md2WithRSAEncryption', hash: 'md2' },
  '1.2.840.113549.1.1.3': { name: 'md4WithRSAEncryption', hash: 'md4' },
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', hash: 'md5' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', hash: 'sha1' },
  '1.3.14.3.2.29': { name: 'sha1WithRSA', hash: 'sha1' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', hash: 'sha224' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', hash: 'sha512' },
  '1.2.840.113549.1.1.10': { name: 'rsassaPss' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', hash: 'sha1' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', hash: 'sha224' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', hash: 'sha512' },
  '1.3.101.112': { name: 'ED25519' },
  '1.3.101.113': { name: 'ED448' },
  '1.2.840.10040.4.3': { name: 'dsa-with-SHA1', hash: 'sha1' },
  '2.16.840.1.101.3.4.3.1': { name: 'dsa-with-SHA224', hash: 'sha224' },
  '2.16.840.1.101.3.4.3.2': { name: 'dsa-with-SHA256', hash: 'sha256' },
};

/** Hash algorithm OIDs, for the hash inside RSASSA-PSS parameters. */
const HASH_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.2.5': 'md5',
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

const RSASSA_PSS = '1.2.840.113549.1.1.10';
const CRL_DISTRIBUTION_POINTS = '2.5.29.31';

/** Bits of the named curves whose names do not end in their size the usual way. */
const CURVE_BITS: Record<string, number> = {
  prime192v1: 192,
  prime256v1: 256,
  secp224r1: 224,
  secp256k1: 256,
  secp384r1: 384,
  secp521r1: 521,
};

/** The facts the TLS checks need about one certificate (PEM or DER bytes, or a parsed certificate). */
export function certificateFacts(input: Buffer | X509Certificate): CertificateFacts {
  const cert = input instanceof X509Certificate ? input : toCertificate(input);
  const der = cert.raw;
  const { signatureAlgorithm, signatureHash, crlUrls } = readFromDer(der);
  const key = keyFacts(cert);
  const facts: CertificateFacts = {
    subject: displayName(cert.subject),
    issuer: displayName(cert.issuer),
    altNames: parseGeneralNames(cert.subjectAltName ?? '')
      .filter((n) => n.type === 'DNS' || n.type === 'IP Address')
      .map((n) => n.value),
    serialNumber: cert.serialNumber,
    notBefore: isoDate(cert.validFrom, 'notBefore'),
    notAfter: isoDate(cert.validTo, 'notAfter'),
    fingerprint256: cert.fingerprint256,
    keyType: key.type,
    keyBits: key.bits,
    signatureAlgorithm,
    selfIssued: cert.subject === cert.issuer && verifiesItself(cert),
    isCA: cert.ca,
    ocspUrls: accessUrls(cert.infoAccess ?? '', 'OCSP - URI:'),
    crlUrls,
    caIssuerUrls: accessUrls(cert.infoAccess ?? '', 'CA Issuers - URI:'),
  };
  if (key.curve !== undefined) facts.curve = key.curve;
  if (signatureHash !== undefined) facts.signatureHash = signatureHash;
  return facts;
}

/**
 * The certificates in a PEM bundle (one or more CERTIFICATE blocks; other blocks are skipped)
 * or a single DER certificate. Errors name the block and its line.
 */
export function parseCertificates(text: Buffer | string, file: string): X509Certificate[] {
  if (typeof text !== 'string' && !text.includes('-----BEGIN') && text.length > 0 && text[0] === TAG.SEQUENCE) {
    return [derCertificate(text, 'certificate 1 (DER)', file, undefined)];
  }
  const str = (typeof text === 'string' ? text : text.toString('utf8')).replace(/^\uFEFF/, '');
  if (str.trim() === '') {
    throw new VigilError(
      'VIGIL_ERR_CERT_INVALID',
      'the file is empty: expected PEM certificates (-----BEGIN CERTIFICATE-----) or one DER certificate',
      { file },
    );
  }
  const lines = str.split(/\r?\n/);
  const certs: X509Certificate[] = [];
  let otherBlock: { label: string; line: number } | undefined;
  let open: { label: string; line: number; body: string[] } | undefined;
  for (const [i, raw] of lines.entries()) {
    const lineNo = i + 1;
    const line = raw.trim();
    const begin = /^-----BEGIN ([^-]+)-----$/.exec(line);
    const end = /^-----END ([^-]+)-----$/.exec(line);
    if (begin) {
      if (open) throw unterminated(open, certs.length, file);
      open = { label: begin[1]!, line: lineNo, body: [] };
    } else if (end && open) {
      if (end[1] !== open.label) {
        throw new VigilError('VIGIL_ERR_CERT_INVALID', `line ${lineNo}: END ${end[1]} closes BEGIN ${open.label} of line ${open.line}`, {
          file,
          line: lineNo,
        });
      }
      if (open.label === 'CERTIFICATE') {
        const where = `certificate ${certs.length + 1} (line ${open.line})`;
        certs.push(derCertificate(base64Body(open.body, where, file, open.line), where, file, open.line));
      } else {
        otherBlock ??= { label: open.label, line: open.line };
      }
      open = undefined;
    } else if (end) {
      throw new VigilError('VIGIL_ERR_CERT_INVALID', `line ${lineNo}: END ${end[1]} without a BEGIN line`, { file, line: lineNo });
    } else if (open) {
      open.body.push(line);
    }
  }
  if (open) throw unterminated(open, certs.length, file);
  if (certs.length === 0) {
    if (otherBlock) {
      throw new VigilError(
        'VIGIL_ERR_CERT_INVALID',
        `no certificate: the file holds a ${otherBlock.label} block (line ${otherBlock.line}), not a CERTIFICATE block`,
        { file, line: otherBlock.line },
      );
    }
    throw new VigilError(
      'VIGIL_ERR_CERT_INVALID',
      'no certificate: expected PEM (-----BEGIN CERTIFICATE-----) or one DER certificate',
      { file, line: 1 },
    );
  }
  return certs;
}

/** Days from `now` to `isoDate`, fractional, negative when the date has passed. */
export function daysUntil(isoDate: string, now: Date): number {
  const t = Date.parse(isoDate);
  if (Number.isNaN(t)) throw new VigilError('VIGIL_ERR_CERT_INVALID', `not a date: ${JSON.stringify(isoDate)}`);
  return (t - now.getTime()) / 86_400_000;
}

function toCertificate(buf: Buffer): X509Certificate {
  try {
    return new X509Certificate(buf);
  } catch (e) {
    throw new VigilError('VIGIL_ERR_CERT_INVALID', `not a valid X.509 certificate: ${(e as Error).message}`, {}, { cause: e });
  }
}

function unterminated(open: { label: string; line: number }, count: number, file: string): VigilError {
  const what = open.label === 'CERTIFICATE' ? `certificate ${count + 1} (line ${open.line})` : `line ${open.line}`;
  return new VigilError('VIGIL_ERR_CERT_INVALID', `${what}: BEGIN ${open.label} has no END line`, { file, line: open.line });
}

function base64Body(body: string[], where: string, file: string, line: number): Buffer {
  const b64 = body.join('');
  // Buffer.from(…, 'base64') skips junk silently; a corrupt block must fail here, not as odd DER
  if (b64 === '' || b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) {
    throw new VigilError('VIGIL_ERR_CERT_INVALID', `${where}: the block is not valid base64`, { file, line });
  }
  return Buffer.from(b64, 'base64');
}

function derCertificate(der: Buffer, where: string, file: string, line: number | undefined): X509Certificate {
  const pos = line === undefined ? { file } : { file, line };
  try {
    const top = readTlv(der, 0);
    expectTag(top, TAG.SEQUENCE, 'certificate');
    if (top.end !== der.length) throw new Error(`${der.length - top.end} stray bytes after the certificate`);
    const cert = new X509Certificate(der);
    // Node parses lazily in places; reading what certificateFacts reads finds corruption now
    readFromDer(cert.raw);
    return cert;
  } catch (e) {
    throw new VigilError('VIGIL_ERR_CERT_INVALID', `${where}: not a valid X.509 certificate (${(e as Error).message})`, pos, { cause: e });
  }
}

/** Signature algorithm, its hash and the CRL URLs, straight from the DER. */
function readFromDer(der: Buffer): { signatureAlgorithm: string; signatureHash?: string; crlUrls: string[] } {
  const top = expectTag(readTlv(der, 0), TAG.SEQUENCE, 'certificate');
  const [tbsTlv, sigAlg] = readChildren(der, top);
  const tbs = expectTag(tbsTlv, TAG.SEQUENCE, 'tbsCertificate');
  const [oidTlv, params] = readChildren(der, expectTag(sigAlg, TAG.SEQUENCE, 'signatureAlgorithm'));
  const oid = readOid(der, expectTag(oidTlv, TAG.OID, 'signature algorithm OID'));
  const known = SIGNATURE_ALGORITHMS[oid];
  const hash = oid === RSASSA_PSS ? pssHash(der, params) : known?.hash;
  const out: { signatureAlgorithm: string; signatureHash?: string; crlUrls: string[] } = {
    signatureAlgorithm: known?.name ?? oid,
    crlUrls: crlUrlsOf(der, tbs),
  };
  if (hash !== undefined) out.signatureHash = hash;
  return out;
}

/** The hash in RSASSA-PSS-params (RFC 4055): `[0]` hashAlgorithm, SHA-1 when left out. */
function pssHash(der: Buffer, params: Tlv | undefined): string | undefined {
  if (!params || params.tag !== TAG.SEQUENCE) return undefined;
  const hashField = readChildren(der, params).find((t) => t.tag === contextTag(0, true));
  if (!hashField) return 'sha1';
  const [alg] = readChildren(der, hashField);
  if (!alg || alg.tag !== TAG.SEQUENCE) return undefined;
  const [hashOid] = readChildren(der, alg);
  if (!hashOid || hashOid.tag !== TAG.OID) return undefined;
  return HASH_ALGORITHMS[readOid(der, hashOid)];
}

/** URIs in the fullName of each CRL distribution point (RFC 5280 4.2.1.13). */
function crlUrlsOf(der: Buffer, tbs: Tlv): string[] {
  const extsWrapper = readChildren(der, tbs).find((t) => t.tag === contextTag(3, true));
  if (!extsWrapper) return [];
  const exts = expectTag(readChildren(der, extsWrapper)[0], TAG.SEQUENCE, 'extensions');
  const urls: string[] = [];
  for (const ext of readChildren(der, exts)) {
    const parts = readChildren(der, expectTag(ext, TAG.SEQUENCE, 'extension'));
    if (readOid(der, expectTag(parts[0], TAG.OID, 'extension id')) !== CRL_DISTRIBUTION_POINTS) continue;
    const value = expectTag(parts[parts.length - 1], TAG.OCTET_STRING, 'extension value');
    const points = expectTag(readInner(der, value), TAG.SEQUENCE, 'CRL distribution points');
    for (const point of readChildren(der, points)) {
      const dpName = readChildren(der, expectTag(point, TAG.SEQUENCE, 'distribution point')).find((t) => t.tag === contextTag(0, true));
      if (!dpName) continue;
      // DistributionPointName is a CHOICE, so [0] is explicit; fullName [0] holds GeneralNames
      const fullName = readChildren(der, dpName).find((t) => t.tag === contextTag(0, true));
      if (!fullName) continue;
      for (const gn of readChildren(der, fullName)) {
        if (gn.tag === contextTag(6, false)) urls.push(readString(der, gn));
      }
    }
  }
  return urls;
}

function keyFacts(cert: X509Certificate): { type: string; bits: number; curve?: string } {
  let key: KeyObject;
  try {
    key = cert.publicKey;
  } catch {
    // Node cannot load some key types (GOST, SM2, explicit curves); the rest of the facts still stand
    return { type: 'unknown', bits: 0 };
  }
  const type = key.asymmetricKeyType ?? 'unknown';
  const details = key.asymmetricKeyDetails ?? {};
  switch (type) {
    case 'rsa':
    case 'rsa-pss':
      // an RSA-PSS key is an RSA key for every strength rule
      return { type: 'rsa', bits: details.modulusLength ?? 0 };
    case 'dsa':
      return { type, bits: details.modulusLength ?? 0 };
    case 'ec': {
      const curve = details.namedCurve;
      if (curve === undefined) return { type, bits: 0 };
      return { type, bits: CURVE_BITS[curve] ?? Number(/(\d{3})/.exec(curve)?.[1] ?? 0), curve };
    }
    case 'ed25519':
    case 'x25519':
      return { type, bits: 256 };
    case 'ed448':
      return { type, bits: 456 };
    case 'x448':
      return { type, bits: 448 };
    default:
      return { type, bits: details.modulusLength ?? 0 };
  }
}

function verifiesItself(cert: X509Certificate): boolean {
  try {
    return cert.verify(cert.publicKey);
  } catch {
    return false;
  }
}

function isoDate(nodeDate: string, field: string): string {
  // Node 20 gives OpenSSL's `Jan  1 00:00:00 2025 GMT`, which Date.parse reads
  const t = Date.parse(nodeDate);
  if (Number.isNaN(t)) throw new VigilError('VIGIL_ERR_CERT_INVALID', `${field} is not a date: ${JSON.stringify(nodeDate)}`);
  return new Date(t).toISOString();
}

/** Node writes names one attribute a line; a report wants them on one line. */
function displayName(name: string): string {
  return name.split('\n').join(', ');
}

/**
 * Node's `DNS:a, IP Address:1.2.3.4` list. A value with a comma, quote or control character is
 * written as a JSON string (Node escapes it so a name cannot forge another entry).
 */
function parseGeneralNames(list: string): { type: string; value: string }[] {
  const out: { type: string; value: string }[] = [];
  let p = 0;
  while (p < list.length) {
    const colon = list.indexOf(':', p);
    if (colon < 0) break;
    const type = list.slice(p, colon);
    const { value, next } = readValue(list, colon + 1, ', ');
    out.push({ type, value });
    p = next;
  }
  return out;
}

/** Read a plain or JSON-quoted value starting at `p`, up to `sep` or the end. */
function readValue(s: string, p: number, sep: string): { value: string; next: number } {
  if (s[p] === '"') {
    let q = p + 1;
    while (q < s.length && s[q] !== '"') q += s[q] === '\\' ? 2 : 1;
    try {
      const value = JSON.parse(s.slice(p, q + 1)) as string;
      const after = s.indexOf(sep, q + 1);
      return { value, next: after < 0 ? s.length : after + sep.length };
    } catch {
      // not the JSON Node writes; fall back to reading it as plain text
    }
  }
  const after = s.indexOf(sep, p);
  return after < 0 ? { value: s.slice(p), next: s.length } : { value: s.slice(p, after), next: after + sep.length };
}

/**
 * The URIs of one access method in Node's infoAccess text, one access description a line:
 * `OCSP - URI:…` (the OCSP responder) or `CA Issuers - URI:…` (where the issuer can be downloaded).
 */
function accessUrls(infoAccess: string, prefix: 'OCSP - URI:' | 'CA Issuers - URI:'): string[] {
  const urls: string[] = [];
  for (const line of infoAccess.split('\n')) {
    if (line.startsWith(prefix)) urls.push(readValue(line, prefix.length, '\n').value);
  }
  return urls;
}
