/**
 * A breadth-first spider in the manner of ZAP's: it logs in first when asked (the client's
 * cookie jar keeps the session), seeds itself from /robots.txt (Allow, Disallow and Sitemap lines
 * are places to look, not places to avoid, as ZAP's spider reads them) and /sitemap.xml, then
 * follows links, scripts, frames, meta refreshes and forms on the target's origin only. Every
 * exchange is yielded once, with how it was found; limits (depth, pages, time, abort) end the
 * crawl quietly and per-URL failures go to `onError`, so one bad page never stops a scan.
 */
import { cutFromLastLine, lastLineTerminator } from '../../src/util/line-terminators.js';
import { extractForms, extractLinks, extractMetaRefresh, extractScripts, looksLikeHtml } from './html.js';
import type { HtmlField, HtmlForm } from './html.js';
import type { Exchange, HttpClient, WebRequest } from './types.js';

export interface CrawlOptions {
  /** Absolute URL to start from; its origin must be the client's. */
  start: string;
  client: HttpClient;
  /** Link hops from the start page. Default 5. */
  maxDepth?: number;
  /** Fetches the crawl may make (robots.txt, sitemaps, login and forms included; each may follow redirects). Default 500. */
  maxPages?: number;
  /** Wall-clock budget. Default 120000. */
  maxDurationMs?: number;
  /** URLs matching any of these are not requested. */
  exclude?: RegExp[];
  /** A login form posted before anything else (urlencoded). */
  login?: { url: string; form: Record<string, string>; method?: 'POST' };
  /** true (default): submit GET forms with sample values; 'all': POST forms too; false: none. */
  submitForms?: boolean | 'all';
  /** Requests in flight at once (the client caps it too). Default 4. */
  concurrency?: number;
  /** Nested sitemaps followed at most. Default 20. */
  maxSitemaps?: number;
  signal?: AbortSignal;
  /** A URL that could not be fetched (timeout, reset, redirect loop…); the crawl goes on. */
  onError?: (url: string, message: string) => void;
}

type Source = Exchange['source'];

interface Job {
  request: WebRequest;
  depth: number;
  source: Source;
  /** How to read the answer: an HTML/text page, robots.txt, or a sitemap. */
  as: 'page' | 'robots' | 'sitemap';
}

/** File types a spider gains nothing from fetching (ZAP skips the same kind). */
const BINARY_EXT = new Set([
  'png', 'jpg', 'jpeg', 'gif', 'bmp', 'ico', 'webp', 'avif', 'tif', 'tiff', 'svgz', 'psd',
  'pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'odt', 'ods',
  'zip', 'gz', 'tgz', 'bz2', 'xz', '7z', 'rar', 'tar', 'jar', 'war', 'apk', 'dmg', 'iso', 'exe', 'msi', 'bin', 'deb', 'rpm',
  'woff', 'woff2', 'ttf', 'otf', 'eot',
  'mp3', 'mp4', 'm4a', 'm4v', 'avi', 'mov', 'wmv', 'flv', 'webm', 'ogg', 'ogv', 'wav', 'flac', 'mkv', 'mpg', 'mpeg',
  'swf', 'class', 'wasm',
]);

/** True when the URL's path ends in a binary file extension. */
export function isBinaryUrl(url: string): boolean {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return false;
  }
  const m = /\.([a-z0-9]{1,6})$/i.exec(path);
  return m?.[1] !== undefined && BINARY_EXT.has(m[1].toLowerCase());
}

/** The URL without its fragment, or undefined when unparsable or not http(s). */
export function normalizeUrl(url: string, base?: string): string | undefined {
  try {
    const u = base === undefined ? new URL(url) : new URL(url, base);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    u.hash = '';
    return u.href;
  } catch {
    return undefined;
  }
}

