import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/model/finding.js';
import { PASSIVE_RULES } from '../../../scanners/web/passive/index.js';
import type { Exchange } from '../../../scanners/web/types.js';
import { alertToFinding } from '../../../scanners/web/web-scanner.js';
import type { DeclaredField, ObservedField } from '../../../scanners/datamap/types.js';
import { cookiesFromWebFindings, driftFindings, readSources, type ObservedFieldDetail } from '../../../scanners/datamap/drift/index.js';

const BASE = path.resolve('test/fixtures/datamap/drift');
const DATAMAP = path.join(BASE, 'shop/.fides/datasets.yml');

/** Declared fields as the Fides loader gives them; the pointer follows the order of the calls. */
function dataset(name: string, index: number, collections: Record<string, string[]>): DeclaredField[] {
  const out: DeclaredField[] = [];
  Object.entries(collections).forEach(([collection, fields], c) => {
    fields.forEach((field, f) => {
      out.push({
        dataset: name,
        collection,
        field,
        categories: ['user'],
        where: { file: DATAMAP, line: 10 + c * 20 + f, column: 9, pointer: `/dataset/${index}/collections/${c}/fields/${f}` },
      });
    });
  });
  return out;
}

const declared: DeclaredField[] = [
  ...dataset('shop_db', 0, {
    // case differs from the schema on purpose: matching ignores it
    Customers: ['id', 'EMAIL', 'full_name', 'phone', 'date_of_birth', 'created_at'],
    'public.orders': ['id', 'customer_id', 'total', 'shipping_address.city', 'shipping_address.postal_code', 'ip'],
    activity_log: ['id', 'actor', 'action', 'at'],
    'billing.payment_methods': ['id', 'customer_id', 'iban'],
    legacy_notes: ['id', 'note'],
  }),
  // the Prisma model's name, and its field names, stand for the mapped table and columns
  ...dataset('marketing', 1, { Subscriber: ['id', 'emailAddress', 'first_name'] }),
  // a SaaS the sources do not cover: nothing of it is found, and nothing is said of it
  ...dataset('mailchimp', 2, { members: ['email', 'status'] }),
];

let observed: ObservedFieldDetail[];
let findings: Finding[];

function byRule(rule: string): Finding[] {
  return findings.filter((f) => f.ruleId === rule);
}

function undeclared(): Record<string, { severity: string; category: unknown; at: string }> {
  const out: Record<string, { severity: string; category: unknown; at: string }> = {};
  for (const f of byRule('datamap-drift-undeclared-field')) {
    const p = f.properties as { table: string; column: string; category: string };
    const at = f.location.kind === 'file' ? `${f.location.path}:${f.location.startLine}` : f.location.kind;
    out[`${p.table}.${p.column}`] = { severity: f.severity, category: p.category, at };
  }
  return out;
}

beforeAll(async () => {
  const r = await readSources(['shop/supabase/migrations', 'shop/prisma'], { baseDir: BASE, signal: new AbortController().signal });
  observed = r.fields;
  findings = driftFindings(declared, observed, { baseDir: BASE });
});

