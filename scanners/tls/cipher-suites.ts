/**
 * Cipher-suite facts from OpenSSL names: key exchange, authentication, bulk cipher, MAC and the
 * properties the grade and the Mozilla check need (AEAD, forward secrecy, export, anonymous), plus
 * the lists of suites a prober should try, one handshake each.
 */
import tls from 'node:tls';
import { VigilError } from '../../src/errors.js';
import type { SuiteInfo } from './types.js';

/**
 * OpenSSL name → IANA name (RFC 2246, 4162, 4279, 4346, 4492, 5246, 5288, 5289, 5487, 5489, 6209,
 * 6655, 7905, 8446 registries), for the suites a scan commonly meets.
 */
const IANA: Readonly<Record<string, string>> = {
  // TLS 1.3 (RFC 8446): OpenSSL uses the IANA names
  TLS_AES_128_GCM_SHA256: 'TLS_AES_128_GCM_SHA256',
  TLS_AES_256_GCM_SHA384: 'TLS_AES_256_GCM_SHA384',
  TLS_CHACHA20_POLY1305_SHA256: 'TLS_CHACHA20_POLY1305_SHA256',
  TLS_AES_128_CCM_SHA256: 'TLS_AES_128_CCM_SHA256',
  TLS_AES_128_CCM_8_SHA256: 'TLS_AES_128_CCM_8_SHA256',
  // ECDHE
  'ECDHE-ECDSA-AES128-GCM-SHA256': 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256': 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384': 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384': 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305': 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'ECDHE-RSA-CHACHA20-POLY1305': 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-CCM': 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM',
  'ECDHE-ECDSA-AES256-CCM': 'TLS_ECDHE_ECDSA_WITH_AES_256_CCM',
  'ECDHE-ECDSA-AES128-CCM8': 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8',
  'ECDHE-ECDSA-AES256-CCM8': 'TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8',
  'ECDHE-ECDSA-AES128-SHA256': 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256',
  'ECDHE-RSA-AES128-SHA256': 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256',
  'ECDHE-ECDSA-AES256-SHA384': 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384',
  'ECDHE-RSA-AES256-SHA384': 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384',
  'ECDHE-ECDSA-AES128-SHA': 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
  'ECDHE-RSA-AES128-SHA': 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
  'ECDHE-ECDSA-AES256-SHA': 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
  'ECDHE-RSA-AES256-SHA': 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  'ECDHE-ECDSA-CAMELLIA128-SHA256': 'TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256',
  'ECDHE-RSA-CAMELLIA128-SHA256': 'TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256',
  'ECDHE-ECDSA-CAMELLIA256-SHA384': 'TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384',
  'ECDHE-RSA-CAMELLIA256-SHA384': 'TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384',
  'ECDHE-ECDSA-ARIA128-GCM-SHA256': 'TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256',
  'ECDHE-ECDSA-ARIA256-GCM-SHA384': 'TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384',
  // OpenSSL leaves RSA out of these two names
  'ECDHE-ARIA128-GCM-SHA256': 'TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256',
  'ECDHE-ARIA256-GCM-SHA384': 'TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384',
  'ECDHE-ECDSA-DES-CBC3-SHA': 'TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA',
  'ECDHE-RSA-DES-CBC3-SHA': 'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA',
  'ECDHE-ECDSA-RC4-SHA': 'TLS_ECDHE_ECDSA_WITH_RC4_128_SHA',
  'ECDHE-RSA-RC4-SHA': 'TLS_ECDHE_RSA_WITH_RC4_128_SHA',
  'ECDHE-ECDSA-NULL-SHA': 'TLS_ECDHE_ECDSA_WITH_NULL_SHA',
  'ECDHE-RSA-NULL-SHA': 'TLS_ECDHE_RSA_WITH_NULL_SHA',
  // DHE
  'DHE-RSA-AES128-GCM-SHA256': 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
  'DHE-RSA-AES256-GCM-SHA384': 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
  'DHE-DSS-AES128-GCM-SHA256': 'TLS_DHE_DSS_WITH_AES_128_GCM_SHA256',
  'DHE-DSS-AES256-GCM-SHA384': 'TLS_DHE_DSS_WITH_AES_256_GCM_SHA384',
  'DHE-RSA-CHACHA20-POLY1305': 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'DHE-RSA-AES128-CCM': 'TLS_DHE_RSA_WITH_AES_128_CCM',
  'DHE-RSA-AES256-CCM': 'TLS_DHE_RSA_WITH_AES_256_CCM',
  'DHE-RSA-AES128-CCM8': 'TLS_DHE_RSA_WITH_AES_128_CCM_8',
  'DHE-RSA-AES256-CCM8': 'TLS_DHE_RSA_WITH_AES_256_CCM_8',
  'DHE-RSA-AES128-SHA256': 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256',
  'DHE-RSA-AES256-SHA256': 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256',
  'DHE-DSS-AES128-SHA256': 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA256',
  'DHE-DSS-AES256-SHA256': 'TLS_DHE_DSS_WITH_AES_256_CBC_SHA256',
  'DHE-RSA-AES128-SHA': 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA',
  'DHE-RSA-AES256-SHA': 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA',
  'DHE-DSS-AES128-SHA': 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA',
  'DHE-DSS-AES256-SHA': 'TLS_DHE_DSS_WITH_AES_256_CBC_SHA',
  'DHE-RSA-CAMELLIA128-SHA': 'TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA',
  'DHE-RSA-CAMELLIA256-SHA': 'TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA',
  'DHE-DSS-CAMELLIA128-SHA': 'TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA',
  'DHE-DSS-CAMELLIA256-SHA': 'TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA',
  'DHE-RSA-ARIA128-GCM-SHA256': 'TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256',
  'DHE-RSA-ARIA256-GCM-SHA384': 'TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384',
  'DHE-RSA-SEED-SHA': 'TLS_DHE_RSA_WITH_SEED_CBC_SHA',
  'EDH-RSA-DES-CBC3-SHA': 'TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA',
  'EDH-DSS-DES-CBC3-SHA': 'TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA',
  'EDH-RSA-DES-CBC-SHA': 'TLS_DHE_RSA_WITH_DES_CBC_SHA',
  // static RSA key exchange
  'AES128-GCM-SHA256': 'TLS_RSA_WITH_AES_128_GCM_SHA256',
  'AES256-GCM-SHA384': 'TLS_RSA_WITH_AES_256_GCM_SHA384',
  'AES128-CCM': 'TLS_RSA_WITH_AES_128_CCM',
  'AES256-CCM': 'TLS_RSA_WITH_AES_256_CCM',
  'AES128-CCM8': 'TLS_RSA_WITH_AES_128_CCM_8',
  'AES256-CCM8': 'TLS_RSA_WITH_AES_256_CCM_8',
  'AES128-SHA256': 'TLS_RSA_WITH_AES_128_CBC_SHA256',
  'AES256-SHA256': 'TLS_RSA_WITH_AES_256_CBC_SHA256',
  'AES128-SHA': 'TLS_RSA_WITH_AES_128_CBC_SHA',
  'AES256-SHA': 'TLS_RSA_WITH_AES_256_CBC_SHA',
  'CAMELLIA128-SHA256': 'TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256',
  'CAMELLIA256-SHA256': 'TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256',
  'CAMELLIA128-SHA': 'TLS_RSA_WITH_CAMELLIA_128_CBC_SHA',
  'CAMELLIA256-SHA': 'TLS_RSA_WITH_CAMELLIA_256_CBC_SHA',
  'ARIA128-GCM-SHA256': 'TLS_RSA_WITH_ARIA_128_GCM_SHA256',
  'ARIA256-GCM-SHA384': 'TLS_RSA_WITH_ARIA_256_GCM_SHA384',
  'SEED-SHA': 'TLS_RSA_WITH_SEED_CBC_SHA',
  'IDEA-CBC-SHA': 'TLS_RSA_WITH_IDEA_CBC_SHA',
  'DES-CBC3-SHA': 'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
  'DES-CBC-SHA': 'TLS_RSA_WITH_DES_CBC_SHA',
  'RC4-SHA': 'TLS_RSA_WITH_RC4_128_SHA',
  'RC4-MD5': 'TLS_RSA_WITH_RC4_128_MD5',
  'NULL-SHA256': 'TLS_RSA_WITH_NULL_SHA256',
  'NULL-SHA': 'TLS_RSA_WITH_NULL_SHA',
  'NULL-MD5': 'TLS_RSA_WITH_NULL_MD5',
  // export grade
  'EXP-RC4-MD5': 'TLS_RSA_EXPORT_WITH_RC4_40_MD5',
  'EXP-RC2-CBC-MD5': 'TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5',
  'EXP-DES-CBC-SHA': 'TLS_RSA_EXPORT_WITH_DES40_CBC_SHA',
  'EXP-EDH-RSA-DES-CBC-SHA': 'TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA',
  'EXP-EDH-DSS-DES-CBC-SHA': 'TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA',
  'EXP-ADH-RC4-MD5': 'TLS_DH_anon_EXPORT_WITH_RC4_40_MD5',
  'EXP-ADH-DES-CBC-SHA': 'TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA',
  // anonymous
  'ADH-AES128-GCM-SHA256': 'TLS_DH_anon_WITH_AES_128_GCM_SHA256',
  'ADH-AES256-GCM-SHA384': 'TLS_DH_anon_WITH_AES_256_GCM_SHA384',
  'ADH-AES128-SHA256': 'TLS_DH_anon_WITH_AES_128_CBC_SHA256',
  'ADH-AES256-SHA256': 'TLS_DH_anon_WITH_AES_256_CBC_SHA256',
  'ADH-AES128-SHA': 'TLS_DH_anon_WITH_AES_128_CBC_SHA',
  'ADH-AES256-SHA': 'TLS_DH_anon_WITH_AES_256_CBC_SHA',
  'ADH-CAMELLIA128-SHA': 'TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA',
  'ADH-CAMELLIA256-SHA': 'TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA',
  'ADH-DES-CBC3-SHA': 'TLS_DH_anon_WITH_3DES_EDE_CBC_SHA',
  'ADH-RC4-MD5': 'TLS_DH_anon_WITH_RC4_128_MD5',
  'AECDH-AES128-SHA': 'TLS_ECDH_anon_WITH_AES_128_CBC_SHA',
  'AECDH-AES256-SHA': 'TLS_ECDH_anon_WITH_AES_256_CBC_SHA',
  'AECDH-DES-CBC3-SHA': 'TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA',
  'AECDH-RC4-SHA': 'TLS_ECDH_anon_WITH_RC4_128_SHA',
  'AECDH-NULL-SHA': 'TLS_ECDH_anon_WITH_NULL_SHA',
  // static (EC)DH
  'ECDH-RSA-AES128-SHA': 'TLS_ECDH_RSA_WITH_AES_128_CBC_SHA',
  'ECDH-RSA-AES256-SHA': 'TLS_ECDH_RSA_WITH_AES_256_CBC_SHA',
  'ECDH-ECDSA-AES128-SHA': 'TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA',
  'ECDH-ECDSA-AES256-SHA': 'TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA',
  'DH-RSA-AES128-SHA': 'TLS_DH_RSA_WITH_AES_128_CBC_SHA',
  'DH-RSA-AES256-SHA': 'TLS_DH_RSA_WITH_AES_256_CBC_SHA',
  'DH-DSS-AES128-SHA': 'TLS_DH_DSS_WITH_AES_128_CBC_SHA',
  'DH-DSS-AES256-SHA': 'TLS_DH_DSS_WITH_AES_256_CBC_SHA',
  // pre-shared keys
  'PSK-AES128-GCM-SHA256': 'TLS_PSK_WITH_AES_128_GCM_SHA256',
  'PSK-AES256-GCM-SHA384': 'TLS_PSK_WITH_AES_256_GCM_SHA384',
  'PSK-CHACHA20-POLY1305': 'TLS_PSK_WITH_CHACHA20_POLY1305_SHA256',
  'PSK-AES128-CBC-SHA256': 'TLS_PSK_WITH_AES_128_CBC_SHA256',
  'PSK-AES256-CBC-SHA384': 'TLS_PSK_WITH_AES_256_CBC_SHA384',
  'PSK-AES128-CBC-SHA': 'TLS_PSK_WITH_AES_128_CBC_SHA',
  'PSK-AES256-CBC-SHA': 'TLS_PSK_WITH_AES_256_CBC_SHA',
  'DHE-PSK-AES128-GCM-SHA256': 'TLS_DHE_PSK_WITH_AES_128_GCM_SHA256',
  'DHE-PSK-AES256-GCM-SHA384': 'TLS_DHE_PSK_WITH_AES_256_GCM_SHA384',
  'DHE-PSK-CHACHA20-POLY1305': 'TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256',
  'ECDHE-PSK-CHACHA20-POLY1305': 'TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256',
  'ECDHE-PSK-AES128-CBC-SHA256': 'TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256',
  'ECDHE-PSK-AES256-CBC-SHA384': 'TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384',
  'RSA-PSK-AES128-GCM-SHA256': 'TLS_RSA_PSK_WITH_AES_128_GCM_SHA256',
  'RSA-PSK-AES256-GCM-SHA384': 'TLS_RSA_PSK_WITH_AES_256_GCM_SHA384',
  'RSA-PSK-CHACHA20-POLY1305': 'TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256',
  // SRP (RFC 5054)
  'SRP-AES-128-CBC-SHA': 'TLS_SRP_SHA_WITH_AES_128_CBC_SHA',
  'SRP-AES-256-CBC-SHA': 'TLS_SRP_SHA_WITH_AES_256_CBC_SHA',
  'SRP-RSA-AES-128-CBC-SHA': 'TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA',
  'SRP-RSA-AES-256-CBC-SHA': 'TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA',
};