/** Crawls the target from `opts.start`, yielding each exchange once. Never throws for limits or failing URLs. */
export async function* crawl(opts: CrawlOptions): AsyncGenerator<Exchange, void, undefined> {
  const { client } = opts;
  const maxDepth = opts.maxDepth ?? 5;
  const maxPages = opts.maxPages ?? 500;
  const deadline = Date.now() + (opts.maxDurationMs ?? 120_000);
  const exclude = opts.exclude ?? [];
  const submit = opts.submitForms ?? true;
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const maxSitemaps = opts.maxSitemaps ?? 20;
  const onError = opts.onError ?? (() => undefined);
  const origin = client.origin;

  const queue: Job[] = [];
  const seen = new Set<string>();
  let sent = 0;
  let sitemaps = 0;

  const keyOf = (r: WebRequest): string => `${r.method} ${r.url}${r.body === undefined ? '' : `\n${r.body}`}`;
  const enqueue = (request: WebRequest, depth: number, source: Source, as: Job['as'] = 'page'): void => {
    if (depth > maxDepth) return;
    const url = normalizeUrl(request.url);
    if (url === undefined || new URL(url).origin !== origin) return;
    if (as === 'page' && isBinaryUrl(url)) return;
    if (exclude.some((re) => testRe(re, url))) return;
    const req = { ...request, url };
    const key = keyOf(req);
    if (seen.has(key)) return;
    if (as === 'sitemap') {
      if (sitemaps >= maxSitemaps) return;
      sitemaps++;
    }
    seen.add(key);
    queue.push({ request: req, depth, source, as });
  };
  const get = (url: string): WebRequest => ({ method: 'GET', url, headers: {} });

  const stopped = (): boolean => opts.signal?.aborted === true || Date.now() >= deadline;

  const startUrl = normalizeUrl(opts.start);
  if (startUrl === undefined || new URL(startUrl).origin !== origin) {
    onError(opts.start, `start URL ${opts.start} is not on the target's origin ${origin}`);
    return;
  }

  if (opts.login) {
    const loginUrl = normalizeUrl(opts.login.url, startUrl);
    if (loginUrl === undefined) {
      onError(opts.login.url, 'login URL is not a URL');
    } else {
      const req: WebRequest = {
        method: opts.login.method ?? 'POST',
        url: loginUrl,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(opts.login.form).toString(),
      };
      seen.add(keyOf(req));
      // the session must exist before anything else is requested, so the login runs alone
      if (!stopped() && sent < maxPages) {
        sent++;
        const ex = await fetchOne(client, req, 'form', onError);
        if (ex) {
          markFinal(ex, seen, keyOf);
          yield ex;
          discover(ex, 0, { enqueue, get, submit });
        }
      }
    }
  }

  enqueue(get(startUrl), 0, 'crawl');
  enqueue(get(`${origin}/robots.txt`), 0, 'robots', 'robots');
  enqueue(get(`${origin}/sitemap.xml`), 0, 'sitemap', 'sitemap');

  const inFlight = new Map<number, Promise<{ id: number; job: Job; ex: Exchange | undefined }>>();
  let nextId = 0;
  let timer: NodeJS.Timeout | undefined;
  // wake at the deadline (or on abort) even when a request hangs past it
  const wake = new Promise<'stop'>((resolve) => {
    timer = setTimeout(() => resolve('stop'), Math.max(0, deadline - Date.now()));
    opts.signal?.addEventListener('abort', () => resolve('stop'), { once: true });
  });
  try {
    for (;;) {
      while (!stopped() && inFlight.size < concurrency && queue.length > 0 && sent < maxPages) {
        const job = queue.shift() as Job;
        const id = nextId++;
        sent++;
        inFlight.set(id, fetchOne(client, job.request, job.source, onError).then((ex) => ({ id, job, ex })));
      }
      if (inFlight.size === 0 || stopped()) return;
      const first = await Promise.race([...inFlight.values(), wake]);
      if (first === 'stop') return;
      inFlight.delete(first.id);
      const { job, ex } = first;
      if (!ex) continue;
      markFinal(ex, seen, keyOf);
      yield ex;
      if (job.as === 'robots') {
        for (const u of robotsSeeds(ex.response.body, origin)) {
          if (u.sitemap) enqueue(get(u.url), 1, 'sitemap', 'sitemap');
          else enqueue(get(u.url), 1, 'robots');
        }
      } else if (job.as === 'sitemap') {
        const { locs, index } = sitemapLocs(ex.response.body);
        for (const loc of locs) {
          if (index) enqueue(get(loc), 1, 'sitemap', 'sitemap');
          else enqueue(get(loc), 1, 'sitemap');
        }
      } else {
        discover(ex, job.depth, { enqueue, get, submit });
      }
    }
  } finally {
    if (timer) clearTimeout(timer);
    // requests still in flight finish on their own (each is bounded by the client's timeout)
    for (const p of inFlight.values()) p.catch(() => undefined);
  }
}

function testRe(re: RegExp, s: string): boolean {
  // a global/sticky regex keeps state between tests; reset it so every URL is tested whole
  re.lastIndex = 0;
  return re.test(s);
}

