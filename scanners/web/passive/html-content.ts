/**
 * Rules that read a page's markup: POST forms without an anti-CSRF token (10202), HTTPS pages
 * loading http:// resources (10040), and scripts/styles from other origins without Subresource
 * Integrity (90003).
 */
import { readStartTag } from '../html.js';
import type { PassiveRule, WebAlert } from '../types.js';
import { findTags, firstTime, isHtml, isHttps, makeAlert, originOf, resolveUrl, stripComments, urlOf } from './util.js';

// ---------- 10202 Absence of Anti-CSRF Tokens ----------

/** Field names frameworks use for anti-CSRF tokens (Django, Rails, ASP.NET, Laravel, csurf, OWASP CSRFGuard, …), matched partially as ZAP does. */
export const CSRF_TOKEN_NAME = /csrf|xsrf|requestverificationtoken|authenticity_token|^_?token$|anticsrf|anoncsrf/i;

/** The forms of a page: start tag, method and the names of the inputs inside. */
export function formsOf(html: string): { tag: string; method: string; action: string; id: string; inputs: { name: string; type: string }[] }[] {
  const clean = stripComments(html);
  const out: ReturnType<typeof formsOf> = [];
  for (const m of formMatches(clean)) {
    // the match starts with `<form`: its first tag, as findTags(match, ['form'])[0] would read it
    const match = clean.slice(m.start, m.end);
    const tag = readStartTag(match, 0);
    const start = { text: match.slice(tag.start, tag.end), attrs: tag.attrs };
    const inputs = findTags(clean.slice(m.tagEnd, m.contentEnd), ['input', 'button', 'select', 'textarea'])
      .map((t) => ({ name: t.attrs['name'] ?? '', type: (t.attrs['type'] ?? (t.tag === 'input' ? 'text' : t.tag)).toLowerCase() }))
      .filter((i) => i.name);
    out.push({ tag: start.text, method: (start.attrs['method'] ?? 'get').toLowerCase(), action: start.attrs['action'] ?? '', id: start.attrs['id'] ?? start.attrs['name'] ?? '', inputs });
  }
  return out;
}

/** One form as formMatches finds it: its start tag `[start, tagEnd)`, content `[tagEnd, contentEnd)`, match end `end`. */
export interface FormMatch {
  start: number;
  tagEnd: number;
  contentEnd: number;
  end: number;
}

const FORM_START = /<form(?=[\s>])/gi;
const FORM_STOP = /<\/form\s*>|<form[\s>]/gi;

/**
 * The matches of
 * `/<form(?=[\s>])(?:[^>"']|"[^"]*"|'[^']*')*>([\s\S]*?)(?:<\/form\s*>|(?=<form[\s>])|$)/gi`,
 * found in one pass. The tag part is a little automaton (outside quotes, or inside a string
 * that must close) that the regex runs afresh from every `<form`; on `<form <form <form …` with no
 * `>` each run goes to the end of the page. Here a run that fails marks the places it passed
 * outside quotes: a later `<form` that reaches one of them outside quotes fails the same way.
 */
export function formMatches(html: string): FormMatch[] {
  const out: FormMatch[] = [];
  const n = html.length;
  let failed: Uint8Array | undefined;
  const start = new RegExp(FORM_START.source, FORM_START.flags);
  const stop = new RegExp(FORM_STOP.source, FORM_STOP.flags);
  let from = 0;
  for (;;) {
    start.lastIndex = from;
    const s = start.exec(html);
    if (!s) break;
    const tagEnd = tagBodyEnd(html, s.index + 5, (failed ??= new Uint8Array(n + 1)));
    if (tagEnd < 0) {
      from = s.index + 1;
      continue;
    }
    stop.lastIndex = tagEnd;
    const t = stop.exec(html);
    // the content ends at the first closing tag or next form, else at the end of the page
    const contentEnd = t ? t.index : n;
    const end = t && t[0][1] === '/' ? t.index + t[0].length : contentEnd;
    out.push({ start: s.index, tagEnd, contentEnd, end });
    if (end >= n) break;
    from = end;
  }
  return out;
}

/**
 * Past the `>` that ends a tag's body read from `i` outside quotes; -1 when an unclosed quote or
 * the end of the page comes first. Places passed outside quotes are marked in `failed`: a run that
 * succeeds is never asked about them again (the search goes on after its match).
 */