const OPENSSL_BY_IANA: ReadonlyMap<string, string> = new Map(Object.entries(IANA).map(([o, i]) => [i.toUpperCase(), o]));

/** Words that open an OpenSSL name before the cipher: key exchange, authentication, export markers. */
const KX_WORDS = new Set(['EXP', 'EXP1024', 'ECDHE', 'EDH', 'DHE', 'ECDH', 'DH', 'ADH', 'AECDH', 'PSK', 'RSA', 'DSS', 'ECDSA', 'SRP', 'KRB5', 'GOST94', 'GOST2001', 'GOST2012', 'ANON', 'EXPORT', 'EXPORT1024']);

const EPHEMERAL_KX = new Set(['ECDHE', 'DHE', 'ECDHEPSK', 'DHEPSK', 'ANY']);
const CBC_CIPHERS = new Set(['AES', 'ARIA', 'CAMELLIA', '3DES', 'DES', 'RC2', 'SEED', 'IDEA']);

/** What a suite is made of, from its OpenSSL name (IANA names of known suites work too); never throws. */
export function suiteInfo(name: string): SuiteInfo {
  let n = name.trim().toUpperCase();
  let iana: string | undefined;
  if (/^(TLS|SSL)_/.test(n) && n.includes('_WITH_')) {
    // Java spells the old suites SSL_RSA_WITH_…
    const openssl = OPENSSL_BY_IANA.get(n.replace(/^SSL_/, 'TLS_'));
    if (openssl) n = openssl;
    else iana = n;
  }
  if (iana) return classify(n, ianaParts(n), iana);
  if (/^TLS_/.test(n)) return tls13(n);
  return classify(n, opensslParts(n), IANA[n]);
}

