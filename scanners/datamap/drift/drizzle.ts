/**
 * Drizzle ORM table definitions → tables and columns, read from the syntax tree (ast-grep):
 *
 *   export const users = pgTable('users', { email: text('email').notNull(), phone: text() });
 *   export const sessions = auth.table('sessions', { … });      // auth = pgSchema('auth')
 *   export const posts = createTable('post', (t) => ({ … }));    // createTable = pgTableCreator(…)
 *
 * `pgTable`, `mysqlTable`, `sqliteTable` and `singlestoreTable` make tables; a `pgSchema(…)`
 * variable's `.table` puts one in a schema; a `pgTableCreator` whose callback is a template like
 * `` `app_${name}` `` prefixes the name. A column's name is its builder's first string argument,
 * else its key (Drizzle's default; with `casing: 'snake_case'` the key's snake form, which is kept
 * as an alias). The builder (`text`, `varchar`, `timestamp`, `boolean`) is the type. Spread
 * columns (`...timestamps`) are not followed.
 */
import type { SgNode, SgRoot } from '@ast-grep/napi';
import type { ObservedFieldDetail } from './observed.js';
import { callArgs, calleeName, keyName, lineOf, stringValue } from './ts-ast.js';
import { tokenise } from './tokens.js';

const TABLE_FUNCTIONS = new Set(['pgTable', 'mysqlTable', 'sqliteTable', 'singlestoreTable']);
const SCHEMA_FUNCTIONS = new Set(['pgSchema', 'mysqlSchema']);
const CREATOR_FUNCTIONS = new Set(['pgTableCreator', 'mysqlTableCreator', 'sqliteTableCreator', 'singlestoreTableCreator']);

/** `const x = call(…)` → x, for the calls named by `names`. */
function boundCalls(root: SgNode, names: ReadonlySet<string>): Map<string, SgNode> {
  const out = new Map<string, SgNode>();
  for (const decl of root.findAll({ rule: { kind: 'variable_declarator' } })) {
    const id = decl.field('name');
    const value = decl.field('value');
    if (id?.kind() !== 'identifier' || value?.kind() !== 'call_expression') continue;
    const callee = calleeName(value);
    if (callee && names.has(callee)) out.set(id.text(), value);
  }
  return out;
}

/** A table creator's naming as a prefix and suffix, from a callback `(name) => \`pre_${name}_suf\``. */
function creatorNaming(call: SgNode): { prefix: string; suffix: string } | undefined {
  const fn = callArgs(call)[0];
  if (!fn || fn.kind() !== 'arrow_function') return undefined;
  const params = fn.field('parameters') ?? fn.field('parameter');
  const param = params?.kind() === 'identifier' ? params.text() : params?.find({ rule: { kind: 'identifier' } })?.text();
  const body = fn.field('body');
  if (!param || body?.kind() !== 'template_string') return undefined;
  const subs = body.children().filter((c) => c.kind() === 'template_substitution');
  if (subs.length !== 1 || subs[0]!.text() !== `\${${param}}`) return undefined;
  const text = body.text().slice(1, -1);
  const at = text.indexOf(subs[0]!.text());
  return { prefix: text.slice(0, at), suffix: text.slice(at + subs[0]!.text().length) };
}

/** The column builder call at the root of a chain like `text('email').notNull().unique()`. */
function builderOf(value: SgNode): { name: string; call: SgNode } | undefined {
  let node: SgNode | null = value;
  let builder: { name: string; call: SgNode } | undefined;
  // walk down the chain: each call's callee is either the builder or `<inner call>.method`
  while (node && node.kind() === 'call_expression') {
    const fn: SgNode | null = node.field('function');
    if (!fn) break;
    if (fn.kind() === 'identifier') {
      builder = { name: fn.text(), call: node };
      break;
    }
    if (fn.kind() !== 'member_expression') break;
    const obj: SgNode | null = fn.field('object');
    if (obj?.kind() === 'identifier') {
      // `t.text('email')` (the columns callback's helper) or `pg.text(…)` (a namespace import)
      builder = { name: fn.field('property')?.text() ?? '', call: node };
      break;
    }
    node = obj;
  }
  return builder?.name ? builder : undefined;
}

/** The columns object of a table call: the second argument, or what a `(t) => ({ … })` callback returns. */
function columnsObject(arg: SgNode | undefined): SgNode | undefined {
  if (!arg) return undefined;
  if (arg.kind() === 'object') return arg;
  if (arg.kind() === 'arrow_function') {
    let body = arg.field('body');
    while (body?.kind() === 'parenthesized_expression') body = body.children().find((c) => c.isNamed()) ?? null;
    if (body?.kind() === 'object') return body;
    if (body?.kind() === 'statement_block') {
      const ret = body.children().find((c) => c.kind() === 'return_statement');
      const expr = ret?.children().find((c) => c.isNamed());
      return expr ? columnsObject(expr.kind() === 'object' ? expr : undefined) : undefined;
    }
  }
  return undefined;
}

/** Read the Drizzle tables of one parsed file. */
export function readDrizzle(file: string, tree: SgRoot): ObservedFieldDetail[] {
  const root = tree.root();
  const schemas = new Map<string, string>();
  for (const [name, call] of boundCalls(root, SCHEMA_FUNCTIONS)) {
    const s = stringValue(callArgs(call)[0]);
    if (s) schemas.set(name, s);
  }
  const creators = new Map<string, { prefix: string; suffix: string }>();
  for (const [name, call] of boundCalls(root, CREATOR_FUNCTIONS)) creators.set(name, creatorNaming(call) ?? { prefix: '', suffix: '' });

  const out: ObservedFieldDetail[] = [];
  for (const call of root.findAll({ rule: { kind: 'call_expression' } })) {
    const callee = calleeName(call);
    if (!callee) continue;
    let schema: string | undefined;
    let naming = { prefix: '', suffix: '' };
    if (TABLE_FUNCTIONS.has(callee)) {
      // the table function of a schema object is reached as `<schema>.table`
    } else if (creators.has(callee)) {
      naming = creators.get(callee)!;
    } else {
      const dot = callee.indexOf('.');
      if (dot < 0 || callee.slice(dot + 1) !== 'table' || !schemas.has(callee.slice(0, dot))) continue;
      schema = schemas.get(callee.slice(0, dot));
    }
    const args = callArgs(call);
    const given = stringValue(args[0]);
    const cols = columnsObject(args[1]);
    if (!given || !cols) continue;
    const tableName = `${naming.prefix}${given}${naming.suffix}`;
    const table = schema ? `${schema}.${tableName}` : tableName;
    const aliases = new Set<string>();
    if (tableName !== given) aliases.add(given);
    if (schema) aliases.add(tableName);
    const parent = call.parent();
    const variable = parent?.kind() === 'variable_declarator' ? parent.field('name')?.text() : undefined;
    if (variable && variable !== table) aliases.add(variable);
    for (const pair of cols.children()) {
      if (pair.kind() !== 'pair') continue;
      const key = keyName(pair.field('key'));
      const value = pair.field('value');
      if (key === undefined || !value) continue;
      const builder = builderOf(value);
      if (!builder) continue;
      const column = stringValue(callArgs(builder.call)[0]) ?? key;
      const columnAliases = [...new Set([key, tokenise(key).join('_')])].filter((a) => a && a !== column);
      out.push({
        origin: 'drizzle',
        source: file,
        line: lineOf(pair),
        table,
        column,
        type: builder.name,
        ...(aliases.size ? { tableAliases: [...aliases] } : {}),
        ...(columnAliases.length ? { columnAliases } : {}),
      });
    }
  }
  return out;
}
