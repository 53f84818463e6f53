import { describe, expect, it } from 'vitest';
import { suiteInfo } from '../../../scanners/tls/cipher-suites.js';
import { MOZILLA_PROFILES, checkProfile, loadProfiles } from '../../../scanners/tls/mozilla.js';
import type { CertificateFacts, HostReport, MozillaProfile, TlsVersion } from '../../../scanners/tls/types.js';
import { cert, hostReport, suite, TLS12, TLS13, X25519, type Spec } from './host-reports.js';

const ECDSA_P256: Partial<CertificateFacts> = { keyType: 'ec', keyBits: 256, curve: 'prime256v1', signatureAlgorithm: 'ecdsa-with-SHA256' };

/** The grade tests' modern server, its chain the leaf alone. */
function host(spec: Omit<Spec, 'certificates'> = {}): HostReport {
  return hostReport({ ...spec, certificates: [cert(spec.leaf)] });
}

const OLD_SUITES = [suite('TLSv1', 'ECDHE-RSA-AES128-SHA'), suite('TLSv1.1', 'ECDHE-RSA-AES128-SHA')];

describe('checkProfile', () => {
  it.each<[string, MozillaProfile, HostReport, string[]]>([
    // the modern server of the grade tests
    ['a modern server', 'intermediate', host(), []],
    ['a modern server', 'old', host(), []],
    [
      'a modern server',
      'modern',
      host(),
      [
        'TLSv1.2 accepted; the modern profile allows TLSv1.3',
        'suite ECDHE-RSA-AES128-GCM-SHA256 accepted (TLSv1.2); not in the modern profile',
        'suite ECDHE-RSA-AES256-GCM-SHA384 accepted (TLSv1.2); not in the modern profile',
        'suite ECDHE-RSA-CHACHA20-POLY1305 accepted (TLSv1.2); not in the modern profile',
        'certificate key is RSA 2048-bit; the modern profile allows ECDSA certificates',
        'certificate signed with sha256WithRSAEncryption; the modern profile allows ecdsa-with-SHA256, ecdsa-with-SHA384, ecdsa-with-SHA512',
      ],
    ],
    ['a modern server with HSTS for a year (HSTS is never a violation)', 'intermediate', host({ hsts: 31536000 }), []],
    ['TLS 1.3 only with ECDSA P-256', 'modern', host({ suites: TLS13, leaf: ECDSA_P256 }), []],
    ['TLS 1.3 only with ECDSA P-256', 'intermediate', host({ suites: TLS13, leaf: ECDSA_P256 }), []],
    [
      'TLS 1.3 only with ECDSA P-256',
      'old',
      host({ suites: TLS13, leaf: ECDSA_P256 }),
      ['certificate key is ECDSA prime256v1; the old profile allows RSA certificates', 'certificate signed with ecdsa-with-SHA256; the old profile allows sha256WithRSAEncryption'],
    ],
    ['ECDSA on P-521', 'modern', host({ suites: TLS13, leaf: { ...ECDSA_P256, keyBits: 521, curve: 'secp521r1' } }), ['certificate ECDSA key on secp521r1; the modern profile allows prime256v1, secp384r1']],
    ['ECDSA named P-384', 'modern', host({ suites: TLS13, leaf: { ...ECDSA_P256, keyBits: 384, curve: 'P-384', signatureAlgorithm: 'ecdsa-with-SHA384' } }), []],
    ['TLS 1.2 only, ECDSA', 'modern', host({ suites: TLS12, leaf: ECDSA_P256 }), [
      'TLSv1.2 accepted; the modern profile allows TLSv1.3',
      'TLSv1.3 not accepted; the modern profile requires it',
      'suite ECDHE-RSA-AES128-GCM-SHA256 accepted (TLSv1.2); not in the modern profile',
      'suite ECDHE-RSA-AES256-GCM-SHA384 accepted (TLSv1.2); not in the modern profile',
      'suite ECDHE-RSA-CHACHA20-POLY1305 accepted (TLSv1.2); not in the modern profile',
    ]],
    [
      'TLS 1.0 accepted',
      'intermediate',
      host({ add: [suite('TLSv1', 'ECDHE-RSA-AES128-SHA')] }),
      ['TLSv1 accepted; the intermediate profile allows TLSv1.2, TLSv1.3', 'suite ECDHE-RSA-AES128-SHA accepted (TLSv1); not in the intermediate profile'],
    ],
    ['TLS 1.0 accepted', 'old', host({ add: [suite('TLSv1', 'ECDHE-RSA-AES128-SHA')] }), []],
    [
      'only TLS 1.0 and 1.1',
      'intermediate',
      host({ suites: OLD_SUITES }),
      [
        'TLSv1 accepted; the intermediate profile allows TLSv1.2, TLSv1.3',
        'TLSv1.1 accepted; the intermediate profile allows TLSv1.2, TLSv1.3',
        'none of TLSv1.2, TLSv1.3 accepted; the intermediate profile requires one of them',
        'suite ECDHE-RSA-AES128-SHA accepted (TLSv1, TLSv1.1); not in the intermediate profile',
      ],
    ],
    ['3DES accepted', 'intermediate', host({ add: [suite('TLSv1.2', 'DES-CBC3-SHA')] }), ['suite DES-CBC3-SHA accepted (TLSv1.2); not in the intermediate profile']],
    ['3DES accepted', 'old', host({ add: [suite('TLSv1.2', 'DES-CBC3-SHA')] }), []],
    ['an unknown TLS 1.3 suite', 'intermediate', host({ add: [suite('TLSv1.3', 'TLS_AES_128_CCM_SHA256')] }), ['suite TLS_AES_128_CCM_SHA256 accepted (TLSv1.3); not in the intermediate profile']],
    ['an RSA 1024 certificate', 'intermediate', host({ leaf: { keyBits: 1024 } }), ['certificate RSA key of 1024 bits; the intermediate profile requires at least 2048']],
    ['an RSA 1024 certificate', 'old', host({ leaf: { keyBits: 1024 } }), ['certificate RSA key of 1024 bits; the old profile requires at least 2048']],
    ['an Ed25519 certificate', 'intermediate', host({ leaf: { keyType: 'ed25519', keyBits: 256, signatureAlgorithm: '' } }), ['certificate key is ED25519; the intermediate profile allows ECDSA or RSA certificates']],
    ['DH 1024', 'intermediate', host({ add: [suite('TLSv1.2', 'DHE-RSA-AES128-GCM-SHA256', { type: 'DH', size: 1024 })] }), ['DH parameters of 1024 bits; the intermediate profile requires at least 2048']],
    ['DH 1024', 'old', host({ add: [suite('TLSv1.2', 'DHE-RSA-AES128-GCM-SHA256', { type: 'DH', size: 1024 })] }), []],
    ['DH 2048', 'intermediate', host({ add: [suite('TLSv1.2', 'DHE-RSA-AES128-GCM-SHA256', { type: 'DH', size: 2048 })] }), []],
    ['key exchange on X448', 'intermediate', host({ suites: [suite('TLSv1.3', 'TLS_AES_128_GCM_SHA256', { type: 'ECDH', name: 'X448', size: 448 })] }), ['key exchange on X448; the intermediate profile allows X25519, prime256v1, secp384r1']],
    ['key exchange on a curve named P-256', 'intermediate', host({ suites: [suite('TLSv1.3', 'TLS_AES_128_GCM_SHA256', { type: 'ECDH', name: 'P-256', size: 256 })] }), []],
    // trust is the grade's business, not the profile's
    ['an expired certificate', 'intermediate', host({ leaf: { notBefore: '2024-01-01T00:00:00Z', notAfter: '2024-03-01T00:00:00Z' } }), []],
    ['the wrong host', 'intermediate', host({ chain: { hostnameMatches: false } }), []],
    ['an incomplete chain', 'intermediate', host({ chain: { incomplete: true } }), []],
    // the profile is about the configuration; trust and chain completeness are the grade's and the findings' business
    ['an unverifiable chain', 'intermediate', host({ chain: { trusted: false, incomplete: true, unverifiable: true } }), []],
    ['a SHA-1 leaf', 'intermediate', host({ leaf: { signatureAlgorithm: 'sha1WithRSAEncryption', signatureHash: 'sha1' } }), ['certificate signed with sha1WithRSAEncryption; the intermediate profile allows sha256WithRSAEncryption, ecdsa-with-SHA256, ecdsa-with-SHA384, ecdsa-with-SHA512']],
    ['a NULL suite', 'intermediate', host({ add: [suite('TLSv1.2', 'NULL-SHA256')] }), ['suite NULL-SHA256 accepted (TLSv1.2); not in the intermediate profile']],
    ['a NULL suite', 'old', host({ add: [suite('TLSv1.2', 'NULL-SHA256')] }), ['suite NULL-SHA256 accepted (TLSv1.2); not in the old profile']],
    [
      'no forward secrecy',
      'intermediate',
      host({ suites: ['AES128-GCM-SHA256', 'AES256-GCM-SHA384'].map((n) => suite('TLSv1.2', n)) }),
      ['suite AES128-GCM-SHA256 accepted (TLSv1.2); not in the intermediate profile', 'suite AES256-GCM-SHA384 accepted (TLSv1.2); not in the intermediate profile'],
    ],
    ['no forward secrecy', 'old', host({ suites: ['AES128-GCM-SHA256', 'AES256-GCM-SHA384'].map((n) => suite('TLSv1.2', n)) }), []],
    [
      'no AEAD suite',
      'intermediate',
      host({ suites: ['ECDHE-RSA-AES128-SHA256', 'ECDHE-RSA-AES256-SHA384'].map((n) => suite('TLSv1.2', n)) }),
      ['suite ECDHE-RSA-AES128-SHA256 accepted (TLSv1.2); not in the intermediate profile', 'suite ECDHE-RSA-AES256-SHA384 accepted (TLSv1.2); not in the intermediate profile'],
    ],
    ['no AEAD suite', 'old', host({ suites: ['ECDHE-RSA-AES128-SHA256', 'ECDHE-RSA-AES256-SHA384'].map((n) => suite('TLSv1.2', n)) }), []],
    ['a 366-day certificate', 'intermediate', host({ leaf: { notBefore: '2025-01-01T00:00:00Z', notAfter: '2026-01-02T00:00:00Z' } }), []],
    ['a 398-day certificate', 'intermediate', host({ leaf: { notBefore: '2025-01-01T00:00:00Z', notAfter: '2026-02-03T00:00:00Z' } }), ['certificate valid for 398 days; the intermediate profile allows at most 366']],
    ['a 398-day certificate', 'old', host({ leaf: { notBefore: '2025-01-01T00:00:00Z', notAfter: '2026-02-03T00:00:00Z' } }), ['certificate valid for 398 days; the old profile allows at most 366']],
    ['a 365-day ECDSA certificate', 'modern', host({ suites: TLS13, leaf: { ...ECDSA_P256, notBefore: '2025-01-01T00:00:00Z', notAfter: '2026-01-01T00:00:00Z' } }), ['certificate valid for 365 days; the modern profile allows at most 90']],
  ])('%s, %s profile', (_name, profile, report, violations) => {
    const r = checkProfile(report, profile);
    expect(r.profile).toBe(profile);
    expect(r.violations).toEqual(violations);
    expect(r.compliant).toBe(violations.length === 0);
  });
});

