import { createWriteStream, existsSync, mkdirSync, writeFileSync, type WriteStream } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { userInfo } from 'node:os';
import { VigilError, describeError, isVigilError } from '../errors.js';
import type { VigilConfig } from '../config/types.js';
import { DEFAULT_LEDGER, openLedger, type Ledger } from '../ledger/index.js';

/** The version vigil reports in outputs. */
export const VERSION = '0.1.0';

/** Where the ledger is: --ledger, then VIGIL_LEDGER, then the config, then the default file. */
export function ledgerLocation(flag: string | undefined, config?: VigilConfig): string {
  return flag ?? process.env.VIGIL_LEDGER ?? config?.ledger ?? DEFAULT_LEDGER;
}

/** Open the ledger for a command, with the config's SLA days. */
export async function openCommandLedger(flag: string | undefined, config?: VigilConfig): Promise<Ledger> {
  return openLedger(ledgerLocation(flag, config), config ? { sla: config.sla } : {});
}

/** The config file to use: --config, or ./vigil.yaml when it exists. */
export function configPath(flag: string | undefined): string | undefined {
  if (flag) return resolve(flag);
  const p = resolve('vigil.yaml');
  return existsSync(p) ? p : undefined;
}

/** Load the config named by --config or found in the working folder; undefined when there is none. */
export async function maybeConfig(flag: string | undefined): Promise<VigilConfig | undefined> {
  const file = configPath(flag);
  if (!file) return undefined;
  const { loadConfig } = await import('../config/index.js');
  return loadConfig(file);
}

/**
 * Write output in pieces to a file (creating its folder) or stdout, honouring back-pressure,
 * so a large report is never one string in memory.
 */
export async function emitChunks(chunks: Iterable<string>, output?: string): Promise<void> {
  const toFile = Boolean(output && output !== '-');
  let stream: NodeJS.WritableStream = process.stdout;
  if (toFile) {
    const p = resolve(output!);
    mkdirSync(dirname(p), { recursive: true });
    stream = createWriteStream(p);
  }
  let buf = '';
  const flush = async () => {
    if (!stream.write(buf)) await new Promise<void>((r) => stream.once('drain', () => r()));
    buf = '';
  };
  for (const c of chunks) {
    buf += c;
    if (buf.length >= 1 << 20) await flush();
  }
  if (buf) await flush();
  if (toFile) await new Promise<void>((r, j) => (stream as WriteStream).end((e?: Error | null) => (e ? j(e) : r())));
}

/** Write command output to a file (creating its folder) or stdout. */
export function emit(text: string, output?: string): void {
  if (output && output !== '-') {
    const p = resolve(output);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  } else {
    process.stdout.write(text);
  }
}

/** Who is acting, for the event log. */
export function currentActor(): string {
  try {
    return process.env.VIGIL_ACTOR ?? userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** Print an error the way CI logs and editors read it, and return its exit code. */
export function reportError(e: unknown): number {
  if (isVigilError(e)) {
    process.stderr.write(`vigil: error ${displayError(e)}\n`);
    return e.exitCode;
  }
  process.stderr.write(`vigil: internal error: ${e instanceof Error && process.env.VIGIL_DEBUG ? e.stack : describeError(e)}\n`);
  return 3;
}

/** The error as `CODE: file:line:col: message`, with the file relative to the working folder when inside it. */
export function displayError(e: unknown): string {
  if (!isVigilError(e)) return describeError(e);
  if (!e.file || !isAbsolute(e.file)) return e.toString();
  const rel = relative(process.cwd(), e.file);
  if (rel.startsWith('..') || isAbsolute(rel)) return e.toString();
  const pos = [rel, e.line, e.line ? e.column : undefined].filter((x) => x !== undefined).join(':');
  return `${e.code}: ${pos}: ${e.message}`;
}

/** Split a comma list option and check every member against the allowed values. */
export function listOption<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const i of items) {
    if (!(allowed as readonly string[]).includes(i)) {
      throw new VigilError('VIGIL_ERR_USAGE', `${flag}: "${i}" is not one of ${allowed.join(', ')}`);
    }
  }
  return items as T[];
}

/** Parse a positive integer option. */
export function intOption(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new VigilError('VIGIL_ERR_USAGE', `${flag}: "${value}" is not a whole number`);
  return n;
}

