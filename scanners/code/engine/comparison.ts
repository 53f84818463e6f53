/**
 * `metavariable-comparison`: the common subset of Semgrep's Python-like expressions — numbers,
 * strings, metavariables, `int()`, `str()`, `float()`, `len()`, `re.match()`, arithmetic,
 * comparisons (chained ones too), `in`, `and`/`or`/`not`. A metavariable bound to a number
 * literal compares as that number, one bound to a string literal as its content.
 */
import { stringContent } from './pattern.js';

type Value = number | string | boolean;

/** Evaluate a comparison with metavariable texts; a runtime problem (unbound name, bad int()) is false. */
export function evaluateComparison(expr: string, lookup: (name: string) => string | undefined): boolean {
  try {
    const p = new Parser(tokenize(expr), lookup);
    const v = p.or();
    if (!p.done()) return false;
    return truthy(v);
  } catch {
    return false;
  }
}

type Tok = { k: 'num'; v: number } | { k: 'str'; v: string } | { k: 'mv'; v: string } | { k: 'id'; v: string } | { k: 'op'; v: string };

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = s.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(rest))) {
      out.push({ k: 'num', v: toNumber(m[1]!) });
    } else if ((m = /^("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')/.exec(rest))) {
      out.push({ k: 'str', v: m[1]!.slice(1, -1).replace(/\\(.)/g, '$1') });
    } else if ((m = /^\$[A-Z_][A-Z0-9_]*/.exec(rest))) {
      out.push({ k: 'mv', v: m[0] });
    } else if ((m = /^[A-Za-z_][\w.]*/.exec(rest))) {
      out.push({ k: 'id', v: m[0] });
    } else if ((m = /^(<=|>=|==|!=|<|>|\+|-|\*|\/\/|\/|%|\(|\)|,)/.exec(rest))) {
      out.push({ k: 'op', v: m[1]! });
    } else {
      throw new Error(`unexpected "${c}"`);
    }
    i += m[0].length;
  }
  return out;
}

function toNumber(text: string): number {
  const t = text.replace(/_/g, '');
  if (/^0[xX]/.test(t)) return parseInt(t.slice(2), 16);
  if (/^0[oO]/.test(t)) return parseInt(t.slice(2), 8);
  if (/^0[bB]/.test(t)) return parseInt(t.slice(2), 2);
  return Number(t);
}

/** A bound metavariable's value: a number literal as a number, a string literal as its content. */
function valueOf(text: string): Value {
  const t = text.trim();
  if (/^-?(0[xX][0-9a-fA-F_]+|\d[\d_]*(\.\d+)?([eE][+-]?\d+)?)[lLnuU]*$/.test(t)) return (t.startsWith('-') ? -1 : 1) * toNumber(t.replace(/^-/, '').replace(/[lLnuU]+$/, ''));
  if (/^[rRbBuUfF]{0,2}(["'`]).*\1$/s.test(t)) return stringContent(t);
  return t;
}

function truthy(v: Value): boolean {
  return typeof v === 'string' ? v.length > 0 : Boolean(v);
}

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly lookup: (name: string) => string | undefined,
  ) {}

  done(): boolean {
    return this.i >= this.toks.length;
  }

  private peek(): Tok | undefined {
    return this.toks[this.i];
  }

  private isOp(v: string): boolean {
    const t = this.peek();
    return t !== undefined && (t.k === 'op' || t.k === 'id') && t.v === v;
  }

  private expect(v: string): void {
    if (!this.isOp(v)) throw new Error(`expected ${v}`);
    this.i++;
  }

  or(): Value {
    let l = this.and();
    while (this.isOp('or')) {
      this.i++;
      const r = this.and();
      l = truthy(l) || truthy(r);
    }
    return l;
  }

  private and(): Value {
    let l = this.not();
    while (this.isOp('and')) {
      this.i++;
      const r = this.not();
      l = truthy(l) && truthy(r);
    }
    return l;
  }

  private not(): Value {
    if (this.isOp('not')) {
      this.i++;
      return !truthy(this.not());
    }
    return this.comparison();
  }

  private comparison(): Value {
    let l = this.sum();
    let result: boolean | undefined;
    for (;;) {
      const t = this.peek();
      const op = t && (t.k === 'op' || t.k === 'id') ? t.v : undefined;
      if (!op || !['<', '<=', '>', '>=', '==', '!=', 'in'].includes(op)) break;
      this.i++;
      const r = this.sum();
      const ok = compare(l, op, r);
      result = (result ?? true) && ok;
      l = r;
    }
    return result ?? l;
  }

  private sum(): Value {
    let l = this.product();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.toks[this.i++]!.v;
      const r = this.product();
      l = op === '+' ? (typeof l === 'string' || typeof r === 'string' ? `${l}${r}` : Number(l) + Number(r)) : Number(l) - Number(r);
    }
    return l;
  }

  private product(): Value {
    let l = this.unary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('//') || this.isOp('%')) {
      const op = this.toks[this.i++]!.v;
      const r = Number(this.unary());
      const a = Number(l);
      l = op === '*' ? a * r : op === '/' ? a / r : op === '//' ? Math.floor(a / r) : a % r;
    }
    return l;
  }

  private unary(): Value {
    if (this.isOp('-')) {
      this.i++;
      return -Number(this.unary());
    }
    return this.primary();
  }

  private primary(): Value {
    const t = this.toks[this.i++];
    if (!t) throw new Error('unexpected end');
    switch (t.k) {
      case 'num':
      case 'str':
        return t.v;
      case 'mv': {
        const text = this.lookup(t.v);
        if (text === undefined) throw new Error(`${t.v} is not bound`);
        return valueOf(text);
      }
      case 'op':
        if (t.v === '(') {
          const v = this.or();
          this.expect(')');
          return v;
        }
        throw new Error(`unexpected ${t.v}`);
      case 'id': {
        if (t.v === 'True') return true;
        if (t.v === 'False') return false;
        this.expect('(');
        const args: Value[] = [];
        if (!this.isOp(')')) {
          args.push(this.or());
          while (this.isOp(',')) {
            this.i++;
            args.push(this.or());
          }
        }
        this.expect(')');
        return call(t.v, args);
      }
    }
  }
}

function call(name: string, args: Value[]): Value {
  const a = args[0];
  switch (name) {
    case 'int': {
      const n = typeof a === 'number' ? Math.trunc(a) : toNumber(String(a).trim());
      if (Number.isNaN(n)) throw new Error('int() of a non-number');
      return n;
    }
    case 'float':
      return Number(a);
    case 'str':
      return String(a);
    case 'len':
      return String(a).length;
    case 're.match':
      return new RegExp(`^(?:${String(a)})`).test(String(args[1] ?? ''));
    default:
      throw new Error(`unknown function ${name}`);
  }
}

function compare(l: Value, op: string, r: Value): boolean {
  if (op === 'in') return String(r).includes(String(l));
  if (op === '==') return l === r || (typeof l !== typeof r && String(l) === String(r));
  if (op === '!=') return !(l === r || (typeof l !== typeof r && String(l) === String(r)));
  const [a, b] = typeof l === 'number' || typeof r === 'number' ? [Number(l), Number(r)] : [l, r];
  if (op === '<') return a < b;
  if (op === '<=') return a <= b;
  if (op === '>') return a > b;
  return a >= b;
}
