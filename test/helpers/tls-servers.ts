/**
 * Real TLS servers on loopback for the tls scanner's tests: node:tls / node:https servers and
 * `openssl s_server`, each on a free port, each closed by the caller.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { freePort } from './ports.js';

export interface Running {
  port: number;
  close(): Promise<void>;
}

export interface NodeServerOptions {
  key: string;
  /** PEM file: the leaf alone, or the leaf and its intermediates. */
  cert: string;
  minVersion?: tls.SecureVersion;
  maxVersion?: tls.SecureVersion;
  ciphers?: string;
  /** PEM file of DH parameters, for DHE suites. */
  dhparam?: string;
  honorCipherOrder?: boolean;
  /** Serve HTTPS with these response headers (HSTS tests); plain TLS echo when absent. */
  httpHeaders?: Record<string, string>;
}

/** A node:tls server (or node:https when httpHeaders is given) on 127.0.0.1. */
export async function nodeTlsServer(o: NodeServerOptions): Promise<Running> {
  const common: tls.TlsOptions = {
    key: readFileSync(o.key),
    cert: readFileSync(o.cert),
    ...(o.minVersion ? { minVersion: o.minVersion } : {}),
    ...(o.maxVersion ? { maxVersion: o.maxVersion } : {}),
    ...(o.ciphers ? { ciphers: o.ciphers } : {}),
    ...(o.dhparam ? { dhparam: readFileSync(o.dhparam) } : {}),
    ...(o.honorCipherOrder !== undefined ? { honorCipherOrder: o.honorCipherOrder } : {}),
  };
  const server = o.httpHeaders
    ? https.createServer(common, (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain', ...o.httpHeaders });
        res.end('ok\n');
      })
    : tls.createServer(common, (s) => {
        s.on('error', () => undefined);
        s.end('hello\n');
      });
  // clients that give up mid-handshake are the prober's normal business, not a test failure
  server.on('tlsClientError', () => undefined);
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A TCP server that accepts and never answers (a server hanging mid-handshake). */
export async function silentServer(): Promise<Running> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A TCP server that answers anything with a plain-text HTTP response (a port that does not speak TLS). */
export async function plainHttpServer(): Promise<Running> {
  const server = net.createServer((s) => {
    s.on('error', () => undefined);
    s.once('data', () => s.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/**
 * `openssl s_server` with the given arguments (key, cert, protocol and cipher flags) on a free
 * port; resolves once it accepts connections. It serves one connection at a time, as it does.
 */
export async function opensslServer(args: string[]): Promise<Running> {
  const port = await freePort();
  const child: ChildProcess = spawn('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-naccept', '100000', '-quiet', ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`openssl s_server ${args.join(' ')} exited ${child.exitCode}: ${stderr}`);
    const up = await new Promise<boolean>((r) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        r(true);
      });
      s.on('error', () => r(false));
    });
    if (up) break;
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`openssl s_server did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    close: () =>
      new Promise<void>((r) => {
        if (child.exitCode !== null) return r();
        child.once('exit', () => r());
        child.kill();
      }),
  };
}
