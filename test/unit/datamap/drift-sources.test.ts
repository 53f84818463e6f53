import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareMigrationPaths, readSources, type ObservedFieldDetail } from '../../../scanners/datamap/drift/index.js';

const BASE = path.resolve('test/fixtures/datamap/drift');
const signal = new AbortController().signal;

/** table → its columns, in order. */
function schemaOf(fields: readonly ObservedFieldDetail[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of fields) (out[f.table] ??= []).push(f.column);
  return out;
}

function field(fields: readonly ObservedFieldDetail[], table: string, column: string): ObservedFieldDetail {
  const f = fields.find((x) => x.table === table && x.column === column);
  expect(f, `${table}.${column}`).toBeDefined();
  return f!;
}

describe('readSources: SQL migrations', () => {
  it('replays a Supabase migration folder to its final schema', async () => {
    const r = await readSources(['shop/supabase/migrations'], { baseDir: BASE, signal });
    expect(r.problems).toEqual([]);
    expect(schemaOf(r.fields)).toEqual({
      'public.customers': ['id', 'email', 'full_name', 'created_at', 'date_of_birth', 'marketing_opt_in', 'phone_number', 'email_verified_at'],
      'public.orders': ['id', 'customer_id', 'total', 'shipping_address', 'placed_at'],
      'auth.users': ['national_id'],
      'public.activity_log': ['id', 'actor', 'action', 'at', 'ip_address'],
      'billing.payment_methods': ['id', 'customer_id', 'card_last4', 'iban', 'CardHolderName', 'created_at'],
      'billing.invoices': ['id', 'amount', 'invoice_number'],
    });
    expect(r.read).toHaveLength(5);
    const dir = 'shop/supabase/migrations';
    // each column keeps the file and line that gave it its name
    expect(field(r.fields, 'public.customers', 'email')).toMatchObject({ origin: 'sql', source: `${dir}/20240101000000_init.sql`, line: 6, type: 'text' });
    expect(field(r.fields, 'public.customers', 'phone_number')).toMatchObject({ source: `${dir}/20240115093000_profiles.sql`, line: 5 });
    expect(field(r.fields, 'public.customers', 'date_of_birth')).toMatchObject({ source: `${dir}/20240115093000_profiles.sql`, line: 2, type: 'date' });
    expect(field(r.fields, 'public.customers', 'full_name')).toMatchObject({ line: 7, type: 'varchar(200)' });
    expect(field(r.fields, 'public.activity_log', 'actor')).toMatchObject({ source: `${dir}/20240101000000_init.sql`, line: 23 });
    expect(field(r.fields, 'public.activity_log', 'ip_address')).toMatchObject({ source: `${dir}/20240201120000_cleanup.sql`, line: 6, type: 'inet' });
    expect(field(r.fields, 'billing.invoices', 'invoice_number')).toMatchObject({ source: `${dir}/20240310000000_email_verification.sql`, line: 2 });
    expect(field(r.fields, 'public.orders', 'total').type).toBe('numeric(10,2)');
    // a table made outside the migrations shows only what they add
    expect(field(r.fields, 'auth.users', 'national_id').partial).toBe(true);
    expect(field(r.fields, 'public.customers', 'email').partial).toBeUndefined();
  });

  it('orders migrations by version, skips down and undo migrations, and reads pg_dump output', async () => {
    const r = await readSources(['ordering'], { baseDir: BASE, signal });
    expect(r.problems).toEqual([]);
    expect(schemaOf(r.fields)).toEqual({
      'public.members': ['id', 'email', 'mobile_number', 'city'],
      'app.tokens': ['id', 'session_token'],
    });
    expect(field(r.fields, 'public.members', 'mobile_number')).toMatchObject({ source: 'ordering/V10__rename_phone.sql', line: 2 });
    expect(field(r.fields, 'app.tokens', 'session_token')).toMatchObject({ source: 'ordering/V13__pg_dump.sql', line: 15 });
    expect(r.read).not.toContain('ordering/V12__members.down.sql');
    expect(r.read).not.toContain('ordering/U10__undo_rename_phone.sql');
  });

  it('reports a file that does not parse with its line, and reads the others', async () => {
    const r = await readSources(['broken'], { baseDir: BASE, signal });
    expect(r.problems).toContainEqual({ source: 'broken/002_broken.sql', line: 4, problem: expect.stringContaining('SQL does not parse: syntax error at or near ","') });
    // 002 changes nothing (its ADD COLUMN phone is lost with it); 003 still applies
    expect(schemaOf(r.fields)['public.accounts']).toEqual(['id', 'email', 'last_name']);
    expect(r.read).toEqual(expect.arrayContaining(['broken/001_init.sql', 'broken/003_after.sql']));
    expect(r.read).not.toContain('broken/002_broken.sql');
  });
});

