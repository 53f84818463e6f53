import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { VigilError } from '../../../src/errors.js';
import { JsonLocator, parseJsonText } from '../../../src/util/json-source.js';
import { readTextInput } from '../../../src/util/read-input.js';
import type { Sbom } from '../model.js';
import { cycloneDxToSbom } from './cyclonedx.js';
import { readManifest } from './manifest.js';
import { resolvedFromRegistry, specFromRegistry } from './npm-spec.js';

export { NPM_LOCKFILES } from './lockfile-names.js';

/** The property cyclonedx-npm gives each component: its path in the (virtual) node_modules tree. */
const PATH_PROPERTY = 'cdx:npm:package:path';

type Json = Record<string, unknown>;

/** Options for reading an npm lockfile. */
export interface NpmOptions {
  signal?: AbortSignal;
  maxBytes: number;
}

/**
 * An npm lockfile (v1, v2 or v3) as an Sbom. The lockfile's JSON is checked here first, so a
 * corrupt file is reported with its line before anything is spawned; then cyclonedx-npm builds
 * the SBOM from the lockfile alone (no node_modules, no network), and its output is read like
 * any CycloneDX file. Its output is also the Sbom's `cyclonedx` document.
 */
export async function readNpmLockfile(folder: string, lockName: string, opts: NpmOptions): Promise<Sbom> {
  const file = join(folder, lockName);
  const text = await readTextInput(file, opts.maxBytes);
  const lock = parseJsonText(text, file, 'VIGIL_ERR_LOCKFILE_INVALID');
  checkLockShape(lock, new JsonLocator(text, file));

  const manifest = await readManifest(folder, opts.maxBytes);
  if (!manifest) {
    throw new VigilError('VIGIL_ERR_INPUT_NOT_FOUND', `${lockName} needs the package.json beside it: npm reads the project's own dependencies from there`, {
      file: join(folder, 'package.json'),
    });
  }
  if (opts.signal?.aborted) throw opts.signal.reason;

  const out = await runCycloneDxNpm(folder, { file, signal: opts.signal });
  let doc: unknown;
  let sbom: Sbom;
  try {
    doc = JSON.parse(out);
    sbom = cycloneDxToSbom(doc, out, `${file} (cyclonedx-npm output)`, file);
  } catch (e) {
    // the lockfile was fine and cyclonedx-npm said it succeeded: this is a tool problem, not bad input
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(`cyclonedx-npm wrote an SBOM vigil cannot read (${why})`, { cause: e });
  }
  markLocalPackages(sbom, doc as Json, lock as Json);
  return sbom;
}

/** Enough of the lockfile's shape that npm will not trip over it with a stack trace instead of a line. */
function checkLockShape(lock: unknown, loc: JsonLocator): void {
  const fail = (path: (string | number)[], problem: string) => loc.error('VIGIL_ERR_LOCKFILE_INVALID', path, problem);
  if (typeof lock !== 'object' || lock === null || Array.isArray(lock)) throw fail([], 'expected a JSON object');
  const l = lock as Json;
  const version = l['lockfileVersion'];
  if (version === undefined) throw fail([], 'no "lockfileVersion": this is not an npm lockfile');
  if (version !== 1 && version !== 2 && version !== 3) {
    throw fail(['lockfileVersion'], `lockfileVersion ${JSON.stringify(version)} is not one npm writes (1, 2 or 3)`);
  }
  for (const key of ['packages', 'dependencies'] as const) {
    const v = l[key];
    if (v === undefined) continue;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw fail([key], 'expected an object');
    for (const [name, entry] of Object.entries(v as Json)) {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw fail([key, name], 'expected an object describing the package');
    }
  }
  if (version >= 2 && l['packages'] === undefined) throw fail(['lockfileVersion'], `lockfileVersion ${version} needs a "packages" object`);
}

/** Options for one cyclonedx-npm run. */
export interface RunOptions {
  /** The lockfile, for error messages. */
  file: string;
  signal?: AbortSignal;
  /** Called with the child's pid once it runs (tests check it is gone after an abort). */
  onSpawn?: (pid: number) => void;
}

