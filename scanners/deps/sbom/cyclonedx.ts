import { basename } from 'node:path';
import { JsonLocator, formatPath, parseJsonText } from '../../../src/util/json-source.js';
import { VigilError } from '../../../src/errors.js';
import type { Component, Sbom } from '../model.js';
import { attachUnreachable } from './graph.js';
import { parsePurl, purlFacts } from './purl.js';

/** The property cyclonedx-npm sets on development-only packages; vigil writes and reads the same one. */
export const NPM_DEV_PROPERTY = 'cdx:npm:package:development';

/** The CycloneDX versions whose JSON vigil reads; their component and dependency shapes are the same. */
export const CYCLONEDX_VERSIONS = ['1.4', '1.5', '1.6'] as const;

/** The ref vigil gives the root when an SBOM names none; `vigil:` cannot clash with a tool's bom-ref by accident. */
export const SYNTHETIC_ROOT_REF = 'vigil:root';

type Path = (string | number)[];
type Json = Record<string, unknown>;

/** Parse CycloneDX JSON text into an Sbom; errors name file, line and JSON path. */
export function parseCycloneDx(text: string, file: string, source: string = file): Sbom {
  if (/^\uFEFF?\s*</.test(text)) {
    throw new VigilError('VIGIL_ERR_SBOM_PARSE', 'looks like XML; vigil reads CycloneDX JSON (convert with `cyclonedx convert --output-format json`)', {
      file,
      line: 1,
    });
  }
  const doc = parseJsonText(text, file, 'VIGIL_ERR_SBOM_PARSE');
  return cycloneDxToSbom(doc, text, file, source);
}

/** An already parsed CycloneDX document into an Sbom; `text` is what it was parsed from, for error lines. */
export function cycloneDxToSbom(doc: unknown, text: string, file: string, source: string = file): Sbom {
  return new CycloneDxReader(new JsonLocator(text, file)).read(doc, source);
}

/**
 * Where a value is, as a linked list up to the root: paths are only spelled out for an error,
 * so a component nested thousands deep costs no more than one at the top.
 */
interface Trail {
  up?: Trail;
  key: string | number;
}

function pathOf(t: Trail | undefined, ...more: Path): Path {
  const out: Path = [];
  for (let x = t; x; x = x.up) out.unshift(x.key);
  return [...out, ...more];
}

interface Walked {
  node: Json;
  trail: Trail;
}

class CycloneDxReader {
  /** bom-ref → where it was first seen, to name both places when one repeats. */
  private readonly bomRefs = new Map<string, Trail>();

  constructor(private readonly loc: JsonLocator) {}

  private fail(path: Path, problem: string): VigilError {
    try {
      return this.loc.error('VIGIL_ERR_SBOM_INVALID', path, problem);
    } catch {
      // finding the line re-parses the text recursively; past the stack's depth, report without one
      return new VigilError('VIGIL_ERR_SBOM_INVALID', `${formatPath(path)}: ${problem}`, { file: this.loc.file });
    }
  }

