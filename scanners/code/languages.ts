/**
 * Which grammar reads a file: by extension first, by shebang for extension-less scripts.
 *
 * Extensions follow Semgrep's language table for the languages vigil's engine parses. `.jsx` and
 * `.tsx` get their own grammars because tree-sitter parses them with separate grammars.
 */
import type { CodeLanguage } from './types.js';

const BY_EXTENSION: ReadonlyMap<string, CodeLanguage> = new Map([
  ['.js', 'javascript'],
  ['.mjs', 'javascript'],
  ['.cjs', 'javascript'],
  ['.jsx', 'jsx'],
  ['.ts', 'typescript'],
  ['.mts', 'typescript'],
  ['.cts', 'typescript'],
  ['.tsx', 'tsx'],
  ['.py', 'python'],
  ['.pyi', 'python'],
  ['.go', 'go'],
  ['.java', 'java'],
]);

/** The file name of a `/`- or `\`-separated path. */
function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i < 0 ? path : path.slice(i + 1);
}

/** The extension of a file name, lower-cased, with its dot; '' for none. A leading dot (`.env`) is not an extension. */
export function extensionOf(path: string): string {
  const name = baseName(path);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot).toLowerCase();
}

/** The language a path's extension names, or undefined. Declaration files (`.d.ts`, `.pyi`) still name their language: skipping them is the walker's call. */
export function languageOf(path: string): CodeLanguage | undefined {
  return BY_EXTENSION.get(extensionOf(path));
}

/** True for files that only declare types (`.d.ts`, `.d.mts`, `.d.cts`, `.pyi`): no logic for a rule to find. */
export function isDeclarationFile(path: string): boolean {
  const name = baseName(path).toLowerCase();
  return /\.d\.[cm]?ts$/.test(name) || name.endsWith('.pyi');
}

/**
 * The language a script's `#!` line runs it with, or undefined. `#!/usr/bin/env node`,
 * `#!/usr/bin/node`, `#!/usr/bin/env -S node --flag` → javascript; `python`, `python3`,
 * `python3.12` → python; `ts-node` → typescript.
 */
export function shebangLanguage(text: string): CodeLanguage | undefined {
  if (!text.startsWith('#!')) return undefined;
  const eol = text.indexOf('\n');
  const words = text
    .slice(2, eol < 0 ? undefined : eol)
    .trim()
    .split(/\s+/);
  let program = baseName(words[0] ?? '');
  if (program === 'env') {
    // env takes options (`-S`, `-u NAME` is rare enough to ignore) and NAME=value pairs before the program.
    program = words.slice(1).find((w) => !w.startsWith('-') && !w.includes('=')) ?? '';
    program = baseName(program);
  }
  if (program === 'node' || program === 'nodejs') return 'javascript';
  if (program === 'ts-node') return 'typescript';
  if (/^python(?:[23](?:\.\d+)?)?$/.test(program)) return 'python';
  return undefined;
}
