import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, defaultConfig } from '../../src/config/index.js';
import { openIncidentsAfterRun, loadIncidentContext } from '../../src/incidents/engine.js';
import { silentLogger } from '../../src/util/logger.js';
import { apiFixture, type ApiFixture } from '../helpers/api.js';
import { vigilAsync } from '../helpers/cli.js';
import { fileFinding, runOf } from '../helpers/findings.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('API reports and incidents (sqlite)', () => {
  let f: ApiFixture;
  let dir: string;
  let incidentId: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-api-reports-'));
    writeFileSync(
      join(dir, 'vigil.yaml'),
      `ledger: ledger.db\norganisation: Test Org\ntargets:\n  - name: shop-datamap\n    kind: path\n    path: ${join(ROOT, 'examples/shop/.fides')}\n    scanners: [datamap]\n`,
    );
    const config = await loadConfig(join(dir, 'vigil.yaml'));
    f = await apiFixture(join(dir, 'ledger.db'), { dir, config });
    const result = runOf([fileFinding(0, { severity: 'critical' }), fileFinding(1, { severity: 'high' })]);
    const now = new Date();
    const summary = await f.ledger.ingest(result, { now });
    const ctx = await loadIncidentContext(config, f.ledger);
    const opened = await openIncidentsAfterRun(f.ledger, { result, summary, ingestedAt: now.toISOString(), scheduled: false }, ctx, { logger: silentLogger });
    incidentId = opened.opened[0]!.id;
  });
  afterAll(async () => {
    await f.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the audit report downloads as a signed PDF (recorded, with the downloader as actor) and as HTML', async () => {
    const r = await f.app.inject({ url: '/api/reports/audit?from=2026-01-01&to=2099-12-31', headers: f.auth('auditor') });
    expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
    expect(r.headers['content-type']).toBe('application/pdf');
    expect(r.headers['content-disposition']).toBe('attachment; filename="audit-2026-01-01-2099-12-31.pdf"');
    expect(Number(r.headers['content-length'])).toBe(r.rawPayload.length);
    expect(r.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const made = await f.ledger.eventsOfType(['report.generated']);
    expect(made.at(-1)).toMatchObject({ actor: 'auditor-bot', data: { kind: 'audit', format: 'pdf' } });
    const file = join(dir, 'downloaded.pdf');
    writeFileSync(file, r.rawPayload);
    const verify = await vigilAsync(['report', 'verify', file, '--ledger', join(dir, 'ledger.db')], { cwd: dir });
    expect(verify.stdout).toMatch(/^VERIFIED/);
    expect(verify.code).toBe(0);

    const html = await f.app.inject({ url: '/api/reports/audit?format=html', headers: f.auth('analyst') });
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.headers['content-disposition']).toMatch(/^attachment; filename="audit-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.html"$/);
    expect(html.body).toContain('Test Org');
  }, 60_000);

  it('the ROPA downloads as CSV, HTML and PDF', async () => {
    const csv = await f.app.inject({ url: '/api/reports/ropa', headers: f.auth('auditor') });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="ropa-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(csv.body.split('\r\n')[0]).toContain('Time limits for erasure (Art. 30(1)(f))');
    const cli = await vigilAsync(['report', 'ropa', '--config', join(dir, 'vigil.yaml')], { cwd: dir });
    expect(csv.body).toBe(cli.stdout);
    const html = await f.app.inject({ url: '/api/reports/ropa?format=html', headers: f.auth('admin') });
    expect(html.body).toContain('<td>Marketing e-mails</td>');
    const pdf = await f.app.inject({ url: '/api/reports/ropa?format=pdf', headers: f.auth('admin') });
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect((await f.app.inject({ url: '/api/reports/ropa', headers: f.auth('ci') })).statusCode).toBe(403);
  }, 60_000);

  it('report names and periods come from validated parameters: traversal is 400 or 404 and makes nothing', async () => {
    const before = (await f.ledger.head()).seq;
    const cases: [string, number, string][] = [
      ['/api/reports/ropa?format=../../../../etc/passwd', 400, 'VIGIL_ERR_API_INVALID'],
      ['/api/reports/audit?format=..%2F..%2Fetc%2Fpasswd', 400, 'VIGIL_ERR_API_INVALID'],
      ['/api/reports/audit?from=../../etc/passwd', 400, 'VIGIL_ERR_API_INVALID'],
      ['/api/reports/audit?to=2026-01-01%2F..%2F..%2Fx', 400, 'VIGIL_ERR_API_INVALID'],
      ['/api/reports/audit?name=../../etc/passwd', 400, 'VIGIL_ERR_API_INVALID'],
      ['/api/reports/..%2F..%2F..%2Fetc%2Fpasswd', 404, 'VIGIL_ERR_API_NOT_FOUND'],
      ['/api/reports/%2e%2e/%2e%2e/etc/passwd', 404, 'VIGIL_ERR_API_NOT_FOUND'],
      ['/api/reports/ropa/../../../etc/passwd', 404, 'VIGIL_ERR_API_NOT_FOUND'],
      ['/api/reports/audit?from=2026-05-01&to=2026-01-01', 400, 'VIGIL_ERR_REPORT_PERIOD'],
    ];
    for (const [url, status, code] of cases) {
      const r = await f.app.inject({ url, headers: f.auth('admin') });
      expect(r.statusCode, `${url}: ${r.body}`).toBe(status);
      expect(r.json(), url).toMatchObject({ statusCode: status, code });
      expect(r.body).not.toContain('root:');
    }
    expect((await f.ledger.head()).seq).toBe(before);
  });

  it('a server whose config has no data map says so for the ROPA', async () => {
    const bare = await apiFixture(join(dir, 'bare.db'), { dir, config: defaultConfig(dir) });
    try {
      const r = await bare.app.inject({ url: '/api/reports/ropa', headers: bare.auth('auditor') });
      expect(r.statusCode).toBe(404);
      expect(r.json()).toMatchObject({ code: 'VIGIL_ERR_REPORT_UNAVAILABLE' });
    } finally {
      await bare.close();
    }
  });

  it('incidents: list and show as the CLI prints them; ack and resolve record the token\'s name', async () => {
    const list = await f.app.inject({ url: '/api/incidents?status=all', headers: f.auth('auditor') });
    expect(list.statusCode).toBe(200);
    const incidents = (list.json() as { incidents: { id: number; runbook: string }[] }).incidents;
    expect(incidents.map((i) => [i.id, i.runbook])).toEqual([[incidentId, 'critical-finding']]);
    const cli = await vigilAsync(['incidents', 'show', String(incidentId), '--format', 'json', '--ledger', join(dir, 'ledger.db')], { cwd: dir });
    const show = await f.app.inject({ url: `/api/incidents/${incidentId}`, headers: f.auth('auditor') });
    // the same view, but for the times worked out "now"
    const strip = (v: unknown) => JSON.parse(JSON.stringify(v, (k, x) => (k === 'remainingMs' || k === 'state' ? undefined : x)));
    expect(strip(show.json())).toEqual(strip(JSON.parse(cli.stdout)));

    const act = (payload: unknown, who: 'analyst' | 'auditor' = 'analyst') => f.app.inject({ method: 'POST', url: `/api/incidents/${incidentId}/ack`, headers: f.auth(who), payload: payload as object });
    expect((await act({ action: 'note', note: 'looking' }, 'auditor')).statusCode).toBe(403);
    const blocked = await act({ action: 'step', step: 'fix' });
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json()).toMatchObject({ code: 'VIGIL_ERR_INCIDENT_ACTION', message: expect.stringContaining('step fix waits for triage') });
    const wrong = await act({ action: 'step', clock: 'x' });
    expect(wrong.json()).toMatchObject({ statusCode: 400, code: 'VIGIL_ERR_API_INVALID' });
    const unknownAction = await act({ action: 'delete' });
    expect(unknownAction.json()).toMatchObject({ statusCode: 400, code: 'VIGIL_ERR_API_INVALID' });
    const early = await f.app.inject({ method: 'POST', url: `/api/incidents/${incidentId}/resolve`, headers: f.auth('analyst') });
    expect(early.json()).toMatchObject({ statusCode: 409, code: 'VIGIL_ERR_INCIDENT_ACTION' });

    for (const body of [{ action: 'aware' }, { action: 'note', note: 'paged the owner' }, ...['triage', 'contain', 'fix', 'verify', 'review'].map((step) => ({ action: 'step', step }))]) {
      const r = await act(body);
      expect(r.statusCode, `${JSON.stringify(body)}: ${r.body}`).toBe(200);
    }
    const resolved = await f.app.inject({ method: 'POST', url: `/api/incidents/${incidentId}/resolve`, headers: f.auth('admin'), payload: { note: 'fixed in 1.2.3' } });
    expect(resolved.statusCode, resolved.body).toBe(200);
    const view = resolved.json().incident as { status: string; timeline: { action: string; actor: string | null }[] };
    expect(view.status).toBe('resolved');
    expect(view.timeline.slice(1).map((t) => t.actor)).toEqual([...Array(7).fill('analyst-bot'), 'admin-bot']);
    expect((await f.ledger.verify()).ok).toBe(true);
    const none = await f.app.inject({ url: '/api/incidents/4242', headers: f.auth('analyst') });
    expect(none.json()).toMatchObject({ statusCode: 404, code: 'VIGIL_ERR_INCIDENT_NOT_FOUND' });
  });

  it('runs: list and show', async () => {
    const runs = await f.app.inject({ url: '/api/runs', headers: f.auth('ci') });
    const list = (runs.json() as { runs: { id: string }[] }).runs;
    expect(list).toHaveLength(1);
    const one = await f.app.inject({ url: `/api/runs/${list[0]!.id}`, headers: f.auth('ci') });
    expect(one.json()).toEqual({ run: list[0] });
    expect((await f.ledger.getRun(list[0]!.id))).toEqual(list[0]);
    const none = await f.app.inject({ url: '/api/runs/no-such', headers: f.auth('ci') });
    expect(none.json()).toMatchObject({ statusCode: 404, code: 'VIGIL_ERR_RUN_NOT_FOUND' });
  });
});
