import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { secretFindings } from '../../../scanners/code/secrets/findings.js';
import { audit } from '../../../scanners/deps/audit.js';
import type { Component, OsvAdvisory, Sbom } from '../../../scanners/deps/model.js';
import { packageKey } from '../../../src/advisories/package-key.js';
import { parseKevCatalogue } from '../../../src/incidents/kev.js';
import { matchEvent, matchRunbook, tagsFor, type TagContext } from '../../../src/incidents/match.js';
import { loadRunbooks, parseRunbook } from '../../../src/incidents/runbooks.js';
import type { Runbook } from '../../../src/incidents/types.js';
import { createFinding } from '../../../src/model/create.js';
import type { Finding } from '../../../src/model/finding.js';
import type { Severity } from '../../../src/model/severity.js';

const KEV_FIXTURE = 'test/fixtures/kev/known_exploited_vulnerabilities.json';

// ---- findings as the scanners make them ----

function component(name: string, dev: boolean): Component {
  return { ref: name, name, version: '1.0.0', ecosystem: 'npm', purl: `pkg:npm/${name}@1.0.0`, licenses: ['MIT'], dev, registry: true };
}

function advisory(id: string, pkg: string, label: 'CRITICAL' | 'HIGH', aliases: string[]): OsvAdvisory {
  return {
    id,
    modified: '2026-01-01T00:00:00Z',
    aliases,
    summary: `${label.toLowerCase()} problem in ${pkg}`,
    affected: [{ package: { ecosystem: 'npm', name: pkg }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.1' }] }] }],
    database_specific: { severity: label },
  } as OsvAdvisory;
}

/** Findings of the real deps audit over a four-package project. */
async function depsFindings(): Promise<Record<string, Finding>> {
  const comps = [component('app', false), component('crit-prod', false), component('high-kev', false), component('crit-dev', true), component('high-plain', false)];
  const sbom: Sbom = {
    source: 'package-lock.json',
    graph: {
      root: 'app',
      components: new Map(comps.map((c) => [c.ref, c])),
      edges: new Map([['app', ['crit-prod', 'high-kev', 'crit-dev', 'high-plain']]]),
    },
    cyclonedx: {},
  };
  const advisories = new Map<string, OsvAdvisory[]>([
    [packageKey('npm', 'crit-prod'), [advisory('GHSA-aaaa-aaaa-aaaa', 'crit-prod', 'CRITICAL', ['CVE-2099-0001'])]],
    // a high advisory whose CVE is in the KEV fixture
    [packageKey('npm', 'high-kev'), [advisory('GHSA-bbbb-bbbb-bbbb', 'high-kev', 'HIGH', ['CVE-2021-44228'])]],
    [packageKey('npm', 'crit-dev'), [advisory('GHSA-cccc-cccc-cccc', 'crit-dev', 'CRITICAL', ['CVE-2099-0003'])]],
    [packageKey('npm', 'high-plain'), [advisory('GHSA-dddd-dddd-dddd', 'high-plain', 'HIGH', ['CVE-2099-0004'])]],
  ]);
  const found = await audit(sbom, { forPackages: async () => advisories });
  return Object.fromEntries(found.map((f) => [(f.properties as { package: string }).package, f]));
}

function secretFinding(ruleId: string): Finding {
  return secretFindings([
    {
      ruleId,
      title: 'AWS access key',
      path: 'src/config.ts',
      startLine: 3,
      startColumn: 15,
      endLine: 3,
      endColumn: 35,
      redacted: 'AKIA… (20 chars)',
      severity: 'high',
      confidence: 'high',
      cwe: ['CWE-798'],
      remediation: 'Rotate the key.',
      secretSha256: '0'.repeat(64),
    },
  ])[0]!;
}

function tlsFinding(ruleId: string, severity: Severity): Finding {
  return createFinding({ scanner: 'tls', ruleId, title: ruleId, severity, location: { kind: 'host', host: 'shop.example', port: 443 } });
}

function codeFinding(ruleId: string, severity: Severity): Finding {
  return createFinding({ scanner: 'code', ruleId, title: ruleId, severity, location: { kind: 'file', path: 'src/db.ts', startLine: 9 }, tags: ['code', 'category:security'] });
}

describe('tagsFor', () => {
  let kev: Set<string>;
  beforeAll(() => {
    kev = parseKevCatalogue(readFileSync(KEV_FIXTURE, 'utf8'), KEV_FIXTURE).ids;
  });
  const personalData = new Map([
    ['shop-web', new Set(['user.contact.email', 'system.operations'])],
    ['status-page', new Set(['system.operations'])],
  ]);
  const base = createFinding({ scanner: 'web', ruleId: '40018', title: 'SQL injection', severity: 'high', location: { kind: 'web', url: 'http://shop/' }, tags: ['owasp'] });

  it('keeps the finding\'s own tags, and does not change the finding', () => {
    expect([...tagsFor(base)]).toEqual(['owasp']);
    tagsFor({ ...base, target: 'shop-web' }, { personalData });
    expect(base.tags).toEqual(['owasp']);
  });

  it('personal-data: only when the target\'s linked systems process user.* data', () => {
    expect(tagsFor({ ...base, target: 'shop-web' }, { personalData }).has('personal-data')).toBe(true);
    expect(tagsFor(base, { personalData, target: 'shop-web' }).has('personal-data')).toBe(true);
    expect(tagsFor({ ...base, target: 'status-page' }, { personalData }).has('personal-data')).toBe(false);
    expect(tagsFor({ ...base, target: 'elsewhere' }, { personalData }).has('personal-data')).toBe(false);
    expect(tagsFor({ ...base, target: 'shop-web' }).has('personal-data')).toBe(false);
    // the context's target wins over the ledger's
    expect(tagsFor({ ...base, target: 'shop-web' }, { personalData, target: 'status-page' }).has('personal-data')).toBe(false);
    // `user` itself counts; a lookalike prefix does not
    expect(tagsFor(base, { target: 't', personalData: new Map([['t', new Set(['user'])]]) }).has('personal-data')).toBe(true);
    expect(tagsFor(base, { target: 't', personalData: new Map([['t', new Set(['username_policy'])]]) }).has('personal-data')).toBe(false);
  });

  it('kev: when the rule id or an alias is a CVE in the catalogue, whatever its case', () => {
    expect(tagsFor({ ...base, aliases: ['GHSA-jfh8-c2jp-5v3q', 'cve-2021-44228'] }, { kev }).has('kev')).toBe(true);
    expect(tagsFor({ ...base, ruleId: 'CVE-2017-3066' }, { kev }).has('kev')).toBe(true);
    expect(tagsFor({ ...base, aliases: ['CVE-2099-0001'] }, { kev }).has('kev')).toBe(false);
    expect(tagsFor({ ...base, aliases: ['CVE-2021-44228'] }).has('kev')).toBe(false);
  });

  it('secret: the code scanner\'s secrets pass, even when a stored finding lost its tags', () => {
    expect(tagsFor(secretFinding('secretlint/@secretlint/secretlint-rule-aws')).has('secret')).toBe(true);
    expect(tagsFor({ ...secretFinding('vigil/stripe-secret-key'), tags: [] }).has('secret')).toBe(true);
    expect(tagsFor(codeFinding('js-node-crypto-weak-hash', 'medium')).has('secret')).toBe(false);
  });

  it('cert-expiry: the tls scanner\'s expiry rules only', () => {
    expect(tagsFor(tlsFinding('tls-cert-expired', 'critical')).has('cert-expiry')).toBe(true);
    expect(tagsFor(tlsFinding('tls-cert-expiring', 'medium')).has('cert-expiry')).toBe(true);
    expect(tagsFor(tlsFinding('tls-cert-not-yet-valid', 'high')).has('cert-expiry')).toBe(false);
    expect(tagsFor({ ...tlsFinding('tls-cert-expired', 'critical'), scanner: 'import' }).has('cert-expiry')).toBe(false);
  });
});

describe('matchRunbook with the shipped runbooks', () => {
  let runbooks: Runbook[];
  let deps: Record<string, Finding>;
  let kev: Set<string>;
  const personalData = new Map([['shop', new Set(['user.contact.email', 'user.name'])]]);
  beforeAll(async () => {
    runbooks = await loadRunbooks();
    deps = await depsFindings();
    kev = parseKevCatalogue(readFileSync(KEV_FIXTURE, 'utf8'), KEV_FIXTURE).ids;
  });

  const cases: { name: string; finding: () => Finding; ctx?: () => TagContext; expected: string | undefined }[] = [
    { name: 'a critical production dependency', finding: () => deps['crit-prod']!, expected: 'critical-dependency' },
    { name: 'a high production dependency whose CVE is in KEV (raised to critical)', finding: () => deps['high-kev']!, ctx: () => ({ kev }), expected: 'critical-dependency' },
    { name: 'the same high dependency without the KEV catalogue', finding: () => deps['high-kev']!, expected: undefined },
    { name: 'a high dependency not in KEV', finding: () => deps['high-plain']!, ctx: () => ({ kev }), expected: undefined },
    { name: 'a critical dev-only dependency (not production: the fallback takes it)', finding: () => deps['crit-dev']!, expected: 'critical-finding' },
    { name: 'a KEV dependency in a system holding personal data (the breach runbook outranks it)', finding: () => deps['high-kev']!, ctx: () => ({ kev, target: 'shop', personalData }), expected: 'personal-data-breach' },
    { name: 'an exposed secret', finding: () => secretFinding('secretlint/@secretlint/secretlint-rule-aws'), expected: 'exposed-secret' },
    { name: 'an exposed secret in a system holding personal data (revoke first)', finding: () => secretFinding('vigil/stripe-secret-key'), ctx: () => ({ target: 'shop', personalData }), expected: 'exposed-secret' },
    { name: 'a high code finding on a personal-data target', finding: () => codeFinding('js-express-sqli', 'high'), ctx: () => ({ target: 'shop', personalData }), expected: 'personal-data-breach' },
    { name: 'a medium code finding on a personal-data target', finding: () => codeFinding('js-express-sqli', 'medium'), ctx: () => ({ target: 'shop', personalData }), expected: undefined },
    { name: 'a high code finding elsewhere', finding: () => codeFinding('js-express-sqli', 'high'), expected: undefined },
    { name: 'a critical code finding elsewhere (fallback)', finding: () => codeFinding('js-express-sqli', 'critical'), expected: 'critical-finding' },
    { name: 'an expired certificate', finding: () => tlsFinding('tls-cert-expired', 'critical'), expected: 'certificate-expiry' },
    { name: 'a certificate expiring soon', finding: () => tlsFinding('tls-cert-expiring', 'medium'), expected: 'certificate-expiry' },
    { name: 'an expired certificate on a personal-data host (not a breach)', finding: () => tlsFinding('tls-cert-expired', 'critical'), ctx: () => ({ target: 'shop', personalData }), expected: 'certificate-expiry' },
    { name: 'a critical TLS finding that is not about expiry (fallback)', finding: () => tlsFinding('tls-cipher-null', 'critical'), expected: 'critical-finding' },
    { name: 'a high TLS finding that is not about expiry', finding: () => tlsFinding('tls-cert-not-yet-valid', 'high'), expected: undefined },
  ];

  it.each(cases)('$name → $expected', ({ finding, ctx, expected }) => {
    const f = finding();
    expect(matchRunbook(f, tagsFor(f, ctx?.() ?? {}), runbooks)?.id).toBe(expected);
  });

  it('the deps audit really made the findings the table relies on', () => {
    expect(deps['crit-prod']).toMatchObject({ scanner: 'deps', severity: 'critical', tags: ['dependency', 'ecosystem:npm'] });
    expect(deps['high-kev']).toMatchObject({ severity: 'high', aliases: ['CVE-2021-44228'] });
    expect(deps['crit-dev']!.tags).toContain('dev');
  });

  it('the fallback takes only critical findings, and only those no other runbook takes', () => {
    const others = runbooks.filter((r) => r.trigger.kind !== 'fallback');
    const critical = codeFinding('js-express-sqli', 'critical');
    expect(matchRunbook(critical, tagsFor(critical), others)).toBeUndefined();
    for (const sev of ['high', 'medium', 'low', 'info'] as const) {
      const f = codeFinding('js-express-sqli', sev);
      expect(matchRunbook(f, tagsFor(f), runbooks), sev).toBeUndefined();
    }
    const secret = { ...secretFinding('vigil/stripe-secret-key'), severity: 'critical' as const };
    expect(matchRunbook(secret, tagsFor(secret), runbooks)?.id).toBe('exposed-secret');
  });

  it('does not depend on the order the runbooks come in', () => {
    const f = deps['high-kev']!;
    const tags = tagsFor(f, { kev, target: 'shop', personalData });
    expect(matchRunbook(f, tags, [...runbooks].reverse())?.id).toBe('personal-data-breach');
  });
});

describe('trigger conditions and priority', () => {
  const rb = (id: string, priority: number, trigger: string) =>
    parseRunbook(`id: ${id}\ntitle: ${id}\ndescription: x\npriority: ${priority}\ntrigger: ${trigger}\nsteps:\n  - { id: r, phase: post-incident, title: R, owner: on-call, due: 1d }\n`, `${id}.yaml`);
  const f = createFinding({ scanner: 'code', ruleId: 'secretlint/@secretlint/secretlint-rule-github', title: 't', severity: 'medium', location: { kind: 'file', path: 'a' }, tags: ['x'] });

  it('rule ids match exactly or by a trailing-* prefix', () => {
    expect(matchRunbook(f, new Set(), [rb('exact', 0, '{ severity_at_least: low, rule_ids: [secretlint/@secretlint/secretlint-rule-github] }')])?.id).toBe('exact');
    expect(matchRunbook(f, new Set(), [rb('prefix', 0, '{ severity_at_least: low, rule_ids: ["secretlint/*"] }')])?.id).toBe('prefix');
    expect(matchRunbook(f, new Set(), [rb('other', 0, '{ severity_at_least: low, rule_ids: [secretlint/other] }')])).toBeUndefined();
  });

  it('list conditions are any-of, and every condition must hold', () => {
    expect(matchRunbook(f, new Set(['a']), [rb('any', 0, '{ severity_at_least: low, tags: [b, a] }')])?.id).toBe('any');
    expect(matchRunbook(f, new Set(['a']), [rb('all', 0, '{ severity_at_least: low, tags: [a], scanners: [tls] }')])).toBeUndefined();
    expect(matchRunbook(f, new Set(['a', 'dev']), [rb('not', 0, '{ severity_at_least: low, tags: [a], not_tags: [dev] }')])).toBeUndefined();
    expect(matchRunbook(f, new Set(['a']), [rb('floor', 0, '{ severity_at_least: high, tags: [a] }')])).toBeUndefined();
  });

  it('the highest priority wins; equal priorities go to the smaller id', () => {
    const t = '{ severity_at_least: low }';
    expect(matchRunbook(f, new Set(), [rb('b-low', 1, t), rb('a-high', 5, t)])?.id).toBe('a-high');
    expect(matchRunbook(f, new Set(), [rb('zeta', 3, t), rb('alpha', 3, t)])?.id).toBe('alpha');
    expect(matchRunbook(f, new Set(), [rb('alpha', 3, t), rb('zeta', 4, t)])?.id).toBe('zeta');
  });
});

describe('matchEvent', () => {
  let runbooks: Runbook[];
  beforeAll(async () => {
    runbooks = await loadRunbooks();
  });

  it('a failed scheduled scan opens the scan-failed runbook; findings never do', () => {
    expect(matchEvent({ type: 'scan-failed', scanner: 'web', target: 'shop-web' }, runbooks)?.id).toBe('scan-failed');
    expect(matchEvent({ type: 'scan-failed' }, runbooks)?.id).toBe('scan-failed');
    const critical = codeFinding('x', 'critical');
    expect(matchRunbook(critical, tagsFor(critical), runbooks.filter((r) => r.id === 'scan-failed'))).toBeUndefined();
  });

  it('an event runbook limited to some scanners takes only their failures, and outranks by priority', () => {
    const tlsOnly = parseRunbook('id: tls-down\ntitle: t\ndescription: x\npriority: 10\ntrigger: { event: scan-failed, scanners: [tls] }\nsteps:\n  - { id: r, phase: post-incident, title: R, owner: on-call, due: 1d }\n', 'tls-down.yaml');
    const all = [...runbooks, tlsOnly];
    expect(matchEvent({ type: 'scan-failed', scanner: 'tls' }, all)?.id).toBe('tls-down');
    expect(matchEvent({ type: 'scan-failed', scanner: 'deps' }, all)?.id).toBe('scan-failed');
    expect(matchEvent({ type: 'scan-failed' }, all)?.id).toBe('scan-failed');
    expect(matchEvent({ type: 'scan-failed', scanner: 'tls' }, [tlsOnly])?.id).toBe('tls-down');
    expect(matchEvent({ type: 'scan-failed', scanner: 'deps' }, [tlsOnly])).toBeUndefined();
  });
});
