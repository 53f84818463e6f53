/**
 * SQL migrations (PostgreSQL and Supabase dialect) → the schema they leave behind. Each file is
 * parsed by libpg_query (PostgreSQL's own parser, compiled to WebAssembly); the statements that
 * shape tables are replayed in migration order: CREATE TABLE (columns, LIKE, INHERITS), ALTER
 * TABLE ADD / DROP / ALTER COLUMN TYPE, RENAME COLUMN, RENAME TO, SET SCHEMA, DROP TABLE, DROP
 * SCHEMA, CREATE SCHEMA … CREATE TABLE, and SET search_path. Everything else (indexes, policies,
 * functions, data) leaves the columns as they are.
 *
 * Each surviving column keeps the file and line that gave it its current name: its CREATE TABLE
 * or ADD COLUMN, or the RENAME COLUMN that named it.
 *
 * Before parsing, what psql reads but the server never sees is blanked, line for line so line
 * numbers hold: meta-commands (`\connect`, pg_dump's `\restrict`) and `COPY … FROM stdin` data.
 * Down sections of single-file up/down formats (dbmate's `-- migrate:down`, goose's
 * `-- +goose Down`) are cut off: they undo the file's own work.
 */
import { loadModule, parseSync } from 'libpg-query';
import type { SourceProblem } from '../types.js';
import { ByteLines } from '../../../src/util/byte-lines.js';
import type { ObservedFieldDetail } from './observed.js';

// The parse tree is protobuf JSON; these are the few shapes read here, everything optional.
interface PgString {
  String?: { sval?: string };
}
interface RangeVar {
  schemaname?: string;
  relname?: string;
  location?: number;
}
interface TypeName {
  names?: PgString[];
  typmods?: { A_Const?: { ival?: { ival?: number }; sval?: { sval?: string } } }[];
  arrayBounds?: unknown[];
}
interface ColumnDef {
  colname?: string;
  typeName?: TypeName;
  location?: number;
}
interface AlterTableCmd {
  subtype?: string;
  name?: string;
  def?: { ColumnDef?: ColumnDef };
  missing_ok?: boolean;
}
type Node = Record<string, unknown>;
interface RawStmt {
  stmt?: Node;
  stmt_location?: number;
}

interface Column {
  name: string;
  type: string;
  file: string;
  line: number;
}
interface Table {
  schema: string;
  name: string;
  columns: Map<string, Column>;
  /** Created outside these files (only ALTERed here): its other columns are not known. */
  partial: boolean;
}

let ready: Promise<void> | undefined;

/** Load the WebAssembly parser once per process. */
export function loadSqlParser(): Promise<void> {
  ready ??= loadModule();
  return ready;
}

const PG_TYPE_NAMES: Readonly<Record<string, string>> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  bool: 'boolean',
  bpchar: 'char',
};

/** A column type as SQL writes it: `varchar(255)`, `numeric(10,2)`, `text[]`. */
function typeText(t: TypeName | undefined): string {
  const names = (t?.names ?? []).map((n) => n.String?.sval ?? '').filter(Boolean);
  let name = names[names.length - 1] ?? '';
  if (names[0] === 'pg_catalog') name = PG_TYPE_NAMES[name] ?? name;
  // interval's modifiers are a field bitmask, not something a person wrote
  const mods =
    name === 'interval'
      ? []
      : (t?.typmods ?? []).map((m) => (m.A_Const?.sval?.sval !== undefined ? m.A_Const.sval.sval : String(m.A_Const?.ival?.ival ?? 0)));
  return `${name}${mods.length ? `(${mods.join(',')})` : ''}${t?.arrayBounds?.length ? '[]' : ''}`;
}

function names(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((n) => (n as PgString).String?.sval ?? '');
}

/** The schema a migration folder leaves, replayed statement by statement. */
export class MigrationSchema {
  private readonly tables = new Map<string, Table>();
  private searchPath = 'public';
  private file = '';
  private lines: ByteLines | undefined;

