/**
 * A REPLAY of ZAP's JSON API shapes for the zap adapter's tests — not ZAP, and no scanning: a
 * node:http server on 127.0.0.1 that answers the endpoints the adapter calls the way a ZAP 2.14+
 * daemon does (scan ids, status climbing to 100 over calls, the passive queue draining, alerts
 * paged with ZAP's own off-by-one on `start`), checks the API key, and records every call.
 *
 * Shapes follow ZAP's sources (API.java, AlertAPI.java): values are strings, errors are
 * `{"code":…,"message":…}` with status 400, and false-positive alerts never leave the server.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One alert as ZAP's alerts view returns it. */
export type ZapAlertJson = Record<string, unknown> & { id: string; url: string; confidence: string; sourceid: string };

export const REPLAY_ALERTS: ZapAlertJson[] = JSON.parse(
  readFileSync(new URL('../fixtures/web/zap-replay/alerts.json', import.meta.url), 'utf8'),
) as ZapAlertJson[];

/** The origin the fixture's alerts were recorded against. */
export const REPLAY_TARGET = 'http://127.0.0.1:3000/';

export interface ZapReplayOptions {
  /** The key ZAP was started with (`-config api.key=…`); none means the key is disabled. */
  apiKey?: string;
  /**
   * How a wrong or missing key is answered. ZAP's default is `'silent'` (the socket closes with no
   * answer); with `api.reportpermerrors=true` it is 400 `{"code":"bad_api_key",…}`. 401 is what a
   * proxy in front of ZAP may send. Default 400.
   */
  badKey?: 'silent' | 400 | 401;
  /** `api.nokeyforsafeops`: views answer without the key, actions still need it. */
  noKeyForViews?: boolean;
  version?: string;
  /** Successive answers of spider/view/status for one scan; the last repeats (default 0, 50, 100). */
  spiderProgress?: number[];
  /** Successive answers of ascan/view/status for one scan; the last repeats (default 0, 50, 100). */
  ascanProgress?: number[];
  /** Successive answers of pscan/view/recordsToScan; the last repeats (default 7, 2, 0). */
  recordsToScan?: number[];
  /** Alerts ZAP holds (default: the fixture). Active-scan ones (sourceid 1) show once an active scan started. */
  alerts?: ZapAlertJson[];
  /** Serve False Positive alerts too (ZAP filters them out; this checks the client does too). */
  serveFalsePositives?: boolean;
  /** Raw answers for some paths, after the key check (malformed-answer tests). */
  override?: Record<string, { status?: number; body: string; contentType?: string }>;
  /** Paths whose requests are accepted and never answered. */
  hang?: string[];
}

export interface ZapCall {
  path: string;
  query: Record<string, string>;
  /** The X-ZAP-API-Key header as sent. */
  apiKey: string | undefined;
}

export interface ZapReplay {
  /** API root, e.g. `http://127.0.0.1:40123`. */
  url: string;
  calls: ZapCall[];
  /** Calls to one path, in order. */
  callsTo(path: string): ZapCall[];
  /** Resolves at the n-th call (1-based) to `path`, at once if it already happened. */
  waitForCall(path: string, n?: number): Promise<ZapCall>;
  close(): Promise<void>;
}

const ACTIVE_SOURCE = '1';

