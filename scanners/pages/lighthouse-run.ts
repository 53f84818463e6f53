import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import { VigilError } from '../../src/errors.js';
import { redactSecrets } from '../../src/util/redact.js';
import type { Browser } from './chromium.js';
import type { PagesLhr, PagesOptions } from './types.js';

/** Lighthouse's own wait for a page load, capped so its error (not our timeout) usually explains a slow page. */
const MAX_WAIT_FOR_LOAD_MS = 45_000;
/** A Lighthouse result is 0.5–5 MB of JSON; anything past this is not one. */
const MAX_LHR_BYTES = 64 * 1024 * 1024;
const MAX_STDERR_CHARS = 4096;

/** Lighthouse's CLI, from the installed package (the `lighthouse` bin). */
function lighthouseCli(): string {
  return createRequire(import.meta.url).resolve('lighthouse/cli/index.js');
}

/** The Lighthouse CLI arguments for one page against Chromium on `port`. */
export function lighthouseArgs(url: string, port: number, opts: PagesOptions & { timeoutMs: number }): string[] {
  // leave room inside our own timeout for Lighthouse to report a slow load itself
  const maxWait = Math.max(5_000, Math.min(MAX_WAIT_FOR_LOAD_MS, Math.floor(opts.timeoutMs * 0.6)));
  return [
    url,
    `--port=${port}`,
    // not spelled 127.0.0.1 or localhost: for those Lighthouse's CLI launches a Chrome of its own when ours
    // is gone, one vigil would not control; 127.1 is the same loopback address, so it only connects
    '--hostname=127.1',
    '--output=json',
    '--output-path=stdout',
    '--quiet',
    '--only-categories=performance',
    `--max-wait-for-load=${maxWait}`,
    // never ask, never send: no crash reports leave the machine
    '--no-enable-error-reporting',
    ...(opts.preset === 'desktop' ? ['--preset=desktop'] : []),
    ...(opts.throttlingMethod ? [`--throttling-method=${opts.throttlingMethod}`] : []),
  ];
}

/**
 * Audit one page with Lighthouse's own CLI (performance only) in a child process attached to the
 * running Chromium. A child because Lighthouse cannot be cancelled and leaves protocol promises
 * rejecting once its browser goes: killing the child ends it cleanly, in time. A page that does
 * not load, a runtime error or a run past `timeoutMs` is VIGIL_ERR_LIGHTHOUSE naming the page;
 * on timeout or abort Chromium is closed as well.
 */
export async function auditPage(url: string, browser: Browser, opts: PagesOptions & { timeoutMs: number; signal: AbortSignal }): Promise<PagesLhr> {
  const shown = redactSecrets(url);
  opts.signal.throwIfAborted();
  const child = spawn(process.execPath, [lighthouseCli(), ...lighthouseArgs(url, browser.port, opts)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // its own process group, so a kill takes any helper it started with it
    detached: true,
    // CI: Lighthouse's CLI never stops to ask anything (its error-reporting prompt)
    env: { ...process.env, CI: '1' },
  });
  const chunks: Buffer[] = [];
  let size = 0;
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    size += d.length;
    if (size <= MAX_LHR_BYTES) chunks.push(d);
  });
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < MAX_STDERR_CHARS) stderr += d.toString('utf8');
  });

  const kill = () => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new VigilError('VIGIL_ERR_LIGHTHOUSE', `pages: Lighthouse did not finish ${shown} within ${Math.round(opts.timeoutMs / 1000)} s (option timeoutMs)`)), opts.timeoutMs);
    onAbort = () => reject(opts.signal.reason instanceof Error ? opts.signal.reason : new VigilError('VIGIL_ERR_LIGHTHOUSE', `pages: aborted while auditing ${shown}`));
    opts.signal.addEventListener('abort', onAbort, { once: true });
  });
  let code: number | null;
  try {
    code = await Promise.race([exited, stop]);
  } catch (e) {
    kill();
    await browser.close();
    if (e instanceof VigilError || opts.signal.aborted) throw e;
    throw new VigilError('VIGIL_ERR_LIGHTHOUSE', `pages: Lighthouse could not start on ${shown}: ${e instanceof Error ? e.message : String(e)}`, {}, { cause: e });
  } finally {
    clearTimeout(timer);
    if (onAbort) opts.signal.removeEventListener('abort', onAbort);
  }

  if (size > MAX_LHR_BYTES) throw new VigilError('VIGIL_ERR_LIGHTHOUSE', `pages: Lighthouse's result for ${shown} exceeds ${MAX_LHR_BYTES} bytes`);
  let lhr: PagesLhr | undefined;
  try {
    lhr = size ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as PagesLhr) : undefined;
  } catch {
    lhr = undefined;
  }
  if (lhr?.runtimeError) {
    const why = await explainUnreachable(url);
    throw new VigilError('VIGIL_ERR_LIGHTHOUSE', `pages: Lighthouse could not audit ${shown}: ${lhr.runtimeError.code}: ${redactSecrets(lhr.runtimeError.message)}${why ? ` (${why})` : ''}`);
  }
  if (!lhr || typeof lhr.audits !== 'object' || code !== 0) {
    const said = lastLines(stderr);
    const why = await explainUnreachable(url);
    throw new VigilError('VIGIL_ERR_LIGHTHOUSE', `pages: Lighthouse failed on ${shown} (exit ${code ?? 'signal'})${said ? `: ${redactSecrets(said)}` : ''}${why ? ` (${why})` : ''}`);
  }
  return lhr;
}

/** Lighthouse's own last words: its error line, not the stack under it. */
function lastLines(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('at '));
  return lines.slice(-2).join(' ').slice(0, 500);
}

/**
 * When Lighthouse could not load a page, says whether its server takes connections at all (a
 * refused port shows in Chrome only as an error page, which Lighthouse calls an interstitial).
 */
async function explainUnreachable(url: string): Promise<string | undefined> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (why: string | undefined) => {
      s.destroy();
      resolve(why);
    };
    s.setTimeout(3000, () => done(`no answer from ${host}:${port} within 3 s`));
    s.once('connect', () => done(undefined));
    s.once('error', (e: NodeJS.ErrnoException) => done(`connecting to ${host}:${port}: ${e.code ?? e.message}`));
  });
}
