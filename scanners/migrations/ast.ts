/**
 * Small readers over libpg_query's parse tree (protobuf JSON): every shape here is optional,
 * because a tree is only as complete as the statement it came from.
 */
import type { Node } from './statements.js';

export interface RangeVar {
  schemaname?: string;
  relname?: string;
  alias?: { aliasname?: string };
}

/** A table's key: `schema.name`, unqualified names in public (the default search_path's first schema). */
export function tableKey(rv: RangeVar | undefined): string | undefined {
  if (!rv?.relname) return undefined;
  return `${rv.schemaname ?? 'public'}.${rv.relname}`;
}

/** The strings of a name list (`[{String:{sval}}]`). */
export function names(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((n) => ((n as Node)['String'] as { sval?: string } | undefined)?.sval ?? '');
}

/** A qualified name list → `schema.name` (public when unqualified). */
export function qualified(list: unknown): string {
  const n = names(list);
  return n.length >= 2 ? `${n[n.length - 2]}.${n[n.length - 1]}` : `public.${n[0] ?? ''}`;
}

/** `DefElem`s of an options list, by name (lower-case). */
export function defElems(list: unknown): Map<string, Node> {
  const out = new Map<string, Node>();
  if (!Array.isArray(list)) return out;
  for (const o of list) {
    const d = (o as Node)['DefElem'] as Node | undefined;
    if (d && typeof d['defname'] === 'string') out.set(d['defname'].toLowerCase(), d);
  }
  return out;
}

/** A DefElem's argument as text: `true`, `on`, `'x'` (a String, a Boolean, an Integer or a list of strings). */
export function defText(d: Node | undefined): string | undefined {
  const arg = d?.['arg'] as Node | undefined;
  if (!arg) return undefined;
  const s = arg['String'] as { sval?: string } | undefined;
  if (s) return s.sval ?? '';
  const b = arg['Boolean'] as { boolval?: boolean } | undefined;
  if (b) return b.boolval ? 'true' : 'false';
  const i = arg['Integer'] as { ival?: number } | undefined;
  if (i) return String(i.ival ?? 0);
  const l = arg['List'] as { items?: unknown[] } | undefined;
  if (l) return names(l.items).join('\n');
  return undefined;
}

/** True for PostgreSQL's spellings of a true boolean option. */
export function truthy(v: string | undefined): boolean {
  return v !== undefined && ['true', 'on', '1', 'yes', 't', 'y'].includes(v.toLowerCase());
}

/**
 * Visit every node object under `root` (depth first). `visit` gets the node's type key and its
 * fields, and may return false to skip the node's children.
 */
export function walk(root: unknown, visit: (type: string, fields: Node) => boolean | void): void {
  const go = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) go(x);
      return;
    }
    if (!v || typeof v !== 'object') return;
    const o = v as Node;
    for (const k in o) {
      const child = o[k];
      if (!child || typeof child !== 'object') continue;
      // a type key names an object of fields (capitalised); anything else is a field of the node
      const c = k.charCodeAt(0);
      if (c >= 65 && c <= 90 && !Array.isArray(child)) {
        if (visit(k, child as Node) === false) continue;
        go(child);
      } else go(child);
    }
  };
  go(root);
}

/** The source text of a function or DO block (`AS '…'` / `AS $$…$$`), if any. */
export function functionBody(options: unknown): string | undefined {
  const as = defElems(options).get('as');
  return as ? defText(as) : undefined;
}

/** Identifiers in SQL text, lower-cased (quoted ones as written): a by-name index of a function body. */
export function identifiers(text: string): Set<string> {
  const out = new Set<string>();
  // one pass, no backtracking: a word, or a double-quoted name
  const re = /"((?:[^"]|"")+)"|[A-Za-z_][A-Za-z0-9_$]*/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.add(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[0].toLowerCase());
  return out;
}
