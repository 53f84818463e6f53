import { describe, expect, it } from 'vitest';
import { suiteInfo } from '../../../scanners/tls/cipher-suites.js';
import { gradeHost } from '../../../scanners/tls/grade.js';
import { checkProfile } from '../../../scanners/tls/mozilla.js';
import { findingsOf } from '../../../scanners/tls/tls-scanner.js';
import type { AcceptedSuite, CertificateFacts, HostReport } from '../../../scanners/tls/types.js';

// What no server on this machine can show (Debian's OpenSSL 3 has no 3DES, RC4 or export suites,
// and no TLS 1.2/1.3 signature scheme covers a P-224 key): the findings from hand-built reports.

const NOW = new Date('2026-11-25T12:00:00Z');
const day = (n: number) => new Date(NOW.getTime() + n * 86_400_000).toISOString();

function cert(over: Partial<CertificateFacts> = {}): CertificateFacts {
  return {
    subject: 'CN=shop.example',
    issuer: 'CN=Example CA',
    altNames: ['shop.example'],
    serialNumber: '01',
    notBefore: day(-10),
    notAfter: day(80),
    fingerprint256: 'AA:BB',
    keyType: 'rsa',
    keyBits: 2048,
    signatureAlgorithm: 'sha256WithRSAEncryption',
    signatureHash: 'sha256',
    selfIssued: false,
    isCA: false,
    ocspUrls: ['http://ocsp.example'],
    crlUrls: [],
    caIssuerUrls: [],
    ...over,
  };
}

const suite = (name: string, protocol: AcceptedSuite['protocol'] = 'TLSv1.2', ephemeral?: AcceptedSuite['ephemeral']): AcceptedSuite => ({ protocol, suite: suiteInfo(name), ...(ephemeral ? { ephemeral } : {}) });
const GOOD_SUITES = [suite('TLS_AES_128_GCM_SHA256', 'TLSv1.3', { type: 'ECDH', name: 'X25519', size: 253 }), suite('ECDHE-RSA-AES128-GCM-SHA256', 'TLSv1.2', { type: 'ECDH', name: 'X25519', size: 253 })];

