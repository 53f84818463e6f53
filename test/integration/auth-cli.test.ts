import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/index.js';
import { tokenHash } from '../../src/ledger/credentials.js';
import { vigil, vigilSpawn } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { makePki } from '../helpers/tls-pki.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-auth-cli-'));
const ledger = join(dir, 'ledger.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[], env: Record<string, string> = {}) => vigil([...args, '--ledger', ledger], { cwd: dir, env: { VIGIL_ACTOR: 'root-admin', ...env } });

describe('vigil users and vigil tokens', () => {
  it('users add prints a one-time password; the hash is stored, the event names the actor and never the secret', async () => {
    const r = run(['users', 'add', 'dana', '--role', 'analyst']);
    expect(r.code, r.stderr).toBe(0);
    const password = r.stdout.trim();
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(r.stderr).toMatch(/user dana \(id 1, role analyst\) added; the password below is shown once/);
    const again = run(['users', 'add', 'dana', '--role', 'admin']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('VIGIL_ERR_USER_EXISTS');
    const l = await openLedger(ledger);
    try {
      expect(await l.auth.checkPassword('dana', password)).toMatchObject({ ok: true, principal: { name: 'dana', role: 'analyst' } });
      expect(await l.auth.checkPassword('dana', `${password}x`)).toEqual({ ok: false, reason: 'wrong' });
      expect(await l.auth.checkPassword('nobody', password)).toEqual({ ok: false, reason: 'unknown' });
      const [ev] = await l.eventsOfType(['user.added']);
      expect(ev).toMatchObject({ actor: 'root-admin', data: { id: 1, name: 'dana', role: 'analyst' } });
      expect(JSON.stringify(ev)).not.toContain(password);
    } finally {
      await l.close();
    }
    const db = readFileSync(ledger);
    expect(db.includes(Buffer.from(password))).toBe(false);
    const list = run(['users', 'list', '--format', 'json']);
    expect(JSON.parse(list.stdout).users).toEqual([{ id: 1, name: 'dana', role: 'analyst', createdAt: expect.any(String), disabledAt: null }]);
    expect(list.stdout).not.toContain('scrypt');
  });

  it('tokens create prints the token once; list shows the prefix only; revoke refuses it from then on', async () => {
    const c = run(['tokens', 'create', '--role', 'ci', '--name', 'github-actions', '--expires', '2099-06-30']);
    expect(c.code, c.stderr).toBe(0);
    const token = c.stdout.trim();
    expect(token).toMatch(/^vgl_[A-Za-z0-9_-]{43}$/);
    expect(c.stderr).toContain('token 1 "github-actions" (role ci, expires 2099-07-01T00:00:00.000Z) created; it is shown once');
    const j = run(['tokens', 'create', '--role', 'admin', '--name', 'ops', '--format', 'json']);
    const made = JSON.parse(j.stdout) as { token: { id: number; prefix: string }; secret: string };
    expect(made.token).toMatchObject({ id: 2, name: 'ops', role: 'admin', expiresAt: null });
    expect(made.secret.startsWith(made.token.prefix)).toBe(true);

    const list = run(['tokens', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/#2 +ops +admin +vgl_\S{8}… +no expiry; last used never/);
    expect(list.stdout).toMatch(/#1 +github-actions +ci +vgl_\S{8}… +expires 2099-07-01/);
    expect(list.stdout).not.toContain(token);
    const json = JSON.parse(run(['tokens', 'list', '--format', 'json']).stdout) as { tokens: unknown[] };
    expect(json.tokens).toHaveLength(2);
    expect(JSON.stringify(json)).not.toContain(token.slice(12));
    expect(JSON.stringify(json)).not.toContain(tokenHash(token));

    const rv = run(['tokens', 'revoke', '1']);
    expect(rv.code).toBe(0);
    expect(rv.stdout).toBe('token 1 "github-actions" revoked\n');
    expect(run(['tokens', 'revoke', '1']).stdout).toMatch(/already revoked/);
    const l = await openLedger(ledger);
    try {
      expect(await l.auth.resolveToken(token)).toEqual({ ok: false, reason: 'revoked' });
      expect(await l.auth.resolveToken(made.secret)).toMatchObject({ ok: true, principal: { name: 'ops', role: 'admin' } });
      const events = await l.eventsOfType(['token.created', 'token.revoked']);
      expect(events.map((e) => [e.type, e.actor])).toEqual([
        ['token.created', 'root-admin'],
        ['token.created', 'root-admin'],
        ['token.revoked', 'root-admin'],
      ]);
      const text = JSON.stringify(events);
      for (const s of [token, made.secret]) {
        expect(text).not.toContain(s.slice(4));
        expect(text).not.toContain(tokenHash(s));
      }
    } finally {
      await l.close();
    }
    expect(readFileSync(ledger).includes(Buffer.from(token.slice(12)))).toBe(false);
    expect(run(['ledger', 'verify']).code).toBe(0);
  });

  it('bad usage is exit 2 with a message', () => {
    const cases: [string[], RegExp][] = [
      [['users', 'add', 'eve', '--role', 'root'], /--role: "root" is not one of admin, analyst, auditor, ci/],
      [['users', 'add', 'eve'], /required option '--role <role>'/],
      [['users', 'add', '../eve', '--role', 'ci'], /VIGIL_ERR_AUTH_INVALID: user name "\.\.\/eve" must be/],
      [['tokens', 'create', '--role', 'superuser', '--name', 'x'], /--role: "superuser" is not one of/],
      [['tokens', 'create', '--role', 'ci'], /required option '--name <name>'/],
      [['tokens', 'create', '--role', 'ci', '--name', 'x', '--expires', '2001-01-01'], /VIGIL_ERR_AUTH_INVALID: expiry "2001-01-01" is not in the future/],
      [['tokens', 'create', '--role', 'ci', '--name', 'x', '--expires', 'soon'], /VIGIL_ERR_AUTH_INVALID: expiry "soon" is not a date/],
      [['tokens', 'revoke', 'abc'], /VIGIL_ERR_USAGE: "abc" is not a token id/],
      [['tokens', 'revoke', '999'], /VIGIL_ERR_TOKEN_NOT_FOUND: no API token with id 999/],
      [['tokens', 'list', '--format', 'yaml'], /--format: "yaml" is not one of table, json/],
    ];
    for (const [args, message] of cases) {
      const r = run(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });
});

describe('vigil serve --tls-cert --tls-key', () => {
  const get = (port: number, path: string, ca: Buffer, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      https
        .get({ host: '127.0.0.1', port, path, servername: 'localhost', ca, headers }, (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        })
        .on('error', reject);
    });

  it('serves the API over HTTPS with HSTS; the token never reaches the log', async () => {
    const pki = makePki();
    const serveDir = mkdtempSync(join(tmpdir(), 'vigil-serve-tls-'));
    writeFileSync(join(serveDir, 'vigil.yaml'), 'ledger: ledger.db\ntargets:\n  - name: app\n    kind: path\n    path: .\n    scanners: [import]\n');
    const token = vigil(['tokens', 'create', '--role', 'ci', '--name', 'tls-test'], { cwd: serveDir }).stdout.trim();
    expect(token).toMatch(/^vgl_/);
    const port = await freePort();
    const child = vigilSpawn(['serve', '--port', String(port), '--tls-cert', pki.good.chain, '--tls-key', pki.good.key], { cwd: serveDir });
    let logs = '';
    child.stdout.on('data', (d) => (logs += d));
    child.stderr.on('data', (d) => (logs += d));
    const ca = readFileSync(pki.root.cert);
    try {
      const end = Date.now() + 20_000;
      let health: Awaited<ReturnType<typeof get>> | undefined;
      while (!health && Date.now() < end) {
        health = await get(port, '/healthz', ca).catch(() => undefined);
        if (!health) await new Promise((r) => setTimeout(r, 150));
      }
      expect(health, logs).toBeDefined();
      expect(health!.status).toBe(200);
      expect(JSON.parse(health!.body)).toMatchObject({ status: 'ok', ledger: { kind: 'sqlite' } });
      expect(health!.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
      expect(String(health!.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
      const findings = await get(port, '/api/findings', ca, { authorization: `Bearer ${token}` });
      expect(findings.status).toBe(200);
      expect(JSON.parse(findings.body)).toEqual({ findings: [], next: null });
      const inQuery = await get(port, `/api/findings?token=${token}`, ca);
      expect(inQuery.status).toBe(401);
      expect(logs).toContain(`vigil serving on https://127.0.0.1:${port}`);
      expect(logs).toContain('"url":"/api/findings?token=vgl_[REDACTED]"');
      expect(logs).not.toContain(token);
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      rmSync(serveDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses half a TLS setup, a missing file and a key that is not one, with exit 2', async () => {
    const pki = makePki();
    const port = String(await freePort());
    const cases: [string[], RegExp][] = [
      [['--tls-cert', pki.good.cert], /--tls-cert and --tls-key go together/],
      [['--tls-cert', join(dir, 'none.pem'), '--tls-key', pki.good.key], /VIGIL_ERR_INPUT_NOT_FOUND: .*none\.pem/],
      [['--tls-cert', pki.good.cert, '--tls-key', pki.good.cert], /VIGIL_ERR_CERT_INVALID/],
    ];
    for (const [flags, message] of cases) {
      const r = vigil(['serve', '--port', port, '--ledger', join(dir, 'tls.db'), ...flags], { cwd: dir });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  }, 60_000);
});
