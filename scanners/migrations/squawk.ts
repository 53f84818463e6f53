/**
 * squawk (npm `squawk-cli`) as the engine of the migration rules: its platform binary runs once
 * over all files (in batches when the argument list grows long) with `--reporter json`, in the
 * migration folder so that squawk finds the `.squawk.toml` a team keeps there (or above it), as
 * it would when run by hand. squawk exits 1 when it finds violations: that is a result; only a
 * missing binary, a crash, a signal or output that is not its JSON array is VIGIL_ERR_SQUAWK.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { VigilError } from '../../src/errors.js';

/** One violation as squawk's JSON reporter prints it (line and column 0-based). */
export interface SquawkViolation {
  file: string;
  line: number;
  column: number;
  line_end: number;
  column_end: number;
  level: string;
  message: string;
  help: string | null;
  rule_name: string;
}

export interface SquawkOptions {
  cwd: string;
  files: readonly string[];
  pgVersion?: string;
  assumeInTransaction?: boolean;
  exclude?: readonly string[];
  signal: AbortSignal;
}

const require = createRequire(import.meta.url);
const PLATFORM_PACKAGES: Readonly<Record<string, string>> = {
  'linux-x64': '@squawk-cli/linux-x64',
  'linux-arm64': '@squawk-cli/linux-arm64',
  'darwin-x64': '@squawk-cli/darwin-x64',
  'darwin-arm64': '@squawk-cli/darwin-arm64',
  'win32-x64': '@squawk-cli/win32-x64',
};
/** Bytes of file names per invocation: well under every platform's argument limit. */
const BATCH_CHARS = 100_000;
const MAX_OUTPUT = 256 * 1024 * 1024;

/**
 * The command that runs squawk: the platform package's binary when it is installed (no node
 * start-up), else squawk-cli's own shim through node.
 */
export function squawkCommand(): { cmd: string; args: string[] } {
  const pkg = PLATFORM_PACKAGES[`${process.platform}-${process.arch}`];
  if (pkg) {
    try {
      const bin = require.resolve(`${pkg}/bin/${process.platform === 'win32' ? 'squawk.exe' : 'squawk'}`);
      if (existsSync(bin)) return { cmd: bin, args: [] };
    } catch {
      // not installed for this platform: the shim below says why if it cannot run either
    }
  }
  try {
    const shim = path.join(path.dirname(require.resolve('squawk-cli/package.json')), 'js', 'bin', 'squawk');
    return { cmd: process.execPath, args: [shim] };
  } catch {
    throw new VigilError('VIGIL_ERR_SQUAWK', 'squawk is not installed: npm install squawk-cli (it brings its platform binary as an optional dependency)');
  }
}

/** squawk's version line (`squawk 2.66.0`), for the report. */
export async function squawkVersion(signal: AbortSignal): Promise<string> {
  const { cmd, args } = squawkCommand();
  const r = await run(cmd, [...args, '--version'], process.cwd(), signal);
  return r.stdout.trim();
}

/** What squawk said of the files, and the files it failed on (each with its error) when a batch had to be split. */
export interface SquawkResult {
  violations: SquawkViolation[];
  failed: { file: string; message: string }[];
}

/**
 * Every violation squawk reports for the files, in one invocation per batch. When squawk fails
 * on a batch (one file it cannot read makes it print no JSON at all), the batch is halved until
 * the failing files are alone: the other files keep their findings.
 */
export async function runSquawk(o: SquawkOptions): Promise<SquawkResult> {
  const { cmd, args } = squawkCommand();
  const flags = ['--reporter', 'json', '--no-error-on-unmatched-pattern'];
  if (o.pgVersion) flags.push('--pg-version', o.pgVersion);
  if (o.assumeInTransaction === true) flags.push('--assume-in-transaction');
  if (o.exclude?.length) flags.push('--exclude', o.exclude.join(','));
  const out: SquawkResult = { violations: [], failed: [] };
  const once = async (batch: readonly string[]): Promise<SquawkViolation[]> => {
    if (o.signal.aborted) throw o.signal.reason ?? new Error('aborted');
    // `--` so a file named like a flag stays a file; glob characters are escaped the same way
    const r = await run(cmd, [...args, ...flags, '--', ...batch.map(escapeGlob)], o.cwd, o.signal);
    if (r.code !== 0 && r.code !== 1) throw new VigilError('VIGIL_ERR_SQUAWK', `squawk exited ${r.code ?? `on signal ${r.signal}`}: ${firstLines(r.stderr || r.stdout)}`);
    return parseSquawkJson(r.stdout, r.stderr);
  };
  const go = async (batch: readonly string[]): Promise<void> => {
    try {
      out.violations.push(...(await once(batch)));
    } catch (e) {
      if (o.signal.aborted || !(e instanceof VigilError)) throw e;
      if (batch.length === 1) {
        out.failed.push({ file: batch[0]!, message: e.message });
        return;
      }
      const mid = batch.length >> 1;
      await go(batch.slice(0, mid));
      await go(batch.slice(mid));
    }
  };
  for (const batch of batches(o.files)) await go(batch);
  // a squawk that fails on every file is broken itself: that is a failure of the scan
  if (o.files.length > 1 && out.failed.length === o.files.length) throw new VigilError('VIGIL_ERR_SQUAWK', `squawk failed on every file: ${out.failed[0]!.message}`);
  return out;
}