const requireHere = createRequire(import.meta.url);

/** The CLI script of the installed cyclonedx-npm: its package exports no API, by design, only the CLI. */
export function cycloneDxNpmCli(): string {
  // the package's `exports` expose only index.js, at the package root; bin/ sits beside it
  return join(dirname(requireHere.resolve('@cyclonedx/cyclonedx-npm')), 'bin', 'cyclonedx-npm-cli.js');
}

/** Run cyclonedx-npm on a folder's lockfile and return the JSON it prints. Abort kills it and the npm it runs. */
export function runCycloneDxNpm(folder: string, opts: RunOptions): Promise<string> {
  const args = [
    cycloneDxNpmCli(),
    '--package-lock-only',
    // a lockfile slightly out of step with package.json (npm ls says "missing" or "invalid") still says what is installed
    '--ignore-npm-errors',
    '--spec-version',
    '1.6',
    '--output-format',
    'JSON',
    '--output-file',
    '-',
    // vigil checks what it reads itself; the schema pass costs a second on big trees
    '--no-validate',
  ];
  const env = { ...process.env };
  // NODE_ENV=production and npm's omit settings would silently drop dev dependencies; vigil marks them instead
  for (const k of ['NODE_ENV', 'npm_config_omit', 'npm_config_production', 'npm_config_only', 'npm_config_include']) delete env[k];
  env['npm_config_update_notifier'] = 'false';
  // Without npm_execpath, cyclonedx-npm finds npm by running `npm run` in a scratch package: half a second.
  const npmCli = npmCliScript(env);
  if (npmCli) env['npm_execpath'] = npmCli;

  return new Promise<string>((resolvePromise, reject) => {
    const signal = opts.signal;
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const posix = process.platform !== 'win32';
    // its own process group, so an abort can end cyclonedx-npm and the `npm ls` it runs together
    const child = spawn(process.execPath, args, { cwd: folder, env, stdio: ['ignore', 'pipe', 'pipe'], detached: posix, windowsHide: true });
    const out: Buffer[] = [];
    let err = '';
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => {
      kill(child.pid, posix, () => child.kill('SIGKILL'));
      finish(() => reject(signal!.reason));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);

    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => {
      // only the end matters for the message; npm can be chatty
      err = (err + b.toString('utf8')).slice(-64 * 1024);
    });
    child.on('error', (e) => finish(() => reject(new Error(`could not run cyclonedx-npm: ${e.message}`, { cause: e }))));
    child.on('close', (code, sig) => {
      if (code === 0) {
        finish(() => resolvePromise(Buffer.concat(out).toString('utf8')));
        return;
      }
      const problem = toolProblem(err);
      if (problem.input) {
        finish(() => reject(new VigilError('VIGIL_ERR_LOCKFILE_INVALID', `cyclonedx-npm cannot read it: ${problem.input}`, { file: opts.file })));
        return;
      }
      finish(() => reject(new Error(`cyclonedx-npm failed (${sig ? `signal ${sig}` : `exit ${code}`})${problem.other ? `: ${problem.other}` : ''}`)));
    });
  });
}

/**
 * npm's own CLI script, as npm sets `npm_execpath` for the scripts it runs: the one already in
 * the environment, else the `npm` on PATH followed through its symlink (Debian's and nvm's
 * layouts), else the npm installed beside this node. Undefined leaves cyclonedx-npm to look.
 */
export function npmCliScript(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const isScript = (p: string | undefined): p is string => !!p && /\.[cm]?js$/.test(p) && existsSync(p);
  const current = env['npm_execpath'];
  if (isScript(current) && !/npx-cli\.js$/.test(current)) return current;
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'npm');
    if (!existsSync(candidate)) continue;
    try {
      const real = realpathSync(candidate);
      if (isScript(real)) return real;
    } catch {
      // a dangling link: try the next folder
    }
    break;
  }
  const beside = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
  return isScript(beside) ? beside : undefined;
}

function kill(pid: number | undefined, group: boolean, fallback: () => void): void {
  if (pid === undefined) return;
  try {
    if (group) process.kill(-pid, 'SIGKILL');
    else fallback();
  } catch {
    // already gone
  }
}