function tls13(n: string): SuiteInfo {
  const bits = /_256_|CHACHA20/.test(n) ? 256 : /_128_/.test(n) ? 128 : 0;
  const enc = /CHACHA20/.test(n) ? 'CHACHA20' : /CCM_8/.test(n) ? 'AESCCM8' : /CCM/.test(n) ? 'AESCCM' : /GCM/.test(n) ? 'AESGCM' : 'UNKNOWN';
  return {
    name: n,
    ...(IANA[n] ? { iana: IANA[n] } : {}),
    kx: 'ANY',
    auth: 'ANY',
    enc,
    bits,
    mac: 'AEAD',
    aead: true,
    forwardSecrecy: true,
    cbc: false,
    export: false,
    anonymous: false,
  };
}

interface Parts {
  kx: string[];
  cipher: string[];
}

/** `ECDHE-RSA-AES128-GCM-SHA256` → kx [ECDHE, RSA], cipher [AES128, GCM, SHA256]. */
function opensslParts(n: string): Parts {
  const tokens = n.split('-').filter(Boolean);
  let i = 0;
  while (i < tokens.length - 1 && KX_WORDS.has(tokens[i]!)) i++;
  return { kx: tokens.slice(0, i), cipher: tokens.slice(i) };
}

/** `TLS_DH_anon_WITH_AES_128_CBC_SHA` → kx [DH, ANON], cipher [AES, 128, CBC, SHA]. */
function ianaParts(n: string): Parts {
  const [left = '', right = ''] = n.replace(/^(TLS|SSL)_/, '').split('_WITH_');
  return { kx: left.split('_').filter(Boolean), cipher: right.split('_').filter(Boolean) };
}