/** squawk's JSON output → violations; anything else is VIGIL_ERR_SQUAWK naming what came instead. */
export function parseSquawkJson(stdout: string, stderr = ''): SquawkViolation[] {
  const text = stdout.trim();
  // squawk prints nothing at all for zero files on some versions
  if (!text) {
    if (stderr.trim()) throw new VigilError('VIGIL_ERR_SQUAWK', `squawk printed no JSON: ${firstLines(stderr)}`);
    return [];
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new VigilError('VIGIL_ERR_SQUAWK', `squawk printed output that is not JSON: ${firstLines(text)}${stderr.trim() ? ` (stderr: ${firstLines(stderr)})` : ''}`);
  }
  if (!Array.isArray(data)) throw new VigilError('VIGIL_ERR_SQUAWK', 'squawk printed JSON that is not an array of violations');
  return data.map((v, i) => {
    const x = v as Partial<SquawkViolation>;
    if (typeof x.file !== 'string' || typeof x.rule_name !== 'string' || typeof x.line !== 'number' || typeof x.message !== 'string') {
      throw new VigilError('VIGIL_ERR_SQUAWK', `squawk's violation ${i} lacks file, line, message or rule_name`);
    }
    return {
      file: x.file,
      line: x.line,
      column: typeof x.column === 'number' ? x.column : 0,
      line_end: typeof x.line_end === 'number' ? x.line_end : x.line,
      column_end: typeof x.column_end === 'number' ? x.column_end : 0,
      level: String(x.level ?? 'Warning'),
      message: x.message,
      help: typeof x.help === 'string' ? x.help : null,
      rule_name: x.rule_name,
    };
  });
}

function batches(files: readonly string[]): string[][] {
  const out: string[][] = [];
  let cur: string[] = [];
  let len = 0;
  for (const f of files) {
    if (cur.length && len + f.length > BATCH_CHARS) {
      out.push(cur);
      cur = [];
      len = 0;
    }
    cur.push(f);
    len += f.length + 1;
  }
  if (cur.length) out.push(cur);
  return out;
}

/** squawk treats its arguments as glob patterns: a literal `[`, `*`, `?` in a file name is escaped. */
function escapeGlob(f: string): string {
  return f.replace(/[[\]*?{}]/g, (c) => `[${c}]`);
}

function firstLines(s: string): string {
  return s.trim().split('\n').slice(0, 3).join(' / ').slice(0, 500);
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run to the end, killing the child when the scan is aborted. */
function run(cmd: string, args: string[], cwd: string, signal: AbortSignal): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason ?? new Error('aborted'));
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const onAbort = () => child.kill('SIGKILL');
    signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (d: Buffer) => {
      size += d.length;
      if (size > MAX_OUTPUT) child.kill('SIGKILL');
      else out.push(d);
    });
    child.stderr.on('data', (d: Buffer) => {
      if (err.length < 64) err.push(d);
    });
    child.once('error', (e) => {
      signal.removeEventListener('abort', onAbort);
      reject(new VigilError('VIGIL_ERR_SQUAWK', `squawk could not be started (${cmd}): ${e.message}`, {}, { cause: e }));
    });
    child.once('close', (code, sig) => {
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) return reject(signal.reason ?? new Error('aborted'));
      if (size > MAX_OUTPUT) return reject(new VigilError('VIGIL_ERR_SQUAWK', `squawk printed more than ${MAX_OUTPUT / 1024 / 1024} MiB`));
      resolve({ code, signal: sig, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}
