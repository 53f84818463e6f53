/**
 * Rules that read a page's markup: POST forms without an anti-CSRF token (10202), HTTPS pages
 * loading http:// resources (10040), and scripts/styles from other origins without Subresource
 * Integrity (90003).
 */
import type { PassiveRule, WebAlert } from '../types.js';
import { findTags, firstTime, isHtml, isHttps, makeAlert, originOf, resolveUrl, stripComments, urlOf } from './util.js';

// ---------- 10202 Absence of Anti-CSRF Tokens ----------

/** Field names frameworks use for anti-CSRF tokens (Django, Rails, ASP.NET, Laravel, csurf, OWASP CSRFGuard, …), matched partially as ZAP does. */
export const CSRF_TOKEN_NAME = /csrf|xsrf|requestverificationtoken|authenticity_token|^_?token$|anticsrf|anoncsrf/i;

/** The forms of a page: start tag, method and the names of the inputs inside. */
export function formsOf(html: string): { tag: string; method: string; action: string; id: string; inputs: { name: string; type: string }[] }[] {
  const clean = stripComments(html);
  const out: ReturnType<typeof formsOf> = [];
  const re = /<form(?=[\s>])(?:[^>"']|"[^"]*"|'[^']*')*>([\s\S]*?)(?:<\/form\s*>|(?=<form[\s>])|$)/gi;
  for (const m of clean.matchAll(re)) {
    const start = findTags(m[0], ['form'])[0];
    if (!start) continue;
    const inputs = findTags(m[1] ?? '', ['input', 'button', 'select', 'textarea'])
      .map((t) => ({ name: t.attrs['name'] ?? '', type: (t.attrs['type'] ?? (t.tag === 'input' ? 'text' : t.tag)).toLowerCase() }))
      .filter((i) => i.name);
    out.push({ tag: start.text, method: (start.attrs['method'] ?? 'get').toLowerCase(), action: start.attrs['action'] ?? '', id: start.attrs['id'] ?? start.attrs['name'] ?? '', inputs });
  }
  return out;
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