function classify(name: string, parts: Parts, iana: string | undefined): SuiteInfo {
  const kxw = new Set(parts.kx);
  const exportGrade = kxw.has('EXP') || kxw.has('EXP1024') || kxw.has('EXPORT') || kxw.has('EXPORT1024');
  const export1024 = kxw.has('EXP1024') || kxw.has('EXPORT1024');
  const anonymous = kxw.has('ADH') || kxw.has('AECDH') || kxw.has('ANON');
  const psk = kxw.has('PSK');

  let kx: string;
  if (kxw.has('ECDHE') || kxw.has('AECDH') || (kxw.has('ECDH') && anonymous)) kx = 'ECDHE';
  else if (kxw.has('DHE') || kxw.has('EDH') || kxw.has('ADH') || (kxw.has('DH') && anonymous)) kx = 'DHE';
  else if (kxw.has('ECDH')) kx = 'ECDH';
  else if (kxw.has('DH')) kx = 'DH';
  else if (kxw.has('SRP')) kx = 'SRP';
  else if (kxw.has('KRB5')) kx = 'KRB5';
  else if ([...kxw].some((w) => w.startsWith('GOST'))) kx = 'GOST';
  else kx = 'RSA';
  if (psk) kx = kx === 'ECDHE' ? 'ECDHEPSK' : kx === 'DHE' ? 'DHEPSK' : kxw.has('RSA') ? 'RSAPSK' : 'PSK';

  let auth: string;
  if (anonymous) auth = 'NULL';
  else if (kxw.has('ECDSA')) auth = 'ECDSA';
  else if (kxw.has('DSS')) auth = 'DSS';
  else if (psk && !kxw.has('RSA')) auth = 'PSK';
  else if (kx === 'SRP' && !kxw.has('RSA')) auth = 'SRP';
  else if (kx === 'KRB5' || kx === 'GOST') auth = kx;
  // OpenSSL names ECDHE_RSA ARIA suites `ECDHE-ARIA…`: no authentication word means RSA
  else auth = 'RSA';

  const c = cipherOf(parts.cipher, exportGrade, export1024);
  return {
    name,
    ...(iana ? { iana } : {}),
    kx,
    auth,
    enc: c.enc,
    bits: c.bits,
    mac: c.aead ? 'AEAD' : macOf(parts.cipher),
    aead: c.aead,
    forwardSecrecy: EPHEMERAL_KX.has(kx),
    cbc: !c.aead && CBC_CIPHERS.has(c.enc),
    export: exportGrade,
    anonymous,
  };
}

