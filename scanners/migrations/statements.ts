/**
 * A migration file → its statements, parsed by libpg_query (PostgreSQL 17's own parser compiled
 * to WebAssembly), each with its lines and its text. libpg_query gives byte offsets that start
 * right after the previous semicolon; the start is moved past blanks and comments so a
 * statement's first line is the one its first keyword is on.
 *
 * Before parsing, what psql reads but the server never sees is blanked line for line (so line
 * numbers hold): meta-commands (`\set`, `\connect`) and `COPY … FROM stdin` data; the down part
 * of single-file up/down formats (dbmate's `-- migrate:down`, goose's `-- +goose Down`) is cut.
 */
import { loadModule, parseSync } from 'libpg-query';
import { ByteLines } from '../../src/util/byte-lines.js';

/** One node of the parse tree (protobuf JSON): `{ TypeName: { …fields } }` or a field object. */
export type Node = Record<string, unknown>;

export interface Statement {
  /** Index of the file in apply order, and of the statement in its file. */
  fileIndex: number;
  index: number;
  /** The node type: 'CreateStmt', 'AlterTableStmt', … */
  type: string;
  /** The statement's fields (the value under its type key). */
  node: Node;
  text: string;
  startLine: number;
  endLine: number;
  startColumn: number;
}

export interface ParsedFile {
  statements: Statement[];
  /** Set when the file does not parse: where and why. */
  error?: { line: number; column: number; message: string };
  /** The first line of a down section that was cut off, if any. */
  downFromLine?: number;
}

let ready: Promise<void> | undefined;

/** Load the WebAssembly parser once per process. */
export function loadParser(): Promise<void> {
  ready ??= loadModule();
  return ready;
}

const DOWN_MARKERS = ['-- migrate:down', '-- +goose down', '--+goose down', '-- +migrate down', '-- //@undo'];

/** Blank psql-only lines and cut a down section; the line count before a cut is kept. */
export function prepareText(text: string): { text: string; downFromLine?: number } {
  const lower = text.toLowerCase();
  if (!text.includes('\\') && !DOWN_MARKERS.some((m) => lower.includes(m))) return { text };
  const lines = text.split('\n');
  let inCopy = false;
  let downFromLine: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const trimmed = lines[i]!.trimStart();
    if (inCopy) {
      if (trimmed.startsWith('\\.')) inCopy = false;
      lines[i] = '';
      continue;
    }
    const l = trimmed.toLowerCase();
    if (DOWN_MARKERS.some((m) => l.startsWith(m))) {
      downFromLine = i + 1;
      lines.length = i;
      break;
    }
    if (trimmed.startsWith('\\')) lines[i] = '';
    else if (l.startsWith('copy ') && /from\s+stdin;?\s*$/.test(l)) inCopy = true;
  }
  return { text: lines.join('\n'), ...(downFromLine ? { downFromLine } : {}) };
}

/** The first byte at or after `i` that is not a blank or inside a comment. */
function skipBlanksAndComments(buf: Buffer, i: number, end: number): number {
  while (i < end) {
    const c = buf[i]!;
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c) i++;
    else if (c === 0x2d && buf[i + 1] === 0x2d) {
      while (i < end && buf[i] !== 0x0a) i++;
    } else if (c === 0x2f && buf[i + 1] === 0x2a) {
      // block comments nest in PostgreSQL
      let depth = 1;
      i += 2;
      while (i < end && depth > 0) {
        if (buf[i] === 0x2f && buf[i + 1] === 0x2a) (depth++, (i += 2));
        else if (buf[i] === 0x2a && buf[i + 1] === 0x2f) (depth--, (i += 2));
        else i++;
      }
    } else break;
  }
  return i;
}

interface RawStmt {
  stmt?: Node;
  stmt_location?: number;
  stmt_len?: number;
}

/** Parse one file's text; a file that does not parse gives its error position and no statements. */
export function parseFile(rawText: string, fileIndex: number): ParsedFile {
  const { text, downFromLine } = prepareText(rawText);
  const lines = new ByteLines(text);
  const down = downFromLine ? { downFromLine } : {};
  // libpg_query refuses an empty query; a file of comments only is a migration with nothing to do
  if (skipBlanksAndComments(lines.buf, 0, lines.buf.length) >= lines.buf.length) return { statements: [], ...down };
  let tree: { stmts?: RawStmt[] };
  try {
    tree = parseSync(text) as { stmts?: RawStmt[] };
  } catch (e) {
    const err = e as Error & { sqlDetails?: { cursorPosition?: number } };
    const at = Math.max(0, Math.min(err.sqlDetails?.cursorPosition ?? 0, lines.buf.length));
    return { statements: [], error: { line: lines.lineAt(at), column: lines.columnAt(at), message: err.message }, ...down };
  }
  const statements: Statement[] = [];
  for (const raw of tree.stmts ?? []) {
    if (!raw.stmt) continue;
    const type = Object.keys(raw.stmt)[0];
    if (!type) continue;
    const from = raw.stmt_location ?? 0;
    let end = raw.stmt_len ? from + raw.stmt_len : lines.buf.length;
    // libpg_query's length stops before the semicolon; the snippet shows the statement as written
    if (lines.buf[end] === 0x3b) end++;
    const start = skipBlanksAndComments(lines.buf, from, end);
    const body = lines.buf.toString('utf8', start, end).trimEnd();
    statements.push({
      fileIndex,
      index: statements.length,
      type,
      node: raw.stmt[type] as Node,
      text: body,
      startLine: lines.lineAt(start),
      endLine: lines.lineAt(start + Math.max(0, Buffer.byteLength(body) - 1)),
      startColumn: lines.columnAt(start),
    });
  }
  return { statements, ...down };
}
