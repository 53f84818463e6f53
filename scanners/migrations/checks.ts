/**
 * vigil's own checks over the parsed migrations, for what squawk does not report: VACUUM FULL,
 * UPDATE/DELETE of a whole table, and Supabase's splinter lints brought forward to migration
 * time (a table in public without RLS, a function without a pinned search_path, a view without
 * security_invoker, an extension in public, a policy calling auth.*() per row, a view exposing
 * auth.users). Statements are replayed in apply order, so a later migration that fixes an object
 * (ENABLE ROW LEVEL SECURITY, ALTER VIEW … SET (security_invoker), ALTER FUNCTION … SET
 * search_path, DROP) clears it.
 */
import type { Severity } from '../../src/model/severity.js';
import { defElems, defText, names, qualified, truthy, walk, type RangeVar } from './ast.js';
import type { VigilRuleId } from './rules.js';
import type { Node, Statement } from './statements.js';

export interface Hit {
  ruleId: VigilRuleId;
  stmt: Statement;
  evidence: string;
  /** The object the hit is about (`public.orders`), part of the fingerprint. */
  subject: string;
  severity?: Severity;
}

export interface CheckOptions {
  supabase: boolean;
  /** The PostgreSQL major version the migrations target; security_invoker needs 15. */
  pgMajor?: number;
}

const AUTH_FUNCTIONS = new Set(['auth.uid', 'auth.jwt', 'auth.role', 'auth.email', 'current_setting', 'pg_catalog.current_setting']);
const EXPOSED = 'public';

interface Pending {
  stmt: Statement;
  name: string;
}

/** Replays the files one at a time (so each file's parse tree can go once it is checked); `finish` gives the hits. */
export class Checks {
  private readonly hits: Hit[] = [];
  private readonly rlsMissing = new Map<string, Pending>();
  private readonly views = new Map<string, Pending & { invoker: boolean }>();
  private readonly functions = new Map<string, Pending & { secdef: boolean }>();

  constructor(private readonly opts: CheckOptions) {}

