/**
 * The demo's HTTPS front for the example shop: a local CA and a server certificate made on first
 * start (and again when the certificate nears its end), then a small HTTPS server on loopback
 * serving the shop's page with the headers a well-run site sends. `vigil serve --demo` starts it
 * so the repository's vigil.yaml has a real TLS host to check.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import forge from 'node-forge';

export interface DemoPki {
  /** The local CA, PEM: trust it (the config's `ca`) to check the shop. */
  caFile: string;
  keyFile: string;
  /** The server certificate followed by the CA (a full chain, as a server should send). */
  certFile: string;
}

const DAY = 86_400_000;
/** The server certificate lives 90 days and is remade with 61 left, so the demo never trips the 60-day warning. */
const LEAF_DAYS = 90;
const RENEW_DAYS = 61;

/** The demo CA and server certificate under `dir`, made or renewed as needed. */
export function ensureDemoPki(dir: string, now = new Date()): DemoPki {
  mkdirSync(dir, { recursive: true });
  const caFile = join(dir, 'ca.pem');
  const caKeyFile = join(dir, 'ca.key');
  const keyFile = join(dir, 'shop.key');
  const certFile = join(dir, 'shop.pem');

  let caCert: forge.pki.Certificate;
  let caKey: forge.pki.PrivateKey;
  if (existsSync(caFile) && existsSync(caKeyFile)) {
    caCert = forge.pki.certificateFromPem(readFileSync(caFile, 'utf8'));
    caKey = forge.pki.privateKeyFromPem(readFileSync(caKeyFile, 'utf8'));
  } else {
    const pair = rsaPair();
    caKey = pair.privateKey;
    caCert = certificate({
      subject: [{ name: 'commonName', value: 'vigil demo local CA' }, { name: 'organizationName', value: 'vigil demo' }],
      publicKey: pair.publicKey,
      from: new Date(now.getTime() - DAY),
      days: 3650,
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
        { name: 'subjectKeyIdentifier' },
      ],
    });
    caCert.setIssuer(caCert.subject.attributes);
    caCert.sign(caKey as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
    writeFileSync(caKeyFile, forge.pki.privateKeyToPem(caKey), { mode: 0o600 });
    writeFileSync(caFile, forge.pki.certificateToPem(caCert));
  }

  const current = existsSync(certFile) && existsSync(keyFile) ? forge.pki.certificateFromPem(readFileSync(certFile, 'utf8')) : undefined;
  const fresh = current && current.validity.notAfter.getTime() - now.getTime() > RENEW_DAYS * DAY && current.issuer.hash === caCert.subject.hash;
  if (!fresh) {
    const pair = rsaPair();
    const leaf = certificate({
      subject: [{ name: 'commonName', value: 'localhost' }, { name: 'organizationName', value: 'vigil demo shop' }],
      publicKey: pair.publicKey,
      from: new Date(now.getTime() - DAY),
      days: LEAF_DAYS,
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
        // where a client would check revocation: the demo has no CRL to serve, but a real certificate names one
        { name: 'cRLDistributionPoints', altNames: [{ type: 6, value: 'http://localhost/demo-ca.crl' }] },
      ],
    });
    leaf.setIssuer(caCert.subject.attributes);
    leaf.sign(caKey as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
    writeFileSync(keyFile, forge.pki.privateKeyToPem(pair.privateKey), { mode: 0o600 });
    writeFileSync(certFile, forge.pki.certificateToPem(leaf) + forge.pki.certificateToPem(caCert));
  }
  return { caFile, keyFile, certFile };
}

/** An RSA 2048 key pair made by node:crypto (native, fast) and handed to forge. */
function rsaPair(): { privateKey: forge.pki.PrivateKey; publicKey: forge.pki.PublicKey } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  return { privateKey: forge.pki.privateKeyFromPem(privateKey), publicKey: forge.pki.publicKeyFromPem(publicKey) };
}

function certificate(o: { subject: forge.pki.CertificateField[]; publicKey: forge.pki.PublicKey; from: Date; days: number; extensions: object[] }): forge.pki.Certificate {
  const c = forge.pki.createCertificate();
  c.publicKey = o.publicKey;
  // a positive serial: the top bit clear
  c.serialNumber = `0${randomBytes(15).toString('hex')}`;
  c.validity.notBefore = o.from;
  c.validity.notAfter = new Date(o.from.getTime() + o.days * DAY);
  c.setSubject(o.subject);
  c.setExtensions(o.extensions);
  return c;
}

/** Mozilla's intermediate suites for TLS 1.2 (TLS 1.3 suites are all fine). */
const CIPHERS = 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305';

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>vigil demo shop</title></head>
<body><h1>vigil demo shop</h1><p>The example shop, served over HTTPS for vigil's <code>tls</code> checks.</p></body></html>
`;

/** Serve the demo shop over HTTPS on `host:port`; resolves with the bound port and a close function. */
export async function startShopHttps(pki: DemoPki, host: string, port: number): Promise<{ port: number; close(): Promise<void> }> {
  const server = https.createServer(
    { key: readFileSync(pki.keyFile), cert: readFileSync(pki.certFile), minVersion: 'TLSv1.2', ciphers: CIPHERS },
    (_req, res) => {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'strict-transport-security': 'max-age=63072000; includeSubDomains',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'self'",
      });
      res.end(PAGE);
    },
  );
  // probes that stop mid-handshake are what a TLS checker does
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
