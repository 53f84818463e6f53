/**
 * POST /api/runs/import: CI submits SARIF, parsed by the import scanner's parser and recorded as a
 * run; the answer carries the gate's verdict. Bad documents are refused with their line and
 * column and leave the ledger as it was.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { apiFixture, type ApiFixture } from '../helpers/api.js';
import { sarifLog, type ResultSpec } from '../helpers/sarif.js';

const SARIF = 'application/sarif+json';

const RESULTS: ResultSpec[] = [
  { rule: 'js/sql-injection', level: 'error', file: 'src/db.js', line: 12, snippet: 'db.query("SELECT " + q)', securitySeverity: '9.1' },
  { rule: 'js/xss', level: 'warning', file: 'src/view.js', line: 3, snippet: 'el.innerHTML = name', securitySeverity: '5.0' },
];

describe('POST /api/runs/import', () => {
  let dir: string;
  let f: ApiFixture;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-api-import-'));
    writeFileSync(join(dir, 'vigil.yaml'), 'gate:\n  failOn: critical\ntargets:\n  - name: app\n    kind: path\n    path: .\n    scanners: [import]\n');
    const config = await loadConfig(join(dir, 'vigil.yaml'));
    // the import limit raised above the default body limit, and low enough to test past it cheaply
    f = await apiFixture(join(dir, 'ledger.db'), { dir, config, deps: { limits: { importBytes: 3 * 1024 * 1024 } } });
  });
  afterAll(async () => {
    await f.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const submit = (body: string, opts: { query?: string; type?: string; who?: 'admin' | 'analyst' | 'auditor' | 'ci' } = {}) =>
    f.app.inject({
      method: 'POST',
      url: `/api/runs/import?${opts.query ?? 'target=webshop'}`,
      headers: { ...f.auth(opts.who ?? 'ci'), 'content-type': opts.type ?? SARIF },
      payload: body,
    });

  it('records the results as a run of the import scanner and answers the ingest and the gate, as GET /api/gate would', async () => {
    const r = await submit(sarifLog(RESULTS));
    expect(r.statusCode, r.body).toBe(201);
    const body = r.json() as {
      runId: string;
      trigger: string;
      run: { id: string; status: string; parts: unknown[] };
      summary: Record<string, number>;
      gate: { runId: string; failOn: string; failed: boolean; counts: Record<string, number> };
    };
    expect(body.trigger).toBe('import:ci-bot');
    expect(r.headers.location).toBe(`/api/runs/${body.runId}`);
    expect(body.summary).toEqual({ findings: 2, new: 2, reopened: 0, fixed: 0, unchanged: 0, updated: 0 });
    // the config's gate.failOn (critical) when the request names none
    const gate = await f.app.inject({ url: '/api/gate?failOn=critical', headers: f.auth('ci') });
    expect(body.gate).toEqual(gate.json());
    expect(body.gate).toMatchObject({ runId: body.runId, failOn: 'critical', failed: true, counts: { critical: 1, medium: 1 } });

    const recorded = await f.app.inject({ url: `/api/runs/${body.runId}`, headers: f.auth('auditor') });
    expect(recorded.json().run).toMatchObject({
      id: body.runId,
      trigger: 'import:ci-bot',
      status: 'complete',
      parts: [{ scanner: 'import', target: 'webshop', status: 'complete', findings: 2 }],
    });
    const findings = (await f.ledger.listFindings()).findings;
    expect(findings.map((x) => [x.scanner, x.target, x.ruleId, x.severity]).sort()).toEqual([
      ['import', 'webshop', 'js/sql-injection', 'critical'],
      ['import', 'webshop', 'js/xss', 'medium'],
    ]);
  });

  it('takes application/json too; a result gone from the next import of the target is fixed; failOn is the caller\'s', async () => {
    const r = await submit(sarifLog(RESULTS.slice(1)), { type: 'application/json; charset=utf-8', query: 'target=webshop&format=sarif&failOn=high', who: 'admin' });
    expect(r.statusCode, r.body).toBe(201);
    const body = r.json() as { trigger: string; summary: Record<string, number>; gate: { failOn: string; failed: boolean; counts: Record<string, number> } };
    expect(body.trigger).toBe('import:admin-bot');
    expect(body.summary).toMatchObject({ findings: 1, new: 0, fixed: 1, unchanged: 1 });
    expect(body.gate).toMatchObject({ failOn: 'high', failed: false, counts: { critical: 0, high: 0, medium: 1 } });
    const fixed = (await f.ledger.listFindings({ status: ['fixed'] })).findings;
    expect(fixed.map((x) => x.ruleId)).toEqual(['js/sql-injection']);
  });

  it('a document that is not JSON, or not SARIF, is 400 naming its line and problem, and nothing is written', async () => {
    const cases: [string, string, RegExp][] = [
      ['{\n  "version": "2.1.0",\n  "runs": [\n    {"tool": {"driver": {"name": "T"},}}\n  ]\n}', 'VIGIL_ERR_SARIF_PARSE', /^body:4:\d+: not valid JSON: Expected double-quoted property name/],
      ['{\n  "version": "2.1.0",\n  "runs": [\n    {"tool": }\n  ]\n}', 'VIGIL_ERR_SARIF_PARSE', /^body:\d+:\d+: not valid JSON: Unexpected token/],
      ['', 'VIGIL_ERR_SARIF_PARSE', /^body:1:1: is empty/],
      ['{\n  "version": "2.0.0",\n  "runs": []\n}', 'VIGIL_ERR_SARIF_INVALID', /^body:2:\d+: .*vigil reads SARIF 2\.1\.0/],
      ['{\n  "version": "2.1.0"\n}', 'VIGIL_ERR_SARIF_INVALID', /^body:1:\d+: .*"runs" array/],
      ['[1, 2]', 'VIGIL_ERR_SARIF_INVALID', /^body:1:1: .*a SARIF log is a JSON object/],
      [
        JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'T' } }, results: [{ message: { text: 'm' }, level: 'fatal' }] }] }, null, 2),
        'VIGIL_ERR_SARIF_INVALID',
        /^body:\d+:\d+: runs\[0\]\.results\[0\]\.level: must be one of/,
      ],
    ];
    for (const [text, code, message] of cases) {
      const head = await f.ledger.head();
      const runs = await f.ledger.listRuns({ limit: 500 });
      const r = await submit(text);
      expect(r.statusCode, `${text.slice(0, 40)}: ${r.body}`).toBe(400);
      expect(r.json()).toMatchObject({ statusCode: 400, code });
      expect(r.json().message).toMatch(message);
      expect(await f.ledger.head()).toEqual(head);
      expect(await f.ledger.listRuns({ limit: 500 })).toEqual(runs);
    }
  });

  it('refuses bad parameters, other media types and the wrong roles', async () => {
    const head = await f.ledger.head();
    const good = sarifLog(RESULTS);
    const cases: [{ query?: string; type?: string; who?: 'analyst' | 'auditor' }, number, string][] = [
      [{ query: '' }, 400, 'VIGIL_ERR_API_INVALID'],
      [{ query: 'target=../etc' }, 400, 'VIGIL_ERR_API_INVALID'],
      [{ query: 'target=webshop&format=csv' }, 400, 'VIGIL_ERR_API_INVALID'],
      [{ query: 'target=webshop&failOn=severe' }, 400, 'VIGIL_ERR_API_INVALID'],
      [{ query: 'target=webshop&token=x' }, 400, 'VIGIL_ERR_API_INVALID'],
      [{ type: 'text/plain' }, 415, 'VIGIL_ERR_API_MEDIA_TYPE'],
      [{ type: 'application/x-www-form-urlencoded' }, 415, 'VIGIL_ERR_API_MEDIA_TYPE'],
      [{ who: 'analyst' }, 403, 'VIGIL_ERR_AUTH_FORBIDDEN'],
      [{ who: 'auditor' }, 403, 'VIGIL_ERR_AUTH_FORBIDDEN'],
    ];
    for (const [opts, status, code] of cases) {
      const r = await submit(good, opts);
      expect(r.statusCode, `${JSON.stringify(opts)}: ${r.body}`).toBe(status);
      expect(r.json()).toMatchObject({ statusCode: status, code });
    }
    const media = await submit(good, { type: 'text/plain' });
    expect(media.json().message).toBe('body: send it as application/sarif+json or application/json');
    expect(await f.ledger.head()).toEqual(head);
    // other routes still parse their JSON bodies as before
    const triage = await f.app.inject({ method: 'POST', url: '/api/findings/999999/triage', headers: f.auth('admin'), payload: { status: 'triaged' } });
    expect(triage.json()).toMatchObject({ statusCode: 404, code: 'VIGIL_ERR_FINDING_NOT_FOUND' });
  });

  it('takes a document larger than the default body limit, up to its own limit; past it 413 and nothing written', async () => {
    // padding inside the SARIF (a long message) makes a valid document of about 2 MiB
    const big = sarifLog([{ ...RESULTS[1]!, message: 'm'.repeat(2 * 1024 * 1024) }]);
    expect(big.length).toBeGreaterThan(2 * 1024 * 1024);
    const ok = await submit(big, { query: 'target=bigshop' });
    expect(ok.statusCode, ok.body.slice(0, 300)).toBe(201);
    expect(ok.json().summary).toMatchObject({ findings: 1, new: 1 });
    // the same size anywhere else is over the default 1 MiB
    const elsewhere = await f.app.inject({ method: 'POST', url: '/api/runs', headers: { ...f.auth('admin'), 'content-type': 'application/json' }, payload: JSON.stringify({ target: 'app', pad: big }) });
    expect(elsewhere.statusCode).toBe(413);

    const head = await f.ledger.head();
    const tooBig = sarifLog([{ ...RESULTS[1]!, message: 'm'.repeat(3 * 1024 * 1024) }]);
    const r = await submit(tooBig, { query: 'target=bigshop' });
    expect(r.statusCode).toBe(413);
    expect(r.json()).toEqual({ statusCode: 413, code: 'VIGIL_ERR_INPUT_TOO_LARGE', message: 'body: larger than this route accepts (3 MiB)' });
    expect(await f.ledger.head()).toEqual(head);
  });
});
