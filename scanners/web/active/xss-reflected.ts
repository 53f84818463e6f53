/**
 * 40012 Cross Site Scripting (Reflected). As ZAP does: send a harmless unique marker, find where it
 * is reflected in the HTML, and for each place send the attack that would execute there (a script
 * tag in text, a quote breakout and event handler in an attribute, closing the comment, raw-text
 * element or string around it). The alert needs the attack back unencoded in the same place;
 * an encoded reflection never alerts.
 */
import { looksLikeHtml } from '../html.js';
import type { ActiveRule, AttackPoint, HttpClient, WebAlert } from '../types.js';
import { type HtmlContext, htmlContextAt, jsQuoteAt } from './html-context.js';
import { attackAlert, headerValue, randomToken, sendAttack } from './shared.js';

const ID = '40012';
const SCRIPT = '<scrIpt>alert(1);</scRipt>';
/** Attributes whose value is a URL: a value that starts with the input can be a javascript: URL. */
const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction', 'data', 'xlink:href']);
const MAX_CONTEXTS = 4;

interface XssAttack {
  payload: string;
  /** The text that must come back unencoded; it starts with the marker unless `bare`. */
  expect: string;
  /** The context the start of `expect` must be in for the attack to run. */
  where: (ctx: HtmlContext, body: string, at: number) => boolean;
}

function sameKind(a: HtmlContext): (ctx: HtmlContext) => boolean {
  return (b) => {
    if (a.kind !== b.kind) return false;
    if (a.kind === 'attr' && b.kind === 'attr') return a.quote === b.quote;
    if (a.kind === 'rawtext' && b.kind === 'rawtext') return a.tag === b.tag;
    return true;
  };
}

/** The attacks worth trying where the marker was reflected, most telling first. */
function attacksFor(ctx: HtmlContext, m: string, body: string, at: number): XssAttack[] {
  const same = sameKind(ctx);
  const plain = (injected: string): XssAttack => ({ payload: m + injected, expect: m + injected, where: same });
  switch (ctx.kind) {
    case 'text':
      return [plain(SCRIPT), plain('<img src=x onerror=prompt(1)>')];
    case 'comment':
      return [plain(`-->${SCRIPT}<!--`)];
    case 'tag':
      return [plain(' onMouseOver=alert(1); '), plain(`>${SCRIPT}`)];
    case 'attr': {
      const q = ctx.quote;
      const out: XssAttack[] = [];
      if (ctx.atValueStart && URL_ATTRS.has(ctx.attr)) {
        const js = 'javascript:alert(1);';
        out.push({
          payload: js,
          expect: js,
          where: (c) => c.kind === 'attr' && c.attr === ctx.attr && c.atValueStart,
        });
      }
      out.push(plain(`${q} onMouseOver=${q}alert(1);`), plain(`${q}>${SCRIPT}`));
      return out;
    }
    case 'rawtext': {
      const closeTag = `</${ctx.tag === 'script' ? 'scrIpt' : ctx.tag}>`;
      if (ctx.tag !== 'script') return [plain(`${closeTag}${SCRIPT}`)];
      const q = jsQuoteAt(body, ctx.start, at);
      const breakout: XssAttack = {
        payload: `${m}${q};alert(1);//`,
        expect: `${m}${q};alert(1);//`,
        // the marker must still sit in the same string (or in code), so the quote really closes it
        where: (c, b, i) => c.kind === 'rawtext' && c.tag === 'script' && jsQuoteAt(b, c.start, i) === q,
      };
      return [breakout, plain(`${closeTag}${SCRIPT}`)];
    }
  }
}

function contextKey(ctx: HtmlContext, body: string, at: number): string {
  switch (ctx.kind) {
    case 'attr':
      return `attr:${ctx.quote}:${ctx.atValueStart && URL_ATTRS.has(ctx.attr) ? 'url' : ''}`;
    case 'rawtext':
      return `raw:${ctx.tag}:${ctx.tag === 'script' ? jsQuoteAt(body, ctx.start, at) : ''}`;
    default:
      return ctx.kind;
  }
}

function indexesOf(text: string, needle: string, limit = 20): number[] {
  const out: number[] = [];
  for (let i = text.indexOf(needle); i >= 0 && out.length < limit; i = text.indexOf(needle, i + 1)) out.push(i);
  return out;
}

async function run(point: AttackPoint, client: HttpClient, signal?: AbortSignal): Promise<WebAlert[]> {
  const marker = `vgl${randomToken(8)}`;
  const probe = await sendAttack(client, point, marker, {}, signal);
  if (!probe || !looksLikeHtml(headerValue(probe.res, 'content-type'), probe.res.body)) return [];
  const body = probe.res.body;
  const places = new Map<string, { ctx: HtmlContext; at: number }>();
  for (const at of indexesOf(body, marker)) {
    const ctx = htmlContextAt(body, at);
    const key = contextKey(ctx, body, at);
    if (!places.has(key)) places.set(key, { ctx, at });
    if (places.size >= MAX_CONTEXTS) break;
  }
  for (const { ctx, at } of places.values()) {
    for (const attack of attacksFor(ctx, marker, body, at)) {
      const sent = await sendAttack(client, point, attack.payload, {}, signal);
      if (!sent || !looksLikeHtml(headerValue(sent.res, 'content-type'), sent.res.body)) continue;
      const b = sent.res.body;
      const hit = indexesOf(b, attack.expect).find((i) => attack.where(htmlContextAt(b, i), b, i));
      if (hit !== undefined) {
        return [attackAlert(ID, point, sent, attack.payload, attack.expect, `Reflected unencoded in ${describe(ctx)}.`)];
      }
    }
  }
  return [];
}

function describe(ctx: HtmlContext): string {
  switch (ctx.kind) {
    case 'text':
      return 'HTML text';
    case 'comment':
      return 'an HTML comment';
    case 'tag':
      return `a <${ctx.tag}> tag`;
    case 'attr':
      return `the ${ctx.attr} attribute of a <${ctx.tag}> tag`;
    case 'rawtext':
      return `a <${ctx.tag}> element`;
  }
}

/** The reflected XSS rule (ZAP 40012). */
export const xssReflectedRule: ActiveRule = { id: ID, run };
