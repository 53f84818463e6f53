import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import type { DependencyGraph } from '../../../../scanners/deps/model.js';

/** A scenario folder (or file in one) under test/fixtures/deps. */
export function fixture(...parts: string[]): string {
  return join(fileURLToPath(new URL('../../../fixtures/deps/', import.meta.url)), ...parts);
}

/** Components as comparable rows, sorted, leaving the root out. */
export function rows(graph: DependencyGraph): string[] {
  return [...graph.components.values()]
    .filter((c) => c.ref !== graph.root)
    .map((c) => `${c.name}@${c.version} ${c.ecosystem ?? '-'}${c.dev ? ' dev' : ''}${c.registry ? '' : ' local'}`)
    .sort();
}

/** The shortest dependency path from the root to the first component labelled `name@version`, as labels. */
export function pathTo(graph: DependencyGraph, label: string): string[] | undefined {
  const labelOf = (ref: string) => {
    const c = graph.components.get(ref)!;
    return ref === graph.root ? '(root)' : `${c.name}@${c.version}`;
  };
  const prev = new Map<string, string | null>([[graph.root, null]]);
  const queue = [graph.root];
  for (let i = 0; i < queue.length; i++) {
    const ref = queue[i]!;
    if (labelOf(ref) === label) {
      const path: string[] = [];
      for (let r: string | null = ref; r !== null; r = prev.get(r)!) path.unshift(labelOf(r));
      return path;
    }
    for (const to of graph.edges.get(ref) ?? []) {
      if (prev.has(to)) continue;
      prev.set(to, ref);
      queue.push(to);
    }
  }
  return undefined;
}

/** Every edge as `from -> to` labels, sorted. */
export function edgeLabels(graph: DependencyGraph): string[] {
  const labelOf = (ref: string) => (ref === graph.root ? '(root)' : `${graph.components.get(ref)!.name}@${graph.components.get(ref)!.version}`);
  const out: string[] = [];
  for (const [from, tos] of graph.edges) for (const to of tos) out.push(`${labelOf(from)} -> ${labelOf(to)}`);
  return out.sort();
}

/** Errors from the official CycloneDX JSON schema (via the CycloneDX library), or null when valid. */
export async function schemaErrors(doc: unknown, version: '1.4' | '1.5' | '1.6'): Promise<unknown> {
  const v = { '1.4': Spec.Version.v1dot4, '1.5': Spec.Version.v1dot5, '1.6': Spec.Version.v1dot6 }[version];
  return new Validation.JsonStrictValidator(v).validate(JSON.stringify(doc));
}

/** A temporary folder with the given files; `cleanup` removes it. */
export async function tempProject(files: Record<string, string>): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-sbom-'));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
