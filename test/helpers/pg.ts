import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The real PostgreSQL the tests use; CI starts it. Override with VIGIL_TEST_PG. */
export const PG_ADMIN_URL = process.env.VIGIL_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Create a fresh database for one suite; returns its URL and a function that drops it. */
export async function createTestDatabase(prefix = 'vigil_test'): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  try {
    await admin.connect();
  } catch (e) {
    throw new Error(
      `PostgreSQL is required for these tests and is not reachable at ${PG_ADMIN_URL}: ${(e as Error).message}. ` +
        `Start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`,
    );
  }
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
