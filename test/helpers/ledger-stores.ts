import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createTestDatabase } from './pg.js';

/** Raw SQL against the store, for tampering with it the way an attacker would. */
export type Exec = (sql: string) => Promise<void>;

export interface Store {
  name: string;
  setup(): Promise<{ location: string; exec: Exec; teardown: () => Promise<void> }>;
}

/** Both ledger stores, each in a place of its own: a temporary SQLite file, a new PostgreSQL database. */
export const stores: Store[] = [
  {
    name: 'sqlite',
    async setup() {
      const dir = mkdtempSync(join(tmpdir(), 'vigil-ledger-'));
      const file = join(dir, 'ledger.db');
      return {
        location: file,
        exec: async (sql) => {
          const db = new Database(file);
          db.exec(sql);
          db.close();
        },
        teardown: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'postgres',
    async setup() {
      const { url, drop } = await createTestDatabase('vigil_ledger');
      return {
        location: url,
        exec: async (sql) => {
          const c = new pg.Client({ connectionString: url });
          await c.connect();
          await c.query(sql);
          await c.end();
        },
        teardown: drop,
      };
    },
  },
];

