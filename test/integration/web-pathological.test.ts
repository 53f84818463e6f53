/**
 * A whole web scan of a hostile site ends (issue 10): the real `web` scanner, in this process,
 * crawls a real node:http server on 127.0.0.1 whose pages, robots.txt and sitemap are 2 MiB of
 * the texts that made its regexes quadratic or worse. No time is asserted: the scan must end
 * with a result within vitest's timeout, where before it would have run for hours.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fill } from '../../bench/pathological.js';
import type { Finding } from '../../src/model/finding.js';
import { silentLogger } from '../../src/util/logger.js';
import { MAX_BODY_BYTES } from '../../scanners/web/http-client.js';
import { createWebScanner } from '../../scanners/web/web-scanner.js';

const CAP = MAX_BODY_BYTES;

/** 2 MiB made of four pathological parts, each a quarter: an HTML page any passive rule reads in full. */
function page(parts: string[]): string {
  const head = '<!doctype html><html><head><title>t</title></head><body><a href="/two">two</a><a href="/error">e</a>';
  const quarter = Math.floor((CAP - head.length) / parts.length);
  return head + parts.map((u) => fill(u, quarter)).join('');
}

const PAGES: Record<string, { type: string; status?: number; body: string }> = {
  '/': { type: 'text/html; charset=utf-8', body: page(['\n', 'at at at ', '<form a="', '<!--']) },
  '/two': { type: 'text/html; charset=utf-8', body: page(['<script', 'java.', '<title>Index of x</title>', 'TypeError: ']) },
  '/error': { type: 'text/html; charset=utf-8', status: 500, body: page(['\r\n', '    \n', 'mysqli_', '<a href="']) },
  // U+2028 is three bytes in UTF-8: the text is two characters short of the cap to stay within it in bytes
  '/robots.txt': { type: 'text/plain', body: fill('#', CAP - 2, 'Disallow: /x', '\u2028') },
  '/sitemap.xml': { type: 'application/xml', body: fill(' ', CAP, '<urlset><url><loc>') },
};

let server: http.Server;
let origin: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const p = PAGES[new URL(req.url ?? '/', 'http://x').pathname];
    if (!p) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(p.status ?? 200, { 'content-type': p.type, 'content-length': Buffer.byteLength(p.body) });
    res.end(p.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

describe('a web scan of a site that serves 2 MiB pathological pages', () => {
  it('ends, with the findings of the pages it read', async () => {
    for (const p of Object.values(PAGES)) expect(Buffer.byteLength(p.body)).toBeLessThanOrEqual(CAP);
    const notes: string[] = [];
    const findings: Finding[] = [];
    const scanner = createWebScanner();
    for await (const f of scanner.run(
      { name: 'hostile', kind: 'url', location: `${origin}/` },
      {
        signal: new AbortController().signal,
        logger: silentLogger,
        progress: () => undefined,
        note: (m) => notes.push(m),
        baseDir: tmpdir(),
        options: { rps: 0, maxPages: 20, engine: 'embedded' },
      },
    )) {
      findings.push(f);
    }
    // every page was fetched and read: robots.txt, the sitemap, the three pages (and what their links and forms lead to)
    const crawled = Number(/(\d+) requests crawled/.exec(notes.join('\n'))?.[1]);
    expect(crawled).toBeGreaterThanOrEqual(5);
    const rules = new Set(findings.map((f) => f.ruleId));
    // the missing headers of the site, and the 500 of /error
    expect(rules).toContain('10021');
    expect(rules).toContain('90022');
  });
});
