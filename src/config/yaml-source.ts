import {
  LineCounter,
  isAlias,
  isCollection,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  visit,
  type Document,
  type Pair,
  type YAMLMap,
} from 'yaml';
import { VigilError, type ErrorCode } from '../errors.js';
import type { PathSegment, PointAt } from './problem.js';

/** A 1-based position plus the character offset it came from. */
export interface SourcePoint {
  line: number;
  column: number;
  offset: number;
}

interface Ranged {
  range?: readonly [number, number, number] | null;
}

/**
 * Finds key paths in a parsed YAML document, for error messages. Aliases are followed and
 * merge keys (`<<: *defaults`) searched, so a path into shared content still finds a line.
 */
export class YamlLocator {
  constructor(
    private readonly doc: Document.Parsed,
    private readonly lineCounter: LineCounter,
  ) {}

  /** Position of an offset in the text. */
  point(offset: number): SourcePoint {
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col, offset };
  }

  /**
   * Position of the value (or key) at `path`. When the path does not exist in full, the
   * deepest part that does; when the value is empty (`kind:`), its key.
   */
  locate(path: readonly PathSegment[], at: PointAt = 'value'): SourcePoint {
    let node: unknown = this.doc.contents;
    let key: unknown = null;
    let best: unknown = node;
    let complete = true;
    for (const seg of path) {
      const coll = this.deref(node);
      let next: unknown;
      let nextKey: unknown = null;
      if (isMap(coll)) {
        const pair = this.findPair(coll, String(seg), new Set());
        if (!pair) {
          complete = false;
          break;
        }
        next = pair.value;
        nextKey = pair.key;
      } else if (isSeq(coll) && Number.isInteger(Number(seg))) {
        next = coll.items[Number(seg)];
        if (next === undefined) {
          complete = false;
          break;
        }
      } else {
        complete = false;
        break;
      }
      node = next;
      key = nextKey;
      best = hasSource(node) ? node : (key ?? best);
    }
    if (complete && at === 'key' && hasSource(key)) best = key;
    const offset = hasSource(best) ? (best as Ranged).range![0] : 0;
    return this.point(offset);
  }

  private deref(node: unknown): unknown {
    return isAlias(node) ? node.resolve(this.doc) : node;
  }

  private findPair(map: YAMLMap, key: string, seen: Set<unknown>): Pair | undefined {
    // a merge can refer back to a map that merges it; `seen` stops the loop
    if (seen.has(map)) return undefined;
    seen.add(map);
    const pairs = map.items as Pair[];
    const own = pairs.find((p) => keyText(p.key) === key);
    if (own) return own;
    for (const p of pairs) {
      if (!isMergeKey(p.key)) continue;
      const sources = isSeq(p.value) ? p.value.items : [p.value];
      for (const s of sources) {
        const m = this.deref(s);
        if (!isMap(m)) continue;
        const found = this.findPair(m, key, seen);
        if (found) return found;
      }
    }
    return undefined;
  }
}

/** The key as toJS spells it, so ajv's paths match it. */
function keyText(k: unknown): string | undefined {
  if (isScalar(k)) return typeof k.value === 'symbol' ? undefined : String(k.value ?? '');
  if (k === null || k === undefined) return '';
  return undefined;
}

function isMergeKey(k: unknown): boolean {
  return isScalar(k) && typeof k.value === 'symbol' && k.value.description === '<<';
}

/** A node that stands for text in the file: an empty scalar (`kind:`) has a zero-width range and doesn't. */
function hasSource(n: unknown): boolean {
  const r = (n as Ranged | null | undefined)?.range;
  if (!r) return false;
  return !(isScalar(n) && r[0] === r[1]);
}

/** The parsed document, its plain value and a locator for its paths. */
export interface ParsedYaml {
  value: unknown;
  locator: YamlLocator;
}

/**
 * Parse YAML keeping every node's position. Syntax errors, unknown aliases and keys that
 * are lists or mappings throw a VigilError naming the file, line and column.
 */
export function parseYamlSource(
  text: string,
  file: string,
  codes: { parse: ErrorCode; invalid: ErrorCode } = { parse: 'VIGIL_ERR_CONFIG_PARSE', invalid: 'VIGIL_ERR_CONFIG_INVALID' },
): ParsedYaml {
  // editors on Windows save a BOM; positions should count from the first visible character
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lineCounter = new LineCounter();
  const doc = parseDocument(body, {
    lineCounter,
    prettyErrors: false,
    // `<<: *defaults` is common in hand-written config even though YAML 1.2 dropped it
    merge: true,
    uniqueKeys: true,
    // warnings go to process.emitWarning by default; nothing here wants them on stderr
    logLevel: 'error',
  });
  const locator = new YamlLocator(doc, lineCounter);
  const fail = (offset: number, message: string, code: 'PARSE' | 'INVALID' = 'PARSE'): never => {
    const { line, column } = locator.point(offset);
    throw new VigilError(code === 'PARSE' ? codes.parse : codes.invalid, message, { file, line, column });
  };

  const err = doc.errors[0];
  if (err) {
    let offset = err.pos[0];
    let message = err.message;
    if (err.code === 'MISSING_CHAR' && /quote/.test(err.message)) {
      // yaml reports the end of the text; the opening quote is where the mistake is
      const open = unclosedQuoteStart(doc, offset);
      if (open !== undefined) {
        offset = open;
        message += ' (the string that starts here is never closed)';
      }
    }
    fail(offset, `not valid YAML: ${message}`);
  }

  let problem: { offset: number; message: string; code: 'PARSE' | 'INVALID' } | undefined;
  visit(doc, {
    Alias(_, node) {
      if (node.resolve(doc) === undefined) {
        problem = {
          offset: node.range?.[0] ?? 0,
          message: `not valid YAML: alias *${node.source} has no anchor &${node.source} before it`,
          code: 'PARSE',
        };
        return visit.BREAK;
      }
      return undefined;
    },
    Pair(_, pair) {
      if (isCollection(pair.key)) {
        problem = {
          offset: pair.key.range?.[0] ?? 0,
          message: 'a key must be a plain word, not a list or a mapping',
          code: 'INVALID',
        };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (problem) fail(problem.offset, problem.message, problem.code);

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // e.g. an alias bomb past maxAliasCount: the text is YAML, but not one vigil will expand
    fail(0, `not valid YAML: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { value, locator };
}

function unclosedQuoteStart(doc: Document.Parsed, errorOffset: number): number | undefined {
  let start: number | undefined;
  visit(doc, {
    Scalar(_, node) {
      const r = node.range;
      if (!r || (node.type !== 'QUOTE_DOUBLE' && node.type !== 'QUOTE_SINGLE')) return undefined;
      if (r[0] <= errorOffset && r[1] >= errorOffset) {
        start = r[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return start;
}