  read(doc: unknown, source: string): Sbom {
    if (!isObject(doc)) throw this.fail([], `expected a CycloneDX JSON object, got ${describe(doc)}`);
    this.checkIsCycloneDx(doc);

    const metadata = doc['metadata'];
    if (metadata !== undefined && !isObject(metadata)) throw this.fail(['metadata'], `expected an object, got ${describe(metadata)}`);
    const rootNode = metadata?.['component'];
    if (rootNode !== undefined && !isObject(rootNode)) throw this.fail(['metadata', 'component'], `expected an object, got ${describe(rootNode)}`);

    const walked = this.walkComponents(doc);
    if (rootNode) this.checkComponent(rootNode, { up: { key: 'metadata' }, key: 'component' });
    for (const w of walked) this.checkComponent(w.node, w.trail);
    const serviceRefs = this.walkServices(doc);

    // refs: the bom-ref when there is one; otherwise name@version, made unique
    const refOf = new Map<Json, string>();
    const taken = new Set([...this.bomRefs.keys(), SYNTHETIC_ROOT_REF]);
    const rootRef = rootNode && typeof rootNode['bom-ref'] === 'string' ? rootNode['bom-ref'] : SYNTHETIC_ROOT_REF;
    for (const { node } of walked) {
      const own = node['bom-ref'];
      if (typeof own === 'string') {
        refOf.set(node, own);
        continue;
      }
      const base = `${String(node['name'])}@${typeof node['version'] === 'string' ? node['version'] : ''}`;
      let ref = base;
      for (let n = 2; taken.has(ref); n++) ref = `${base}#${n}`;
      taken.add(ref);
      refOf.set(node, ref);
    }

    const components = new Map<string, Component>();
    components.set(rootRef, this.rootComponent(rootNode, rootRef, source));
    for (const { node } of walked) {
      const ref = refOf.get(node)!;
      components.set(ref, toComponent(node, ref));
    }

    const edges = this.readDependencies(doc, new Set(components.keys()), serviceRefs);
    attachUnreachable(rootRef, components.keys(), edges);
    for (const [ref, tos] of edges) edges.set(ref, [...new Set(tos)].sort());
    for (const ref of components.keys()) if (!edges.has(ref)) edges.set(ref, []);

    return {
      source,
      graph: { root: rootRef, components, edges },
      cyclonedx: asSpec16(doc),
    };
  }

  /** bomFormat and specVersion, with a message that says what the document is when it is not CycloneDX. */
  private checkIsCycloneDx(doc: Json): void {
    const format = doc['bomFormat'];
    if (format === undefined) {
      const looks = lookalike(doc);
      throw this.fail([], looks ? `this is ${looks}, not a CycloneDX SBOM; vigil reads CycloneDX ${CYCLONEDX_VERSIONS.join(', ')} JSON` : 'no "bomFormat": this is not a CycloneDX SBOM');
    }
    if (format !== 'CycloneDX') throw this.fail(['bomFormat'], `expected "CycloneDX", got ${typeof format === 'string' ? JSON.stringify(format.slice(0, 40)) : describe(format)}`);
    const version = doc['specVersion'];
    if (typeof version !== 'string') throw this.fail(['specVersion'], `expected a version string such as "1.6", got ${describe(version)}`);
    if (!(CYCLONEDX_VERSIONS as readonly string[]).includes(version)) {
      throw this.fail(['specVersion'], `CycloneDX ${version} is not supported; vigil reads ${CYCLONEDX_VERSIONS.join(', ')}`);
    }
  }

  /** Every component, nested ones (`components[].components`) flattened in. */
  private walkComponents(doc: Json): Walked[] {
    const out: Walked[] = [];
    const top = doc['components'];
    if (top === undefined) return out;
    if (!Array.isArray(top)) throw this.fail(['components'], `expected an array, got ${describe(top)}`);
    // an explicit stack: a hostile SBOM nested 100,000 deep must not overflow the call stack
    const stack: { list: unknown[]; trail: Trail }[] = [{ list: top, trail: { key: 'components' } }];
    while (stack.length > 0) {
      const { list, trail } = stack.pop()!;
      list.forEach((node, i) => {
        const here: Trail = { up: trail, key: i };
        if (!isObject(node)) throw this.fail(pathOf(here), `expected a component object, got ${describe(node)}`);
        out.push({ node, trail: here });
        const nested = node['components'];
        if (nested === undefined) return;
        const nestedTrail: Trail = { up: here, key: 'components' };
        if (!Array.isArray(nested)) throw this.fail(pathOf(nestedTrail), `expected an array, got ${describe(nested)}`);
        stack.push({ list: nested, trail: nestedTrail });
      });
    }
    return out;
  }