function tagBodyEnd(html: string, i: number, failed: Uint8Array): number {
  while (i < html.length && !failed[i]) {
    failed[i] = 1;
    const c = html.charCodeAt(i);
    if (c === 0x3e) return i + 1;
    if (c === 0x22 || c === 0x27) {
      const close = html.indexOf(html[i]!, i + 1);
      if (close < 0) return -1;
      i = close + 1;
    } else {
      i++;
    }
  }
  return -1;
}

export const antiCsrfTokens: PassiveRule = {
  id: '10202',
  check(ex, ctx) {
    if (!isHtml(ex)) return [];
    const out: WebAlert[] = [];
    formsOf(ex.response.body).forEach((f, i) => {
      // a GET form changes nothing by HTTP's contract; state-changing forms are POSTs
      if (f.method !== 'post') return;
      if (f.inputs.some((inp) => inp.type === 'hidden' && CSRF_TOKEN_NAME.test(inp.name))) return;
      if (!firstTime(ctx, `10202|${urlOf(ex)}|${i}|${f.action}`)) return;
      out.push(makeAlert(ex, '10202', {
        evidence: f.tag,
        otherInfo: `No known Anti-CSRF token was found in the following HTML form: [Form ${i + 1}: ${f.inputs.map((x) => `"${x.name}"`).join(' ')} ].`,
      }));
    });
    return out;
  },
};

// ---------- 10040 Secure Pages Include Mixed Content ----------

/** Elements and the attribute that loads a resource. */
const LOADERS: [string, string][] = [['script', 'src'], ['link', 'href'], ['iframe', 'src'], ['frame', 'src'], ['img', 'src'], ['embed', 'src'], ['object', 'data'], ['audio', 'src'], ['video', 'src'], ['source', 'src'], ['track', 'src'], ['input', 'src']];

export const mixedContent: PassiveRule = {
  id: '10040',
  check(ex, ctx) {
    if (!isHttps(ex) || !isHtml(ex)) return [];
    const attrOf = new Map(LOADERS);
    const hits: { tag: string; url: string }[] = [];
    for (const t of findTags(ex.response.body, LOADERS.map(([tag]) => tag))) {
      // a plain <a href> or <link rel=canonical> loads nothing
      if (t.tag === 'link' && !/\b(?:stylesheet|icon|preload|modulepreload|manifest)\b/i.test(t.attrs['rel'] ?? '')) continue;
      const v = (t.attrs[attrOf.get(t.tag)!] ?? '').trim();
      if (/^http:\/\//i.test(v)) hits.push({ tag: t.tag, url: v });
    }
    if (hits.length === 0 || !firstTime(ctx, `10040|${urlOf(ex)}`)) return [];
    const scripts = hits.some((h) => h.tag === 'script');
    return [makeAlert(ex, '10040', {
      ...(scripts ? { name: 'Secure Pages Include Mixed Content (Including Scripts)' } : { risk: 1 as const }),
      evidence: hits[0]!.url,
      otherInfo: hits.map((h) => `tag=${h.tag} src=${h.url}`).join('\n'),
    })];
  },
};

// ---------- 90003 Sub Resource Integrity Attribute Missing ----------

export const subresourceIntegrity: PassiveRule = {
  id: '90003',
  check(ex, ctx) {
    if (!isHtml(ex)) return [];
    const page = urlOf(ex);
    const own = originOf(page);
    const out: WebAlert[] = [];
    for (const t of findTags(ex.response.body, ['script', 'link'])) {
      let ref: string | undefined;
      if (t.tag === 'script') ref = t.attrs['src'];
      else if (/\b(?:stylesheet|preload|modulepreload)\b/i.test(t.attrs['rel'] ?? '')) ref = t.attrs['href'];
      if (!ref || (t.attrs['integrity'] ?? '').trim()) continue;
      const u = resolveUrl(ref, page);
      if (!u || !/^https?:$/.test(u.protocol) || u.origin === own) continue;
      if (!firstTime(ctx, `90003|${page}|${u.href}`)) continue;
      out.push(makeAlert(ex, '90003', { evidence: t.text, otherInfo: `${t.tag} from ${u.origin} has no integrity attribute.` }));
    }
    return out;
  },
};

export const HTML_CONTENT_RULES: PassiveRule[] = [antiCsrfTokens, mixedContent, subresourceIntegrity];
