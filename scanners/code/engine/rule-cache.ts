/**
 * Checked rule files, kept between runs. Reading the bundled pack (YAML with positions, every
 * pattern parsed by tree-sitter and checked) costs about half a second before a scan can start;
 * a file whose text, path and engine are unchanged is read back from here instead, with the
 * patterns it compiled, in a few milliseconds.
 *
 * - Key: SHA-256 of the engine's own code (the modules of this folder, of the code scanner's and
 *   of the config reader, and the versions of the grammars), the file's path and its text. A change to any of them is a miss.
 * - Only a file that loaded without a problem is kept: problems are reported from a fresh read.
 * - Where: `$VIGIL_CACHE_DIR/rules`, else `$XDG_CACHE_HOME/vigil/rules`, else
 *   `~/.cache/vigil/rules`; the folder is made private to the user (0700, files 0600).
 *   `VIGIL_CACHE_DIR=off` turns the cache off.
 * - Nothing here can fail a scan: an unreadable, unwritable or corrupt cache is a miss.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import type { CompiledPatterns } from './pattern.js';
import type { CodeRule } from './rules.js';

/** What is kept for one rule file. */
export interface CachedRuleFile {
  rules: CodeRule[];
  /** The patterns its rules compiled, for `adoptCompiledPatterns`. */
  patterns: CompiledPatterns;
}

/** Bumped when the cached shape changes in a way the engine's code hash would not show. */
const FORMAT = 1;

/** The cache folder, or undefined when it is turned off. */
export function ruleCacheDir(): string | undefined {
  const own = process.env['VIGIL_CACHE_DIR'];
  if (own === 'off') return undefined;
  if (own) return join(own, 'rules');
  const xdg = process.env['XDG_CACHE_HOME'];
  const home = xdg || join(homedir(), '.cache');
  return join(home, 'vigil', 'rules');
}

let engineHash: string | undefined;

/** A hash of the code that decides what loading a rule file gives: this folder's modules and the grammar packages' versions. */
function engineFingerprint(): string {
  if (engineHash) return engineHash;
  const h = createHash('sha256').update(`format ${FORMAT}\0`);
  const here = dirname(fileURLToPath(import.meta.url));
  // this folder, the scanner's (file filters, types) and the YAML reader that gives positions
  for (const dir of [here, dirname(here), join(here, '..', '..', '..', 'src', 'config')]) {
    let names: string[] = [];
    try {
      names = readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      if (!/\.(js|ts)$/.test(name)) continue;
      h.update(name).update('\0').update(readFileSync(join(dir, name))).update('\0');
    }
  }
  const require = createRequire(import.meta.url);
  for (const pkg of ['@ast-grep/napi', '@ast-grep/lang-python', '@ast-grep/lang-go', '@ast-grep/lang-java']) {
    try {
      h.update(`${pkg}@${(require(`${pkg}/package.json`) as { version: string }).version}\0`);
    } catch {
      h.update(`${pkg}@?\0`);
    }
  }
  engineHash = h.digest('hex');
  return engineHash;
}

function keyOf(file: string, text: string): string {
  return createHash('sha256').update(engineFingerprint()).update('\0').update(file).update('\0').update(text).digest('hex');
}

/** The cached load of a rule file, or undefined (a miss, whatever the reason). */
export async function readCachedRuleFile(file: string, text: string): Promise<CachedRuleFile | undefined> {
  const dir = ruleCacheDir();
  if (!dir) return undefined;
  try {
    const v = deserialize(await readFile(join(dir, `${keyOf(file, text)}.bin`))) as CachedRuleFile;
    return Array.isArray(v?.rules) && Array.isArray(v?.patterns) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Keep a rule file's load; a failure to write is ignored (the next run reads the file again). */
export async function writeCachedRuleFile(file: string, text: string, value: CachedRuleFile): Promise<void> {
  const dir = ruleCacheDir();
  if (!dir) return;
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const target = join(dir, `${keyOf(file, text)}.bin`);
    // written aside and renamed: a reader never sees half a file, and runs side by side do not clash
    const tmp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, serialize(value), { mode: 0o600 });
    await rename(tmp, target);
  } catch {
    // a read-only home, a full disk: the cache is only a shortcut
  }
}
