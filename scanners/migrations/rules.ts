/**
 * The migrations scanner's rules as data: squawk's own rules (ids as squawk names them, so squawk
 * users recognise them) and the few vigil adds where squawk has nothing (engine 'vigil'). Each
 * record holds the title, the severity by what the rule protects against, CWE, remediation and
 * reference, so the code only says which rule fired and why.
 *
 * Severity: a lock or a break on a live table → high; a missing lock/statement timeout → medium;
 * style and robustness → low. Supabase checks follow splinter's levels (ERROR → high, WARN →
 * medium or low).
 */
import type { Severity } from '../../src/model/severity.js';

export interface MigrationRule {
  title: string;
  severity: Severity;
  engine: 'squawk' | 'vigil';
  cwe: string[];
  remediation: string;
  references: string[];
  /** Only run (vigil rules) when the Supabase checks are on. */
  supabase?: boolean;
}

const squawkDoc = (id: string) => [`https://squawkhq.com/docs/${id}`];
const splinterDoc = (n: string) => [`https://supabase.com/docs/guides/database/database-linter?lint=${n}`];
const PG_LOCKS = 'https://www.postgresql.org/docs/current/explicit-locking.html';

// CWE-667 (improper locking) for what blocks a live table; CWE-400 for unbounded waits
const LOCK = ['CWE-667'];
const WAIT = ['CWE-400'];

function squawk(title: string, severity: Severity, cwe: string[], remediation: string, id: string): MigrationRule {
  return { title, severity, engine: 'squawk', cwe, remediation, references: squawkDoc(id) };
}

