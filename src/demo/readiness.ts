import { readFile } from 'node:fs/promises';
import pg from 'pg';
import type { VigilConfig } from '../config/types.js';
import { describeError } from '../errors.js';
import { redactUrlCredentials } from '../util/redact.js';
import { shippedPath } from '../util/package-path.js';
import type { Logger } from '../util/logger.js';

/** The database the demo builds from examples/shop/db/schema.sql for the `postgres` scanner. */
export const DEMO_DATABASE = 'vigil_demo_shop';

/** Parts the demo leaves out, by `scanner\u0000target`, with the reason the run records. */
export type LeftOut = Map<string, string>;

/**
 * Make ready what the demo's readiness parts need, and say which cannot run on this machine:
 * `postgres` needs a PostgreSQL to build the shop's schema in (rebuilt at every start, so the
 * findings are the planted ones), `pages` needs Chromium. What is missing is left out of the
 * runs with a note, never a failed part: a fresh machine without them still gets a clean demo.
 */
export async function prepareDemoReadiness(config: VigilConfig, logger: Logger, deps: { findChromium?: () => string | undefined } = {}): Promise<LeftOut> {
  const leftOut: LeftOut = new Map();
  for (const t of config.targets) {
    if ('postgres' in t.scanners && t.kind === 'database' && demoDatabaseOf(t.location)) {
      const why = await buildDemoDatabase(t.location).catch((e: unknown) => describeError(e));
      if (why) {
        leftOut.set(`postgres\u0000${t.name}`, why);
        logger.warn(`demo: postgres on ${t.name} left out: ${why}`);
      } else logger.info(`demo: built ${demoDatabaseOf(t.location)} from examples/shop/db/schema.sql for the postgres scanner`);
    }
    if ('pages' in t.scanners) {
      const chromium = (deps.findChromium ?? (await import('../../scanners/pages/index.js')).findChromium)();
      if (!chromium) {
        const why = 'Chromium is not installed (Debian: apt-get install chromium; or set CHROME_PATH), so Lighthouse cannot audit the pages';
        leftOut.set(`pages\u0000${t.name}`, why);
        logger.warn(`demo: pages on ${t.name} left out: ${why}`);
      }
    }
  }
  return leftOut;
}

/** The database name of a demo target's URL (`vigil_demo_shop`, or a test's `vigil_demo_shop_<suffix>`), else undefined. */
function demoDatabaseOf(url: string): string | undefined {
  try {
    const name = new URL(url).pathname.slice(1);
    return new RegExp(`^${DEMO_DATABASE}(_[a-z0-9_]{1,30})?$`).test(name) ? name : undefined;
  } catch {
    return undefined;
  }
}

/** Recreate the demo database and load the shop's schema; a reason when that cannot be done, else undefined. */
async function buildDemoDatabase(url: string): Promise<string | undefined> {
  // the name is checked against a fixed pattern, so it is safe to put in the statements below
  const name = demoDatabaseOf(url)!;
  const schemaFile = shippedPath('examples', 'shop', 'db', 'schema.sql');
  if (!schemaFile) return 'this install has no examples/shop/db/schema.sql';
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const where = `${admin.hostname}:${admin.port || 5432}`;
  const c = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
  } catch (e) {
    return `PostgreSQL did not answer at ${where} (${redactUrlCredentials(describeError(e))}); start one there to see the database checks`;
  }
  try {
    await c.query(`drop database if exists ${name} with (force)`);
    await c.query(`create database ${name}`);
  } finally {
    await c.end();
  }
  const db = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await db.connect();
  try {
    await db.query(await readFile(schemaFile, 'utf8'));
  } finally {
    await db.end();
  }
  return undefined;
}
