import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoAdmin } from '../../src/cli/demo-admin.js';
import { ROLES, type Role } from '../../src/ledger/auth-store.js';
import { openLedger } from '../../src/ledger/index.js';
import { PAGES } from '../../src/server/permissions.js';
import { apiFixture, type ApiFixture } from '../helpers/api.js';
import { fileFinding, runOf } from '../helpers/findings.js';
import { incidentsForRun } from '../../src/incidents/engine.js';
import { loadRunbooks } from '../../src/incidents/runbooks.js';
import { incidentView } from '../../src/incidents/view.js';

/** A logged-in browser, as far as the server can tell: its cookie and the session's CSRF token. */
interface Browser {
  cookie: string;
  csrf: string;
}

const dir = mkdtempSync(join(tmpdir(), 'vigil-dashboard-'));
let f: ApiFixture;
const passwords = {} as Record<Role, string>;
const sessions = {} as Record<Role, Browser>;

function cookiesOf(setCookie: string | string[] | undefined): Record<string, string> {
  const list = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie];
  return Object.fromEntries(list.map((c) => c.split(';')[0]!.split('=') as [string, string]));
}

function hidden(html: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!m) throw new Error(`no hidden field ${name}`);
  return m[1]!;
}

/** GET /login then POST it, as a browser does; the response of the POST. */
async function login(username: string, password: string, opts: { ip?: string } = {}) {
  const ip = opts.ip ?? '127.0.0.1';
  const form = await f.app.inject({ method: 'GET', url: '/login', remoteAddress: ip });
  const csrf = hidden(form.body, '_csrf');
  const loginCookie = cookiesOf(form.headers['set-cookie']).vigil_login_csrf!;
  return f.app.inject({
    method: 'POST',
    url: '/login',
    remoteAddress: ip,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `vigil_login_csrf=${loginCookie}` },
    payload: new URLSearchParams({ username, password, _csrf: csrf, next: '/' }).toString(),
  });
}

async function browserOf(role: Role): Promise<Browser> {
  const r = await login(`${role}-user`, passwords[role]);
  expect(r.statusCode).toBe(303);
  const cookie = `vigil_session=${cookiesOf(r.headers['set-cookie']).vigil_session}`;
  const home = await f.app.inject({ method: 'GET', url: role === 'ci' ? '/findings' : '/', headers: { cookie } });
  expect(home.statusCode).toBe(200);
  return { cookie, csrf: hidden(home.body, '_csrf') };
}

