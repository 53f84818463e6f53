/**
 * `npm start` (serve --demo) runs the readiness scanners only where this machine can: it builds the
 * shop's database when a PostgreSQL answers, and leaves `postgres` and `pages` out, each with its
 * reason as the part's note, when PostgreSQL or Chromium is missing. Real PostgreSQL, real config.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { prepareDemoReadiness } from '../../src/demo/readiness.js';
import { planFromConfig, runScan } from '../../src/runner/index.js';
import { silentLogger } from '../../src/util/logger.js';
import { PG_ADMIN_URL } from '../helpers/pg.js';
import { freePort } from '../helpers/ports.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-demo-readiness-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function configWith(dsn: string): Promise<Awaited<ReturnType<typeof loadConfig>>> {
  const file = join(dir, `vigil-${randomBytes(3).toString('hex')}.yaml`);
  writeFileSync(
    file,
    `targets:\n  - name: shop-db\n    kind: database\n    dsn: ${dsn}\n    scanners: [postgres]\n  - name: shop-app\n    kind: url\n    url: http://127.0.0.1:9/\n    scanners: [pages]\n`,
  );
  return loadConfig(file);
}

describe('the demo readiness parts', () => {
  it('builds the shop database from examples/shop/db/schema.sql when PostgreSQL answers, and leaves nothing out when Chromium is there', async () => {
    const name = `vigil_demo_shop_t${randomBytes(4).toString('hex')}`;
    const u = new URL(PG_ADMIN_URL);
    u.pathname = `/${name}`;
    const config = await configWith(u.toString());
    try {
      const leftOut = await prepareDemoReadiness(config, silentLogger, { findChromium: () => '/usr/bin/chromium' });
      expect([...leftOut]).toEqual([]);
      const c = new pg.Client({ connectionString: u.toString() });
      await c.connect();
      const { rows } = await c.query<{ n: number }>("select count(*)::int as n from pg_tables where schemaname = 'public'");
      await c.end();
      expect(rows[0]!.n).toBeGreaterThan(0);
    } finally {
      const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
      await admin.connect();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });

  it('leaves postgres and pages out, with the reason as the part note, when neither PostgreSQL nor Chromium is there', async () => {
    const port = await freePort();
    const config = await configWith(`postgres://postgres@127.0.0.1:${port}/vigil_demo_shop`);
    config.leftOut = await prepareDemoReadiness(config, silentLogger, { findChromium: () => undefined });
    expect([...config.leftOut.keys()].sort()).toEqual(['pages\u0000shop-app', 'postgres\u0000shop-db']);
    const plan = planFromConfig(config);
    // nothing runs: a scanner asked for would throw
    const result = await runScan(plan, {
      createScanner: (id) => {
        throw new Error(`${id} was run though it was left out`);
      },
      trigger: 'cli',
      baseDir: dir,
    });
    const notes = Object.fromEntries(result.run.parts.map((p) => [p.scanner, { status: p.status, note: p.notes?.[0] }]));
    expect(notes.postgres).toEqual({ status: 'skipped', note: expect.stringMatching(new RegExp(`^left out: PostgreSQL did not answer at 127\\.0\\.0\\.1:${port} \\(.*ECONNREFUSED.*\\); start one there`)) });
    expect(notes.pages).toEqual({ status: 'skipped', note: expect.stringMatching(/^left out: Chromium is not installed \(Debian: apt-get install chromium; or set CHROME_PATH\)/) });
    expect(result.errors.size).toBe(0);
  });
});
