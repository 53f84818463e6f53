/**
 * The linear rewrites of issue 10 give what the regexes they replaced gave: same matches, same
 * text, same parse. Each reference below is the old pattern (or the old code around it), run on
 * short random texts made of the pieces that pattern cares about, where its backtracking costs
 * nothing. So every rule's findings stay what they were.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMAND_OUTPUT } from '../../../scanners/web/active/command-injection.js';
import { SQL_ERRORS } from '../../../scanners/web/active/sql-injection.js';
import { normalizeUrl, robotsSeeds, sitemapLocs } from '../../../scanners/web/crawler.js';
import { isSpaceCode, readStartTag, refreshUrlPart, tokenize, type HtmlToken } from '../../../scanners/web/html.js';
import { ERROR_PATTERNS, LISTING_PATTERNS } from '../../../scanners/web/passive/disclosure.js';
import { formsOf } from '../../../scanners/web/passive/html-content.js';
import { findTags, stripComments } from '../../../scanners/web/passive/util.js';
import { splitRuleLine } from '../../../scanners/web/rules-config.js';
import type { Finder } from '../../../scanners/web/text-match.js';

const RUNS = 3000;

/** Texts of up to `max` pieces. */
const textOf = (pieces: string[], max = 30) => fc.array(fc.constantFrom(...pieces), { maxLength: max }).map((a) => a.join(''));

function sameAsRegex(find: Finder, re: RegExp, text: string): void {
  const want = re.exec(text);
  const got = find(text);
  expect(got ? [got.index, got.text] : null, `${re} on ${JSON.stringify(text)}`).toEqual(want ? [want.index, want[0]] : null);
}

describe('90022: the error patterns', () => {
  const OLD: Record<string, RegExp> = {
    'Python traceback': /Traceback \(most recent call last\)/,
    'Node.js stack trace': /\bat Object\.<anonymous> \(|^\s*at (?:[\w$.<>[\] ]+ \()?(?:\/|[A-Za-z]:\\|node:|file:\/\/)[^\s)]+:\d+:\d+\)?\s*$/m,
    'Node.js error': /\b(?:TypeError|ReferenceError|SyntaxError|RangeError): .+\n\s+at /m,
    'SQLite error': /SQLITE_(?:ERROR|CONSTRAINT|MISMATCH)|sqlite3\.(?:OperationalError|IntegrityError)|SQLiteException|SQLite3::|near "[^"]*": syntax error/,
    'MySQL error': /You have an error in your SQL syntax|Warning: mysqli?_|mysqli?_[a-z_]+\(\)|MySqlException|com\.mysql\.jdbc|ER_PARSE_ERROR|ER_BAD_FIELD_ERROR/,
    'PostgreSQL error': /PostgreSQL query failed|pg_query\(\)|org\.postgresql\.util\.PSQLException|ERROR:\s+syntax error at or near|unterminated quoted string at or near|Npgsql\.PostgresException/,
    'Microsoft SQL Server error': /Microsoft OLE DB Provider for SQL Server|Unclosed quotation mark after the character string|System\.Data\.SqlClient\.SqlException/,
    'Java exception': /\b(?:java|javax|jakarta)\.[\w.]+(?:Exception|Error)\b|^\s*at [\w$.]+\([\w$]+\.java:\d+\)/m,
    '.NET exception': /Server Error in '[^']*' Application|\bSystem\.[\w.]+Exception\b|ASP\.NET is configured to show verbose error messages/,
    'PHP error': /<b>(?:Fatal error|Parse error|Warning)<\/b>:\s|PHP (?:Fatal|Parse) error:/,
    'Ruby on Rails error': /ActionController::RoutingError|ActiveRecord::\w+Error/,
  };
  const text = textOf([
    'at ', 'at', ' ', '\t', '\n', '\r', '\r\n', '\u2028', '\u00a0', '/', 'a', ':', '1', ')', '(', 'Object.<anonymous> (', 'node:', 'file://', 'C:\\', 'x.js',
    'java.', 'javax.', 'jakarta.', 'Exception', 'Error', '.', '$', 'X.java:12)', 'System.', 'mysqli_', 'mysql_', '()', 'q_', 'TypeError: ', 'RangeError: ',
    "Server Error in '", "' Application", '<', '>', '[', ']', 'Warning: mysqli_',
  ]);

  it('cover every pattern', () => {
    expect(ERROR_PATTERNS.map((p) => p.label)).toEqual(Object.keys(OLD));
  });

  it('match where the old regexes matched', () => {
    fc.assert(fc.property(text, (t) => {
      for (const p of ERROR_PATTERNS) sameAsRegex(p.find, OLD[p.label]!, t);
    }), { numRuns: RUNS * 3 });
  });

  it('keep their answers on texts from real stacks', () => {
    const traces = [
      'TypeError: Cannot read properties of undefined\n    at Object.<anonymous> (/srv/app/index.js:10:5)\n    at node:internal/main:1:1',
      '\n\n  \nat /srv/a.js:1:2\n',
      'Exception in thread "main" java.lang.NullPointerException\n\tat com.example.App.main(App.java:14)',
      'System.InvalidOperationException: x\n   at Foo.Bar()',
      "Warning: mysqli_query(): (42000/1064): x\nmysql_fetch_array() expects",
    ];
    for (const t of traces) for (const p of ERROR_PATTERNS) sameAsRegex(p.find, OLD[p.label]!, t);
  });
});