function post(b: Browser, url: string, fields: Record<string, string>) {
  return f.app.inject({ method: 'POST', url, headers: { cookie: b.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
}

/** A concrete URL for a route pattern. */
const concrete = (url: string) => url.replace(':id', '1');

beforeAll(async () => {
  f = await apiFixture(join(dir, 'ledger.db'), { dir, deps: { limits: { authFailures: { max: 5, windowMs: 60_000 } } } });
  await f.ledger.ingest(runOf(Array.from({ length: 12 }, (_, n) => fileFinding(n))));
  for (const role of ROLES) passwords[role] = (await f.ledger.auth.addUser(`${role}-user`, role, { actor: 'test' })).password;
  for (const role of ROLES) sessions[role] = await browserOf(role);
});
afterAll(async () => {
  await f.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('dashboard sessions', () => {
  it('sets the session cookie HttpOnly, SameSite=Strict, Path=/ (Secure only over HTTPS)', async () => {
    const r = await login('admin-user', passwords.admin);
    const set = ([] as string[]).concat(r.headers['set-cookie'] ?? []).find((c) => c.startsWith('vigil_session='))!;
    expect(set).toMatch(/; HttpOnly/);
    expect(set).toMatch(/; SameSite=Strict/);
    expect(set).toMatch(/; Path=\//);
    expect(set).not.toMatch(/Secure/);
    expect(r.headers.location).toBe('/');
  });

  it('sends a page without a session to /login, and keeps where it was going', async () => {
    const r = await f.app.inject({ method: 'GET', url: '/findings?severity=high' });
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe(`/login?next=${encodeURIComponent('/findings?severity=high')}`);
  });

  it('does not take a token or Basic credentials for a page', async () => {
    const r = await f.app.inject({ method: 'GET', url: '/', headers: f.auth('admin') });
    expect(r.statusCode).toBe(303);
  });

  it('refuses a login without the login form\'s CSRF token', async () => {
    const r = await f.app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ username: 'admin-user', password: passwords.admin }).toString(),
    });
    expect(r.statusCode).toBe(403);
    expect(r.headers['set-cookie'] ?? '').not.toMatch(/vigil_session=/);
  });

  it('rate-limits failed logins per address, then refuses even the right password', async () => {
    const ip = '10.9.8.7';
    for (let i = 0; i < 5; i++) expect((await login('admin-user', 'wrong', { ip })).statusCode).toBe(401);
    const r = await login('admin-user', passwords.admin, { ip });
    expect(r.statusCode).toBe(429);
    expect(r.body).toMatch(/Too many failed logins/);
    expect(r.headers['retry-after']).toBeDefined();
    // another address is not affected
    expect((await login('admin-user', passwords.admin, { ip: '10.9.8.8' })).statusCode).toBe(303);
  });

  it('logs out: the session no longer opens a page', async () => {
    const b = await browserOf('auditor');
    const r = await post(b, '/logout', { _csrf: b.csrf });
    expect(r.statusCode).toBe(303);
    expect((await f.app.inject({ method: 'GET', url: '/', headers: { cookie: b.cookie } })).statusCode).toBe(303);
  });

  it('lets the API take the session for GETs only', async () => {
    const a = sessions.analyst;
    expect((await f.app.inject({ method: 'GET', url: '/api/findings', headers: { cookie: a.cookie } })).statusCode).toBe(200);
    const p = await f.app.inject({ method: 'POST', url: '/api/findings/1/triage', headers: { cookie: a.cookie }, payload: { status: 'triaged' } });
    expect(p.statusCode).toBe(401);
  });
});

describe('dashboard CSRF', () => {
  for (const [label, token] of [
    ['without a token', undefined],
    ['with a wrong token', 'x'.repeat(43)],
  ] as const) {
    it(`refuses a form ${label} (403) and changes nothing`, async () => {
      const before = (await f.ledger.head()).seq;
      const fields: Record<string, string> = { status: 'triaged', note: 'csrf' };
      if (token) fields._csrf = token;
      const r = await post(sessions.analyst, '/findings/2/triage', fields);
      expect(r.statusCode).toBe(403);
      expect(r.body).toMatch(/CSRF/);
      const t = await post(sessions.admin, '/settings/tokens', { name: 'csrf-bot', role: 'ci', ...(token ? { _csrf: token } : {}) });
      expect(t.statusCode).toBe(403);
      expect((await f.ledger.head()).seq).toBe(before);
      expect((await f.ledger.getFinding(2))!.status).toBe('open');
    });
  }

  it('takes the form with the session\'s token; the event\'s actor is the user', async () => {
    const r = await post(sessions.analyst, '/findings/2/triage', { status: 'triaged', note: 'looked at it', _csrf: sessions.analyst.csrf });
    expect(r.statusCode).toBe(303);
    const events = await f.ledger.findingEvents(2);
    expect(events.at(-1)).toMatchObject({ actor: 'analyst-user' });
  });

  it('shows a triage error on the page', async () => {
    const r = await post(sessions.analyst, '/findings/3/triage', { status: 'accepted', _csrf: sessions.analyst.csrf });
    expect(r.statusCode).toBeGreaterThanOrEqual(400);
    expect(r.headers['content-type']).toMatch(/text\/html/);
    expect(r.body).toMatch(/class="error" role="alert"/);
  });
});

describe('dashboard pages', () => {
  const gets = Object.keys(PAGES).filter((k) => k.startsWith('GET ') && PAGES[k as keyof typeof PAGES] !== 'public' && k !== 'GET /events');

  it('has a row in the permission table for every page route registered', () => {
    const pageRoutes = f.app.vigilRoutes.filter((r) => !r.url.startsWith('/api/') && !['/healthz', '/readyz', '/metrics'].includes(r.url));
    expect(pageRoutes.map((r) => `${r.method} ${r.url}`).sort()).toEqual(Object.keys(PAGES).sort());
  });

  for (const role of ROLES) {
    it(`opens exactly the pages role ${role} may`, async () => {
      const allowed: string[] = [];
      for (const key of gets) {
        const url = concrete(key.slice(4));
        const r = await f.app.inject({ method: 'GET', url, headers: { cookie: sessions[role].cookie } });
        // an incident that does not exist is a 404 page, but the role got past its check
        if (r.statusCode === 200 || (r.statusCode === 404 && r.body.includes('no incident'))) allowed.push(key);
        else expect(r.statusCode, `${role} ${key}`).toBe(403);
      }
      const expected = gets.filter((k) => (PAGES[k as keyof typeof PAGES] as readonly string[]).includes(role));
      expect(allowed).toEqual(expected);
    });
  }

  it('references nothing outside the server in src or href, and no inline style or script', async () => {
    for (const key of gets) {
      const r = await f.app.inject({ method: 'GET', url: concrete(key.slice(4)), headers: { cookie: sessions.admin.cookie } });
      for (const m of r.body.matchAll(/\b(?:src|href|action)="([^"]*)"/g)) expect(m[1], key).toMatch(/^\/(?!\/)/);
      expect(r.body, key).not.toMatch(/\sstyle=|<style|<script(?![^>]*\bsrc="\/assets\/)/);
      expect(r.body, key).not.toMatch(/\son[a-z]+=/);
    }
  });

  it('sends a CSP without unsafe-inline or unsafe-eval', async () => {
    const r = await f.app.inject({ method: 'GET', url: '/', headers: { cookie: sessions.admin.cookie } });
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toMatch(/style-src 'self'/);
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
  });

  it('escapes what the ledger holds', async () => {
    const evil = fileFinding(500);
    evil.title = '<img src=x onerror=alert(1)>';
    await f.ledger.ingest(runOf([evil], [{ target: 'app2' }]));
    const r = await f.app.inject({ method: 'GET', url: '/findings?text=img', headers: { cookie: sessions.admin.cookie } });
    expect(r.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(r.body).not.toContain('<img');
  });

  it('filters findings and pages through them with the ledger cursor', async () => {
    const r = await f.app.inject({ method: 'GET', url: '/findings?severity=critical', headers: { cookie: sessions.admin.cookie } });
    expect(r.statusCode).toBe(200);
    expect(r.body).toMatch(/sev-critical/);
    expect(r.body).not.toMatch(/<td><span class="sev sev-high">/);
  });

  it('creates and revokes a token from the settings forms', async () => {
    const a = sessions.admin;
    const made = await post(a, '/settings/tokens', { name: 'form-bot', role: 'ci', _csrf: a.csrf });
    expect(made.statusCode).toBe(200);
    expect(made.body).toMatch(/id="new-token">vgl_/);
    const t = (await f.ledger.auth.listTokens()).find((x) => x.name === 'form-bot')!;
    const r = await post(a, `/settings/tokens/${t.id}/revoke`, { _csrf: a.csrf });
    expect(r.statusCode).toBe(303);
    expect((await f.ledger.auth.listTokens()).find((x) => x.name === 'form-bot')!.revokedAt).not.toBeNull();
  });

  it('keeps the pages out of the OpenAPI document', async () => {
    const doc = (await f.app.inject({ method: 'GET', url: '/api/openapi.json', headers: f.auth('admin') })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).filter((p) => !p.startsWith('/api/') && !['/healthz', '/readyz', '/metrics'].includes(p))).toEqual([]);
  });
});

describe('dashboard demo admin', () => {
  it('adds an admin with a one-time password when the ledger has none, once', async () => {
    const d = mkdtempSync(join(tmpdir(), 'vigil-demo-admin-'));
    const l = await openLedger(join(d, 'ledger.db'));
    try {
      let out = '';
      expect(await ensureDemoAdmin(l, 'http://127.0.0.1:8787/', (t) => (out += t))).toBe(true);
      expect(out).toContain('http://127.0.0.1:8787/');
      const pw = /shown this once: (\S+)/.exec(out)![1]!;
      expect(await l.auth.checkPassword('admin', pw)).toMatchObject({ ok: true, principal: { role: 'admin' } });
      expect(await ensureDemoAdmin(l, 'http://127.0.0.1:8787/', () => undefined)).toBe(false);
      expect((await l.auth.listUsers()).length).toBe(1);
    } finally {
      await l.close();
      rmSync(d, { recursive: true, force: true });
    }
  });
});

describe('incident actions on the incident page', () => {
  let incidentId: number;

  beforeAll(async () => {
    // a critical finding on a system holding personal data opens the breach runbook (steps and the GDPR clocks)
    const result = runOf([fileFinding(500, { severity: 'critical' })]);
    const summary = await f.ledger.ingest(result);
    const items = incidentsForRun(result, summary, { runbooks: await loadRunbooks(), personalData: new Map([['app', new Set(['user.contact'])]]), kev: new Set() }, { scheduled: false, ingestedAt: new Date().toISOString() });
    const { opened } = await f.ledger.incidents.open(items);
    expect(opened.length).toBeGreaterThan(0);
    incidentId = opened[0]!.id;
  });

  const view = async () => incidentView((await f.ledger.incidents.get(incidentId))!, new Date());

  it('shows the forms to an analyst, none to an auditor, and refuses an auditor\'s post (403, nothing recorded)', async () => {
    const page = await f.app.inject({ url: `/incidents/${incidentId}`, headers: { cookie: sessions.analyst.cookie } });
    expect(page.statusCode).toBe(200);
    const v = await view();
    for (const s of v.steps) expect(page.body).toContain(`<input type="hidden" name="action" value="step"><input type="hidden" name="step" value="${s.id}">`);
    for (const c of v.clocks) expect(page.body).toContain(`<input type="hidden" name="action" value="waive"><input type="hidden" name="clock" value="${c.id}">`);
    expect(page.body).toContain('Record awareness now');
    const audit = await f.app.inject({ url: `/incidents/${incidentId}`, headers: { cookie: sessions.auditor.cookie } });
    expect(audit.statusCode).toBe(200);
    expect(audit.body).not.toContain('action="/incidents/');
    const before = (await f.ledger.head()).seq;
    const r = await post(sessions.auditor, `/incidents/${incidentId}/act`, { action: 'note', note: 'hello', _csrf: sessions.auditor.csrf });
    expect(r.statusCode).toBe(403);
    const noCsrf = await post(sessions.analyst, `/incidents/${incidentId}/act`, { action: 'note', note: 'hello' });
    expect(noCsrf.statusCode).toBe(403);
    expect((await f.ledger.head()).seq).toBe(before);
  });

  it('records a step, a clock met with its notice fields, a waiver, awareness and a note, each with the user as actor', async () => {
    const v = await view();
    const step = v.steps[0]!;
    const [met, waived] = v.clocks;
    expect(met && waived).toBeTruthy();
    const send = (fields: Record<string, string>) => post(sessions.analyst, `/incidents/${incidentId}/act`, { ...fields, _csrf: sessions.analyst.csrf });
    expect((await send({ action: 'aware', note: 'paged at 09:00' })).statusCode).toBe(303);
    expect((await send({ action: 'step', step: step.id, note: 'contained' })).statusCode).toBe(303);
    const field = met!.fields?.[0];
    const metFields = field ? { [`field_${field.id}`]: 'names, e-mail addresses' } : {};
    expect((await send({ action: 'clock', clock: met!.id, ...metFields })).statusCode).toBe(303);
    // a waiver without a reason is refused on the page, and nothing is recorded
    const seq = (await f.ledger.head()).seq;
    const bad = await send({ action: 'waive', clock: waived!.id });
    expect(bad.statusCode).toBe(409);
    expect(bad.body).toMatch(/class="error" role="alert">[^<]*needs a reason/);
    expect((await f.ledger.head()).seq).toBe(seq);
    expect((await send({ action: 'waive', clock: waived!.id, note: 'no EU residents affected' })).statusCode).toBe(303);
    expect((await send({ action: 'note', note: 'customer told' })).statusCode).toBe(303);

    const after = await view();
    expect(after.awareAt).not.toBeNull();
    expect(after.steps.find((s) => s.id === step.id)).toMatchObject({ state: expect.stringMatching(/^(done|late)$/), actor: 'analyst-user', note: 'contained' });
    expect(after.clocks.find((c) => c.id === met!.id)).toMatchObject({ actor: 'analyst-user' });
    if (field) expect(after.clocks.find((c) => c.id === met!.id)!.fields!.find((x) => x.id === field.id)!.value).toBe('names, e-mail addresses');
    expect(after.clocks.find((c) => c.id === waived!.id)).toMatchObject({ state: 'waived', note: 'no EU residents affected' });
    const events = await f.ledger.eventsOfType(['incident.aware', 'incident.step_done', 'incident.clock_met', 'incident.clock_waived', 'incident.noted']);
    expect(events.filter((e) => (e.data as { incident?: number }).incident === incidentId).map((e) => e.actor)).toEqual(Array(5).fill('analyst-user'));
    const page = await f.app.inject({ url: `/incidents/${incidentId}?saved=1`, headers: { cookie: sessions.analyst.cookie } });
    expect(page.body).toContain('Recorded.');
    expect(page.body).toContain('customer told');
  });

  it('resolves only when the post-incident steps are done, then offers no more forms', async () => {
    const send = (fields: Record<string, string>) => post(sessions.analyst, `/incidents/${incidentId}/act`, { ...fields, _csrf: sessions.analyst.csrf });
    let v = await view();
    if (v.resolveBlockedBy.length) {
      const page = await f.app.inject({ url: `/incidents/${incidentId}`, headers: { cookie: sessions.analyst.cookie } });
      expect(page.body).toContain(`Resolving waits for: ${v.resolveBlockedBy.join(', ')}.`);
      expect((await send({ action: 'resolve' })).statusCode).toBe(409);
      // the steps in runbook order (a step may wait on an earlier one)
      for (const s of v.steps.filter((x) => !x.doneAt)) expect((await send({ action: 'step', step: s.id })).statusCode, s.id).toBe(303);
    }
    expect((await send({ action: 'resolve', note: 'closed out' })).statusCode).toBe(303);
    v = await view();
    expect(v.status).toBe('resolved');
    const page = await f.app.inject({ url: `/incidents/${incidentId}`, headers: { cookie: sessions.analyst.cookie } });
    expect(page.body).not.toContain(`action="/incidents/${incidentId}/act"`);
    expect((await send({ action: 'step', step: 'anything' })).statusCode).toBe(409);
  });
});
