/**
 * Small, tolerant HTML extraction for the crawler and the passive rules: a hand tokenizer (tags,
 * attributes, comments, raw text of script/style/textarea) and extractors for links, forms,
 * scripts, stylesheets, meta charset and meta refresh. It never throws: malformed markup yields
 * what could be read, the way browsers recover.
 */

/** One start tag, with lower-case name and attribute names (first occurrence wins, as in browsers). */
export interface HtmlTag {
  name: string;
  attrs: Record<string, string>;
  /** Offset of `<` in the input. */
  start: number;
  /** Offset just past the tag's `>`. */
  end: number;
  /** Raw content of script, style, textarea and title (up to their end tag). */
  text?: string;
}

export interface HtmlComment {
  text: string;
  start: number;
}

export interface HtmlEndTag {
  name: string;
  start: number;
}

export type HtmlToken = ({ kind: 'tag' } & HtmlTag) | ({ kind: 'end' } & HtmlEndTag) | ({ kind: 'comment' } & HtmlComment);

export interface HtmlField {
  /** The element: input, textarea, select or button. */
  tag: 'input' | 'textarea' | 'select' | 'button';
  name: string;
  /** Lower-case; `text` when absent (input), `submit` for buttons without a type. */
  type: string;
  /** The initial value (select: the selected option, else the first). */
  value: string;
  /** For checkboxes and radios. */
  checked?: boolean;
  attrs: Record<string, string>;
}

export interface HtmlForm {
  /** Absolute URL (the page's URL when the form has no action). */
  action: string;
  method: 'GET' | 'POST';
  /** Lower-case; application/x-www-form-urlencoded when absent. */
  enctype: string;
  fields: HtmlField[];
  attrs: Record<string, string>;
}

export interface HtmlScript {
  /** Absolute URL. */
  src: string;
  integrity?: string;
  crossorigin?: string;
  attrs: Record<string, string>;
}

export interface HtmlStylesheet {
  /** Absolute URL. */
  href: string;
  integrity?: string;
  crossorigin?: string;
  attrs: Record<string, string>;
}

const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'noembed', 'noframes']);

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', '#39': "'",
};

/** Decodes the character references found in attribute values and text (numeric and the common named ones). */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8});?/g, (m, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      // invalid code points become U+FFFD, as browsers do
      if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
      return String.fromCodePoint(code);
    }
    return NAMED_ENTITIES[ref.toLowerCase()] ?? m;
  });
}

function isNameStart(c: string | undefined): boolean {
  if (c === undefined) return false;
  const code = c.charCodeAt(0) | 0x20;
  return code >= 0x61 && code <= 0x7a;
}

