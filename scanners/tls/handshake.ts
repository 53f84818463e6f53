/**
 * One TLS handshake with a host, as a client offering exactly what it is told to — a protocol
 * range and a cipher list — over a plain TCP connection or after a STARTTLS exchange (SMTP,
 * PostgreSQL). Nothing is verified here: the caller reads what the server chose and sent.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { EphemeralKey, TlsVersion } from './types.js';

export interface Endpoint {
  host: string;
  port: number;
  /** SNI and the name the certificate is checked against. */
  servername: string;
  starttls?: 'smtp' | 'postgres';
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface Offer {
  minVersion: TlsVersion;
  maxVersion: TlsVersion;
  /** OpenSSL cipher string (TLS 1.3 suite names included, as Node allows). */
  ciphers?: string;
  /** Trust anchors for `authorized`; none means an empty store (the chain as sent, unverified). */
  ca?: string[];
}

/** Why a handshake did not complete. */
export type FailureKind = 'refused' | 'unreachable' | 'timeout' | 'rejected' | 'not-tls' | 'starttls' | 'closed';

export type HandshakeResult =
  | {
      ok: true;
      protocol: TlsVersion;
      /** OpenSSL name of the suite chosen. */
      cipher: string;
      ephemeral?: EphemeralKey;
      /** The peer's certificate with `issuerCertificate` links, as Node builds it. */
      peer: tls.DetailedPeerCertificate;
      authorized: boolean;
      authorizationError?: string;
      /** The open socket, when asked to keep it (for an HTTP request over it); the caller ends it. */
      socket?: tls.TLSSocket;
    }
  | { ok: false; kind: FailureKind; message: string };

/** Secure contexts are costly to build (the cipher list is parsed each time): one per distinct offer. */
const contexts = new Map<string, tls.SecureContext>();

function contextFor(offer: Offer): tls.SecureContext {
  const create = () =>
    tls.createSecureContext({
      minVersion: offer.minVersion,
      maxVersion: offer.maxVersion,
      ...(offer.ciphers ? { ciphers: offer.ciphers } : {}),
      // an empty list is an empty store: the certificate chain comes back exactly as the server sent it
      ca: offer.ca ?? [],
    });
  // contexts with trust anchors are not shared: the anchors differ per target
  if (offer.ca) return create();
  const key = `${offer.minVersion}|${offer.maxVersion}|${offer.ciphers ?? ''}`;
  let ctx = contexts.get(key);
  if (!ctx) {
    if (contexts.size > 2000) contexts.clear();
    contexts.set(key, (ctx = create()));
  }
  return ctx;
}

/** Connect, run STARTTLS when asked, and handshake; never throws for the host's behaviour. */
export async function handshake(ep: Endpoint, offer: Offer, keepOpen = false): Promise<HandshakeResult> {
  let secureContext: tls.SecureContext;
  try {
    secureContext = contextFor(offer);
  } catch (e) {
    // the local OpenSSL cannot offer this (a suite compiled out): not the server's doing
    return { ok: false, kind: 'rejected', message: `this OpenSSL cannot offer it: ${(e as Error).message}` };
  }
  const raw = await connect(ep);
  if ('kind' in raw) return raw;
  if (ep.starttls) {
    const upgraded = await startTls(raw, ep);
    if (upgraded !== true) {
      raw.destroy();
      return upgraded;
    }
  }
  return new Promise<HandshakeResult>((resolve) => {
    let settled = false;
    const finish = (r: HandshakeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ep.signal?.removeEventListener('abort', onAbort);
      if (!(r.ok && keepOpen)) socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ ok: false, kind: 'timeout', message: `no TLS handshake within ${ep.timeoutMs} ms` }), ep.timeoutMs);
    const onAbort = () => finish({ ok: false, kind: 'timeout', message: 'aborted' });
    ep.signal?.addEventListener('abort', onAbort, { once: true });
    const socket = tls.connect({
      socket: raw,
      secureContext,
      servername: isIp(ep.servername) ? '' : ep.servername,
      rejectUnauthorized: false,
      // no session reuse: every handshake is a full one, so each offer is judged on its own
      session: undefined,
    });
    socket.once('secureConnect', () => {
      const protocol = socket.getProtocol() as TlsVersion | null;
      const cipher = socket.getCipher();
      const eph = socket.getEphemeralKeyInfo();
      const ephemeral: EphemeralKey | undefined =
        eph && typeof eph === 'object' && 'type' in eph && (eph.type === 'DH' || eph.type === 'ECDH') ? { type: eph.type, size: eph.size ?? 0, ...(eph.name ? { name: eph.name } : {}) } : undefined;
      const authError = socket.authorizationError as unknown;
      finish({
        ok: true,
        protocol: protocol ?? offer.maxVersion,
        cipher: cipher.name,
        ...(ephemeral ? { ephemeral } : {}),
        peer: socket.getPeerCertificate(true),
        authorized: socket.authorized,
        ...(authError ? { authorizationError: authError instanceof Error ? (((authError as NodeJS.ErrnoException).code as string | undefined) ?? authError.message) : String(authError) } : {}),
        ...(keepOpen ? { socket } : {}),
      });
    });
    socket.once('error', (e: NodeJS.ErrnoException) => finish(classify(e)));
    socket.once('close', () => finish({ ok: false, kind: 'closed', message: 'the server closed the connection during the handshake' }));
  });
}

