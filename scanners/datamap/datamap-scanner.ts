import path from 'node:path';
import { VigilError } from '../../src/errors.js';
import { createFinding, sortFindings } from '../../src/model/create.js';
import type { Finding } from '../../src/model/finding.js';
import { fingerprint } from '../../src/model/fingerprint.js';
import type { Scanner, ScanContext } from '../../src/model/scanner.js';
import type { Target } from '../../src/model/target.js';
import { declaredFields, loadDataMap } from './fides.js';
import { DEFAULT_DPIA_SUBJECT_THRESHOLD, LAW_CHECKS, checkLaw, declarationIdentity, declarationLabel, type LawViolation } from './law.js';
import { evaluatePolicies, type PolicyViolation } from './policies.js';
import type { DataMap, Where } from './types.js';

export const DATAMAP_SCANNER_ID = 'datamap';

/** Options of the `datamap` scanner (config `options:` or CLI flags). */
export interface DatamapOptions {
  /** Where reality is read for drift: schema files, ORM models, database URLs, sites for cookies. */
  sources?: string[];
  /** Data subjects above which special-category processing needs a DPIA (default 5,000). */
  dpiaSubjectThreshold?: number;
  /** false turns the CCPA checks off; by default they run unless the organization declares itself out of scope. */
  ccpa?: boolean;
  /** URL target name → the system (fides_key) whose site it is, for cookie drift against what the web scanner recorded. */
  cookies?: Record<string, string>;
}

const OPTION_KEYS = ['sources', 'dpiaSubjectThreshold', 'ccpa', 'cookies'] as const;

/** Rule id of a Fides policy rule's violations: one id per policy and rule, so each can be triaged on its own. */
export function policyRuleId(policyKey: string, ruleName: string): string {
  return `fides-policy:${policyKey}:${ruleName}`;
}

/**
 * `datamap`: GDPR and CCPA checks over a Fides data map (a `.fides/` folder or resource files):
 * Fides policies evaluated as `fides evaluate` does, and the law checks of law.ts. Findings point
 * into the YAML (`{ kind: 'datamap', file, pointer }`).
 */
export class DatamapScanner implements Scanner {
  readonly id = DATAMAP_SCANNER_ID;
  readonly version = 1;

  async *run(target: Target, ctx: ScanContext): AsyncIterable<Finding> {
    if (target.kind !== 'path') throw new VigilError('VIGIL_ERR_USAGE', `datamap reads a .fides folder or Fides resource files; "${target.name}" is a ${target.kind}`);
    const opts = checkOptions(ctx.options);
    const sources = resolveSources(opts.sources ?? [], ctx.baseDir);
    const root = path.resolve(ctx.baseDir, target.location);
    const note = (m: string) => ctx.note?.(m) ?? ctx.logger.warn(m);
    const rel = (file: string) => relativeTo(ctx.baseDir, file);

    ctx.progress(`reading ${root}`);
    const map = await loadDataMap([root]);
    for (const n of map.notes) note(`${rel(n.where.file)}:${n.where.line}: ${n.message}`);

    const findings: Finding[] = [];
    ctx.progress('evaluating policies');
    for (const v of evaluatePolicies(map)) findings.push(policyFinding(v, rel));

    ctx.progress('checking GDPR and CCPA');
    const law = checkLaw(map, { dpiaSubjectThreshold: opts.dpiaSubjectThreshold ?? DEFAULT_DPIA_SUBJECT_THRESHOLD, ccpa: opts.ccpa !== false });
    for (const n of law.notes) note(n);
    for (const v of law.violations) findings.push(lawFinding(v, rel));

    // drift: what the sources show against what the datasets declare
    if (sources.length) {
      ctx.progress(`reading ${sources.length} drift source(s)`);
      const { readSources, driftFindings } = await import('./drift/index.js');
      const read = await readSources(sources, { baseDir: ctx.baseDir, signal: ctx.signal });
      for (const p of read.problems) note(`drift: ${p.source}${p.line ? `:${p.line}` : ''}: ${p.problem}`);
      note(`drift: ${read.read.length} source file(s) or database(s) read, ${read.fields.length} column(s) and field(s) found`);
      const declaredCookies = map.systems.flatMap((s) => s.cookies.map((c) => c.name));
      findings.push(...driftFindings(declaredFields(map), read.fields, { baseDir: ctx.baseDir, declaredCookies }));
    }

    // cookie drift: what the web scanner recorded on a linked site (the ledger's findings of its last
    // runs) against the cookies that site's system declares
    for (const [site, systemKey] of Object.entries(opts.cookies ?? {})) {
      const sys = map.systems.find((s) => s.fides_key === systemKey);
      if (!sys) {
        note(`cookies: target "${site}" is linked to system "${systemKey}", which the data map does not have`);
        continue;
      }
      if (!ctx.priorFindings) {
        note(`cookies: this run has no ledger, so the cookies the web scanner recorded on "${site}" were not compared`);
        continue;
      }
      const { cookiesFromWebFindings, driftFindings } = await import('./drift/index.js');
      const cookies = cookiesFromWebFindings(await ctx.priorFindings({ scanner: 'web', target: site }));
      note(`cookies: ${cookies.length} cookie(s) the web scanner recorded on "${site}" compared with system "${systemKey}" (${sys.cookies.length} declared)`);
      findings.push(...driftFindings(declaredFields(map), cookies, { baseDir: ctx.baseDir, declaredCookies: sys.cookies.map((k) => k.name) }));
    }

    ctx.report?.(summary(map, findings, rel));
    yield* sortFindings(findings);
  }
}

