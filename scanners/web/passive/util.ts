/**
 * Small helpers the passive rules share: header access, content-type tests, the "once per site"
 * bookkeeping of ZAP's baseline, and a few regex-level HTML readers (no DOM: passive rules run
 * on every response, and a tolerant regex is what ZAP's own rules amount to for these checks).
 */
import { tokenize } from '../html.js';
import type { Exchange, PassiveContext, WebAlert, ZapConfidence, ZapRisk } from '../types.js';

/** All values of a response header (repeated headers and node's comma-joined form kept apart only when they arrive as an array). */
export function headerValues(ex: Exchange, name: string): string[] {
  const v = ex.response.headers[name.toLowerCase()];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** One response header as a single string (repeated values joined with ", "), or undefined. */
export function header(ex: Exchange, name: string): string | undefined {
  const vs = headerValues(ex, name);
  return vs.length ? vs.join(', ') : undefined;
}

/** The media type of the response, lower-case, without parameters ('' when absent). */
export function mediaType(ex: Exchange): string {
  return (header(ex, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

/** HTML by Content-Type, or by the body's first bytes when the server sent no type. */
export function isHtml(ex: Exchange): boolean {
  const t = mediaType(ex);
  if (t) return t === 'text/html' || t === 'application/xhtml+xml';
  return /^\s*<(?:!doctype\s+html|html[\s>])/i.test(ex.response.body.slice(0, 512));
}

/** JavaScript by Content-Type or, without one, by the URL's extension. */
export function isJavaScript(ex: Exchange): boolean {
  const t = mediaType(ex);
  if (t) return /(?:java|ecma)script|^text\/jscript$/.test(t);
  return /\.m?js$/i.test(pathOf(ex.response.url || ex.request.url));
}

/** A stylesheet by Content-Type. */
export function isCss(ex: Exchange): boolean {
  return mediaType(ex) === 'text/css';
}

/** An image by Content-Type. */
export function isImage(ex: Exchange): boolean {
  return mediaType(ex).startsWith('image/');
}

/** A web font by Content-Type or extension. */
export function isFont(ex: Exchange): boolean {
  const t = mediaType(ex);
  return t.startsWith('font/') || t === 'application/font-woff' || /\.(?:woff2?|ttf|otf|eot)$/i.test(pathOf(ex.request.url));
}

/** The URL the rules report: the one that answered. */
export function urlOf(ex: Exchange): string {
  return ex.response.url || ex.request.url;
}

/** True when the answering URL is https. */
export function isHttps(ex: Exchange): boolean {
  return urlOf(ex).toLowerCase().startsWith('https:');
}

/** 2xx: ZAP's baseline (MEDIUM threshold) skips errors and redirects for header rules. */
export function isSuccess(ex: Exchange): boolean {
  return ex.response.status >= 200 && ex.response.status < 300;
}

/** The origin of a URL (the URL itself when it does not parse). */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/** True the first time `key` is seen in this scan; rules use it to report once per site, cookie or page. */
export function firstTime(ctx: PassiveContext, key: string): boolean {
  if (ctx.seen.has(key)) return false;
  ctx.seen.add(key);
  return true;
}

/** Key for site-wide header problems: one alert per origin, rule and variant, as ZAP's baseline groups them. */
export function siteKey(ex: Exchange, pluginId: string, variant = ''): string {
  return `${pluginId}|${originOf(urlOf(ex))}|${variant}`;
}

export interface AlertFields {
  name?: string;
  risk?: ZapRisk;
  confidence?: ZapConfidence;
  param?: string;
  evidence?: string;
  otherInfo?: string;
}

/** An alert on this exchange's URL and method. */
export function makeAlert(ex: Exchange, pluginId: string, f: AlertFields = {}): WebAlert {
  const a: WebAlert = { pluginId, url: urlOf(ex), method: ex.request.method.toUpperCase(), evidence: f.evidence ?? '' };
  if (f.name !== undefined) a.name = f.name;
  if (f.risk !== undefined) a.risk = f.risk;
  if (f.confidence !== undefined) a.confidence = f.confidence;
  if (f.param !== undefined) a.param = f.param;
  if (f.otherInfo !== undefined) a.otherInfo = f.otherInfo;
  return a;
}

/** An HTML start tag found by regex: its full text and its attributes (lower-case names, entity-light values). */
export interface TagMatch {
  tag: string;
  text: string;
  index: number;
  attrs: Record<string, string>;
}

/**
 * Blank out comments (same length, so offsets hold), so markup inside `<!-- -->` does not count
 * (ZAP's parser skips them too). What `html.replace(/<!--[\s\S]*?-->/g, …)` does, without its
 * rescan to the end of the page from every `<!--` once none is closed any more.
 */
export function stripComments(html: string): string {
  let out = '';
  let done = 0;
  for (;;) {
    const open = html.indexOf('<!--', done);
    if (open < 0) break;
    const close = html.indexOf('-->', open + 4);
    // no later comment can close either
    if (close < 0) break;
    out += html.slice(done, open) + ' '.repeat(close + 3 - open);
    done = close + 3;
  }
  return done === 0 ? html : out + html.slice(done);
}

/** Start tags with one of `names` (lower-case), in document order, as html.ts's tokenizer reads them (comments and script text skipped). */
export function findTags(html: string, names: string[]): TagMatch[] {
  const wanted = new Set(names);
  const out: TagMatch[] = [];
  for (const t of tokenize(html)) {
    if (t.kind === 'tag' && wanted.has(t.name)) out.push({ tag: t.name, text: html.slice(t.start, t.end), index: t.start, attrs: t.attrs });
  }
  return out;
}

/** The `content` of `<meta http-equiv=name>` tags (case-insensitive name). */
export function metaHttpEquiv(html: string, name: string): string[] {
  return findTags(html, ['meta'])
    .filter((t) => (t.attrs['http-equiv'] ?? '').toLowerCase() === name.toLowerCase())
    .map((t) => t.attrs['content'] ?? '');
}

/** Resolve `ref` against `base`; undefined for junk. */
export function resolveUrl(ref: string, base: string): URL | undefined {
  try {
    return new URL(ref.trim(), base);
  } catch {
    return undefined;
  }
}
