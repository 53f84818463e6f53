import { PackageURL } from 'packageurl-js';
import { JsonLocator, parseJsonText } from '../util/json-source.js';
import { cutFromLastLine } from '../util/line-terminators.js';
import type { ReportedFinding } from '../model/report.js';
import { maxInputBytes, readTextInput } from '../util/read-input.js';

/** CycloneDX `analysis.state` values. */
export const CYCLONEDX_VEX_STATES = ['not_affected', 'false_positive', 'exploitable', 'in_triage', 'resolved', 'resolved_with_pedigree'] as const;
/** OpenVEX `status` values. */
export const OPENVEX_STATUSES = ['not_affected', 'affected', 'fixed', 'under_investigation'] as const;

export type VexStatus = (typeof CYCLONEDX_VEX_STATES)[number] | (typeof OPENVEX_STATUSES)[number];

/** The statuses that take a finding out of the gate; every other status leaves it live. */
export const SUPPRESSING_VEX_STATUSES: readonly VexStatus[] = ['not_affected', 'false_positive'];

/** One VEX statement, from either format, in vigil's terms. */
export interface VexStatement {
  format: 'cyclonedx' | 'openvex';
  /** The vulnerability id the statement is about (CVE-…, GHSA-…). */
  vulnerability: string;
  /** Other ids of the same vulnerability the document lists. */
  aliases: string[];
  /**
   * purls of the products the statement covers (CycloneDX bom-refs are resolved to their
   * component's purl when the document has it; otherwise kept as written, and match only
   * an identical purl). Empty: every product.
   */
  products: string[];
  status: VexStatus;
  justification?: string;
  /** CycloneDX `analysis.detail`; OpenVEX `impact_statement` (or `status_notes`). */
  detail?: string;
  /** When the statement was made, if the document says: a later statement supersedes an earlier one. */
  timestamp?: string;
  /** `file#index`: the statement's position in its document, for SuppressionInfo.where. */
  where: string;
}

/** Read a VEX file (CycloneDX 1.4–1.6 JSON or OpenVEX); errors name file, line and JSON path. */
export async function loadVex(file: string): Promise<VexStatement[]> {
  const text = await readTextInput(file, maxInputBytes());
  return parseVex(text, file);
}

type Path = (string | number)[];

/** Parse CycloneDX VEX or OpenVEX text into statements. */
export function parseVex(text: string, file: string): VexStatement[] {
  const doc = parseJsonText(text, file, 'VIGIL_ERR_VEX_PARSE');
  const locator = new JsonLocator(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, file);
  const fail = (path: Path, problem: string) => locator.error('VIGIL_ERR_VEX_INVALID', path, problem);
  if (!isObject(doc)) throw fail([], `expected a CycloneDX VEX or OpenVEX object, got ${describe(doc)}`);
  if (doc['bomFormat'] === 'CycloneDX') return parseCycloneDx(doc, file, fail);
  const context = doc['@context'];
  if (typeof context === 'string' && /^https:\/\/openvex\.dev\/ns/.test(context)) return parseOpenVex(doc, file, fail);
  if ('spdxVersion' in doc || 'SPDXID' in doc) throw fail([], 'an SPDX document is not VEX; give a CycloneDX VEX or OpenVEX file');
  throw fail([], 'neither CycloneDX VEX (bomFormat "CycloneDX") nor OpenVEX (@context https://openvex.dev/ns/…)');
}

type Fail = (path: Path, problem: string) => Error;

