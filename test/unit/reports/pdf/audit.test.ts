import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../../../reports/audit/model.js';
import { renderAuditPdf, verifyPdfSignature } from '../../../../reports/pdf/index.js';
import { colouredShare, pdfFonts, pdfInfo, pdfText, run, signedSample, squash, tempDir } from './pdf-tools.js';

const HEADINGS = [
  'Executive summary',
  'Key figures',
  'Scan coverage against the schedule',
  'Schedule changes',
  'Findings by severity and status',
  'Trend of open findings by severity, per day',
  'SLA performance',
  'Exceptions',
  'Incidents',
  'Control mapping',
  'Data-map status',
  'Appendix: open findings',
  'Integrity',
];

/** Every section emptied the way a quiet period or a fresh install leaves it. */
function emptyReport(base: AuditReport, trendDays: number): AuditReport {
  const zero = { open: 0, reopened: 0, triaged: 0, accepted: 0, false_positive: 0, fixed: 0 };
  const none = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  return {
    ...base,
    organisation: null,
    summary: [],
    scope: { ...base.scope, targets: [], schedules: [] },
    coverage: { schedules: [], expected: 0, ran: 0, missed: 0, adHocRuns: 0, changes: [] },
    findings: {
      bySeverityStatus: { critical: zero, high: zero, medium: zero, low: zero, info: zero },
      trend: Array.from({ length: trendDays }, (_, d) => ({ date: `2026-10-0${d + 1}`, counts: none })),
      newInPeriod: 0,
      fixedInPeriod: 0,
      total: 0,
    },
    sla: { remediated: 0, withinSla: 0, percent: null, overdue: [], days: base.sla.days },
    exceptions: [],
    incidents: [],
    controls: [],
    datamap: { configured: false, lastRun: null, openBySeverity: none, openByRule: [] },
    openFindings: [],
  };
}

