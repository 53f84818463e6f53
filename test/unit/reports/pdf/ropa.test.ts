import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderRopaPdf } from '../../../../reports/pdf/index.js';
import { buildRopa, ROPA_COLUMNS, type Ropa, type RopaRow } from '../../../../reports/ropa.js';
import { loadDataMap } from '../../../../scanners/datamap/fides.js';
import { pdfFonts, pdfInfo, pdfText, run, squash, tempDir } from './pdf-tools.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SHOP = path.join(ROOT, 'examples', 'shop', '.fides');

describe('record of processing activities as PDF', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let ropa: Ropa;
  let file: string;

  beforeAll(async () => {
    tmp = await tempDir();
    ropa = buildRopa(await loadDataMap([SHOP]), { baseDir: ROOT });
    file = tmp.file('ropa.pdf');
    await writeFile(file, await renderRopaPdf(ropa, { generatedAt: new Date('2026-12-07T00:00:00Z') }));
  });
  afterAll(async () => tmp?.remove());

  it('has every column header and every cell of every row', async () => {
    const raw = squash(await pdfText(file, { mode: 'raw' }));
    expect(raw).toContain(squash('Record of processing activities — Example Shop Ltd'));
    for (const c of ROPA_COLUMNS) expect(raw, c.header).toContain(squash(c.article ? `${c.header} (${c.article})` : c.header));
    for (const r of ropa.rows) for (const c of ROPA_COLUMNS) expect(raw, `${r.activity}: ${c.key}`).toContain(squash(r[c.key]));
    expect(raw).toContain(squash('2026-12-07 00:00 UTC'));
  });

  it('lists the gaps the data map leaves', async () => {
    const text = await pdfText(file);
    expect(text).toContain('Gaps in the record');
    expect(text).toMatch(/Marketing e-mails: lawful basis \(Art\. 6\(1\)\) — not given\./);
    expect(squash(text)).toContain(squash('Retargeting audiences: transfers to third countries and safeguards (Art. 30(1)(e))'));
  });

  it('is a landscape, tagged PDF/A-2b with embedded fonts only, and passes qpdf --check', async () => {
    const info = await pdfInfo(file);
    expect(info.get('Page size')).toMatch(/^841\.89 x 595\.28 pts/);
    expect(info.get('Tagged')).toBe('yes');
    expect(info.get('Author')).toBe('vigil');
    expect(info.get('Title')).toBe('Record of processing activities — Example Shop Ltd');
    expect((await run('pdfinfo', ['-meta', file])).stdout).toMatch(/<pdfaid:part>2<\/pdfaid:part>[\s\S]*<pdfaid:conformance>B</);
    const fonts = await pdfFonts(file);
    expect(fonts.length).toBeGreaterThan(0);
    for (const f of fonts) {
      expect(f.embedded, f.name).toBe(true);
      expect(f.name).toMatch(/DejaVu/);
    }
    const check = await run('qpdf', ['--check', file]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });

  it('repeats the header on every page a long record runs onto', async () => {
    const first = ropa.rows[0]!;
    const many: Ropa = { ...ropa, rows: Array.from({ length: 40 }, (_, i): RopaRow => ({ ...first, activity: `Activity number ${i + 1}` })) };
    const long = tmp.file('long.pdf');
    await writeFile(long, await renderRopaPdf(many, { generatedAt: new Date('2026-12-07T00:00:00Z') }));
    const pages = Number((await pdfInfo(long)).get('Pages'));
    expect(pages).toBeGreaterThanOrEqual(3);
    const seen: number[] = [];
    for (let p = 1; p <= pages; p++) {
      const raw = squash(await pdfText(long, { page: p, mode: 'raw' }));
      const rows = [...raw.matchAll(/Activitynumber(\d+)/g)].map((m) => Number(m[1]));
      if (rows.length) expect(raw, `page ${p}`).toContain(squash('Purpose of the processing (Art. 30(1)(b))'));
      seen.push(...rows);
    }
    expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('says so when the map declares no processing', async () => {
    const empty = tmp.file('empty.pdf');
    await writeFile(empty, await renderRopaPdf({ rows: [], files: [] }, { organisation: 'Nobody Ltd' }));
    const text = await pdfText(empty);
    expect(text).toContain('Record of processing activities — Nobody Ltd');
    expect(text).toContain('declares no processing of personal data');
    expect((await run('qpdf', ['--check', empty])).code).toBe(0);
  });
});
