import { describe, expect, it } from 'vitest';
import { groupByAlias, primaryId } from '../../../scanners/deps/audit.js';
import { dependencyPaths } from '../../../scanners/deps/graph.js';
import type { Component, DependencyGraph, OsvAdvisory } from '../../../scanners/deps/model.js';
import { scoreAdvisories } from '../../../scanners/deps/severity.js';

const adv = (id: string, aliases: string[] = [], extra: Partial<OsvAdvisory> = {}): OsvAdvisory => ({ id, modified: '2024-01-01T00:00:00Z', aliases, ...extra });

describe('grouping advisories into one vulnerability', () => {
  it('merges advisories that share an id or alias, transitively', () => {
    const groups = groupByAlias([
      adv('GHSA-aaaa-bbbb-cccc', ['CVE-2024-0001']),
      adv('PYSEC-2024-1', ['CVE-2024-0001']),
      adv('OSV-X', ['PYSEC-2024-1']),
      adv('GHSA-zzzz-yyyy-xxxx', ['CVE-2024-0002']),
    ]);
    expect(groups.map((g) => g.map((a) => a.id).sort())).toEqual([['GHSA-aaaa-bbbb-cccc', 'OSV-X', 'PYSEC-2024-1'], ['GHSA-zzzz-yyyy-xxxx']]);
  });

  it('names a group by its GHSA id, then CVE, then the smallest id', () => {
    expect(primaryId(['PYSEC-1', 'CVE-2024-1', 'GHSA-b', 'GHSA-a'])).toBe('GHSA-a');
    expect(primaryId(['PYSEC-1', 'CVE-2024-1'])).toBe('CVE-2024-1');
    expect(primaryId(['RUSTSEC-2', 'PYSEC-1'])).toBe('PYSEC-1');
  });
});

describe('severity', () => {
  it.each([
    ['CVSS v3.1 vector', [adv('A', [], { severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }] })], 'critical', 9.8],
    ['CVSS v4 preferred to v3 in one advisory', [adv('A', [], { severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }, { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N' }] })], 'medium', 6.9],
    ['the highest score across a group', [adv('A', [], { severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L' }] }), adv('B', [], { severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' }] })], 'high', 7.5],
    ['the advisory label when no vector parses', [adv('A', [], { severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/garbage' }], database_specific: { severity: 'MODERATE' } })], 'medium', undefined],
    ['medium when nothing is known', [adv('A')], 'medium', undefined],
  ] as const)('%s', (_n, advisories, severity, score) => {
    const s = scoreAdvisories(advisories as unknown as OsvAdvisory[]);
    expect(s.severity).toBe(severity);
    expect(s.score).toBe(score);
  });
});

describe('dependency paths', () => {
  const c = (ref: string, dev = false): Component => ({ ref, name: ref, version: '1.0.0', ecosystem: 'npm', licenses: [], dev, registry: true });
  const graph: DependencyGraph = {
    root: 'app',
    components: new Map(['app', 'express', 'body-parser', 'qs', 'mocha', 'minimist'].map((r) => [r, c(r)])),
    edges: new Map([
      ['app', ['express', 'mocha', 'qs']],
      ['express', ['body-parser', 'qs']],
      ['body-parser', ['qs']],
      ['mocha', ['minimist']],
    ]),
  };

  it('gives the shortest paths from the root, shortest first', () => {
    const p = dependencyPaths(graph);
    expect(p.get('qs')).toEqual([['qs']]);
    expect(p.get('body-parser')).toEqual([['express', 'body-parser']]);
    expect(p.get('minimist')).toEqual([['mocha', 'minimist']]);
  });

  it('lists several equally short paths', () => {
    const g: DependencyGraph = { ...graph, edges: new Map([['app', ['a', 'b']], ['a', ['x']], ['b', ['x']]]), components: new Map(['app', 'a', 'b', 'x'].map((r) => [r, c(r)])) };
    expect(dependencyPaths(g).get('x')).toEqual([['a', 'x'], ['b', 'x']]);
  });
});
