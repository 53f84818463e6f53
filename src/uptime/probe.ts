import http from 'node:http';
import https from 'node:https';
import { rootCertificates, checkServerIdentity, type PeerCertificate } from 'node:tls';
import type { ExpectedStatus } from '../config/types.js';
import type { ProbeResult } from '../ledger/uptime-store.js';
import { redactUrlCredentials } from '../util/redact.js';

/** The most of a body a probe reads (and searches for its assertion). */
export const MAX_BODY_BYTES = 64 * 1024;
const DAY_MS = 86_400_000;

/** One health URL, as the prober checks it. */
export interface ProbeSpec {
  name: string;
  url: string;
  /** Accepted statuses: exact codes or classes ('2xx'). */
  status: readonly ExpectedStatus[];
  /** A substring the first 64 KiB of the body must contain. */
  body?: string;
  /** Extra trust anchors (PEM text) beside the system's. */
  ca?: string;
  tlsMinDays: number;
  timeoutMs: number;
  userAgent?: string;
}

/** How a certificate problem reads in a result: the reason a person acts on, never a stack. */
const TLS_REASONS: Record<string, string> = {
  CERT_HAS_EXPIRED: 'certificate expired',
  CERT_NOT_YET_VALID: 'certificate not yet valid',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'certificate not trusted (self-signed)',
  SELF_SIGNED_CERT_IN_CHAIN: 'certificate not trusted (self-signed certificate in the chain)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate not trusted (unknown issuer)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'certificate not trusted (unknown issuer)',
  UNABLE_TO_GET_ISSUER_CERT: 'certificate not trusted (unknown issuer)',
  CERT_REVOKED: 'certificate revoked',
  CERT_SIGNATURE_FAILURE: 'certificate signature invalid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'certificate does not name the host',
};

const NET_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found (DNS lookup failed)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed by the server',
  HPE_INVALID_CONSTANT: 'not an HTTP response',
  ERR_SSL_WRONG_VERSION_NUMBER: 'TLS: the server did not speak TLS',
};

/** "2xx", "200", "200, 3xx": what a failed status check says it expected. */
export function describeExpected(status: readonly ExpectedStatus[]): string {
  return status.join(', ');
}

/** True when `code` is one of the accepted statuses. */
export function statusAccepted(code: number, status: readonly ExpectedStatus[]): boolean {
  return status.some((s) => (typeof s === 'number' ? s === code : Math.floor(code / 100) === Number(s[0])));
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/**
 * Probe one health URL once: GET it (no redirect followed), check the status, the body assertion
 * and, over https, that the certificate verifies (system roots plus `ca`) and has at least
 * `tlsMinDays` days left. Never throws: every failure is a result with its reason.
 */
export async function probeOnce(spec: ProbeSpec, opts: { signal?: AbortSignal; now?: () => Date } = {}): Promise<ProbeResult> {
  const now = opts.now ?? (() => new Date());
  const started = now();
  const t0 = performance.now();
  const base = { probe: spec.name, url: redactUrlCredentials(spec.url), at: started.toISOString() };
  const done = (r: { ok: boolean; status: number | null; error: string | null; tlsDaysLeft: number | null; latency?: boolean }): ProbeResult => ({
    ...base,
    ok: r.ok,
    status: r.status,
    latencyMs: r.latency === false ? null : Math.round(performance.now() - t0),
    error: r.error === null ? null : redactUrlCredentials(r.error),
    tlsDaysLeft: r.tlsDaysLeft,
  });
  let url: URL;
  try {
    url = new URL(spec.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    return done({ ok: false, status: null, error: 'not an http:// or https:// URL', tlsDaysLeft: null, latency: false });
  }
  const timeout = AbortSignal.timeout(spec.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  const tlsOn = url.protocol === 'https:';
  let peer: PeerCertificate | undefined;
  const daysLeft = () => (peer?.valid_to ? Math.floor((Date.parse(peer.valid_to) - now().getTime()) / DAY_MS) : null);

  return new Promise<ProbeResult>((resolve) => {
    let settled = false;
    const finish = (r: Parameters<typeof done>[0]) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      req.destroy();
      resolve(done(r));
    };
    const onAbort = () => {
      const stopped = opts.signal?.aborted && !timeout.aborted;
      finish({ ok: false, status: null, error: stopped ? 'stopped' : `timeout after ${seconds(spec.timeoutMs)}`, tlsDaysLeft: tlsOn ? daysLeft() : null });
    };
    const headers = { 'user-agent': spec.userAgent ?? 'vigil-uptime', accept: '*/*' };
    const req = tlsOn
      ? https.request(url, {
          method: 'GET',
          headers,
          agent: false,
          ...(spec.ca ? { ca: [...rootCertificates, spec.ca] } : {}),
          // the chain verified: keep the leaf for its expiry, then check the name as usual
          checkServerIdentity: (host, cert) => {
            peer = cert;
            return checkServerIdentity(host, cert);
          },
        })
      : http.request(url, { method: 'GET', headers, agent: false });
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', (e: NodeJS.ErrnoException) => {
      const code = e.code ?? '';
      const tlsWhy = TLS_REASONS[code];
      if (tlsWhy) return finish({ ok: false, status: null, error: `TLS: ${tlsWhy}`, tlsDaysLeft: daysLeft() });
      const netWhy = NET_REASONS[code];
      finish({ ok: false, status: null, error: netWhy ?? (code ? `${code}: ${e.message}` : e.message), tlsDaysLeft: tlsOn ? daysLeft() : null });
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const tlsDaysLeft = tlsOn ? daysLeft() : null;
      if (!statusAccepted(status, spec.status)) {
        res.resume();
        return finish({ ok: false, status, error: `status ${status} (expected ${describeExpected(spec.status)})`, tlsDaysLeft });
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const check = () => {
        if (spec.body !== undefined) {
          const text = Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8');
          if (!text.includes(spec.body)) return finish({ ok: false, status, error: `body lacks ${JSON.stringify(spec.body)}`, tlsDaysLeft });
        }
        if (tlsDaysLeft !== null && tlsDaysLeft < spec.tlsMinDays) {
          return finish({ ok: false, status, error: `TLS: certificate expires in ${tlsDaysLeft} days (minimum ${spec.tlsMinDays})`, tlsDaysLeft });
        }
        finish({ ok: true, status, error: null, tlsDaysLeft });
      };
      if (spec.body === undefined) {
        // the status settles it: the body is not waited for
        res.resume();
        return check();
      }
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        size += c.length;
        if (size >= MAX_BODY_BYTES) check();
      });
      res.on('end', check);
      res.on('error', () => check());
    });
    req.end();
  });
}
