/**
 * GET /api/schedules and GET /api/targets (admin only): the config's schedules with their next
 * and last runs, and its targets with every credential redacted.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { apiFixture, type ApiFixture } from '../helpers/api.js';
import { fileFinding, runOf } from '../helpers/findings.js';

/** Every secret in the config below: none may appear in an answer. */
const SECRETS = ['s3cretUrlPass', 'qtok9988776655', 'dbPassW0rd', 'sslSecret77', 'kwPass123', 'Bearer abc.def.ghi', 'sess-0123456789', 'formPass42', 'ghp_0123456789abcdefghij0123456789abcd', 'hookSecret5'];

const CONFIG = `
targets:
  - name: shop
    kind: url
    url: https://scanner:s3cretUrlPass@shop.test/app?page=2&access_token=qtok9988776655
    scanners:
      web:
        maxPages: 20
        headers:
          Authorization: Bearer abc.def.ghi
          X-Api-Key: \${SHOP_API_KEY}
        cookie: sid=sess-0123456789
        login:
          url: https://shop.test/login
          form:
            user: alice
            password: formPass42
  - name: orders-db
    kind: database
    dsn: postgres://vigil:dbPassW0rd@db.internal:5432/orders?sslmode=require&sslpassword=sslSecret77
    scanners: [datamap]
  - name: legacy-db
    kind: database
    dsn: host=db.internal user=vigil password=kwPass123 dbname=legacy
    scanners: [datamap]
  - name: repo
    kind: path
    path: .
    scanners:
      code:
        rules: https://ghp_0123456789abcdefghij0123456789abcd@example.test/rules.yaml
      import: {}
  - name: api
    kind: url
    url: https://api.test/?webhook=https://user:hookSecret5@hooks.test/x
    scanners: [tls]
schedules:
  - name: nightly
    cron: "0 3 * * *"
    timezone: Europe/Berlin
    targets: [shop, repo]
    scanners: [web, code]
  - name: hourly
    cron: "15 * * * *"
    runOnStart: true
`;

describe('GET /api/schedules and /api/targets', () => {
  let dir: string;
  let f: ApiFixture;
  let running = new Set<string>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-api-admin-'));
    writeFileSync(join(dir, 'vigil.yaml'), CONFIG);
    const config = await loadConfig(join(dir, 'vigil.yaml'));
    f = await apiFixture(join(dir, 'ledger.db'), {
      dir,
      config,
      deps: { schedules: () => config.schedules.map((s) => ({ name: s.name, cron: s.cron, running: running.has(s.name) })) },
    });
  });
  afterAll(async () => {
    await f.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the schedules: their plan, whether running, the next fire in their zone and the last recorded run', async () => {
    const older = runOf([fileFinding(1)], [{}], { trigger: 'schedule:nightly', startedAt: '2026-01-01T02:00:00.000Z' });
    const newer = runOf([fileFinding(1)], [{}], { trigger: 'catch-up:nightly', startedAt: '2026-01-02T02:00:00.000Z' });
    await f.ledger.ingest(older);
    await f.ledger.ingest(newer);
    // another schedule's run and a CLI run are not the nightly's
    await f.ledger.ingest(runOf([fileFinding(1)], [{}], { trigger: 'cli' }));
    running = new Set(['hourly']);
    const before = Date.now();
    const r = await f.app.inject({ url: '/api/schedules', headers: f.auth('admin') });
    expect(r.statusCode, r.body).toBe(200);
    const [nightly, hourly] = (r.json() as { schedules: Record<string, unknown>[] }).schedules;
    expect(nightly).toMatchObject({
      name: 'nightly',
      cron: '0 3 * * *',
      timezone: 'Europe/Berlin',
      targets: ['shop', 'repo'],
      scanners: ['web', 'code'],
      runOnStart: false,
      running: false,
      lastRun: { id: newer.run.id, trigger: 'catch-up:nightly', status: 'complete', startedAt: '2026-01-02T02:00:00.000Z' },
    });
    expect(hourly).toMatchObject({ name: 'hourly', timezone: null, targets: null, scanners: null, runOnStart: true, running: true, lastRun: null });
    // the next fire is ahead, within a day, at 03:00 in Berlin; the hourly's at minute 15 within the hour
    const next = Date.parse(nightly!.nextRun as string);
    expect(next).toBeGreaterThan(before);
    expect(next - before).toBeLessThanOrEqual(24 * 3600_000);
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(next)).toBe('03:00');
    const nextHourly = new Date(hourly!.nextRun as string);
    expect(nextHourly.getTime()).toBeGreaterThan(before);
    expect(nextHourly.getTime() - before).toBeLessThanOrEqual(3600_000);
    expect(nextHourly.getMinutes()).toBe(15);
    expect(nextHourly.getSeconds()).toBe(0);
  });

  it('lists the targets with every password, token, header, cookie and form value as ***', async () => {
    const r = await f.app.inject({ url: '/api/targets', headers: f.auth('admin') });
    expect(r.statusCode, r.body).toBe(200);
    for (const secret of SECRETS) expect(r.body, secret).not.toContain(secret);
    const targets = new Map((r.json() as { targets: { name: string; kind: string; location: string; active: boolean; scanners: { id: string; options: Record<string, unknown> }[] }[] }).targets.map((t) => [t.name, t]));
    expect([...targets.keys()]).toEqual(['shop', 'orders-db', 'legacy-db', 'repo', 'api']);
    const shop = targets.get('shop')!;
    expect(shop).toMatchObject({ kind: 'url', active: false });
    expect(shop.location).toBe('https://scanner:***@shop.test/app?page=2&access_token=***');
    expect(shop.scanners).toEqual([
      {
        id: 'web',
        options: {
          maxPages: 20,
          // an environment reference is not a secret: it says where the secret comes from
          headers: { Authorization: '***', 'X-Api-Key': '${SHOP_API_KEY}' },
          cookie: '***',
          login: { url: 'https://shop.test/login', form: { user: '***', password: '***' } },
        },
      },
    ]);
    expect(targets.get('orders-db')!.location).toBe('postgres://vigil:***@db.internal:5432/orders?sslmode=require&sslpassword=***');
    expect(targets.get('legacy-db')!.location).toBe('host=db.internal user=vigil password=*** dbname=legacy');
    expect(targets.get('repo')!.scanners.map((s) => s.id)).toEqual(['code', 'import']);
    expect(targets.get('repo')!.location).toBe(dir);
    // a URL inside a parameter loses its password too, and the parameter stays one parameter
    expect(targets.get('api')!.location).toBe('https://api.test/?webhook=https%3A%2F%2Fuser%3A***%40hooks.test%2Fx');
    expect(targets.get('repo')!.scanners[0]!.options).toEqual({ rules: 'https://***@example.test/rules.yaml' });
  });

  it('is for admins only, and takes no parameters', async () => {
    for (const url of ['/api/schedules', '/api/targets']) {
      for (const who of ['analyst', 'auditor', 'ci'] as const) {
        const r = await f.app.inject({ url, headers: f.auth(who) });
        expect(r.statusCode, `${url} as ${who}`).toBe(403);
        expect(r.json()).toMatchObject({ code: 'VIGIL_ERR_AUTH_FORBIDDEN' });
      }
      const q = await f.app.inject({ url: `${url}?name=shop`, headers: f.auth('admin') });
      expect(q.json()).toEqual({ statusCode: 400, code: 'VIGIL_ERR_API_INVALID', message: 'querystring: unknown parameter "name"' });
    }
  });
});
