import { createRequire } from 'node:module';
import { VigilError } from '../../../src/errors.js';
import type { DependencyGraph } from '../model.js';
import { LockGraph, type LockPackage } from './graph.js';
import { entryKeyLines, unclosedQuoteLine } from './lockfile-lines.js';
import { projectName, type Manifest } from './manifest.js';
import { aliasTarget, isGitSpec, resolvedFromRegistry, specFromRegistry, splitDescriptor } from './npm-spec.js';
import { npmPurl } from './purl.js';

/** The part of @yarnpkg/lockfile vigil uses; the package ships no types. */
interface YarnLockfileModule {
  parse(text: string, file?: string): { type: 'success' | 'merge' | 'conflict'; object: unknown };
}

// @yarnpkg/lockfile is CommonJS without types: load it through require and give it the shape above
const yarnLockfile = createRequire(import.meta.url)('@yarnpkg/lockfile') as YarnLockfileModule;

/** A yarn.lock's text comes with where it is and the package.json beside it. */
export interface YarnSource {
  file: string;
  folder: string;
  manifest: Manifest | undefined;
}

type Json = Record<string, unknown>;

interface Entry {
  key: string;
  pkg: LockPackage;
  deps: [string, string, boolean][];
}

/** yarn 1 lockfile text into a graph; the root's dependencies come from package.json. */
export function readClassicLock(text: string, src: YarnSource): DependencyGraph {
  const { file, manifest } = src;
  const parsed = parseClassic(text, file);
  let keyLines: Map<string, number> | undefined;
  const fail = (key: string, problem: string) => {
    keyLines ??= entryKeyLines(text);
    const line = keyLines.get(key) ?? lineStartingWith(text, key);
    return new VigilError('VIGIL_ERR_LOCKFILE_INVALID', `${key}: ${problem}`, line === undefined ? { file } : { file, line });
  };
  const object = parsed.object;
  if (typeof object !== 'object' || object === null) throw new VigilError('VIGIL_ERR_LOCKFILE_INVALID', 'not a yarn.lock', { file, line: 1 });

  // one entry can stand under several descriptors (`ms@^2.0.0, ms@^2.1.3`): the parser gives them one object
  const entries = new Map<object, Entry>();
  const byDescriptor = new Map<string, Entry>();
  const refs = new Set<string>();
  for (const [key, value] of Object.entries(object as Json)) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw fail(key, 'expected an entry like `name@range:` with an indented `version`; this does not look like a yarn.lock');
    }
    let entry = entries.get(value);
    if (!entry) {
      entry = toEntry(key, value as Json, refs, fail);
      entries.set(value, entry);
    }
    byDescriptor.set(key, entry);
  }

  const name = projectName(src.folder, manifest);
  const root: LockPackage = { key: `${name}@workspace:.`, name, version: manifest?.version ?? '', registry: false };
  const graph = new LockGraph(root);
  for (const e of entries.values()) graph.add(e.pkg);
  for (const e of entries.values()) {
    for (const [dep, range, optional] of e.deps) {
      const target = byDescriptor.get(`${dep}@${range}`);
      if (target) graph.edge(e.pkg.key, target.pkg.key);
      else if (!optional) throw fail(e.key, `depends on ${dep}@${range}, which has no entry: the lockfile is incomplete — run yarn install`);
    }
  }
  if (manifest) {
    for (const [field, dev] of [['dependencies', false], ['optionalDependencies', false], ['devDependencies', true]] as const) {
      for (const [dep, range] of Object.entries(manifest[field])) {
        // a package.json entry the lockfile lacks is not installed: nothing to audit
        const target = byDescriptor.get(`${dep}@${range}`);
        if (target) graph.edge(root.key, target.pkg.key, dev);
      }
    }
  }
  return graph.build();
}

