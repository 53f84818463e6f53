/**
 * GET /api/reports/files and /api/reports/files/:name: the report files saved in the config's
 * reports folder, listed and streamed — and nothing outside it, whatever the name says.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { apiFixture, type ApiFixture } from '../helpers/api.js';

const OUTSIDE_MARK = 'OUTSIDE-THE-REPORTS-FOLDER';

describe('saved report files', () => {
  let dir: string;
  let reports: string;
  let f: ApiFixture;
  const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(3 * 1024 * 1024, 7), Buffer.from('\n%%EOF\n')]);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-api-files-'));
    reports = join(dir, 'out', 'reports');
    mkdirSync(join(reports, 'nested'), { recursive: true });
    writeFileSync(join(dir, 'vigil.yaml'), 'reports:\n  dir: out/reports\ntargets:\n  - name: app\n    kind: path\n    path: .\n    scanners: [import]\n');
    const put = (name: string, body: string | Buffer, mtime: number) => {
      writeFileSync(join(reports, name), body);
      utimesSync(join(reports, name), mtime, mtime);
    };
    put('audit-2026-01-01-2026-03-31.pdf', pdf, 1_700_000_300);
    put('ropa-2026-04-01.csv', 'activity,purpose\norders,contract\n', 1_700_000_200);
    put('findings.sarif', '{"version":"2.1.0","runs":[]}', 1_700_000_100);
    put('run.json', '{"a":1}', 1_700_000_400);
    put('page.html', '<p>report</p>', 1_700_000_000);
    // not served: other extensions, hidden files, folders, and links out of the folder
    put('notes.txt', 'x', 1_700_000_500);
    put('.hidden.pdf', 'x', 1_700_000_500);
    writeFileSync(join(reports, 'nested', 'deep.pdf'), 'x');
    writeFileSync(join(dir, 'secret.pdf'), OUTSIDE_MARK);
    symlinkSync(join(dir, 'secret.pdf'), join(reports, 'escape.pdf'));
    symlinkSync('../../secret.pdf', join(reports, 'relative-escape.pdf'));
    symlinkSync('/etc/passwd', join(reports, 'passwd.csv'));
    symlinkSync(join(reports, 'nested'), join(reports, 'folder.pdf'));
    // a link that stays inside the folder is the file it points at
    symlinkSync(join(reports, 'nested', 'deep.pdf'), join(reports, 'latest.pdf'));
    utimesSync(join(reports, 'nested', 'deep.pdf'), 1_600_000_000, 1_600_000_000);
    const config = await loadConfig(join(dir, 'vigil.yaml'));
    expect(config.reports.dir).toBe(reports);
    f = await apiFixture(join(dir, 'ledger.db'), { dir, config });
  });
  afterAll(async () => {
    await f.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the downloadable files newest first, with sizes, times, types and (on request) SHA-256', async () => {
    const r = await f.app.inject({ url: '/api/reports/files', headers: f.auth('auditor') });
    expect(r.statusCode, r.body).toBe(200);
    const files = (r.json() as { files: { name: string; size: number; modified: string; type: string; sha256?: string }[] }).files;
    expect(files.map((x) => x.name)).toEqual(['run.json', 'audit-2026-01-01-2026-03-31.pdf', 'ropa-2026-04-01.csv', 'findings.sarif', 'page.html', 'latest.pdf']);
    expect(files[1]).toEqual({ name: 'audit-2026-01-01-2026-03-31.pdf', size: pdf.length, modified: new Date(1_700_000_300_000).toISOString(), type: 'application/pdf' });
    expect(files.map((x) => x.type)).toEqual([
      'application/json; charset=utf-8',
      'application/pdf',
      'text/csv; charset=utf-8',
      'application/sarif+json',
      'text/html; charset=utf-8',
      'application/pdf',
    ]);
    const hashed = await f.app.inject({ url: '/api/reports/files?sha256=true', headers: f.auth('analyst') });
    const audit = (hashed.json() as { files: { name: string; sha256: string }[] }).files.find((x) => x.name.startsWith('audit-'))!;
    expect(audit.sha256).toBe(createHash('sha256').update(pdf).digest('hex'));
  });

  it('streams a file as an attachment with its type by extension, byte for byte', async () => {
    const r = await f.app.inject({ url: '/api/reports/files/audit-2026-01-01-2026-03-31.pdf', headers: f.auth('admin') });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/pdf');
    expect(r.headers['content-disposition']).toBe('attachment; filename="audit-2026-01-01-2026-03-31.pdf"');
    expect(r.headers['content-length']).toBe(String(pdf.length));
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.rawPayload.equals(pdf)).toBe(true);
    const sarif = await f.app.inject({ url: '/api/reports/files/findings.sarif', headers: f.auth('auditor') });
    expect(sarif.headers['content-type']).toBe('application/sarif+json');
    expect(sarif.body).toBe('{"version":"2.1.0","runs":[]}');
    const csv = await f.app.inject({ url: '/api/reports/files/ropa-2026-04-01.csv', headers: f.auth('analyst') });
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.body).toBe('activity,purpose\norders,contract\n');
    const linked = await f.app.inject({ url: '/api/reports/files/latest.pdf', headers: f.auth('analyst') });
    expect(linked.statusCode).toBe(200);
    expect(linked.body).toBe('x');
  });

  it('never serves anything outside the folder: traversal, encoded separators, absolute paths, links out — 400 or 404 with a code', async () => {
    const attempts = [
      '..%2f..%2fsecret.pdf',
      '..%2f..%2f..%2f..%2fetc%2fpasswd',
      '..%5c..%5csecret.pdf',
      '%2e%2e%2f%2e%2e%2fsecret.pdf',
      '%2fetc%2fpasswd',
      `${encodeURIComponent(join(dir, 'secret.pdf'))}`,
      '..',
      '.hidden.pdf',
      'nested%2fdeep.pdf',
      'a%00.pdf',
      'secret.pdf%00.pdf',
      'notes.txt',
      'escape.pdf',
      'relative-escape.pdf',
      'passwd.csv',
      'folder.pdf',
      'nested',
      'missing.pdf',
      'x'.repeat(300) + '.pdf',
      '%zz.pdf',
    ];
    for (const name of attempts) {
      const r = await f.app.inject({ url: `/api/reports/files/${name}`, headers: f.auth('admin') });
      const what = `${name.slice(0, 60)}: ${r.statusCode} ${r.body.slice(0, 200)}`;
      expect([400, 404], what).toContain(r.statusCode);
      expect(r.json().code, what).toMatch(/^VIGIL_ERR_(API_INVALID|REPORT_FILE_NOT_FOUND|API_NOT_FOUND)$/);
      expect(r.body, what).not.toContain(OUTSIDE_MARK);
      expect(r.body, what).not.toContain('root:');
    }
    // names the pattern takes but that lead out of the folder are simply not there
    for (const name of ['escape.pdf', 'relative-escape.pdf', 'passwd.csv', 'folder.pdf', 'missing.pdf']) {
      const r = await f.app.inject({ url: `/api/reports/files/${name}`, headers: f.auth('admin') });
      expect(r.json(), name).toMatchObject({ statusCode: 404, code: 'VIGIL_ERR_REPORT_FILE_NOT_FOUND' });
    }
    const raw = await f.app.inject({ url: '/api/reports/files/../../secret.pdf', headers: f.auth('admin') });
    expect([400, 404]).toContain(raw.statusCode);
    expect(raw.body).not.toContain(OUTSIDE_MARK);
  });

  it('is for admins, analysts and auditors; parameters it does not take are refused', async () => {
    expect((await f.app.inject({ url: '/api/reports/files', headers: f.auth('ci') })).statusCode).toBe(403);
    expect((await f.app.inject({ url: '/api/reports/files/run.json', headers: f.auth('ci') })).statusCode).toBe(403);
    const q = await f.app.inject({ url: '/api/reports/files/run.json?path=/etc/passwd', headers: f.auth('admin') });
    expect(q.json()).toEqual({ statusCode: 400, code: 'VIGIL_ERR_API_INVALID', message: 'querystring: unknown parameter "path"' });
  });
});

describe('saved report files without a reports folder', () => {
  it('lists none and finds none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-api-nofiles-'));
    const f = await apiFixture(join(dir, 'ledger.db'), { dir });
    try {
      const list = await f.app.inject({ url: '/api/reports/files', headers: f.auth('admin') });
      expect(list.json()).toEqual({ files: [] });
      const one = await f.app.inject({ url: '/api/reports/files/audit.pdf', headers: f.auth('admin') });
      expect(one.json()).toMatchObject({ statusCode: 404, code: 'VIGIL_ERR_REPORT_FILE_NOT_FOUND' });
    } finally {
      await f.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
