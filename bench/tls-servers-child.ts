/**
 * The TLS benchmark's servers, in a process of their own: N node:https servers on loopback with
 * a local CA's certificate, in three configurations (Mozilla intermediate; TLS 1.0+ with legacy
 * CBC and static-RSA suites; Node's defaults). Prints `{"ports":[…]}` when all listen.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type tls from 'node:tls';

const [certFile, keyFile, countArg] = process.argv.slice(2);
const count = Number(countArg ?? 50);
const key = readFileSync(keyFile!);
const cert = readFileSync(certFile!);
const INTERMEDIATE = 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305';
const CONFIGS: tls.TlsOptions[] = [
  { minVersion: 'TLSv1.2', ciphers: INTERMEDIATE },
  { minVersion: 'TLSv1', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA:AES128-SHA:AES256-SHA:AES128-GCM-SHA256:@SECLEVEL=0' },
  {},
];

const ports: number[] = [];
for (let i = 0; i < count; i++) {
  const server = https.createServer({ key, cert, ...CONFIGS[i % CONFIGS.length] }, (_req, res) => {
    res.writeHead(200, i % 2 === 0 ? { 'strict-transport-security': 'max-age=63072000; includeSubDomains' } : {});
    res.end('ok\n');
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  ports.push((server.address() as AddressInfo).port);
}
process.stdout.write(`${JSON.stringify({ ports })}\n`);
// the parent ends this process when the benchmark is done
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
