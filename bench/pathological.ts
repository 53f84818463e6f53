/**
 * Texts a hostile target can send to make a backtracking regex take quadratic (or worse) time:
 * long runs of what one quantifier takes and the next one may take too, prefixes repeated so that
 * a pattern starts again and again and fails at the end, brackets and tags that never close.
 * bench/regex.ts times every passive web rule and parser on them at the web client's body cap;
 * test/unit/web/regex-linear.test.ts checks that each run ends.
 */
import { plainMessage } from '../scanners/import/sarif-resolve.js';
import { isNpmRegistryTarball } from '../scanners/deps/sbom/npm-spec.js';
import { parseHead } from '../scanners/tls/probe.js';
import { COMMAND_OUTPUT } from '../scanners/web/active/command-injection.js';
import { htmlContextAt } from '../scanners/web/active/html-context.js';
import { SQL_ERRORS } from '../scanners/web/active/sql-injection.js';
import { robotsSeeds, sitemapLocs } from '../scanners/web/crawler.js';
import {
  decodeEntities, extractComments, extractForms, extractInlineScripts, extractLinks, extractMetaCharset, extractMetaRefresh,
  extractScripts, extractStylesheets, tokenize,
} from '../scanners/web/html.js';
import { decodeBody } from '../scanners/web/http-client.js';
import { formsOf } from '../scanners/web/passive/html-content.js';
import { stripComments } from '../scanners/web/passive/util.js';
import { parseRulesConfig } from '../scanners/web/rules-config.js';
import type { Exchange } from '../scanners/web/types.js';
import { matchesGlob } from '../src/gate/glob.js';
import { purlCovers } from '../src/gate/vex.js';

/** A body made of `unit` repeated to `size` characters (cut to size), after an optional `head`. */
export function fill(unit: string, size: number, head = '', tail = ''): string {
  const room = Math.max(0, size - head.length - tail.length);
  return head + unit.repeat(Math.ceil(room / unit.length)).slice(0, room) + tail;
}

/** The repeated units: each one is the worst case of some pattern a rule or parser ran (or runs). */
export const PATHOLOGICAL_UNITS: ReadonlyArray<{ name: string; unit: string; head?: string; tail?: string }> = [
  // whitespace runs: `^\s*at` under /m, `\s*…\s*` pairs, `.+\n\s+at`
  { name: 'newlines', unit: '\n' },
  { name: 'CRLFs', unit: '\r\n' },
  { name: 'spaces', unit: ' ' },
  { name: 'tabs', unit: '\t' },
  { name: 'blank lines with indent', unit: '    \n' },
  { name: 'mixed whitespace', unit: ' \t\r\n\u00a0\u2028' },
  { name: 'spaces then a break', unit: ' ', tail: 'x\ny' },
  // repeated starts of error texts (90022, 40018, 90020)
  { name: '"at at at "', unit: 'at ' },
  { name: 'indented "at " lines', unit: '\n    at ' },
  { name: '"at /" and colons', unit: 'at /a:1:', head: '\n' },
  { name: 'Exception in thread', unit: 'Exception in thread ' },
  { name: '"java." runs', unit: 'java.' },
  { name: '"System." runs', unit: 'System.' },
  { name: 'class name without suffix', unit: 'a', head: 'java.lang.' },
  { name: '"mysqli_" runs', unit: 'mysqli_' },
  { name: '"Warning " on one line', unit: 'Warning ' },
  { name: '"TypeError: " on one line', unit: 'TypeError: ' },
  { name: '"uid=1(" on one line', unit: 'uid=1(' },
  { name: 'Traceback fragments', unit: 'Traceback (most recent call ' },
  { name: 'near " unclosed', unit: 'near "' },
  // markup that repeats or never closes (tokenizer, forms, comments, listings, meta refresh)
  { name: '<script repeated', unit: '<script' },
  { name: '<script> repeated', unit: '<script>' },
  { name: '<!-- repeated', unit: '<!--' },
  { name: '<a href=" repeated', unit: '<a href="' },
  { name: '<form repeated', unit: '<form ' },
  { name: '<form with open quote', unit: '<form a="' },
  { name: 'forms that never end', unit: '<form><input name=a>' },
  { name: 'listing titles', unit: '<title>Index of x</title>' },
  { name: 'nested (((( ', unit: '(' },
  { name: 'nested [[[[', unit: '[' },
  { name: 'nested {{{{', unit: '{' },
  { name: 'nested <<<<', unit: '<' },
  // `<` with no `>` after it, once the tokenizer has read `<!…>` and end tags: with its search for
  // `>` written twice, the optimized tokenizer ran it at every `<` (a generated body ran for minutes)
  { name: '<<<< after <!…> and end tags', unit: '<', head: '<!x></a>'.repeat(2000) },
  { name: 'line separators and < after an HTTP head', unit: '\u2028<', head: 'HTTP/1.1 500\n' },
  { name: 'unclosed tag', unit: 'b', head: '<a ' },
  { name: 'unclosed quote', unit: 'x', head: '<a href="' },
  { name: 'long attribute value', unit: 'x', head: '<a href="', tail: '">' },
  { name: 'meta refresh of spaces', unit: ' ', head: '<meta http-equiv="refresh" content="', tail: 'x\ny">' },
  { name: 'meta charset runs', unit: 'charset ', head: '<meta http-equiv="content-type" content="' },
  { name: 'sitemap <loc> of spaces', unit: ' ', head: '<loc>' },
  { name: 'script src of version digits', unit: '1.', head: '<script src="/jquery-' },
  { name: 'entities', unit: '&#x' },
  { name: 'equals signs', unit: '=' },
  { name: 'quotes', unit: '"' },
  { name: 'slashes then x', unit: '/', tail: 'x' },
];

