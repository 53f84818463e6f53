/**
 * Every passive web rule, the HTML tokenizer and its extractors, the header readers and the other
 * parsers of target text end on pathological bodies at the web client's body cap (2 MiB): runs
 * of newlines and blanks, repeated starts of error texts, tags, comments and quotes that never
 * close. Before issue 10 several of these took from minutes to hours on the main thread. No
 * time is asserted: vitest's test timeout is the only clock, and each case takes a few seconds
 * at most (bench/regex.ts prints the figures).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { VigilError } from '../../../src/errors.js';
import { CONTENT_TYPES, HEADER_CAP, PATHOLOGICAL_UNITS, TEXT_PARSERS, exchangeOf, fill, pathologicalHeaders } from '../../../bench/pathological.js';
import { createHttpClient, MAX_BODY_BYTES } from '../../../scanners/web/http-client.js';
import { openApiRequests } from '../../../scanners/web/openapi.js';
import { parseRulesConfig } from '../../../scanners/web/rules-config.js';
import { PASSIVE_RULES } from '../../../scanners/web/passive/index.js';
import { parseSetCookie } from '../../../scanners/web/passive/cookies.js';
import { cspWeaknesses, parseCsp } from '../../../scanners/web/passive/csp.js';
import type { WebAlert } from '../../../scanners/web/types.js';

const HTML = 'text/html; charset=utf-8';
const JS = 'application/javascript';

/** Every passive rule on the exchange, each with a fresh context (a site-wide rule would otherwise skip its work). */
function allRules(body: string, contentType: string | undefined, headers: Record<string, string | string[]> = {}): Map<string, WebAlert[]> {
  const out = new Map<string, WebAlert[]>();
  const ex = exchangeOf(body, { contentType, headers });
  for (const rule of PASSIVE_RULES) out.set(rule.id, rule.check(ex, { origin: 'https://target.test', seen: new Set() }));
  return out;
}

describe('the web client body cap', () => {
  it('is 2 MiB, the size every body below is made at', () => {
    expect(MAX_BODY_BYTES).toBe(2 * 1024 * 1024);
  });
});

describe('every passive rule ends on a pathological 2 MiB body', () => {
  it.each(PATHOLOGICAL_UNITS.map((u) => [u.name, u] as const))('%s', (_name, u) => {
    const body = fill(u.unit, MAX_BODY_BYTES, u.head, u.tail);
    expect(body.length).toBe(MAX_BODY_BYTES);
    // HTML reaches every rule that reads markup or text; JavaScript reaches the banner and script checks
    for (const contentType of [HTML, JS]) {
      const results = allRules(body, contentType);
      expect([...results.keys()]).toEqual(PASSIVE_RULES.map((r) => r.id));
      for (const alerts of results.values()) expect(Array.isArray(alerts)).toBe(true);
    }
  });

  it('finds what it should on such bodies (the rewritten patterns still match)', () => {
    const at = (unit: string, head = '', tail = '') => fill(unit, MAX_BODY_BYTES, head, tail);
    // a stack trace after two million blank lines: the line-start pattern still finds it
    const trace = allRules(at('\n', '', '\n    at Object.<anonymous> (/srv/app/index.js:10:5)\n'), HTML).get('90022')!;
    expect(trace[0]?.evidence).toBe('at Object.<anonymous> (/srv/app/index.js:10:5)');
    const java = allRules(at('java.', '', 'lang.IllegalStateException: x'), HTML).get('90022')!;
    expect(java[0]?.otherInfo).toBe('Java exception in the response.');
    expect(java[0]?.evidence.endsWith('lang.IllegalStateException')).toBe(true);
    const listing = allRules(at('<title>Index of x</title>', '', '<address>Apache/2.4 Server</address>'), HTML).get('10033')!;
    expect(listing[0]?.evidence).toBe('<title>Index of x</title>');
    const forms = allRules(at('<form ', '', '<form method=post><input name=q></form>'), HTML).get('10202')!;
    expect(forms.length).toBeGreaterThan(0);
  });
});

describe('every parser of target text ends on a pathological 2 MiB body', () => {
  it.each(PATHOLOGICAL_UNITS.map((u) => [u.name, u] as const))('%s', (_name, u) => {
    const body = fill(u.unit, MAX_BODY_BYTES, u.head, u.tail);
    for (const p of TEXT_PARSERS) expect(() => p.run(body), p.name).not.toThrow();
  });
});