function report(over: Partial<HostReport> = {}, leaf: Partial<CertificateFacts> = {}): HostReport {
  return {
    host: 'shop.example',
    port: 443,
    servername: 'shop.example',
    protocols: { TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': true },
    suites: GOOD_SUITES,
    serverOrder: { 'TLSv1.2': true },
    chain: { certificates: [cert(leaf), cert({ subject: 'CN=Example CA', isCA: true, fingerprint256: 'CC:DD' })], trusted: true, hostnameMatches: true, incomplete: false, completedWith: [], unverifiable: false },
    http: { status: 200, hsts: 'max-age=63072000; includeSubDomains', hstsMaxAge: 63072000, hstsIncludeSubDomains: true },
    notes: [],
    elapsedMs: 1,
    ...over,
  };
}

function rules(r: HostReport): [string, string][] {
  return findingsOf(r, gradeHost(r, { now: NOW }), checkProfile(r, 'intermediate'), {}, NOW)
    .filter((f) => !['tls-grade', 'tls-mozilla-profile'].includes(f.ruleId))
    .map((f) => [f.ruleId, f.severity]);
}

describe('tls findings from a host report', () => {
  it('a clean report has none', () => {
    expect(findingsOf(report(), gradeHost(report(), { now: NOW }), checkProfile(report(), 'intermediate'), {}, NOW)).toEqual([]);
  });

  it.each([
    ['3DES', report({ suites: [...GOOD_SUITES, suite('DES-CBC3-SHA')] }), [['tls-cipher-3des', 'medium'], ['tls-cipher-no-forward-secrecy', 'medium']]],
    ['RC4', report({ suites: [...GOOD_SUITES, suite('ECDHE-RSA-RC4-SHA', 'TLSv1.2', { type: 'ECDH', name: 'X25519', size: 253 })] }), [['tls-cipher-rc4', 'high']]],
    ['export', report({ suites: [...GOOD_SUITES, suite('EXP-RC4-MD5')] }), [['tls-cipher-export', 'critical'], ['tls-cipher-rc4', 'high'], ['tls-cipher-no-forward-secrecy', 'medium']]],
    ['ECDHE on a 224-bit curve', report({ suites: [suite('ECDHE-RSA-AES128-GCM-SHA256', 'TLSv1.2', { type: 'ECDH', name: 'secp224r1', size: 224 })] }), [['tls-ecdh-weak-curve', 'medium']]],
    ['an EC P-224 key', report({}, { keyType: 'ec', keyBits: 224, curve: 'secp224r1' }), [['tls-cert-weak-key', 'high']]],
    ['an RSA 768 key', report({}, { keyBits: 768 }), [['tls-cert-weak-key', 'critical']]],
    ['an MD5 signature', report({}, { signatureAlgorithm: 'md5WithRSAEncryption', signatureHash: 'md5' }), [['tls-cert-weak-signature', 'critical']]],
    ['DHE on 512 bits', report({ suites: [...GOOD_SUITES, suite('DHE-RSA-AES128-GCM-SHA256', 'TLSv1.2', { type: 'DH', size: 512 })] }), [['tls-dh-weak', 'high']]],
    ['expiring in 10 days', report({}, { notAfter: day(10) }), [['tls-cert-expiring', 'high']]],
    ['expiring in 50 days', report({}, { notAfter: day(50) }), [['tls-cert-expiring', 'medium']]],
  ] as const)('%s', (_name, r, expected) => {
    expect(rules(r).sort()).toEqual([...expected].map((e) => [...e]).sort());
  });

  // the chain as the prober leaves it: trust judged with the local intermediates, the AIA URL never fetched
  const leafAlone = (chain: Partial<HostReport['chain']>, leaf: Partial<CertificateFacts> = {}) =>
    report({ chain: { certificates: [cert(leaf)], trusted: true, hostnameMatches: true, incomplete: false, completedWith: [], unverifiable: false, ...chain } });
  it.each([
    ['sent complete, unknown root', report({ chain: { ...report().chain, trusted: false, trustError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' } }), [['tls-cert-untrusted', 'high']], 'T'],
    ['leaf alone, completed locally, trusted', leafAlone({ incomplete: true, completedWith: ['CN=Example CA'] }), [['tls-cert-incomplete-chain', 'medium']], 'B'],
    ['leaf alone, completed locally, unknown root', leafAlone({ trusted: false, trustError: 'UNABLE_TO_GET_ISSUER_CERT', incomplete: true, completedWith: ['CN=Example CA'] }), [['tls-cert-incomplete-chain', 'medium'], ['tls-cert-untrusted', 'high']], 'T'],
    ['leaf alone, issuer nowhere local', leafAlone({ trusted: false, trustError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', incomplete: true, unverifiable: true }), [['tls-cert-chain-unverifiable', 'medium'], ['tls-cert-incomplete-chain', 'medium']], 'B'],
  ] as const)('chain: %s', (_name, r, expected, grade) => {
    expect(rules(r).sort()).toEqual([...expected].map((e) => [...e]).sort());
    expect(gradeHost(r, { now: NOW }).grade).toBe(grade);
  });

  it('the unverifiable finding names the AIA caIssuers URL, or says there is none', () => {
    const find = (r: HostReport) => findingsOf(r, gradeHost(r, { now: NOW }), checkProfile(r, 'intermediate'), {}, NOW).find((f) => f.ruleId === 'tls-cert-chain-unverifiable')!;
    const chain = { trusted: false, incomplete: true, unverifiable: true };
    const withAia = find(leafAlone(chain, { caIssuerUrls: ['http://ca.example/r1.crt'] }));
    expect(withAia.evidence).toBe('issuer "CN=Example CA" of "CN=shop.example" is neither sent by the server nor among the local certificates (ca, intermediates, the system store, NODE_EXTRA_CA_CERTS); the certificate names its issuer\'s download location (AIA caIssuers) http://ca.example/r1.crt, which vigil does not fetch');
    expect(withAia).toMatchObject({ title: 'Chain cannot be completed without fetching the issuer (AIA)', cwe: ['CWE-295'], location: { kind: 'host', host: 'shop.example', port: 443 } });
    expect(find(leafAlone(chain)).evidence).toMatch(/; the certificate names no AIA caIssuers location either$/);
  });

  it('a certificate finding is keyed by the certificate: a renewed one is a new finding, the old one fixed', () => {
    const a = findingsOf(report({}, { notAfter: day(10) }), gradeHost(report(), { now: NOW }), checkProfile(report(), 'intermediate'), {}, NOW);
    const b = findingsOf(report({}, { notAfter: day(10), fingerprint256: 'EE:FF' }), gradeHost(report(), { now: NOW }), checkProfile(report(), 'intermediate'), {}, NOW);
    expect(a[0]!.fingerprint).not.toBe(b[0]!.fingerprint);
    // the same certificate a day later is the same finding
    const c = findingsOf(report({}, { notAfter: day(10) }), gradeHost(report(), { now: NOW }), checkProfile(report(), 'intermediate'), {}, new Date(NOW.getTime() + 86_400_000));
    expect(c[0]!.fingerprint).toBe(a[0]!.fingerprint);
  });
});
