import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/gate/index.js';
import { FORMATS, writeReport, writeTable } from '../../../reports/index.js';
import { sampleReport, sampleRun } from './sample-report.js';

// eslint-disable-next-line no-control-regex -- matching ANSI escapes is the point
const ANSI = /\u001b\[[0-9;]*m/g;

describe('writeTable', () => {
  it('lists findings with a header, status markers and the summary', () => {
    const out = writeTable(sampleReport('high'), { color: false, width: 200 });
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^SEVERITY\s+RULE\s+LOCATION\s+TITLE\s+STATUS$/);
    expect(out).toMatch(/critical\s+js\/sql-injection\s+src\/db\/orders\.ts:42\s+SQL query built from user input\s+open/);
    expect(out).toMatch(/medium\s+js\/weak-hash\s+.*suppressed/);
    expect(out).toMatch(/high\s+zap\/10021\s+.*baseline/);
    expect(out).toContain('2 critical, 0 high, 1 medium, 2 low, 1 info — gate failed at high (2 findings); 2 suppressed, 1 unchanged from baseline');
    expect(out).toContain('✗ perf on shop-web: timed out after 60s');
    expect(out).toContain('✗ import on shop: results.sarif:3:7: not valid JSON <&> "quoted"');
    expect(out).not.toMatch(ANSI);
  });

  it('says gate passed when nothing counts', () => {
    const out = writeTable(sampleReport('none'), { color: false });
    expect(out).toContain('— gate passed (--fail-on none)');
    const empty = buildReport({ ...sampleRun(), parts: [], status: 'complete' }, [], 'high', '0.1.0');
    expect(writeTable(empty, { color: false })).toBe('No findings.\n\n0 critical, 0 high, 0 medium, 0 low, 0 info — gate passed\n');
  });

  it('fits every row into the width', () => {
    for (const width of [40, 60, 80, 100]) {
      const out = writeTable(sampleReport('high'), { color: false, width });
      const rows = out.split('\n\n')[0]!.split('\n');
      for (const row of rows) expect([...row].length).toBeLessThanOrEqual(width);
      expect(out).toContain('…');
    }
  });

  it('colours severities only when asked, without breaking the width', () => {
    const out = writeTable(sampleReport('high'), { color: true, width: 80 });
    expect(out).toMatch(ANSI);
    const rows = out.split('\n\n')[0]!.split('\n');
    for (const row of rows) expect([...row.replace(ANSI, '')].length).toBeLessThanOrEqual(80);
  });

  it('never passes scanned control characters to the terminal', () => {
    const out = writeTable(sampleReport('high'), { color: false, width: 200 });
    expect(out).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F]/);
  });
});

describe('writeReport', () => {
  it('dispatches every format', () => {
    const r = sampleReport();
    expect(FORMATS).toEqual(['table', 'json', 'sarif', 'junit', 'vex']);
    expect(writeReport('table', r)).toContain('SEVERITY');
    expect(JSON.parse(writeReport('json', r)).schemaVersion).toBe(1);
    expect(JSON.parse(writeReport('sarif', r)).version).toBe('2.1.0');
    expect(writeReport('junit', r)).toMatch(/^<\?xml/);
  });
});
