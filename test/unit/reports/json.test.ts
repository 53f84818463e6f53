import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyBaseline, buildReport, loadBaseline } from '../../../src/gate/index.js';
import { writeJson } from '../../../reports/index.js';
import { sampleFindings, sampleReport, sampleRun } from './sample-report.js';

describe('writeJson', () => {
  const text = writeJson(sampleReport('high'));
  const out = JSON.parse(text) as Record<string, any>; // any: reading an untyped JSON document

  it('has exactly the documented top-level shape', () => {
    expect(Object.keys(out)).toEqual(['schemaVersion', 'run', 'findings', 'summary', 'gate']);
    expect(out.schemaVersion).toBe(1);
    expect(Object.keys(out.run)).toEqual(['id', 'status', 'trigger', 'startedAt', 'finishedAt', 'scanners']);
    expect(Object.keys(out.summary)).toEqual(['critical', 'high', 'medium', 'low', 'info']);
    expect(Object.keys(out.gate)).toEqual(['failOn', 'failed', 'counted', 'suppressed', 'baselined']);
  });

  it('derives scanners from the run parts', () => {
    expect(out.run.scanners).toHaveLength(sampleRun().parts.length);
    expect(out.run.scanners[0]).toEqual({ id: 'code', target: 'shop', status: 'complete', error: null, findings: 5, notes: [] });
    expect(out.run.scanners.at(-1)).toMatchObject({ id: 'import', status: 'failed' });
  });

  it('writes every finding field plus ledger and gate fields when set', () => {
    const sql = out.findings.find((f: { ruleId: string }) => f.ruleId === 'js/sql-injection');
    expect(Object.keys(sql)).toEqual([
      'fingerprint', 'scanner', 'ruleId', 'title', 'severity', 'confidence', 'cwe', 'aliases', 'location',
      'evidence', 'remediation', 'references', 'tags', 'controls', 'properties',
      'target', 'id', 'status', 'firstSeen', 'slaDue', 'baselineState',
    ]);
    const weak = out.findings.find((f: { ruleId: string }) => f.ruleId === 'js/weak-hash');
    expect(weak.suppression).toEqual({ source: 'suppression-file', reason: 'Test data only', expires: null, where: '.vigilignore.yaml:4' });
    expect(weak).not.toHaveProperty('id');
  });

  it('keeps ledger-internal fields out', () => {
    const f = { ...sampleFindings()[0]!, lastRunId: 'r1', acceptance: null } as ReturnType<typeof sampleFindings>[number];
    const o = JSON.parse(writeJson(buildReport(sampleRun(), [f], 'high', '0.1.0'))) as { findings: Record<string, unknown>[] };
    expect(o.findings[0]).not.toHaveProperty('lastRunId');
    expect(o.findings[0]).not.toHaveProperty('acceptance');
  });

  it('is pretty-printed with a trailing newline', () => {
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "schemaVersion": 1,');
  });

  it('round-trips as a --baseline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-json-'));
    const file = join(dir, 'baseline.json');
    writeFileSync(file, text);
    const fps = await loadBaseline(file);
    const findings = sampleFindings();
    expect(fps).toEqual(new Set(findings.map((f) => f.fingerprint)));
    const again = applyBaseline(findings, fps);
    expect(again.every((f) => f.baselineState === 'unchanged')).toBe(true);
    const gated = buildReport(sampleRun(), again, 'low', '0.1.0');
    expect(gated.gate).toMatchObject({ failed: false, counted: 0 });
  });
});

describe('jsonChunks', () => {
  it('streams exactly the text writeJson returns, with and without findings', async () => {
    const { jsonChunks, writeJson } = await import('../../../reports/json.js');
    const { sampleReport } = await import('./sample-report.js');
    const full = sampleReport();
    for (const r of [full, { ...full, findings: [] }, { ...full, findings: full.findings.slice(0, 1) }]) {
      const text = [...jsonChunks(r)].join('');
      expect(text).toBe(`${JSON.stringify(JSON.parse(writeJson(r)), null, 2)}\n`);
      expect(JSON.parse(text).findings).toHaveLength(r.findings.length);
    }
  });
});
