import { randomUUID } from 'node:crypto';
import { createFinding } from '../../src/model/create.js';
import type { Run, RunPart, RunResult, TargetedFinding } from '../../src/model/run.js';
import { runStatusOf } from '../../src/model/run.js';
import type { Severity } from '../../src/model/severity.js';

/** A file finding for tests; `n` makes it distinct. */
export function fileFinding(n: number, opts: { target?: string; scanner?: string; severity?: Severity; line?: number; rule?: string } = {}): TargetedFinding {
  const f = createFinding({
    scanner: opts.scanner ?? 'import',
    ruleId: opts.rule ?? `rule-${n % 7}`,
    title: `Problem ${n}`,
    severity: opts.severity ?? (['critical', 'high', 'medium', 'low', 'info'] as const)[n % 5]!,
    location: { kind: 'file', path: `src/file-${n % 100}.ts`, startLine: opts.line ?? n, snippet: `call(${n})` },
  });
  return { ...f, target: opts.target ?? 'app' };
}

/** A finished run over the given parts and findings. */
export function runOf(
  findings: TargetedFinding[],
  parts: Partial<RunPart>[] = [{}],
  opts: { trigger?: string; startedAt?: string } = {},
): RunResult {
  const now = opts.startedAt ?? new Date().toISOString();
  const fullParts: RunPart[] = parts.map((p) => ({
    scanner: 'import',
    scannerVersion: 1,
    target: 'app',
    status: 'complete',
    error: null,
    findings: 0,
    startedAt: now,
    finishedAt: now,
    ...p,
  }));
  for (const p of fullParts) p.findings = findings.filter((f) => f.scanner === p.scanner && f.target === p.target).length;
  const run: Run = {
    id: randomUUID(),
    trigger: opts.trigger ?? 'cli',
    startedAt: now,
    finishedAt: now,
    status: runStatusOf(fullParts),
    parts: fullParts,
  };
  return { run, findings, errors: new Map() };
}