describe('the header readers end on pathological header values', () => {
  // Node's parser refuses a header block over 16 KiB; HEADER_CAP is four times that
  it.each(pathologicalHeaders(HEADER_CAP).map((h) => [h.name, h] as const))('%s', (_name, h) => {
    for (const contentType of CONTENT_TYPES) {
      const results = allRules('<!doctype html><p>x</p>', contentType, { ...(contentType ? { 'content-type': contentType } : {}), ...h.headers });
      for (const alerts of results.values()) expect(Array.isArray(alerts)).toBe(true);
    }
  });

  it('parse a 2 MiB Set-Cookie and CSP without trouble', () => {
    const cookie = parseSetCookie(fill('; a=b', MAX_BODY_BYTES, 'id=1'));
    expect(cookie?.name).toBe('id');
    expect(cookie?.attrs.get('a')).toBe('b');
    const csp = fill(' ; ', MAX_BODY_BYTES, "default-src 'self'");
    expect(parseCsp(csp).get('default-src')).toEqual(["'self'"]);
    expect(cspWeaknesses(csp).map((w) => w.name)).toContain('CSP: Failure to Define Directive with No Fallback');
  });
});

/** Pieces the generated bodies are made of: starts of patterns, brackets, quotes, blanks. */
const PIECES = [
  '\n', '\r\n', ' ', '\t', '\u2028', 'at ', '    at ', '/a:1:', 'java.', 'System.', 'Exception', 'Error', 'mysqli_', 'Warning ',
  'TypeError: ', 'uid=1(', '<script', '<script>', '<!--', '-->', '<a href="', '<form ', '<form a="', '<title>Index of ', '</title>',
  '(', '[', '{', '<', '>', '"', "'", '=', '&#', 'near "', 'x', '1', '.', '/', '#', '*', '?', ':', ';', ',',
];

describe('generated pathological bodies', () => {
  it('at the cap, every rule and parser ends', () => {
    const body = fc
      .record({
        unit: fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 4 }).map((a) => a.join('')),
        head: fc.constantFrom('', '<!doctype html><html><body>', '<pre>', 'HTTP/1.1 500\n'),
        contentType: fc.constantFrom(...CONTENT_TYPES),
      })
      .map((r) => ({ body: fill(r.unit, MAX_BODY_BYTES, r.head), contentType: r.contentType }));
    fc.assert(
      fc.property(body, ({ body: b, contentType }) => {
        for (const alerts of allRules(b, contentType).values()) expect(Array.isArray(alerts)).toBe(true);
        for (const p of TEXT_PARSERS) p.run(b);
      }),
      { numRuns: 4 },
    );
  });
});

describe('input files the web scanner reads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-regex-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const ORIGIN = 'http://127.0.0.1:9';

  it.each([
    ['a server URL of `{` that never closes', '{'.repeat(MAX_BODY_BYTES / 2), /^\/(?:%7B)+\/a$/],
    ['a server URL of slashes before a last segment', `/v1${'/'.repeat(MAX_BODY_BYTES / 2)}x`, /^\/v1\/+x\/a$/],
    ['a server URL that ends in slashes', `/v1${'/'.repeat(MAX_BODY_BYTES / 2)}`, /^\/v1\/a$/],
  ])('OpenAPI: %s', async (_name, url, path) => {
    const spec = join(dir, 'spec.json');
    const doc = { openapi: '3.0.3', info: { title: 't', version: '1' }, servers: [{ url }], paths: { '/a': { get: { responses: { '200': { description: 'ok' } } } } } };
    writeFileSync(spec, JSON.stringify(doc));
    const reqs = await openApiRequests(spec, ORIGIN, createHttpClient({ origin: ORIGIN, rps: 0 }));
    expect(reqs).toHaveLength(1);
    expect(new URL(reqs[0]!.url).pathname).toMatch(path);
  });

  it('ZAP rules file: a line of 2 MiB of blanks before a lone CR has no action, as before', () => {
    const text = `10020\tIGNORE${' '.repeat(MAX_BODY_BYTES)}x\ry\n`;
    const e = (() => {
      try {
        parseRulesConfig(text, 'rules.tsv');
      } catch (x) {
        return x;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(VigilError);
    expect((e as VigilError).message).toMatch(/has no action/);
    expect((e as VigilError).line).toBe(1);
  });
});