/**
 * What went wrong, from cyclonedx-npm's stderr: `input` when the lockfile is to blame (npm's own
 * complaint, else cyclonedx-npm's last `Error:` line), `other` when the environment is (no npm).
 * npm's "missing"/"invalid"/"extraneous" lines are only lockfile drift, which vigil tolerates.
 */
function toolProblem(stderr: string): { input?: string; other?: string } {
  const lines = stderr.split('\n').map((l) => l.trim());
  const npmLines: string[] = [];
  for (const raw of lines) {
    const m = /^npm (?:error|ERR!)\s+(.*)$/.exec(raw);
    const line = m?.[1]?.trim();
    if (!line || /^(?:A complete log|code\s|Log files|missing:|invalid:|extraneous:|peer dep|\s*$)/.test(line)) continue;
    npmLines.push(line);
  }
  const lastError = [...lines].reverse().find((l) => /^\w*Error:\s/.test(l))?.replace(/^\w*Error:\s+/, '');
  if (lastError && /system NPM|npm_execpath|unexpected npmJsPath/i.test(lastError)) return { other: lastError };
  const input = npmLines[0] ?? lastError;
  return input ? { input } : { other: lines.filter(Boolean).pop() ?? '' };
}

/**
 * cyclonedx-npm writes `file:` and linked packages (`"local": "file:../local"`, workspaces) as
 * ordinary npm purls, because the resolved path is meaningless elsewhere. vigil needs to know
 * they are not from the registry, so it looks each component's lockfile entry up by its path.
 */
function markLocalPackages(sbom: Sbom, doc: Json, lock: Json): void {
  const paths = componentPaths(doc);
  for (const [ref, path] of paths) {
    const c = sbom.graph.components.get(ref);
    if (!c || !c.registry) continue;
    if (!entryFromRegistry(lock, path)) c.registry = false;
  }
}

/** bom-ref → `cdx:npm:package:path`, over nested components too. */
function componentPaths(doc: Json): Map<string, string> {
  const out = new Map<string, string>();
  const stack: unknown[] = Array.isArray(doc['components']) ? [...doc['components']] : [];
  while (stack.length > 0) {
    const c = stack.pop();
    if (typeof c !== 'object' || c === null) continue;
    const comp = c as Json;
    if (Array.isArray(comp['components'])) stack.push(...comp['components']);
    const ref = comp['bom-ref'];
    const props = comp['properties'];
    if (typeof ref !== 'string' || !Array.isArray(props)) continue;
    for (const p of props) {
      if (typeof p === 'object' && p !== null && (p as Json)['name'] === PATH_PROPERTY && typeof (p as Json)['value'] === 'string') {
        out.set(ref, (p as Json)['value'] as string);
      }
    }
  }
  return out;
}

/** Whether the lockfile entry at a node_modules path came from the registry; unknown paths count as registry. */
function entryFromRegistry(lock: Json, path: string): boolean {
  const packages = lock['packages'];
  if (typeof packages === 'object' && packages !== null) {
    const e = (packages as Json)[path];
    if (typeof e !== 'object' || e === null) return true;
    const entry = e as Json;
    if (entry['link'] === true) return false;
    return typeof entry['resolved'] !== 'string' || resolvedFromRegistry(entry['resolved']);
  }
  // lockfile v1: nested `dependencies`, and non-registry packages keep their spec in `version`
  let level: unknown = lock;
  let entry: Json | undefined;
  for (const name of path.replace(/^node_modules\//, '').split('/node_modules/')) {
    const deps = (level as Json | undefined)?.['dependencies'];
    const next = typeof deps === 'object' && deps !== null ? (deps as Json)[name] : undefined;
    if (typeof next !== 'object' || next === null) return true;
    entry = next as Json;
    level = entry;
  }
  if (!entry) return true;
  if (typeof entry['version'] === 'string' && !specFromRegistry(entry['version'])) return false;
  return typeof entry['resolved'] !== 'string' || resolvedFromRegistry(entry['resolved']);
}
