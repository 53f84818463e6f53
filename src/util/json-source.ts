import { findNodeAtLocation, parseTree, type Node as JsonNode } from 'jsonc-parser';
import { VigilError, type ErrorCode } from '../errors.js';

/** 1-based line and column of a character offset. */
export function lineColAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * JSON.parse with an error that names file:line:col. Uses the fast native parser and only
 * walks the text again when it fails.
 */
export function parseJsonText(text: string, file: string, code: ErrorCode): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const m = /position (\d+)/.exec(msg);
    let pos = m ? Number(m[1]) : body.length;
    if (!m && /Unexpected end/i.test(msg)) pos = body.length;
    const { line, column } = lineColAt(body, pos);
    throw new VigilError(code, `not valid JSON: ${msg.replace(/ in JSON at position \d+.*$/, '')}`, {
      file,
      line,
      column,
    });
  }
}

/** A JSON pointer path (`['runs', 0, 'results']`) rendered as `runs[0].results`. */
export function formatPath(path: readonly (string | number)[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${p}` : p;
  return s || '(root)';
}

/**
 * Locates JSON paths in the original text, for error messages. Parses the text a second
 * time with positions, lazily: only when there is an error to report.
 */
export class JsonLocator {
  private tree: JsonNode | undefined | null = null;

  constructor(
    private readonly text: string,
    readonly file: string,
  ) {}

  /** Line and column of the value at `path`, or of its nearest existing ancestor. */
  locate(path: readonly (string | number)[]): { line: number; column: number } {
    if (this.tree === null) this.tree = parseTree(this.text) ?? undefined;
    if (!this.tree) return { line: 1, column: 1 };
    for (let n = path.length; n >= 0; n--) {
      const node = findNodeAtLocation(this.tree, path.slice(0, n) as (string | number)[]);
      if (node) {
        // point at the property name when there is one, as editors do
        const at = node.parent?.type === 'property' ? node.parent.offset : node.offset;
        return lineColAt(this.text, at);
      }
    }
    return { line: 1, column: 1 };
  }

  /** A VigilError at `path` with the path named in the message. */
  error(code: ErrorCode, path: readonly (string | number)[], problem: string): VigilError {
    const { line, column } = this.locate(path);
    return new VigilError(code, `${formatPath(path)}: ${problem}`, { file: this.file, line, column });
  }
}