describe('driftFindings', () => {
  it('finds the personal data no dataset declares, with its category, severity and file:line', () => {
    const M = 'shop/supabase/migrations';
    expect(undeclared()).toEqual({
      'public.customers.phone_number': { severity: 'medium', category: 'user.contact.phone_number', at: `${M}/20240115093000_profiles.sql:5` },
      'public.activity_log.ip_address': { severity: 'medium', category: 'user.device.ip_address', at: `${M}/20240201120000_cleanup.sql:6` },
      'auth.users.national_id': { severity: 'high', category: 'user.government_id.national_identification_number', at: `${M}/20240115093000_profiles.sql:14` },
      'billing.payment_methods.card_last4': { severity: 'high', category: 'user.financial.credit_card', at: `${M}/20240301000000_payments.sql:6` },
      'billing.payment_methods.CardHolderName': { severity: 'medium', category: 'user.name', at: `${M}/20240301000000_payments.sql:8` },
      'newsletter_subscribers.last_seen_ip': { severity: 'medium', category: 'user.device.ip_address', at: 'shop/prisma/schema.prisma:15' },
      'Referral.subscriber_id': { severity: 'medium', category: 'user.unique_id', at: 'shop/prisma/schema.prisma:26' },
      'Referral.friend_email': { severity: 'medium', category: 'user.contact.email', at: 'shop/prisma/schema.prisma:27' },
    });
    // false friends stay quiet: email_verified_at (a timestamp), marketing_opt_in (a flag), is_confirmed
    expect(Object.keys(undeclared()).some((k) => /verified|opt_in|confirmed/.test(k))).toBe(false);
    const f = byRule('datamap-drift-undeclared-field').find((x) => (x.properties as { column: string }).column === 'card_last4')!;
    expect(f).toMatchObject({
      scanner: 'datamap',
      title: 'Personal data that no dataset declares: billing.payment_methods.card_last4',
      confidence: 'high',
      location: { kind: 'file', path: 'shop/supabase/migrations/20240301000000_payments.sql', startLine: 6 },
      controls: ['GDPR:Art.30'],
    });
    expect(f.evidence).toContain('Suggested category: user.financial.credit_card (high confidence; name "card_last4", type char(4))');
    expect(f.tags).toContain('category:user.financial.credit_card');
  });

  it('finds declared fields whose table exists without them, at their place in the data map', () => {
    const missing = byRule('datamap-drift-missing-field');
    expect(missing.map((f) => f.title).sort()).toEqual([
      'Declared field not found in the schema: Customers.phone',
      'Declared field not found in the schema: public.orders.ip',
    ]);
    const phone = missing.find((f) => f.title.endsWith('Customers.phone'))!;
    expect(phone.location).toEqual({ kind: 'datamap', file: 'shop/.fides/datasets.yml', pointer: '/dataset/0/collections/0/fields/3' });
    expect(phone.severity).toBe('low');
    expect(phone.evidence).toContain('shop/supabase/migrations/20240101000000_init.sql');
  });

  it('finds a declared collection no source has, only in datasets the sources cover', () => {
    const missing = byRule('datamap-drift-missing-collection');
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatchObject({
      title: 'Declared collection not found in any source: legacy_notes',
      location: { kind: 'datamap', file: 'shop/.fides/datasets.yml', pointer: '/dataset/0/collections/4' },
    });
  });

  it('says nothing of missing fields or collections when no source was read', () => {
    expect(driftFindings(declared, [], { baseDir: BASE })).toEqual([]);
  });

  it('does not call a column missing from a table only partly known (columns added to auth.users)', () => {
    const d = dataset('auth', 3, { 'auth.users': ['email', 'national_id'] });
    const fs = driftFindings(d, observed, { baseDir: BASE });
    expect(fs.filter((f) => f.ruleId !== 'datamap-drift-undeclared-field')).toEqual([]);
    expect(fs.some((f) => (f.properties as { column?: string }).column === 'national_id')).toBe(false);
  });

  it('matches schema.table against unqualified names both ways, and keeps schemas apart', () => {
    const o: ObservedField[] = [
      { origin: 'sql', source: 'm.sql', line: 1, table: 'public.users', column: 'email', type: 'text' },
      { origin: 'prisma', source: 'schema.prisma', line: 3, table: 'people', column: 'email', type: 'String' },
    ];
    const quiet = (d: DeclaredField[]) => driftFindings(d, o, { baseDir: BASE }).filter((f) => f.ruleId === 'datamap-drift-undeclared-field');
    expect(quiet(dataset('x', 0, { users: ['email'], people: ['email'] }))).toEqual([]);
    expect(quiet(dataset('x', 0, { 'PUBLIC.USERS': ['Email'], 'public.people': ['email'] }))).toEqual([]);
    // auth.users is another table than public.users
    expect(quiet(dataset('x', 0, { 'auth.users': ['email'], people: ['email'] })).map((f) => f.title)).toEqual(['Personal data that no dataset declares: public.users.email']);
  });

  it('keeps fingerprints on the table and column, not on the line', () => {
    const o: ObservedField = { origin: 'sql', source: 'db/001.sql', line: 12, table: 'public.users', column: 'email', type: 'text' };
    const a = driftFindings([], [o], { baseDir: BASE })[0]!;
    const b = driftFindings([], [{ ...o, line: 40 }], { baseDir: BASE })[0]!;
    expect(a.location).toMatchObject({ startLine: 12 });
    expect(b.location).toMatchObject({ startLine: 40 });
    expect(a.fingerprint).toBe(b.fingerprint);
    const c = driftFindings([], [{ ...o, column: 'phone' }], { baseDir: BASE })[0]!;
    expect(c.fingerprint).not.toBe(a.fingerprint);
  });

  it('puts a live database column at a database location, with the URL (no password) in the evidence', () => {
    const o: ObservedField = { origin: 'postgres', source: 'postgres://app@db.internal:5432/shop', table: 'public.users', column: 'ssn', type: 'text' };
    const [f] = driftFindings([], [o], { baseDir: BASE });
    expect(f).toMatchObject({ severity: 'high', location: { kind: 'database', schema: 'public', table: 'users' } });
    expect(f!.evidence).toContain('the database postgres://app@db.internal:5432/shop');
  });

  it('rates a low-confidence guess low', () => {
    const [f] = driftFindings([], [{ origin: 'typeorm', source: 'e.ts', line: 3, table: 'clinic', column: 'name', type: 'string' }], { baseDir: BASE });
    expect(f).toMatchObject({ severity: 'low', confidence: 'low' });
  });
});