  private checkComponent(node: Json, trail: Trail): void {
    const name = node['name'];
    if (typeof name !== 'string' || name === '') {
      throw this.fail(pathOf(trail, 'name'), name === undefined ? 'a component needs a name' : `expected a non-empty string, got ${describe(name)}`);
    }
    // CycloneDX 1.4 made version optional (files, firmware); only a wrong type is an error
    for (const key of ['version', 'purl', 'group', 'scope'] as const) {
      const v = node[key];
      if (v !== undefined && typeof v !== 'string') throw this.fail(pathOf(trail, key), `expected a string, got ${describe(v)}`);
    }
    const licenses = node['licenses'];
    if (licenses !== undefined && !Array.isArray(licenses)) throw this.fail(pathOf(trail, 'licenses'), `expected an array, got ${describe(licenses)}`);
    this.claimBomRef(node, trail);
  }

  private claimBomRef(node: Json, trail: Trail): void {
    const ref = node['bom-ref'];
    if (ref === undefined) return;
    if (typeof ref !== 'string' || ref === '') throw this.fail(pathOf(trail, 'bom-ref'), `expected a non-empty string, got ${describe(ref)}`);
    const first = this.bomRefs.get(ref);
    if (first) {
      let where = formatPath(pathOf(first));
      try {
        where += ` (line ${this.loc.locate(pathOf(first)).line})`;
      } catch {
        // as in fail(): no line for a document too deep to walk twice
      }
      throw this.fail(pathOf(trail, 'bom-ref'), `bom-ref ${JSON.stringify(ref)} is already used by ${where}; bom-refs must be unique`);
    }
    this.bomRefs.set(ref, trail);
  }

  /** Services can be dependency targets too; their refs are known but they are not components. */
  private walkServices(doc: Json): Set<string> {
    const refs = new Set<string>();
    const top = doc['services'];
    if (!Array.isArray(top)) return refs;
    const stack: { list: unknown[]; trail: Trail }[] = [{ list: top, trail: { key: 'services' } }];
    while (stack.length > 0) {
      const { list, trail } = stack.pop()!;
      list.forEach((s, i) => {
        if (!isObject(s)) return;
        const here: Trail = { up: trail, key: i };
        if (s['bom-ref'] !== undefined) {
          this.claimBomRef(s, here);
          refs.add(s['bom-ref'] as string);
        }
        if (Array.isArray(s['services'])) stack.push({ list: s['services'], trail: { up: here, key: 'services' } });
      });
    }
    return refs;
  }

  private readDependencies(doc: Json, known: ReadonlySet<string>, services: ReadonlySet<string>): Map<string, string[]> {
    const edges = new Map<string, string[]>();
    const deps = doc['dependencies'];
    if (deps === undefined) return edges;
    if (!Array.isArray(deps)) throw this.fail(['dependencies'], `expected an array, got ${describe(deps)}`);
    deps.forEach((d, i) => {
      const here: Path = ['dependencies', i];
      if (!isObject(d)) throw this.fail(here, `expected an object with "ref", got ${describe(d)}`);
      const ref = d['ref'];
      if (typeof ref !== 'string') throw this.fail([...here, 'ref'], `expected a bom-ref string, got ${describe(ref)}`);
      const isService = services.has(ref);
      if (!known.has(ref) && !isService) throw this.fail([...here, 'ref'], `${JSON.stringify(ref)} is not the bom-ref of any component`);
      const on = d['dependsOn'];
      if (on === undefined) return;
      if (!Array.isArray(on)) throw this.fail([...here, 'dependsOn'], `expected an array of bom-refs, got ${describe(on)}`);
      const list = edges.get(ref) ?? [];
      on.forEach((to, j) => {
        if (typeof to !== 'string') throw this.fail([...here, 'dependsOn', j], `expected a bom-ref string, got ${describe(to)}`);
        if (services.has(to)) return;
        if (!known.has(to)) throw this.fail([...here, 'dependsOn', j], `${JSON.stringify(to)} is not the bom-ref of any component`);
        list.push(to);
      });
      // a service's own dependencies are outside the component graph
      if (!isService) edges.set(ref, list);
    });
    return edges;
  }