  /** One file's statements, in order; `SET search_path` holds to the end of the file. */
  addFile(stmts: readonly Statement[]): void {
    const { hits, rlsMissing, views, functions, opts } = this;
    let defaultSchema = 'public';
    const createdHere = new Set<string>();
    const key = (rv: RangeVar | undefined) => (rv?.relname ? `${rv.schemaname ?? defaultSchema}.${rv.relname}` : undefined);
    for (const s of stmts) {
      const n = s.node;
      switch (s.type) {
        case 'VariableSetStmt': {
          if (String(n['name']).toLowerCase() === 'search_path' && Array.isArray(n['args'])) {
            const first = (n['args'][0] as Node | undefined)?.['A_Const'] as { sval?: { sval?: string } } | undefined;
            defaultSchema = first?.sval?.sval?.replace(/"/g, '') || defaultSchema;
          }
          break;
        }
        case 'VacuumStmt': {
          const full = defElems(n['options']).get('full');
          if (full && (full['arg'] === undefined || truthy(defText(full)))) {
            const rels = Array.isArray(n['rels']) ? n['rels'].map((r) => key(((r as Node)['VacuumRelation'] as Node | undefined)?.['relation'] as RangeVar)).filter(Boolean) : [];
            hits.push({ ruleId: 'vacuum-full', stmt: s, subject: rels.join(',') || '*', evidence: rels.length ? `VACUUM FULL of ${rels.join(', ')}` : 'VACUUM FULL of every table in the database' });
          }
          break;
        }
        case 'UpdateStmt':
        case 'DeleteStmt': {
          const t = key(n['relation'] as RangeVar);
          // a table created in the same migration is empty and unseen by the application
          if (t && !n['whereClause'] && !createdHere.has(t)) {
            const verb = s.type === 'UpdateStmt' ? 'UPDATE' : 'DELETE';
            hits.push({ ruleId: 'unbatched-update', stmt: s, subject: t, evidence: `${verb} of ${t} without WHERE: every row is locked until the migration commits` });
          }
          break;
        }
        case 'CreateStmt': {
          const rv = n['relation'] as RangeVar & { relpersistence?: string };
          const t = key(rv);
          if (!t) break;
          createdHere.add(t);
          if (rv.relpersistence !== 't' && !n['partbound'] && t.startsWith(`${EXPOSED}.`)) rlsMissing.set(t, { stmt: s, name: t });
          break;
        }
        case 'CreateTableAsStmt': {
          const into = (n['into'] as Node | undefined)?.['rel'] as RangeVar | undefined;
          const t = key(into);
          if (!t) break;
          createdHere.add(t);
          if (n['objtype'] === 'OBJECT_MATVIEW' && t.startsWith(`${EXPOSED}.`) && readsAuthUsers(n['query'])) {
            hits.push({ ruleId: 'auth-users-exposed', stmt: s, subject: t, evidence: `materialized view ${t} reads auth.users and cannot have row level security` });
          } else if (n['objtype'] !== 'OBJECT_MATVIEW' && t.startsWith(`${EXPOSED}.`)) rlsMissing.set(t, { stmt: s, name: t });
          break;
        }
        case 'AlterTableStmt': {
          const t = key(n['relation'] as RangeVar);
          if (!t) break;
          for (const c of Array.isArray(n['cmds']) ? n['cmds'] : []) {
            const cmd = ((c as Node)['AlterTableCmd'] ?? {}) as Node;
            if (cmd['subtype'] === 'AT_EnableRowSecurity' || cmd['subtype'] === 'AT_ForceRowSecurity') rlsMissing.delete(t);
            else if (cmd['subtype'] === 'AT_DisableRowSecurity' && t.startsWith(`${EXPOSED}.`)) rlsMissing.set(t, { stmt: s, name: t });
            else if (cmd['subtype'] === 'AT_SetRelOptions' && n['objtype'] === 'OBJECT_VIEW') {
              const list = (((cmd['def'] as Node | undefined)?.['List'] as Node | undefined)?.['items']) ?? [];
              const inv = defElems(list).get('security_invoker');
              const v = views.get(t);
              if (inv && v) v.invoker = inv['arg'] === undefined || truthy(defText(inv));
            }
          }
          break;
        }
        case 'RenameStmt': {
          if (n['renameType'] !== 'OBJECT_TABLE' && n['renameType'] !== 'OBJECT_VIEW') break;
          const from = key(n['relation'] as RangeVar);
          const schema = from?.split('.')[0];
          const to = schema ? `${schema}.${String(n['newname'])}` : undefined;
          for (const m of [rlsMissing, views] as Map<string, Pending>[]) {
            const p = from ? m.get(from) : undefined;
            if (p && to) (m.delete(from!), m.set(to, { ...p, name: to }));
          }
          break;
        }
        case 'DropStmt': {
          const type = n['removeType'];
          for (const o of Array.isArray(n['objects']) ? n['objects'] : []) {
            const obj = o as Node;
            if (type === 'OBJECT_TABLE' || type === 'OBJECT_VIEW') {
              const parts = names((obj['List'] as Node | undefined)?.['items']);
              const t = parts.length >= 2 ? `${parts[parts.length - 2]}.${parts[parts.length - 1]}` : `${defaultSchema}.${parts[0]}`;
              rlsMissing.delete(t);
              views.delete(t);
            } else if (type === 'OBJECT_FUNCTION' || type === 'OBJECT_PROCEDURE') {
              functions.delete(qualified((obj['ObjectWithArgs'] as Node | undefined)?.['objname']));
            }
          }
          break;
        }
        case 'ViewStmt': {
          const t = key(n['view'] as RangeVar);
          if (!t || !t.startsWith(`${EXPOSED}.`)) break;
          const inv = defElems(n['options']).get('security_invoker');
          const invoker = !!inv && (inv['arg'] === undefined || truthy(defText(inv)));
          if (opts.supabase && readsAuthUsers(n['query']) && !invoker) {
            hits.push({ ruleId: 'auth-users-exposed', stmt: s, subject: t, evidence: `view ${t} reads auth.users with its owner's rights: every API user can read the users it selects` });
          }
          views.set(t, { stmt: s, name: t, invoker });
          break;
        }
        case 'CreateFunctionStmt': {
          const name = qualified(n['funcname']);
          const o = defElems(n['options']);
          const secdef = truthy(defText(o.get('security')));
          const setsPath = Array.isArray(n['options']) && n['options'].some((x) => setsSearchPath((x as Node)['DefElem'] as Node | undefined));
          const schema = name.split('.')[0]!;
          if (!setsPath && !['pg_catalog', 'information_schema'].includes(schema)) functions.set(name, { stmt: s, name, secdef });
          else functions.delete(name);
          break;
        }
        case 'AlterFunctionStmt': {
          const name = qualified((n['func'] as Node | undefined)?.['objname']);
          if (Array.isArray(n['actions']) && n['actions'].some((x) => setsSearchPath((x as Node)['DefElem'] as Node | undefined))) functions.delete(name);
          break;
        }
        case 'CreateExtensionStmt': {
          const ext = String(n['extname'] ?? '');
          const schema = defText(defElems(n['options']).get('schema')) ?? defaultSchema;
          if (schema === EXPOSED && ext !== 'plpgsql') {
            hits.push({ ruleId: 'extension-in-public', stmt: s, subject: ext, evidence: `extension ${ext} is installed in public${defElems(n['options']).has('schema') ? '' : ' (no WITH SCHEMA)'}` });
          }
          break;
        }
        case 'CreatePolicyStmt':
        case 'AlterPolicyStmt': {
          const t = key(n['table'] as RangeVar) ?? '?';
          const calls = [...perRowAuthCalls(n['qual']), ...perRowAuthCalls(n['with_check'])];
          if (calls.length) {
            const pol = `${t} policy ${String(n['policy_name'])}`;
            hits.push({ ruleId: 'auth-rls-initplan', stmt: s, subject: pol, evidence: `policy ${String(n['policy_name'])} on ${t} calls ${[...new Set(calls)].map((c) => `${c}()`).join(', ')} for every row; wrap it as (select ${calls[0]}())` });
          }
          break;
        }
      }
    }
  }

  /** The hits, once every file was added. */
  finish(): Hit[] {
    const { hits, rlsMissing, views, functions, opts } = this;
    if (opts.supabase) {
      for (const p of rlsMissing.values()) hits.push({ ruleId: 'rls-disabled-in-public', stmt: p.stmt, subject: p.name, evidence: `table ${p.name} is created in public and row level security is never enabled in these migrations` });
      if ((opts.pgMajor ?? 15) >= 15) {
        for (const v of views.values()) if (!v.invoker) hits.push({ ruleId: 'security-definer-view', stmt: v.stmt, subject: v.name, evidence: `view ${v.name} has no security_invoker = true: it reads its tables with its owner's rights, bypassing their row level security` });
      }
      for (const f of functions.values()) {
        hits.push({
          ruleId: 'function-search-path-mutable',
          stmt: f.stmt,
          subject: f.name,
          evidence: `function ${f.name}${f.secdef ? ' (SECURITY DEFINER)' : ''} does not set search_path: its unqualified names resolve through the caller's search_path`,
          // a definer function runs with its owner's rights: a hijacked name is privilege escalation
          severity: f.secdef ? 'medium' : 'low',
        });
      }
    }
    return opts.supabase ? hits : hits.filter((h) => h.ruleId === 'vacuum-full' || h.ruleId === 'unbatched-update');
  }
}

/** All files at once (tests and small callers). */
export function runChecks(files: readonly (readonly Statement[])[], opts: CheckOptions): Hit[] {
  const c = new Checks(opts);
  for (const stmts of files) c.addFile(stmts);
  return c.finish();
}

function setsSearchPath(d: Node | undefined): boolean {
  if (!d || d['defname'] !== 'set') return false;
  const v = (d['arg'] as Node | undefined)?.['VariableSetStmt'] as Node | undefined;
  return String(v?.['name'] ?? '').toLowerCase() === 'search_path' && v?.['kind'] !== 'VAR_RESET';
}

/** True when a query reads auth.users anywhere (joins and subqueries included). */
export function readsAuthUsers(query: unknown): boolean {
  let found = false;
  walk(query, (type, f) => {
    if (type === 'RangeVar' && f['schemaname'] === 'auth' && f['relname'] === 'users') found = true;
  });
  return found;
}

/** auth.uid() and friends called outside a scalar subquery in a policy expression. */
export function perRowAuthCalls(expr: unknown): string[] {
  const out: string[] = [];
  walk(expr, (type, f) => {
    if (type === 'SubLink') return false;
    if (type === 'FuncCall') {
      const name = names(f['funcname']).join('.');
      if (AUTH_FUNCTIONS.has(name)) out.push(name.replace(/^pg_catalog\./, ''));
    }
    return undefined;
  });
  return out;
}