describe('loadProfiles', () => {
  it('reads Mozilla guidelines 5.7 once', () => {
    const g = loadProfiles();
    expect(g.version).toBe('5.7');
    expect(loadProfiles()).toBe(g);
    expect(Object.keys(g.profiles).sort()).toEqual([...MOZILLA_PROFILES].sort());
  });

  it.each<[MozillaProfile, TlsVersion[], number | null, number, string[], number]>([
    ['modern', ['TLSv1.3'], null, 90, ['ecdsa'], 0],
    ['intermediate', ['TLSv1.2', 'TLSv1.3'], 2048, 366, ['ecdsa', 'rsa'], 9],
    ['old', ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'], 1024, 366, ['rsa'], 26],
  ])('%s: protocols %j, DH ≥ %s, lifespan ≤ %i days, %j keys, %i legacy suites', (name, protocols, dh, days, types, suites) => {
    const p = loadProfiles().profiles[name];
    expect(p.protocols).toEqual(protocols);
    expect(p.dhMinBits).toBe(dh);
    expect(p.maxCertificateLifespanDays).toBe(days);
    expect(p.certificateTypes).toEqual(types);
    expect(p.ciphers).toHaveLength(suites);
    expect(p.ciphersuites).toEqual(['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']);
    expect(p.hstsMinAge).toBe(63072000);
  });

  it('keeps Mozilla order: intermediate opens with ECDHE-ECDSA AES-128-GCM and ends with DHE ChaCha20 (added in 5.7)', () => {
    const c = loadProfiles().profiles.intermediate.ciphers;
    expect(c[0]).toBe('ECDHE-ECDSA-AES128-GCM-SHA256');
    expect(c[c.length - 1]).toBe('DHE-RSA-CHACHA20-POLY1305');
  });

  it('names only suites the cipher table knows, and intermediate ones are all AEAD with forward secrecy', () => {
    for (const name of MOZILLA_PROFILES) {
      for (const s of loadProfiles().profiles[name].ciphers) expect(suiteInfo(s).iana, s).toMatch(/^TLS_/);
    }
    for (const s of loadProfiles().profiles.intermediate.ciphers) expect(suiteInfo(s), s).toMatchObject({ aead: true, forwardSecrecy: true });
  });
});