  private rootComponent(node: Json | undefined, ref: string, source: string): Component {
    if (node) return { ...toComponent(node, ref), dev: false, registry: false };
    // no metadata.component: name the root after the file, so paths still read `bom.json > lodash`
    return { ref, name: basename(source), version: '', licenses: [], dev: false, registry: false };
  }
}

/** One CycloneDX component in vigil's model (the node was checked already). */
function toComponent(node: Json, ref: string): Component {
  const rawPurl = typeof node['purl'] === 'string' ? node['purl'] : undefined;
  const parsed = rawPurl ? parsePurl(rawPurl) : undefined;
  const facts = parsed ? purlFacts(parsed) : undefined;
  const group = typeof node['group'] === 'string' && node['group'] ? node['group'] : undefined;
  const ownName = node['name'] as string;
  const props = properties(node);
  // cyclonedx-npm marks npm's optional dependencies with scope "optional"; they are installed in
  // production, so for its output only its own development flag counts
  const fromCyclonedxNpm = [...props.keys()].some((k) => k.startsWith('cdx:npm:'));
  const scope = node['scope'];
  const dev = props.get(NPM_DEV_PROPERTY) === 'true' || (!fromCyclonedxNpm && (scope === 'optional' || scope === 'excluded'));

  const c: Component = {
    ref,
    name: facts?.name ?? (group ? `${group}/${ownName}` : ownName),
    version: typeof node['version'] === 'string' ? node['version'] : (facts?.version ?? ''),
    licenses: licenses(node['licenses']),
    dev,
    registry: facts ? facts.registry : !vcsOnly(node),
  };
  if (facts?.ecosystem !== undefined) c.ecosystem = facts.ecosystem;
  if (rawPurl !== undefined) c.purl = rawPurl;
  return c;
}

/** `licenses[].license.id|name` and `licenses[].expression`, as declared. */
function licenses(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const entry of list) {
    if (!isObject(entry)) continue;
    if (typeof entry['expression'] === 'string') out.push(entry['expression']);
    const l = entry['license'];
    if (!isObject(l)) continue;
    const id = typeof l['id'] === 'string' ? l['id'] : typeof l['name'] === 'string' ? l['name'] : undefined;
    if (id) out.push(id);
  }
  return out;
}

function properties(node: Json): Map<string, string> {
  const out = new Map<string, string>();
  const list = node['properties'];
  if (!Array.isArray(list)) return out;
  for (const p of list) {
    if (isObject(p) && typeof p['name'] === 'string' && typeof p['value'] === 'string') out.set(p['name'], p['value']);
  }
  return out;
}

/** No purl to go by, and the only place the component says it comes from is a VCS. */
function vcsOnly(node: Json): boolean {
  const refs = node['externalReferences'];
  if (!Array.isArray(refs)) return false;
  const types = refs.filter(isObject).map((r) => r['type']);
  return types.includes('vcs') && !types.includes('distribution');
}

/** The same document declared as 1.6: 1.4 and 1.5 documents are valid 1.6 (CycloneDX minor versions only add). */
function asSpec16(doc: Json): Record<string, unknown> {
  const { $schema: _schema, bomFormat, specVersion: _version, ...rest } = doc;
  return { $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json', bomFormat, specVersion: '1.6', ...rest };
}

/** What a JSON document that is not CycloneDX looks like, for the error message. */
function lookalike(doc: Json): string | undefined {
  if (typeof doc['spdxVersion'] === 'string') return `an SPDX document (${doc['spdxVersion']})`;
  if ('SPDXID' in doc) return 'an SPDX document';
  if (Array.isArray(doc['runs'])) return 'a SARIF log';
  if ('lockfileVersion' in doc) return 'an npm lockfile (pass the folder that holds it)';
  if (typeof doc['schema_version'] === 'string' && typeof doc['modified'] === 'string') return 'an OSV advisory';
  if (isObject(doc['packages']) && 'name' in doc) return 'a package.json-like file';
  return undefined;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `${typeof v} ${String(v)}`;
}