  constructor(private readonly problems: SourceProblem[]) {}

  /** Parse one migration file and apply it. A file that does not parse is a problem, and changes nothing. */
  applyFile(file: string, rawText: string): boolean {
    const text = prepareMigrationText(rawText);
    let tree: { stmts?: RawStmt[] };
    try {
      tree = parseSync(text) as { stmts?: RawStmt[] };
    } catch (e) {
      const err = e as Error & { sqlDetails?: { cursorPosition?: number } };
      const at = err.sqlDetails?.cursorPosition;
      const line = at !== undefined && at >= 0 ? new ByteLines(text).lineAt(at) : undefined;
      this.problems.push({ source: file, ...(line ? { line } : {}), problem: `SQL does not parse: ${err.message}` });
      return false;
    }
    this.file = file;
    this.lines = new ByteLines(text);
    this.searchPath = 'public';
    for (const raw of tree.stmts ?? []) {
      if (!raw.stmt) continue;
      try {
        this.apply(raw.stmt, raw.stmt_location ?? 0, undefined);
      } catch (e) {
        // a statement shape this replay did not expect: say so, keep replaying
        this.problems.push({ source: file, line: this.line(raw.stmt_location, 0), problem: `statement not replayed: ${(e as Error).message}` });
      }
    }
    return true;
  }

  /** The columns that survive, in table order then column order. */
  fields(): ObservedFieldDetail[] {
    const out: ObservedFieldDetail[] = [];
    for (const t of this.tables.values()) {
      for (const c of t.columns.values()) {
        out.push({
          origin: 'sql',
          source: c.file,
          line: c.line,
          table: `${t.schema}.${t.name}`,
          column: c.name,
          ...(c.type ? { type: c.type } : {}),
          ...(t.partial ? { partial: true } : {}),
        });
      }
    }
    return out;
  }

  private line(offset: number | undefined, fallback: number): number {
    return this.lines!.lineAt(offset ?? fallback);
  }

  private key(schema: string, name: string): string {
    return `${schema}\u0000${name}`;
  }

  private ref(rv: RangeVar | undefined, schemaOverride?: string): { schema: string; name: string } | undefined {
    if (!rv?.relname) return undefined;
    return { schema: rv.schemaname ?? schemaOverride ?? this.searchPath, name: rv.relname };
  }

  private get(rv: RangeVar | undefined): Table | undefined {
    const r = this.ref(rv);
    return r ? this.tables.get(this.key(r.schema, r.name)) : undefined;
  }

  private column(def: ColumnDef, stmtAt: number): Column | undefined {
    if (!def.colname) return undefined;
    return { name: def.colname, type: typeText(def.typeName), file: this.file, line: this.line(def.location, stmtAt) };
  }

  private apply(stmt: Node, at: number, schemaOverride: string | undefined): void {
    const [kind, body] = Object.entries(stmt)[0] ?? [];
    if (!kind || !body || typeof body !== 'object') return;
    const n = body as Node;
    switch (kind) {
      case 'CreateStmt':
        return this.create(n, at, schemaOverride);
      case 'AlterTableStmt':
        return this.alter(n, at);
      case 'RenameStmt':
        return this.rename(n, at);
      case 'DropStmt':
        return this.drop(n);
      case 'AlterObjectSchemaStmt':
        return this.setSchema(n);
      case 'CreateSchemaStmt': {
        const schema = n['schemaname'] as string | undefined;
        for (const el of (n['schemaElts'] as Node[] | undefined) ?? []) this.apply(el, at, schema);
        return;
      }
      case 'VariableSetStmt':
        return this.set(n);
      case 'CreateTableAsStmt': {
        const into = (n['into'] as { rel?: RangeVar } | undefined)?.rel;
        if (n['objtype'] === 'OBJECT_TABLE' && into?.relname) {
          this.problems.push({ source: this.file, line: this.line(into.location, at), problem: `CREATE TABLE ${into.relname} AS …: its columns come from a query and are not read` });
        }
        return;
      }
      default:
        return;
    }
  }

