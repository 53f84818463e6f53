import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawl, formRequest, isBinaryUrl, normalizeUrl, robotsSeeds, sampleValue, sitemapLocs } from '../../../scanners/web/crawler.js';
import type { CrawlOptions } from '../../../scanners/web/crawler.js';
import {
  extractComments,
  extractForms,
  extractInlineScripts,
  extractLinks,
  extractMetaCharset,
  extractMetaRefresh,
  extractScripts,
  extractStylesheets,
  tokenize,
} from '../../../scanners/web/html.js';
import type { HtmlField } from '../../../scanners/web/html.js';
import { createHttpClient } from '../../../scanners/web/http-client.js';
import type { HttpClientOptions } from '../../../scanners/web/http-client.js';
import type { Exchange } from '../../../scanners/web/types.js';

interface Hit {
  ua: string | undefined;
  method: string;
  url: string;
  cookie: string | undefined;
  auth: string | undefined;
  body: string;
}

let other: http.Server;
let otherUrl: string;
let otherHits = 0;
let site: http.Server;
let base: string;
const hits: Hit[] = [];

const html = (res: http.ServerResponse, body: string, status = 200): void => {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(body);
};

function handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
  const u = new URL(req.url ?? '/', base);
  const p = u.pathname;
  const loggedIn = /(?:^|;\s*)sid=ok(?:;|$)/.test(req.headers.cookie ?? '');
  if (p === '/') {
    return html(
      res,
      `<!doctype html><html><head><title>home</title><link rel="stylesheet" href="/style.css"><script src="/app.js" integrity="sha384-x" crossorigin="anonymous"></script></head><body>
      <a href="/a">a</a> <a href="/b#frag">b</a> <a href="/a#again">a again</a> <a href="${otherUrl}/x">elsewhere</a>
      <a href="/redir-off">off-origin redirect</a> <a href="/img.png">img</a> <a href="/doc.pdf">pdf</a>
      <a href="/excluded/secret">excluded</a> <a href="/loop">loop</a> <a href="/reset">reset</a> <a href="mailto:x@example.com">mail</a>
      <a href="javascript:void(0)">js</a> <iframe src="/frame"></iframe> <a href="/malformed">bad html</a> <a href="/latin1">latin1</a>
      <a href="/dashboard">dashboard</a> <a href="/private">private</a>
      <form action="/search" method="get"><input name="q"><select name="sort"><option value="new">New</option><option>old</option></select><input type="submit" name="go" value="Go"></form>
      <form action="/post-form" method="post"><input type="hidden" name="csrf" value="t1"><input name="email" type="email"><button>send</button></form>
      </body></html>`,
    );
  }
  if (p === '/a') return html(res, '<a href="/deep/1">deeper</a>');
  const deep = /^\/deep\/(\d+)$/.exec(p);
  if (deep) return html(res, `<a href="/deep/${Number(deep[1]) + 1}">next</a>`);
  if (p === '/b') return html(res, '<meta http-equiv="refresh" content="0; URL=\'/refreshed\'">');
  if (p === '/redir-off') {
    res.writeHead(302, { location: `${otherUrl}/landing` });
    return void res.end();
  }
  if (p === '/loop') {
    res.writeHead(302, { location: '/loop' });
    return void res.end();
  }
  if (p === '/reset') return void req.socket.destroy();
  if (p === '/robots.txt') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    return void res.end('User-agent: *\nDisallow: /hidden-by-robots # keep out\nAllow: /allowed/*.html\nDisallow:\nSitemap: /sitemap-index.xml\nSitemap: http://elsewhere.invalid/sitemap.xml\n');
  }
  if (p === '/sitemap.xml') {
    res.writeHead(200, { 'content-type': 'application/xml' });
    return void res.end(`<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>${base}/from-sitemap</loc></url><url><loc>${otherUrl}/not-ours</loc></url></urlset>`);
  }
  if (p === '/sitemap-index.xml') {
    res.writeHead(200, { 'content-type': 'application/xml' });
    return void res.end(`<sitemapindex><sitemap><loc>${base}/sitemap-2.xml</loc></sitemap></sitemapindex>`);
  }
  if (p === '/sitemap-2.xml') {
    res.writeHead(200, { 'content-type': 'application/xml' });
    return void res.end(`<urlset><url><loc><![CDATA[${base}/from-nested-sitemap?a=1&b=2]]></loc></url></urlset>`);
  }
  if (p === '/malformed') {
    return html(res, `<html><body><a href=/mal-1>one</a><a href='/mal-2' <p><<a href="/mal-3"><div <a/ href="/mal-4">
      <scr<ipt>x</script><a href="/mal-5"><form action="/mal-form"><input name="x" value="1"><!-- <a href="/in-comment"> -->
      <table><tr><td><a href="/mal-6">six</td></table><a href="/mal-7`);
  }
  if (p === '/latin1') {
    res.writeHead(200, { 'content-type': 'text/html; charset=iso-8859-1' });
    return void res.end(Buffer.from('<p>café crème</p>', 'latin1'));
  }
  if (p === '/login' && req.method === 'POST') {
    if (body === 'user=admin&pass=pw') {
      res.writeHead(302, { 'set-cookie': 'sid=ok; Path=/; HttpOnly', location: '/dashboard' });
      return void res.end();
    }
    return html(res, 'bad login', 401);
  }
  if (p === '/dashboard') {
    if (!loggedIn) {
      res.writeHead(302, { location: '/login-page' });
      return void res.end();
    }
    return html(res, '<a href="/members-only">members</a>');
  }
  if (p === '/members-only') return loggedIn ? html(res, 'secret stuff') : html(res, 'no', 403);
  if (p === '/private') {
    if (req.headers.authorization !== 'Bearer t0ken') return html(res, 'who are you', 401);
    return html(res, '<a href="/private-child">child</a>');
  }
  const slow = /^\/slow\/(\d+)$/.exec(p);
  if (slow) {
    setTimeout(() => html(res, `<a href="/slow/${Number(slow[1]) + 1}">next</a><a href="/slow/${Number(slow[1]) + 2}">next2</a>`), 40);
    return;
  }
  if (p === '/app.js') {
    res.writeHead(200, { 'content-type': 'application/javascript' });
    return void res.end('console.log(1)');
  }
  if (p === '/style.css') {
    res.writeHead(200, { 'content-type': 'text/css' });
    return void res.end('body{}');
  }
  if (['/frame', '/refreshed', '/hidden-by-robots', '/allowed/', '/from-sitemap', '/from-nested-sitemap', '/search', '/post-form', '/login-page', '/private-child'].includes(p) || p.startsWith('/mal-')) {
    return html(res, `<p>${p}</p>`);
  }
  html(res, 'not found', 404);
}

