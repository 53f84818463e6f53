/**
 * `drop-still-referenced` and `rename-still-referenced`: a table or column dropped or renamed
 * while something in the same set of migrations still uses it.
 *
 * The statements are replayed in apply order, keeping what depends on tables and columns:
 * views, policies, foreign keys (by their parse trees) and function bodies (by name: the words
 * of the body, since PL/pgSQL is not parsed here). At a drop, the live dependents that read the
 * dropped thing are reported (PostgreSQL refuses the drop, or with CASCADE silently drops them);
 * at a rename, only function bodies count (PostgreSQL follows renames in views, policies and
 * constraints by object id, but not in function source). Either way, a later statement that
 * still names the old table or column (before it is created again) is reported too: it fails
 * when the migrations are applied.
 *
 * Unqualified columns resolve against the tables of their statement; with several tables, to
 * those known (from the replay) to have the column.
 */
import { defElems, defText, functionBody, identifiers, names, type RangeVar } from './ast.js';
import type { Hit } from './checks.js';
import type { Node, Statement } from './statements.js';

interface Refs {
  tables: Set<string>;
  /** `schema.table.column` */
  columns: Set<string>;
  /** Words of a function or DO body. */
  words?: Set<string>;
}

interface Dependent {
  what: string;
  stmt: Statement;
  refs: Refs;
  /** The table the object belongs to (a policy's or a foreign key's): it goes when that table does. */
  owner?: string;
}

type Event =
  | { kind: 'drop-table'; table: string; stmt: Statement; cascade: boolean }
  | { kind: 'drop-column'; table: string; column: string; stmt: Statement; cascade: boolean }
  | { kind: 'rename-table'; table: string; to: string; stmt: Statement }
  | { kind: 'rename-column'; table: string; column: string; to: string; stmt: Statement };

const COLUMN_SUBTYPES = new Set(['AT_AlterColumnType', 'AT_DropColumn', 'AT_SetNotNull', 'AT_DropNotNull', 'AT_ColumnDefault', 'AT_SetStatistics', 'AT_SetStorage', 'AT_AddIdentity', 'AT_DropIdentity', 'AT_SetIdentity', 'AT_SetCompression', 'AT_SetOptions', 'AT_ResetOptions']);

/** Where a statement is, for evidence: `0003_x.sql:12`. */
type Where = (s: Statement) => string;

/** The drop/rename replay, one file at a time (so each file's parse tree can go once it is read); `finish` gives the hits. */
export class References {
  private readonly columns = new Map<string, Set<string>>();
  private readonly deps = new Map<string, Dependent>();
  private readonly all: { stmt: Statement; refs: Refs; creates: string[] }[] = [];
  private readonly events: { at: number; e: Event; live: Dependent[] }[] = [];

