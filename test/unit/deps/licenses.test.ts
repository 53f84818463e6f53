import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../src/errors.js';
import { defaultLicensePolicyFile, loadLicensePolicy, parseLicensePolicy, type LicensePolicy } from '../../../scanners/deps/license-policy.js';
import { evaluateLicenses, graphLicenseFindings, licenseFindings } from '../../../scanners/deps/licenses.js';
import type { Component, DependencyGraph } from '../../../scanners/deps/model.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/deps-licenses/${name}`, import.meta.url));

const policy: LicensePolicy = {
  allow: ['MIT', 'ISC', 'Apache-2.0', 'BSD-3-Clause'],
  deny: ['GPL-2.0-only', 'GPL-3.0-only', 'GPL-3.0-or-later', 'AGPL-3.0-only'],
  denied: 'high',
  unknown: 'medium',
};

const comp = (licenses: string[], extra: Partial<Component> = {}): Component => ({
  ref: 'pkg:npm/left-pad@1.3.0',
  name: 'left-pad',
  version: '1.3.0',
  ecosystem: 'npm',
  purl: 'pkg:npm/left-pad@1.3.0',
  licenses,
  dev: false,
  registry: true,
  ...extra,
});

describe('licence findings', () => {
  it.each([
    ['MIT', ['MIT'], null, null],
    ['a denied licence', ['GPL-3.0-only'], 'license/denied', 'high'],
    ['a choice with an allowed side', ['MIT OR GPL-3.0-only'], null, null],
    ['both needed, one denied', ['MIT AND GPL-3.0-only'], 'license/denied', 'high'],
    ['two entries are AND', ['MIT', 'GPL-2.0-only'], 'license/denied', 'high'],
    ['two allowed entries', ['MIT', 'ISC'], null, null],
    ['every choice denied', ['GPL-2.0-only OR AGPL-3.0-only'], 'license/denied', 'high'],
    ['a choice between denied and unlisted', ['GPL-3.0-only OR MPL-2.0'], 'license/unknown', 'medium'],
    ['nested: allowed through one branch', ['(MIT AND ISC) OR GPL-3.0-only'], null, null],
    ['a deprecated id matches its -only form', ['GPL-2.0'], 'license/denied', 'high'],
    ['or-later (+) is denied when its range is', ['GPL-3.0+'], 'license/denied', 'high'],
    ['an allowed licence with an exception', ['Apache-2.0 WITH LLVM-exception'], null, null],
    ['no licence', [], 'license/unknown', 'medium'],
    ['blank entries', ['', '  '], 'license/unknown', 'medium'],
    ['NOASSERTION', ['NOASSERTION'], 'license/unknown', 'medium'],
    ['npm UNLICENSED', ['UNLICENSED'], 'license/unknown', 'medium'],
    ['garbage', ['Apache 2.0 (see LICENSE)'], 'license/unknown', 'medium'],
    ['garbage beside a denied licence is still denied', ['see LICENSE', 'GPL-3.0-only'], 'license/denied', 'high'],
    ['garbage beside an allowed licence', ['see LICENSE', 'MIT'], 'license/unknown', 'medium'],
    ['a licence in neither list', ['MPL-2.0'], 'license/unknown', 'medium'],
    ['a LicenseRef', ['LicenseRef-Proprietary'], 'license/unknown', 'medium'],
  ] as const)('%s → %s', (_name, licenses, ruleId, severity) => {
    const findings = licenseFindings([comp([...licenses])], policy);
    if (ruleId === null) {
      expect(findings).toEqual([]);
      return;
    }
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ scanner: 'deps', ruleId, severity, tags: ['license'] });
  });

  it('writes a denied finding a person can act on', () => {
    const [f] = licenseFindings([comp(['MIT AND GPL-3.0-only'])], policy, {
      paths: new Map([['pkg:npm/left-pad@1.3.0', ['app-utils@2.0.0', 'left-pad@1.3.0']]]),
    });
    expect(f).toMatchObject({
      title: 'left-pad@1.3.0: licence MIT AND GPL-3.0-only is denied by policy',
      confidence: 'high',
      evidence: 'declared licence: MIT AND GPL-3.0-only',
      location: { kind: 'component', purl: 'pkg:npm/left-pad@1.3.0', path: ['app-utils@2.0.0', 'left-pad@1.3.0'] },
      properties: { deniedBy: ['GPL-3.0-only'], expression: 'MIT AND GPL-3.0-only' },
    });
    expect(f!.remediation).toMatch(/replace left-pad \(it comes in through app-utils@2.0.0\)/);
    expect(f!.references).toEqual(['https://spdx.org/licenses/GPL-3.0-only.html']);
  });

  it('titles unknown findings by why they are unknown', () => {
    const titles = [[], ['Apache 2.0'], ['MPL-2.0']].map((l) => licenseFindings([comp(l)], policy)[0]!.title);
    expect(titles).toEqual([
      'left-pad@1.3.0: has no licence we can evaluate',
      'left-pad@1.3.0: licence "Apache 2.0" is not an SPDX expression we can evaluate',
      'left-pad@1.3.0: licence MPL-2.0 is neither allowed nor denied by policy',
    ]);
    expect(licenseFindings([comp([])], policy)[0]!.evidence).toBe('no licence declared');
  });

  it('skips dev components with --omit dev, and tags them otherwise', () => {
    const dev = comp(['GPL-3.0-only'], { dev: true });
    expect(licenseFindings([dev], policy, { omitDev: true })).toEqual([]);
    expect(licenseFindings([dev], policy)[0]!.tags).toEqual(['license', 'dev']);
  });

  it('skips the root but judges git and file components', () => {
    const root = comp(['GPL-3.0-only'], { ref: 'root', name: 'my-app' });
    const git = comp(['AGPL-3.0-only'], { ref: 'git', name: 'forked', registry: false, purl: undefined, version: 'abc123' });
    const findings = licenseFindings([root, git], policy, { root: 'root' });
    expect(findings.map((f) => [f.ruleId, f.title, f.location.kind === 'component' && f.location.purl])).toEqual([
      ['license/denied', 'forked@abc123: licence AGPL-3.0-only is denied by policy', 'pkg:npm/forked@abc123'],
    ]);
  });

  it('keeps the fingerprint across version bumps, and separates rules', () => {
    const a = licenseFindings([comp(['GPL-3.0-only'])], policy)[0]!;
    const b = licenseFindings([comp(['GPL-3.0-only'], { version: '1.4.0', purl: 'pkg:npm/left-pad@1.4.0' })], policy)[0]!;
    const c = licenseFindings([comp(['MPL-2.0'])], policy)[0]!;
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(c.fingerprint).not.toBe(a.fingerprint);
  });

  it('reports nothing of a kind whose severity is off', () => {
    const quiet = { ...policy, unknown: 'off' as const };
    expect(licenseFindings([comp([]), comp(['GPL-3.0-only'], { ref: 'x', name: 'x' })], quiet).map((f) => f.ruleId)).toEqual(['license/denied']);
  });

  it('walks a graph: root skipped, dependency paths named', () => {
    const graph: DependencyGraph = {
      root: 'r',
      components: new Map([
        ['r', comp(['GPL-3.0-only'], { ref: 'r', name: 'app', version: '1.0.0' })],
        ['a', comp(['MIT'], { ref: 'a', name: 'a', version: '1.0.0' })],
        ['b', comp(['GPL-3.0-only'], { ref: 'b', name: 'b', version: '2.0.0' })],
      ]),
      edges: new Map([['r', ['a']], ['a', ['b']]]),
    };
    const findings = graphLicenseFindings(graph, policy);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.location).toMatchObject({ path: ['a@1.0.0', 'b@2.0.0'] });
  });

  it('evaluates an expression on its own', () => {
    expect(evaluateLicenses(['MIT OR GPL-3.0-only'], policy)).toEqual({ verdict: 'allowed', expression: 'MIT OR GPL-3.0-only' });
    expect(evaluateLicenses(['MIT', 'GPL-2.0-only OR ISC'], policy)).toEqual({ verdict: 'allowed', expression: 'MIT AND (GPL-2.0-only OR ISC)' });
  });
});

