import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../src/errors.js';
import { LEGACY_CANDIDATES, TLS13_CANDIDATES, offerString, suiteInfo } from '../../../scanners/tls/cipher-suites.js';
import type { SuiteInfo } from '../../../scanners/tls/types.js';

type Facts = Omit<SuiteInfo, 'name' | 'iana'> & { iana?: string | undefined };

/** kx, auth, enc, bits, mac, then the flags: aead, forwardSecrecy, cbc, export, anonymous. */
function f(kx: string, auth: string, enc: string, bits: number, mac: string, flags: string, iana?: string): Facts {
  const has = (k: string) => flags.split(' ').includes(k);
  return { kx, auth, enc, bits, mac, aead: has('aead'), forwardSecrecy: has('fs'), cbc: has('cbc'), export: has('export'), anonymous: has('anon'), iana };
}

describe('suiteInfo', () => {
  it.each<[string, Facts]>([
    ['ECDHE-RSA-AES128-GCM-SHA256', f('ECDHE', 'RSA', 'AESGCM', 128, 'AEAD', 'aead fs', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256')],
    ['ECDHE-ECDSA-AES256-GCM-SHA384', f('ECDHE', 'ECDSA', 'AESGCM', 256, 'AEAD', 'aead fs', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384')],
    ['ECDHE-RSA-CHACHA20-POLY1305', f('ECDHE', 'RSA', 'CHACHA20', 256, 'AEAD', 'aead fs', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256')],
    ['DHE-RSA-CHACHA20-POLY1305', f('DHE', 'RSA', 'CHACHA20', 256, 'AEAD', 'aead fs', 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256')],
    ['DHE-RSA-AES256-GCM-SHA384', f('DHE', 'RSA', 'AESGCM', 256, 'AEAD', 'aead fs', 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384')],
    ['ECDHE-RSA-AES128-SHA', f('ECDHE', 'RSA', 'AES', 128, 'SHA1', 'fs cbc', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA')],
    ['ECDHE-ECDSA-AES256-SHA384', f('ECDHE', 'ECDSA', 'AES', 256, 'SHA384', 'fs cbc', 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384')],
    ['DHE-DSS-AES128-SHA256', f('DHE', 'DSS', 'AES', 128, 'SHA256', 'fs cbc', 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA256')],
    ['AES256-SHA', f('RSA', 'RSA', 'AES', 256, 'SHA1', 'cbc', 'TLS_RSA_WITH_AES_256_CBC_SHA')],
    ['AES128-GCM-SHA256', f('RSA', 'RSA', 'AESGCM', 128, 'AEAD', 'aead', 'TLS_RSA_WITH_AES_128_GCM_SHA256')],
    ['AES128-CCM8', f('RSA', 'RSA', 'AESCCM8', 128, 'AEAD', 'aead', 'TLS_RSA_WITH_AES_128_CCM_8')],
    ['DES-CBC3-SHA', f('RSA', 'RSA', '3DES', 112, 'SHA1', 'cbc', 'TLS_RSA_WITH_3DES_EDE_CBC_SHA')],
    ['ECDHE-RSA-DES-CBC3-SHA', f('ECDHE', 'RSA', '3DES', 112, 'SHA1', 'fs cbc', 'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA')],
    ['EDH-RSA-DES-CBC3-SHA', f('DHE', 'RSA', '3DES', 112, 'SHA1', 'fs cbc', 'TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA')],
    ['DES-CBC-SHA', f('RSA', 'RSA', 'DES', 56, 'SHA1', 'cbc', 'TLS_RSA_WITH_DES_CBC_SHA')],
    ['RC4-SHA', f('RSA', 'RSA', 'RC4', 128, 'SHA1', '', 'TLS_RSA_WITH_RC4_128_SHA')],
    ['RC4-MD5', f('RSA', 'RSA', 'RC4', 128, 'MD5', '', 'TLS_RSA_WITH_RC4_128_MD5')],
    ['ADH-AES128-SHA', f('DHE', 'NULL', 'AES', 128, 'SHA1', 'fs cbc anon', 'TLS_DH_anon_WITH_AES_128_CBC_SHA')],
    ['AECDH-AES128-SHA', f('ECDHE', 'NULL', 'AES', 128, 'SHA1', 'fs cbc anon', 'TLS_ECDH_anon_WITH_AES_128_CBC_SHA')],
    ['AECDH-NULL-SHA', f('ECDHE', 'NULL', 'NULL', 0, 'SHA1', 'fs anon', 'TLS_ECDH_anon_WITH_NULL_SHA')],
    ['NULL-SHA256', f('RSA', 'RSA', 'NULL', 0, 'SHA256', '', 'TLS_RSA_WITH_NULL_SHA256')],
    ['ECDHE-RSA-NULL-SHA', f('ECDHE', 'RSA', 'NULL', 0, 'SHA1', 'fs', 'TLS_ECDHE_RSA_WITH_NULL_SHA')],
    ['EXP-RC4-MD5', f('RSA', 'RSA', 'RC4', 40, 'MD5', 'export', 'TLS_RSA_EXPORT_WITH_RC4_40_MD5')],
    ['EXP-EDH-RSA-DES-CBC-SHA', f('DHE', 'RSA', 'DES', 40, 'SHA1', 'fs cbc export', 'TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA')],
    ['EXP1024-RC4-SHA', f('RSA', 'RSA', 'RC4', 56, 'SHA1', 'export')],
    ['CAMELLIA128-SHA', f('RSA', 'RSA', 'CAMELLIA', 128, 'SHA1', 'cbc', 'TLS_RSA_WITH_CAMELLIA_128_CBC_SHA')],
    ['DHE-RSA-CAMELLIA256-SHA', f('DHE', 'RSA', 'CAMELLIA', 256, 'SHA1', 'fs cbc', 'TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA')],
    ['ARIA256-GCM-SHA384', f('RSA', 'RSA', 'ARIAGCM', 256, 'AEAD', 'aead', 'TLS_RSA_WITH_ARIA_256_GCM_SHA384')],
    // OpenSSL drops RSA from this name: it is still RSA-authenticated
    ['ECDHE-ARIA128-GCM-SHA256', f('ECDHE', 'RSA', 'ARIAGCM', 128, 'AEAD', 'aead fs', 'TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256')],
    ['SEED-SHA', f('RSA', 'RSA', 'SEED', 128, 'SHA1', 'cbc', 'TLS_RSA_WITH_SEED_CBC_SHA')],
    ['IDEA-CBC-SHA', f('RSA', 'RSA', 'IDEA', 128, 'SHA1', 'cbc', 'TLS_RSA_WITH_IDEA_CBC_SHA')],
    ['ECDH-RSA-AES128-SHA', f('ECDH', 'RSA', 'AES', 128, 'SHA1', 'cbc', 'TLS_ECDH_RSA_WITH_AES_128_CBC_SHA')],
    ['PSK-AES128-CBC-SHA', f('PSK', 'PSK', 'AES', 128, 'SHA1', 'cbc', 'TLS_PSK_WITH_AES_128_CBC_SHA')],
    ['PSK-CHACHA20-POLY1305', f('PSK', 'PSK', 'CHACHA20', 256, 'AEAD', 'aead', 'TLS_PSK_WITH_CHACHA20_POLY1305_SHA256')],
    ['ECDHE-PSK-AES256-CBC-SHA384', f('ECDHEPSK', 'PSK', 'AES', 256, 'SHA384', 'fs cbc', 'TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384')],
    ['RSA-PSK-AES128-GCM-SHA256', f('RSAPSK', 'RSA', 'AESGCM', 128, 'AEAD', 'aead', 'TLS_RSA_PSK_WITH_AES_128_GCM_SHA256')],
    ['SRP-RSA-AES-256-CBC-SHA', f('SRP', 'RSA', 'AES', 256, 'SHA1', 'cbc', 'TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA')],
    ['TLS_AES_128_GCM_SHA256', f('ANY', 'ANY', 'AESGCM', 128, 'AEAD', 'aead fs', 'TLS_AES_128_GCM_SHA256')],
    ['TLS_AES_256_GCM_SHA384', f('ANY', 'ANY', 'AESGCM', 256, 'AEAD', 'aead fs', 'TLS_AES_256_GCM_SHA384')],
    ['TLS_CHACHA20_POLY1305_SHA256', f('ANY', 'ANY', 'CHACHA20', 256, 'AEAD', 'aead fs', 'TLS_CHACHA20_POLY1305_SHA256')],
    ['TLS_AES_128_CCM_8_SHA256', f('ANY', 'ANY', 'AESCCM8', 128, 'AEAD', 'aead fs', 'TLS_AES_128_CCM_8_SHA256')],
  ])('%s', (name, facts) => {
    const info = suiteInfo(name);
    expect(info.name).toBe(name);
    expect({ ...info, name: undefined }).toEqual({ ...facts, name: undefined, ...(facts.iana ? {} : { iana: undefined }) });
  });

  it('reads the lower-case names tls.getCiphers() returns', () => {
    expect(suiteInfo('ecdhe-rsa-aes128-gcm-sha256')).toEqual(suiteInfo('ECDHE-RSA-AES128-GCM-SHA256'));
    expect(suiteInfo('tls_aes_256_gcm_sha384').name).toBe('TLS_AES_256_GCM_SHA384');
  });

  it.each([
    ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256'],
    ['TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'DES-CBC3-SHA'],
    ['TLS_DH_anon_WITH_AES_128_CBC_SHA', 'ADH-AES128-SHA'],
  ])('maps the IANA name %s to the OpenSSL one', (iana, openssl) => {
    expect(suiteInfo(iana)).toEqual(suiteInfo(openssl));
  });

  it('classifies an IANA name it has no table entry for', () => {
    expect(suiteInfo('TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384')).toMatchObject({ kx: 'DHE', auth: 'DSS', enc: 'ARIAGCM', bits: 256, aead: true, forwardSecrecy: true });
    expect(suiteInfo('TLS_ECDH_anon_WITH_RC4_128_SHA')).toMatchObject({ kx: 'ECDHE', auth: 'NULL', enc: 'RC4', bits: 128, anonymous: true, mac: 'SHA1' });
  });

  it.each(['', '-', 'NOT-A-SUITE', 'ALL', 'TLS_FALLBACK_SCSV', 'GOST2012-KUZNYECHIK-KUZNYECHIKOMAC', '!!!'])('never throws on %j', (name) => {
    const info = suiteInfo(name);
    expect(info.name).toBe(name.toUpperCase());
    expect(typeof info.kx).toBe('string');
    expect(Number.isFinite(info.bits)).toBe(true);
  });

  it('knows the facts of every suite this Node can offer', () => {
    for (const name of [...LEGACY_CANDIDATES, ...TLS13_CANDIDATES]) {
      const info = suiteInfo(name);
      expect(info.iana, name).toMatch(/^TLS_/);
      expect(info.mac, name).not.toBe('UNKNOWN');
    }
  });
});

/** Whether this OpenSSL builds a context offering the suite at all (compiled-out suites fail here). */
function opensslHas(name: string): boolean {
  try {
    tls.createSecureContext({ ciphers: `${name}:@SECLEVEL=0` });
    return true;
  } catch {
    return false;
  }
}

describe('candidates', () => {
  const fromNode = tls.getCiphers().map((c) => c.toUpperCase());

  it('TLS13_CANDIDATES are the TLS 1.3 suites of tls.getCiphers(), upper-cased', () => {
    expect([...TLS13_CANDIDATES].sort()).toEqual(fromNode.filter((c) => c.startsWith('TLS_')).sort());
    expect(TLS13_CANDIDATES).toContain('TLS_AES_128_GCM_SHA256');
  });

  it('LEGACY_CANDIDATES keep every legacy suite of tls.getCiphers() but the PSK and SRP ones', () => {
    const legacy = fromNode.filter((c) => !c.startsWith('TLS_'));
    const needCredentials = legacy.filter((c) => /(^|-)(PSK|SRP)(-|$)/.test(c));
    for (const c of legacy) expect(LEGACY_CANDIDATES.includes(c), c).toBe(!needCredentials.includes(c));
    expect(new Set(LEGACY_CANDIDATES).size).toBe(LEGACY_CANDIDATES.length);
    for (const c of LEGACY_CANDIDATES) expect(c).toBe(c.toUpperCase());
  });

  it.each(['DES-CBC3-SHA', 'RC4-SHA', 'ADH-AES128-SHA', 'AECDH-AES128-SHA', 'NULL-SHA256', 'AECDH-NULL-SHA', 'CAMELLIA128-SHA', 'EXP-RC4-MD5'])(
    'adds %s beyond getCiphers() exactly when this OpenSSL can offer it',
    (name) => {
      expect(LEGACY_CANDIDATES.includes(name)).toBe(opensslHas(name));
    },
  );

  it('includes anonymous and NULL suites (always compiled into OpenSSL 3)', () => {
    expect(LEGACY_CANDIDATES).toContain('AECDH-AES128-SHA');
    expect(LEGACY_CANDIDATES).toContain('NULL-SHA256');
  });

  it('every candidate builds a secure context from offerString()', () => {
    for (const c of LEGACY_CANDIDATES) expect(() => tls.createSecureContext({ ciphers: offerString([c]) }), c).not.toThrow();
  });
});

describe('offerString', () => {
  it.each<[string[], string]>([
    [['ECDHE-RSA-AES128-GCM-SHA256'], 'ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0'],
    [['des-cbc3-sha', 'AES128-SHA'], 'DES-CBC3-SHA:AES128-SHA:@SECLEVEL=0'],
    [['AECDH-NULL-SHA'], 'AECDH-NULL-SHA:@SECLEVEL=0'],
  ])('%j → %s', (suites, expected) => {
    expect(offerString(suites)).toBe(expected);
  });

  it.each<[string[], RegExp]>([
    [[], /no cipher suite/],
    [['TLS_AES_128_GCM_SHA256'], /TLS 1\.3 suite/],
    [['ALL'], /not an OpenSSL cipher suite name/],
    [['AES128'], /not an OpenSSL cipher suite name/],
    [['!aNULL'], /not an OpenSSL cipher suite name/],
    [['ECDHE+AESGCM'], /not an OpenSSL cipher suite name/],
    [['AES128-SHA:ALL'], /not an OpenSSL cipher suite name/],
  ])('refuses %j', (suites, message) => {
    expect(() => offerString(suites)).toThrow(VigilError);
    expect(() => offerString(suites)).toThrow(message);
  });

  it('offers an anonymous suite only with @SECLEVEL=0 (a loopback handshake)', async () => {
    // anonymous ECDH needs no certificate, so the server needs no key material
    const server = tls.createServer({ ciphers: offerString(['AECDH-AES128-SHA']), maxVersion: 'TLSv1.2' }, (s) => s.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const connect = (ciphers: string) =>
      new Promise<string>((resolve) => {
        const s = tls.connect({ host: '127.0.0.1', port, ciphers, maxVersion: 'TLSv1.2', rejectUnauthorized: false }, () => {
          resolve(s.getCipher().name);
          s.destroy();
        });
        s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      });
    try {
      expect(await connect(offerString(['AECDH-AES128-SHA']))).toBe('AECDH-AES128-SHA');
      expect(await connect('AECDH-AES128-SHA')).toBe('ERR_SSL_NO_CIPHERS_AVAILABLE');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
