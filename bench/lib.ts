import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createFinding } from '../src/model/create.js';
import type { RunPart, RunResult, TargetedFinding } from '../src/model/run.js';
import { runStatusOf } from '../src/model/run.js';
import type { Severity } from '../src/model/severity.js';

const SEVERITIES: Severity[] = ['critical', 'high', 'high', 'medium', 'medium', 'medium', 'low', 'low', 'info'];

/** `n` distinct, realistic findings on one target (file locations with snippets, CWE, references). */
export function syntheticFindings(n: number, target: string, offset = 0): TargetedFinding[] {
  const out: TargetedFinding[] = new Array(n);
  for (let j = 0; j < n; j++) {
    const i = j + offset;
    const f = createFinding({
      scanner: 'import',
      ruleId: `js/rule-${i % 97}`,
      title: `Untrusted data reaches a sensitive sink (${i % 97})`,
      severity: SEVERITIES[i % SEVERITIES.length]!,
      confidence: 'high',
      cwe: [`CWE-${79 + (i % 20)}`],
      location: { kind: 'file', path: `src/module-${i % 1000}/file-${i % 37}.ts`, startLine: 1 + (i % 400), snippet: `sink(input${i}, options)` },
      evidence: `value flows from request parameter ${i % 13} into sink`,
      remediation: 'Validate or encode the value before it reaches the sink.',
      references: [`https://example.test/rules/${i % 97}`],
      tags: ['security', 'tool:bench'],
    });
    out[j] = { ...f, target };
  }
  return out;
}

/** A complete run over the given findings, one part per target. */
export function syntheticRun(findings: TargetedFinding[], targets: string[]): RunResult {
  const now = new Date().toISOString();
  const parts: RunPart[] = targets.map((t) => ({
    scanner: 'import',
    scannerVersion: 1,
    target: t,
    status: 'complete',
    error: null,
    findings: findings.filter((f) => f.target === t).length,
    startedAt: now,
    finishedAt: now,
  }));
  return { run: { id: randomUUID(), trigger: 'bench', startedAt: now, finishedAt: now, status: runStatusOf(parts), parts }, findings, errors: new Map() };
}

/** One line of benchmark output: the figure, its budget, and whether it is within it. */
export function report(name: string, value: number, unit: 'ms' | 's' | 'MB', budget: number, extra = ''): void {
  const shown = unit === 's' ? (value / 1000).toFixed(2) : value.toFixed(unit === 'MB' ? 0 : 1);
  const budgetShown = unit === 's' ? (budget / 1000).toFixed(0) : String(budget);
  const ok = value <= budget;
  process.stdout.write(
    `${ok ? 'PASS' : 'OVER'}  ${name.padEnd(58)} ${`${shown} ${unit}`.padStart(11)}   budget ${budgetShown} ${unit}${extra ? `   ${extra}` : ''}\n`,
  );
}

/** Wall-clock milliseconds of an async function. */
export async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const v = await fn();
  return [v, performance.now() - t];
}

/** A figure with no budget of its own, printed for context. */
export function info(name: string, value: number, unit: 'ms' | 's' | 'MB', note = ''): void {
  const shown = unit === 's' ? (value / 1000).toFixed(2) : value.toFixed(unit === 'MB' ? 0 : 1);
  process.stdout.write(`info  ${name.padEnd(58)} ${`${shown} ${unit}`.padStart(11)}${note ? `   ${note}` : ''}\n`);
}

/** A ratio (how many times faster) against the least it must reach. */
export function ratio(name: string, value: number, minimum: number, extra = ''): void {
  const ok = value >= minimum;
  process.stdout.write(
    `${ok ? 'PASS' : 'OVER'}  ${name.padEnd(58)} ${`${value.toFixed(2)} ×`.padStart(11)}   budget ≥ ${minimum} ×${extra ? `   ${extra}` : ''}\n`,
  );
}

/** A budgeted figure that could not be measured, and why: it counts against the budget. */
export function notRun(name: string, why: string): void {
  process.stdout.write(`OVER  ${name.padEnd(58)} ${'not run'.padStart(11)}   ${why}\n`);
}

/** A finished child process: wall time from spawn to exit, and what it printed. */
export interface TimedProcess {
  ms: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run a command to its end, timing it from spawn to exit. */
export function timedProcess(cmd: string, args: string[], cwd: string): Promise<TimedProcess> {
  return new Promise((resolve) => {
    const t = performance.now();
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ ms: performance.now() - t, status, stdout, stderr }));
  });
}

/** Whether a peer tool is on PATH. */
export function installed(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
}
