/**
 * One bounded HTTP(S) request for the health check and the memory samples: a timeout, an abort
 * signal, a cap on the body, no redirects followed (a scan never leaves its target's origin), and
 * for https the TLS verdict (trusted, for this host name) and the certificate's expiry.
 */
import http from 'node:http';
import https from 'node:https';
import tls, { type TLSSocket } from 'node:tls';

export interface GetResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body, at most maxBytes of it. */
  body: Buffer;
  truncated: boolean;
  /** Time to the whole (capped) body. */
  ms: number;
  tls?: { authorized: boolean; error?: string; validTo?: string };
}

export interface GetOptions {
  headers?: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal;
  /** Extra trust anchors (PEM text) on top of Node's store. */
  ca?: string[];
  maxBytes?: number;
}

/** Why a request got no answer, as an error whose `code` is a node error code or 'ETIMEDOUT'. */
export class NoAnswerError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'NoAnswerError';
  }
}

/** GET `url`; resolves with the answer or rejects with NoAnswerError (or the signal's reason when aborted). */
export function httpGet(url: URL, o: GetOptions): Promise<GetResult> {
  const maxBytes = o.maxBytes ?? 1024 * 1024;
  const secure = url.protocol === 'https:';
  const started = performance.now();
  return new Promise<GetResult>((resolve, reject) => {
    if (o.signal.aborted) return reject(o.signal.reason);
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal.removeEventListener('abort', onAbort);
      f();
    };
    const options: https.RequestOptions = {
      method: 'GET',
      headers: { accept: '*/*', ...o.headers },
      // one socket per request: a sample must not queue behind the load test's own sockets
      agent: false,
      // the verdict is read from the socket, not enforced: an untrusted certificate is a finding, not a crash;
      // with `ca` given node drops its own store, so the system's roots are added back
      ...(secure ? { rejectUnauthorized: false, ...(o.ca?.length ? { ca: [...tls.rootCertificates, ...o.ca] } : {}) } : {}),
    };
    const req = (secure ? https : http).request(url, options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      const sock = res.socket as TLSSocket;
      const tlsInfo = secure ? tlsOf(sock) : undefined;
      res.on('data', (c: Buffer) => {
        if (truncated) return;
        const room = maxBytes - size;
        if (c.length > room) {
          chunks.push(c.subarray(0, room));
          size = maxBytes;
          truncated = true;
          // enough read: the rest of a huge body is not worth waiting for
          done();
          res.destroy();
          return;
        }
        chunks.push(c);
        size += c.length;
      });
      const done = () =>
        finish(() =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), truncated, ms: performance.now() - started, ...(tlsInfo ? { tls: tlsInfo } : {}) }),
        );
      res.on('end', done);
      res.on('error', (e) => finish(() => reject(noAnswer(e))));
      res.on('aborted', () => finish(() => reject(new NoAnswerError('ECONNRESET', 'the connection closed before the response ended'))));
    });
    const timer = setTimeout(() => {
      finish(() => reject(new NoAnswerError('ETIMEDOUT', `no complete answer within ${o.timeoutMs} ms`)));
      req.destroy();
    }, o.timeoutMs);
    const onAbort = () => {
      finish(() => reject(o.signal.reason));
      req.destroy();
    };
    o.signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', (e) => finish(() => reject(noAnswer(e))));
    req.end();
  });
}

function tlsOf(sock: TLSSocket): GetResult['tls'] {
  const cert = sock.getPeerCertificate?.();
  const err = sock.authorizationError;
  return {
    authorized: sock.authorized === true,
    ...(err ? { error: typeof err === 'string' ? err : String((err as Error).message ?? err) } : {}),
    ...(cert && cert.valid_to ? { validTo: cert.valid_to } : {}),
  };
}

function noAnswer(e: unknown): NoAnswerError {
  const err = e as NodeJS.ErrnoException;
  const code = err.code ?? 'ERROR';
  return new NoAnswerError(code, `${code}: ${err.message ?? String(e)}`);
}