beforeAll(async () => {
  other = http.createServer((_req, res) => {
    otherHits++;
    res.end('<a href="/">x</a>');
  });
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  site = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      hits.push({ ua: req.headers['user-agent'], method: req.method ?? '', url: req.url ?? '', cookie: req.headers.cookie, auth: req.headers.authorization, body });
      handle(req, res, body);
    });
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of [site, other]) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

interface Run {
  exchanges: Exchange[];
  errors: Array<[string, string]>;
  hits: Hit[];
  paths: string[];
}

let runs = 0;
async function run(o: Partial<CrawlOptions> = {}, c: Partial<HttpClientOptions> = {}): Promise<Run> {
  // each run has its own user agent: requests still in flight from an earlier, aborted run do not count
  const ua = `vigil-test-run-${++runs}`;
  const errors: Array<[string, string]> = [];
  const client = createHttpClient({ origin: base, rps: 0, timeoutMs: 5000, userAgent: ua, ...c });
  const exchanges: Exchange[] = [];
  for await (const ex of crawl({ start: `${base}/`, client, onError: (u, m) => errors.push([u, m]), ...o })) exchanges.push(ex);
  const mine = hits.filter((h) => h.ua === ua);
  return { exchanges, errors, hits: mine, paths: mine.map((h) => `${h.method} ${h.url}`) };
}

const pathOf = (ex: Exchange): string => {
  const u = new URL(ex.request.url);
  return `${u.pathname}${u.search}`;
};

