import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VigilError } from '../../../src/errors.js';
import { ACTIVE_RULES, attackPoints, commandInjectionRule, crlfInjectionRule, externalRedirectRule, pathTraversalRule, sqlInjectionRule, templateInjectionRule, xssReflectedRule } from '../../../scanners/web/active/index.js';
import { htmlContextAt, jsQuoteAt } from '../../../scanners/web/active/html-context.js';
import { buildAttackRequest, similarity, stripReflections } from '../../../scanners/web/active/shared.js';
import { createHttpClient } from '../../../scanners/web/http-client.js';
import type { ActiveRule, AttackPoint, Exchange, HttpClient, WebRequest } from '../../../scanners/web/types.js';
import { type FlawedApp, startFlawedApp } from '../../helpers/web-flawed-app.js';

function exchange(request: WebRequest): Exchange {
  return {
    request,
    response: { url: request.url, status: 200, headers: {}, body: '', bodyBytes: 0, truncated: false, elapsedMs: 1, redirects: [] },
    source: 'crawl',
  };
}

let app: FlawedApp;
let client: HttpClient;

beforeAll(async () => {
  app = await startFlawedApp();
  client = createHttpClient({ origin: app.origin, rps: 0 });
});

afterAll(async () => {
  await app.close();
});

function point(path: string, param: string, value: string): AttackPoint {
  const points = attackPoints(exchange({ method: 'GET', url: `${app.origin}${path}?${param}=${encodeURIComponent(value)}`, headers: {} }));
  expect(points).toHaveLength(1);
  return points[0] as AttackPoint;
}

// a 2 s delay keeps the time-based case short and still clear of a busy machine's jitter; the default is 3 s
const commandInjection = commandInjectionRule({ delaySeconds: 2, maxTimeMsPerPoint: 20_000 });

const CASES: Array<[string, ActiveRule, string, string, string, RegExp]> = [
  ['40012 reflected XSS', xssReflectedRule, '/search', 'q', 'hello', /<scrIpt>alert\(1\);<\/scRipt>|onMouseOver/],
  ['40018 SQL injection, error-based', sqlInjectionRule, '/product', 'id', '1', /unrecognized token|syntax error|SqliteError/],
  ['40018 SQL injection, boolean-based', sqlInjectionRule, '/item', 'name', 'widget', /widget/],
  ['6 path traversal', pathTraversalRule, '/file', 'name', 'readme.txt', /^root:x:0:0:/],
  ['20019 external redirect', externalRedirectRule, '/go', 'to', '/home', /vigil-redirect\.invalid/],
  ['40003 CRLF injection', crlfInjectionRule, '/lang', 'l', 'en', /^X-Vigil-Injected: 1/],
  ['90020 command injection, output-based', commandInjection, '/ping', 'host', '127.0.0.1', /^root:x:0:0:|^uid=/],
  ['90020 command injection, time-based', commandInjection, '/ping-blind', 'host', '127.0.0.1', /response time \d+ ms/],
  ['90035 template injection', templateInjectionRule, '/greet', 'name', 'world', /^1337$/],
];

