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

/**
 * The server's `ssl` setting is shared by every suite: the TLS test turns it on for a moment, the
 * postgres scanner's tests expect it off. The first holds this advisory lock exclusively while ssl
 * is on; the others hold it shared while they rely on it being off, so the two never overlap.
 */
export const SSL_SETTING_LOCK = 0x76696769;

/** Hold SSL_SETTING_LOCK shared on a connection of its own; the returned function releases it. */
export async function holdSslSettingShared(): Promise<() => Promise<void>> {
  // advisory locks are per database: this one lives in `postgres`, where the TLS test takes it
  const u = new URL(PG_ADMIN_URL);
  u.pathname = '/postgres';
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  await c.query('select pg_advisory_lock_shared($1)', [SSL_SETTING_LOCK]);
  return async () => {
    // ending the session releases the lock too
    await c.end();
  };
}
