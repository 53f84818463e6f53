import { describe, expect, it } from 'vitest';
import { ecRsaEquivalent, gradeHost } from '../../../scanners/tls/grade.js';
import type { Grade, HostReport } from '../../../scanners/tls/types.js';
import { cert, hostReport as host, INTERMEDIATE, ROOT, suite, TLS12, TLS13, X25519 } from './host-reports.js';

const NOW = new Date('2025-02-01T00:00:00Z');
const dhe = (bits: number) => suite('TLSv1.2', 'DHE-RSA-AES128-GCM-SHA256', { type: 'DH', size: bits });

describe('gradeHost', () => {
  it.each<[string, Grade, Grade, string | undefined, HostReport]>([
    ['a modern server', 'A', 'A', 'A+ needs HSTS with max-age ≥ 15552000 (6 months); no Strict-Transport-Security header', host()],
    ['a modern server with HSTS for a year', 'A+', 'A+', undefined, host({ hsts: 31536000 })],
    ['HSTS for exactly six months', 'A+', 'A+', undefined, host({ hsts: 15552000 })],
    ['HSTS too short', 'A', 'A', 'A+ needs HSTS with max-age ≥ 15552000 (6 months); max-age is 86400', host({ hsts: 86400 })],
    ['HSTS in the raw header only', 'A+', 'A+', undefined, host({ http: { status: 200, hsts: 'max-age=63072000; includeSubDomains' } })],
    ['no HTTP on the port', 'A', 'A', 'A+ needs HSTS with max-age ≥ 15552000 (6 months); no HTTP response was seen', { ...host(), http: undefined }],
    ['an EC P-256 certificate', 'A', 'A', undefined, host({ leaf: { keyType: 'ec', keyBits: 256, curve: 'prime256v1', signatureAlgorithm: 'ecdsa-with-SHA256' } })],
    ['an Ed25519 certificate', 'A', 'A', undefined, host({ leaf: { keyType: 'ed25519', keyBits: 256, signatureAlgorithm: 'ED25519', signatureHash: undefined } })],
    ['TLS 1.0 accepted', 'B', 'B', 'TLS 1.0 accepted: capped at B', host({ add: [suite('TLSv1', 'ECDHE-RSA-AES128-SHA')] })],
    ['TLS 1.0 and 1.1 accepted', 'B', 'B', 'TLS 1.0 and TLS 1.1 accepted: capped at B', host({ add: [suite('TLSv1', 'ECDHE-RSA-AES128-SHA'), suite('TLSv1.1', 'ECDHE-RSA-AES128-SHA')] })],
    ['only TLS 1.0 and 1.1', 'C', 'C', 'neither TLS 1.2 nor TLS 1.3 accepted: capped at C', host({ suites: [suite('TLSv1', 'ECDHE-RSA-AES128-SHA'), suite('TLSv1.1', 'ECDHE-RSA-AES256-SHA')] })],
    ['3DES accepted', 'C', 'C', '3DES accepted (DES-CBC3-SHA): capped at C', host({ add: [suite('TLSv1.2', 'DES-CBC3-SHA')] })],
    ['RC4 with TLS 1.2', 'C', 'C', 'RC4 accepted with TLS 1.1 or newer (RC4-SHA): capped at C', host({ add: [suite('TLSv1.2', 'RC4-SHA')] })],
    ['RC4 on TLS 1.0 beside TLS 1.2 without it', 'C', 'C', 'RC4 accepted (RC4-SHA): capped at C', host({ add: [suite('TLSv1', 'RC4-SHA')] })],
    ['RC4 and nothing newer than TLS 1.0', 'F', 'F', 'RC4 accepted and nothing newer than TLS 1.0 (RC4-SHA): F', host({ suites: [suite('TLSv1', 'ECDHE-RSA-AES128-SHA'), suite('TLSv1', 'RC4-SHA')] })],
    ['an RSA 1024 certificate', 'B', 'B', 'certificate RSA key of 1024 bits (under 2048): capped at B', host({ leaf: { keyBits: 1024 } })],
    ['an RSA 512 certificate', 'F', 'F', 'certificate RSA key of 512 bits (under 1024): F', host({ leaf: { keyBits: 512 } })],
    ['an EC P-224 certificate', 'B', 'B', 'certificate EC key of 224 bits (under 256): capped at B', host({ leaf: { keyType: 'ec', keyBits: 224, curve: 'secp224r1' } })],
    ['DH 1024', 'B', 'B', 'DH parameters of 1024 bits (under 2048): capped at B', host({ add: [dhe(1024)] })],
    ['DH 2048', 'A', 'A', undefined, host({ add: [dhe(2048)] })],
    ['DH 512', 'F', 'F', 'DH parameters of 512 bits (under 1024): F', host({ add: [dhe(512)] })],
    ['a NULL suite', 'F', 'F', 'NULL cipher accepted, traffic unencrypted (NULL-SHA256): F', host({ add: [suite('TLSv1.2', 'NULL-SHA256')] })],
    ['an anonymous suite', 'F', 'F', 'anonymous suite accepted, no server authentication (AECDH-AES128-SHA): F', host({ add: [suite('TLSv1.2', 'AECDH-AES128-SHA')] })],
    ['an export suite', 'F', 'F', 'export suite accepted (EXP-RC4-MD5): F', host({ add: [suite('TLSv1', 'EXP-RC4-MD5')] })],
    ['no forward secrecy', 'B', 'B', 'no accepted suite has forward secrecy: capped at B', host({ suites: ['AES128-GCM-SHA256', 'AES256-GCM-SHA384'].map((n) => suite('TLSv1.2', n)) })],
    ['forward secrecy in some TLS 1.2 suites only', 'A-', 'A-', 'forward secrecy missing from TLS 1.2+ suites: AES128-GCM-SHA256: capped at A-', host({ add: [suite('TLSv1.2', 'AES128-GCM-SHA256')], hsts: 31536000 })],
    ['no AEAD suite', 'B', 'B', 'no AEAD suite (GCM, CCM, ChaCha20-Poly1305) accepted: capped at B', host({ suites: ['ECDHE-RSA-AES128-SHA256', 'ECDHE-RSA-AES256-SHA384'].map((n) => suite('TLSv1.2', n)) })],
    ['an incomplete chain', 'B', 'B', 'incomplete chain: the server does not send an intermediate certificate: capped at B', host({ chain: { incomplete: true } })],
    ['an incomplete chain completed from local intermediates, trusted', 'B', 'B', 'incomplete chain: the server does not send an intermediate certificate: capped at B', host({ certificates: [cert()], chain: { incomplete: true, completedWith: ['CN=Example CA R1'] } })],
    // SSL Labs would fetch the issuer (AIA) and cap at B; vigil never fetches, does not judge trust, and caps the same
    ['a leaf sent alone whose issuer is nowhere local', 'B', 'B', 'chain cannot be completed without fetching the issuer (AIA), so trust was not judged: capped at B', host({ certificates: [cert()], chain: { trusted: false, trustError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', incomplete: true, unverifiable: true } })],
    ['an unverifiable chain with an expired leaf is still T', 'T', 'B', 'the leaf certificate expired on 2025-01-15T00:00:00Z: T', host({ certificates: [cert({ notAfter: '2025-01-15T00:00:00Z' })], chain: { trusted: false, incomplete: true, unverifiable: true } })],
    ['a chain completed locally up to an unknown root', 'T', 'B', 'chain not trusted (UNABLE_TO_GET_ISSUER_CERT): T', host({ certificates: [cert()], chain: { trusted: false, trustError: 'UNABLE_TO_GET_ISSUER_CERT', incomplete: true, completedWith: ['CN=Example CA R1'] } })],
    ['an MD5-signed leaf', 'F', 'F', 'MD5 signature on the leaf certificate: F', host({ leaf: { signatureAlgorithm: 'md5WithRSAEncryption', signatureHash: 'md5' } })],
    ['an expired leaf', 'T', 'A', 'the leaf certificate expired on 2025-01-15T00:00:00Z: T', host({ leaf: { notAfter: '2025-01-15T00:00:00Z' } })],
    ['a leaf not yet valid', 'T', 'A', 'the leaf certificate not valid before 2025-03-01T00:00:00Z: T', host({ leaf: { notBefore: '2025-03-01T00:00:00Z' } })],
    ['an expired intermediate', 'T', 'A', 'intermediate CN=Example CA R1 expired on 2024-12-31T00:00:00Z: T', host({ certificates: [cert(), { ...INTERMEDIATE, notAfter: '2024-12-31T00:00:00Z' }] })],
    ['an expired root sent along (clients ignore it)', 'A', 'A', undefined, host({ certificates: [cert(), INTERMEDIATE, { ...ROOT, notAfter: '2024-01-01T00:00:00Z' }] })],
    ['a self-signed leaf', 'T', 'A', 'the leaf certificate is self-signed: T', host({ certificates: [cert({ selfIssued: true, issuer: 'CN=www.example.com' })], chain: { trusted: false, trustError: 'DEPTH_ZERO_SELF_SIGNED_CERT' } })],
    ['an untrusted chain', 'T', 'A', 'chain not trusted (UNABLE_TO_GET_ISSUER_CERT_LOCALLY): T', host({ chain: { trusted: false, trustError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' } })],
    ['a SHA-1 leaf', 'T', 'A', 'SHA-1 signature on the leaf certificate (browsers distrust it): T', host({ leaf: { signatureAlgorithm: 'sha1WithRSAEncryption', signatureHash: 'sha1' } })],
    ['a SHA-1 intermediate, named only by its algorithm', 'T', 'A', 'SHA-1 signature on intermediate CN=Example CA R1 (browsers distrust it): T', host({ certificates: [cert(), { ...INTERMEDIATE, signatureAlgorithm: 'sha1WithRSAEncryption', signatureHash: undefined }] })],
    ['a SHA-1 self-signed root sent along', 'A', 'A', undefined, host({ certificates: [cert(), INTERMEDIATE, { ...ROOT, signatureAlgorithm: 'sha1WithRSAEncryption', signatureHash: 'sha1' }] })],
    ['the wrong host', 'M', 'A', "certificate does not name www.example.com (Host: www.example.com. is not in the cert's altnames: DNS:other.example): M", host({ chain: { hostnameMatches: false, hostnameError: "Host: www.example.com. is not in the cert's altnames: DNS:other.example" } })],
    ['an expired certificate for the wrong host, with HSTS', 'T', 'A+', 'certificate does not name www.example.com: M', host({ leaf: { notAfter: '2025-01-15T00:00:00Z' }, chain: { hostnameMatches: false }, hsts: 31536000 })],
    ['TLS 1.0 and an untrusted chain', 'T', 'B', 'chain not trusted: T', host({ add: [suite('TLSv1', 'ECDHE-RSA-AES128-SHA')], chain: { trusted: false } })],
  ])('%s → %s (%s ignoring trust)', (_name, grade, ignoringTrust, reason, report) => {
    const r = gradeHost(report, { now: NOW });
    expect(r.grade).toBe(grade);
    expect(r.gradeIgnoringTrust).toBe(ignoringTrust);
    if (reason) expect(r.reasons).toContain(reason);
  });

  it('an unverifiable chain is not called untrusted', () => {
    const r = gradeHost(host({ certificates: [cert()], chain: { trusted: false, trustError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', incomplete: true, unverifiable: true } }), { now: NOW });
    expect(r.reasons.filter((x) => x.endsWith(': T'))).toEqual([]);
  });

  it('lists both T and M causes, T first', () => {
    const r = gradeHost(host({ leaf: { notAfter: '2025-01-15T00:00:00Z' }, chain: { hostnameMatches: false } }), { now: NOW });
    const t = r.reasons.findIndex((x) => x.endsWith(': T'));
    const m = r.reasons.findIndex((x) => x.endsWith(': M'));
    expect(t).toBeGreaterThanOrEqual(0);
    expect(m).toBeGreaterThan(t);
  });

  it('a clean A+ has no reasons', () => {
    expect(gradeHost(host({ hsts: 31536000 }), { now: NOW }).reasons).toEqual([]);
  });

  it('judges expiry against opts.now', () => {
    const report = host({ hsts: 31536000 });
    expect(gradeHost(report, { now: new Date('2025-03-30T00:00:00Z') }).grade).toBe('A+');
    expect(gradeHost(report, { now: new Date('2025-04-01T00:00:00Z') }).grade).toBe('T');
  });

  it.each<[string, HostReport, { protocol: number; keyExchange: number; cipherStrength: number; total: number }]>([
    // RSA 2048 and X25519 (3072) → 90; AES-128 80 and 256-bit 100 → 90
    ['a modern server', host(), { protocol: 100, keyExchange: 90, cipherStrength: 90, total: 93 }],
    // TLS 1.0 90 and TLS 1.2 100 → 95
    ['TLS 1.0 beside TLS 1.2', host({ add: [suite('TLSv1', 'ECDHE-RSA-AES128-SHA')] }), { protocol: 95, keyExchange: 90, cipherStrength: 90, total: 91.5 }],
    ['an RSA 4096 certificate and P-384 key exchange', host({ leaf: { keyBits: 4096 }, suites: [suite('TLSv1.3', 'TLS_AES_256_GCM_SHA384', { type: 'ECDH', name: 'secp384r1', size: 384 })] }), { protocol: 100, keyExchange: 100, cipherStrength: 100, total: 100 }],
    ['DH 1024 is the weakest key', host({ add: [dhe(1024)] }), { protocol: 100, keyExchange: 80, cipherStrength: 90, total: 90 }],
    ['an RSA 512 certificate', host({ leaf: { keyBits: 512 } }), { protocol: 100, keyExchange: 40, cipherStrength: 90, total: 78 }],
    // 3DES rates as 112 bits → 20; AES-128 → 80
    ['3DES beside AES-128', host({ suites: [suite('TLSv1.2', 'ECDHE-RSA-AES128-GCM-SHA256'), suite('TLSv1.2', 'DES-CBC3-SHA')] }), { protocol: 100, keyExchange: 90, cipherStrength: 50, total: 77 }],
    ['a NULL suite beside AES-256', host({ suites: [suite('TLSv1.2', 'ECDHE-RSA-AES256-GCM-SHA384'), suite('TLSv1.2', 'NULL-SHA256')] }), { protocol: 100, keyExchange: 90, cipherStrength: 50, total: 77 }],
    ['an anonymous suite scores key exchange 0', host({ add: [suite('TLSv1.2', 'AECDH-AES128-SHA')] }), { protocol: 100, keyExchange: 0, cipherStrength: 90, total: 66 }],
    ['an export suite caps key exchange at 40', host({ add: [suite('TLSv1', 'EXP-RC4-MD5')] }), { protocol: 95, keyExchange: 40, cipherStrength: 60, total: 64.5 }],
  ])('scores %s', (_name, report, scores) => {
    expect(gradeHost(report, { now: NOW }).scores).toEqual(scores);
  });

  it('gives the letter of a low score and says so', () => {
    // TLS 1.0 only (90), RSA 2048 (90), 3DES only (20): 27 + 27 + 8 = 62 → C
    const r = gradeHost(host({ suites: [suite('TLSv1', 'DES-CBC3-SHA')] }), { now: NOW });
    expect(r.scores.total).toBe(62);
    expect(r.grade).toBe('C');
    expect(r.reasons[0]).toBe('score 62 (protocol 90, key exchange 90, cipher strength 20): C');
  });

  it('grades F when no protocol was accepted', () => {
    const r = gradeHost(host({ suites: [] }), { now: NOW });
    expect(r.grade).toBe('F');
    expect(r.reasons).toContain('no TLS protocol version accepted: F');
  });
});

describe('ecRsaEquivalent', () => {
  it.each<[number, string | undefined, number]>([
    [256, 'prime256v1', 3072],
    [256, 'P-256', 3072],
    [253, 'X25519', 3072],
    [253, undefined, 3072],
    [448, 'X448', 7680],
    [384, 'secp384r1', 7680],
    [384, undefined, 7680],
    [224, undefined, 2048],
    [521, 'secp521r1', 15360],
    [521, undefined, 15360],
    [192, undefined, 1024],
    [112, undefined, 512],
  ])('%i bits, %s → RSA %i', (bits, curve, rsa) => {
    expect(ecRsaEquivalent(bits, curve)).toBe(rsa);
  });
});