describe('active rules against the flawed app', () => {
  it.each(CASES)('%s: the flawed endpoint alerts', async (_label, rule, path, param, value, evidence) => {
    const before = app.requests();
    const alerts = await rule.run(point(path, param, value), client);
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(alert).toMatchObject({ pluginId: rule.id, param, method: 'GET' });
    expect(alert?.url.startsWith(`${app.origin}${path}?`)).toBe(true);
    expect(alert?.attack).toBeTruthy();
    expect(alert?.evidence).toMatch(evidence);
    expect(app.requests() - before).toBeLessThanOrEqual(30);
  });

  it.each(CASES)('%s: the safe twin does not alert', async (_label, rule, path, param, value) => {
    const before = app.requests();
    const alerts = await rule.run(point(`${path}-safe`, param, value), client);
    expect(alerts).toEqual([]);
    expect(app.requests() - before).toBeLessThanOrEqual(30);
  });

  it('no rule alerts on any safe twin', async () => {
    const twins: Array<[string, string, string]> = [
      ['/search-safe', 'q', 'hello'],
      ['/product-safe', 'id', '1'],
      ['/item-safe', 'name', 'widget'],
      ['/file-safe', 'name', 'readme.txt'],
      ['/go-safe', 'to', '/home'],
      ['/lang-safe', 'l', 'en'],
      ['/ping-safe', 'host', '127.0.0.1'],
      ['/greet-safe', 'name', 'world'],
    ];
    const found = [];
    for (const [path, param, value] of twins) {
      for (const rule of ACTIVE_RULES) found.push(...(await rule.run(point(path, param, value), client)));
    }
    expect(found).toEqual([]);
  });

  it('the XSS alert names the attack that came back unencoded', async () => {
    const [alert] = await xssReflectedRule.run(point('/search', 'q', 'hello'), client);
    expect(alert?.attack).toContain(alert?.evidence);
  });

  it('the SQL error alert is not raised when the original page already shows the error', async () => {
    // the original value is itself broken SQL, so the error is no sign of the attack
    const alerts = await sqlInjectionRule.run(point('/product', 'id', "1'"), client);
    expect(alerts).toEqual([]);
  });

  it('an aborted scan stops the rule', async () => {
    const ctl = new AbortController();
    ctl.abort(new Error('stop'));
    const before = app.requests();
    await expect(sqlInjectionRule.run(point('/product', 'id', '1'), client, ctl.signal)).rejects.toThrow('stop');
    expect(app.requests()).toBe(before);
  });

  it.each([0, 6, Number.NaN])('the command injection delay %s is refused', (delaySeconds) => {
    expect(() => commandInjectionRule({ delaySeconds })).toThrow(VigilError);
    try {
      commandInjectionRule({ delaySeconds });
    } catch (e) {
      expect((e as VigilError).code).toBe('VIGIL_ERR_USAGE');
    }
  });

  it('every rule has the id of an active plugin', async () => {
    const { ZAP_ALERTS } = await import('../../../scanners/web/zap-alerts.js');
    expect(ACTIVE_RULES.map((r) => r.id).sort()).toEqual(['20019', '40003', '40012', '40018', '6', '90020', '90035']);
    for (const r of ACTIVE_RULES) expect(ZAP_ALERTS[r.id]?.kind).toBe('active');
  });
});