function parseCycloneDx(doc: Record<string, unknown>, file: string, fail: Fail): VexStatement[] {
  const spec = doc['specVersion'];
  if (spec !== '1.4' && spec !== '1.5' && spec !== '1.6') {
    throw fail(['specVersion'], `CycloneDX ${JSON.stringify(spec)} is not read; vigil reads VEX in CycloneDX 1.4–1.6 JSON`);
  }
  const vulns = doc['vulnerabilities'];
  if (vulns === undefined) throw fail([], 'a CycloneDX document without "vulnerabilities" is an SBOM, not VEX');
  if (!Array.isArray(vulns)) throw fail(['vulnerabilities'], `expected a list, got ${describe(vulns)}`);

  // bom-ref → purl, over metadata.component and components at any depth
  const purlOf = new Map<string, string>();
  const walk = (c: unknown): void => {
    if (!isObject(c)) return;
    const ref = c['bom-ref'];
    const purl = c['purl'];
    if (typeof ref === 'string' && typeof purl === 'string') purlOf.set(ref, purl);
    if (Array.isArray(c['components'])) c['components'].forEach(walk);
  };
  if (isObject(doc['metadata'])) walk(doc['metadata']['component']);
  if (Array.isArray(doc['components'])) doc['components'].forEach(walk);

  return vulns.map((v, i): VexStatement => {
    const at: Path = ['vulnerabilities', i];
    if (!isObject(v)) throw fail(at, `expected a vulnerability object, got ${describe(v)}`);
    const id = nonEmpty(v['id']);
    if (id === undefined) throw fail([...at, 'id'], 'needs the vulnerability id (CVE-…, GHSA-…)');
    const analysis = v['analysis'];
    if (!isObject(analysis)) throw fail([...at, 'analysis'], `needs "analysis" with a "state" to be a VEX statement, got ${describe(analysis)}`);
    const state = analysis['state'];
    if (typeof state !== 'string' || !(CYCLONEDX_VEX_STATES as readonly string[]).includes(state)) {
      throw fail([...at, 'analysis', 'state'], `expected one of ${CYCLONEDX_VEX_STATES.join(', ')}, got ${describe(state)}`);
    }
    const aliases: string[] = [];
    if (Array.isArray(v['references'])) {
      for (const r of v['references']) if (isObject(r) && nonEmpty(r['id']) !== undefined) aliases.push(nonEmpty(r['id'])!);
    }
    const products: string[] = [];
    const affects = v['affects'];
    if (affects !== undefined && !Array.isArray(affects)) throw fail([...at, 'affects'], `expected a list, got ${describe(affects)}`);
    (affects ?? []).forEach((a: unknown, j: number) => {
      const ref = isObject(a) ? nonEmpty(a['ref']) : undefined;
      if (ref === undefined) throw fail([...at, 'affects', j, 'ref'], 'needs "ref": a bom-ref or a purl');
      products.push(purlOf.get(ref) ?? ref);
    });
    const s: VexStatement = { format: 'cyclonedx', vulnerability: id, aliases, products, status: state as VexStatus, where: `${file}#${i}` };
    const justification = nonEmpty(analysis['justification']);
    if (justification !== undefined) s.justification = justification;
    const detail = nonEmpty(analysis['detail']);
    if (detail !== undefined) s.detail = detail;
    const timestamp = nonEmpty(analysis['lastUpdated']) ?? nonEmpty(v['updated']);
    if (timestamp !== undefined) s.timestamp = timestamp;
    return s;
  });
}

function parseOpenVex(doc: Record<string, unknown>, file: string, fail: Fail): VexStatement[] {
  const statements = doc['statements'];
  if (!Array.isArray(statements)) throw fail(['statements'], `an OpenVEX document needs a "statements" list, got ${describe(statements)}`);
  const docTimestamp = nonEmpty(doc['timestamp']);

  return statements.map((st, i): VexStatement => {
    const at: Path = ['statements', i];
    if (!isObject(st)) throw fail(at, `expected a statement object, got ${describe(st)}`);
    const vuln = st['vulnerability'];
    const aliases: string[] = [];
    let id: string | undefined;
    if (typeof vuln === 'string') {
      // OpenVEX 0.0.x: the vulnerability is a plain string
      id = nonEmpty(vuln);
    } else if (isObject(vuln)) {
      id = nonEmpty(vuln['name']) ?? nonEmpty(vuln['@id']);
      if (Array.isArray(vuln['aliases'])) for (const a of vuln['aliases']) if (nonEmpty(a) !== undefined) aliases.push(nonEmpty(a)!);
    }
    if (id === undefined) throw fail([...at, 'vulnerability'], 'needs the vulnerability: "name" (CVE-…, GHSA-…), or a string in OpenVEX 0.0.x');
    const status = st['status'];
    if (typeof status !== 'string' || !(OPENVEX_STATUSES as readonly string[]).includes(status)) {
      throw fail([...at, 'status'], `expected one of ${OPENVEX_STATUSES.join(', ')}, got ${describe(status)}`);
    }
    const products: string[] = [];
    const addProduct = (p: unknown, path: Path): void => {
      if (typeof p === 'string') {
        if (p.trim() === '') throw fail(path, 'expected a purl, got the empty text');
        products.push(p.trim());
        return;
      }
      if (!isObject(p)) throw fail(path, `expected a product (a purl or an object with "@id"), got ${describe(p)}`);
      const ids = isObject(p['identifiers']) ? p['identifiers'] : {};
      const purl = nonEmpty(p['@id']) ?? nonEmpty(ids['purl']);
      if (purl !== undefined) products.push(purl);
      if (nonEmpty(p['@id']) !== undefined && nonEmpty(ids['purl']) !== undefined && ids['purl'] !== p['@id']) products.push(nonEmpty(ids['purl'])!);
      // the vulnerable package inside a product (e.g. a library in an image) is a subcomponent
      if (Array.isArray(p['subcomponents'])) p['subcomponents'].forEach((c: unknown, k: number) => addProduct(c, [...path, 'subcomponents', k]));
      if (purl === undefined && !Array.isArray(p['subcomponents'])) throw fail(path, 'a product needs "@id" (a purl) or identifiers.purl');
    };
    const rawProducts = st['products'];
    if (rawProducts !== undefined && !Array.isArray(rawProducts)) throw fail([...at, 'products'], `expected a list, got ${describe(rawProducts)}`);
    (rawProducts ?? []).forEach((p: unknown, j: number) => addProduct(p, [...at, 'products', j]));

    const s: VexStatement = { format: 'openvex', vulnerability: id, aliases, products, status: status as VexStatus, where: `${file}#${i}` };
    const justification = nonEmpty(st['justification']);
    if (justification !== undefined) s.justification = justification;
    const detail = nonEmpty(st['impact_statement']) ?? nonEmpty(st['status_notes']);
    if (detail !== undefined) s.detail = detail;
    const timestamp = nonEmpty(st['timestamp']) ?? docTimestamp;
    if (timestamp !== undefined) s.timestamp = timestamp;
    return s;
  });
}