  /** One file's statements, in apply order. */
  addFile(stmts: readonly Statement[]): void {
    const { columns, deps, all, events } = this;
    let schema = 'public';
    const key = (rv: RangeVar | undefined) => (rv?.relname ? `${rv.schemaname ?? schema}.${rv.relname}` : undefined);
    for (const s of stmts) {
      const n = s.node;
      if (s.type === 'VariableSetStmt' && String(n['name']).toLowerCase() === 'search_path' && Array.isArray(n['args'])) {
        schema = ((n['args'][0] as Node | undefined)?.['A_Const'] as { sval?: { sval?: string } } | undefined)?.sval?.sval || schema;
      }
      const refs = statementRefs(s, key, columns);
      const creates: string[] = [];
      const at = all.length;
      switch (s.type) {
        case 'CreateStmt': {
          const t = key(n['relation'] as RangeVar);
          if (!t) break;
          creates.push(t);
          const cols = new Set<string>();
          for (const e of Array.isArray(n['tableElts']) ? n['tableElts'] : []) {
            const cd = (e as Node)['ColumnDef'] as Node | undefined;
            if (cd?.['colname']) {
              cols.add(String(cd['colname']));
              creates.push(`${t}.${String(cd['colname'])}`);
              for (const c of Array.isArray(cd['constraints']) ? cd['constraints'] : []) addForeignKey(deps, (c as Node)['Constraint'] as Node | undefined, t, [String(cd['colname'])], key, s);
            }
            addForeignKey(deps, (e as Node)['Constraint'] as Node | undefined, t, undefined, key, s);
          }
          columns.set(t, cols);
          break;
        }
        case 'ViewStmt':
        case 'CreateTableAsStmt': {
          const t = s.type === 'ViewStmt' ? key(n['view'] as RangeVar) : key(((n['into'] as Node | undefined)?.['rel']) as RangeVar);
          if (!t) break;
          creates.push(t);
          if (s.type === 'ViewStmt' || n['objtype'] === 'OBJECT_MATVIEW') deps.set(`view ${t}`, { what: `view ${t}`, stmt: s, refs });
          break;
        }
        case 'CreatePolicyStmt':
        case 'AlterPolicyStmt': {
          const t = key(n['table'] as RangeVar);
          if (t) deps.set(`policy ${t}.${String(n['policy_name'])}`, { what: `policy ${String(n['policy_name'])} on ${t}`, stmt: s, refs, owner: t });
          break;
        }
        case 'CreateFunctionStmt': {
          const name = names(n['funcname']).join('.');
          deps.set(`function ${name}`, { what: `function ${name}`, stmt: s, refs });
          break;
        }
        case 'AlterTableStmt': {
          const t = key(n['relation'] as RangeVar);
          if (!t || (n['objtype'] && n['objtype'] !== 'OBJECT_TABLE')) break;
          for (const c of Array.isArray(n['cmds']) ? n['cmds'] : []) {
            const cmd = ((c as Node)['AlterTableCmd'] ?? {}) as Node;
            const col = typeof cmd['name'] === 'string' ? cmd['name'] : undefined;
            if (cmd['subtype'] === 'AT_AddColumn') {
              const cd = (cmd['def'] as Node | undefined)?.['ColumnDef'] as Node | undefined;
              if (cd?.['colname']) {
                columns.get(t)?.add(String(cd['colname']));
                creates.push(`${t}.${String(cd['colname'])}`);
                for (const k of Array.isArray(cd['constraints']) ? cd['constraints'] : []) addForeignKey(deps, (k as Node)['Constraint'] as Node | undefined, t, [String(cd['colname'])], key, s);
              }
            } else if (cmd['subtype'] === 'AT_AddConstraint') {
              addForeignKey(deps, (cmd['def'] as Node | undefined)?.['Constraint'] as Node | undefined, t, undefined, key, s);
            } else if (cmd['subtype'] === 'AT_DropConstraint' && col) {
              deps.delete(`constraint ${t}.${col}`);
            } else if (cmd['subtype'] === 'AT_DropColumn' && col) {
              const e: Event = { kind: 'drop-column', table: t, column: col, stmt: s, cascade: cmd['behavior'] === 'DROP_CASCADE' };
              events.push({ at, e, live: liveUsers(deps, e) });
              columns.get(t)?.delete(col);
            }
          }
          break;
        }
        case 'RenameStmt': {
          const t = key(n['relation'] as RangeVar);
          const to = String(n['newname'] ?? '');
          if (!t || !to) break;
          if (n['renameType'] === 'OBJECT_COLUMN' && typeof n['subname'] === 'string') {
            const e: Event = { kind: 'rename-column', table: t, column: n['subname'], to, stmt: s };
            events.push({ at, e, live: liveUsers(deps, e) });
            const cols = columns.get(t);
            if (cols?.delete(n['subname'])) cols.add(to);
            creates.push(`${t}.${to}`);
          } else if (n['renameType'] === 'OBJECT_TABLE' || n['renameType'] === 'OBJECT_VIEW' || n['renameType'] === 'OBJECT_MATVIEW') {
            const e: Event = { kind: 'rename-table', table: t, to, stmt: s };
            events.push({ at, e, live: liveUsers(deps, e) });
            const moved = `${t.split('.')[0]}.${to}`;
            const cols = columns.get(t);
            columns.delete(t);
            if (cols) columns.set(moved, cols);
            creates.push(moved);
          }
          break;
        }
        case 'DropStmt': {
          const type = String(n['removeType']);
          const cascade = n['behavior'] === 'DROP_CASCADE';
          for (const o of Array.isArray(n['objects']) ? n['objects'] : []) {
            const obj = o as Node;
            const parts = names(((obj['List'] as Node | undefined)?.['items']) ?? (obj['String'] ? [obj] : []));
            if (['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_FOREIGN_TABLE'].includes(type)) {
              const t = parts.length >= 2 ? `${parts[parts.length - 2]}.${parts[parts.length - 1]}` : `${schema}.${parts[0]}`;
              deps.delete(`view ${t}`);
              const e: Event = { kind: 'drop-table', table: t, stmt: s, cascade };
              events.push({ at, e, live: liveUsers(deps, e) });
              columns.delete(t);
              for (const [k, d] of deps) if (d.owner === t) deps.delete(k);
            } else if (type === 'OBJECT_POLICY' && parts.length >= 2) {
              const tbl = parts.slice(0, -1);
              const t = tbl.length >= 2 ? `${tbl[0]}.${tbl[1]}` : `${schema}.${tbl[0]}`;
              deps.delete(`policy ${t}.${parts[parts.length - 1]}`);
            } else if (type === 'OBJECT_FUNCTION' || type === 'OBJECT_PROCEDURE') {
              deps.delete(`function ${names((obj['ObjectWithArgs'] as Node | undefined)?.['objname']).join('.')}`);
            }
          }
          break;
        }
      }
      all.push({ stmt: s, refs, creates });
    }
  }

