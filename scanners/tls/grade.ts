/**
 * The SSL Labs-style grade of one host, after Qualys' SSL Server Rating Guide (2009) and its later
 * changes (2014–2020): three scores weighted into a letter, then caps and overrides, each with a
 * line in `reasons` saying why.
 */
import type { CertificateFacts, Grade, GradeResult, HostReport, TlsVersion } from './types.js';
import { TLS_VERSION_LABEL, TLS_VERSIONS } from './types.js';

/** Best first; T and M are overrides, not places in this order. */
const ORDER: readonly Grade[] = ['A+', 'A', 'A-', 'B', 'C', 'D', 'E', 'F'];

const PROTOCOL_SCORE: Record<TlsVersion, number> = { TLSv1: 90, 'TLSv1.1': 95, 'TLSv1.2': 100, 'TLSv1.3': 100 };

/** Six months: the shortest HSTS max-age SSL Labs rewards with A+. */
export const HSTS_A_PLUS_MIN_AGE = 15552000;

/** RSA-equivalent strength of named curves (NIST SP 800-57 part 1, table 2). */
const CURVE_RSA_BITS: Record<string, number> = {
  x25519: 3072,
  x448: 7680,
  prime256v1: 3072,
  secp256r1: 3072,
  'p-256': 3072,
  secp384r1: 7680,
  'p-384': 7680,
  secp521r1: 15360,
  'p-521': 15360,
  secp224r1: 2048,
  'p-224': 2048,
};

/** RSA-equivalent bits of an elliptic-curve key, by curve name when known, else by its size. */
export function ecRsaEquivalent(bits: number, curve?: string): number {
  const named = curve ? CURVE_RSA_BITS[curve.toLowerCase()] : undefined;
  if (named !== undefined) return named;
  if (bits >= 512) return 15360;
  if (bits >= 384) return 7680;
  // X25519 reports 253 bits; it is rated with the 256-bit curves
  if (bits >= 250) return 3072;
  if (bits >= 224) return 2048;
  if (bits >= 160) return 1024;
  return 512;
}

/** RSA-equivalent bits of a certificate's public key. */
function certificateStrength(c: CertificateFacts): number {
  switch (c.keyType.toLowerCase()) {
    case 'ec':
      return ecRsaEquivalent(c.keyBits, c.curve);
    case 'ed25519':
      return 3072;
    case 'ed448':
      return 7680;
    default:
      return c.keyBits;
  }
}

function keyStrengthScore(bits: number): number {
  if (bits < 512) return 20;
  if (bits < 1024) return 40;
  if (bits < 2048) return 80;
  if (bits < 4096) return 90;
  return 100;
}

function cipherStrengthScore(bits: number): number {
  if (bits <= 0) return 0;
  if (bits < 128) return 20;
  if (bits < 256) return 80;
  return 100;
}

function letter(total: number): Grade {
  if (total >= 80) return 'A';
  if (total >= 65) return 'B';
  if (total >= 50) return 'C';
  if (total >= 35) return 'D';
  if (total >= 20) return 'E';
  return 'F';
}

/** The hash of a certificate's signature, lower case, from `signatureHash` or the algorithm name. */
function signatureHash(c: CertificateFacts): string | undefined {
  if (c.signatureHash) return c.signatureHash.toLowerCase();
  const alg = c.signatureAlgorithm.toLowerCase();
  if (alg.includes('md5')) return 'md5';
  if (/sha-?1(?!\d)/.test(alg)) return 'sha1';
  return undefined;
}

/** The max-age HSTS announces, from the parsed value or the raw header. */
function hstsMaxAge(report: HostReport): number | undefined {
  const http = report.http;
  if (!http) return undefined;
  if (http.hstsMaxAge !== undefined) return http.hstsMaxAge;
  const m = http.hsts ? /max-age\s*=\s*"?(\d+)/i.exec(http.hsts) : null;
  return m ? Number(m[1]) : undefined;
}

function list(names: string[], max = 4): string {
  const uniq = [...new Set(names)];
  return uniq.length > max ? `${uniq.slice(0, max).join(', ')}, … (${uniq.length})` : uniq.join(', ');
}

