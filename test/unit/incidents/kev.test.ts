import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../src/errors.js';
import { isKevFile, parseKevCatalogue } from '../../../src/incidents/kev.js';

const FILE = 'test/fixtures/kev/known_exploited_vulnerabilities.json';
const GOOD = readFileSync(FILE, 'utf8');

/** The 1-based line of the first occurrence of `needle` in the good file. */
function lineOf(needle: string): number {
  const i = GOOD.indexOf(needle);
  expect(i, `${needle} is in the fixture`).toBeGreaterThanOrEqual(0);
  return GOOD.slice(0, i).split('\n').length;
}

function parseError(text: string): VigilError {
  try {
    parseKevCatalogue(text, 'kev.json');
  } catch (e) {
    expect(e).toBeInstanceOf(VigilError);
    return e as VigilError;
  }
  throw new Error('expected an error');
}

describe('parseKevCatalogue', () => {
  it('reads the catalogue, its entries and the set of CVE ids', () => {
    const kev = parseKevCatalogue(GOOD, FILE);
    expect(kev).toMatchObject({ title: 'CISA Catalog of Known Exploited Vulnerabilities', catalogVersion: '2025.02.24', dateReleased: '2025-02-24T17:00:00.0000Z', count: 5 });
    expect(kev.vulnerabilities.map((v) => v.cveID)).toEqual(['CVE-2025-23209', 'CVE-2025-0108', 'CVE-2017-3066', 'CVE-2021-44228', 'CVE-2024-20953']);
    expect(kev.vulnerabilities[3]).toEqual({
      cveID: 'CVE-2021-44228',
      vendorProject: 'Apache',
      product: 'Log4j2',
      vulnerabilityName: 'Apache Log4j2 Remote Code Execution Vulnerability',
      dateAdded: '2021-12-10',
      shortDescription: expect.stringContaining('Log4Shell') as string,
      requiredAction: 'Apply updates per vendor instructions.',
      dueDate: '2021-12-24',
      knownRansomwareCampaignUse: 'Known',
      notes: expect.stringContaining('nvd.nist.gov') as string,
      cwes: ['CWE-917'],
    });
    expect([...kev.ids].sort()).toEqual(['CVE-2017-3066', 'CVE-2021-44228', 'CVE-2024-20953', 'CVE-2025-0108', 'CVE-2025-23209']);
  });

  it('accepts what the schema leaves optional or open: no title, notes or cwes, fields CISA may add, a BOM', () => {
    const doc = JSON.parse(GOOD) as { title?: string; vulnerabilities: Record<string, unknown>[] };
    delete doc.title;
    delete doc.vulnerabilities[0]!['notes'];
    delete doc.vulnerabilities[0]!['cwes'];
    delete doc.vulnerabilities[0]!['knownRansomwareCampaignUse'];
    doc.vulnerabilities[1]!['forensicTriage'] = 'No';
    const kev = parseKevCatalogue(`\ufeff${JSON.stringify(doc)}`, 'kev.json');
    expect(kev.title).toBeUndefined();
    expect(kev.vulnerabilities[0]).not.toHaveProperty('notes');
    expect(kev.vulnerabilities[0]!.cwes).toEqual([]);
    expect(kev.count).toBe(5);
  });

  it.each([
    {
      name: 'a count that disagrees with the list (a truncated download)',
      edit: (t: string) => t.replace('"count": 5,', '"count": 1280,'),
      line: () => lineOf('"count"'),
      message: /^count: says 1280 vulnerabilities but the list has 5/,
    },
    {
      name: 'a cveID that is not CVE-YYYY-NNNN',
      edit: (t: string) => t.replace('"cveID": "CVE-2017-3066"', '"cveID": "CVE-17-3066"'),
      line: () => lineOf('"cveID": "CVE-2017-3066"'),
      message: /^vulnerabilities\[2\]\.cveID: must be a CVE id such as "CVE-2021-44228", got "CVE-17-3066"$/,
    },
    {
      name: 'a dueDate that is no calendar day',
      edit: (t: string) => t.replace('"dueDate": "2021-12-24"', '"dueDate": "2021-12-32"'),
      line: () => lineOf('"dueDate": "2021-12-24"'),
      message: /^vulnerabilities\[3\]\.dueDate: must be a date such as "2021-12-24" \(YYYY-MM-DD\), got "2021-12-32"$/,
    },
    {
      name: 'a dateAdded in another format',
      edit: (t: string) => t.replace('"dateAdded": "2025-02-18"', '"dateAdded": "02/18/2025"'),
      line: () => lineOf('"dateAdded": "2025-02-18"'),
      message: /^vulnerabilities\[1\]\.dateAdded: must be a date/,
    },
    {
      name: 'an entry without its requiredAction',
      edit: (t: string) => t.replace(/\n\s*"requiredAction": "Apply updates per vendor instructions\.",/, ''),
      // the error points at the entry that lacks it (Log4j, the first with that action)
      line: () => lineOf('"cveID": "CVE-2021-44228"') - 1,
      message: /^vulnerabilities\[3\]\.requiredAction: missing; "requiredAction" is required$/,
    },
    {
      name: 'cwes that are not a list',
      edit: (t: string) => t.replace('"cwes": ["CWE-306"]', '"cwes": "CWE-306"'),
      line: () => lineOf('"cwes": ["CWE-306"]'),
      message: /^vulnerabilities\[1\]\.cwes: must be an array of CWE ids, got a string$/,
    },
    {
      name: 'a CWE id of the wrong form',
      edit: (t: string) => t.replace('"cwes": ["CWE-917"]', '"cwes": ["CWE-917", "917"]'),
      line: () => lineOf('"cwes": ["CWE-917"]'),
      message: /^vulnerabilities\[3\]\.cwes\[1\]: must be a CWE id such as "CWE-79", got "917"$/,
    },
    {
      name: 'a vendor that is not text',
      edit: (t: string) => t.replace('"vendorProject": "Oracle"', '"vendorProject": 42'),
      line: () => lineOf('"vendorProject": "Oracle"'),
      message: /^vulnerabilities\[4\]\.vendorProject: must be a string, got a number$/,
    },
    {
      name: 'a dateReleased that is not a date-time',
      edit: (t: string) => t.replace('"dateReleased": "2025-02-24T17:00:00.0000Z"', '"dateReleased": "yesterday"'),
      line: () => lineOf('"dateReleased"'),
      message: /^dateReleased: must be a date-time/,
    },
    {
      name: 'a count that is not a whole number',
      edit: (t: string) => t.replace('"count": 5,', '"count": "5",'),
      line: () => lineOf('"count"'),
      message: /^count: must be a whole number, got "5"$/,
    },
    {
      name: 'no vulnerabilities list',
      edit: (t: string) => t.replace('"vulnerabilities": [', '"entries": ['),
      line: () => 1,
      message: /^vulnerabilities: missing; "vulnerabilities" is required$/,
    },
  ])('$name: VIGIL_ERR_KEV_INVALID at the line, with the JSON path', ({ edit, line, message }) => {
    const text = edit(GOOD);
    expect(text).not.toBe(GOOD);
    const e = parseError(text);
    expect(e.code).toBe('VIGIL_ERR_KEV_INVALID');
    expect(e.exitCode).toBe(2);
    expect(e.file).toBe('kev.json');
    expect(e.line).toBe(line());
    expect(e.message).toMatch(message);
  });

  it('a truncated file is VIGIL_ERR_KEV_PARSE at its end', () => {
    const cut = GOOD.slice(0, 1500);
    const e = parseError(cut);
    expect(e.code).toBe('VIGIL_ERR_KEV_PARSE');
    expect(e.exitCode).toBe(2);
    expect(e.line).toBe(cut.split('\n').length);
    expect(e.message).toMatch(/^not valid JSON/);
  });

  it('a JSON value that is not an object says what a catalogue is', () => {
    expect(parseError('[]').message).toMatch(/a KEV catalogue is a JSON object with catalogVersion, dateReleased, count and vulnerabilities; got an array/);
  });
});

describe('isKevFile', () => {
  it('tells a KEV catalogue from OSV advisories and other JSON', () => {
    expect(isKevFile(GOOD)).toBe(true);
    expect(isKevFile(`\ufeff${GOOD}`)).toBe(true);
    const osv = JSON.stringify({ id: 'GHSA-jfh8-c2jp-5v3q', modified: '2024-01-01T00:00:00Z', aliases: ['CVE-2021-44228'], affected: [] });
    expect(isKevFile(osv)).toBe(false);
    expect(isKevFile('[]')).toBe(false);
    expect(isKevFile(JSON.stringify({ vulnerabilities: [] }))).toBe(false);
    expect(isKevFile('')).toBe(false);
  });

  it('a truncated catalogue still counts as one, so the KEV parser names its problem', () => {
    expect(isKevFile(GOOD.slice(0, 1500))).toBe(true);
    expect(isKevFile('{"id": "GHSA-x", "modified": ')).toBe(false);
  });
});