  /** The hits, once every file was added; `where` names a statement's file and line for the evidence. */
  finish(where: Where): Hit[] {
    const { all, events } = this;
    const hits: Hit[] = [];
    for (const { at, e, live } of events) {
      const later: Statement[] = [];
      const oldName = e.kind === 'drop-column' || e.kind === 'rename-column' ? `${e.table}.${e.column}` : e.table;
      for (let i = at + 1; i < all.length; i++) {
        const { stmt, refs, creates } = all[i]!;
        if (stmt.type === 'DropStmt') continue;
        if (uses(refs, e)) later.push(stmt);
        if (creates.includes(oldName)) break;
      }
      const drop = e.kind === 'drop-table' || e.kind === 'drop-column';
      // a rename carries views, policies and constraints along; only by-name users break
      const users = drop ? live : live.filter((d) => d.refs.words);
      if (!users.length && !later.length) continue;
      const parts = [
        ...users.slice(0, 3).map((d) => `${d.what} (${where(d.stmt)})`),
        ...later.slice(0, 3).map((s) => `a later statement (${where(s)})`),
      ];
      const more = users.length + later.length - parts.length;
      const thing = e.kind === 'drop-column' || e.kind === 'rename-column' ? `column ${e.table}.${e.column}` : `table ${e.table}`;
      const verb = drop ? `is dropped${e.cascade ? ' with CASCADE' : ''}` : `is renamed to ${e.to}`;
      hits.push({
        ruleId: drop ? 'drop-still-referenced' : 'rename-still-referenced',
        stmt: e.stmt,
        subject: oldName,
        evidence: `${thing} ${verb} but ${parts.join(', ')}${more > 0 ? ` and ${more} more` : ''} still use${users.length + later.length === 1 ? 's' : ''} it${drop && e.cascade && users.length ? '; CASCADE drops those objects too' : ''}`,
      });
    }
    return hits;
  }
}

/** The drop/rename hits of a set of migrations (each file's statements in apply order). */
export function referenceChecks(files: readonly (readonly Statement[])[], where: Where): Hit[] {
  const r = new References();
  for (const stmts of files) r.addFile(stmts);
  return r.finish(where);
}

function addForeignKey(deps: Map<string, Dependent>, c: Node | undefined, owner: string, ownCols: string[] | undefined, key: (rv: RangeVar | undefined) => string | undefined, s: Statement): void {
  if (!c || c['contype'] !== 'CONSTR_FOREIGN') return;
  const pk = key(c['pktable'] as RangeVar);
  if (!pk) return;
  const refs: Refs = { tables: new Set([pk]), columns: new Set(names(c['pk_attrs']).map((a) => `${pk}.${a}`)) };
  const fk = ownCols ?? names(c['fk_attrs']);
  const name = typeof c['conname'] === 'string' ? c['conname'] : `${owner.split('.')[1]}_${fk.join('_')}_fkey`;
  deps.set(`constraint ${owner}.${name}`, { what: `foreign key ${name} on ${owner}`, stmt: s, refs, owner });
}

/** The dependents alive now that use what the event removes or renames. */
function liveUsers(deps: Map<string, Dependent>, e: Event): Dependent[] {
  const out: Dependent[] = [];
  for (const d of deps.values()) {
    if (d.stmt === e.stmt) continue;
    // a table's own policies and foreign keys go with it; a column's own foreign key with the column
    if (e.kind === 'drop-table' && d.owner === e.table) continue;
    if (uses(d.refs, e)) out.push(d);
  }
  return out;
}