describe('attackPoints', () => {
  it('lists query parameters, with the others unchanged', () => {
    const points = attackPoints(exchange({ method: 'get', url: 'http://127.0.0.1:1/a?x=1&y=two', headers: {} }));
    expect(points).toEqual([
      { method: 'GET', url: 'http://127.0.0.1:1/a?x=1&y=two', param: 'x', location: 'query', value: '1', others: { y: 'two' } },
      { method: 'GET', url: 'http://127.0.0.1:1/a?x=1&y=two', param: 'y', location: 'query', value: 'two', others: { x: '1' } },
    ]);
  });

  it('lists urlencoded form fields and the query of a POST, keeping the body', () => {
    const body = 'user=bob&note=hi+there';
    const points = attackPoints(
      exchange({ method: 'POST', url: 'http://127.0.0.1:1/f?lang=en', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }),
    );
    expect(points.map((p) => [p.location, p.param, p.value])).toEqual([
      ['query', 'lang', 'en'],
      ['form', 'user', 'bob'],
      ['form', 'note', 'hi there'],
    ]);
    expect(points[2]?.others).toEqual({ user: 'bob' });
    // the query attack still sends the form body
    const q = buildAttackRequest(points[0] as AttackPoint, 'x<y');
    expect(q.url).toBe('http://127.0.0.1:1/f?lang=x%3Cy');
    expect(q.body).toBe(body);
    const f = buildAttackRequest(points[1] as AttackPoint, "a'b&c");
    expect(new URLSearchParams(f.body).get('user')).toBe("a'b&c");
    expect(new URLSearchParams(f.body).get('note')).toBe('hi there');
    expect(f.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('lists top-level JSON fields; attacks keep the other fields and their types', () => {
    const body = JSON.stringify({ name: 'bob', age: 42, admin: false, tags: ['a'], address: { city: 'x' } });
    const points = attackPoints(exchange({ method: 'POST', url: 'http://127.0.0.1:1/api', headers: { 'content-type': 'application/json; charset=utf-8' }, body }));
    expect(points.map((p) => [p.location, p.param, p.value])).toEqual([
      ['json', 'name', 'bob'],
      ['json', 'age', '42'],
      ['json', 'admin', 'false'],
    ]);
    const req = buildAttackRequest(points[0] as AttackPoint, '{{7*191}}');
    expect(JSON.parse(req.body ?? '')).toEqual({ name: '{{7*191}}', age: 42, admin: false, tags: ['a'], address: { city: 'x' } });
    expect(req.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it.each([
    ['no parameters', { method: 'GET', url: 'http://127.0.0.1:1/', headers: {} }],
    ['a JSON array body', { method: 'POST', url: 'http://127.0.0.1:1/', headers: { 'content-type': 'application/json' }, body: '[1,2]' }],
    ['a body that is not JSON', { method: 'POST', url: 'http://127.0.0.1:1/', headers: { 'content-type': 'application/json' }, body: '{' }],
    ['a body of another type', { method: 'POST', url: 'http://127.0.0.1:1/', headers: { 'content-type': 'text/plain' }, body: 'a=1' }],
  ])('lists nothing for %s', (_label, request: WebRequest) => {
    expect(attackPoints(exchange(request))).toEqual([]);
  });

  it('sends a raw payload without encoding it again', () => {
    const p: AttackPoint = { method: 'GET', url: 'http://127.0.0.1:1/f?a=1&b=2', param: 'a', location: 'query', value: '1', others: { b: '2' } };
    expect(buildAttackRequest(p, '..%2fetc', { raw: true }).url).toBe('http://127.0.0.1:1/f?a=..%2fetc&b=2');
    expect(buildAttackRequest(p, '..%2fetc').url).toBe('http://127.0.0.1:1/f?a=..%252fetc&b=2');
  });
});

describe('htmlContextAt', () => {
  const M = 'MARK';
  it.each([
    ['<p>hi MARK</p>', 'text'],
    ['<!-- MARK -->', 'comment'],
    ['<input value="MARK">', 'attr"'],
    ["<input value='MARK'>", "attr'"],
    ['<input value=MARK>', 'attr'],
    ['<input MARK>', 'tag'],
    ['<script>var a = "MARK";</script>', 'rawtext:script'],
    ['<textarea><b>MARK</b></textarea>', 'rawtext:textarea'],
    ['<title>MARK</title>', 'rawtext:title'],
    ['<script>x</script><p>MARK', 'text'],
    ['<a title="a>b">MARK</a>', 'text'],
    ['<!-- <p> --> MARK', 'text'],
  ])('%s → %s', (html, expected) => {
    const ctx = htmlContextAt(html, html.indexOf(M));
    const got = ctx.kind === 'attr' ? `attr${ctx.quote}` : ctx.kind === 'rawtext' ? `rawtext:${ctx.tag}` : ctx.kind;
    expect(got).toBe(expected);
  });

  it.each([
    ['var a = "MARK"', '"'],
    ["var a = 'x' + 'MARK'", "'"],
    ['var a = MARK', ''],
    ['var a = "it\\"s MARK"', '"'],
    ['// "quote\nvar a = MARK', ''],
  ])('script %s → quote %s', (js, quote) => {
    expect(jsQuoteAt(js, 0, js.indexOf(M))).toBe(quote);
  });
});

describe('body comparison', () => {
  it('takes reflections out, raw and encoded', () => {
    expect(stripReflections('<p>a&lt;b</p><a href="?q=a%3Cb">', ['a<b'])).toBe('<p></p><a href="?q=">');
  });
  it.each([
    ['abc', 'abc', 1],
    ['', '', 1],
    ['aaaa', 'bbbb', 0],
    ['head-X-tail', 'head-Y-tail', 10 / 11],
  ])('similarity(%s, %s) = %s', (a, b, s) => {
    expect(similarity(a, b)).toBeCloseTo(s, 5);
  });
});
