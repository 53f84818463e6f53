import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built CLI, as users run it (npm test builds dist/ first). */
export const VIGIL_BIN = fileURLToPath(new URL('../../bin/vigil.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `vigil …` in a child process and collect what it printed. */
export function vigil(args: string[], opts: { cwd: string; env?: Record<string, string | undefined> }): CliResult {
  const env: Record<string, string | undefined> = { ...process.env, VIGIL_LEDGER: undefined, NO_COLOR: '1', ...opts.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const r = spawnSync(process.execPath, [VIGIL_BIN, ...args], { cwd: opts.cwd, env: env as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Start `vigil …` without waiting; for serve and kill tests. */
export function vigilSpawn(args: string[], opts: { cwd: string; env?: Record<string, string | undefined> }) {
  const env: Record<string, string | undefined> = { ...process.env, VIGIL_LEDGER: undefined, NO_COLOR: '1', ...opts.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return spawn(process.execPath, [VIGIL_BIN, ...args], { cwd: opts.cwd, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Run `vigil …` without blocking this process's event loop (servers in the test process keep answering). */
export function vigilAsync(args: string[], opts: { cwd: string; env?: Record<string, string | undefined> }): Promise<CliResult> {
  const child = vigilSpawn(args, opts);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