describe('readSources: ORM models', () => {
  it('reads a Prisma schema: @@map and @map names, with the model and field names as aliases; relations are not columns', async () => {
    const r = await readSources(['shop/prisma/schema.prisma'], { baseDir: BASE, signal });
    expect(r.problems).toEqual([]);
    expect(schemaOf(r.fields)).toEqual({
      newsletter_subscribers: ['id', 'email_address', 'first_name', 'last_seen_ip', 'confirmed_at', 'is_confirmed'],
      Referral: ['id', 'subscriber_id', 'friend_email', 'kind'],
    });
    expect(field(r.fields, 'newsletter_subscribers', 'email_address')).toMatchObject({
      origin: 'prisma',
      source: 'shop/prisma/schema.prisma',
      line: 13,
      type: 'String',
      tableAliases: ['Subscriber'],
      columnAliases: ['emailAddress'],
    });
    expect(field(r.fields, 'newsletter_subscribers', 'last_seen_ip').type).toBe('String? @db.Inet');
  });

  it('reads Drizzle tables (pgTable, pgSchema().table, pgTableCreator, keys as column names) with ast-grep', async () => {
    const r = await readSources(['shop/src/db'], { baseDir: BASE, signal });
    expect(r.problems).toEqual([]);
    expect(schemaOf(r.fields)).toEqual({
      shop_post: ['id', 'author_email', 'body'],
      support_tickets: ['id', 'contact_email', 'subject', 'email_verified', 'created_at'],
      'analytics.page_views': ['id', 'visitor_ip', 'userAgent', 'path'],
    });
    // pgTableCreator's prefix, and the columns callback's `t.` builders
    expect(field(r.fields, 'shop_post', 'author_email')).toMatchObject({ source: 'shop/src/db/posts.ts', line: 8, type: 'varchar', tableAliases: ['post', 'posts'] });
    expect(field(r.fields, 'support_tickets', 'contact_email')).toMatchObject({ origin: 'drizzle', line: 7, type: 'varchar', tableAliases: ['supportTickets'], columnAliases: ['contactEmail'] });
    expect(field(r.fields, 'analytics.page_views', 'userAgent').columnAliases).toEqual(['user_agent']);
  });

  it('reads TypeORM entities: @Entity names and schemas, column name options, join columns; other files are skipped', async () => {
    const r = await readSources(['shop/src/entities'], { baseDir: BASE, signal });
    expect(r.problems).toEqual([]);
    expect(schemaOf(r.fields)).toEqual({
      clinic: ['id', 'name', 'phone'],
      'clinic.patients': ['id', 'given_name', 'diagnosis', 'birth_date', 'isActive', 'clinic_id', 'createdAt'],
    });
    expect(field(r.fields, 'clinic.patients', 'given_name')).toMatchObject({ origin: 'typeorm', source: 'shop/src/entities/Patient.ts', line: 9, type: 'varchar', columnAliases: ['givenName'] });
    expect(field(r.fields, 'clinic.patients', 'isActive')).toMatchObject({ type: 'boolean', columnAliases: ['is_active'] });
    expect(field(r.fields, 'clinic', 'phone').tableAliases).toEqual(['Clinic']);
    expect(r.read).toEqual(['shop/src/entities/Clinic.ts', 'shop/src/entities/Patient.ts']);
  });

  it('reports Prisma and TypeScript syntax errors with their lines; what parsed is still read', async () => {
    const r = await readSources(['broken/broken.prisma', 'broken/broken-model.ts'], { baseDir: BASE, signal });
    expect(r.problems).toEqual([
      { source: 'broken/broken.prisma', line: 4, problem: expect.stringContaining('Prisma schema does not parse') },
      { source: 'broken/broken-model.ts', line: 5, problem: expect.stringContaining('syntax error') },
    ]);
    expect(schemaOf(r.fields)).toEqual({ things: ['owner_email', 'label'] });
  });
});

describe('readSources: bounds and bad sources', () => {
  it('names a missing path and a file of no known kind, and goes on', async () => {
    const r = await readSources(['no/such/folder', 'shop/src/entities/../../prisma/schema.prisma', 'shop/supabase'], { baseDir: BASE, signal });
    expect(r.problems).toEqual([{ source: 'no/such/folder', problem: 'no such file or folder' }]);
    expect(r.fields.some((f) => f.origin === 'prisma')).toBe(true);
    expect(r.fields.some((f) => f.origin === 'sql')).toBe(true);
    const bad = await readSources(['../../../../package.json', 'https://user:pw@shop.example/'], { baseDir: BASE, signal });
    expect(bad.problems[0]?.problem).toMatch(/not a SQL migration/);
    expect(bad.problems[1]).toEqual({ source: 'https://user@shop.example/', problem: expect.stringMatching(/cookies come from the web scanner/) });
  });

  it('stops at the file count limit and skips files over the size limit, saying so', async () => {
    const few = await readSources(['shop/supabase/migrations'], { baseDir: BASE, signal, limits: { maxFiles: 2 } });
    expect(few.read).toHaveLength(2);
    expect(few.problems).toContainEqual({ source: 'shop/supabase/migrations', problem: 'stopped after 2 files: the rest were not read' });
    const small = await readSources(['shop/supabase/migrations'], { baseDir: BASE, signal, limits: { maxFileBytes: 400 } });
    expect(small.problems).toContainEqual({ source: 'shop/supabase/migrations/20240101000000_init.sql', problem: expect.stringMatching(/larger than the file size limit/) });
    expect(small.read).not.toContain('shop/supabase/migrations/20240101000000_init.sql');
  });

  it('rejects with the abort reason when the signal fires', async () => {
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await expect(readSources(['shop'], { baseDir: BASE, signal: ac.signal })).rejects.toThrow('stop');
  });
});

describe('compareMigrationPaths', () => {
  it('orders versions by value and timestamps as they are', () => {
    const names = ['V10__c.sql', 'V2__b.sql', 'V1__a.sql', 'V1_1__a2.sql', '20240201_x/migration.sql', '20240101_y/migration.sql', '0003_c.up.sql', '0001_a.up.sql'];
    expect([...names].sort(compareMigrationPaths)).toEqual([
      '0001_a.up.sql',
      '0003_c.up.sql',
      '20240101_y/migration.sql',
      '20240201_x/migration.sql',
      'V1__a.sql',
      'V1_1__a2.sql',
      'V2__b.sql',
      'V10__c.sql',
    ]);
  });
});
