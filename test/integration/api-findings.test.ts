import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerFinding } from '../../src/model/finding.js';
import { apiFixture, type ApiFixture } from '../helpers/api.js';
import { vigilAsync } from '../helpers/cli.js';
import { fileFinding, runOf } from '../helpers/findings.js';
import { stores } from '../helpers/ledger-stores.js';

describe.each(stores)('API findings and tokens ($name)', (store) => {
  let f: ApiFixture;
  let dir: string;
  let teardown: () => Promise<void>;
  let runId: string;

  /** `vigil findings list --format json …` on the same ledger, run as users run it. */
  async function cliFindings(args: string[]): Promise<LedgerFinding[]> {
    const r = await vigilAsync(['findings', 'list', '--format', 'json', '--ledger', f.location, '--limit', '10000', ...args], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { findings: LedgerFinding[] }).findings;
  }

  async function head(): Promise<number> {
    return (await f.ledger.head()).seq;
  }

  beforeAll(async () => {
    const s = await store.setup();
    teardown = s.teardown;
    dir = mkdtempSync(join(tmpdir(), 'vigil-api-findings-'));
    f = await apiFixture(s.location, { dir });
    // 45 findings over two targets, every severity; some triaged, accepted and false positives
    const findings = [...Array.from({ length: 30 }, (_, n) => fileFinding(n)), ...Array.from({ length: 15 }, (_, n) => fileFinding(100 + n, { target: 'api', scanner: 'code' }))];
    const result = runOf(findings, [{}, { scanner: 'code', target: 'api' }]);
    runId = result.run.id;
    await f.ledger.ingest(result);
    await f.ledger.triage(3, { status: 'triaged', actor: 'alice' });
    await f.ledger.triage(4, { status: 'accepted', actor: 'alice', justification: 'internal', approver: 'bob' });
    await f.ledger.triage(5, { status: 'false_positive', actor: 'alice', justification: 'test code' });
  });
  afterAll(async () => {
    await f.close();
    await teardown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('GET /api/findings is `vigil findings list --format json`, for the default and for filters', async () => {
    const r = await f.app.inject({ url: '/api/findings?limit=1000', headers: f.auth('ci') });
    expect(r.statusCode).toBe(200);
    const body = r.json() as { findings: LedgerFinding[]; next: string | null };
    expect(Object.keys(body).sort()).toEqual(['findings', 'next']);
    expect(body.next).toBeNull();
    expect(body.findings).toEqual(await cliFindings([]));
    expect(body.findings.length).toBe(43); // active only: the accepted and the false positive are not

    const q = await f.app.inject({ url: '/api/findings?severity=high,critical&status=open,triaged&text=Problem%201&limit=1000', headers: f.auth('auditor') });
    expect(q.statusCode).toBe(200);
    const filtered = (q.json() as { findings: LedgerFinding[] }).findings;
    expect(filtered).toEqual(await cliFindings(['--severity', 'high,critical', '--status', 'open,triaged', '--search', 'Problem 1']));
    expect(filtered.length).toBeGreaterThan(2);
    for (const x of filtered) {
      expect(['high', 'critical']).toContain(x.severity);
      expect(['open', 'triaged']).toContain(x.status);
      expect(x.title).toContain('Problem 1');
    }
    const byTarget = await f.app.inject({ url: '/api/findings?status=all&target=api&scanner=code&limit=1000', headers: f.auth('ci') });
    expect(byTarget.json().findings).toEqual(await cliFindings(['--status', 'all', '--target', 'api', '--scanner', 'code']));
    expect(byTarget.json().findings).toHaveLength(15);
  });

  it('cursor pagination walks every finding exactly once, in the CLI\'s order', async () => {
    const all = await cliFindings(['--status', 'all']);
    expect(all).toHaveLength(45);
    const walked: LedgerFinding[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await f.app.inject({ url: `/api/findings?status=all&limit=7${cursor ? `&cursor=${cursor}` : ''}`, headers: f.auth('ci') });
      expect(r.statusCode, r.body).toBe(200);
      const page = r.json() as { findings: LedgerFinding[]; next: string | null };
      walked.push(...page.findings);
      cursor = page.next;
      if (cursor) expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      pages++;
    } while (cursor && pages < 100);
    expect(pages).toBe(7);
    expect(walked).toEqual(all);
    expect(new Set(walked.map((x) => x.id)).size).toBe(45);
    // a cursor vigil did not make is refused, not guessed at
    const bad = await f.app.inject({ url: '/api/findings?cursor=bm9wZQ', headers: f.auth('ci') });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('VIGIL_ERR_CURSOR_INVALID');
  });

  it('GET /api/findings/:id has the finding and its history; unknown ids are 404', async () => {
    const r = await f.app.inject({ url: '/api/findings/4', headers: f.auth('auditor') });
    expect(r.statusCode).toBe(200);
    const body = r.json() as { finding: LedgerFinding; events: { type: string; actor: string | null }[] };
    expect(body.finding).toMatchObject({ id: 4, status: 'accepted', acceptance: { justification: 'internal', approver: 'bob', expires: null } });
    expect(body.events.map((e) => e.type)).toEqual(['finding.opened', 'finding.triaged']);
    const cli = await vigilAsync(['findings', 'show', '4', '--format', 'json', '--ledger', f.location], { cwd: dir });
    expect(JSON.parse(cli.stdout)).toEqual(body);
    const none = await f.app.inject({ url: '/api/findings/99999', headers: f.auth('ci') });
    expect(none.statusCode).toBe(404);
    expect(none.json()).toEqual({ statusCode: 404, code: 'VIGIL_ERR_FINDING_NOT_FOUND', message: 'no finding with id 99999' });
  });

  it('POST /api/findings/:id/triage records the event with the token\'s name as actor, and the ledger verifies', async () => {
    const r = await f.app.inject({
      method: 'POST',
      url: '/api/findings/7/triage',
      headers: f.auth('analyst'),
      payload: { status: 'accepted', justification: 'behind the VPN', approver: 'ciso', expires: '2099-01-31', note: 'ticket SEC-1' },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().finding).toMatchObject({ id: 7, status: 'accepted', acceptance: { justification: 'behind the VPN', approver: 'ciso' } });
    const events = await f.ledger.findingEvents(7);
    expect(events.at(-1)).toMatchObject({ type: 'finding.triaged', actor: 'analyst-bot', data: { from: 'open', to: 'accepted', note: 'ticket SEC-1' } });
    const verify = await vigilAsync(['ledger', 'verify', '--ledger', f.location], { cwd: dir });
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    // the ledger's own rules answer 400 with their code
    const incomplete = await f.app.inject({ method: 'POST', url: '/api/findings/8/triage', headers: f.auth('analyst'), payload: { status: 'accepted' } });
    expect(incomplete.statusCode).toBe(400);
    expect(incomplete.json()).toMatchObject({ code: 'VIGIL_ERR_TRIAGE_INVALID', message: 'accepting a risk needs a justification' });
  });

  it('GET /api/gate gives the newest run\'s verdict for failOn', async () => {
    const high = await f.app.inject({ url: '/api/gate?failOn=high', headers: f.auth('ci') });
    expect(high.statusCode).toBe(200);
    const body = high.json() as { runId: string; failOn: string; failed: boolean; counts: Record<string, number> };
    expect(body).toMatchObject({ runId, failOn: 'high', failed: true });
    // the live findings of the run: open, reopened or triaged
    const live = (await cliFindings([])).filter((x) => x.lastRunId === runId);
    for (const sev of ['critical', 'high', 'medium', 'low', 'info']) expect(body.counts[sev], sev).toBe(live.filter((x) => x.severity === sev).length);
    const none = await f.app.inject({ url: '/api/gate?failOn=none', headers: f.auth('ci') });
    expect(none.json()).toMatchObject({ failOn: 'none', failed: false });
    const bad = await f.app.inject({ url: '/api/gate?failOn=severe', headers: f.auth('ci') });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toBe('querystring.failOn: must be one of critical, high, medium, low, none');
  });

  it('bad input is a 4xx with the right code and changes nothing in the ledger', async () => {
    const before = await head();
    const post = (payload: string | object, headers: Record<string, string> = {}) =>
      f.app.inject({ method: 'POST', url: '/api/findings/1/triage', headers: { ...f.auth('admin'), 'content-type': 'application/json', ...headers }, payload });
    const cases: [string, Awaited<ReturnType<typeof post>>, number, string, RegExp?][] = [
      ['malformed JSON', await post('{"status": "triaged",'), 400, 'VIGIL_ERR_API_INVALID', /^body: not valid JSON$/],
      ['wrong type', await post({ status: 'triaged', note: 5 }), 400, 'VIGIL_ERR_API_INVALID', /^body\.note: must be string$/],
      ['a number for a string, not coerced', await post({ status: 'accepted', justification: 5, approver: 'x' }), 400, 'VIGIL_ERR_API_INVALID', /^body\.justification/],
      ['unknown status', await post({ status: 'fixed' }), 400, 'VIGIL_ERR_API_INVALID', /^body\.status: must be one of open, triaged, accepted, false_positive$/],
      ['unknown field', await post({ status: 'triaged', actor: 'mallory' }), 400, 'VIGIL_ERR_API_INVALID', /^body: unknown field "actor"$/],
      ['missing field', await post({}), 400, 'VIGIL_ERR_API_INVALID', /^body: "status" is required$/],
      ['not JSON', await post('status=triaged', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'VIGIL_ERR_API_MEDIA_TYPE'],
      ['oversize body', await post({ status: 'triaged', note: 'x'.repeat(1024 * 1024 + 10) }), 413, 'VIGIL_ERR_INPUT_TOO_LARGE'],
      ['bad id', await f.app.inject({ method: 'POST', url: '/api/findings/abc/triage', headers: f.auth('admin'), payload: { status: 'triaged' } }), 400, 'VIGIL_ERR_API_INVALID', /^params\.id: must be integer$/],
      ['unknown query parameter', await f.app.inject({ url: '/api/findings?severity=high&sort=title', headers: f.auth('ci') }), 400, 'VIGIL_ERR_API_INVALID', /^querystring: unknown parameter "sort"$/],
      ['repeated parameter', await f.app.inject({ url: '/api/findings?limit=2&limit=3', headers: f.auth('ci') }), 400, 'VIGIL_ERR_API_INVALID', /^querystring\.limit/],
      ['limit out of range', await f.app.inject({ url: '/api/findings?limit=100000', headers: f.auth('ci') }), 400, 'VIGIL_ERR_API_INVALID', /^querystring\.limit: must be <= 1000$/],
      ['bad severity list', await f.app.inject({ url: '/api/findings?severity=high,,low', headers: f.auth('ci') }), 400, 'VIGIL_ERR_API_INVALID', /^querystring\.severity/],
      ['expired token', await post({ status: 'triaged' }, f.auth('expired')), 401, 'VIGIL_ERR_AUTH_REQUIRED', /expired/],
      ['revoked token', await post({ status: 'triaged' }, f.auth('revoked')), 401, 'VIGIL_ERR_AUTH_REQUIRED', /revoked/],
      ['token in the query string', await f.app.inject({ method: 'POST', url: `/api/findings/1/triage?token=${f.tokens.admin}`, payload: { status: 'triaged' } }), 401, 'VIGIL_ERR_AUTH_REQUIRED'],
      ['read-only role', await post({ status: 'triaged' }, f.auth('auditor')), 403, 'VIGIL_ERR_AUTH_FORBIDDEN'],
      ['unknown route', await f.app.inject({ url: '/api/finding', headers: f.auth('ci') }), 404, 'VIGIL_ERR_API_NOT_FOUND'],
      ['unknown method', await f.app.inject({ method: 'PUT', url: '/api/findings/1', headers: f.auth('admin') }), 404, 'VIGIL_ERR_API_NOT_FOUND'],
    ];
    for (const [what, r, status, code, message] of cases) {
      expect(r.statusCode, `${what}: ${r.body}`).toBe(status);
      const body = r.json() as { statusCode: number; code: string; message: string };
      expect(Object.keys(body).sort(), what).toEqual(['code', 'message', 'statusCode']);
      expect(body, what).toMatchObject({ statusCode: status, code });
      if (message) expect(body.message, what).toMatch(message);
      expect(r.body, what).not.toMatch(/\bat .*\.(ts|js):\d+/);
    }
    expect(await head()).toBe(before);
    expect((await f.ledger.getFinding(1))!.status).toBe('open');
    for (const secret of Object.values(f.tokens)) expect(f.logs.text).not.toContain(secret);
  });

  it('an unexpected failure is a 500 with a generic message; the details go to the log only', async () => {
    const broken = await apiFixture(f.location, { dir: mkdtempSync(join(tmpdir(), 'vigil-api-500-')) });
    const original = broken.ledger.getFinding.bind(broken.ledger);
    broken.ledger.getFinding = async () => {
      throw new Error('disk on fire at /var/secret/path');
    };
    try {
      const r = await broken.app.inject({ url: '/api/findings/1', headers: broken.auth('ci') });
      expect(r.statusCode).toBe(500);
      expect(r.json()).toEqual({ statusCode: 500, code: 'VIGIL_ERR_INTERNAL', message: 'an internal error; it was logged on the server' });
      expect(r.body).not.toContain('disk on fire');
      expect(broken.logs.text).toContain('disk on fire');
    } finally {
      broken.ledger.getFinding = original;
      await broken.close();
    }
  });

  it('admins create, list and revoke tokens: each a chained event by the admin, never holding the token', async () => {
    const before = await head();
    const made = await f.app.inject({ method: 'POST', url: '/api/tokens', headers: f.auth('admin'), payload: { name: 'deploy-pipeline', role: 'ci', expires: '2099-12-31' } });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.headers['cache-control']).toBe('no-store');
    const { token, secret } = made.json() as { token: { id: number; prefix: string; expiresAt: string }; secret: string };
    expect(secret).toMatch(/^vgl_[A-Za-z0-9_-]{43}$/);
    expect(token).toMatchObject({ name: 'deploy-pipeline', role: 'ci', prefix: secret.slice(0, 12), expiresAt: '2100-01-01T00:00:00.000Z', revokedAt: null });
    // the new token works, for what its role may do
    const use = await f.app.inject({ url: '/api/findings?limit=1', headers: { authorization: `Bearer ${secret}` } });
    expect(use.statusCode).toBe(200);
    expect((await f.app.inject({ url: '/api/tokens', headers: { authorization: `Bearer ${secret}` } })).statusCode).toBe(403);

    const list = await f.app.inject({ url: '/api/tokens', headers: f.auth('admin') });
    expect(list.statusCode).toBe(200);
    const listed = (list.json() as { tokens: { id: number; lastUsedAt: string | null }[] }).tokens;
    expect(listed[0]).toMatchObject({ id: token.id, name: 'deploy-pipeline' });
    expect(listed[0]!.lastUsedAt).not.toBeNull();
    expect(list.body).not.toContain(secret.slice(12));

    const revoke = await f.app.inject({ method: 'DELETE', url: `/api/tokens/${token.id}`, headers: f.auth('admin') });
    expect(revoke.statusCode).toBe(200);
    expect(revoke.json()).toMatchObject({ changed: true, token: { id: token.id, revokedAt: expect.any(String) } });
    const again = await f.app.inject({ method: 'DELETE', url: `/api/tokens/${token.id}`, headers: f.auth('admin') });
    expect(again.json()).toMatchObject({ changed: false });
    const refused = await f.app.inject({ url: '/api/findings?limit=1', headers: { authorization: `Bearer ${secret}` } });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().message).toBe('the token was revoked');
    const unknown = await f.app.inject({ method: 'DELETE', url: '/api/tokens/99999', headers: f.auth('admin') });
    expect(unknown.json()).toMatchObject({ statusCode: 404, code: 'VIGIL_ERR_TOKEN_NOT_FOUND' });
    const badRole = await f.app.inject({ method: 'POST', url: '/api/tokens', headers: f.auth('admin'), payload: { name: 'x', role: 'root' } });
    expect(badRole.json()).toMatchObject({ statusCode: 400, code: 'VIGIL_ERR_API_INVALID', message: 'body.role: must be one of admin, analyst, auditor, ci' });
    const past = await f.app.inject({ method: 'POST', url: '/api/tokens', headers: f.auth('admin'), payload: { name: 'x', role: 'ci', expires: '2001-01-01' } });
    expect(past.json()).toMatchObject({ statusCode: 400, code: 'VIGIL_ERR_AUTH_INVALID' });

    const events = await f.ledger.eventsOfType(['token.created', 'token.revoked'], { afterSeq: before });
    expect(events.map((e) => [e.type, e.actor, e.data])).toEqual([
      ['token.created', 'admin-bot', { id: token.id, name: 'deploy-pipeline', role: 'ci', expiresAt: '2100-01-01T00:00:00.000Z' }],
      ['token.revoked', 'admin-bot', { id: token.id, name: 'deploy-pipeline' }],
    ]);
    const { tokenHash } = await import('../../src/ledger/credentials.js');
    const chained = JSON.stringify(events);
    expect(chained).not.toContain(secret.slice(4));
    expect(chained).not.toContain(tokenHash(secret));
    const verify = await vigilAsync(['ledger', 'verify', '--ledger', f.location], { cwd: dir });
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });

  it('users sign in with HTTP Basic; their name is the actor; a wrong password is 401', async () => {
    const { user, password } = await f.ledger.auth.addUser('erin', 'analyst', { actor: 'test' });
    expect(user).toMatchObject({ name: 'erin', role: 'analyst' });
    await expect(f.ledger.auth.addUser('erin', 'ci', { actor: 'test' })).rejects.toMatchObject({ code: 'VIGIL_ERR_USER_EXISTS' });
    const basic = (p: string) => ({ authorization: `Basic ${Buffer.from(`erin:${p}`).toString('base64')}` });
    const r = await f.app.inject({ method: 'POST', url: '/api/findings/9/triage', headers: basic(password), payload: { status: 'triaged' } });
    expect(r.statusCode, r.body).toBe(200);
    expect((await f.ledger.findingEvents(9)).at(-1)).toMatchObject({ type: 'finding.triaged', actor: 'erin' });
    const wrong = await f.app.inject({ url: '/api/findings', headers: basic('guess') });
    expect(wrong.json()).toMatchObject({ statusCode: 401, code: 'VIGIL_ERR_AUTH_REQUIRED', message: 'wrong user name or password, or the user is disabled' });
    expect((await f.ledger.eventsOfType(['user.added'])).at(-1)).toMatchObject({ actor: 'test', data: { name: 'erin', role: 'analyst' } });
    expect(f.logs.text).not.toContain(password);
  });

  it('a real listening socket on loopback answers fetch the same way', async () => {
    const { buildServer } = await import('../../src/server/index.js');
    const app = buildServer({ ledger: f.ledger, version: 'test', schedules: () => [], processMetrics: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const { port } = app.server.address() as { port: number };
      const base = `http://127.0.0.1:${port}`;
      const ok = await fetch(`${base}/api/findings?limit=3`, { headers: f.auth('ci') });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(((await ok.json()) as { findings: LedgerFinding[] }).findings).toEqual((await cliFindings([])).slice(0, 3));
      const anon = await fetch(`${base}/api/findings`);
      expect(anon.status).toBe(401);
      expect(await anon.json()).toMatchObject({ code: 'VIGIL_ERR_AUTH_REQUIRED' });
      const big = await fetch(`${base}/api/findings/1/triage`, {
        method: 'POST',
        headers: { ...f.auth('admin'), 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'triaged', note: 'y'.repeat(2 * 1024 * 1024) }),
      });
      expect(big.status).toBe(413);
      expect(await big.json()).toMatchObject({ code: 'VIGIL_ERR_INPUT_TOO_LARGE' });
      const health = await fetch(`${base}/healthz`);
      expect(await health.json()).toMatchObject({ status: 'ok', ledger: { kind: store.name } });
    } finally {
      await app.close();
    }
  });
});