function toEntry(key: string, e: Json, refs: Set<string>, fail: (key: string, problem: string) => VigilError): Entry {
  const d = splitDescriptor(key);
  if (!d) throw fail(key, 'expected `name@range` as the entry key');
  const v = e['version'];
  if (typeof v !== 'string' && typeof v !== 'number') throw fail(key, 'the entry has no version');
  const version = String(v);
  const name = aliasTarget(d.range) ?? d.name;
  const resolved = typeof e['resolved'] === 'string' ? e['resolved'] : undefined;
  const registry = specFromRegistry(d.range) && (resolved === undefined || resolvedFromRegistry(resolved));

  let ref = `${name}@${version}`;
  // the same name and version from two sources (registry and a git fork): tell them apart by spec
  if (refs.has(ref)) ref = `${name}@${d.range}`;
  for (let n = 2; refs.has(ref); n++) ref = `${name}@${version}#${n}`;
  refs.add(ref);

  let qualifiers: Record<string, string> | undefined;
  if (!registry && resolved && !/^file:/i.test(resolved)) qualifiers = isGitSpec(resolved) ? { vcs_url: resolved } : { download_url: resolved };
  const purl = npmPurl(name, version, qualifiers);
  const pkg: LockPackage = { key: ref, name, version, registry };
  if (purl) pkg.purl = purl;

  const deps: [string, string, boolean][] = [];
  for (const [field, optional] of [['dependencies', false], ['optionalDependencies', true]] as const) {
    const list = e[field];
    if (list === undefined) continue;
    if (typeof list !== 'object' || list === null) throw fail(key, `"${field}" should be an indented list of \`name "range"\``);
    for (const [dep, range] of Object.entries(list as Json)) {
      if (typeof range !== 'string' && typeof range !== 'number') throw fail(key, `${field}.${dep} has no range`);
      deps.push([dep, String(range), optional]);
    }
  }
  return { key, pkg, deps };
}

/**
 * Parse with @yarnpkg/lockfile, working around its tokenizer: a quote or comment left open at the
 * end of the text makes it loop to the end of memory (seconds of CPU, then "Invalid string
 * length"), and it counts "\n\n" as one line break, so its line numbers drift after every blank
 * line. Blank lines are dropped before parsing, open quotes are found the way its tokenizer pairs
 * them, and the parser's line numbers are mapped back to the file's.
 */
function parseClassic(text: string, file: string): ReturnType<YarnLockfileModule['parse']> {
  const origin: number[] = [];
  const kept: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    kept.push(line);
    origin.push(i + 1);
  });
  const input = `${kept.join('\n')}\n`;
  const open = unclosedQuoteLine(input);
  if (open !== undefined) return fail('not a valid yarn.lock: a quoted string never closes (is the file truncated?)', origin[open - 1]);
  try {
    return yarnLockfile.parse(input);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const m = /(\d+):(\d+) in lockfile/.exec(msg);
    if (m) {
      const what = /^Unknown token/.test(msg) ? 'unexpected character' : msg.replace(/\s*\d+:\d+ in lockfile.*$/, '').replace(/^\w/, (c) => c.toLowerCase());
      const line = origin[Number(m[1]) - 1];
      return fail(`not a valid yarn.lock: ${what}`, line);
    }
    if (/Invalid number of spaces/.test(msg)) return fail('not a valid yarn.lock: indented by an odd number of spaces', oddIndentLine(text));
    return fail(`not a valid yarn.lock: ${msg}`, undefined);
  }

  function fail(message: string, line: number | undefined): never {
    throw new VigilError('VIGIL_ERR_LOCKFILE_INVALID', message, line === undefined ? { file } : { file, line });
  }
}

function oddIndentLine(text: string): number | undefined {
  const i = text.split('\n').findIndex((l) => l.trim() !== '' && /^ */.exec(l)![0].length % 2 === 1);
  return i === -1 ? undefined : i + 1;
}

/** The first line that begins with `key` (bare or quoted): an entry the key-line index could not split. */
function lineStartingWith(text: string, key: string): number | undefined {
  const i = text.split('\n').findIndex((l) => l.startsWith(key) || l.startsWith(`"${key}`));
  return i === -1 ? undefined : i + 1;
}