/** A TCP connection, or why there is none. */
function connect(ep: Endpoint): Promise<net.Socket | { ok: false; kind: FailureKind; message: string }> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: ep.host, port: ep.port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ ok: false, kind: 'timeout', message: `no TCP connection to ${ep.host}:${ep.port} within ${ep.timeoutMs} ms` });
    }, ep.timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({
        ok: false,
        kind: e.code === 'ECONNREFUSED' ? 'refused' : 'unreachable',
        message: `${ep.host}:${ep.port}: ${e.code === 'ECONNREFUSED' ? 'connection refused' : e.message}`,
      });
    });
  });
}

function classify(e: NodeJS.ErrnoException): HandshakeResult {
  const m = e.message;
  // a plain-text service answering a ClientHello: OpenSSL reads its first bytes as a record header
  if (/wrong version number|packet length too long|unknown protocol|record layer failure|http request/i.test(m)) {
    return { ok: false, kind: 'not-tls', message: `the port does not speak TLS (${m})` };
  }
  if (e.code === 'ECONNRESET' || e.code === 'EPIPE') return { ok: false, kind: 'closed', message: `the server reset the connection (${m})` };
  return { ok: false, kind: 'rejected', message: m };
}

/** The SMTP or PostgreSQL exchange that turns a plain connection into one ready for TLS. */
async function startTls(socket: net.Socket, ep: Endpoint): Promise<true | { ok: false; kind: FailureKind; message: string }> {
  const reader = lineReader(socket, ep.timeoutMs);
  try {
    if (ep.starttls === 'postgres') {
      // SSLRequest: length 8, code 80877103; the server answers one byte, S (go ahead) or N
      const req = Buffer.alloc(8);
      req.writeUInt32BE(8, 0);
      req.writeUInt32BE(80877103, 4);
      socket.write(req);
      const answer = await reader.bytes(1);
      if (answer[0] === 0x53) return true;
      return { ok: false, kind: 'starttls', message: answer[0] === 0x4e ? 'the PostgreSQL server refuses SSL (it answered N to SSLRequest)' : `not a PostgreSQL server (answered 0x${answer.toString('hex')} to SSLRequest)` };
    }
    const greeting = await reader.reply();
    if (!greeting.startsWith('220')) return { ok: false, kind: 'starttls', message: `not an SMTP greeting: ${greeting.slice(0, 80)}` };
    socket.write('EHLO vigil.invalid\r\n');
    const ehlo = await reader.reply();
    if (!ehlo.startsWith('250')) return { ok: false, kind: 'starttls', message: `EHLO refused: ${ehlo.slice(0, 80)}` };
    if (!/^250[ -]STARTTLS\b/im.test(ehlo)) return { ok: false, kind: 'starttls', message: 'the SMTP server does not offer STARTTLS' };
    socket.write('STARTTLS\r\n');
    const go = await reader.reply();
    if (!go.startsWith('220')) return { ok: false, kind: 'starttls', message: `STARTTLS refused: ${go.slice(0, 80)}` };
    return true;
  } catch (e) {
    return { ok: false, kind: 'starttls', message: (e as Error).message };
  } finally {
    reader.release();
  }
}

/** Reads SMTP replies (multi-line `250-…` up to `250 …`) or raw bytes from a socket, with a deadline. */
function lineReader(socket: net.Socket, timeoutMs: number) {
  // What was read and not yet taken is store[head, tail). The store grows by doubling: a server
  // sending a byte at a time must not make every packet copy all that came before (quadratic).
  let store = Buffer.alloc(4096);
  let head = 0;
  let tail = 0;
  let wake: (() => void) | undefined;
  let ended: Error | undefined;
  const onData = (d: Buffer) => {
    if (tail + d.length > store.length) {
      const grown = Buffer.alloc(Math.max(store.length * 2, tail - head + d.length));
      store.copy(grown, 0, head, tail);
      tail -= head;
      head = 0;
      store = grown;
    }
    d.copy(store, tail);
    tail += d.length;
    wake?.();
  };
  const onEnd = () => {
    ended = new Error('the server closed the connection before TLS started');
    wake?.();
  };
  socket.on('data', onData);
  socket.once('end', onEnd);
  socket.once('error', onEnd);
  const deadline = Date.now() + timeoutMs;
  const until = async (ready: () => boolean) => {
    while (!ready()) {
      if (ended) throw ended;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no STARTTLS answer within ${timeoutMs} ms`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        wake = () => {
          clearTimeout(t);
          r();
        };
      });
    }
  };
  return {
    async bytes(n: number): Promise<Buffer> {
      await until(() => tail - head >= n);
      // bytes before `tail` are never written again (a grown store is a new buffer)
      const out = store.subarray(head, head + n);
      head += n;
      return out;
    },
    async reply(): Promise<string> {
      let end = -1;
      // Lines already read are not read again when the next packet comes: a server sending a byte
      // at a time would otherwise make each packet cost the whole reply so far (quadratic).
      let line = 0;
      await until(() => {
        const buf = store.subarray(head, tail);
        for (let crlf = buf.indexOf('\r\n', line); end === -1 && crlf >= 0; crlf = buf.indexOf('\r\n', line)) {
          // the last line of a reply has a space after its code (/(^|\r\n)\d{3} [^\r\n]*\r\n/, a line at a time)
          if (/^\d{3} [^\r\n]*$/.test(buf.toString('latin1', line, crlf))) end = crlf + 2;
          else line = crlf + 2;
        }
        if (buf.length > 64 * 1024) throw new Error('an SMTP reply longer than 64 KiB');
        return end !== -1;
      });
      const text = store.toString('latin1', head, head + end);
      head += end;
      return text;
    },
    release() {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onEnd);
      // anything read past the last reply would belong to TLS, and there is none before our ClientHello
    },
  };
}

function isIp(s: string): boolean {
  return net.isIP(s) !== 0;
}