function uses(r: Refs, e: Event): boolean {
  const rel = e.table.split('.')[1]!;
  if (r.words) {
    if (!r.words.has(rel)) return false;
    return e.kind === 'drop-table' || e.kind === 'rename-table' || r.words.has(e.column);
  }
  if (e.kind === 'drop-table' || e.kind === 'rename-table') return r.tables.has(e.table);
  return r.columns.has(`${e.table}.${e.column}`);
}

/** What one statement reads or changes by name: tables, columns and, for a function or DO block, the words of its body. */
function statementRefs(s: Statement, key: (rv: RangeVar | undefined) => string | undefined, known: ReadonlyMap<string, Set<string>>): Refs {
  const n = s.node;
  if (s.type === 'CreateFunctionStmt' || s.type === 'DoStmt') {
    const body = s.type === 'DoStmt' ? defText(defElems(n['args']).get('as')) : functionBody(n['options']);
    return { tables: new Set(), columns: new Set(), words: identifiers(body ?? '') };
  }
  const tables = new Set<string>();
  const columns = new Set<string>();
  const alias = new Map<string, string>();
  const defined = new Set<unknown>([n['view'], n['relation'] && s.type === 'CreateStmt' ? n['relation'] : undefined, (n['into'] as Node | undefined)?.['rel']]);
  const own = key(n['relation'] as RangeVar) ?? key(n['table'] as RangeVar);
  const addColumn = (table: string | undefined, col: string) => table && columns.add(`${table}.${col}`);
  // ColumnRefs resolve once every table of the statement is known: collected in the one pass below
  const columnRefs: string[][] = [];
  // one pass over the tree: every RangeVar-shaped object (wrapped, or a bare field such as
  // relation, table, pktable) and the nodes that name columns
  const visit = (v: unknown, type: string | undefined): void => {
    if (Array.isArray(v)) {
      for (const x of v) visit(x, undefined);
      return;
    }
    const o = v as Node;
    if (typeof o['relname'] === 'string' && !defined.has(o)) {
      const t = key(o as RangeVar)!;
      tables.add(t);
      alias.set(o['relname'], t);
      const a = (o['alias'] as { aliasname?: string } | undefined)?.aliasname;
      if (a) alias.set(a, t);
    }
    if (type === 'ColumnRef') columnRefs.push(names(o['fields']).filter(Boolean));
    else if (type === 'IndexElem' && typeof o['name'] === 'string') addColumn(own, o['name']);
    else if (type === 'ResTarget' && typeof o['name'] === 'string' && (s.type === 'InsertStmt' || s.type === 'UpdateStmt')) addColumn(own, o['name']);
    else if (type === 'Constraint') {
      for (const k of [...names(o['keys']), ...names(o['fk_attrs'])]) addColumn(own, k);
      const pk = key(o['pktable'] as RangeVar);
      for (const k of names(o['pk_attrs'])) addColumn(pk, k);
    } else if (type === 'AlterTableCmd' && typeof o['name'] === 'string' && COLUMN_SUBTYPES.has(String(o['subtype']))) addColumn(own, o['name']);
    for (const k in o) {
      const child = o[k];
      if (!child || typeof child !== 'object') continue;
      const c = k.charCodeAt(0);
      visit(child, c >= 65 && c <= 90 && !Array.isArray(child) ? k : undefined);
    }
  };
  visit(n, s.type);
  const scope = [...tables];
  const resolve = (col: string) => {
    if (scope.length === 1) return addColumn(scope[0], col);
    const having = scope.filter((t) => known.get(t)?.has(col));
    for (const t of having.length ? having : scope.filter((t) => !known.has(t))) addColumn(t, col);
  };
  for (const parts of columnRefs) {
    if (parts.length === 1) resolve(parts[0]!);
    else if (parts.length >= 2) addColumn(parts.length >= 3 ? `${parts[parts.length - 3]}.${parts[parts.length - 2]}` : alias.get(parts[0]!), parts[parts.length - 1]!);
  }
  if (s.type === 'RenameStmt' && n['renameType'] === 'OBJECT_COLUMN' && typeof n['subname'] === 'string') addColumn(own, n['subname']);
  return { tables, columns };
}