/** Starts a replay of ZAP's API on 127.0.0.1 (random port). */
export async function startZapReplay(opts: ZapReplayOptions = {}): Promise<ZapReplay> {
  const calls: ZapCall[] = [];
  const waiters: { path: string; n: number; resolve: (c: ZapCall) => void }[] = [];
  const spiders: number[] = []; // status calls seen per spider scan id
  const ascans: number[] = [];
  let pscanCalls = 0;
  let activeStarted = false;
  const alerts = opts.alerts ?? REPLAY_ALERTS;

  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://replay');
    const query = Object.fromEntries(u.searchParams);
    const key = req.headers['x-zap-api-key'];
    const call: ZapCall = { path: u.pathname, query, apiKey: typeof key === 'string' ? key : undefined };
    calls.push(call);
    const seen = calls.filter((c) => c.path === call.path).length;
    for (const w of waiters.filter((x) => x.path === call.path && seen >= x.n)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(call);
    }

    const send = (status: number, body: unknown): void => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text), connection: 'close' });
      res.end(text);
    };

    const [, format, , type] = u.pathname.split('/');
    const isView = type === 'view';
    const keyOk = !opts.apiKey || (isView && opts.noKeyForViews) || call.apiKey === opts.apiKey || query['apikey'] === opts.apiKey;
    if (format !== 'JSON') return send(400, { code: 'bad_format', message: 'Bad Format' });
    if (!keyOk) {
      const mode = opts.badKey ?? 400;
      if (mode === 'silent') return void req.socket.destroy();
      return send(mode, { code: 'bad_api_key', message: 'Invalid or missing API key' });
    }
    if (opts.hang?.includes(u.pathname)) return; // left open until close()
    const raw = opts.override?.[u.pathname];
    if (raw) {
      res.writeHead(raw.status ?? 200, { 'content-type': raw.contentType ?? 'application/json; charset=UTF-8', connection: 'close' });
      return void res.end(raw.body);
    }

    const step = (seq: number[], i: number): number => seq[Math.min(i, seq.length - 1)] ?? 100;
    const scanStatus = (counts: number[], seq: number[]): void => {
      const id = Number(query['scanId']);
      if (!/^\d+$/.test(query['scanId'] ?? '') || counts[id] === undefined) return send(400, { code: 'does_not_exist', message: 'Does Not Exist' });
      const status = step(seq, counts[id]!);
      counts[id]!++;
      send(200, { status: String(status) });
    };

    switch (u.pathname) {
      case '/JSON/core/view/version/':
        return send(200, { version: opts.version ?? '2.14.0' });
      case '/JSON/spider/action/scan/':
        if (!query['url']) return send(400, { code: 'missing_parameter', message: 'Missing Parameter' });
        spiders.push(0);
        return send(200, { scan: String(spiders.length - 1) });
      case '/JSON/spider/view/status/':
        return scanStatus(spiders, opts.spiderProgress ?? [0, 50, 100]);
      case '/JSON/pscan/view/recordsToScan/':
        return send(200, { recordsToScan: String(step(opts.recordsToScan ?? [7, 2, 0], pscanCalls++)) });
      case '/JSON/ascan/action/scan/':
        if (!query['url']) return send(400, { code: 'missing_parameter', message: 'Missing Parameter' });
        ascans.push(0);
        activeStarted = true;
        return send(200, { scan: String(ascans.length - 1) });
      case '/JSON/ascan/view/status/':
        return scanStatus(ascans, opts.ascanProgress ?? [0, 50, 100]);
      case '/JSON/spider/action/stop/':
      case '/JSON/ascan/action/stop/':
        return send(200, { Result: 'OK' });
      case '/JSON/core/view/alerts/': {
        const base = query['baseurl'];
        const visible = alerts.filter(
          (a) =>
            (opts.serveFalsePositives || a.confidence !== 'False Positive') &&
            (activeStarted || a.sourceid !== ACTIVE_SOURCE) &&
            (base === undefined || base === '' || a.url.startsWith(base)),
        );
        return send(200, { alerts: zapPage(visible, Number(query['start'] ?? -1), Number(query['count'] ?? -1)) });
      }
      default:
        return send(400, { code: 'bad_view', message: 'Bad View' });
    }
  });

  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    callsTo: (path) => calls.filter((c) => c.path === path),
    waitForCall: (path, n = 1) =>
      new Promise<ZapCall>((resolve) => {
        const done = calls.filter((c) => c.path === path);
        if (done.length >= n) return resolve(done[n - 1]!);
        waiters.push({ path, n, resolve });
      }),
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/**
 * ZAP's paging, quirk included: with start > 0 the page begins at the start-th record counted
 * from 1, so start=0 and start=count both return record `count` (ZAP's PaginationConstraintsChecker).
 */
function zapPage<T>(items: T[], start: number, count: number): T[] {
  const from = start > 0 ? start - 1 : 0;
  const to = count > 0 ? (start > 0 ? start + count - 1 : count) : items.length;
  return items.slice(from, to);
}