/** The SSL Labs-style grade of a host: scores, caps, the T/M overrides and A+ for long HSTS. */
export function gradeHost(report: HostReport, opts: { now?: Date } = {}): GradeResult {
  const now = opts.now ?? new Date();
  const reasons: string[] = [];
  const accepted = TLS_VERSIONS.filter((v) => report.protocols[v]);
  const suites = report.suites;
  const certs = report.chain.certificates;
  const leaf = certs[0];

  // --- the three scores
  const protocolScores = accepted.map((v) => PROTOCOL_SCORE[v]);
  const protocol = protocolScores.length ? (Math.max(...protocolScores) + Math.min(...protocolScores)) / 2 : 0;

  const strengths: number[] = [];
  if (leaf) strengths.push(certificateStrength(leaf));
  for (const s of suites) {
    if (!s.ephemeral) continue;
    strengths.push(s.ephemeral.type === 'DH' ? s.ephemeral.size : ecRsaEquivalent(s.ephemeral.size, s.ephemeral.name));
  }
  let keyExchange = strengths.length ? keyStrengthScore(Math.min(...strengths)) : 0;
  // the guide rates anonymous key exchange 0 and export key exchange (512-bit) 40, whatever the keys
  if (suites.some((s) => s.suite.anonymous)) keyExchange = 0;
  else if (suites.some((s) => s.suite.export)) keyExchange = Math.min(keyExchange, 40);
  if (!strengths.length && !suites.some((s) => s.suite.anonymous)) reasons.push('no certificate or ephemeral key seen: key exchange scored 0');

  const cipherScores = suites.map((s) => cipherStrengthScore(s.suite.bits));
  const cipherStrength = cipherScores.length ? (Math.max(...cipherScores) + Math.min(...cipherScores)) / 2 : 0;

  // one decimal: 0.3 × 95 is 28.499999… in floating point
  const total = Math.round((0.3 * protocol + 0.3 * keyExchange + 0.4 * cipherStrength) * 10) / 10;
  let grade: Grade = letter(total);
  if (grade !== 'A') reasons.push(`score ${total} (protocol ${protocol}, key exchange ${keyExchange}, cipher strength ${cipherStrength}): ${grade}`);

  const cap = (g: Grade, why: string): void => {
    if (ORDER.indexOf(g) > ORDER.indexOf(grade)) grade = g;
    reasons.push(g === 'F' ? `${why}: F` : `${why}: capped at ${g}`);
  };

  // --- protocols
  if (!accepted.length) cap('F', 'no TLS protocol version accepted');
  const old = accepted.filter((v) => v === 'TLSv1' || v === 'TLSv1.1');
  if (old.length) cap('B', `${old.map((v) => TLS_VERSION_LABEL[v]).join(' and ')} accepted`);
  const modern = accepted.includes('TLSv1.2') || accepted.includes('TLSv1.3');
  if (accepted.length && !modern) cap('C', 'neither TLS 1.2 nor TLS 1.3 accepted');

  // --- suites
  if (suites.length) {
    const fs = suites.filter((s) => s.suite.forwardSecrecy);
    if (!fs.length) cap('B', 'no accepted suite has forward secrecy');
    else {
      const noFs = suites.filter((s) => (s.protocol === 'TLSv1.2' || s.protocol === 'TLSv1.3') && !s.suite.forwardSecrecy);
      if (noFs.length) cap('A-', `forward secrecy missing from TLS 1.2+ suites: ${list(noFs.map((s) => s.suite.name))}`);
    }
    if (!suites.some((s) => s.suite.aead)) cap('B', 'no AEAD suite (GCM, CCM, ChaCha20-Poly1305) accepted');
  }
  const tripleDes = suites.filter((s) => s.suite.enc === '3DES');
  if (tripleDes.length) cap('C', `3DES accepted (${list(tripleDes.map((s) => s.suite.name))})`);
  const rc4 = suites.filter((s) => s.suite.enc === 'RC4');
  if (rc4.length) {
    const names = list(rc4.map((s) => s.suite.name));
    if (rc4.some((s) => s.protocol !== 'TLSv1')) cap('C', `RC4 accepted with TLS 1.1 or newer (${names})`);
    else if (!accepted.some((v) => v !== 'TLSv1')) cap('F', `RC4 accepted and nothing newer than TLS 1.0 (${names})`);
    else cap('C', `RC4 accepted (${names})`);
  }
  const nulls = suites.filter((s) => s.suite.enc === 'NULL');
  if (nulls.length) cap('F', `NULL cipher accepted, traffic unencrypted (${list(nulls.map((s) => s.suite.name))})`);
  const anon = suites.filter((s) => s.suite.anonymous);
  if (anon.length) cap('F', `anonymous suite accepted, no server authentication (${list(anon.map((s) => s.suite.name))})`);
  const exp = suites.filter((s) => s.suite.export);
  if (exp.length) cap('F', `export suite accepted (${list(exp.map((s) => s.suite.name))})`);

  // --- key exchange
  const dh = suites.flatMap((s) => (s.ephemeral?.type === 'DH' ? [s.ephemeral.size] : []));
  if (dh.length) {
    const weakest = Math.min(...dh);
    if (weakest < 1024) cap('F', `DH parameters of ${weakest} bits (under 1024)`);
    else if (weakest < 2048) cap('B', `DH parameters of ${weakest} bits (under 2048)`);
  }
  if (leaf) {
    const type = leaf.keyType.toLowerCase();
    if (type === 'ec') {
      if (leaf.keyBits < 160) cap('F', `certificate EC key of ${leaf.keyBits} bits (under 160, weaker than RSA 1024)`);
      else if (leaf.keyBits < 256) cap('B', `certificate EC key of ${leaf.keyBits} bits (under 256)`);
    } else if (type === 'rsa' || type === 'dsa') {
      if (leaf.keyBits < 1024) cap('F', `certificate ${type.toUpperCase()} key of ${leaf.keyBits} bits (under 1024)`);
      else if (leaf.keyBits < 2048) cap('B', `certificate ${type.toUpperCase()} key of ${leaf.keyBits} bits (under 2048)`);
    }
  }

  // --- certificates: the leaf and intermediates; a sent root's own signature is never checked by clients
  const trustIssues: string[] = [];
  const judged = certs.filter((c, i) => i === 0 || !(c.selfIssued && c.isCA));
  const md5 = judged.filter((c) => signatureHash(c) === 'md5');
  if (md5.length) cap('F', `MD5 signature on ${md5.map((c) => describe(c, certs)).join(', ')}`);
  const sha1 = judged.filter((c) => signatureHash(c) === 'sha1');
  if (sha1.length) trustIssues.push(`SHA-1 signature on ${sha1.map((c) => describe(c, certs)).join(', ')} (browsers distrust it)`);
  for (const c of judged) {
    const notAfter = Date.parse(c.notAfter);
    const notBefore = Date.parse(c.notBefore);
    if (!Number.isNaN(notAfter) && notAfter < now.getTime()) trustIssues.push(`${describe(c, certs)} expired on ${c.notAfter}`);
    if (!Number.isNaN(notBefore) && notBefore > now.getTime()) trustIssues.push(`${describe(c, certs)} not valid before ${c.notBefore}`);
  }
  if (leaf?.selfIssued) trustIssues.push('the leaf certificate is self-signed');
  // SSL Labs completes a chain through AIA and caps it at B; vigil completes it only from what it
  // has locally. When it cannot, trust is not judged: the same cap, not T (README, TLS)
  if (!report.chain.trusted && !report.chain.unverifiable) trustIssues.push(`chain not trusted${report.chain.trustError ? ` (${report.chain.trustError})` : ''}`);
  if (report.chain.incomplete) cap('B', 'incomplete chain: the server does not send an intermediate certificate');
  if (report.chain.unverifiable) cap('B', 'chain cannot be completed without fetching the issuer (AIA), so trust was not judged');

  // --- A+ for a clean A with long HSTS
  if (grade === 'A') {
    const maxAge = hstsMaxAge(report);
    if (maxAge !== undefined && maxAge >= HSTS_A_PLUS_MIN_AGE) grade = 'A+';
    else {
      const seen = !report.http ? 'no HTTP response was seen' : maxAge === undefined ? 'no Strict-Transport-Security header' : `max-age is ${maxAge}`;
      reasons.push(`A+ needs HSTS with max-age ≥ ${HSTS_A_PLUS_MIN_AGE} (6 months); ${seen}`);
    }
  }

  // --- trust and name overrides: SSL Labs shows T before M
  const gradeIgnoringTrust = grade;
  for (const t of trustIssues) reasons.push(`${t}: T`);
  const mismatch = !report.chain.hostnameMatches;
  if (mismatch) reasons.push(`certificate does not name ${report.servername || report.host}${report.chain.hostnameError ? ` (${report.chain.hostnameError})` : ''}: M`);
  if (trustIssues.length) grade = 'T';
  else if (mismatch) grade = 'M';

  return { grade, gradeIgnoringTrust, scores: { protocol, keyExchange, cipherStrength, total }, reasons };
}

function describe(c: CertificateFacts, certs: CertificateFacts[]): string {
  return certs.indexOf(c) === 0 ? 'the leaf certificate' : `intermediate ${c.subject}`;
}
