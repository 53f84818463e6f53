import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildRopa, ROPA_COLUMNS, ropaCsv, ropaHtml, type Ropa, type RopaRow } from '../../../reports/ropa.js';
import { loadDataMap } from '../../../scanners/datamap/fides.js';
import { loadValue } from '../datamap/helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SHOP = path.join(ROOT, 'examples', 'shop', '.fides');

/** A strict RFC 4180 reader (quoted fields, doubled quotes, CRLF), for checking what ropaCsv writes. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else cell += c;
      i++;
      continue;
    }
    if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
    i++;
  }
  expect(quoted, 'an unterminated quoted field').toBe(false);
  expect(cell === '' && row.length === 0, 'the last row ends with CRLF').toBe(true);
  return rows;
}

describe('record of processing activities', () => {
  it("the shop's map gives one row per activity, every Art. 30(1) column filled from it", async () => {
    const ropa = buildRopa(await loadDataMap([SHOP]), { baseDir: ROOT });
    expect(ropa.organization).toBe('Example Shop Ltd');
    expect(ropa.rows.map((r) => r.activity)).toEqual(['Order fulfilment', 'Fraud screening', 'Marketing e-mails', 'Retargeting audiences']);
    const [order, , marketing, ads] = ropa.rows as [RopaRow, RopaRow, RopaRow, RopaRow];
    expect(order.controller).toContain('Example Shop Ltd, 1 Market Street');
    expect(order.dpo).toContain('dpo@shop.example');
    expect(order.representative).toContain('Sacramento');
    expect(order.purpose).toBe('Essential for Service (essential.service)');
    expect(order.lawfulBasis).toBe('Contract');
    expect(order.dataSubjects).toBe('Customer (customer)');
    expect(order.dataCategories).toContain('User Contact Email (user.contact.email)');
    expect(order.retention).toMatch(/^6 years/);
    expect(order.security).toMatch(/^TLS everywhere/);
    expect(order.source).toBe('examples/shop/.fides/systems.yml:17');
    // the deliberate gaps show as such, not as empty cells
    expect(marketing.lawfulBasis).toBe('not given');
    expect(ads.transfers).toBe('United States (US), AdCloud Inc.: no mechanism given');
    expect(ads.recipients).toContain('third parties: AdCloud Inc. (San Francisco, US)');
    expect(ads.recipients).toContain('processor: AdCloud retargeting (DPA: https://shop.example/legal/dpa-adcloud.pdf)');
    for (const r of ropa.rows) for (const c of ROPA_COLUMNS) expect(r[c.key], `${r.activity}: ${c.key}`).not.toBe('');
  });

  it('writes CSV a strict RFC 4180 reader gives back cell for cell, with a header naming the articles', async () => {
    const ropa = buildRopa(await loadDataMap([SHOP]), { baseDir: ROOT });
    const rows = readCsv(ropaCsv(ropa));
    expect(rows[0]).toHaveLength(ROPA_COLUMNS.length);
    expect(rows[0]![2]).toBe('Controller (name and contact details) (Art. 30(1)(a))');
    expect(rows.slice(1)).toEqual(ropa.rows.map((r) => ROPA_COLUMNS.map((c) => r[c.key])));
  });

  it('any text survives the CSV round trip, and a cell a spreadsheet would run as a formula is defused', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', ',', '"', '\r', '\n', '=', '+', '-', '@', ' ', 'é', '\t') });
    fc.assert(
      fc.property(fc.array(cell, { minLength: 1, maxLength: 4 }), (cells) => {
        const row = Object.fromEntries(ROPA_COLUMNS.map((c, i) => [c.key, cells[i % cells.length]!])) as RopaRow;
        const back = readCsv(ropaCsv({ rows: [row], files: [] }))[1]!;
        ROPA_COLUMNS.forEach((c, i) => {
          const v = row[c.key];
          expect(back[i]).toBe(/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
        });
      }),
    );
  });

  it('HTML escapes everything the map says and loads nothing from elsewhere', async () => {
    const map = await loadValue({
      organization: [{ fides_key: 'org', name: '<script>alert(1)</script>', controller: { name: 'A & B "quoted"' } }],
      system: [
        {
          fides_key: 'sys',
          name: '<img src=x onerror=alert(1)>',
          organization_fides_key: 'org',
          system_type: 'Application',
          privacy_declarations: [{ name: "it's <b>bold</b>", data_use: 'essential.service', data_categories: ['user.contact.email'], data_subjects: ['customer'], legal_basis_for_processing: 'Contract' }],
        },
      ],
    });
    const ropa: Ropa = buildRopa(map, { baseDir: '/' });
    const html = ropaHtml(ropa, new Date('2026-12-07T00:00:00Z'));
    expect(html).not.toMatch(/<script|<img|<b>/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('A &amp; B &quot;quoted&quot;');
    expect(html).toContain('it&#39;s &lt;b&gt;bold&lt;/b&gt;');
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/(src|href)=["']?https?:/);
    expect(html).toContain('2026-12-07T00:00:00.000Z');
  });
});