/** Each pathological body at `size` characters. */
export function pathologicalBodies(size: number): Array<{ name: string; body: string }> {
  return PATHOLOGICAL_UNITS.map((u) => ({ name: u.name, body: fill(u.unit, size, u.head, u.tail) }));
}

/** Content types a rule may single out (HTML, script, plain text, none at all). */
export const CONTENT_TYPES: ReadonlyArray<string | undefined> = ['text/html; charset=utf-8', 'application/javascript', 'text/plain', undefined];

/** An exchange as the crawler hands it to the passive rules: a 200 with `body` and `headers`. */
export function exchangeOf(body: string, opts: { url?: string; contentType?: string | undefined; headers?: Record<string, string | string[]>; status?: number } = {}): Exchange {
  const url = opts.url ?? 'https://target.test/page';
  const headers: Record<string, string | string[]> = { ...(opts.headers ?? {}) };
  if (opts.contentType !== undefined) headers['content-type'] = opts.contentType;
  return {
    request: { method: 'GET', url, headers: {} },
    response: { url, status: opts.status ?? 200, headers, body, bodyBytes: body.length, truncated: false, elapsedMs: 1, redirects: [] },
    source: 'crawl',
  };
}

/**
 * The size header values are tried at. Node's HTTP parser refuses a response whose header block
 * passes 16 KiB (the web client keeps that default), and the TLS scanner reads at most 64 KiB of
 * an HTTP head: 64 KiB is more than either lets through.
 */
export const HEADER_CAP = 64 * 1024;

