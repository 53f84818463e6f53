/**
 * The `web` scanner's budget: a baseline (passive) scan of a 500-page local site under 20 s with
 * the rate limit lifted, under 300 MB of memory. wapiti (Debian package) scans the same site in
 * the same run with its header and cookie modules — the closest it has to a passive baseline —
 * and both times and what each found are printed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { info, installed, notRun, report, timedProcess } from './lib.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SECTIONS = 25;
const PER_SECTION = 20;

/** A site of 1 + 25 + 500 pages: an index, sections, and pages with a form and a cookie now and then. */
function site(): http.Server {
  return http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const page = (body: string, headers: Record<string, string> = {}) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', server: 'bench/1.0', ...headers });
      res.end(`<!doctype html><html><head><title>${u.pathname}</title></head><body>${body}</body></html>`);
    };
    if (u.pathname === '/') return page(Array.from({ length: SECTIONS }, (_, s) => `<a href="/s/${s}/">section ${s}</a>`).join(' '));
    const sec = /^\/s\/(\d+)\/$/.exec(u.pathname);
    if (sec) return page(Array.from({ length: PER_SECTION }, (_, p) => `<a href="/s/${sec[1]}/p${p}">page ${p}</a>`).join(' '));
    const pg = /^\/s\/(\d+)\/p(\d+)$/.exec(u.pathname);
    if (pg) {
      const n = Number(pg[2]);
      const form = n % 5 === 0 ? '<form method="post" action="/order"><input name="qty"><button>buy</button></form>' : '';
      return page(`<p>${'lorem ipsum '.repeat(200)}</p>${form}<a href="/">home</a>`, n % 7 === 0 ? { 'set-cookie': `pref${n}=1; Path=/` } : {});
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
}

export async function benchWeb(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-web-'));
  // the site runs in this process: its work is small next to the scanner's, and it is the same for both tools
  const server = site();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const cfg = join(dir, 'vigil.yaml');
    writeFileSync(cfg, `version: 1\ntargets:\n  - name: site\n    kind: url\n    url: ${origin}/\n    scanners:\n      web: { rps: 0, concurrency: 8, maxPages: 600, maxDepth: 5 }\n`);
    const rss = join(dir, 'rss');
    const r = await timedProcess('/usr/bin/time', ['-f', '%M', '-o', rss, process.execPath, join(ROOT, 'bin', 'vigil.js'), 'scan', '--config', cfg, '--no-ledger', '-f', 'json', '--fail-on', 'none'], dir);
    if (r.status !== 0) throw new Error(`vigil scan web failed (${r.status}): ${r.stderr}`);
    const out = JSON.parse(r.stdout) as { run: { scanners: { notes: string[] }[] }; findings: { ruleId: string }[] };
    const crawled = /(\d+) requests crawled/.exec(out.run.scanners[0]!.notes.join('\n'))?.[1] ?? '?';
    const byRule = new Map<string, number>();
    for (const f of out.findings) byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + 1);
    const found = [...byRule].sort().map(([k, v]) => `${k}×${v}`).join(' ');
    report('web: baseline scan of a 526-page site, rate limit lifted', r.ms, 's', 20_000, `${crawled} requests; ${out.findings.length} findings: ${found}`);
    report('web: peak memory of that scan', Number(readFileSync(rss, 'utf8').trim().split('\n').pop()) / 1024, 'MB', 300);

    if (installed('wapiti')) {
      const report2 = join(dir, 'wapiti.json');
      const w = await timedProcess('wapiti', ['-u', `${origin}/`, '--scope', 'folder', '-m', 'http_headers,cookieflags,csp', '--flush-session', '-f', 'json', '-o', report2, '--max-scan-time', '300', '--verbose', '0'], dir);
      let summary = `exit ${w.status}`;
      try {
        const j = JSON.parse(readFileSync(report2, 'utf8')) as { vulnerabilities?: Record<string, unknown[]>; infos?: { crawled_pages_nbr?: number } };
        const v = Object.entries(j.vulnerabilities ?? {}).filter(([, xs]) => xs.length).map(([k, xs]) => `${k}×${xs.length}`);
        summary = `${j.infos?.crawled_pages_nbr ?? '?'} pages; found: ${v.join(', ') || 'nothing'}`;
      } catch {
        summary += ' (no JSON report)';
      }
      info('web: wapiti 3 (http_headers, cookieflags, csp) on the same site', w.ms, 's', summary);
      process.stdout.write(`info  ${'web: wapiti / vigil, same site'.padEnd(58)} ${`${(w.ms / r.ms).toFixed(2)} ×`.padStart(11)}\n`);
    } else notRun('web: wapiti on the same site', 'wapiti is not installed (apt-get install wapiti)');
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchWeb();
