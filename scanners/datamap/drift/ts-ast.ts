/**
 * Small readers over the code engine's tree-sitter trees (ast-grep), shared by the Drizzle and
 * TypeORM readers: literal strings, object-literal properties, call names, parse errors.
 */
import type { SgNode, SgRoot } from '@ast-grep/napi';
import { parseSource } from '../../code/engine/grammar.js';
import { languageOf } from '../../code/languages.js';
import type { SourceProblem } from '../types.js';

/** Parse a JavaScript or TypeScript file with the grammar its extension names; undefined for other files. */
export function parseModelFile(path: string, text: string): SgRoot | undefined {
  const lang = languageOf(path);
  if (lang !== 'javascript' && lang !== 'jsx' && lang !== 'typescript' && lang !== 'tsx') return undefined;
  return parseSource(lang, text);
}

/** The value of a string literal, or of a template literal without substitutions; undefined for anything else. */
export function stringValue(node: SgNode | null | undefined): string | undefined {
  if (!node) return undefined;
  const kind = node.kind();
  if (kind === 'string') {
    const t = node.text();
    return t.length >= 2 ? unescapeJs(t.slice(1, -1)) : undefined;
  }
  if (kind === 'template_string') {
    if (node.children().some((c) => c.kind() === 'template_substitution')) return undefined;
    const t = node.text();
    return t.length >= 2 ? t.slice(1, -1) : undefined;
  }
  return undefined;
}

/** Undo the simple escapes a table or column name could carry (`\'`, `\"`, `\\`). */
function unescapeJs(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      out += s[i + 1];
      i++;
    } else out += c;
  }
  return out;
}

/** The name of an object-literal key (`email:`, `'email':`), or undefined for computed keys. */
export function keyName(key: SgNode | null | undefined): string | undefined {
  if (!key) return undefined;
  const kind = key.kind();
  if (kind === 'property_identifier' || kind === 'identifier' || kind === 'shorthand_property_identifier') return key.text();
  if (kind === 'string') return stringValue(key);
  if (kind === 'number') return key.text();
  return undefined;
}

/** The named arguments of a call (its `arguments` node's named children). */
export function callArgs(call: SgNode): SgNode[] {
  const args = call.field('arguments');
  return args ? args.children().filter((c) => c.isNamed() && c.kind() !== 'comment') : [];
}

/** `name: value` pairs of an object literal, keyed by name (later keys win, as in JavaScript). */
export function objectProps(obj: SgNode | null | undefined): Map<string, SgNode> {
  const out = new Map<string, SgNode>();
  if (!obj || obj.kind() !== 'object') return out;
  for (const pair of obj.children()) {
    if (pair.kind() !== 'pair') continue;
    const k = keyName(pair.field('key'));
    const v = pair.field('value');
    if (k !== undefined && v) out.set(k, v);
  }
  return out;
}

/** The callee of a call as text when it is a plain name or a member (`pgTable`, `auth.table`, `t.text`). */
export function calleeName(call: SgNode): string | undefined {
  const fn = call.field('function');
  if (!fn) return undefined;
  const kind = fn.kind();
  if (kind === 'identifier') return fn.text();
  if (kind === 'member_expression') {
    const obj = fn.field('object');
    const prop = fn.field('property');
    if (obj?.kind() === 'identifier' && prop) return `${obj.text()}.${prop.text()}`;
  }
  return undefined;
}

/** 1-based line of a node's start. */
export function lineOf(node: SgNode): number {
  return node.range().start.line + 1;
}

/**
 * A problem for the first syntax error in the tree, if any. Tree-sitter recovers from errors,
 * so what parsed around it is still read; the problem says the file was read only in part.
 */
export function syntaxProblem(root: SgRoot, file: string): SourceProblem | undefined {
  const top = root.root();
  if (top.text() === '') return undefined;
  const error = top.find({ rule: { kind: 'ERROR' } });
  // a token tree-sitter had to invent (a missing `)`) is a zero-width leaf
  const missing = top.findAll({ rule: { regex: '^$' } }).find((n) => n.isLeaf());
  const first = [error, missing].filter((n): n is SgNode => !!n).sort((a, b) => a.range().start.index - b.range().start.index)[0];
  if (!first) return undefined;
  return { source: file, line: lineOf(first), problem: 'syntax error: models after this point may be missing or incomplete' };
}
