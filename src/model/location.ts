/** Where a finding is. One variant per kind of thing vigil scans. */
export interface FileLocation {
  kind: 'file';
  path: string;
  startLine?: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
  /** The matched source text, used for the fingerprint so it survives line shifts. */
  snippet?: string;
}
export interface WebLocation {
  kind: 'web';
  url: string;
  method?: string;
  param?: string;
}
export interface HostLocation {
  kind: 'host';
  host: string;
  port?: number;
}
export interface ComponentLocation {
  kind: 'component';
  purl: string;
  path?: string[];
}
export interface DatamapLocation {
  kind: 'datamap';
  file: string;
  pointer: string;
}
/** Kinds of database object a finding may name besides a table (the postgres scanner's lints). */
export const DATABASE_OBJECT_TYPES = ['table', 'view', 'function', 'policy', 'index', 'constraint', 'extension', 'role', 'setting', 'hba', 'query'] as const;
export type DatabaseObjectType = (typeof DATABASE_OBJECT_TYPES)[number];

export interface DatabaseLocation {
  kind: 'database';
  /** The schema; empty for objects of the whole cluster (a role, a setting, a pg_hba line). */
  schema: string;
  table?: string;
  /**
   * The object the finding is about when it is not the table itself: a policy or index of the
   * table, a function or view of the schema, a role, a setting, a query (by its queryid).
   */
  object?: { type: DatabaseObjectType; name: string };
}
export type Location =
  | FileLocation
  | WebLocation
  | HostLocation
  | ComponentLocation
  | DatamapLocation
  | DatabaseLocation;

/** Normalise a file path for comparison: forward slashes, no `./`, no `file://`, no duplicate slashes. */
export function normalisePath(p: string): string {
  let s = p.trim();
  if (s.startsWith('file://')) {
    s = s.slice('file://'.length);
    try {
      s = decodeURIComponent(s);
    } catch {
      // keep the raw text when it is not valid percent-encoding
    }
  }
  s = s.replace(/\\/g, '/').replace(/\/{2,}/g, '/');
  while (s.startsWith('./')) s = s.slice(2);
  return s;
}

/**
 * The identity of a location, without line numbers: what the fingerprint hashes.
 * Web URLs drop the fragment and sort query parameter names (values vary run to run).
 */
export function locationKey(loc: Location): string {
  switch (loc.kind) {
    case 'file':
      return `file:${normalisePath(loc.path)}`;
    case 'web': {
      let url = loc.url;
      try {
        const u = new URL(loc.url);
        const names = [...new Set([...u.searchParams.keys()])].sort();
        url = `${u.origin}${u.pathname}${names.length ? `?${names.join('&')}` : ''}`;
      } catch {
        // not a URL: keep as given
      }
      return `web:${(loc.method ?? 'GET').toUpperCase()} ${url}${loc.param ? ` #${loc.param}` : ''}`;
    }
    case 'host':
      return `host:${loc.host.toLowerCase()}:${loc.port ?? ''}`;
    case 'component':
      return `component:${loc.purl}`;
    case 'datamap':
      return `datamap:${normalisePath(loc.file)}#${loc.pointer}`;
    case 'database':
      // without an object the key is what it was before objects existed, so fingerprints hold
      return `database:${loc.schema}.${loc.table ?? ''}${loc.object ? `#${loc.object.type}:${loc.object.name}` : ''}`;
  }
}

/** A short human string for tables and logs: `src/a.ts:12`, `GET https://…`, `host:443`. */
export function formatLocation(loc: Location): string {
  switch (loc.kind) {
    case 'file':
      return loc.startLine ? `${loc.path}:${loc.startLine}` : loc.path;
    case 'web':
      return `${(loc.method ?? 'GET').toUpperCase()} ${loc.url}${loc.param ? ` [${loc.param}]` : ''}`;
    case 'host':
      return loc.port ? `${loc.host}:${loc.port}` : loc.host;
    case 'component': {
      // path runs from the root's first dependency to this component: "via" names what lies between
      const via = loc.path && loc.path.length > 1 ? loc.path.slice(0, -1) : [];
      return via.length ? `${loc.purl} (via ${via.join(' > ')})` : loc.purl;
    }
    case 'datamap':
      return `${loc.file}#${loc.pointer}`;
    case 'database': {
      // `public.orders`, `public.orders policy orders_read`, `public function f(integer)`, `role app`
      const base = loc.table ? `${loc.schema}.${loc.table}` : loc.schema;
      if (!loc.object) return base;
      const obj = `${loc.object.type} ${loc.object.name}`;
      return base ? `${base} ${obj}` : obj;
    }
  }
}