  private create(n: Node, at: number, schemaOverride: string | undefined): void {
    // a partition stores its parent's rows: the parent is the collection
    if (n['partbound']) return;
    const r = this.ref(n['relation'] as RangeVar, schemaOverride);
    if (!r) return;
    const k = this.key(r.schema, r.name);
    if (n['if_not_exists'] && this.tables.has(k)) return;
    const table: Table = { schema: r.schema, name: r.name, columns: new Map(), partial: false };
    for (const parent of (n['inhRelations'] as { RangeVar?: RangeVar }[] | undefined) ?? []) {
      const p = this.get(parent.RangeVar);
      if (p) for (const c of p.columns.values()) table.columns.set(c.name, { ...c });
      else table.partial = true;
    }
    for (const el of (n['tableElts'] as Node[] | undefined) ?? []) {
      if (el['ColumnDef']) {
        const c = this.column(el['ColumnDef'] as ColumnDef, at);
        if (c) table.columns.set(c.name, c);
      } else if (el['TableLikeClause']) {
        const src = this.get((el['TableLikeClause'] as { relation?: RangeVar }).relation);
        if (src) for (const c of src.columns.values()) table.columns.set(c.name, { ...c });
        else table.partial = true;
      }
    }
    // typed tables (OF type) take their columns from a composite type this replay does not follow
    if (n['ofTypename']) table.partial = true;
    this.tables.set(k, table);
  }

  private alter(n: Node, at: number): void {
    const objtype = n['objtype'] as string | undefined;
    if (objtype !== 'OBJECT_TABLE' && objtype !== 'OBJECT_FOREIGN_TABLE') return;
    const r = this.ref(n['relation'] as RangeVar);
    if (!r) return;
    const k = this.key(r.schema, r.name);
    for (const wrapped of (n['cmds'] as { AlterTableCmd?: AlterTableCmd }[] | undefined) ?? []) {
      const cmd = wrapped.AlterTableCmd;
      if (!cmd) continue;
      let table = this.tables.get(k);
      switch (cmd.subtype) {
        case 'AT_AddColumn': {
          const def = cmd.def?.ColumnDef;
          if (!def) break;
          const c = this.column(def, at);
          if (!c) break;
          if (!table) {
            // a table made elsewhere (Supabase's auth.users, an extension's): what is added here is real
            table = { schema: r.schema, name: r.name, columns: new Map(), partial: true };
            this.tables.set(k, table);
          }
          if (cmd.missing_ok && table.columns.has(c.name)) break;
          table.columns.set(c.name, c);
          break;
        }
        case 'AT_DropColumn':
          if (table && cmd.name) table.columns.delete(cmd.name);
          break;
        case 'AT_AlterColumnType': {
          const c = table && cmd.name ? table.columns.get(cmd.name) : undefined;
          if (c && cmd.def?.ColumnDef?.typeName) c.type = typeText(cmd.def.ColumnDef.typeName);
          break;
        }
        default:
          break;
      }
    }
  }

  private rename(n: Node, at: number): void {
    const renameType = n['renameType'] as string | undefined;
    const rv = n['relation'] as RangeVar | undefined;
    const newname = n['newname'] as string | undefined;
    if (!newname) return;
    if (renameType === 'OBJECT_COLUMN') {
      const relationType = n['relationType'] as string | undefined;
      if (relationType !== 'OBJECT_TABLE' && relationType !== 'OBJECT_FOREIGN_TABLE') return;
      const table = this.get(rv);
      const old = n['subname'] as string | undefined;
      const c = table && old ? table.columns.get(old) : undefined;
      if (!table || !c) return;
      table.columns.delete(c.name);
      table.columns.set(newname, { ...c, name: newname, file: this.file, line: this.line(rv?.location, at) });
    } else if (renameType === 'OBJECT_TABLE' || renameType === 'OBJECT_FOREIGN_TABLE') {
      const r = this.ref(rv);
      const table = this.get(rv);
      if (!r || !table) return;
      this.tables.delete(this.key(r.schema, r.name));
      table.name = newname;
      this.tables.set(this.key(table.schema, newname), table);
    }
  }