function cipherOf(tokens: string[], exportGrade: boolean, export1024: boolean): { enc: string; bits: number; aead: boolean } {
  // IANA spells `AES_128`, `CAMELLIA_128`, `RC4_40`, `RC2_CBC_40`; OpenSSL `AES128`, `CAMELLIA128`, `RC4`
  const s = tokens.join('-').replace(/^(AES|ARIA|CAMELLIA)-(\d+)/, '$1$2');
  const size = /^(?:AES|ARIA|CAMELLIA)(\d+)/.exec(s)?.[1] ?? /^(?:RC4|RC2-CBC)-(\d+)/.exec(s)?.[1];
  const keyBits = size ? Number(size) : 128;
  const weak = export1024 ? 56 : 40;
  const gcm = /(^|-)GCM(-|$)/.test(s);
  const ccm8 = /(^|-)CCM-?8(-|$)/.test(s);
  const ccm = /(^|-)CCM(-|$)/.test(s);
  const aeadMode = gcm || ccm || ccm8;

  if (/CHACHA20/.test(s)) return { enc: 'CHACHA20', bits: 256, aead: true };
  if (/^AES/.test(s)) return { enc: gcm ? 'AESGCM' : ccm8 ? 'AESCCM8' : ccm ? 'AESCCM' : 'AES', bits: keyBits, aead: aeadMode };
  if (/^ARIA/.test(s)) return { enc: gcm ? 'ARIAGCM' : 'ARIA', bits: keyBits, aead: gcm };
  if (/^CAMELLIA/.test(s)) return { enc: gcm ? 'CAMELLIAGCM' : 'CAMELLIA', bits: keyBits, aead: gcm };
  // 3DES has 168 key bits but 112 bits of strength (meet-in-the-middle); SSL Labs rates it at 112
  if (/^(DES-CBC3|3DES)/.test(s)) return { enc: '3DES', bits: 112, aead: false };
  if (/^DES40/.test(s)) return { enc: 'DES', bits: 40, aead: false };
  if (/^DES/.test(s)) return { enc: 'DES', bits: exportGrade ? weak : 56, aead: false };
  if (/^RC4/.test(s)) return { enc: 'RC4', bits: exportGrade ? weak : keyBits, aead: false };
  if (/^RC2/.test(s)) return { enc: 'RC2', bits: exportGrade ? weak : keyBits, aead: false };
  if (/^NULL/.test(s)) return { enc: 'NULL', bits: 0, aead: false };
  if (/^SEED/.test(s)) return { enc: 'SEED', bits: 128, aead: false };
  if (/^IDEA/.test(s)) return { enc: 'IDEA', bits: 128, aead: false };
  if (/^GOST/.test(s)) return { enc: 'GOST89', bits: 256, aead: false };
  if (/KUZNYECHIK/.test(s)) return { enc: 'KUZNYECHIK', bits: 256, aead: false };
  if (/MAGMA/.test(s)) return { enc: 'MAGMA', bits: 256, aead: false };
  // an unknown cipher: its name, and the size in it when there is one
  const first = tokens[0] ?? 'UNKNOWN';
  const digits = /^[A-Z]+(\d{2,})$/.exec(first)?.[1];
  return { enc: first.replace(/\d+$/, '') || first, bits: digits ? Number(digits) : 0, aead: aeadMode };
}

