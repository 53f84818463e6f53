/**
 * Information a response gives away in its content: Unix timestamps (10096, informational),
 * private RFC 1918 addresses (2), error messages and stack traces (90022) and directory
 * listings (10033). These are per page, not per site: each page and evidence is reported once.
 */
import { isWordCode, leftmost, regexFinder, sameLine, sameRun, type Finder } from '../text-match.js';
import type { PassiveRule, WebAlert } from '../types.js';
import { firstTime, headerValues, isCss, isFont, isHtml, isImage, isJavaScript, isSuccess, makeAlert, urlOf } from './util.js';

// ---------- 10096 Timestamp Disclosure - Unix ----------

/** Headers that carry numbers which look like timestamps but are not disclosures (ZAP's list). */
const TIMESTAMP_IGNORED_HEADERS = new Set(['keep-alive', 'cache-control', 'etag', 'age', 'strict-transport-security', 'report-to', 'nel', 'expect-ct', 'ratelimit-reset', 'x-ratelimit-reset', 'x-rate-limit-reset']);

/** Ten digits from 1,000,000,000 (2001) to 2,299,999,999; never followed by `%`. */
const TIMESTAMP_RE = /\b(?:1\d|2[0-2])\d{8}\b(?!%)/g;

const Y2038 = 2147483647;
const TEN_YEARS_S = 10 * 365.25 * 24 * 3600;
/** Distinct timestamps reported per response: a large JSON dump would otherwise flood the report with one informational alert per row. */
const MAX_TIMESTAMPS_PER_RESPONSE = 20;

/** True when `seconds` is within ten years of `nowS` (and before 2038), ZAP's "plausible" window. */
export function plausibleTimestamp(seconds: number, nowS = Date.now() / 1000): boolean {
  return seconds >= nowS - TEN_YEARS_S && seconds <= Math.min(Y2038, nowS + TEN_YEARS_S);
}

export const timestampDisclosure: PassiveRule = {
  id: '10096',
  check(ex, ctx) {
    if (isFont(ex) || isImage(ex)) return [];
    const headerText = Object.keys(ex.response.headers)
      .filter((h) => !TIMESTAMP_IGNORED_HEADERS.has(h))
      .flatMap((h) => headerValues(ex, h).map((v) => `${h}: ${v}`))
      .join('\n');
    const out: WebAlert[] = [];
    const found = new Set<string>();
    for (const hay of [headerText, ex.response.body]) {
      for (const m of hay.matchAll(TIMESTAMP_RE)) {
        const ev = m[0];
        if (found.has(ev) || !plausibleTimestamp(Number(ev))) continue;
        found.add(ev);
        if (!firstTime(ctx, `10096|${urlOf(ex)}|${ev}`)) continue;
        const when = new Date(Number(ev) * 1000).toISOString().replace('T', ' ').slice(0, 19);
        out.push(makeAlert(ex, '10096', { evidence: ev, otherInfo: `${ev}, which evaluates to: ${when} UTC.` }));
        if (found.size >= MAX_TIMESTAMPS_PER_RESPONSE) return out;
      }
    }
    return out;
  },
};

// ---------- 2 Private IP Disclosure ----------

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
/** RFC 1918 ranges, not glued to a longer dotted number (version strings), optionally with a port; and EC2's ip-10-0-0-1 host names. */
const PRIVATE_IP_RE = new RegExp(
  `(?<![\\w.])(?:10\\.${OCTET}\\.${OCTET}\\.${OCTET}|172\\.(?:1[6-9]|2\\d|3[01])\\.${OCTET}\\.${OCTET}|192\\.168\\.${OCTET}\\.${OCTET})(?::\\d{1,5})?(?![\\w]|\\.\\d)` +
    `|\\bip-(?:10-${OCTET}-${OCTET}-${OCTET}|172-(?:1[6-9]|2\\d|3[01])-${OCTET}-${OCTET}|192-168-${OCTET}-${OCTET})\\b`,
  'g',
);

export const privateIpDisclosure: PassiveRule = {
  id: '2',
  check(ex, ctx) {
    if (isFont(ex) || isImage(ex)) return [];
    let host = '';
    try {
      host = new URL(urlOf(ex)).hostname;
    } catch {
      // keep '' — every match then counts
    }
    const found = [...new Set([...ex.response.body.matchAll(PRIVATE_IP_RE)].map((m) => m[0]))]
      // a page of the internal host naming itself discloses nothing new
      .filter((ip) => ip.split(':')[0] !== host);
    if (found.length === 0 || !firstTime(ctx, `2|${urlOf(ex)}`)) return [];
    return [makeAlert(ex, '2', { evidence: found[0]!, otherInfo: found.join('\n') })];
  },
};