  private drop(n: Node): void {
    const removeType = n['removeType'] as string | undefined;
    const objects = (n['objects'] as { List?: { items?: unknown } }[] | PgString[] | undefined) ?? [];
    if (removeType === 'OBJECT_TABLE' || removeType === 'OBJECT_FOREIGN_TABLE') {
      for (const o of objects as { List?: { items?: unknown } }[]) {
        const parts = names(o.List?.items);
        const name = parts[parts.length - 1];
        if (!name) continue;
        this.tables.delete(this.key(parts.length > 1 ? parts[parts.length - 2]! : this.searchPath, name));
      }
    } else if (removeType === 'OBJECT_SCHEMA') {
      for (const o of objects as PgString[]) {
        const schema = o.String?.sval;
        if (!schema) continue;
        for (const [k, t] of this.tables) if (t.schema === schema) this.tables.delete(k);
      }
    }
  }

  private setSchema(n: Node): void {
    if (n['objectType'] !== 'OBJECT_TABLE' && n['objectType'] !== 'OBJECT_FOREIGN_TABLE') return;
    const r = this.ref(n['relation'] as RangeVar);
    const table = this.get(n['relation'] as RangeVar);
    const newschema = n['newschema'] as string | undefined;
    if (!r || !table || !newschema) return;
    this.tables.delete(this.key(r.schema, r.name));
    table.schema = newschema;
    this.tables.set(this.key(newschema, table.name), table);
  }

  private set(n: Node): void {
    if (n['name'] !== 'search_path' || n['kind'] !== 'VAR_SET_VALUE') return;
    const first = (n['args'] as { A_Const?: { sval?: { sval?: string } } }[] | undefined)?.[0]?.A_Const?.sval?.sval;
    // search_path '' (pg_dump, Supabase's hardened functions) leaves every name qualified: keep the default
    if (first) this.searchPath = first.split(',')[0]!.trim().replace(/^"|"$/g, '') || 'public';
  }
}

const DOWN_MARKERS = ['-- migrate:down', '-- +goose down'];

/**
 * Blank what only psql reads (meta-commands, COPY data) and cut off down sections, keeping every
 * line where it was so the parser's positions still name the file's own lines.
 */
export function prepareMigrationText(text: string): string {
  if (!text.includes('\\') && !text.toLowerCase().includes('down')) return text;
  const lines = text.split('\n');
  let inCopy = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const trimmed = line.trimStart();
    if (inCopy) {
      if (trimmed.startsWith('\\.')) inCopy = false;
      lines[i] = '';
      continue;
    }
    const lower = trimmed.toLowerCase();
    if (DOWN_MARKERS.some((m) => lower.startsWith(m))) {
      lines.length = i;
      break;
    }
    if (trimmed.startsWith('\\')) {
      lines[i] = '';
      continue;
    }
    if (lower.startsWith('copy ') && isCopyFromStdin(lower)) inCopy = true;
  }
  return lines.join('\n');
}

/** `COPY … FROM stdin;` — pg_dump's data blocks, which end at a line `\.`. */
function isCopyFromStdin(lowerLine: string): boolean {
  const t = lowerLine.trimEnd();
  return t.endsWith('from stdin;') || t.endsWith('from stdin');
}

/** True for migration files that undo others: `*.down.sql`, `down.sql` (Diesel), Flyway's undo `U<version>__*.sql`. */
export function isDownMigration(fileName: string): boolean {
  const lower = fileName.toLowerCase();
  if (lower === 'down.sql' || lower.endsWith('.down.sql') || lower.endsWith('_down.sql')) return true;
  return /^u\d[\d._]*__/.test(lower);
}
