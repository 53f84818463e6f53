import { accessSync, constants, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import { VigilError } from '../../src/errors.js';

/** Where Debian and most Linux distributions put Chromium or Chrome, in the order tried. */
const WELL_KNOWN = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome-stable', '/usr/bin/google-chrome'];

export const INSTALL_HINT = 'install Chromium (Debian/Ubuntu: `apt-get install chromium`), or point CHROME_PATH or the pages option chromePath at a Chrome/Chromium binary';

/**
 * The Chromium binary the pages scanner would use: `opts.chromePath` when given (undefined if it
 * is not an executable file), else CHROME_PATH, else a well-known system path.
 */
export function findChromium(opts: { chromePath?: string; env?: NodeJS.ProcessEnv } = {}): string | undefined {
  if (opts.chromePath !== undefined) return isExecutable(opts.chromePath) ? opts.chromePath : undefined;
  const fromEnv = (opts.env ?? process.env)['CHROME_PATH'];
  if (fromEnv) return isExecutable(fromEnv) ? fromEnv : undefined;
  return WELL_KNOWN.find(isExecutable);
}

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A running headless Chromium and how to end it. */
export interface Browser {
  port: number;
  /** Kills Chromium (its whole process group) and removes its profile folder; safe to call twice. */
  close(): Promise<void>;
}

/**
 * Chrome flags for a sandboxed, offline headless run. `--host-resolver-rules` makes every host
 * name but the target's unresolvable, so a page's third-party requests never leave its origin.
 */
export function chromeFlags(userDataDir: string, targetHost: string): string[] {
  const host = targetHost.replace(/^\[|\]$/g, '');
  return [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-default-apps',
    `--user-data-dir=${userDataDir}`,
    `--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE ${host}`,
  ];
}

/** Launch Chromium for one target; a missing binary is VIGIL_ERR_LIGHTHOUSE with the install hint. */
export async function launchChromium(opts: { chromePath?: string; targetHost: string; signal: AbortSignal }): Promise<Browser> {
  const chromePath = findChromium(opts.chromePath !== undefined ? { chromePath: opts.chromePath } : {});
  if (!chromePath) {
    const asked = opts.chromePath ?? process.env['CHROME_PATH'];
    throw new VigilError('VIGIL_ERR_LIGHTHOUSE', `pages: no Chromium found${asked ? ` at ${asked}` : ` (looked at ${WELL_KNOWN.join(', ')})`}: ${INSTALL_HINT}`);
  }
  opts.signal.throwIfAborted();
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'vigil-chromium-'));
  let chrome: chromeLauncher.LaunchedChrome;
  try {
    chrome = await chromeLauncher.launch({
      chromePath,
      chromeFlags: chromeFlags(userDataDir, opts.targetHost),
      userDataDir,
      // the runner owns SIGINT; a worker thread must not install process handlers
      handleSIGINT: false,
      logLevel: 'silent',
      // ~10 s for Chromium's debugging port to answer on a loaded machine
      maxConnectionRetries: 20,
    });
  } catch (e) {
    await rm(userDataDir, { recursive: true, force: true });
    throw new VigilError('VIGIL_ERR_LIGHTHOUSE', `pages: Chromium (${chromePath}) did not start: ${e instanceof Error ? e.message : String(e)}`, {}, { cause: e });
  }
  let closed: Promise<void> | undefined;
  return {
    port: chrome.port,
    close() {
      closed ??= (async () => {
        const exited = chrome.process.exitCode !== null || chrome.process.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => chrome.process.once('exit', () => r()));
        chrome.kill();
        // Chromium writes to its profile until it is gone; removing the folder earlier can leave parts behind
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
        await rm(userDataDir, { recursive: true, force: true, maxRetries: 3 });
      })();
      return closed;
    },
  };
}