/** The SuppressionInfo reason for a statement: `<status>: <justification> — <detail>`. */
export function vexReason(s: Pick<VexStatement, 'status' | 'justification' | 'detail'>): string {
  return `${s.status}${s.justification ? `: ${s.justification}` : ''}${s.detail ? ` — ${s.detail}` : ''}`;
}

/** The parts of a reason made by vexReason (the VEX writer reads them back). */
export function parseVexReason(reason: string): { status: string; justification?: string; detail?: string } {
  const m = /^([a-z_]+)(?:: ([^ —]+))?(?: — ([\s\S]*))?$/.exec(reason);
  if (!m) return { status: '', detail: reason };
  const out: { status: string; justification?: string; detail?: string } = { status: m[1]! };
  if (m[2] !== undefined) out.justification = m[2];
  if (m[3] !== undefined) out.detail = m[3];
  return out;
}

/** True when the statement is about the finding's vulnerability and product, whatever its status. */
export function vexMatches(s: VexStatement, f: ReportedFinding): boolean {
  // CVE and GHSA ids are printed in either case by different databases
  const ids = new Set([f.ruleId, ...f.aliases].map((x) => x.toLowerCase()));
  if (![s.vulnerability, ...s.aliases].some((x) => ids.has(x.toLowerCase()))) return false;
  if (s.products.length === 0) return true;
  if (f.location.kind !== 'component') return false;
  const purl = f.location.purl;
  return s.products.some((p) => purlCovers(p, purl));
}

/**
 * True when a product purl covers a finding's purl: same type, namespace and name, ignoring
 * qualifiers and subpath; a product without a version covers every version.
 */
export function purlCovers(product: string, purl: string): boolean {
  const a = parsePurl(product);
  const b = parsePurl(purl);
  if (!a || !b) {
    // x.trim().replace(/[?#].*$/, ''), without rescanning to a line break from every `?` before it
    const strip = (x: string) => cutFromLastLine(x.trim(), ['?', '#']);
    const pa = strip(product);
    const pb = strip(purl);
    return pa === pb || (!pa.includes('@', pa.lastIndexOf('/') + 1) && pb.startsWith(`${pa}@`));
  }
  if (a.type.toLowerCase() !== b.type.toLowerCase()) return false;
  if ((a.namespace ?? '') !== (b.namespace ?? '') || a.name !== b.name) return false;
  return a.version === undefined || a.version === null || a.version === '' || a.version === b.version;
}

/**
 * Mark findings covered by a suppressing VEX statement. When several statements cover a
 * finding, the latest wins (by timestamp when both have one, else the later in the list), so
 * a later `affected` overrides an earlier `not_affected`. A finding already suppressed (by the
 * ledger) keeps that reason. `applied` counts the findings this call suppressed.
 */
export function applyVex(
  findings: readonly ReportedFinding[],
  statements: readonly VexStatement[],
): { findings: ReportedFinding[]; applied: number } {
  let applied = 0;
  const out = findings.map((f) => {
    if (f.suppression) return f;
    let best: VexStatement | undefined;
    for (const s of statements) {
      if (!vexMatches(s, f)) continue;
      const [was, now] = [timeOf(best), timeOf(s)];
      if (!best || was === undefined || now === undefined || now >= was) best = s;
    }
    if (!best || !SUPPRESSING_VEX_STATUSES.includes(best.status)) return f;
    applied++;
    return { ...f, suppression: { source: 'vex' as const, reason: vexReason(best), where: best.where } };
  });
  return { findings: out, applied };
}

function timeOf(s: VexStatement | undefined): number | undefined {
  const t = s?.timestamp === undefined ? NaN : Date.parse(s.timestamp);
  return Number.isNaN(t) ? undefined : t;
}

function parsePurl(purl: string): PackageURL | undefined {
  try {
    return PackageURL.fromString(purl.trim());
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nonEmpty(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the text ${JSON.stringify(v)}`;
  return `${typeof v} ${String(v)}`;
}
