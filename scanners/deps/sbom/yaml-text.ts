import { LineCounter, isMap, isNode, isScalar, isSeq, parseAllDocuments, type Document } from 'yaml';
import { VigilError, type ErrorCode } from '../../../src/errors.js';
import { formatPath } from '../../../src/util/json-source.js';

type Path = readonly (string | number)[];

/** A parsed YAML document that can say where a key path is, for error messages. */
export interface YamlText {
  value: unknown;
  /** A VigilError at `path` (or its nearest existing parent), with the path named. */
  error(path: Path, problem: string): VigilError;
}

/**
 * Parse YAML text and keep positions. A file may hold several documents (pnpm 10 can put its
 * own "env" lockfile first); `pick` chooses the one to read. Syntax errors become `code` with
 * the line yaml reports.
 */
export function parseYamlText(text: string, file: string, code: ErrorCode, pick: (values: unknown[]) => number = () => 0): YamlText {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(body, { lineCounter, prettyErrors: false, logLevel: 'error', uniqueKeys: true });
  const docs: Document.Parsed[] = Array.isArray(parsed) ? parsed : [];
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  for (const d of docs) {
    const e = d.errors[0];
    if (e) throw new VigilError(code, `not valid YAML: ${e.message.split('\n')[0]}`, at(e.pos[0]));
  }
  const values = docs.map((d) => {
    try {
      // lockfiles have no anchors; a file full of aliases is hostile, not a lockfile
      return d.toJS({ maxAliasCount: 100 }) as unknown;
    } catch (e) {
      throw new VigilError(code, `not valid YAML: ${e instanceof Error ? e.message : String(e)}`, { file, line: 1 });
    }
  });
  const index = values.length > 0 ? pick(values) : -1;
  const doc = docs[index];
  return {
    value: doc ? values[index] : undefined,
    error(path, problem) {
      return new VigilError(code, `${formatPath(path)}: ${problem}`, at(doc ? locate(doc, path) : 0));
    },
  };
}

/** Offset of the key at `path` (as editors point at a property), or of the deepest part of it that exists. */
function locate(doc: Document.Parsed, path: Path): number {
  let node: unknown = doc.contents;
  let offset = isNode(node) && node.range ? node.range[0] : 0;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      if (isNode(pair.key) && pair.key.range) offset = pair.key.range[0];
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item: unknown = node.items[seg];
      if (!isNode(item)) break;
      if (item.range) offset = item.range[0];
      node = item;
    } else {
      break;
    }
  }
  return offset;
}