describe('audit PDF', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let full: { file: string; text: string; raw: string; report: AuditReport; pages: number };

  beforeAll(async () => {
    tmp = await tempDir();
    const { report, privateKey } = signedSample({ rows: 400 });
    const file = tmp.file('audit.pdf');
    await writeFile(file, await renderAuditPdf(report, { privateKey }));
    const pages = Number((await pdfInfo(file)).get('Pages'));
    full = { file, text: await pdfText(file), raw: await pdfText(file, { mode: 'raw' }), report, pages };
  });
  afterAll(async () => tmp?.remove());

  it('has every section heading, in order, and ends with the integrity section', () => {
    let at = -1;
    for (const h of HEADINGS) {
      const i = full.text.indexOf(h, at + 1);
      expect(i, h).toBeGreaterThan(at);
      at = i;
    }
    expect(full.text).toContain(full.report.title);
    const tail = full.text.slice(full.text.lastIndexOf('Integrity'));
    expect(tail).toContain('vigil report verify <file>');
    expect(tail).not.toMatch(/Planted finding/);
  });

  it("prints the fixture's figures, the missed slot, the exception and the clock outcome", () => {
    const lines = full.text.split('\n');
    expect(full.text).toContain('98.9 %');
    expect(full.text).toMatch(/\b89 of 90\b/);
    expect(full.text).toContain('94.6 %');
    expect(full.text).toMatch(/\b14 ad-hoc runs\b/);
    expect(lines.some((l) => l.includes('2026-12-04 02:00 UTC') && /\bmissed\b/.test(l)), 'the missed slot, labelled on its row').toBe(true);
    expect(lines.some((l) => l.includes('2026-12-05 02:00 UTC') && /\blate\b/.test(l))).toBe(true);
    expect(squash(full.raw)).toContain(squash('Reachable only from the build script; no user input reaches it.'));
    expect(squash(full.raw)).toContain(squash('A documented test vector, not a credential.'));
    expect(full.text).toContain('ciso@example');
    expect(lines.some((l) => l.includes('Notify the supervisory authority') && /\bmet\s*$/.test(l)), 'the clock met').toBe(true);
    expect(lines.some((l) => l.includes('Tell the data subjects') && /\bwaived\s*$/.test(l))).toBe(true);
    expect(lines.some((l) => /CC7\.1/.test(l) && /\bmet\b/.test(l))).toBe(true);
    expect(lines.some((l) => /A\.8\.8/.test(l) && /\bpartial\b/.test(l))).toBe(true);
    expect(full.text).toContain('gdpr-art30-missing-retention');
    expect(full.text).not.toMatch(/NaN|undefined|\[object/);
  });

  it('prints the full head hash on one line, the verify result and the key fingerprint with its ledger record', () => {
    const { ledger, signingKey } = full.report;
    expect(ledger.headHash).toMatch(/^[0-9a-f]{64}$/);
    expect(full.text.split('\n').some((l) => l.trim() === ledger.headHash)).toBe(true);
    expect(full.text).toMatch(/event 4821\b/);
    expect(full.text).toContain('passed — hash chain intact');
    expect(full.text).toContain(signingKey.fingerprint);
    expect(full.text).toContain('2026-09-01 09:00 UTC (event 3)');
    expect(squash(full.raw)).toContain(squash('Ed25519 signature, made with the key above, over the SHA-256 digest of every byte of the file except the signature itself'));
  });

  it('passes qpdf --check', async () => {
    const r = await run('qpdf', ['--check', full.file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('embeds every font it uses, all DejaVu, and no standard-14 font', async () => {
    const fonts = await pdfFonts(full.file);
    expect(fonts.length).toBeGreaterThanOrEqual(3);
    for (const f of fonts) {
      expect(f.embedded, f.name).toBe(true);
      expect(f.name).toMatch(/^[A-Z]{6}\+DejaVuSans(-Bold|Mono)?$/);
      expect(f.name).not.toMatch(/Helvetica|Times|Courier|Symbol|Dingbats/);
    }
    // Font dictionaries are not compressed: a standard-14 font would be named in the raw bytes.
    expect((await readFile(full.file)).includes('/BaseFont /Helvetica')).toBe(false);
  });

  it('carries Info and XMP metadata for PDF/A-2b and is tagged', async () => {
    const info = await pdfInfo(full.file);
    expect(info.get('Title')).toBe(full.report.title);
    expect(info.get('Author')).toBe('vigil');
    expect(info.get('CreationDate')).toMatch(/2026/);
    expect(info.get('ModDate')).toMatch(/2026/);
    expect(info.get('Tagged')).toBe('yes');
    expect(info.get('PDF version')).toBe('1.7');
    const meta = (await run('pdfinfo', ['-meta', full.file])).stdout;
    expect(meta).toMatch(/<pdfaid:part>2<\/pdfaid:part>/);
    expect(meta).toMatch(/<pdfaid:conformance>B<\/pdfaid:conformance>/);
    expect(meta).toContain('<xmp:CreateDate>2026-12-06T10:00:00Z</xmp:CreateDate>');
    const structure = (await run('pdfinfo', ['-struct', full.file])).stdout;
    for (const tag of ['Document', 'Sect', 'H1', 'H2', 'P', 'Table', 'THead', 'TR', 'TH', 'TD', 'Figure']) expect(structure, tag).toMatch(new RegExp(`^\\s*${tag}\\b`, 'm'));
  });

  it('renders every page with pdftoppm, and the chart page is not blank', async () => {
    const out = tmp.file('page');
    const r = await run('pdftoppm', ['-r', '50', '-png', full.file, out]);
    expect(r.code).toBe(0);
    const pngs = (await readdir(tmp.dir)).filter((f) => f.startsWith('page') && f.endsWith('.png')).sort();
    expect(pngs).toHaveLength(full.pages);
    for (const p of pngs) expect((await stat(tmp.file(p))).size).toBeGreaterThan(0);
    const pages = full.text.split('\f');
    const chartPage = pages.findIndex((t) => t.includes('Trend of open findings by severity')) + 1;
    expect(chartPage).toBeGreaterThan(0);
    const png = pngs.find((p) => Number(/-(\d+)\.png$/.exec(p)?.[1]) === chartPage)!;
    expect(colouredShare(await readFile(tmp.file(png)))).toBeGreaterThan(0.02);
    const cover = await readFile(tmp.file(pngs[0]!));
    expect(colouredShare(cover)).toBeLessThan(0.05);
  });

  it('paginates the appendix: several pages, the header on each, no row split across pages', async () => {
    const pages = full.text.split('\f');
    const first = pages.findIndex((t) => t.includes('Appendix: open findings')) + 1;
    const last = pages.findIndex((t) => t.includes('Integrity')) + 1;
    expect(first).toBeGreaterThan(0);
    expect(last - first + 1).toBeGreaterThanOrEqual(3);
    const seen = new Map<string, number>();
    for (let p = first; p <= last; p++) {
      const text = await pdfText(full.file, { page: p });
      const body = p === last ? text.slice(0, text.indexOf('Integrity')) : text;
      for (const h of ['ID', 'Severity', 'Status', 'Title', 'Target', 'Location', 'First seen', 'SLA due']) expect(body, `page ${p}: ${h}`).toContain(h);
      const ids = body.match(/#1\d{3}\b/g) ?? [];
      for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
      // A row split across pages leaves a title's start on one page and its end on the next.
      const count = (re: RegExp) => body.match(re)?.length ?? 0;
      expect(count(/\bPlanted\b/g), `page ${p}`).toBe(ids.length);
      expect(count(/\bcell\b/g), `page ${p}`).toBe(ids.length);
      expect(count(/\b2026-10-01\b/g), `page ${p}`).toBe(ids.length);
    }
    expect(seen.size).toBe(400);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
  });

  it('verifies: the signature covers the file, with the key and head hash the report names', async () => {
    const check = verifyPdfSignature(await readFile(full.file));
    expect(check.ok, check.reason).toBe(true);
    expect(check.keyFingerprint).toBe(full.report.signingKey.fingerprint);
    expect(check.headHash).toBe(full.report.ledger.headHash);
    expect(check.headSeq).toBe(full.report.ledger.headSeq);
    expect(check.contentDigest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('renders empty sections as sentences, with no chart axes and no NaN', async () => {
    const { report, privateKey } = signedSample({ rows: 0, incidents: false });
    for (const days of [0, 5]) {
      const file = tmp.file(`empty-${days}.pdf`);
      await writeFile(file, await renderAuditPdf(emptyReport(report, days), { privateKey }));
      const text = await pdfText(file);
      for (const h of HEADINGS.filter((x) => x !== 'Schedule changes')) expect(text, h).toContain(h);
      for (const sentence of [
        'No exceptions were recorded in the period.',
        'No incidents were opened in the period.',
        'No findings were remediated in the period',
        'No controls were mapped',
        'No targets were configured.',
        'No schedules were configured.',
        'No schedule was due in the period',
        'The data-map scanner is not configured',
        'No open finding was past its SLA',
        'No findings were open at the end of the period.',
        'No summary figures were available',
      ])
        expect(text, sentence).toContain(sentence);
      expect(text).toContain(days === 0 ? 'No daily trend is available for the period.' : 'No findings were open on any day of the period.');
      expect(text).not.toContain('open findings per day');
      expect(text).not.toMatch(/NaN|Infinity|undefined/);
      expect((await run('qpdf', ['--check', file])).code).toBe(0);
      expect(verifyPdfSignature(await readFile(file)).ok).toBe(true);
    }
  });

  it('keeps the XMP well-formed and equal to the Info dictionary when the title has XML characters', async () => {
    const { report, privateKey } = signedSample();
    report.title = 'vigil audit report — Smith & Sons <Ltd>';
    const file = tmp.file('xml.pdf');
    await writeFile(file, await renderAuditPdf(report, { privateKey }));
    expect((await pdfInfo(file)).get('Title')).toBe(report.title);
    const meta = (await run('pdfinfo', ['-meta', file])).stdout;
    expect(meta).toContain('vigil audit report — Smith &amp; Sons &lt;Ltd&gt;');
    expect(meta).not.toContain('<Ltd>');
  });

  it('refuses to sign with a key other than the one the report names', async () => {
    const { report } = signedSample();
    const other = signedSample().privateKey;
    await expect(renderAuditPdf(report, { privateKey: other })).rejects.toMatchObject({ code: 'VIGIL_ERR_SIGNING_KEY' });
  });

  it('gives the same bytes for the same report and key', async () => {
    const { report, privateKey } = signedSample();
    const [a, b] = await Promise.all([renderAuditPdf(report, { privateKey }), renderAuditPdf(report, { privateKey })]);
    expect(a.equals(b)).toBe(true);
  });
});