/** squawk 2.66's rules (the names `--exclude` accepts), each with vigil's severity. */
export const SQUAWK_RULES: Readonly<Record<string, MigrationRule>> = {
  'require-concurrent-index-creation': squawk('Index created without CONCURRENTLY', 'high', LOCK, 'Use CREATE INDEX CONCURRENTLY (outside a transaction) so writes to the table go on while the index builds.', 'require-concurrent-index-creation'),
  'require-concurrent-index-deletion': squawk('Index dropped without CONCURRENTLY', 'high', LOCK, 'Use DROP INDEX CONCURRENTLY so the ACCESS EXCLUSIVE lock does not block the table.', 'require-concurrent-index-deletion'),
  'adding-required-field': squawk('NOT NULL column added without a default', 'high', [], 'Add the column nullable (or with a non-volatile DEFAULT), backfill in batches, then add the NOT NULL constraint through a validated CHECK.', 'adding-required-field'),
  'adding-not-nullable-field': squawk('SET NOT NULL scans the table under an exclusive lock', 'high', LOCK, 'Add a CHECK (col IS NOT NULL) NOT VALID constraint, VALIDATE it separately, then SET NOT NULL (PostgreSQL 12+ uses the valid check and skips the scan).', 'adding-not-nullable-field'),
  'adding-foreign-key-constraint': squawk('Foreign key added without NOT VALID', 'high', LOCK, 'Add the foreign key NOT VALID, then VALIDATE CONSTRAINT in a separate transaction.', 'adding-foreign-key-constraint'),
  'constraint-missing-not-valid': squawk('Constraint added without NOT VALID', 'high', LOCK, 'Add the constraint NOT VALID, then VALIDATE CONSTRAINT in a separate transaction.', 'constraint-missing-not-valid'),
  'changing-column-type': squawk('Column type changed', 'high', LOCK, 'Add a new column of the new type, backfill it in batches, switch readers and writers, then drop the old column.', 'changing-column-type'),
  'renaming-column': squawk('Column renamed', 'high', [], 'Add the new column, write to both, move readers, then drop the old one; or expose the new name through a view first.', 'renaming-column'),
  'renaming-table': squawk('Table renamed', 'high', [], 'Create the new name as an updatable view first, move readers and writers, then rename.', 'renaming-table'),
  'ban-drop-column': squawk('Column dropped', 'high', [], 'Stop reading and writing the column in every deployed client first, then drop it in a later release.', 'ban-drop-column'),
  'ban-drop-table': squawk('Table dropped', 'high', [], 'Stop using the table in every deployed client first, then drop it in a later release.', 'ban-drop-table'),
  'ban-drop-database': squawk('Database dropped', 'critical', [], 'Never drop a database from a migration.', 'ban-drop-database'),
  'ban-drop-not-null': squawk('NOT NULL dropped', 'medium', [], 'Make sure every client tolerates NULLs in the column before dropping the constraint.', 'ban-drop-not-null'),
  'ban-truncate-cascade': squawk('TRUNCATE … CASCADE', 'high', [], 'Truncate the named tables only; CASCADE empties every table that references them.', 'ban-truncate-cascade'),
  'disallowed-unique-constraint': squawk('UNIQUE constraint added without an index built concurrently', 'high', LOCK, 'CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT … UNIQUE USING INDEX.', 'disallowed-unique-constraint'),
  'adding-field-with-default': squawk('Column added with a volatile default (table rewrite)', 'high', LOCK, 'Add the column without the default, backfill in batches, then set the default.', 'adding-field-with-default'),
  'adding-serial-primary-key-field': squawk('Serial primary key added to an existing table', 'high', LOCK, 'Build a unique index concurrently, then add the primary key USING INDEX.', 'adding-serial-primary-key-field'),
  'ban-alter-domain-with-add-constraint': squawk('Domain constraint added', 'high', LOCK, 'Avoid adding constraints to a domain in use; add a table CHECK NOT VALID instead.', 'ban-alter-domain-with-add-constraint'),
  'ban-create-domain-with-constraint': squawk('Domain created with a constraint', 'low', [], 'Prefer table CHECK constraints: domain constraints cannot be added or changed without locks.', 'ban-create-domain-with-constraint'),
  'ban-concurrent-index-creation-in-transaction': squawk('CREATE INDEX CONCURRENTLY inside a transaction', 'high', [], 'Run CONCURRENTLY statements outside a transaction (most tools have a per-migration switch).', 'ban-concurrent-index-creation-in-transaction'),
  'ban-uncommitted-transaction': squawk('Transaction left open', 'high', LOCK, 'End every BEGIN with COMMIT in the same file.', 'ban-uncommitted-transaction'),
  'transaction-nesting': squawk('Nested or redundant transaction', 'medium', [], 'Remove BEGIN/COMMIT when the migration tool already wraps each file in a transaction.', 'transaction-nesting'),
  'ban-duplicate-column-assignments': squawk('Column assigned twice in one statement', 'medium', [], 'Assign each column once.', 'ban-duplicate-column-assignments'),
  'require-lock-timeout': squawk('No lock_timeout before a locking statement', 'medium', WAIT, "SET lock_timeout = '2s' (or SET LOCAL in a transaction) before statements that take heavy locks, so a blocked migration fails fast instead of queueing every query behind it.", 'require-lock-timeout'),
  'require-statement-timeout': squawk('No statement_timeout before a slow statement', 'medium', WAIT, 'SET statement_timeout before potentially slow statements.', 'require-statement-timeout'),
  'require-timeout-settings': squawk('No lock_timeout / statement_timeout', 'medium', WAIT, 'SET lock_timeout and statement_timeout at the top of the migration.', 'require-timeout-settings'),
  'prefer-bigint-over-int': squawk('32-bit integer column', 'low', [], 'Use bigint: a 32-bit key runs out, and widening it later rewrites the table.', 'prefer-bigint-over-int'),
  'prefer-bigint-over-smallint': squawk('16-bit integer column', 'low', [], 'Use bigint.', 'prefer-bigint-over-smallint'),
  'prefer-identity': squawk('serial column', 'low', [], 'Use GENERATED … AS IDENTITY.', 'prefer-identity'),
  'prefer-robust-stmts': squawk('Statement cannot be rerun after a partial failure', 'low', [], 'Use IF [NOT] EXISTS, or run the migration in a transaction.', 'prefer-robust-stmts'),
  'prefer-text-field': squawk('varchar(n) column', 'low', [], 'Use text with a CHECK on its length: changing a varchar length takes an ACCESS EXCLUSIVE lock.', 'prefer-text-field'),
  'prefer-timestamp-tz': squawk('timestamp without time zone', 'low', [], 'Use timestamptz.', 'prefer-timestamptz'),
  'prefer-timestamptz': squawk('timestamp without time zone', 'low', [], 'Use timestamptz.', 'prefer-timestamptz'),
  'ban-char-field': squawk('char(n) column', 'low', [], 'Use text (or varchar); char pads with spaces.', 'ban-char-field'),
  'require-table-schema': squawk('Table name not schema-qualified', 'low', [], 'Qualify the table with its schema.', 'require-table-schema'),
  'require-enum-value-ordering': squawk('Enum value added without BEFORE/AFTER', 'low', [], 'Say where the new enum value goes.', 'require-enum-value-ordering'),
  'identifier-too-long': squawk('Identifier longer than 63 bytes (PostgreSQL truncates it)', 'low', [], 'Shorten the name to 63 bytes or less.', 'identifier-too-long'),
};