describe('licence policy file', () => {
  const parseError = (text: string): VigilError => {
    try {
      parseLicensePolicy(text, 'policy.yaml');
    } catch (e) {
      return e as VigilError;
    }
    throw new Error('expected a policy error');
  };

  it.each([
    ['bad YAML', 'allow:\n  - MIT\ndeny:\n  - "GPL-3.0-only\ndenied: high\n', 4, /not valid YAML/],
    ['a duplicate key', 'allow: [MIT]\ndeny: [AGPL-3.0-only]\nallow: [ISC]\n', 3, /unique/],
    ['an unknown key', 'allow:\n  - MIT\nalow:\n  - ISC\n', 3, /unknown key "alow".*allow, deny, denied, unknown/],
    ['an invalid SPDX id', 'allow:\n  - MIT\n  - Apache 2.0\n', 3, /allow\[1\]: "Apache 2.0" is not an SPDX licence id/],
    ['a lowercase id', 'deny:\n  - gpl-3.0-only\n', 2, /deny\[0\]: "gpl-3.0-only" is not an SPDX licence id/],
    ['an expression instead of an id', 'allow:\n  - MIT OR ISC\n', 2, /AND \/ OR expressions are not allowed/],
    ['a list that is a string', 'allow: MIT\n', 1, /allow: must be a list/],
    ['an id that is a number', 'allow:\n  - MIT\n  - 42\n', 3, /allow\[1\]: must be an SPDX licence id \(a string\), not number 42/],
    ['a wrong severity', 'allow: [MIT]\n\ndenied: fatal\n', 3, /denied: must be one of critical, high, medium, low, info or off/],
    ['a severity that is a list', 'allow: [MIT]\nunknown: [medium]\n', 2, /unknown: must be one of .* not a list/],
    ['an id allowed and denied', 'deny:\n  - MIT\nallow:\n  - ISC\n  - MIT\n', 5, /"MIT" is also in deny/],
    ['a top level list', '- MIT\n', 1, /must be a mapping/],
    ['an empty file', '# nothing\n', 1, /empty/],
  ] as const)('rejects %s with its line', (_name, text, line, message) => {
    const e = parseError(text);
    expect(e).toBeInstanceOf(VigilError);
    expect(e.code).toBe('VIGIL_ERR_LICENSE_POLICY_INVALID');
    expect(e.file).toBe('policy.yaml');
    expect(e.line).toBe(line);
    expect(e.message).toMatch(message);
    expect(e.exitCode).toBe(2);
  });

  it('defaults severities and accepts +, WITH and LicenseRef ids', () => {
    expect(parseLicensePolicy('allow: [MIT, GPL-2.0+, GPL-2.0-only WITH Classpath-exception-2.0, LicenseRef-Acme]\n', 'p.yaml')).toEqual({
      file: 'p.yaml',
      allow: ['MIT', 'GPL-2.0+', 'GPL-2.0-only WITH Classpath-exception-2.0', 'LicenseRef-Acme'],
      deny: [],
      denied: 'high',
      unknown: 'medium',
    });
  });

  it('loads a policy file, naming it in errors', async () => {
    await expect(loadLicensePolicy(fixture('strict-policy.yaml'))).resolves.toMatchObject({
      allow: ['MIT', 'Apache-2.0'],
      deny: ['GPL-2.0-or-later', 'AGPL-3.0-only'],
      denied: 'critical',
      unknown: 'low',
    });
    await expect(loadLicensePolicy(fixture('bad-id.yaml'))).rejects.toMatchObject({ code: 'VIGIL_ERR_LICENSE_POLICY_INVALID', file: fixture('bad-id.yaml'), line: 4 });
    await expect(loadLicensePolicy(fixture('missing.yaml'))).rejects.toMatchObject({ code: 'VIGIL_ERR_INPUT_NOT_FOUND' });
  });

  it('ships a default policy that parses and says what a commercial product needs', async () => {
    const shipped = await loadLicensePolicy(defaultLicensePolicyFile());
    expect(shipped).toMatchObject({ denied: 'high', unknown: 'medium' });
    expect(shipped.allow).toEqual(expect.arrayContaining(['MIT', 'ISC', 'BSD-2-Clause', 'BSD-3-Clause', 'Apache-2.0', '0BSD', 'Unlicense', 'CC0-1.0', 'Zlib', 'BlueOak-1.0.0', 'Python-2.0']));
    expect(shipped.deny).toEqual(expect.arrayContaining(['GPL-2.0-only', 'GPL-2.0-or-later', 'GPL-3.0-only', 'GPL-3.0-or-later', 'AGPL-3.0-only', 'AGPL-3.0-or-later', 'SSPL-1.0']));
    const verdicts = [['MIT'], ['GPL-3.0-or-later'], ['MIT OR GPL-3.0-only'], ['LGPL-2.1-only'], ['AGPL-3.0']].map((l) => evaluateLicenses(l, shipped).verdict);
    expect(verdicts).toEqual(['allowed', 'denied', 'allowed', 'unknown', 'denied']);
  });
});
