/**
 * Words out of identifiers, and what a declared column type says about its values. Both are
 * plain character loops: names and types come from the scanned repository or database, so
 * nothing here may backtrack.
 */

/** Longer names are read only this far: PostgreSQL cuts identifiers at 63 bytes, and nothing real is longer. */
export const MAX_NAME_CHARS = 256;

const SEP = 0;
const LOWER = 1;
const UPPER = 2;
const DIGIT = 3;

function charKind(c: number): number {
  if (c >= 97 && c <= 122) return LOWER;
  if (c >= 65 && c <= 90) return UPPER;
  if (c >= 48 && c <= 57) return DIGIT;
  return SEP;
}

/**
 * Split an identifier into lower-case words: snake_case, kebab-case, dotted and spaced names,
 * camelCase and PascalCase (an acronym keeps together: `IPAddress` → ip, address), and runs of
 * digits apart from letters (`address1` → address, 1; `ipv4` → ipv, 4). Anything that is not an
 * ASCII letter or digit separates words.
 */
export function tokenise(name: string): string[] {
  const text = name.length > MAX_NAME_CHARS ? name.slice(0, MAX_NAME_CHARS) : name;
  const out: string[] = [];
  let start = -1;
  let prev = SEP;
  const flush = (end: number) => {
    if (start >= 0 && end > start) out.push(text.slice(start, end).toLowerCase());
    start = -1;
  };
  for (let i = 0; i < text.length; i++) {
    const kind = charKind(text.charCodeAt(i));
    if (kind === SEP) {
      flush(i);
      prev = SEP;
      continue;
    }
    if (start < 0) start = i;
    else if (kind === UPPER && prev === LOWER) {
      flush(i);
      start = i;
    } else if (kind === LOWER && prev === UPPER && i - start > 1) {
      // "IPAddress": the capital before the first lower-case letter starts the next word
      flush(i - 1);
      start = i - 1;
    } else if ((kind === DIGIT) !== (prev === DIGIT)) {
      flush(i);
      start = i;
    }
    prev = kind;
  }
  flush(text.length);
  return out;
}

/** What a column's declared type says its values are; `unknown` when no type is given or it names nothing known (an enum, a domain). */
export type TypeClass = 'bool' | 'time' | 'date' | 'number' | 'text' | 'uuid' | 'inet' | 'mac' | 'geo' | 'json' | 'binary' | 'unknown';

const TYPE_WORDS: ReadonlyMap<string, TypeClass> = new Map<string, TypeClass>([
  ['inet', 'inet'],
  ['macaddr', 'mac'],
  ['point', 'geo'],
  ['geography', 'geo'],
  ['geometry', 'geo'],
  ['bool', 'bool'],
  ['boolean', 'bool'],
  ['uuid', 'uuid'],
  ['timestamp', 'time'],
  ['timestamptz', 'time'],
  ['datetime', 'time'],
  ['datetime2', 'time'],
  ['time', 'time'],
  ['timetz', 'time'],
  ['interval', 'time'],
  ['date', 'date'],
  ['json', 'json'],
  ['jsonb', 'json'],
  ['hstore', 'json'],
  ['bytea', 'binary'],
  ['bytes', 'binary'],
  ['blob', 'binary'],
  ['binary', 'binary'],
  ['varbinary', 'binary'],
  ['buffer', 'binary'],
  ['int', 'number'],
  ['integer', 'number'],
  ['bigint', 'number'],
  ['smallint', 'number'],
  ['tinyint', 'number'],
  ['mediumint', 'number'],
  ['serial', 'number'],
  ['bigserial', 'number'],
  ['smallserial', 'number'],
  ['numeric', 'number'],
  ['decimal', 'number'],
  ['real', 'number'],
  ['float', 'number'],
  ['double', 'number'],
  ['money', 'number'],
  ['number', 'number'],
  ['text', 'text'],
  ['varchar', 'text'],
  ['char', 'text'],
  ['character', 'text'],
  ['bpchar', 'text'],
  ['nvarchar', 'text'],
  ['nchar', 'text'],
  ['citext', 'text'],
  ['string', 'text'],
  ['clob', 'text'],
  ['tinytext', 'text'],
  ['mediumtext', 'text'],
  ['longtext', 'text'],
]);

/** Which type word wins when a type names several (`String? @db.Inet`, `DateTime`, `timestamp with time zone`). */
const PRECEDENCE: readonly TypeClass[] = ['inet', 'mac', 'geo', 'bool', 'uuid', 'time', 'date', 'json', 'binary', 'number', 'text'];

/**
 * The class of a declared type as SQL, Prisma, Drizzle, TypeORM or TypeScript writes it:
 * `character varying(255)`, `String?`, `DateTime`, `timestamp`, `doublePrecision`, `Date`,
 * `tinyint(1)` (MySQL's boolean).
 */
export function typeClass(type: string | undefined): TypeClass {
  if (!type) return 'unknown';
  const words = tokenise(type);
  let best: TypeClass = 'unknown';
  let rank = PRECEDENCE.length;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    let c = TYPE_WORDS.get(w);
    if (w === 'tinyint' && words[i + 1] === '1') c = 'bool';
    // Prisma and TypeScript write `DateTime` / `Date`: with `time` beside it, it is a timestamp
    if (w === 'date' && words[i + 1] === 'time') c = 'time';
    if (c === undefined) continue;
    const r = PRECEDENCE.indexOf(c);
    if (r < rank) {
      rank = r;
      best = c;
    }
  }
  // TypeScript's `Date` holds a point in time, not a calendar date
  if (best === 'date' && /^Date\??$/.test(type.trim())) return 'time';
  return best;
}
