import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VigilError } from '../../../src/errors.js';
import type { WebAlert } from '../../../scanners/web/types.js';
import { runZap, type RunZapOptions } from '../../../scanners/web/zap-adapter.js';
import { REPLAY_ALERTS, REPLAY_TARGET, startZapReplay, type ZapReplay, type ZapReplayOptions } from '../../helpers/zap-replay.js';

// The target is only a parameter handed to the (replayed) ZAP: nothing ever connects to it.
const KEY = 'k3y-for-tests';
const PASSIVE = ['10038', '10020', '10021', '10010', '10036', '10055'];
const ACTIVE = ['40012', '40018'];

const open: ZapReplay[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

async function replay(opts: ZapReplayOptions = {}): Promise<ZapReplay> {
  const r = await startZapReplay({ apiKey: KEY, ...opts });
  open.push(r);
  return r;
}

function run(r: ZapReplay, extra: Partial<RunZapOptions> = {}): Promise<WebAlert[]> {
  return runZap({ apiUrl: r.url, apiKey: KEY, target: REPLAY_TARGET, active: false, pollMs: 1, timeoutMs: 10_000, ...extra });
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

async function vigilError(p: Promise<unknown>): Promise<VigilError> {
  const e = await rejection(p);
  expect(e).toBeInstanceOf(VigilError);
  return e as VigilError;
}

describe('runZap: passive flow', () => {
  it('spiders, waits for 100% and for the passive queue, then returns the passive alerts without active scanning', async () => {
    const r = await replay();
    const alerts = await run(r, { maxChildren: 10 });

    expect(alerts.map((a) => a.pluginId)).toEqual(PASSIVE);
    expect(r.callsTo('/JSON/ascan/action/scan/')).toHaveLength(0);
    expect(r.calls.filter((c) => c.path.startsWith('/JSON/ascan/'))).toHaveLength(0);
    expect(r.calls.map((c) => c.path)).toEqual([
      '/JSON/core/view/version/',
      '/JSON/spider/action/scan/',
      '/JSON/spider/view/status/',
      '/JSON/spider/view/status/',
      '/JSON/spider/view/status/',
      '/JSON/pscan/view/recordsToScan/',
      '/JSON/pscan/view/recordsToScan/',
      '/JSON/pscan/view/recordsToScan/',
      '/JSON/core/view/alerts/',
    ]);
    expect(r.callsTo('/JSON/spider/action/scan/')[0]!.query).toEqual({ url: REPLAY_TARGET, recurse: 'true', maxChildren: '10' });
    expect(r.callsTo('/JSON/spider/view/status/').map((c) => c.query)).toEqual([{ scanId: '0' }, { scanId: '0' }, { scanId: '0' }]);
    expect(r.callsTo('/JSON/core/view/alerts/')[0]!.query).toEqual({ baseurl: 'http://127.0.0.1:3000', start: '0', count: '500' });
  });

  it('sends the key in the X-ZAP-API-Key header on every call, never in the URL', async () => {
    const r = await replay();
    await run(r);
    expect(r.calls.length).toBeGreaterThan(0);
    for (const c of r.calls) {
      expect(c.apiKey).toBe(KEY);
      expect(c.query['apikey']).toBeUndefined();
    }
  });

  it('works against a ZAP with the API key disabled (no key given)', async () => {
    const r = await startZapReplay();
    open.push(r);
    const alerts = await runZap({ apiUrl: `${r.url}/`, target: REPLAY_TARGET, active: false, pollMs: 1 });
    expect(alerts.map((a) => a.pluginId)).toEqual(PASSIVE);
    expect(r.calls.every((c) => c.apiKey === undefined)).toBe(true);
  });
});

describe('runZap: active flow', () => {
  it('runs the active scan after the passive queue drains and returns the active alerts too', async () => {
    const r = await replay();
    const alerts = await run(r, { active: true });

    expect(alerts.map((a) => a.pluginId)).toEqual([...PASSIVE, ...ACTIVE]);
    const paths = r.calls.map((c) => c.path);
    expect(paths.indexOf('/JSON/ascan/action/scan/')).toBeGreaterThan(paths.lastIndexOf('/JSON/pscan/view/recordsToScan/'));
    expect(r.callsTo('/JSON/ascan/action/scan/').map((c) => c.query)).toEqual([{ url: REPLAY_TARGET, recurse: 'true' }]);
    expect(r.callsTo('/JSON/ascan/view/status/').map((c) => c.query['scanId'])).toEqual(['0', '0', '0']);
    expect(paths.indexOf('/JSON/core/view/alerts/')).toBeGreaterThan(paths.lastIndexOf('/JSON/ascan/view/status/'));
  });
});

describe('runZap: paging', () => {
  it.each([1, 2, 3, 4, 7, 500])('reads every alert exactly once with pages of %i (ZAP pages overlap by one)', async (pageSize) => {
    const r = await replay();
    const alerts = await run(r, { active: true, pageSize });
    expect(alerts.map((a) => a.pluginId)).toEqual([...PASSIVE, ...ACTIVE]);
    expect(new Set(alerts.map((a) => a.alertRef)).size).toBe(alerts.length);
    const pages = r.callsTo('/JSON/core/view/alerts/');
    expect(pages.every((c) => c.query['count'] === String(pageSize))).toBe(true);
    expect(pages.length > 1).toBe(pageSize < 9); // 9 alerts are visible: the fixture minus the CDN one and the false positive
  });

  it('stops paging when the API ignores start and repeats the same page', async () => {
    const page = JSON.stringify({ alerts: REPLAY_ALERTS.slice(0, 2) });
    const r = await replay({ override: { '/JSON/core/view/alerts/': { body: page } } });
    const alerts = await run(r, { pageSize: 2 });
    expect(alerts.map((a) => a.pluginId)).toEqual(['10038', '10020']);
    expect(r.callsTo('/JSON/core/view/alerts/')).toHaveLength(3);
  });

  it('asks for the next page from where the last one ended', async () => {
    const r = await replay();
    await run(r, { active: true, pageSize: 4 });
    expect(r.callsTo('/JSON/core/view/alerts/').map((c) => c.query['start'])).toEqual(['0', '4', '8']);
  });
});

describe('runZap: mapping ZAP alerts to WebAlerts', () => {
  let byRef: Map<string, WebAlert>;
  let shared: ZapReplay;

  beforeAll(async () => {
    shared = await startZapReplay({ apiKey: KEY });
    byRef = new Map((await run(shared, { active: true })).map((a) => [a.alertRef ?? a.pluginId, a]));
  });

  afterAll(async () => {
    await shared.close();
  });

  it('maps every field of an active alert', () => {
    expect(byRef.get('40012')).toEqual({
      pluginId: '40012',
      url: 'http://127.0.0.1:3000/search?q=%3CscrIpt%3Ealert%281%29%3B%3C%2FscRipt%3E',
      method: 'GET',
      param: 'q',
      attack: '<scrIpt>alert(1);</scRipt>',
      evidence: '<scrIpt>alert(1);</scRipt>',
      risk: 3,
      confidence: 2,
      alertRef: '40012',
      cweId: 79,
      wascId: 8,
      solution: 'Encode output for its context and validate input against an allow-list.',
      reference: 'https://owasp.org/www-community/attacks/xss/\nhttps://cwe.mitre.org/data/definitions/79.html',
    } satisfies WebAlert);
  });

  it.each<[string, Partial<WebAlert>]>([
    ['10038-1', { pluginId: '10038', risk: 2, confidence: 3, cweId: 693, wascId: 15, evidence: '', url: 'http://127.0.0.1:3000/' }],
    ['10020-1', { pluginId: '10020', risk: 2, confidence: 2, param: 'x-frame-options', cweId: 1021 }],
    ['10021', { pluginId: '10021', risk: 1, confidence: 2, url: 'http://127.0.0.1:3000/static/app.js', otherInfo: expect.stringContaining('error type pages') as string }],
    ['10010', { pluginId: '10010', risk: 1, confidence: 2, method: 'POST', param: 'sid', evidence: 'Set-Cookie: sid', cweId: 1004, wascId: 13 }],
    ['10036', { pluginId: '10036', risk: 1, confidence: 3, evidence: 'nginx/1.18.0', cweId: 497 }],
    ['10055-5', { pluginId: '10055', name: 'CSP: script-src unsafe-inline', risk: 2, confidence: 3, param: 'Content-Security-Policy' }],
    ['40018', { pluginId: '40018', risk: 3, confidence: 2, method: 'POST', param: 'username', attack: "admin'", evidence: 'SQLITE_ERROR', cweId: 89, wascId: 19 }],
  ])('alert %s', (ref, expected) => {
    expect(byRef.get(ref)).toMatchObject(expected);
  });

  it.each(['10038-1', '10020-1', '10021', '10010', '10036', '40012', '40018'])('%s keeps the catalogue name implicit (same as the embedded engine)', (ref) => {
    expect(byRef.get(ref)).toBeDefined();
    expect(byRef.get(ref)!.name).toBeUndefined();
  });

  it('leaves out empty strings instead of mapping them to empty fields', () => {
    const a = byRef.get('10038-1')!;
    expect(a).not.toHaveProperty('param');
    expect(a).not.toHaveProperty('attack');
    expect(a).not.toHaveProperty('otherInfo');
  });

  it('drops alerts on other origins (including one that passes ZAP\'s own baseurl prefix filter)', async () => {
    const r = await replay();
    const alerts = await run(r);
    const sent = r.callsTo('/JSON/core/view/alerts/')[0]!.query['baseurl']!;
    const sneaky = REPLAY_ALERTS.find((a) => a.url.startsWith('http://127.0.0.1:30001'))!;
    expect(sneaky.url.startsWith(sent)).toBe(true); // so the replay served it and the adapter had to drop it
    expect(alerts.every((a) => new URL(a.url).origin === 'http://127.0.0.1:3000')).toBe(true);
    expect(alerts.some((a) => a.url.includes('cdn.example.net'))).toBe(false);
  });

  it('drops False Positive alerts even when ZAP serves them', async () => {
    const r = await replay({ serveFalsePositives: true });
    const alerts = await run(r);
    expect(REPLAY_ALERTS.some((a) => a.confidence === 'False Positive' && a.url.startsWith('http://127.0.0.1:3000/'))).toBe(true);
    expect(alerts.map((a) => a.pluginId)).toEqual(PASSIVE);
    expect(alerts.some((a) => a.url.endsWith('/embed/widget'))).toBe(false);
  });

  it.each([
    ['Confirmed', 4],
    ['High', 3],
    ['Medium', 2],
    ['Low', 1],
  ] as const)('confidence %s maps to %i', async (confidence, expected) => {
    const alert = { ...REPLAY_ALERTS[0]!, confidence };
    const r = await replay({ alerts: [alert] });
    expect((await run(r)).map((a) => a.confidence)).toEqual([expected]);
  });

  it.each([
    ['High', 3],
    ['Medium', 2],
    ['Low', 1],
    ['Informational', 0],
  ] as const)('risk %s maps to %i', async (risk, expected) => {
    const alert = { ...REPLAY_ALERTS[0]!, risk };
    const r = await replay({ alerts: [alert] });
    expect((await run(r)).map((a) => a.risk)).toEqual([expected]);
  });

  it('keeps the name of a plugin outside the catalogue', async () => {
    const alert = { ...REPLAY_ALERTS[0]!, pluginId: '10098', name: 'Cross-Domain Misconfiguration', alert: 'Cross-Domain Misconfiguration' };
    const other = { ...REPLAY_ALERTS[0]!, id: '99', pluginId: '90004', name: 'Insufficient Site Isolation Against Spectre Vulnerability', alert: 'x' };
    const r = await replay({ alerts: [alert, other] });
    const alerts = await run(r);
    expect(alerts[0]!.name).toBeUndefined();
    expect(alerts[1]!.name).toBe('Insufficient Site Isolation Against Spectre Vulnerability');
  });
});

describe('runZap: API key problems', () => {
  it.each<[string, ZapReplayOptions, RegExp]>([
    ['400 bad_api_key (api.reportpermerrors on)', { badKey: 400 }, /answered 400 \(bad_api_key: Invalid or missing API key\): check ZAP_API_KEY/],
    ['401 (a proxy in front of ZAP)', { badKey: 401 }, /answered 401 .*check ZAP_API_KEY/],
    ['a closed socket (ZAP\'s default)', { badKey: 'silent' }, /closed the connection without answering \/JSON\/core\/view\/version\/.*check ZAP_API_KEY/],
  ])('a wrong key answered with %s gives a clear error', async (_label, opts, message) => {
    const r = await replay(opts);
    const e = await vigilError(run(r, { apiKey: 'wrong' }));
    expect(e.code).toBe('VIGIL_ERR_USAGE');
    expect(e.message).toMatch(message);
    expect(e.message).toContain(r.url);
    expect(r.calls.map((c) => c.path)).toEqual(['/JSON/core/view/version/']);
  });

  it('a missing key is reported the same way', async () => {
    const r = await replay({ badKey: 401 });
    const e = await vigilError(runZap({ apiUrl: r.url, target: REPLAY_TARGET, active: false, pollMs: 1 }));
    expect(e.message).toMatch(/ZAP at .* answered 401.*check ZAP_API_KEY/);
  });

  it('a ZAP that lets views through without the key fails clearly at the first action', async () => {
    const r = await replay({ noKeyForViews: true });
    const e = await vigilError(run(r, { apiKey: 'wrong' }));
    expect(e.message).toMatch(/check ZAP_API_KEY/);
    expect(r.calls.map((c) => c.path)).toEqual(['/JSON/core/view/version/', '/JSON/spider/action/scan/']);
  });
});

describe('runZap: unreachable or hanging API', () => {
  it('a closed port gives a clear error', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const e = await vigilError(runZap({ apiUrl: `http://127.0.0.1:${port}`, target: REPLAY_TARGET, active: false, timeoutMs: 5_000 }));
    expect(e.code).toBe('VIGIL_ERR_USAGE');
    expect(e.message).toBe(`ZAP at http://127.0.0.1:${port} refused the connection: is the daemon running, and is ZAP_API_URL right?`);
  });

  it('an API that never answers fails with a timeout error once timeoutMs is spent', async () => {
    const r = await replay({ hang: ['/JSON/core/view/version/'] });
    const e = await vigilError(run(r, { timeoutMs: 200 }));
    expect(e.code).toBe('VIGIL_ERR_SCANNER_TIMEOUT');
    expect(e.message).toMatch(/ran past its 200 ms limit while checking the version of ZAP at/);
  });

  it('a spider that never finishes is stopped when timeoutMs is spent', async () => {
    const r = await replay({ spiderProgress: [0, 40] });
    const e = await vigilError(run(r, { timeoutMs: 200, pollMs: 5 }));
    expect(e.code).toBe('VIGIL_ERR_SCANNER_TIMEOUT');
    expect(e.message).toMatch(/while waiting for the spider/);
    expect(r.callsTo('/JSON/spider/action/stop/').map((c) => c.query)).toEqual([{ scanId: '0' }]);
    expect(r.callsTo('/JSON/spider/action/stop/')[0]!.apiKey).toBe(KEY);
  });

  it.each<[string, Partial<RunZapOptions>]>([
    ['apiUrl not a URL', { apiUrl: 'zap:8080' }],
    ['apiUrl not http', { apiUrl: 'ftp://127.0.0.1:21' }],
    ['target not a URL', { target: '127.0.0.1:3000' }],
    ['timeoutMs 0', { timeoutMs: 0 }],
    ['pollMs negative', { pollMs: -1 }],
    ['maxChildren fractional', { maxChildren: 1.5 }],
  ])('bad options (%s) are a usage error before any call', async (_label, bad) => {
    const r = await replay();
    const e = await vigilError(run(r, bad));
    expect(e.code).toBe('VIGIL_ERR_USAGE');
    expect(r.calls).toHaveLength(0);
  });
});

describe('runZap: abort', () => {
  it.each<[string, ZapReplayOptions, Partial<RunZapOptions>, string, string]>([
    ['the spider', { spiderProgress: [0, 30] }, {}, '/JSON/spider/view/status/', '/JSON/spider/action/stop/'],
    ['the active scan', { ascanProgress: [0, 30] }, { active: true }, '/JSON/ascan/view/status/', '/JSON/ascan/action/stop/'],
  ])('aborting during %s stops it through the API and rejects with the reason', async (_label, ropts, extra, statusPath, stopPath) => {
    const r = await replay(ropts);
    const ac = new AbortController();
    const p = run(r, { ...extra, signal: ac.signal, pollMs: 5 });
    await r.waitForCall(statusPath, 3);
    const reason = new Error('stopped by the user');
    ac.abort(reason);
    expect(await rejection(p)).toBe(reason);
    expect(r.callsTo(stopPath).map((c) => c.query)).toEqual([{ scanId: '0' }]);
    expect(r.callsTo(stopPath)[0]!.apiKey).toBe(KEY);
    const otherStop = stopPath.includes('spider') ? '/JSON/ascan/action/stop/' : '/JSON/spider/action/stop/';
    expect(r.callsTo(otherStop)).toHaveLength(0);
    expect(r.callsTo('/JSON/core/view/alerts/')).toHaveLength(0);
  });

  it('passes a VigilError reason through (the runner aborts with its timeout error)', async () => {
    const r = await replay({ spiderProgress: [0, 30] });
    const ac = new AbortController();
    const p = run(r, { signal: ac.signal, pollMs: 5 });
    await r.waitForCall('/JSON/spider/view/status/', 2);
    ac.abort(new VigilError('VIGIL_ERR_SCANNER_TIMEOUT', 'web on shop ran past 1 s'));
    const e = await vigilError(p);
    expect(e.code).toBe('VIGIL_ERR_SCANNER_TIMEOUT');
    expect(r.callsTo('/JSON/spider/action/stop/')).toHaveLength(1);
  });

  it('an already aborted signal makes no call at all', async () => {
    const r = await replay();
    const ac = new AbortController();
    ac.abort();
    const e = await rejection(run(r, { signal: ac.signal }));
    expect((e as Error).name).toBe('AbortError');
    expect(r.calls).toHaveLength(0);
  });

  it('aborting while a request is in flight rejects at once', async () => {
    const r = await replay({ hang: ['/JSON/pscan/view/recordsToScan/'] });
    const ac = new AbortController();
    const p = run(r, { signal: ac.signal });
    await r.waitForCall('/JSON/pscan/view/recordsToScan/');
    ac.abort();
    expect(((await rejection(p)) as Error).name).toBe('AbortError');
    expect(r.callsTo('/JSON/spider/action/stop/')).toHaveLength(0); // the spider had finished
  });
});

describe('runZap: malformed or failing answers', () => {
  const json = (body: unknown): { body: string } => ({ body: JSON.stringify(body) });
  it.each<[string, string, { status?: number; body: string; contentType?: string }, RegExp]>([
    ['an HTML page instead of the version', '/JSON/core/view/version/', { body: '<html><body>It works</body></html>', contentType: 'text/html' }, /version\/ with text that is not JSON.*ZAP_API_URL/],
    ['a version answer without version', '/JSON/core/view/version/', json({ Result: 'OK' }), /no "version"/],
    ['a JSON array', '/JSON/core/view/version/', json(['2.14.0']), /JSON that is not an object/],
    ['an empty scan id', '/JSON/spider/action/scan/', json({ scan: '' }), /spider\/action\/scan\/ with no scan id/],
    ['a truncated spider status', '/JSON/spider/view/status/', { body: '{"status":"5' }, /spider\/view\/status\/ with text that is not JSON/],
    ['a spider status that is not a number', '/JSON/spider/view/status/', json({ status: 'running' }), /no number in "status"/],
    ['a passive queue that is not a number', '/JSON/pscan/view/recordsToScan/', json({ recordsToScan: null }), /no number in "recordsToScan"/],
    ['alerts that are not a list', '/JSON/core/view/alerts/', json({ alerts: 'none' }), /no "alerts" list/],
    ['an alert that is not an object', '/JSON/core/view/alerts/', json({ alerts: ['10020'] }), /an alert that is not an object/],
    ['an alert without plugin id', '/JSON/core/view/alerts/', json({ alerts: [{ ...REPLAY_ALERTS[0], pluginId: undefined }] }), /alert 0 without a numeric "pluginId"/],
    ['an alert with an unknown risk', '/JSON/core/view/alerts/', json({ alerts: [{ ...REPLAY_ALERTS[0], risk: 'Élevé' }] }), /risk "Élevé".*another locale/],
    ['an alert with an unknown confidence', '/JSON/core/view/alerts/', json({ alerts: [{ ...REPLAY_ALERTS[0], confidence: 'Sure' }] }), /confidence "Sure"/],
    ['a ZAP error on the spider', '/JSON/spider/action/scan/', { status: 400, ...json({ code: 'url_not_found', message: 'URL Not Found in the Scan Tree' }) }, /answered \/JSON\/spider\/action\/scan\/ with 400 \(url_not_found: URL Not Found in the Scan Tree\)/],
    ['an internal error', '/JSON/pscan/view/recordsToScan/', { status: 500, ...json({ code: 'internal_error', message: 'Internal Error' }) }, /with 500 \(internal_error: Internal Error\)/],
    ['a bare 502 from a proxy', '/JSON/core/view/version/', { status: 502, body: 'Bad Gateway', contentType: 'text/plain' }, /version\/ with 502$/],
  ])('%s is a clear error, not a crash', async (_label, path, answer, message) => {
    const r = await replay({ override: { [path]: answer } });
    const e = await vigilError(run(r));
    expect(e.code).toBe('VIGIL_ERR_USAGE');
    expect(e.message).toMatch(message);
    expect(e.message).toContain(`ZAP at ${r.url}`);
  });

  it('a malformed answer mid-spider still stops the spider', async () => {
    const r = await replay({ override: { '/JSON/spider/view/status/': { body: 'null' } } });
    await vigilError(run(r));
    expect(r.callsTo('/JSON/spider/action/stop/').map((c) => c.query)).toEqual([{ scanId: '0' }]);
  });

  it('a malformed answer on the active scan status stops the active scan', async () => {
    const r = await replay({ override: { '/JSON/ascan/view/status/': { body: '{"status":' } } });
    await vigilError(run(r, { active: true }));
    expect(r.callsTo('/JSON/ascan/action/stop/').map((c) => c.query)).toEqual([{ scanId: '0' }]);
  });
});
