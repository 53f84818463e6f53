import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { VigilError } from '../../../src/errors.js';
import { TAG, readChildren, readOid, readString, readTlv } from '../../../scanners/tls/der.js';
import type { Tlv } from '../../../scanners/tls/der.js';
import { certificateFacts, daysUntil, parseCertificates } from '../../../scanners/tls/x509.js';
import type { CertificateFacts } from '../../../scanners/tls/types.js';
import { CA_ISSUERS_URL, CRL_URL, OCSP_URL, makePki } from '../../helpers/tls-pki.js';
import type { PkiCert } from '../../helpers/tls-pki.js';

const pki = makePki();
const LOCAL = ['localhost', '127.0.0.1'];
const REVOCATION = { ocspUrls: [OCSP_URL], crlUrls: [CRL_URL], caIssuerUrls: [CA_ISSUERS_URL] };
const NO_REVOCATION = { ocspUrls: [], crlUrls: [], caIssuerUrls: [] };
const RSA_SHA256 = { keyType: 'rsa', keyBits: 2048, signatureAlgorithm: 'sha256WithRSAEncryption', signatureHash: 'sha256' };
const LEAF = { ...RSA_SHA256, altNames: LOCAL, selfIssued: false, isCA: false, ...REVOCATION };

/** Run `f`; it must either return or throw a VigilError. */
function onlyVigilErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof VigilError)) throw e;
    expect(e.code).toBe('VIGIL_ERR_CERT_INVALID');
  }
}

/** Expect `f` to throw VIGIL_ERR_CERT_INVALID and return the error. */
function certError(f: () => unknown): VigilError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(VigilError);
    expect((e as VigilError).code).toBe('VIGIL_ERR_CERT_INVALID');
    return e as VigilError;
  }
  throw new Error('expected VIGIL_ERR_CERT_INVALID, nothing was thrown');
}

describe('certificateFacts over the test PKI', () => {
  const rows: [string, PkiCert, Partial<CertificateFacts> & { absent?: (keyof CertificateFacts)[] }][] = [
    ['root', pki.root, { ...RSA_SHA256, altNames: [], selfIssued: true, isCA: true, ...NO_REVOCATION, subject: 'O=Vigil Test, CN=Vigil Test Root CA' }],
    ['intermediate', pki.intermediate, { ...RSA_SHA256, selfIssued: false, isCA: true, issuer: 'O=Vigil Test, CN=Vigil Test Root CA' }],
    ['good', pki.good, { ...LEAF, subject: 'O=Vigil Test, CN=localhost', issuer: 'O=Vigil Test, CN=Vigil Test Intermediate CA', absent: ['curve'] }],
    ['ec', pki.ec, { ...LEAF, keyType: 'ec', keyBits: 256, curve: 'prime256v1' }],
    ['ec224', pki.ec224, { ...LEAF, keyType: 'ec', keyBits: 224, curve: 'secp224r1' }],
    ['rsa1024', pki.rsa1024, { ...LEAF, keyBits: 1024 }],
    ['sha1', pki.sha1, { ...LEAF, signatureAlgorithm: 'sha1WithRSAEncryption', signatureHash: 'sha1' }],
    ['md5', pki.md5, { ...LEAF, signatureAlgorithm: 'md5WithRSAEncryption', signatureHash: 'md5' }],
    ['wrongHost', pki.wrongHost, { ...LEAF, altNames: ['other.example'], subject: 'O=Vigil Test, CN=other.example' }],
    ['expired', pki.expired, LEAF],
    ['notYetValid', pki.notYetValid, LEAF],
    ['expiring20', pki.expiring20, LEAF],
    ['expiring45', pki.expiring45, LEAF],
    ['longLived', pki.longLived, LEAF],
    ['noRevocation', pki.noRevocation, { ...LEAF, ...NO_REVOCATION }],
    ['selfSigned', pki.selfSigned, { ...LEAF, ...NO_REVOCATION, selfIssued: true, issuer: 'O=Vigil Test, CN=localhost' }],
    ['rsaPss', pki.rsaPss, { ...LEAF, signatureAlgorithm: 'rsassaPss', signatureHash: 'sha256' }],
    ['ed25519', pki.ed25519, { ...LEAF, keyType: 'ed25519', keyBits: 256 }],
  ];

  it.each(rows)('%s', (_name, cert, expected) => {
    const { absent = [], ...want } = expected;
    const facts = certificateFacts(Buffer.from(cert.certPem));
    expect(facts).toMatchObject(want);
    for (const k of absent) expect(facts).not.toHaveProperty(k);
    // the PKI asks for whole-second validity; allow a minute for clocks and rounding
    expect(Math.abs(Date.parse(facts.notBefore) - cert.notBefore.getTime())).toBeLessThan(60_000);
    expect(Math.abs(Date.parse(facts.notAfter) - cert.notAfter.getTime())).toBeLessThan(60_000);
    expect(facts.notBefore).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const x = new X509Certificate(cert.certPem);
    expect(facts.serialNumber).toBe(x.serialNumber);
    expect(facts.fingerprint256).toBe(x.fingerprint256);
  });

  it('gives the same facts for PEM bytes, DER bytes and a parsed certificate', () => {
    const x = new X509Certificate(pki.good.certPem);
    const fromPem = certificateFacts(Buffer.from(pki.good.certPem));
    expect(certificateFacts(x.raw)).toEqual(fromPem);
    expect(certificateFacts(x)).toEqual(fromPem);
  });

  it('rejects bytes that are not a certificate', () => {
    expect(certError(() => certificateFacts(Buffer.from('hello'))).message).toMatch(/not a valid X\.509 certificate/);
  });
});