function macOf(tokens: string[]): string {
  const last = tokens[tokens.length - 1] ?? '';
  if (last === 'SHA') return 'SHA1';
  if (/^(SHA256|SHA384|MD5)$/.test(last)) return last;
  if (/^GOST/.test(last)) return last;
  return 'UNKNOWN';
}

/**
 * Whether this process's OpenSSL can offer a legacy suite. Suites compiled out (3DES, RC4 and
 * export ones in most current builds) fail here with `no cipher match`.
 */
function canOffer(name: string): boolean {
  try {
    tls.createSecureContext({ ciphers: `${name}:@SECLEVEL=0` });
    return true;
  } catch {
    return false;
  }
}

/**
 * PSK and SRP suites need client credentials: without a PSK identity or SRP user, OpenSSL leaves
 * them out of the ClientHello and the handshake fails locally, saying nothing about the server.
 */
function needsCredentials(name: string): boolean {
  return /(^|-)(PSK|SRP)(-|$)/.test(name);
}

function buildLegacyCandidates(): string[] {
  const fromNode = tls
    .getCiphers()
    .map((c) => c.toUpperCase())
    .filter((c) => !c.startsWith('TLS_'));
  // getCiphers() lists OpenSSL's DEFAULT set only; weak, anonymous and NULL suites Node can still
  // offer (under @SECLEVEL=0) are added from the table when this OpenSSL accepts them
  const known = new Set(fromNode);
  const extra = Object.keys(IANA).filter((c) => !c.startsWith('TLS_') && !known.has(c) && canOffer(c));
  return [...fromNode, ...extra].filter((c) => !needsCredentials(c));
}

/**
 * TLS 1.2-and-below suites to probe, one handshake each: every suite this Node can offer, weak ones
 * included. A client offers anonymous, NULL, export and other weak suites only when the cipher
 * string ends in `:@SECLEVEL=0` (OpenSSL 3's default level 1 drops them); see {@link offerString}.
 * PSK and SRP suites are left out: a client cannot offer them without credentials.
 */
export const LEGACY_CANDIDATES: readonly string[] = Object.freeze(buildLegacyCandidates());

/** TLS 1.3 suites to probe (the `tls_…` names from `tls.getCiphers()`, upper-cased). */
export const TLS13_CANDIDATES: readonly string[] = Object.freeze(
  tls
    .getCiphers()
    .filter((c) => c.toLowerCase().startsWith('tls_'))
    .map((c) => c.toUpperCase()),
);

/**
 * The OpenSSL cipher string offering exactly these TLS 1.2-and-below suites, with `:@SECLEVEL=0` so
 * weak ones are really offered (it also lets the handshake accept small keys and SHA-1/MD5
 * signatures, which a prober wants to see rather than be stopped by).
 */
export function offerString(suites: string[]): string {
  if (suites.length === 0) throw new VigilError('VIGIL_ERR_TLS_PROBE', 'no cipher suite to offer');
  const names = suites.map((s) => s.trim().toUpperCase());
  for (const n of names) {
    if (n.startsWith('TLS_')) throw new VigilError('VIGIL_ERR_TLS_PROBE', `${n} is a TLS 1.3 suite: offer it through the TLS 1.3 list, not the cipher string`);
    // OpenSSL's group aliases (`ALL`, `AES128`, `!aNULL`, `ECDHE+AES`) have no dash; every legacy suite name has one
    if (!/^[A-Z0-9]+(-[A-Z0-9]+)+$/.test(n)) throw new VigilError('VIGIL_ERR_TLS_PROBE', `not an OpenSSL cipher suite name: ${JSON.stringify(n)}`);
  }
  return `${names.join(':')}:@SECLEVEL=0`;
}