describe('crawl: a whole site', () => {
  let r: Run;
  beforeAll(async () => {
    r = await run({ exclude: [/\/excluded\//] });
  });

  it('never requests another origin (links, redirects, sitemap entries)', () => {
    expect(otherHits).toBe(0);
  });

  it.each([
    '/', '/a', '/b', '/refreshed', '/frame', '/app.js', '/style.css', '/deep/1', '/deep/4', '/robots.txt', '/sitemap.xml',
    '/hidden-by-robots', '/allowed/', '/sitemap-index.xml', '/sitemap-2.xml', '/from-sitemap', '/from-nested-sitemap?a=1&b=2',
    '/search?q=vigil&sort=new&go=Go', '/malformed', '/latin1', '/redir-off',
  ])('requests %s', (p) => {
    expect(r.paths).toContain(`GET ${p}`);
  });

  it.each(['/img.png', '/doc.pdf', '/excluded/secret', '/post-form', '/in-comment', '/members-only', '/private-child'])('does not request %s', (p) => {
    expect(r.hits.map((h) => h.url.split('?')[0])).not.toContain(p);
  });

  it('stops at the default depth of 5', () => {
    // / (0) → /a (1) → /deep/1 (2) … /deep/4 (5)
    expect(r.paths).not.toContain('GET /deep/5');
  });

  it('yields each exchange once, with fragments dropped', () => {
    const keys = r.exchanges.map((e) => `${e.request.method} ${e.request.url}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(r.paths.filter((p) => p === 'GET /a')).toHaveLength(1);
    expect(keys.some((k) => k.includes('#'))).toBe(false);
    expect(r.exchanges[0]?.request.url).toBe(`${base}/`);
  });

  it.each<[string, Exchange['source']]>([
    ['/', 'crawl'],
    ['/a', 'crawl'],
    ['/robots.txt', 'robots'],
    ['/hidden-by-robots', 'robots'],
    ['/sitemap.xml', 'sitemap'],
    ['/sitemap-2.xml', 'sitemap'],
    ['/from-nested-sitemap?a=1&b=2', 'sitemap'],
    ['/search?q=vigil&sort=new&go=Go', 'form'],
  ])('marks %s as found by %s', (p, source) => {
    expect(r.exchanges.find((e) => pathOf(e) === p)?.source).toBe(source);
  });

  it('returns an off-origin redirect unfollowed', () => {
    const ex = r.exchanges.find((e) => pathOf(e) === '/redir-off');
    expect(ex?.response.status).toBe(302);
  });

  it('reports a redirect loop and a reset connection through onError, and goes on', () => {
    expect(r.errors.map(([u]) => u).sort()).toEqual([`${base}/loop`, `${base}/reset`]);
    expect(r.errors.find(([u]) => u.endsWith('/loop'))?.[1]).toMatch(/redirects/);
  });

  it('reads links out of malformed HTML', () => {
    for (const p of ['/mal-1', '/mal-2', '/mal-5', '/mal-6', '/mal-form?x=1']) expect(r.paths).toContain(`GET ${p}`);
    // `<div <a/ href=…>` is a div with two odd attributes to a browser, not a link
    expect(r.paths).not.toContain('GET /mal-4');
  });

  it('decodes a latin1 page', () => {
    expect(r.exchanges.find((e) => pathOf(e) === '/latin1')?.response.body).toBe('<p>café crème</p>');
  });
});

describe('crawl: options', () => {
  it('submits POST forms only with submitForms: all', async () => {
    const r = await run({ submitForms: 'all', maxDepth: 1 });
    const post = r.hits.find((h) => h.method === 'POST' && h.url === '/post-form');
    expect(post?.body).toBe('csrf=t1&email=vigil%40example.com');
    expect(r.exchanges.find((e) => e.request.method === 'POST')?.source).toBe('form');
  });

  it('submits no forms with submitForms: false', async () => {
    const r = await run({ submitForms: false, maxDepth: 1 });
    expect(r.paths.some((p) => p.startsWith('GET /search'))).toBe(false);
  });

  it.each([0, 1, 2])('maxDepth %i bounds link hops', async (maxDepth) => {
    const r = await run({ maxDepth });
    expect(r.paths.includes('GET /a')).toBe(maxDepth >= 1);
    expect(r.paths.includes('GET /deep/1')).toBe(maxDepth >= 2);
    expect(r.paths).not.toContain('GET /deep/2');
  });

  it.each([1, 5, 12])('maxPages %i bounds the fetches', async (maxPages) => {
    const r = await run({ maxPages });
    expect(r.exchanges.length + r.errors.length).toBe(maxPages);
    // a fetch may follow up to maxRedirects (5) same-origin redirects
    expect(r.hits.length).toBeLessThanOrEqual(maxPages * 6);
  });

  it('maxDurationMs ends an endless site cleanly', async () => {
    const r = await run({ start: `${base}/slow/0`, maxDepth: 10_000, maxPages: 100_000, maxDurationMs: 400 });
    expect(r.exchanges.length).toBeGreaterThan(0);
    expect(r.exchanges.length).toBeLessThan(1000);
  });

  it('an aborted signal ends the crawl without throwing', async () => {
    const ac = new AbortController();
    const client = createHttpClient({ origin: base, rps: 0 });
    const seen: Exchange[] = [];
    for await (const ex of crawl({ start: `${base}/`, client, signal: ac.signal })) {
      seen.push(ex);
      ac.abort();
    }
    expect(seen).toHaveLength(1);
  });

  it('refuses a start URL on another origin', async () => {
    const before = otherHits;
    const r = await run({ start: `${otherUrl}/` });
    expect(r.exchanges).toHaveLength(0);
    expect(r.errors[0]?.[1]).toMatch(/origin/);
    expect(otherHits).toBe(before);
  });

  it('tests exclude patterns against the full URL, including global regexes', async () => {
    const r = await run({ maxDepth: 1, exclude: [/\/a$/g, /robots/] });
    expect(r.paths).not.toContain('GET /a');
    expect(r.paths).not.toContain('GET /robots.txt');
    expect(r.paths).toContain('GET /b');
  });
});

describe('crawl: sessions', () => {
  it('logs in first and crawls the pages only a session can see', async () => {
    const r = await run({ login: { url: `${base}/login`, form: { user: 'admin', pass: 'pw' } }, maxDepth: 2 });
    expect(r.paths[0]).toBe('POST /login');
    expect(r.exchanges[0]?.source).toBe('form');
    const members = r.exchanges.find((e) => pathOf(e) === '/members-only');
    expect(members?.response.status).toBe(200);
    expect(members?.response.body).toBe('secret stuff');
    expect(r.hits.find((h) => h.url === '/members-only')?.cookie).toBe('sid=ok');
  });

  it('does not reach them without the login', async () => {
    const r = await run({ maxDepth: 2 });
    expect(r.paths).not.toContain('GET /members-only');
  });

  it('sends a header credential with every request', async () => {
    const r = await run({ maxDepth: 2 }, { headers: { authorization: 'Bearer t0ken' } });
    expect(r.paths).toContain('GET /private-child');
    expect(r.hits.every((h) => h.auth === 'Bearer t0ken')).toBe(true);
  });
});

describe('crawler helpers', () => {
  it.each<[string, boolean]>([
    ['http://h/a.png', true],
    ['http://h/a.PDF', true],
    ['http://h/font.woff2?v=1', true],
    ['http://h/a.js', false],
    ['http://h/page.html', false],
    ['http://h/download', false],
    ['http://h/a.png/view', false],
  ])('isBinaryUrl(%s) = %s', (u, expected) => {
    expect(isBinaryUrl(u)).toBe(expected);
  });

  it.each<[string, string | undefined, string | undefined]>([
    ['http://H/a#x', undefined, 'http://h/a'],
    ['../b?x=1#y', 'http://h/a/c', 'http://h/b?x=1'],
    ['mailto:a@b', undefined, undefined],
    ['http://[bad', undefined, undefined],
  ])('normalizeUrl(%s, %s)', (u, b, expected) => {
    expect(normalizeUrl(u, b)).toBe(expected);
  });

  it('reads robots.txt Allow/Disallow paths and Sitemap lines', () => {
    expect(robotsSeeds('User-agent: *\nDisallow: /x/*.php$\nallow : /y\nDisallow:\nDisallow: *\nSitemap: /s.xml\n# Disallow: /no', 'http://h')).toEqual([
      { url: 'http://h/x/', sitemap: false },
      { url: 'http://h/y', sitemap: false },
      { url: 'http://h/s.xml', sitemap: true },
    ]);
  });

  it('reads sitemap locs and tells an index from a urlset', () => {
    expect(sitemapLocs('<urlset><url><loc> http://h/a?x=1&amp;y=2 </loc></url></urlset>')).toEqual({ locs: ['http://h/a?x=1&y=2'], index: false });
    expect(sitemapLocs('<sm:sitemapindex><sm:sitemap><sm:loc>http://h/s2.xml</sm:loc></sm:sitemap></sm:sitemapindex>')).toEqual({ locs: ['http://h/s2.xml'], index: true });
  });

  const field = (type: string, name: string, value = ''): HtmlField => ({ tag: 'input', type, name, value, attrs: {} });
  it.each<[HtmlField, string]>([
    [field('text', 'q'), 'vigil'],
    [field('text', 'q', 'kept'), 'kept'],
    [field('email', 'x'), 'vigil@example.com'],
    [field('text', 'user_email'), 'vigil@example.com'],
    [field('number', 'n'), '1'],
    [field('password', 'p'), 'Vigil-Passw0rd!'],
    [field('date', 'd'), '2024-01-01'],
    [field('checkbox', 'c'), 'on'],
  ])('sampleValue %j', (f, expected) => {
    expect(sampleValue(f)).toBe(expected);
  });

  it('builds a GET form request that replaces the action query, first submit button only', () => {
    const [form] = extractForms('<form action="/s?old=1"><input name="a"><input type="submit" name="b1" value="x"><input type="submit" name="b2" value="y"><input type="file" name="f"><input type="radio" name="r" value="1"><input type="radio" name="r" value="2"></form>', 'http://h/p');
    expect(form && formRequest(form)).toEqual({ method: 'GET', url: 'http://h/s?a=vigil&b1=x&r=1', headers: {} });
  });
});

describe('html extraction', () => {
  const page = `<html><head><base href="/root/"><meta charset="ISO-8859-1"><meta http-equiv="refresh" content="5;url=next.html">
    <script src="lib.js" integrity="sha256-abc" crossorigin="anonymous"></script><script>var s = "<a href='/not-a-link'>";</script>
    <link rel="stylesheet" href="https://cdn.example/x.css"><link rel="icon" href="fav.ico"></head><body>
    <!-- TODO: remove admin link --><a HREF="a.html?x=1&amp;y=2">a</a><area href="/map"><frame src="f.html"><a href="  /spaced  ">s</a>
    <form method="POST" action="/do"><input type="hidden" name="token" value="t&quot;1"><textarea name="msg">
hello &amp; bye</textarea><select name="s"><option value="1">one<option value="2" selected>two</select><button name="b" value="v">B</button><input name="nm"></form>
    <form><input name="q"><form action="/nested"><input name="z"></form></body></html>`;

  it('extracts links against <base>, skipping script text', () => {
    expect(extractLinks(page, 'http://h/dir/page')).toEqual([
      'https://cdn.example/x.css',
      'http://h/root/fav.ico',
      'http://h/root/a.html?x=1&y=2',
      'http://h/map',
      'http://h/root/f.html',
      'http://h/spaced',
    ]);
  });

  it('extracts scripts with integrity and crossorigin, inline scripts and stylesheets', () => {
    expect(extractScripts(page, 'http://h/')).toMatchObject([{ src: 'http://h/root/lib.js', integrity: 'sha256-abc', crossorigin: 'anonymous' }]);
    expect(extractInlineScripts(page)).toEqual([`var s = "<a href='/not-a-link'>";`]);
    expect(extractStylesheets(page, 'http://h/')).toMatchObject([{ href: 'https://cdn.example/x.css' }]);
    expect(extractStylesheets(page, 'http://h/')[0]?.integrity).toBeUndefined();
  });

  it('extracts forms: method, action, hidden inputs, textarea, select (selected option), buttons; nested forms ignored', () => {
    const forms = extractForms(page, 'http://h/dir/page#frag');
    expect(forms).toHaveLength(2);
    expect(forms[0]).toMatchObject({ action: 'http://h/do', method: 'POST', enctype: 'application/x-www-form-urlencoded' });
    expect(forms[0]?.fields.map((f) => [f.tag, f.name, f.type, f.value])).toEqual([
      ['input', 'token', 'hidden', 't"1'],
      ['textarea', 'msg', 'textarea', 'hello & bye'],
      ['select', 's', 'select', '2'],
      ['button', 'b', 'submit', 'v'],
      ['input', 'nm', 'text', ''],
    ]);
    expect(forms[1]).toMatchObject({ action: 'http://h/dir/page', method: 'GET' });
    expect(forms[1]?.fields.map((f) => f.name)).toEqual(['q', 'z']);
  });

  it('extracts meta charset, meta refresh and comments', () => {
    expect(extractMetaCharset(page)).toBe('iso-8859-1');
    expect(extractMetaCharset('<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">')).toBe('shift_jis');
    expect(extractMetaRefresh(page, 'http://h/dir/page')).toBe('http://h/root/next.html');
    expect(extractMetaRefresh('<meta http-equiv="refresh" content="3">', 'http://h/')).toBeUndefined();
    expect(extractComments(page)).toEqual([' TODO: remove admin link ']);
  });

  it.each([
    '', '<', '<<<>>>', '<a', '<a href', '<a href=', '<a href="', '<!--', '<!-- x', '<script>', '<script>var a="</scr', '</', '</>',
    '<a href="&#xFFFFFFF;">', '<form><select><option', '<textarea>', '<?xml', '<!doctype', '\u0000<a\u0000href=x>', '<a href=http://[::1>',
    '<'.repeat(10_000), '<a b c d e f g h i j k l m n o p q r s t u v w x y z>',
  ])('never throws on %j', (bad) => {
    expect(() => {
      tokenize(bad);
      extractLinks(bad, 'http://h/');
      extractForms(bad, 'http://h/');
      extractScripts(bad, 'http://h/');
      extractMetaRefresh(bad, 'http://h/');
      extractMetaCharset(bad);
      extractComments(bad);
    }).not.toThrow();
  });
});