// ---------- 90022 Application Error Disclosure ----------

/** `[\w.]`: the characters of a Java or .NET class name. */
const isClassNameCode = (c: number): boolean => c === 0x2e || isWordCode(c);

/**
 * `^\s*at ` under the `m` flag, but `^` only at the first line start of a run of blank lines:
 * every line start in the run would scan the whole run again (quadratic on a body of newlines).
 * The first start reaches the same `at` and is the leftmost, so the match is the one the plain
 * `^\s*` gives; the lookbehind rules the others out looking back over one line's blanks only.
 */
const AT_LINE = String.raw`^(?<![\n\r\u2028\u2029][^\S\n\r\u2028\u2029]*[\n\r\u2028\u2029])\s*at `;

/**
 * Error and stack-trace texts of common stacks; the label goes into Other Info. Each finder gives
 * the match of the regex in its comment, in time linear in the body (see ../text-match.ts).
 */
export const ERROR_PATTERNS: { label: string; find: Finder }[] = [
  { label: 'Python traceback', find: regexFinder(/Traceback \(most recent call last\)/) },
  {
    label: 'Node.js stack trace',
    // /\bat Object\.<anonymous> \(|^\s*at (?:[\w$.<>[\] ]+ \()?(?:\/|[A-Za-z]:\\|node:|file:\/\/)[^\s)]+:\d+:\d+\)?\s*$/m
    find: regexFinder(new RegExp(String.raw`\bat Object\.<anonymous> \(|${AT_LINE}(?:[\w$.<>[\] ]+ \()?(?:\/|[A-Za-z]:\\|node:|file:\/\/)[^\s)]+:\d+:\d+\)?\s*$`, 'm')),
  },
  {
    label: 'Node.js error',
    // /\b(?:TypeError|ReferenceError|SyntaxError|RangeError): .+\n\s+at /m
    find: sameLine(/\b(?:TypeError|ReferenceError|SyntaxError|RangeError): /g, /.+\n\s+at /y),
  },
  { label: 'SQLite error', find: regexFinder(/SQLITE_(?:ERROR|CONSTRAINT|MISMATCH)|sqlite3\.(?:OperationalError|IntegrityError)|SQLiteException|SQLite3::|near "[^"]*": syntax error/) },
  {
    label: 'MySQL error',
    // /You have an error in your SQL syntax|Warning: mysqli?_|mysqli?_[a-z_]+\(\)|MySqlException|com\.mysql\.jdbc|ER_PARSE_ERROR|ER_BAD_FIELD_ERROR/
    find: leftmost(
      regexFinder(/You have an error in your SQL syntax|Warning: mysqli?_|MySqlException|com\.mysql\.jdbc|ER_PARSE_ERROR|ER_BAD_FIELD_ERROR/),
      // `[a-z_]+` reads to the end of its run, where `()` must follow; starts inside the run share that end
      sameRun(/mysqli?_/g, /[a-z_]+\(\)/y, isLowerOrUnderscore),
    ),
  },
  { label: 'PostgreSQL error', find: regexFinder(/PostgreSQL query failed|pg_query\(\)|org\.postgresql\.util\.PSQLException|ERROR:\s+syntax error at or near|unterminated quoted string at or near|Npgsql\.PostgresException/) },
  { label: 'Microsoft SQL Server error', find: regexFinder(/Microsoft OLE DB Provider for SQL Server|Unclosed quotation mark after the character string|System\.Data\.SqlClient\.SqlException/) },
  {
    label: 'Java exception',
    // /\b(?:java|javax|jakarta)\.[\w.]+(?:Exception|Error)\b|^\s*at [\w$.]+\([\w$]+\.java:\d+\)/m
    find: leftmost(
      sameRun(/\b(?:java|javax|jakarta)\./g, /[\w.]+(?:Exception|Error)\b/y, isClassNameCode),
      regexFinder(new RegExp(String.raw`${AT_LINE}[\w$.]+\([\w$]+\.java:\d+\)`, 'm')),
    ),
  },
  {
    label: '.NET exception',
    // /Server Error in '[^']*' Application|\bSystem\.[\w.]+Exception\b|ASP\.NET is configured to show verbose error messages/
    find: leftmost(
      regexFinder(/Server Error in '[^']*' Application|ASP\.NET is configured to show verbose error messages/),
      sameRun(/\bSystem\./g, /[\w.]+Exception\b/y, isClassNameCode),
    ),
  },
  { label: 'PHP error', find: regexFinder(/<b>(?:Fatal error|Parse error|Warning)<\/b>:\s|PHP (?:Fatal|Parse) error:/) },
  { label: 'Ruby on Rails error', find: regexFinder(/ActionController::RoutingError|ActiveRecord::\w+Error/) },
];

function isLowerOrUnderscore(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

/** The first error pattern the text matches: its label and the matched text. */
export function findErrorText(text: string): { label: string; evidence: string } | undefined {
  for (const p of ERROR_PATTERNS) {
    const m = p.find(text);
    if (m) return { label: p.label, evidence: m.text.trim() };
  }
  return undefined;
}

export const applicationErrorDisclosure: PassiveRule = {
  id: '90022',
  check(ex, ctx) {
    // scripts and styles legitimately contain such strings; ZAP only looks at them at LOW threshold
    if (isJavaScript(ex) || isCss(ex) || isFont(ex) || isImage(ex)) return [];
    const hit = findErrorText(ex.response.body);
    if (hit) {
      if (!firstTime(ctx, `90022|${urlOf(ex)}`)) return [];
      return [makeAlert(ex, '90022', { evidence: hit.evidence, otherInfo: `${hit.label} in the response.` })];
    }
    if (ex.response.status === 500) {
      if (!firstTime(ctx, `90022|${urlOf(ex)}`)) return [];
      return [makeAlert(ex, '90022', { risk: 1, evidence: `HTTP/1.1 500 Internal Server Error`, otherInfo: 'The server answered 500 Internal Server Error; no stack trace was recognised in the body.' })];
    }
    return [];
  },
};

// ---------- 10033 Directory Browsing ----------

/**
 * `re`, which ends in `[\s\S]*?(?:tail)`, on the text up to the end of the last `tail`: a start
 * with no tail after it fails either way, but in the whole text each such start would scan to the
 * end of the page (quadratic on a page of `<title>Index of x</title>`). Every place a tail
 * matches is looked at, overlapping ones too, so the cut never splits one.
 */
function untilLastTail(re: RegExp, tail: RegExp): Finder {
  const find = regexFinder(re);
  return (text) => {
    const t = new RegExp(tail.source, `${tail.flags}g`);
    let cut = -1;
    for (let m = t.exec(text); m; m = t.exec(text)) {
      cut = Math.max(cut, m.index + m[0].length);
      t.lastIndex = m.index + 1;
    }
    return cut < 0 ? undefined : find(text.slice(0, cut));
  };
}

/** Listing markup of common servers; the label goes into Other Info. */
export const LISTING_PATTERNS: { label: string; find: Finder }[] = [
  { label: 'nginx autoindex', find: regexFinder(/<h1>Index of [^<]*<\/h1>\s*<hr>\s*<pre>\s*<a href="\.\.\/">\.\.\/<\/a>/i) },
  { label: 'Apache mod_autoindex', find: untilLastTail(/<title>Index of [^<]*<\/title>[\s\S]*?(?:>Parent Directory<\/a>|<address>Apache)/i, />Parent Directory<\/a>|<address>Apache/i) },
  { label: 'http-server', find: untilLastTail(/<title>Index of [^<]*<\/title>[\s\S]*?<td class="display-name">/i, /<td class="display-name">/i) },
  { label: 'serve-index', find: untilLastTail(/<title>listing directory [^<]*<\/title>[\s\S]*?<ul id="files"/i, /<ul id="files"/i) },
  { label: 'IIS', find: regexFinder(/<pre><a href="[^"]*">\[To Parent Directory\]<\/a>/i) },
  { label: 'directory listing', find: regexFinder(/<title>Index of \/[^<]*<\/title>/i) },
];

export const directoryBrowsing: PassiveRule = {
  id: '10033',
  check(ex, ctx) {
    if (!isHtml(ex) || !isSuccess(ex)) return [];
    for (const p of LISTING_PATTERNS) {
      const m = p.find(ex.response.body);
      if (!m) continue;
      if (!firstTime(ctx, `10033|${urlOf(ex)}`)) return [];
      const ev = m.text.length > 200 ? (/<title>[^<]*<\/title>|<h1>[^<]*<\/h1>/i.exec(m.text)?.[0] ?? m.text.slice(0, 200)) : m.text;
      return [makeAlert(ex, '10033', { evidence: ev, otherInfo: `Listing markup of ${p.label}.` })];
    }
    return [];
  },
};

export const DISCLOSURE_RULES: PassiveRule[] = [timestampDisclosure, privateIpDisclosure, applicationErrorDisclosure, directoryBrowsing];

