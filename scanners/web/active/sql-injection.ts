/**
 * 40018 SQL Injection, in ZAP's two cheap forms. Error-based: append a quote (or a bracket) and
 * look for a database's error message that the original page did not show. Boolean-based: send a
 * true and a false condition (`AND 1=1` / `AND 1=2`, with quotes for string parameters); the
 * value is injectable when the true one gives back the original page and the false one does not,
 * twice with different conditions (so a page that merely changes is not taken for one).
 */
import type { ActiveRule, AttackPoint, HttpClient, WebAlert } from '../types.js';
import { leftmost, regexFinder, sameLine, type Finder } from '../text-match.js';
import { type Sent, attackAlert, sendAttack, similarity, stripReflections } from './shared.js';

const ID = '40018';

/**
 * `Warning.*\b<end>` (case-insensitive), the drivers' PHP warnings: the greedy `.*` would rescan
 * the rest of the line at every "Warning" that fails (quadratic on a line of them); sameLine
 * gives the same match in one pass. No other alternative of these patterns starts with a W, so
 * splitting them off keeps the leftmost match.
 */
const warning = (...ends: string[]): Finder => sameLine(/Warning/gi, new RegExp(ends.map((e) => String.raw`.*\b${e}`).join('|'), 'iy'));

/** Error messages by database engine (the texts the drivers and engines print); each finder's comment is the regex it matches as. */
export const SQL_ERRORS: ReadonlyArray<{ db: string; find: Finder }> = [
  {
    db: 'SQLite',
    // /SQLITE_ERROR|SqliteError|SQLite\/JDBCDriver|SQLite\.Exception|System\.Data\.SQLite\.SQLiteException|Warning.*\bsqlite_|sqlite3\.OperationalError|unrecognized token: "[^"\n]*"|near "[^"\n]*": syntax error|SQL logic error/i
    find: leftmost(
      regexFinder(/SQLITE_ERROR|SqliteError|SQLite\/JDBCDriver|SQLite\.Exception|System\.Data\.SQLite\.SQLiteException|sqlite3\.OperationalError|unrecognized token: "[^"\n]*"|near "[^"\n]*": syntax error|SQL logic error/i),
      warning('sqlite_'),
    ),
  },
  {
    db: 'MySQL',
    // /You have an error in your SQL syntax|check the manual that (?:corresponds|fits) to your (?:MySQL|MariaDB) server version|Warning.*\bmysqli?_|MySqlException|MySqlClient\.|com\.mysql\.jdbc|valid MySQL result|Unknown column '[^'\n]+' in '[^'\n]+'/i
    find: leftmost(
      regexFinder(/You have an error in your SQL syntax|check the manual that (?:corresponds|fits) to your (?:MySQL|MariaDB) server version|MySqlException|MySqlClient\.|com\.mysql\.jdbc|valid MySQL result|Unknown column '[^'\n]+' in '[^'\n]+'/i),
      warning('mysqli?_'),
    ),
  },
  {
    db: 'PostgreSQL',
    // /PostgreSQL.{0,40}ERROR|Warning.*\bpg_|valid PostgreSQL result|Npgsql\.|PG::SyntaxError|org\.postgresql\.util\.PSQLException|ERROR:\s+syntax error at or near|unterminated quoted string at or near/i
    find: leftmost(
      regexFinder(/PostgreSQL.{0,40}ERROR|valid PostgreSQL result|Npgsql\.|PG::SyntaxError|org\.postgresql\.util\.PSQLException|ERROR:\s+syntax error at or near|unterminated quoted string at or near/i),
      warning('pg_'),
    ),
  },
  {
    db: 'Microsoft SQL Server',
    // /Unclosed quotation mark after the character string|Incorrect syntax near|System\.Data\.SqlClient\.SqlException|Microsoft\.Data\.SqlClient|com\.microsoft\.sqlserver\.jdbc|\bODBC SQL Server Driver|Microsoft OLE DB Provider for SQL Server|Warning.*\bmssql_|\bSQL Server[^<"\n]{0,40}Driver/i
    find: leftmost(
      regexFinder(/Unclosed quotation mark after the character string|Incorrect syntax near|System\.Data\.SqlClient\.SqlException|Microsoft\.Data\.SqlClient|com\.microsoft\.sqlserver\.jdbc|\bODBC SQL Server Driver|Microsoft OLE DB Provider for SQL Server|\bSQL Server[^<"\n]{0,40}Driver/i),
      warning('mssql_'),
    ),
  },
  {
    db: 'Oracle',
    // /\bORA-\d{5}\b|Oracle error|Oracle.{0,40}Driver|Warning.*\boci_|Warning.*\bora_|quoted string not properly terminated|oracle\.jdbc/i
    find: leftmost(
      regexFinder(/\bORA-\d{5}\b|Oracle error|Oracle.{0,40}Driver|quoted string not properly terminated|oracle\.jdbc/i),
      warning('oci_', 'ora_'),
    ),
  },
];

/** Suffixes that break the quoting or bracketing of a value put into SQL. */
const ERROR_SUFFIXES = ["'", '"', "')"];

/** Pairs of true/false conditions; each kind has a second pair to confirm the first. */
const NUMERIC_PAIRS: ReadonlyArray<[string, string][]> = [
  [
    [' AND 1=1', ' AND 1=2'],
    [' AND 5=5', ' AND 5=6'],
  ],
];
const STRING_PAIRS: ReadonlyArray<[string, string][]> = [
  [
    ["' AND '1'='1", "' AND '1'='2"],
    ["' AND 'a'='a", "' AND 'a'='b"],
  ],
  [
    ['" AND "1"="1', '" AND "1"="2'],
    ['" AND "a"="a', '" AND "a"="b'],
  ],
  [
    ["' AND 1=1 -- ", "' AND 1=2 -- "],
    ["' AND 5=5 -- ", "' AND 5=6 -- "],
  ],
];

/** At least this alike counts as "the same page" (room for a timestamp or a token). */
const SAME = 0.98;
/** Below this the false condition's page "differs significantly". */
const DIFFERENT = 0.9;

async function run(point: AttackPoint, client: HttpClient, signal?: AbortSignal): Promise<WebAlert[]> {
  const base = await sendAttack(client, point, point.value, {}, signal);
  if (!base) return [];
  const baseBody = base.res.body;

  for (const suffix of ERROR_SUFFIXES) {
    const payload = point.value + suffix;
    const sent = await sendAttack(client, point, payload, {}, signal);
    if (!sent) continue;
    for (const { db, find } of SQL_ERRORS) {
      const evidence = find(sent.res.body)?.text;
      if (evidence !== undefined && find(baseBody) === undefined) {
        return [attackAlert(ID, point, sent, payload, evidence, `The response shows a ${db} error after the value was changed to break its SQL quoting; the original response did not.`)];
      }
    }
  }

  // boolean tests need a page that is the same twice in a row
  const again = await sendAttack(client, point, point.value, {}, signal);
  if (!again || again.res.status !== base.res.status || similarity(baseBody, again.res.body) < SAME) return [];

  const numeric = /^-?\d+(?:\.\d+)?$/.test(point.value);
  const families = numeric ? [...NUMERIC_PAIRS, ...STRING_PAIRS] : STRING_PAIRS;
  for (const family of families) {
    let last: { sent: Sent; payload: string; evidence: string } | undefined;
    let confirmed = true;
    for (const [t, f] of family) {
      const r = await booleanPair(client, point, base, t, f, signal);
      if (!r) {
        confirmed = false;
        break;
      }
      last = r;
    }
    if (confirmed && last) {
      return [
        attackAlert(ID, point, last.sent, last.payload, last.evidence, 'Boolean-based: the true condition returned the original page and the false condition a different one, for two pairs of conditions.'),
      ];
    }
  }
  return [];
}

/** Send one true/false pair; the true attack when it behaves like a SQL condition, else null. */
async function booleanPair(
  client: HttpClient,
  point: AttackPoint,
  base: Sent,
  trueSuffix: string,
  falseSuffix: string,
  signal?: AbortSignal,
): Promise<{ sent: Sent; payload: string; evidence: string } | null> {
  const truePayload = point.value + trueSuffix;
  const yes = await sendAttack(client, point, truePayload, {}, signal);
  if (!yes || yes.res.status !== base.res.status) return null;
  const orig = stripReflections(base.res.body, [point.value]);
  const yesBody = stripReflections(yes.res.body, [truePayload, point.value]);
  if (similarity(orig, yesBody) < SAME) return null;
  const falsePayload = point.value + falseSuffix;
  const no = await sendAttack(client, point, falsePayload, {}, signal);
  if (!no) return null;
  const noBody = stripReflections(no.res.body, [falsePayload, point.value]);
  const differs = no.res.status !== yes.res.status || (similarity(yesBody, noBody) < DIFFERENT && similarity(orig, noBody) < DIFFERENT);
  return differs ? { sent: yes, payload: truePayload, evidence: firstDifference(yes.res.body, no.res.body) } : null;
}

/** Where the true page departs from the false one (the content the condition switched off). */
function firstDifference(a: string, b: string): string {
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  const start = Math.max(0, a.lastIndexOf('>', p) + 1, p - 40);
  return a.slice(start, start + 80).trim();
}

/** The SQL injection rule (ZAP 40018). */
export const sqlInjectionRule: ActiveRule = { id: ID, run };
