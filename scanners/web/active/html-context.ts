/**
 * Where in an HTML document an offset falls, the way a browser's tokenizer would see it: text,
 * comment, the raw text of script/style/textarea/title, between a tag's attributes, or inside an
 * attribute value (and its quote). The XSS rule needs this to choose an attack that would execute
 * in that place; the crawler's tokenizer (../html.ts) gives tokens, not the state at an offset.
 */

export type HtmlContext =
  | { kind: 'text' }
  | { kind: 'comment' }
  /** Inside script/style/textarea/title/…: markup is not parsed until the matching end tag. */
  | { kind: 'rawtext'; tag: string; start: number }
  /** Inside a start or end tag, outside any attribute value (tag or attribute name position). */
  | { kind: 'tag'; tag: string }
  | { kind: 'attr'; tag: string; attr: string; quote: '"' | "'" | ''; atValueStart: boolean };

const RAWTEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript']);

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f';
const isLetter = (c: string | undefined): boolean => c !== undefined && /[A-Za-z]/.test(c);

/** The tokenizer context at `offset` (the state just before the character at that offset). */
export function htmlContextAt(html: string, offset: number): HtmlContext {
  let i = 0;
  while (i < offset) {
    const lt = html.indexOf('<', i);
    if (lt < 0 || lt >= offset) return { kind: 'text' };
    if (html.startsWith('<!--', lt)) {
      const close = html.indexOf('-->', lt + 4);
      if (close < 0 || close + 3 > offset) return { kind: 'comment' };
      i = close + 3;
      continue;
    }
    if (html[lt + 1] === '!' || html[lt + 1] === '?') {
      // doctype and bogus comments run to the next '>'
      const close = html.indexOf('>', lt);
      if (close < 0 || close >= offset) return { kind: 'comment' };
      i = close + 1;
      continue;
    }
    const isEnd = html[lt + 1] === '/';
    const nameStart = lt + (isEnd ? 2 : 1);
    if (!isLetter(html[nameStart])) {
      i = lt + 1;
      continue;
    }
    let j = nameStart;
    while (j < html.length && !isSpace(html[j]) && html[j] !== '/' && html[j] !== '>') j++;
    const tag = html.slice(nameStart, j).toLowerCase();
    if (j >= offset) return { kind: 'tag', tag };
    const r = scanTag(html, j, offset, tag);
    if (typeof r !== 'number') return r;
    i = r;
    if (!isEnd && RAWTEXT.has(tag)) {
      const close = indexOfEndTag(html, tag, i);
      if (close < 0 || close >= offset) return { kind: 'rawtext', tag, start: i };
      i = close;
    }
  }
  return { kind: 'text' };
}

/** Walk a tag's attributes from `from`; the offset after its '>' or the context when `offset` falls inside. */
function scanTag(html: string, from: number, offset: number, tag: string): number | HtmlContext {
  let j = from;
  for (;;) {
    while (j < html.length && (isSpace(html[j]) || html[j] === '/')) j++;
    if (j >= offset) return { kind: 'tag', tag };
    if (j >= html.length) return html.length;
    if (html[j] === '>') return j + 1;
    const nameStart = j;
    // the first character of an attribute name may be '='; after it, '=' ends the name
    j++;
    while (j < html.length && !isSpace(html[j]) && html[j] !== '/' && html[j] !== '>' && html[j] !== '=') j++;
    if (j >= offset) return { kind: 'tag', tag };
    const attr = html.slice(nameStart, j).toLowerCase();
    let k = j;
    while (k < html.length && isSpace(html[k])) k++;
    if (html[k] !== '=') continue;
    k++;
    while (k < html.length && isSpace(html[k])) k++;
    if (k >= offset) return { kind: 'attr', tag, attr, quote: '', atValueStart: k === offset };
    const q = html[k];
    if (q === '"' || q === "'") {
      const close = html.indexOf(q, k + 1);
      if (close < 0 || close >= offset) return { kind: 'attr', tag, attr, quote: q, atValueStart: k + 1 === offset };
      j = close + 1;
    } else {
      let e = k;
      while (e < html.length && !isSpace(html[e]) && html[e] !== '>') e++;
      if (e >= offset) return { kind: 'attr', tag, attr, quote: '', atValueStart: k === offset };
      j = e;
    }
  }
}

function indexOfEndTag(html: string, tag: string, from: number): number {
  const re = new RegExp(`</${tag}[\\s/>]`, 'ig');
  re.lastIndex = from;
  const m = re.exec(html);
  return m ? m.index : -1;
}

/** Inside a script's text from `start` to `offset`: the open string quote, or '' when in code. */
export function jsQuoteAt(html: string, start: number, offset: number): '"' | "'" | '`' | '' {
  let quote: '"' | "'" | '`' | '' = '';
  for (let i = start; i < offset; i++) {
    const c = html[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      else if ((c === '\n' || c === '\r') && quote !== '`') quote = '';
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '/' && html[i + 1] === '/') {
      const nl = html.indexOf('\n', i);
      if (nl < 0 || nl >= offset) return '';
      i = nl;
    } else if (c === '/' && html[i + 1] === '*') {
      const close = html.indexOf('*/', i + 2);
      if (close < 0 || close >= offset) return '';
      i = close + 1;
    }
  }
  return quote;
}
