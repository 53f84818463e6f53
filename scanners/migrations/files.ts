/**
 * Which files a migration folder holds, in the order migration tools apply them.
 *
 * - `*.sql` anywhere below the folder (Prisma keeps `migrations/<stamp>_name/migration.sql`),
 *   skipping dot folders and node_modules;
 * - down migrations are left out (`*.down.sql`, `*_down.sql`, `down.sql`, Flyway's undo
 *   `U<version>__*.sql`): they undo others, are run only to roll back, and would make every
 *   DROP of an object the up migration created look like a finding;
 * - natural order of the path (`2_x` before `10_x`; Supabase's `<timestamp>_name.sql` sorts by
 *   time), which is how golang-migrate, Flyway, Supabase and dbmate order them.
 */
import { readFileSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { VigilError } from '../../src/errors.js';

/** Above this a file is not read (a dump, not a migration): noted and skipped. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

export interface MigrationFile {
  abs: string;
  /** Relative to the folder squawk runs in (the target folder, or a single file's folder). */
  rel: string;
  /** The path findings show: relative to the scan's base folder when inside it. */
  display: string;
}

/** True for migration files that undo others. */
export function isDownMigration(fileName: string): boolean {
  const lower = fileName.toLowerCase();
  if (lower === 'down.sql' || lower.endsWith('.down.sql') || lower.endsWith('_down.sql')) return true;
  return /^u\d[\d._]*__/.test(lower);
}

/** Natural comparison: runs of digits compare by value, the rest by code unit. */
export function naturalCompare(a: string, b: string): number {
  const ta = a.match(/\d+|\D+/g) ?? [];
  const tb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ta.length, tb.length); i++) {
    const x = ta[i]!;
    const y = tb[i]!;
    const dx = x.charCodeAt(0) >= 48 && x.charCodeAt(0) <= 57;
    const dy = y.charCodeAt(0) >= 48 && y.charCodeAt(0) <= 57;
    if (dx && dy) {
      // no Number(): a 14-digit timestamp is fine, a 30-digit version is not
      const nx = x.replace(/^0+(?=\d)/, '');
      const ny = y.replace(/^0+(?=\d)/, '');
      if (nx.length !== ny.length) return nx.length - ny.length;
      if (nx !== ny) return nx < ny ? -1 : 1;
      if (x.length !== y.length) return x.length - y.length;
    } else if (x !== y) return x < y ? -1 : 1;
  }
  return ta.length - tb.length;
}

/** The migration files of a folder (or the one file), in apply order; the down migrations skipped. */
export async function listMigrations(root: string, baseDir: string): Promise<{ dir: string; files: MigrationFile[]; down: string[] }> {
  const st = await stat(root).catch(() => undefined);
  if (!st) throw new VigilError('VIGIL_ERR_INPUT_NOT_FOUND', 'no such migration folder or file', { file: root });
  const display = (abs: string) => {
    const fromBase = path.relative(baseDir, abs);
    return (fromBase && !fromBase.startsWith('..') && !path.isAbsolute(fromBase) ? fromBase : abs).split(path.sep).join('/');
  };
  if (st.isFile()) {
    const dir = path.dirname(root);
    return { dir, files: [{ abs: root, rel: path.basename(root), display: display(root) }], down: [] };
  }
  const rels: string[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(path.join(dir, e.name), r);
      else if (e.isFile() && e.name.toLowerCase().endsWith('.sql')) rels.push(r);
    }
  };
  await walk(root, '');
  rels.sort(naturalCompare);
  const files: MigrationFile[] = [];
  const down: string[] = [];
  for (const r of rels) {
    const abs = path.join(root, ...r.split('/'));
    if (isDownMigration(path.basename(r))) down.push(display(abs));
    else files.push({ abs, rel: r, display: display(abs) });
  }
  return { dir: root, files, down };
}

/** A file's text as the server would read it: without a BOM; `binary` when it is not UTF-8 text (or holds NUL bytes). */
export function readMigration(file: MigrationFile): { text: string; binary?: { line: number } } | undefined {
  // synchronous: a thousand small files read in a few ms, where a thousand awaited reads cost a second on a busy machine
  const s = statSync(file.abs);
  if (s.size > MAX_FILE_BYTES) return undefined;
  const buf = readFileSync(file.abs);
  let text: string;
  let bad = buf.indexOf(0);
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    text = buf.toString('utf8');
    const at = text.indexOf('\ufffd');
    bad = bad < 0 ? Buffer.byteLength(text.slice(0, Math.max(0, at))) : Math.min(bad, Buffer.byteLength(text.slice(0, Math.max(0, at))));
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (bad < 0) return { text };
  let line = 1;
  for (let i = 0; i < bad; i++) if (buf[i] === 0x0a) line++;
  return { text, binary: { line } };
}