describe('10033: the listing patterns', () => {
  const OLD = [
    /<h1>Index of [^<]*<\/h1>\s*<hr>\s*<pre>\s*<a href="\.\.\/">\.\.\/<\/a>/i,
    /<title>Index of [^<]*<\/title>[\s\S]*?(?:>Parent Directory<\/a>|<address>Apache)/i,
    /<title>Index of [^<]*<\/title>[\s\S]*?<td class="display-name">/i,
    /<title>listing directory [^<]*<\/title>[\s\S]*?<ul id="files"/i,
    /<pre><a href="[^"]*">\[To Parent Directory\]<\/a>/i,
    /<title>Index of \/[^<]*<\/title>/i,
  ];
  it('match where the old regexes matched', () => {
    const text = textOf([
      '<title>Index of ', '<TITLE>index of /', '</title>', '<title>listing directory ', '<h1>Index of ', '</h1>', '<hr>', '<pre>', '<a href="../">../</a>',
      '>Parent Directory</a>', '>Parent Directory</a', '<address>Apache', '<td class="display-name">', '<ul id="files"', '<pre><a href="',
      '">[To Parent Directory]</a>', ' ', '\n', 'x', '<', '>',
    ]);
    fc.assert(fc.property(text, (t) => {
      LISTING_PATTERNS.forEach((p, i) => sameAsRegex(p.find, OLD[i]!, t));
    }), { numRuns: RUNS * 3 });
  });
});

describe('40018 and 90020: the active rules evidence', () => {
  const OLD_SQL = [
    /SQLITE_ERROR|SqliteError|SQLite\/JDBCDriver|SQLite\.Exception|System\.Data\.SQLite\.SQLiteException|Warning.*\bsqlite_|sqlite3\.OperationalError|unrecognized token: "[^"\n]*"|near "[^"\n]*": syntax error|SQL logic error/i,
    /You have an error in your SQL syntax|check the manual that (?:corresponds|fits) to your (?:MySQL|MariaDB) server version|Warning.*\bmysqli?_|MySqlException|MySqlClient\.|com\.mysql\.jdbc|valid MySQL result|Unknown column '[^'\n]+' in '[^'\n]+'/i,
    /PostgreSQL.{0,40}ERROR|Warning.*\bpg_|valid PostgreSQL result|Npgsql\.|PG::SyntaxError|org\.postgresql\.util\.PSQLException|ERROR:\s+syntax error at or near|unterminated quoted string at or near/i,
    /Unclosed quotation mark after the character string|Incorrect syntax near|System\.Data\.SqlClient\.SqlException|Microsoft\.Data\.SqlClient|com\.microsoft\.sqlserver\.jdbc|\bODBC SQL Server Driver|Microsoft OLE DB Provider for SQL Server|Warning.*\bmssql_|\bSQL Server[^<"\n]{0,40}Driver/i,
    /\bORA-\d{5}\b|Oracle error|Oracle.{0,40}Driver|Warning.*\boci_|Warning.*\bora_|quoted string not properly terminated|oracle\.jdbc/i,
  ];
  it('SQL error texts match where the old regexes matched', () => {
    const text = textOf([
      'Warning', 'WARNING: ', ' ', '\n', '\r', '\u2029', 'sqlite_', 'mysql_', 'mysqli_', 'pg_', 'mssql_', 'oci_', 'ora_', 'a', '_', 'x', 'ORA-12345',
      'Oracle', 'Driver', 'PostgreSQL', 'ERROR', 'SQL Server', 'near "', '": syntax error',
    ]);
    fc.assert(fc.property(text, (t) => {
      SQL_ERRORS.forEach((e, i) => sameAsRegex(e.find, OLD_SQL[i]!, t));
    }), { numRuns: RUNS * 3 });
  });

  it('the id output matches where the old regex matched', () => {
    const text = textOf(['uid=', '1', '0', '(', ')', 'root', ' ', '\t', '\n', '\r', 'gid=', 'x', ',']);
    fc.assert(fc.property(text, (t) => {
      sameAsRegex(COMMAND_OUTPUT.id, /uid=\d+\([^)\r\n]*\)\s+gid=\d+/, t);
    }), { numRuns: RUNS * 3 });
    sameAsRegex(COMMAND_OUTPUT.id, /uid=\d+\([^)\r\n]*\)\s+gid=\d+/, 'uid=33(www-data) gid=33(www-data) groups=33(www-data)');
  });
});

