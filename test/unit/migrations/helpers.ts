import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import type { Finding } from '../../../src/model/finding.js';
import type { PartReport } from '../../../src/model/run.js';
import { silentLogger } from '../../../src/util/logger.js';
import { createMigrationsScanner } from '../../../scanners/migrations/migrations-scanner.js';

const root = mkdtempSync(join(tmpdir(), 'vigil-migrations-unit-'));
let n = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

export interface LintResult {
  findings: Finding[];
  notes: string[];
  report?: PartReport;
  dir: string;
}

/** Write the files (name → SQL) to a fresh folder and run the real scanner (squawk included) on it. */
export async function lint(files: Record<string, string | Buffer>, options: Record<string, unknown> = {}, sub = ''): Promise<LintResult> {
  const base = join(root, `case-${++n}`);
  const dir = sub ? join(base, sub) : base;
  for (const [name, sql] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), sql);
  }
  mkdirSync(dir, { recursive: true });
  const notes: string[] = [];
  const out: LintResult = { findings: [], notes, dir };
  const scanner = createMigrationsScanner();
  for await (const f of scanner.run(
    { name: 'm', kind: 'path', location: dir },
    { signal: new AbortController().signal, logger: silentLogger, progress: () => undefined, note: (m) => notes.push(m), report: (r) => (out.report = r), baseDir: base, options },
  )) {
    out.findings.push(f as Finding);
  }
  return out;
}

/** Sorted distinct rule ids of the findings, optionally only those of one severity. */
export function ids(r: LintResult, severity?: Finding['severity']): string[] {
  return [...new Set(r.findings.filter((f) => !severity || f.severity === severity).map((f) => f.ruleId))].sort();
}

/** Sorted distinct rule ids among the given ones. */
export function idsAmong(r: LintResult, among: readonly string[]): string[] {
  return [...new Set(r.findings.map((f) => f.ruleId).filter((id) => among.includes(id)))].sort();
}

/** A migration preamble that satisfies squawk's timeout rules, so a row shows only what it is about. */
export const TIMEOUTS = "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\n";