/** Paths resolved against the base folder; URLs (`scheme://…`) as given. */
export function resolveSources(sources: readonly string[], baseDir: string): string[] {
  return sources.map((s) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : path.resolve(baseDir, s)));
}

function relativeTo(baseDir: string, file: string): string {
  const r = path.relative(baseDir, file);
  return (r && !r.startsWith('..') && !path.isAbsolute(r) ? r : file).split(path.sep).join('/');
}

function location(w: Where, rel: (f: string) => string) {
  return { kind: 'datamap' as const, file: rel(w.file), pointer: w.pointer };
}

/** Keyed on what the finding is about, never on list positions: reordering the YAML keeps fingerprints. */
function stableFingerprint(ruleId: string, file: string, identity: string): string {
  return fingerprint({ scanner: DATAMAP_SCANNER_ID, ruleId, location: { kind: 'datamap', file, pointer: identity } });
}

export function lawFinding(v: LawViolation, rel: (f: string) => string = (f) => f): Finding {
  const c = LAW_CHECKS[v.ruleId];
  const loc = location(v.where, rel);
  return createFinding({
    scanner: DATAMAP_SCANNER_ID,
    ruleId: v.ruleId,
    title: c.title,
    severity: v.severity ?? c.severity,
    confidence: 'high',
    location: loc,
    evidence: v.evidence,
    remediation: c.remediation,
    references: [...c.references],
    tags: ['datamap', v.ruleId.startsWith('ccpa-') ? 'ccpa' : 'gdpr'],
    controls: [...new Set([...c.controls, ...(v.extraControls ?? [])])],
    properties: { article: c.article },
    fingerprint: stableFingerprint(v.ruleId, loc.file, v.identity),
  });
}