/** vigil's own rules, for what squawk lacks. */
export const VIGIL_RULES = {
  'syntax-error': { title: 'Migration does not parse as PostgreSQL', severity: 'high', engine: 'vigil', cwe: [], remediation: 'Fix the SQL: the migration fails when it is applied, and no other rule checked this file.', references: ['https://www.postgresql.org/docs/current/sql-syntax.html'] },
  'vacuum-full': { title: 'VACUUM FULL rewrites the table under an ACCESS EXCLUSIVE lock', severity: 'high', engine: 'vigil', cwe: LOCK, remediation: 'Do not run VACUUM FULL from a migration; use plain VACUUM, or pg_repack / pg_squeeze to reclaim space online.', references: ['https://www.postgresql.org/docs/current/sql-vacuum.html'] },
  'unbatched-update': { title: 'UPDATE or DELETE of every row in one statement', severity: 'high', engine: 'vigil', cwe: LOCK, remediation: 'Backfill or purge in batches outside the schema migration (e.g. WHERE id BETWEEN … in a loop, committing each batch): one statement holds its row locks, and the migration\'s transaction holds them all, until the end.', references: [PG_LOCKS] },
  'drop-still-referenced': { title: 'Dropped table or column is still referenced', severity: 'high', engine: 'vigil', cwe: [], remediation: 'Remove or rewrite what still uses it (views, policies, foreign keys, functions, later migrations) before dropping it; CASCADE drops those objects silently.', references: ['https://www.postgresql.org/docs/current/ddl-depend.html'] },
  'rename-still-referenced': { title: 'Renamed table or column is still referenced by its old name', severity: 'high', engine: 'vigil', cwe: [], remediation: 'Update function bodies and later migrations to the new name (PostgreSQL follows renames only in views, policies, indexes and constraints, not in function source).', references: ['https://www.postgresql.org/docs/current/sql-altertable.html'] },
  'rls-disabled-in-public': { title: 'Table in public without row level security', severity: 'high', engine: 'vigil', cwe: ['CWE-862'], remediation: 'ALTER TABLE … ENABLE ROW LEVEL SECURITY in the same migration and add policies: tables in public are reachable through the Supabase Data API.', references: splinterDoc('0013_rls_disabled_in_public'), supabase: true },
  'function-search-path-mutable': { title: 'Function without a fixed search_path', severity: 'medium', engine: 'vigil', cwe: ['CWE-426'], remediation: "Add SET search_path = '' to the function and qualify every object in its body with its schema.", references: splinterDoc('0011_function_search_path_mutable'), supabase: true },
  'security-definer-view': { title: 'View in public runs with its owner\'s rights (no security_invoker)', severity: 'high', engine: 'vigil', cwe: ['CWE-863'], remediation: 'Create the view WITH (security_invoker = true) (PostgreSQL 15+) so the row level security of its tables applies to the caller.', references: splinterDoc('0010_security_definer_view'), supabase: true },
  'extension-in-public': { title: 'Extension installed in public', severity: 'low', engine: 'vigil', cwe: ['CWE-668'], remediation: 'CREATE EXTENSION … WITH SCHEMA extensions (a schema the Data API does not expose).', references: splinterDoc('0014_extension_in_public'), supabase: true },
  'auth-rls-initplan': { title: 'Policy calls auth.*() or current_setting() once per row', severity: 'low', engine: 'vigil', cwe: ['CWE-1176'], remediation: 'Wrap the call in a scalar subquery, e.g. (select auth.uid()), so PostgreSQL evaluates it once per statement.', references: splinterDoc('0003_auth_rls_initplan'), supabase: true },
  'auth-users-exposed': { title: 'View in public reads auth.users', severity: 'high', engine: 'vigil', cwe: ['CWE-200'], remediation: 'Keep auth.users out of exposed schemas: copy the needed columns to public.profiles with a trigger, or make the view security_invoker and revoke it from anon.', references: splinterDoc('0002_auth_users_exposed'), supabase: true },
} as const satisfies Record<string, MigrationRule>;

export type VigilRuleId = keyof typeof VIGIL_RULES;

/** The record of a rule id, or a medium default for a squawk rule newer than this table. */
export function ruleOf(id: string): Readonly<MigrationRule & { known: boolean }> {
  let r = resolved.get(id);
  if (!r) {
    const known = (VIGIL_RULES as Record<string, MigrationRule>)[id] ?? SQUAWK_RULES[id];
    r = known ? { ...known, known: true } : { title: id, severity: 'medium', engine: 'squawk', cwe: [], remediation: 'See the squawk documentation of this rule.', references: squawkDoc(id), known: false };
    resolved.set(id, r);
  }
  return r;
}
// findings by the thousand ask for the same few rules
const resolved = new Map<string, MigrationRule & { known: boolean }>();

/** True for ids squawk knows (the ones to pass to its --exclude). */
export function isSquawkRule(id: string): boolean {
  return Object.hasOwn(SQUAWK_RULES, id);
}

/** True for vigil's own ids. */
export function isVigilRule(id: string): id is VigilRuleId {
  return Object.hasOwn(VIGIL_RULES, id);
}
