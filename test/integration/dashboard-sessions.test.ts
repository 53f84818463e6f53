import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { openLedger, type Ledger } from '../../src/ledger/index.js';
import { buildServer } from '../../src/server/index.js';
import { SESSION_TTL_MS } from '../../src/server/sessions.js';
import { vigil } from '../helpers/cli.js';
import { stores } from '../helpers/ledger-stores.js';

/** One `vigil serve` over the ledger at `location`, as a second instance or a restart would be. */
async function instance(location: string): Promise<{ ledger: Ledger; app: FastifyInstance; close(): Promise<void> }> {
  const ledger = await openLedger(location);
  const app = buildServer({ ledger, version: 'test', schedules: () => [], processMetrics: false });
  await app.ready();
  return { ledger, app, close: async () => (await app.close(), await ledger.close()) };
}

async function login(app: FastifyInstance, username: string, password: string): Promise<{ status: number; cookie: string | undefined }> {
  const form = await app.inject({ url: '/login' });
  const csrf = /name="_csrf" value="([^"]*)"/.exec(form.body)![1]!;
  const loginCookie = String(form.headers['set-cookie']).split(';')[0]!;
  const r = await app.inject({
    method: 'POST',
    url: '/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie },
    payload: new URLSearchParams({ username, password, _csrf: csrf, next: '/' }).toString(),
  });
  const set = [r.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('vigil_session='));
  return { status: r.statusCode, cookie: set?.split(';')[0] };
}

const page = (app: FastifyInstance, cookie: string, url = '/findings') => app.inject({ url, headers: { cookie } });

describe.each(stores)('dashboard sessions in the $name ledger', (store) => {
  it('are shared by every server on the ledger, survive a restart, end at logout everywhere, and keep only a hash', async () => {
    const { location, teardown } = await store.setup();
    const a = await instance(location);
    let b = await instance(location);
    try {
      const { password } = await a.ledger.auth.addUser('dana', 'analyst', { actor: 'test' });
      const { status, cookie } = await login(a.app, 'dana', password);
      expect(status).toBe(303);
      expect(cookie).toMatch(/^vigil_session=[A-Za-z0-9_-]{43}$/);
      // the other instance knows the session (behind a load balancer, either may answer)
      expect((await page(b.app, cookie!)).statusCode).toBe(200);
      // a restart of that instance logs no one out
      await b.close();
      b = await instance(location);
      const again = await page(b.app, cookie!);
      expect(again.statusCode).toBe(200);
      expect(again.body).toContain('dana (analyst)');
      // only the id's SHA-256 is stored
      if (store.name === 'sqlite') {
        const id = cookie!.split('=')[1]!;
        for (const f of [location, `${location}-wal`]) {
          const bytes = (() => {
            try {
              return readFileSync(f);
            } catch {
              return Buffer.alloc(0);
            }
          })();
          expect(bytes.includes(Buffer.from(id))).toBe(false);
        }
      }
      // logging out on one instance ends the session on all
      const csrf = /name="_csrf" value="([^"]*)"/.exec(again.body)![1]!;
      const out = await b.app.inject({ method: 'POST', url: '/logout', headers: { cookie: cookie!, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${csrf}` });
      expect(out.statusCode).toBe(303);
      const after = await page(a.app, cookie!);
      expect(after.statusCode).toBe(303);
      expect(after.headers.location).toMatch(/^\/login/);
    } finally {
      await a.close();
      await b.close();
      await teardown();
    }
  });

  it('end when the user is disabled (vigil users disable), and expire after 12 hours', async () => {
    const { location, teardown } = await store.setup();
    const a = await instance(location);
    try {
      const { password } = await a.ledger.auth.addUser('erin', 'admin', { actor: 'test' });
      const { cookie } = await login(a.app, 'erin', password);
      expect((await page(a.app, cookie!, '/settings')).statusCode).toBe(200);
      const id = cookie!.split('=')[1]!;
      const s = await a.ledger.auth.session(id);
      expect(s).toMatchObject({ principal: { kind: 'user', name: 'erin', role: 'admin' } });
      expect(Date.parse(s!.expiresAt) - Date.now()).toBeLessThanOrEqual(SESSION_TTL_MS);
      expect(Date.parse(s!.expiresAt) - Date.now()).toBeGreaterThan(SESSION_TTL_MS - 60_000);
      expect(await a.ledger.auth.session(id, { now: new Date(Date.parse(s!.expiresAt) + 1) })).toBeUndefined();

      const r = vigil(['users', 'disable', 'erin', '--ledger', location, '--actor', 'ciso'], { cwd: tmpdir() });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('user erin (id');
      expect((await page(a.app, cookie!, '/settings')).statusCode).toBe(303);
      expect((await login(a.app, 'erin', password)).status).toBe(401);
      const events = await a.ledger.eventsOfType(['user.disabled']);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ actor: 'ciso', data: { name: 'erin' } });
      expect((await a.ledger.verify()).ok).toBe(true);
      // again: nothing changes; an unknown name is exit 2 naming it
      expect(vigil(['users', 'disable', 'erin', '--ledger', location], { cwd: tmpdir() }).stderr).toContain('already disabled');
      const unknown = vigil(['users', 'disable', 'nobody', '--ledger', location], { cwd: tmpdir() });
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('no user named "nobody"');
    } finally {
      await a.close();
      await teardown();
    }
  });
});