export function policyFinding(v: PolicyViolation, rel: (f: string) => string = (f) => f): Finding {
  const ruleId = policyRuleId(v.policy.fides_key, v.rule.name);
  const loc = location(v.declaration.where, rel);
  const part = v.dataset ? ` for dataset ${v.dataset.fides_key}${v.dataset.collection ? `.${v.dataset.collection}` : ''}${v.dataset.field ? `.${v.dataset.field}` : ''}` : '';
  const evidence =
    `${declarationLabel(v.system, v.declaration)} breaks rule "${v.rule.name}" of policy "${v.policy.fides_key}"${part}: ` +
    `categories ${v.categories.join(', ')}; uses ${v.uses.join(', ')}; subjects ${v.subjects.join(', ')}`;
  return createFinding({
    scanner: DATAMAP_SCANNER_ID,
    ruleId,
    title: `Fides policy "${v.policy.name ?? v.policy.fides_key}", rule "${v.rule.name}" violated`,
    severity: 'high',
    confidence: 'high',
    location: loc,
    evidence,
    remediation: `Change the declaration (or the dataset it references) so it no longer matches rule "${v.rule.name}", or change the policy at ${rel(v.rule.where.file)}:${v.rule.where.line}.`,
    references: ['https://ethyca.github.io/fides/'],
    tags: ['datamap', 'fides-policy'],
    controls: [],
    properties: {
      policy: v.policy.fides_key,
      rule: v.rule.name,
      system: v.system.fides_key,
      declaration: v.declaration.name ?? v.declaration.data_use,
      ...(v.dataset ? { dataset: [v.dataset.fides_key, v.dataset.collection, v.dataset.field].filter(Boolean).join('.') } : {}),
      violating: { data_categories: v.categories, data_uses: v.uses, data_subjects: v.subjects },
    },
    fingerprint: stableFingerprint(ruleId, loc.file, `${declarationIdentity(v.system, v.declaration)}${v.dataset ? `/dataset:${v.dataset.fides_key}/${v.dataset.collection ?? ''}/${v.dataset.field ?? ''}` : ''}`),
  });
}

function summary(map: DataMap, findings: Finding[], rel: (f: string) => string) {
  const declarations = map.systems.reduce((n, s) => n + s.privacy_declarations.length, 0);
  const data = {
    files: map.files.map(rel),
    systems: map.systems.length,
    declarations,
    datasets: map.datasets.length,
    policies: map.policies.length,
    findings: findings.length,
  };
  return {
    data,
    lines: [`${data.files.length} file(s): ${data.systems} system(s), ${declarations} privacy declaration(s), ${data.datasets} dataset(s), ${data.policies} polic${data.policies === 1 ? 'y' : 'ies'}`],
  };
}

/** The target's options for `datamap`, checked: a misspelt key or a wrong type is bad input, not a silent default. */
export function checkOptions(raw: Readonly<Record<string, unknown>>): DatamapOptions {
  const bad = (problem: string): never => {
    throw new VigilError('VIGIL_ERR_CONFIG_INVALID', `datamap: ${problem}`);
  };
  for (const k of Object.keys(raw)) if (!(OPTION_KEYS as readonly string[]).includes(k)) bad(`unknown option "${k}" (known: ${OPTION_KEYS.join(', ')})`);
  const s = raw['sources'];
  if (s !== undefined && !(typeof s === 'string' || (Array.isArray(s) && s.every((x) => typeof x === 'string' && x.length > 0)))) bad('sources is a path or URL, or a list of them');
  const t = raw['dpiaSubjectThreshold'];
  if (t !== undefined && !(Number.isInteger(t) && (t as number) >= 0)) bad('dpiaSubjectThreshold is a whole number of data subjects (0 or more)');
  if (raw['ccpa'] !== undefined && typeof raw['ccpa'] !== 'boolean') bad('ccpa is true or false');
  const c = raw['cookies'];
  if (c !== undefined && (typeof c !== 'object' || c === null || Array.isArray(c) || !Object.values(c).every((v) => typeof v === 'string' && v.length > 0))) bad('cookies maps a URL target\'s name to a system\'s fides_key');
  const out: DatamapOptions = {};
  if (s !== undefined) out.sources = typeof s === 'string' ? [s] : [...(s as string[])];
  if (t !== undefined) out.dpiaSubjectThreshold = t as number;
  if (raw['ccpa'] !== undefined) out.ccpa = raw['ccpa'] as boolean;
  if (c !== undefined) out.cookies = { ...(c as Record<string, string>) };
  return out;
}

/** The registry's factory. */
export function createDatamapScanner(): Scanner {
  return new DatamapScanner();
}