describe('passive helpers', () => {
  it('stripComments blanks what the old replace blanked', () => {
    const text = textOf(['<!--', '-->', '<!-->', '-', '>', 'a', '<', '!', '\n']);
    fc.assert(fc.property(text, (t) => {
      expect(stripComments(t)).toBe(t.replace(/<!--[\s\S]*?-->/g, (m) => ' '.repeat(m.length)));
    }), { numRuns: RUNS });
  });

  it('formsOf reads the forms the old regex read', () => {
    const oldFormsOf = (html: string) => {
      const clean = html.replace(/<!--[\s\S]*?-->/g, (m) => ' '.repeat(m.length));
      const out: ReturnType<typeof formsOf> = [];
      for (const m of clean.matchAll(/<form(?=[\s>])(?:[^>"']|"[^"]*"|'[^']*')*>([\s\S]*?)(?:<\/form\s*>|(?=<form[\s>])|$)/gi)) {
        const start = findTags(m[0], ['form'])[0];
        if (!start) continue;
        const inputs = findTags(m[1] ?? '', ['input', 'button', 'select', 'textarea'])
          .map((t) => ({ name: t.attrs['name'] ?? '', type: (t.attrs['type'] ?? (t.tag === 'input' ? 'text' : t.tag)).toLowerCase() }))
          .filter((i) => i.name);
        out.push({ tag: start.text, method: (start.attrs['method'] ?? 'get').toLowerCase(), action: start.attrs['action'] ?? '', id: start.attrs['id'] ?? start.attrs['name'] ?? '', inputs });
      }
      return out;
    };
    const text = textOf(['<form', '<FORM', ' ', '>', '"', "'", '=', 'method=post', 'a', '</form>', '</form >', '<input name=', 'x', '<!--', '-->', '\n', '<', '/']);
    fc.assert(fc.property(text, (t) => {
      expect(formsOf(t)).toEqual(oldFormsOf(t));
    }), { numRuns: RUNS * 3 });
  });
});

describe('html.ts', () => {
  it('isSpaceCode is \\s for every UTF-16 unit', () => {
    for (let c = 0; c <= 0xffff; c++) expect(isSpaceCode(c), `U+${c.toString(16)}`).toBe(/\s/.test(String.fromCharCode(c)));
  });

  it('tokenize reads what it read when `<!…>`, `<?…>` and end tags each searched for their `>`', () => {
    const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'noembed', 'noframes']);
    const isNameStart = (c: string | undefined) => c !== undefined && /^[a-z]$/i.test(c);
    const old = (html: string): HtmlToken[] => {
      const out: HtmlToken[] = [];
      const n = html.length;
      let i = 0;
      while (i < n) {
        const lt = html.indexOf('<', i);
        if (lt < 0) break;
        if (html.startsWith('<!--', lt)) {
          const close = html.indexOf('-->', lt + 4);
          out.push({ kind: 'comment', text: html.slice(lt + 4, close < 0 ? n : close), start: lt });
          i = close < 0 ? n : close + 3;
          continue;
        }
        const next = html[lt + 1];
        if (next === '!' || next === '?') {
          const gt = html.indexOf('>', lt + 2);
          i = gt < 0 ? n : gt + 1;
          continue;
        }
        if (next === '/') {
          if (!isNameStart(html[lt + 2])) {
            i = lt + 2;
            continue;
          }
          const m = /^[^\s/>]+/.exec(html.slice(lt + 2, lt + 2 + 64));
          const gt = html.indexOf('>', lt + 2);
          out.push({ kind: 'end', name: (m?.[0] ?? '').toLowerCase(), start: lt });
          i = gt < 0 ? n : gt + 1;
          continue;
        }
        if (!isNameStart(next)) {
          i = lt + 1;
          continue;
        }
        const tag = readStartTag(html, lt);
        out.push(tag);
        i = tag.end;
        if (RAW_TEXT.has(tag.name)) {
          const closeRe = new RegExp(`</${tag.name}(?=[\\s/>]|$)`, 'ig');
          closeRe.lastIndex = tag.end;
          const cm = closeRe.exec(html);
          const stop = cm ? cm.index : n;
          tag.text = html.slice(tag.end, stop);
          if (cm) {
            const gt = html.indexOf('>', stop);
            out.push({ kind: 'end', name: tag.name, start: stop });
            i = gt < 0 ? n : gt + 1;
          } else {
            i = n;
          }
        }
      }
      return out;
    };
    const text = textOf([
      '<', '>', '!', '?', '/', '<!', '<?', '</', '<!--', '-->', '<!-->', '-', 'a', 'B', ' ', '\n', '"', "'", '=', 'x', '1',
      '<a href="x">', '</a>', '</A >', '<script>', '</script>', '<title>', '</title', '<!doctype html>', '\u2028',
    ]);
    fc.assert(fc.property(text, (t) => {
      expect(tokenize(t)).toEqual(old(t));
    }), { numRuns: RUNS * 3 });
  });

  it('refreshUrlPart captures what the old regex captured', () => {
    const re = /^\s*[\d.]*\s*[;,]?\s*(?:url\s*=\s*)?(.*)$/i;
    const text = textOf([' ', '\t', '\n', '\r', '\u2028', '\u00a0', '1', '.', ';', ',', 'url', 'URL', '=', 'x', '"', "'", '/a']);
    fc.assert(fc.property(text, (t) => {
      expect(refreshUrlPart(t)).toBe(re.exec(t)?.[1] ?? '');
    }), { numRuns: RUNS * 3 });
  });
});

describe('crawler.ts', () => {
  it('robotsSeeds reads the lines the old regexes read', () => {
    const old = (text: string, origin: string) => {
      const out: Array<{ url: string; sitemap: boolean }> = [];
      for (const rawLine of text.split(/\r?\n|\r/)) {
        const line = rawLine.replace(/#.*$/, '').trim();
        const m = /^(allow|disallow|sitemap)\s*:\s*(.*)$/i.exec(line);
        if (!m?.[1] || m[2] === undefined) continue;
        const value = m[2].trim();
        if (m[1].toLowerCase() === 'sitemap') {
          const u = normalizeUrl(value, `${origin}/`);
          if (u) out.push({ url: u, sitemap: true });
          continue;
        }
        const path = value.replace(/[*$].*$/, '');
        if (!path.startsWith('/')) continue;
        const u = normalizeUrl(path, `${origin}/`);
        if (u) out.push({ url: u, sitemap: false });
      }
      return out;
    };
    const text = textOf(['allow', 'Disallow', 'sitemap', ':', ' ', '\t', '\n', '\r', '\r\n', '\u2028', '#', '*', '$', '/a', '/', 'http://h/s.xml', 'x']);
    fc.assert(fc.property(text, (t) => {
      expect(robotsSeeds(t, 'http://h')).toEqual(old(t, 'http://h'));
    }), { numRuns: RUNS * 3 });
  });

  it('sitemapLocs reads the locs the old regex read', () => {
    const old = (xml: string) => {
      const re = /<(?:\w+:)?loc\s*>\s*(?:<!\[CDATA\[)?\s*([^<\]]*?)\s*(?:\]\]>)?\s*<\/(?:\w+:)?loc\s*>/gi;
      const locs: string[] = [];
      for (let m = re.exec(xml); m; m = re.exec(xml)) {
        const v = (m[1] ?? '').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'");
        if (v) locs.push(v);
      }
      return { locs, index: /<(?:\w+:)?sitemapindex[\s>]/i.test(xml) };
    };
    const text = textOf(['<loc>', '</loc>', '<sm:loc >', '</sm:loc\n>', '<LOC>', '<![CDATA[', '<![cdata[', ']]>', ']', '<', ' ', '\n', 'http://h/a', '&amp;', 'x', ':', '<a']);
    fc.assert(fc.property(text, (t) => {
      expect(sitemapLocs(t)).toEqual(old(t));
    }), { numRuns: RUNS * 3 });
  });
});

describe('rules-config.ts', () => {
  it('splitRuleLine splits as the old regex did', () => {
    const re = /^(\S+)[\t ]+(\S+)(?:[\t ]+(.*))?$/;
    const text = textOf(['10020', '\t', ' ', 'IGNORE', 'x', '\r', '\u2028', '\u00a0', 'OUTOFSCOPE', '*', '.*'], 12);
    fc.assert(fc.property(text, (t) => {
      const line = t.trim();
      const m = re.exec(line);
      expect(splitRuleLine(line)).toEqual(m ? { id: m[1], action: m[2], rest: m[3] ?? '' } : undefined);
    }), { numRuns: RUNS * 3 });
  });
});