/** Header values a target could send, each at `size`, for the header-reading rules. */
export function pathologicalHeaders(size: number): Array<{ name: string; headers: Record<string, string | string[]> }> {
  const h = (name: string, v: string): Record<string, string | string[]> => ({ [name]: v });
  return [
    { name: 'CSP of spaces and semicolons', headers: h('content-security-policy', fill(' ; ', size, "default-src 'self'")) },
    { name: 'CSP of one long directive', headers: h('content-security-policy', fill('a ', size, 'script-src ')) },
    { name: 'HSTS of max-age=', headers: h('strict-transport-security', fill('max-age= ', size)) },
    { name: 'HSTS of semicolons', headers: h('strict-transport-security', fill('; ', size)) },
    { name: 'Set-Cookie of attributes', headers: { 'set-cookie': [fill('; a=b', size, 'id=1')] } },
    { name: 'Set-Cookie of equals', headers: { 'set-cookie': [fill('=', size, 'id')] } },
    { name: 'content-type of charset=', headers: h('content-type', fill('charset= ', size, 'text/html; ')) },
    { name: 'X-Frame-Options of commas', headers: h('x-frame-options', fill(',', size)) },
    { name: 'Server of digits', headers: h('server', fill('1', size)) },
    { name: 'CORS origin of spaces', headers: { 'access-control-allow-origin': fill(' ', size, 'x'), 'access-control-allow-credentials': 'true' } },
    { name: 'timestamps in a header', headers: h('x-debug', fill('1700000000 ', size)) },
  ];
}

const BASE = 'https://target.test/dir/page';

/**
 * The parsers other than the passive rules that read target or input text, each run on a body:
 * the HTML tokenizer and its extractors, the crawler's robots.txt and sitemap readers, the
 * active rules' evidence patterns, and the input-file readers this audit rewrote (SARIF messages,
 * lockfile URLs, VEX products, suppression globs, the ZAP rules file, the TLS scanner's HTTP head).
 */
export const TEXT_PARSERS: ReadonlyArray<{ name: string; run: (body: string) => unknown }> = [
  { name: 'html: tokenize', run: (b) => tokenize(b) },
  { name: 'html: links', run: (b) => extractLinks(b, BASE) },
  { name: 'html: forms', run: (b) => extractForms(b, BASE) },
  { name: 'html: scripts', run: (b) => extractScripts(b, BASE) },
  { name: 'html: inline scripts', run: (b) => extractInlineScripts(b) },
  { name: 'html: stylesheets', run: (b) => extractStylesheets(b, BASE) },
  { name: 'html: comments', run: (b) => extractComments(b) },
  { name: 'html: meta charset', run: (b) => extractMetaCharset(b) },
  { name: 'html: meta refresh', run: (b) => extractMetaRefresh(b, BASE) },
  { name: 'html: entities', run: (b) => decodeEntities(b) },
  { name: 'html: decodeBody (meta charset sniffing)', run: (b) => decodeBody(Buffer.from(b), undefined) },
  { name: 'passive: comments blanked', run: (b) => stripComments(b) },
  { name: 'passive: forms of a page', run: (b) => formsOf(b) },
  { name: 'active: html context at the end', run: (b) => htmlContextAt(b, b.length) },
  { name: 'active: SQL error texts (40018)', run: (b) => SQL_ERRORS.map((e) => e.find(b)) },
  { name: 'active: command output (90020)', run: (b) => Object.values(COMMAND_OUTPUT).map((f) => f(b)) },
  { name: 'crawler: robots.txt', run: (b) => robotsSeeds(b, 'https://target.test') },
  { name: 'crawler: sitemap', run: (b) => sitemapLocs(b) },
  { name: 'import: SARIF message text', run: (b) => plainMessage(b) },
  { name: 'deps: lockfile tarball URL', run: (b) => isNpmRegistryTarball(`https://registry.test/-/${b}`) },
  { name: 'gate: VEX product purls', run: (b) => purlCovers(b, b) },
  { name: 'gate: suppression glob **/test/**/*.spec.*', run: (b) => matchesGlob(b, '**/test/**/*.spec.*') },
  { name: 'gate: suppression glob *a*a*a*b', run: (b) => matchesGlob(b, '*a*a*a*b') },
  {
    name: 'web: ZAP rules file',
    run: (b) => {
      try {
        return parseRulesConfig(b, 'rules.tsv');
      } catch (e) {
        return e;
      }
    },
  },
  { name: 'tls: HTTP head (HSTS)', run: (b) => parseHead(`HTTP/1.1 200 OK\r\nstrict-transport-security: ${b.slice(0, HEADER_CAP)}`) },
];