describe('certificateFacts on certificates made here', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-x509-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cnf = join(dir, 'req.cnf');
  // a config without x509_extensions: the system one would add CA:TRUE
  writeFileSync(cnf, '[ req ]\ndistinguished_name = dn\nprompt = no\n[ dn ]\nCN = unused\n');
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

  /** A self-signed certificate for a key made with `genpkey` options. */
  const selfSigned = (name: string, genpkey: string[], md: string[]): Buffer => {
    openssl('genpkey', ...genpkey, '-out', `${name}.key`);
    openssl('req', '-x509', '-config', cnf, '-key', `${name}.key`, '-subj', `/CN=${name}`, '-days', '2', ...md, '-out', `${name}.pem`);
    return readFileSync(join(dir, `${name}.pem`));
  };

  it.each([
    ['ed25519', ['-algorithm', 'ED25519'], [], { keyType: 'ed25519', keyBits: 256, signatureAlgorithm: 'ED25519' }],
    ['ed448', ['-algorithm', 'ED448'], [], { keyType: 'ed448', keyBits: 456, signatureAlgorithm: 'ED448' }],
    ['p384', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'], ['-sha384'], { keyType: 'ec', keyBits: 384, curve: 'secp384r1', signatureAlgorithm: 'ecdsa-with-SHA384', signatureHash: 'sha384' }],
    ['p521', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521'], ['-sha512'], { keyType: 'ec', keyBits: 521, curve: 'secp521r1', signatureAlgorithm: 'ecdsa-with-SHA512', signatureHash: 'sha512' }],
    ['p256sha1', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], ['-sha1'], { keyType: 'ec', keyBits: 256, signatureAlgorithm: 'ecdsa-with-SHA1', signatureHash: 'sha1' }],
    ['rsa384', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'], ['-sha384'], { keyType: 'rsa', keyBits: 1024, signatureAlgorithm: 'sha384WithRSAEncryption', signatureHash: 'sha384' }],
    ['rsa512', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'], ['-sha512'], { keyType: 'rsa', keyBits: 1024, signatureAlgorithm: 'sha512WithRSAEncryption', signatureHash: 'sha512' }],
  ] as const)('%s', (name, genpkey, md, expected) => {
    const facts = certificateFacts(selfSigned(name, [...genpkey], [...md]));
    expect(facts).toMatchObject({ ...expected, selfIssued: true, isCA: false, altNames: [], ocspUrls: [], crlUrls: [] });
    if (!('signatureHash' in expected)) expect(facts).not.toHaveProperty('signatureHash');
  });

  it('dsa: dsa-with-SHA256', () => {
    openssl('genpkey', '-genparam', '-algorithm', 'DSA', '-pkeyopt', 'dsa_paramgen_bits:1024', '-out', 'dsa.param');
    const pem = selfSigned('dsa', ['-paramfile', 'dsa.param'], ['-sha256']);
    expect(certificateFacts(pem)).toMatchObject({ keyType: 'dsa', keyBits: 1024, signatureAlgorithm: 'dsa-with-SHA256', signatureHash: 'sha256' });
  });

  it('same subject and issuer but signed by another key is not self-issued', () => {
    openssl('req', '-new', '-config', cnf, '-key', pki.good.key, '-subj', '/O=Vigil Test/CN=Vigil Test Intermediate CA', '-out', 'twin.csr');
    openssl('x509', '-req', '-in', 'twin.csr', '-CA', pki.intermediate.cert, '-CAkey', pki.intermediate.key, '-days', '2', '-out', 'twin.pem');
    const facts = certificateFacts(readFileSync(join(dir, 'twin.pem')));
    expect(facts.subject).toBe(facts.issuer);
    expect(facts.selfIssued).toBe(false);
  });

  it('reads quoted subjectAltName, OCSP and caIssuers entries as Node escapes them', () => {
    writeFileSync(
      join(dir, 'odd.ext'),
      [
        'subjectAltName = @alt',
        'authorityInfoAccess = @aia',
        'crlDistributionPoints = URI:http://crl.example/a.crl, URI:http://crl.example/b.crl',
        '[ alt ]',
        'DNS.1 = a, DNS:forged.example',
        'IP.1 = ::1',
        'email.1 = someone@example.com',
        'URI.1 = http://x.example/',
        '[ aia ]',
        'OCSP;URI.0 = http://ocsp.example/a, OCSP - URI:http://forged',
        'caIssuers;URI.1 = http://ca.example/int.crt',
        'OCSP;URI.2 = http://ocsp2.example',
      ].join('\n'),
    );
    openssl('req', '-new', '-config', cnf, '-key', pki.good.key, '-subj', '/CN=odd', '-out', 'odd.csr');
    openssl('x509', '-req', '-in', 'odd.csr', '-CA', pki.intermediate.cert, '-CAkey', pki.intermediate.key, '-days', '2', '-extfile', 'odd.ext', '-out', 'odd.pem');
    const facts = certificateFacts(readFileSync(join(dir, 'odd.pem')));
    expect(facts.altNames).toEqual(['a, DNS:forged.example', '0:0:0:0:0:0:0:1']);
    expect(facts.ocspUrls).toEqual(['http://ocsp.example/a, OCSP - URI:http://forged', 'http://ocsp2.example']);
    expect(facts.crlUrls).toEqual(['http://crl.example/a.crl', 'http://crl.example/b.crl']);
    expect(facts.caIssuerUrls).toEqual(['http://ca.example/int.crt']);
  });
});

describe('parseCertificates', () => {
  const lines = (s: string) => s.split('\n').length - 1;
  const garbageBlock = '-----BEGIN CERTIFICATE-----\nthis is not base64 at all!\n-----END CERTIFICATE-----\n';

  it('reads a bundle of two, leaf first', () => {
    const certs = parseCertificates(pki.good.chainPem, 'chain.pem');
    expect(certs.map((c) => c.subject)).toEqual(['O=Vigil Test\nCN=localhost', 'O=Vigil Test\nCN=Vigil Test Intermediate CA']);
  });

  it.each([
    ['a full chain as bytes', () => Buffer.from(pki.good.fullchainPem), 3],
    ['one DER certificate', () => new X509Certificate(pki.good.certPem).raw, 1],
    ['CRLF line ends and a BOM', () => `\uFEFF${pki.good.chainPem.replace(/\n/g, '\r\n')}`, 2],
    ['a key block beside the certificate', () => pki.good.keyPem + pki.good.certPem, 1],
    ['text around the blocks', () => `subject=CN=localhost\n${pki.good.certPem}trailing words\n`, 1],
  ] as const)('reads %s', (_what, input, count) => {
    const certs = parseCertificates(input(), 'x.pem');
    expect(certs).toHaveLength(count);
    expect(certs[0]!.fingerprint256).toBe(new X509Certificate(pki.good.certPem).fingerprint256);
  });

  const der = new X509Certificate(pki.good.certPem).raw;
  const b64 = (bytes: Buffer) => `-----BEGIN CERTIFICATE-----\n${bytes.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
  const bad: [string, () => string | Buffer, RegExp, number | undefined][] = [
    ['an empty file', () => '', /the file is empty/, undefined],
    ['whitespace only', () => Buffer.from(' \n\n'), /the file is empty/, undefined],
    ['text with no PEM block', () => 'hello\n', /no certificate/, 1],
    ['garbage between BEGIN and END of the second block', () => pki.good.certPem + garbageBlock, /^certificate 2 \(line \d+\): the block is not valid base64/, lines(pki.good.certPem) + 1],
    ['base64 that is not a certificate', () => b64(Buffer.from('hello world, not DER')), /^certificate 1 \(line 1\): not a valid X\.509 certificate/, 1],
    ['a truncated certificate in PEM', () => b64(der.subarray(0, der.length - 40)), /^certificate 1 \(line 1\): not a valid X\.509 certificate/, 1],
    ['a truncated DER file', () => der.subarray(0, der.length - 40), /^certificate 1 \(DER\): not a valid X\.509 certificate \(corrupt DER/, undefined],
    ['a DER file with bytes after the certificate', () => Buffer.concat([der, Buffer.from([0, 0])]), /stray bytes/, undefined],
    ['a private key only', () => pki.good.keyPem, /no certificate: the file holds a PRIVATE KEY block \(line 1\)/, 1],
    ['a BEGIN without END', () => pki.good.certPem + pki.good.certPem.split('\n').slice(0, 5).join('\n'), /^certificate 2 \(line \d+\): BEGIN CERTIFICATE has no END line/, lines(pki.good.certPem) + 1],
    ['an END without BEGIN', () => '-----END CERTIFICATE-----\n', /END CERTIFICATE without a BEGIN/, 1],
  ];
  it.each(bad)('rejects %s', (_what, input, message, line) => {
    const e = certError(() => parseCertificates(input(), 'bad.pem'));
    expect(e.message).toMatch(message);
    expect(e.file).toBe('bad.pem');
    expect(e.line).toBe(line);
  });
});

describe('daysUntil', () => {
  const now = new Date('2025-01-01T00:00:00Z');
  it.each([
    ['2025-01-11T00:00:00.000Z', 10],
    ['2025-01-01T12:00:00Z', 0.5],
    ['2024-12-22T00:00:00Z', -10],
    ['2025-01-01T00:00:00Z', 0],
  ])('%s is %d days away', (iso, days) => {
    expect(daysUntil(iso, now)).toBeCloseTo(days, 9);
  });

  it('rejects what is not a date', () => {
    certError(() => daysUntil('soon', now));
  });
});

describe('der reader', () => {
  const hex = (s: string) => Buffer.from(s.replace(/ /g, ''), 'hex');

  it.each([
    ['short length', '04 03 616263', { tag: 0x04, tagNumber: 4, constructed: false, valueStart: 2, end: 5 }],
    ['long length, one octet', `04 81 80 ${'00'.repeat(128)}`, { tag: 0x04, valueStart: 3, end: 131 }],
    ['long length, two octets', `04 82 0100 ${'00'.repeat(256)}`, { tag: 0x04, valueStart: 4, end: 260 }],
    ['constructed context tag', 'a3 00', { tag: 0xa3, tagNumber: 3, constructed: true, valueStart: 2, end: 2 }],
    ['high tag number', '9f 81 00 00', { tagNumber: 128, constructed: false, valueStart: 4, end: 4 }],
  ])('readTlv: %s', (_what, bytes, want) => {
    expect(readTlv(hex(bytes))).toMatchObject(want);
  });

  it.each([
    ['nothing', ''],
    ['a tag and no length', '30'],
    ['a length past the end', '30 05 0101'],
    ['a long length past the end', '04 82 0100 00'],
    ['long length octets missing', '04 82 01'],
    ['indefinite length', '30 80 0000'],
    ['a 5-octet length', '04 85 0000000001 00'],
    ['an unending high tag number', '1f ff ff ff ff ff 00'],
  ])('readTlv rejects %s', (_what, bytes) => {
    expect(certError(() => readTlv(hex(bytes))).message).toMatch(/^corrupt DER/);
  });

  it('a child may not run past its parent', () => {
    // the SEQUENCE says 3 bytes, its child says 4
    const buf = hex('30 03 04 04 0000 0000');
    certError(() => readChildren(buf, readTlv(buf)));
  });

  it('lists children', () => {
    const buf = hex('30 09 02 01 05 06 01 2b 16 01 41');
    expect(readChildren(buf, readTlv(buf)).map((t) => t.tag)).toEqual([TAG.INTEGER, TAG.OID, TAG.IA5_STRING]);
    certError(() => readChildren(buf, readTlv(buf, 2)));
  });

  it.each([
    ['06 09 2a864886f70d01010b', '1.2.840.113549.1.1.11'],
    ['06 03 551d1f', '2.5.29.31'],
    ['06 03 2b6570', '1.3.101.112'],
    ['06 01 00', '0.0'],
    ['06 02 8837', '2.999'],
    // 2.25.<128-bit UUID>: arcs beyond 2^53
    ['06 14 6983f09da7ebcfdee0c7a1a7b2c0948cc8f9d776', '2.25.329800735698586629295641978511506172918'],
  ])('readOid %s → %s', (bytes, oid) => {
    const buf = hex(bytes);
    expect(readOid(buf, readTlv(buf))).toBe(oid);
  });

  it.each([
    ['an empty OID', '06 00'],
    ['an OID ending inside an arc', '06 02 2a86'],
    ['a non-OID tag', '04 01 2a'],
  ])('readOid rejects %s', (_what, bytes) => {
    const buf = hex(bytes);
    certError(() => readOid(buf, readTlv(buf)));
  });

  it.each([
    ['IA5String', '16 05 68656c6c6f', 'hello'],
    ['UTF8String', '0c 05 c3a974c3a9', 'été'],
    ['a [6] URI', '86 03 782f79', 'x/y'],
  ])('readString: %s', (_what, bytes, text) => {
    const buf = hex(bytes);
    expect(readString(buf, readTlv(buf))).toBe(text);
  });

  it.each([
    ['non-ASCII IA5String', '16 02 41e9'],
    ['invalid UTF-8', '0c 02 c328'],
    ['an INTEGER', '02 01 05'],
  ])('readString rejects %s', (_what, bytes) => {
    const buf = hex(bytes);
    certError(() => readString(buf, readTlv(buf)));
  });
});

describe('der reader and parser fuzz', () => {
  /** Read everything readable, the way a curious parser would: children of constructed values, OIDs, strings. */
  function walk(buf: Uint8Array, tlv: Tlv, depth = 0): void {
    if (depth > 64) return;
    if (tlv.constructed) for (const c of readChildren(buf, tlv)) walk(buf, c, depth + 1);
    else if (tlv.tag === TAG.OID) readOid(buf, tlv);
    else if (tlv.tag === TAG.IA5_STRING || tlv.tag === TAG.UTF8_STRING) readString(buf, tlv);
    else if (tlv.tag === TAG.OCTET_STRING && tlv.end > tlv.valueStart) walk(buf, readTlv(buf, tlv.valueStart, tlv.end), depth + 1);
  }
  const der = new X509Certificate(pki.good.certPem).raw;

  it('never throws anything but VigilError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        onlyVigilErrors(() => walk(bytes, readTlv(bytes)));
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws anything but VigilError on DER-shaped random bytes', () => {
    // a plausible header makes the reader go deeper than uniform noise does
    const header = fc.constantFrom(0x30, 0x31, 0xa0, 0xa3, 0x04, 0x06, 0x16, 0x86);
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 200 }), (tag, rest) => {
        const bytes = Uint8Array.from([tag, rest.length & 0x7f, ...rest]);
        onlyVigilErrors(() => walk(bytes, readTlv(bytes)));
        onlyVigilErrors(() => parseCertificates(Buffer.from(bytes), 'fuzz.der'));
      }),
      { numRuns: 2000 },
    );
  });

  it('every truncation of a real certificate is a VigilError', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: der.length - 1 }), (cut) => {
        const bytes = der.subarray(0, cut);
        certError(() => readTlv(bytes));
        certError(() => parseCertificates(bytes, 'cut.der'));
        onlyVigilErrors(() => certificateFacts(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('a real certificate with a byte changed reads or fails with a VigilError', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: der.length - 1 }), fc.integer({ min: 0, max: 255 }), (at, value) => {
        const bytes = Buffer.from(der);
        bytes[at] = value;
        onlyVigilErrors(() => walk(bytes, readTlv(bytes)));
        onlyVigilErrors(() => certificateFacts(parseCertificates(bytes, 'flip.der')[0]!));
      }),
      { numRuns: 500 },
    );
  });
});
