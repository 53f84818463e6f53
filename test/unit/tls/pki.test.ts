import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { LEAF_NAMES, makePki } from '../../helpers/tls-pki.js';
import type { LeafName } from '../../helpers/tls-pki.js';

const pki = makePki();

/** `openssl verify` output, without throwing on a failed verification. */
function verify(args: string[]): string {
  try {
    return execFileSync('openssl', ['verify', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return `${err.stdout ?? ''}${err.stderr ?? ''}`;
  }
}

const pemCount = (pem: string) => pem.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0;

describe('test PKI', () => {
  it('is memoised per process', () => {
    expect(makePki()).toBe(pki);
    expect(pki.dir).toContain(`vigil-tls-pki-${process.pid}`);
  });

  it.each(LEAF_NAMES)('%s: key and certificate are a pair, chain files are in order', (name) => {
    const leaf = pki[name];
    for (const f of [leaf.key, leaf.cert, leaf.chain, leaf.fullchain]) expect(existsSync(f)).toBe(true);
    const cert = new X509Certificate(leaf.certPem);
    expect(cert.checkPrivateKey(createPrivateKey(leaf.keyPem))).toBe(true);
    expect(createPublicKey(leaf.keyPem).export({ format: 'der', type: 'spki' })).toEqual(cert.publicKey.export({ format: 'der', type: 'spki' }));
    if (name === 'selfSigned') {
      expect(leaf.chainPem).toBe(leaf.certPem);
      expect(leaf.fullchainPem).toBe(leaf.certPem);
    } else {
      expect(pemCount(leaf.chainPem)).toBe(2);
      expect(pemCount(leaf.fullchainPem)).toBe(3);
      expect(leaf.fullchainPem).toBe(leaf.certPem + pki.intermediate.certPem + pki.root.certPem);
      expect(cert.checkIssued(new X509Certificate(pki.intermediate.certPem))).toBe(true);
    }
  });

  const verdicts: [LeafName, string][] = [
    ['good', 'OK'],
    ['ec', 'OK'],
    ['ec224', 'OK'],
    ['rsa1024', 'OK'],
    ['sha1', 'OK'],
    ['md5', 'OK'],
    ['wrongHost', 'OK'],
    ['expiring20', 'OK'],
    ['expiring45', 'OK'],
    ['longLived', 'OK'],
    ['noRevocation', 'OK'],
    ['rsaPss', 'OK'],
    ['ed25519', 'OK'],
    ['expired', 'certificate has expired'],
    ['notYetValid', 'certificate is not yet valid'],
    ['selfSigned', 'self-signed certificate'],
  ];
  it.each(verdicts)('openssl verify -CAfile root -untrusted intermediate %s: %s', (name, verdict) => {
    const out = verify(['-CAfile', pki.root.cert, '-untrusted', pki.intermediate.cert, pki[name].cert]);
    if (verdict === 'OK') expect(out.trim()).toBe(`${pki[name].cert}: OK`);
    else expect(out).toContain(verdict);
  });

  it('the self-signed leaf verifies when trusted itself', () => {
    expect(verify(['-CAfile', pki.selfSigned.cert, pki.selfSigned.cert]).trim()).toBe(`${pki.selfSigned.cert}: OK`);
  });

  it('the intermediate chains to the root, the root is self-signed', () => {
    expect(verify(['-CAfile', pki.root.cert, pki.intermediate.cert]).trim()).toBe(`${pki.intermediate.cert}: OK`);
    const root = new X509Certificate(pki.root.certPem);
    expect(root.ca).toBe(true);
    expect(root.verify(root.publicKey)).toBe(true);
  });

  it.each([
    ['dhParams1024', 1024],
    ['dhParams2048', 2048],
  ] as const)('%s holds %i-bit DH parameters that OpenSSL checks as sound', (name, bits) => {
    const out = execFileSync('openssl', ['pkeyparam', '-in', pki[name], '-check', '-text', '-noout'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toContain(`(${bits} bit)`);
    expect(out).toContain('Parameters are valid');
  });

  it('a node:tls server with the good chain is trusted by a client that trusts the root', async () => {
    const server = tls.createServer({ key: pki.good.keyPem, cert: pki.good.chainPem }, (s) => s.end('hi'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.root.certPem });
      await once(socket, 'secureConnect');
      expect(socket.authorized).toBe(true);
      expect(socket.getPeerCertificate(true).issuerCertificate.subject.CN).toBe('Vigil Test Intermediate CA');
      socket.destroy();
    } finally {
      server.close();
    }
  });
});