describe('cookie drift', () => {
  /** What the web scanner's passive rules make of a response setting these cookies. */
  function webFindings(url: string, setCookies: string[]): Finding[] {
    const ex: Exchange = {
      request: { method: 'GET', url, headers: {} },
      response: { url, status: 200, headers: { 'content-type': 'text/html', 'set-cookie': setCookies }, body: '<html></html>', bodyBytes: 13, truncated: false, elapsedMs: 1, redirects: [] },
      source: 'crawl',
    };
    const ctx = { origin: new URL(url).origin, seen: new Set<string>() };
    return PASSIVE_RULES.flatMap((r) => r.check(ex, ctx)).map((a) => alertToFinding(a, ctx.origin));
  }

  const web = webFindings('https://shop.example/account?x=1', [
    '_ga=GA1.1.123.456; Path=/; Max-Age=63072000',
    'connect.sid=s%3Aabc; Path=/; HttpOnly; Secure',
    'theme=dark; Path=/; SameSite=Lax',
    'hardened=1; Path=/; HttpOnly; Secure; SameSite=Strict',
  ]);

  it('turns the web scanner cookie findings into observed cookies, one per origin and name', () => {
    const cookies = cookiesFromWebFindings(web);
    expect(cookies.map((c) => c.column).sort()).toEqual(['_ga', 'connect.sid', 'theme']);
    expect(cookies[0]).toMatchObject({ origin: 'cookie', table: 'https://shop.example' });
    // a cookie with every flag right leaves no finding behind, so it cannot be recovered this way
    expect(cookies.some((c) => c.column === 'hardened')).toBe(false);
    // fixed findings may describe cookies that are gone
    expect(cookiesFromWebFindings(web.map((f) => ({ ...f, status: 'fixed' })))).toEqual([]);
  });

  it('reports undeclared cookies, and not the declared ones', () => {
    const cookies = cookiesFromWebFindings(web);
    const all = driftFindings([], cookies, { baseDir: BASE });
    expect(all.map((f) => [f.location, f.severity, (f.properties as { category: string }).category])).toEqual(
      expect.arrayContaining([
        [{ kind: 'web', url: 'https://shop.example/', method: 'GET', param: '_ga' }, 'medium', 'user.device.cookie_id'],
        [{ kind: 'web', url: 'https://shop.example/', method: 'GET', param: 'connect.sid' }, 'medium', 'user.device.cookie_id'],
        [{ kind: 'web', url: 'https://shop.example/', method: 'GET', param: 'theme' }, 'low', 'user.device.cookie'],
      ]),
    );
    const declaredCookies = dataset('site', 0, { cookies: ['_ga', 'connect.sid'] });
    const left = driftFindings(declaredCookies, cookies, { baseDir: BASE, declaredCookies: ['theme'] });
    expect(left).toEqual([]);
    // cookies say nothing of tables: no missing-collection for a database dataset
    expect(driftFindings(declared, cookies, { baseDir: BASE }).every((f) => f.ruleId === 'datamap-drift-undeclared-field')).toBe(true);
  });
});