/** `\s` of a regex, by UTF-16 unit: the tokenizer reads a character at a time without a regex per character. */
export function isSpaceCode(c: number): boolean {
  return (
    c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

const SLASH = 0x2f;
const GT = 0x3e;
const EQ = 0x3d;

/** The end tag that closes a raw-text element, one regex per RAW_TEXT name (not one per element of a page). */
const closeTagRes = new Map<string, RegExp>();

function closeTagRe(name: string): RegExp {
  let re = closeTagRes.get(name);
  if (!re) {
    re = new RegExp(`</${name}(?=[\\s/>]|$)`, 'ig');
    closeTagRes.set(name, re);
  }
  return re;
}

/** Tokenizes HTML into start tags, end tags and comments; text between tags is skipped. */
export function tokenize(html: string): HtmlToken[] {
  const out: HtmlToken[] = [];
  const n = html.length;
  let i = 0;
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    if (html.startsWith('<!--', lt)) {
      const close = html.indexOf('-->', lt + 4);
      const end = close < 0 ? n : close;
      out.push({ kind: 'comment', text: html.slice(lt + 4, end), start: lt });
      i = close < 0 ? n : close + 3;
      continue;
    }
    const next = html[lt + 1];
    if (next === '/' && !isNameStart(html[lt + 2])) {
      i = lt + 2;
      continue;
    }
    // `<!…>`, `<?…>` and `</name…>` run to the next `>`, searched for in one place. With the same
    // search written in each of two branches, once V8 had optimized the loop the search ran at every
    // `<` (measured, and seen in a CPU profile): to the end of the page when no `>` follows, so
    // quadratic on `<<<…`. The cases in bench/pathological.ts hold this form to linear time.
    if (next === '!' || next === '?' || next === '/') {
      const gt = html.indexOf('>', lt + 2);
      if (next === '/') {
        const m = /^[^\s/>]+/.exec(html.slice(lt + 2, lt + 2 + 64));
        out.push({ kind: 'end', name: (m?.[0] ?? '').toLowerCase(), start: lt });
      }
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
    let endTag: HtmlToken | undefined;
    if (RAW_TEXT.has(tag.name)) {
      // raw text runs to the matching end tag: markup inside a script is not markup
      const closeRe = closeTagRe(tag.name);
      closeRe.lastIndex = tag.end;
      const cm = closeRe.exec(html);
      const stop = cm ? cm.index : n;
      tag.text = html.slice(tag.end, stop);
      if (cm) {
        const gt = html.indexOf('>', stop);
        endTag = { kind: 'end', name: tag.name, start: stop };
        i = gt < 0 ? n : gt + 1;
      } else {
        i = n;
      }
    }
    if (endTag) out.push(endTag);
  }
  return out;
}

/** The start tag whose `<` is at `lt` (a letter follows it), read as tokenize reads it. */
export function readStartTag(html: string, lt: number): { kind: 'tag' } & HtmlTag {
  const n = html.length;
  let i = lt + 1;
  while (i < n && !isSpaceCode(html.charCodeAt(i)) && html.charCodeAt(i) !== SLASH && html.charCodeAt(i) !== GT) i++;
  const name = html.slice(lt + 1, i);
  const attrs: Record<string, string> = {};
  for (;;) {
    while (i < n && (isSpaceCode(html.charCodeAt(i)) || html.charCodeAt(i) === SLASH)) i++;
    if (i >= n) break;
    if (html.charCodeAt(i) === GT) {
      i++;
      break;
    }
    // a stray `=` or quote may start a name: browsers keep it, so do we
    const nameStart = i++;
    while (i < n && !isAttrNameEnd(html.charCodeAt(i))) i++;
    const an = html.slice(nameStart, i);
    while (i < n && isSpaceCode(html.charCodeAt(i))) i++;
    let value = '';
    if (html.charCodeAt(i) === EQ) {
      i++;
      while (i < n && isSpaceCode(html.charCodeAt(i))) i++;
      const q = html[i];
      if (q === '"' || q === "'") {
        const close = html.indexOf(q, i + 1);
        const end = close < 0 ? n : close;
        value = html.slice(i + 1, end);
        i = close < 0 ? n : close + 1;
      } else {
        const start = i;
        while (i < n && !isSpaceCode(html.charCodeAt(i)) && html.charCodeAt(i) !== GT) i++;
        value = html.slice(start, i);
      }
    }
    const key = an.toLowerCase();
    if (!(key in attrs)) attrs[key] = decodeEntities(value);
  }
  return { kind: 'tag', name: name.toLowerCase(), attrs, start: lt, end: Math.min(i, n) };
}

function isAttrNameEnd(c: number): boolean {
  return isSpaceCode(c) || c === SLASH || c === GT || c === EQ;
}

/** Resolves a reference against a base; undefined for unparsable or non-fetchable schemes. */
export function resolveUrl(ref: string, base: string): string | undefined {
  // browsers strip leading/trailing C0 controls and spaces, and tabs/newlines anywhere
  const cleaned = ref.replace(/[\t\n\r]/g, '').trim();
  if (cleaned === '') return undefined;
  try {
    const u = new URL(cleaned, base);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    return u.href;
  } catch {
    return undefined;
  }
}

/** The document's base URL: the first `<base href>` resolved against the page URL. */
export function baseOf(tokens: HtmlToken[], pageUrl: string): string {
  for (const t of tokens) {
    if (t.kind === 'tag' && t.name === 'base' && t.attrs.href !== undefined) {
      return resolveUrl(t.attrs.href, pageUrl) ?? pageUrl;
    }
  }
  return pageUrl;
}

const LINK_ATTRS: ReadonlyArray<[string, string]> = [
  ['a', 'href'], ['link', 'href'], ['area', 'href'], ['iframe', 'src'], ['frame', 'src'],
];

/** Absolute http(s) URLs of a, link, area, iframe and frame elements, in document order, deduplicated. */
export function extractLinks(html: string, baseUrl: string): string[] {
  const tokens = tokenize(html);
  const base = baseOf(tokens, baseUrl);
  const seen = new Set<string>();
  for (const t of tokens) {
    if (t.kind !== 'tag') continue;
    for (const [tag, attr] of LINK_ATTRS) {
      if (t.name !== tag) continue;
      const v = t.attrs[attr];
      if (v === undefined) continue;
      const u = resolveUrl(v, base);
      if (u) seen.add(u);
    }
  }
  return [...seen];
}

/** External scripts (`script[src]`) with their integrity and crossorigin attributes. */
export function extractScripts(html: string, baseUrl: string): HtmlScript[] {
  const tokens = tokenize(html);
  const base = baseOf(tokens, baseUrl);
  const out: HtmlScript[] = [];
  for (const t of tokens) {
    if (t.kind !== 'tag' || t.name !== 'script' || t.attrs.src === undefined) continue;
    const src = resolveUrl(t.attrs.src, base);
    if (!src) continue;
    const s: HtmlScript = { src, attrs: t.attrs };
    if (t.attrs.integrity !== undefined) s.integrity = t.attrs.integrity;
    if (t.attrs.crossorigin !== undefined) s.crossorigin = t.attrs.crossorigin;
    out.push(s);
  }
  return out;
}

/** The text of inline scripts (`script` without src). */
export function extractInlineScripts(html: string): string[] {
  return tokenize(html)
    .filter((t): t is { kind: 'tag' } & HtmlTag => t.kind === 'tag' && t.name === 'script' && t.attrs.src === undefined)
    .map((t) => t.text ?? '');
}

/** Stylesheets (`link rel=stylesheet`) with integrity and crossorigin, for the SRI rule. */
export function extractStylesheets(html: string, baseUrl: string): HtmlStylesheet[] {
  const tokens = tokenize(html);
  const base = baseOf(tokens, baseUrl);
  const out: HtmlStylesheet[] = [];
  for (const t of tokens) {
    if (t.kind !== 'tag' || t.name !== 'link' || t.attrs.href === undefined) continue;
    const rel = (t.attrs.rel ?? '').toLowerCase().split(/\s+/);
    if (!rel.includes('stylesheet')) continue;
    const href = resolveUrl(t.attrs.href, base);
    if (!href) continue;
    const s: HtmlStylesheet = { href, attrs: t.attrs };
    if (t.attrs.integrity !== undefined) s.integrity = t.attrs.integrity;
    if (t.attrs.crossorigin !== undefined) s.crossorigin = t.attrs.crossorigin;
    out.push(s);
  }
  return out;
}

/** Forms with their fields, as a browser would submit them (nested forms ignored, as browsers do). */
export function extractForms(html: string, baseUrl: string): HtmlForm[] {
  const tokens = tokenize(html);
  const base = baseOf(tokens, baseUrl);
  const forms: HtmlForm[] = [];
  let current: HtmlForm | undefined;
  let select: HtmlField | undefined;
  let selectHasValue = false;
  let selectExplicit = false;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k] as HtmlToken;
    if (t.kind === 'end') {
      if (t.name === 'form') current = undefined;
      if (t.name === 'select') select = undefined;
      continue;
    }
    if (t.kind !== 'tag') continue;
    if (t.name === 'form') {
      if (current) continue;
      const method = (t.attrs.method ?? 'get').trim().toUpperCase() === 'POST' ? 'POST' : 'GET';
      const action = t.attrs.action !== undefined && t.attrs.action.trim() !== '' ? resolveUrl(t.attrs.action, base) : baseUrl.replace(/#.*$/, '');
      if (action === undefined) continue;
      current = { action, method, enctype: (t.attrs.enctype ?? 'application/x-www-form-urlencoded').toLowerCase(), fields: [], attrs: t.attrs };
      forms.push(current);
      continue;
    }
    if (!current) continue;
    const name = t.attrs.name;
    if (t.name === 'input') {
      if (name === undefined) continue;
      const type = (t.attrs.type ?? 'text').toLowerCase();
      const f: HtmlField = { tag: 'input', name, type, value: t.attrs.value ?? (type === 'checkbox' || type === 'radio' ? 'on' : ''), attrs: t.attrs };
      if (type === 'checkbox' || type === 'radio') f.checked = 'checked' in t.attrs;
      current.fields.push(f);
    } else if (t.name === 'textarea') {
      if (name === undefined) continue;
      // a leading newline right after <textarea> is not part of the value
      current.fields.push({ tag: 'textarea', name, type: 'textarea', value: decodeEntities((t.text ?? '').replace(/^\r?\n/, '')), attrs: t.attrs });
    } else if (t.name === 'button') {
      if (name === undefined) continue;
      current.fields.push({ tag: 'button', name, type: (t.attrs.type ?? 'submit').toLowerCase(), value: t.attrs.value ?? '', attrs: t.attrs });
    } else if (t.name === 'select') {
      if (name === undefined) {
        select = undefined;
        continue;
      }
      select = { tag: 'select', name, type: 'select', value: '', attrs: t.attrs };
      selectHasValue = false;
      selectExplicit = false;
      current.fields.push(select);
    } else if (t.name === 'option' && select) {
      const value = t.attrs.value ?? optionText(html, t, tokens[k + 1]);
      // the first option is the default; the first explicitly selected one overrides it
      if (!selectHasValue || ('selected' in t.attrs && !selectExplicit)) {
        select.value = value;
        selectHasValue = true;
        if ('selected' in t.attrs) selectExplicit = true;
      }
    }
  }
  return forms;
}

function optionText(html: string, t: HtmlTag, next: HtmlToken | undefined): string {
  const stop = next ? next.start : html.length;
  return decodeEntities(html.slice(t.end, stop)).replace(/\s+/g, ' ').trim();
}

/** The charset a `<meta charset>` or `<meta http-equiv=content-type>` declares, lower-case. */
export function extractMetaCharset(html: string): string | undefined {
  for (const t of tokenize(html)) {
    if (t.kind !== 'tag' || t.name !== 'meta') continue;
    if (t.attrs.charset !== undefined && t.attrs.charset.trim() !== '') return t.attrs.charset.trim().toLowerCase();
    if ((t.attrs['http-equiv'] ?? '').toLowerCase() === 'content-type') {
      const m = /charset\s*=\s*["']?([^;"'\s]+)/i.exec(t.attrs.content ?? '');
      if (m?.[1]) return m[1].toLowerCase();
    }
  }
  return undefined;
}

/** The target of `<meta http-equiv=refresh content="N; url=...">`, absolute; undefined when none. */
export function extractMetaRefresh(html: string, baseUrl: string): string | undefined {
  const tokens = tokenize(html);
  for (const t of tokens) {
    if (t.kind !== 'tag' || t.name !== 'meta') continue;
    if ((t.attrs['http-equiv'] ?? '').toLowerCase() !== 'refresh') continue;
    let target = refreshUrlPart(t.attrs.content ?? '').trim();
    if (target === '') continue;
    if ((target.startsWith('"') || target.startsWith("'")) && target.length > 1) {
      const q = target[0] as string;
      const close = target.indexOf(q, 1);
      target = target.slice(1, close < 0 ? undefined : close);
    }
    return resolveUrl(target, baseOf(tokens, baseUrl));
  }
  return undefined;
}

/** The parts of a refresh's content before its URL, in order (see refreshUrlPart). */
const REFRESH_PARTS = [/\s*/y, /[\d.]*/y, /\s*/y, /[;,]?/y, /\s*/y, /(?:url\s*=\s*)?/iy];

/**
 * What `/^\s*[\d.]*\s*[;,]?\s*(?:url\s*=\s*)?(.*)$/i` captures in a refresh's content ('' when it
 * does not match), stage by stage. Five of its parts can take the same whitespace, so a value of
 * spaces and a line break made the regex try every way to share them out: polynomial of degree 5.
 * Each part taking all it can is what the regex's first try does, and when the rest then holds a
 * line break (which `.` cannot take) no other sharing can do better, so one pass gives its answer.
 */
export function refreshUrlPart(content: string): string {
  let i = 0;
  for (const part of REFRESH_PARTS) {
    part.lastIndex = i;
    i += part.exec(content)?.[0].length ?? 0;
  }
  const rest = content.slice(i);
  return /[\n\r\u2028\u2029]/.test(rest) ? '' : rest;
}

/** The text of every HTML comment, in order. */
export function extractComments(html: string): string[] {
  return tokenize(html)
    .filter((t): t is { kind: 'comment' } & HtmlComment => t.kind === 'comment')
    .map((t) => t.text);
}

/** True when a response looks like HTML (by Content-Type, or by its first bytes when the type is missing). */
export function looksLikeHtml(contentType: string | undefined, body: string): boolean {
  if (contentType) return /\b(text\/html|application\/xhtml\+xml)\b/i.test(contentType);
  return /^\s*(<!doctype html|<html|<head|<body|<!--)/i.test(body.slice(0, 512));
}