async function fetchOne(client: HttpClient, request: WebRequest, source: Source, onError: (url: string, message: string) => void): Promise<Exchange | undefined> {
  try {
    const response = await client.send(request, { followRedirects: true });
    return { request, response, source };
  } catch (e) {
    onError(request.url, e instanceof Error ? e.message : String(e));
    return undefined;
  }
}

/** Marks the hops of a redirect chain and where it ended as seen, so those pages are not fetched again. */
function markFinal(ex: Exchange, seen: Set<string>, keyOf: (r: WebRequest) => string): void {
  for (const url of [...ex.response.redirects, ex.response.url]) {
    if (url !== ex.request.url) seen.add(keyOf({ method: 'GET', url, headers: {} }));
  }
}

interface Discover {
  enqueue: (request: WebRequest, depth: number, source: Source, as?: Job['as']) => void;
  get: (url: string) => WebRequest;
  submit: boolean | 'all';
}

function discover(ex: Exchange, depth: number, d: Discover): void {
  const res = ex.response;
  const next = depth + 1;
  // an off-origin redirect comes back unfollowed; a same-origin one the client did not follow is a link
  const location = res.headers.location;
  if (res.status >= 300 && res.status < 400 && typeof location === 'string') {
    const u = normalizeUrl(location, res.url);
    if (u) d.enqueue(d.get(u), next, 'crawl');
  }
  const refresh = res.headers.refresh;
  if (typeof refresh === 'string') {
    const m = /url\s*=\s*['"]?([^'"\s;]+)/i.exec(refresh);
    const u = m?.[1] ? normalizeUrl(m[1], res.url) : undefined;
    if (u) d.enqueue(d.get(u), next, 'crawl');
  }
  const ct = res.headers['content-type'];
  if (!looksLikeHtml(typeof ct === 'string' ? ct : undefined, res.body)) return;
  for (const u of extractLinks(res.body, res.url)) d.enqueue(d.get(u), next, 'crawl');
  for (const s of extractScripts(res.body, res.url)) d.enqueue(d.get(s.src), next, 'crawl');
  const meta = extractMetaRefresh(res.body, res.url);
  if (meta) d.enqueue(d.get(meta), next, 'crawl');
  if (d.submit === false) return;
  for (const form of extractForms(res.body, res.url)) {
    if (form.method === 'POST' && d.submit !== 'all') continue;
    const req = formRequest(form);
    if (req) d.enqueue(req, next, 'form');
  }
}

/** The request a browser would send for a form filled with sample values. */
export function formRequest(form: HtmlForm): WebRequest | undefined {
  const params = new URLSearchParams();
  const radios = new Set<string>();
  let submitter = false;
  for (const f of form.fields) {
    if (f.type === 'file' || f.type === 'reset' || f.type === 'image' || (f.tag === 'button' && f.type === 'button')) continue;
    if (f.type === 'submit') {
      // only the clicked button is sent; the spider clicks the first
      if (submitter) continue;
      submitter = true;
      params.append(f.name, f.value);
      continue;
    }
    if (f.type === 'radio') {
      if (radios.has(f.name)) continue;
      radios.add(f.name);
    }
    params.append(f.name, sampleValue(f));
  }
  const query = params.toString();
  if (form.method === 'GET') {
    const u = normalizeUrl(form.action);
    if (!u) return undefined;
    const url = new URL(u);
    // a GET form replaces the action's query with its own fields
    url.search = query;
    return { method: 'GET', url: url.href, headers: {} };
  }
  return { method: 'POST', url: form.action, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: query };
}

/** A plausible value for a field: its own value when it has one, else one that fits its type or name. */
export function sampleValue(f: HtmlField): string {
  if (f.value !== '') return f.value;
  const name = f.name.toLowerCase();
  switch (f.type) {
    case 'email':
      return 'vigil@example.com';
    case 'number':
    case 'range':
      return f.attrs.min ?? '1';
    case 'tel':
      return '5555550100';
    case 'url':
      return 'https://example.com/';
    case 'date':
      return '2024-01-01';
    case 'datetime-local':
      return '2024-01-01T00:00';
    case 'time':
      return '12:00';
    case 'month':
      return '2024-01';
    case 'week':
      return '2024-W01';
    case 'color':
      return '#000000';
    case 'password':
      return 'Vigil-Passw0rd!';
    case 'checkbox':
    case 'radio':
      return 'on';
    default:
      break;
  }
  if (/mail/.test(name)) return 'vigil@example.com';
  if (/pass/.test(name)) return 'Vigil-Passw0rd!';
  if (/phone|tel/.test(name)) return '5555550100';
  if (/url|website|homepage/.test(name)) return 'https://example.com/';
  if (/^(id|.*_id|age|qty|quantity|count|num|number|page|limit|amount)$/.test(name)) return '1';
  return 'vigil';
}

/** URLs named by robots.txt: Allow/Disallow paths (wildcards cut) and Sitemap lines. */
export function robotsSeeds(text: string, origin: string): Array<{ url: string; sitemap: boolean }> {
  const out: Array<{ url: string; sitemap: boolean }> = [];
  for (const rawLine of text.split(/\r?\n|\r/)) {
    if (rawLine === '') continue;
    // `.replace(/#.*$/, '')` and `/^(allow|disallow|sitemap)\s*:\s*(.*)$/i`, without their
    // backtracking: `.*$` cannot cross the U+2028/U+2029 a line may still hold (see line-terminators.ts)
    const line = cutFromLastLine(rawLine, ['#']).trim();
    const m = /^(allow|disallow|sitemap)\s*:\s*/i.exec(line);
    if (!m?.[1]) continue;
    const rest = line.slice(m[0].length);
    if (lastLineTerminator(rest) >= 0) continue;
    const field = m[1].toLowerCase();
    let value = rest.trim();
    if (field === 'sitemap') {
      const u = normalizeUrl(value, `${origin}/`);
      if (u) out.push({ url: u, sitemap: true });
      continue;
    }
    // `*` and `$` are patterns, not path characters: the part before them is still a real path
    value = cutFromLastLine(value, ['*', '$']);
    if (!value.startsWith('/')) continue;
    const u = normalizeUrl(value, `${origin}/`);
    if (u) out.push({ url: u, sitemap: false });
  }
  return out;
}

const LOC_OPEN = /<(?:\w+:)?loc\s*>/gi;
const LOC_PARTS = { space: /\s*/y, cdataOpen: /<!\[CDATA\[/iy, cdataClose: /\]\]>/y, close: /<\/(?:\w+:)?loc\s*>/iy };

/**
 * The `<loc>` URLs of a sitemap, and whether it is a sitemap index (its locs are sitemaps). Each
 * loc is what `/<(?:\w+:)?loc\s*>\s*(?:<!\[CDATA\[)?\s*([^<\]]*?)\s*(?:\]\]>)?\s*<\/(?:\w+:)?loc\s*>/gi`
 * captures, read part by part: in that regex five parts could share one run of spaces, and a
 * `<loc>` followed by spaces and no `</loc>` tried every way to share them (degree 5).
 */
export function sitemapLocs(xml: string): { locs: string[]; index: boolean } {
  const index = /<(?:\w+:)?sitemapindex[\s>]/i.test(xml);
  const locs: string[] = [];
  const open = new RegExp(LOC_OPEN.source, LOC_OPEN.flags);
  for (let m = open.exec(xml); m; m = open.exec(xml)) {
    const loc = locAt(xml, m.index + m[0].length);
    if (loc === undefined) {
      open.lastIndex = m.index + 1;
      continue;
    }
    open.lastIndex = loc.end;
    const v = loc.value.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'");
    if (v) locs.push(v);
  }
  return { locs, index };
}

/** The value of a loc whose start tag ends at `i` and where its match ends, or undefined when no `</loc>` closes it as the regex wants. */
function locAt(xml: string, i: number): { value: string; end: number } | undefined {
  const take = (re: RegExp, at: number): number => {
    re.lastIndex = at;
    return re.exec(xml) ? re.lastIndex : at;
  };
  const valueStart = take(LOC_PARTS.space, take(LOC_PARTS.cdataOpen, take(LOC_PARTS.space, i)));
  // the value holds neither `<` nor `]`: it ends at the first of them, less its trailing spaces
  let stop = valueStart;
  while (stop < xml.length && xml[stop] !== '<' && xml[stop] !== ']') stop++;
  let valueEnd = stop;
  while (valueEnd > valueStart && /\s/.test(xml[valueEnd - 1]!)) valueEnd--;
  const closeAt = take(LOC_PARTS.space, take(LOC_PARTS.cdataClose, stop));
  const end = take(LOC_PARTS.close, closeAt);
  if (end === closeAt) return undefined;
  return { value: xml.slice(valueStart, valueEnd), end };
}
