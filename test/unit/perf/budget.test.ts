import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VigilError } from '../../../src/errors.js';
import { loadBudget, parseBudgetText } from '../../../scanners/perf/budget.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-perf-budget-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

function caught(f: () => unknown): VigilError {
  try {
    f();
  } catch (e) {
    if (e instanceof VigilError) return e;
    throw e;
  }
  throw new Error('expected a VigilError');
}

async function caughtAsync(p: Promise<unknown>): Promise<VigilError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof VigilError) return e;
    throw e;
  }
  throw new Error('expected a VigilError');
}

describe('perf budget defaults', () => {
  it('no budget: 10 connections expected, ×10 at peak, p95 at most 1000 ms and errors at most 1 % at peak, nothing else', async () => {
    const { budget } = await loadBudget({}, dir);
    expect(budget).toEqual({
      expectedConnections: 10,
      multiplier: 10,
      durationSeconds: 10,
      warmupSeconds: 0,
      timeoutMs: 5000,
      responseSizeGrowthPct: 20,
      requests: [],
      headers: {},
      health: { tlsExpiryDays: 14 },
      expected: {},
      peak: { p95Ms: 1000, errorRatePct: 1 },
      ca: [],
    });
  });

  it('a file, then inline options over it key by key; the CLI\'s --header joins the headers; relative ca paths resolve where they were written', async () => {
    const f = file('b.yaml', 'durationSeconds: 3\npeak: {p99Ms: 800}\nexpected: {p95Ms: 200}\nheaders: {X-Team: core}\nca: certs/root.pem\nmemory: {url: /metrics}\nhealth: {status: 204}\n');
    const { budget } = await loadBudget({ budget: f, peak: { p95Ms: 500 }, lowPrivilege: { name: 'cli', headers: { Authorization: 'Bearer x' } }, ca: ['inline.pem'] }, '/base');
    expect(budget.durationSeconds).toBe(3);
    expect(budget.peak).toEqual({ p95Ms: 500, p99Ms: 800, errorRatePct: 1 });
    expect(budget.expected).toEqual({ p95Ms: 200 });
    expect(budget.headers).toEqual({ 'X-Team': 'core', Authorization: 'Bearer x' });
    expect(budget.ca).toEqual([join(dir, 'certs/root.pem'), '/base/inline.pem']);
    expect(budget.memory).toEqual({ url: '/metrics', format: 'auto', growthPct: 50 });
    expect(budget.health.status).toEqual([204]);
  });

  it('requests default to GET', async () => {
    const { budget } = await loadBudget({ requests: [{ path: '/a' }, { path: '/b', method: 'POST', body: '{}' }] }, dir);
    expect(budget.requests).toEqual([
      { path: '/a', method: 'GET' },
      { path: '/b', method: 'POST', body: '{}' },
    ]);
  });

  it('an empty file is an empty budget', async () => {
    const { budget } = await loadBudget({ budget: file('empty.yaml', '') }, dir);
    expect(budget.expectedConnections).toBe(10);
  });
});

describe('bad budget files name the file and line', () => {
  it.each<[string, string, string, string, number]>([
    ['a YAML syntax error', 'a.yaml', 'durationSeconds: 1\npeak: p95Ms: 100\n', 'VIGIL_ERR_BUDGET_PARSE', 2],
    ['an unknown key, with a suggestion', 'b.yaml', 'durationSeconds: 1\npeak:\n  p95ms: 100\n', 'VIGIL_ERR_BUDGET_INVALID', 3],
    ['a wrong type', 'c.yaml', 'expectedConnections: many\n', 'VIGIL_ERR_BUDGET_INVALID', 1],
    ['an error rate past 100', 'd.yaml', 'peak:\n  errorRatePct: 150\n', 'VIGIL_ERR_BUDGET_INVALID', 2],
    ['a status out of range', 'e.yaml', 'health:\n  status: [200, 999]\n', 'VIGIL_ERR_BUDGET_INVALID', 2],
    ['a full URL as a load path', 'f.yaml', 'requests:\n  - path: http://elsewhere.example/\n', 'VIGIL_ERR_BUDGET_INVALID', 2],
    // a URL parser reads /\host as //host: another origin
    ['a backslash path that a URL parser reads as another host', 'f2.yaml', 'health:\n  path: /\\elsewhere.example/x\n', 'VIGIL_ERR_BUDGET_INVALID', 2],
    ['a protocol-relative load path', 'f3.yaml', 'path: //elsewhere.example/\n', 'VIGIL_ERR_BUDGET_INVALID', 1],
    ['a JSON syntax error', 'g.json', '{\n  "peak": {\n    "p95Ms": 10,,\n  }\n}\n', 'VIGIL_ERR_BUDGET_PARSE', 3],
    ['a JSON schema break', 'h.json', '{\n  "multiplier": 0.5\n}\n', 'VIGIL_ERR_BUDGET_INVALID', 2],
  ])('%s', (_what, name, text, code, line) => {
    const f = join(dir, name);
    const e = caught(() => parseBudgetText(text, f));
    expect(e.code).toBe(code);
    expect(e.file).toBe(f);
    expect(e.line).toBe(line);
  });

  it('messages say what is wrong and what would be right', () => {
    expect(caught(() => parseBudgetText('peak:\n  p95ms: 100\n', 'x.yaml')).message).toBe('peak: unknown key "p95ms" (did you mean "p95Ms"?)');
    expect(caught(() => parseBudgetText('peak: {errorRatePct: 150}\n', 'x.yaml')).message).toBe('peak.errorRatePct: must be at most 100 (got 150)');
    expect(caught(() => parseBudgetText('health: {status: "2xx"}\n', 'x.yaml')).message).toBe('health.status: must be an HTTP status (100-599) or a list of them (got "2xx")');
    expect(caught(() => parseBudgetText('path: //evil.example/x\n', 'x.yaml')).message).toMatch(/^path: must be a path on the target's origin, starting with one "\/"/);
  });

  it('a header value is never echoed in an error', () => {
    const e = caught(() => parseBudgetText(`headers:\n  Authorization: "${'s3cret'.repeat(2000)}"\n`, 'x.yaml'));
    expect(e.line).toBe(2);
    expect(e.message).not.toContain('s3cret');
  });

  it('several problems: the first leads, the others follow by line', () => {
    const e = caught(() => parseBudgetText('durationSeconds: 0\nmultiplier: -1\n', 'x.yaml'));
    expect(e.line).toBe(1);
    expect(e.message).toContain('line 2: multiplier');
  });

  it('too many connections at peak names the file', async () => {
    const e = await caughtAsync(loadBudget({ budget: file('many.yaml', 'expectedConnections: 5000\nmultiplier: 10\n') }, dir));
    expect(e.code).toBe('VIGIL_ERR_BUDGET_INVALID');
    expect(e.line).toBe(2);
  });

  it('bad inline options are a config error naming the option', async () => {
    const e = await caughtAsync(loadBudget({ peak: { p95: 1 } }, dir));
    expect(e.code).toBe('VIGIL_ERR_CONFIG_INVALID');
    expect(e.message).toBe('perf options: peak: unknown key "p95" (did you mean "p95Ms"?)');
  });

  it('a missing file is named', async () => {
    const e = await caughtAsync(loadBudget({ budget: 'nope.yaml' }, dir));
    expect(e.code).toBe('VIGIL_ERR_INPUT_NOT_FOUND');
    expect(e.file).toBe(join(dir, 'nope.yaml'));
  });
});
