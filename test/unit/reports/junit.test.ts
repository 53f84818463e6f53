import { describe, expect, it } from 'vitest';
import { writeJunit, xmlAttr, xmlText } from '../../../reports/index.js';
import { reported, sampleReport, sampleRun } from './sample-report.js';
import { buildReport } from '../../../src/gate/index.js';

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) => {
    if (e.startsWith('#x') || e.startsWith('#X')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)));
    const v = ENTITIES[e];
    if (v === undefined) throw new Error(`unknown entity ${m}`);
    return v;
  });
}

/**
 * A strict little parser for the subset of XML the writer emits: a declaration, elements,
 * attributes, text and the five entities. It throws on anything not well-formed, which is
 * the point: no XML library is installed and the writer's output must parse.
 */
function parseXml(xml: string): XmlElement {
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(xml)) throw new Error('forbidden control character');
  let i = 0;
  const decl = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/.exec(xml);
  if (!decl) throw new Error('missing XML declaration');
  i = decl[0].length;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const nameRe = /[A-Za-z_][\w.-]*/y;
  while (i < xml.length) {
    if (xml[i] === '<') {
      if (xml[i + 1] === '/') {
        nameRe.lastIndex = i + 2;
        const m = nameRe.exec(xml);
        const el = stack.pop();
        if (!m || !el || el.name !== m[0] || xml[nameRe.lastIndex] !== '>') throw new Error(`bad close tag at ${i}`);
        i = nameRe.lastIndex + 1;
        continue;
      }
      nameRe.lastIndex = i + 1;
      const m = nameRe.exec(xml);
      if (!m) throw new Error(`bad tag at ${i}`);
      const el: XmlElement = { name: m[0], attrs: {}, children: [], text: '' };
      i = nameRe.lastIndex;
      const attrRe = /\s+([A-Za-z_][\w.-]*)="([^"<]*)"/y;
      for (;;) {
        attrRe.lastIndex = i;
        const a = attrRe.exec(xml);
        if (!a) break;
        if (a[1]! in el.attrs) throw new Error(`duplicate attribute ${a[1]}`);
        el.attrs[a[1]!] = decode(a[2]!);
        i = attrRe.lastIndex;
      }
      const parent = stack.at(-1);
      if (parent) parent.children.push(el);
      else if (root) throw new Error('two root elements');
      else root = el;
      if (xml.startsWith('/>', i)) i += 2;
      else if (xml[i] === '>') {
        stack.push(el);
        i += 1;
      } else throw new Error(`bad tag end at ${i}: ${JSON.stringify(xml.slice(i, i + 20))}`);
      continue;
    }
    const next = xml.indexOf('<', i);
    const raw = xml.slice(i, next === -1 ? xml.length : next);
    if (raw.includes('>') && !stack.length) throw new Error('stray >');
    const parent = stack.at(-1);
    if (parent) parent.text += decode(raw);
    else if (raw.trim() !== '') throw new Error('text outside the root');
    i = next === -1 ? xml.length : next;
  }
  if (stack.length || !root) throw new Error('unclosed elements');
  return root;
}

const all = (el: XmlElement, name: string): XmlElement[] =>
  el.children.flatMap((c) => (c.name === name ? [c, ...all(c, name)] : all(c, name)));

describe('writeJunit', () => {
  const xml = writeJunit(sampleReport('high'));
  const root = parseXml(xml);
  const suites = root.children;
  const cases = all(root, 'testcase');

  it('is well-formed and free of forbidden characters', () => {
    expect(root.name).toBe('testsuites');
    expect(suites.every((s) => s.name === 'testsuite')).toBe(true);
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
  });

  it('has totals that match the elements', () => {
    const count = (name: string) => cases.filter((c) => c.children.some((x) => x.name === name)).length;
    expect(Number(root.attrs.tests)).toBe(cases.length);
    expect(Number(root.attrs.failures)).toBe(count('failure'));
    expect(Number(root.attrs.errors)).toBe(count('error'));
    expect(Number(root.attrs.skipped)).toBe(count('skipped'));
    for (const s of suites) {
      const own = s.children.filter((c) => c.name === 'testcase');
      expect(Number(s.attrs.tests)).toBe(own.length);
      for (const k of ['failure', 'error', 'skipped']) {
        const attr = k === 'failure' ? 'failures' : k === 'error' ? 'errors' : 'skipped';
        expect(Number(s.attrs[attr])).toBe(own.filter((c) => c.children.some((x) => x.name === k)).length);
      }
    }
  });

  it('has a suite per scanner and target', () => {
    expect(suites.map((s) => s.attrs.name)).toEqual(sampleRun().parts.map((p) => `${p.scanner}:${p.target}`));
  });

  it('fails findings that count toward the gate and skips suppressed or baselined ones', () => {
    const byRule = (ruleId: string) => cases.find((c) => c.attrs.classname === ruleId)!;
    const sql = byRule('js/sql-injection');
    expect(sql.attrs.name).toBe('SQL query built from user input @ src/db/orders.ts:42');
    const failure = sql.children[0]!;
    expect(failure.name).toBe('failure');
    expect(failure.attrs).toEqual({ message: 'SQL query built from user input', type: 'critical' });
    expect(failure.text).toContain('Remediation: Use a parameterised query');
    expect(failure.text).toContain('Location: src/db/orders.ts:42');

    expect(byRule('js/weak-hash').children[0]).toMatchObject({ name: 'skipped', attrs: { message: 'suppressed: Test data only' } });
    expect(byRule('zap/10021').children[0]).toMatchObject({ name: 'skipped', attrs: { message: 'baselined: unchanged since the baseline' } });
    expect(byRule('js/open-redirect').children[0]).toMatchObject({ name: 'skipped', attrs: { message: 'suppressed: marked accepted in the vigil ledger' } });
    // below --fail-on high: reported, passing
    expect(byRule('gdpr/missing-retention').children).toEqual([]);
    expect(byRule('GHSA-jf85-cpcp-j695').children[0]!.name).toBe('failure');
  });

  it('turns failed parts into errors', () => {
    const importSuite = suites.find((s) => s.attrs.name === 'import:shop')!;
    const err = all(importSuite, 'error')[0]!;
    // the BEL character is stripped, the markup characters survive escaping
    expect(err.attrs).toEqual({ message: 'results.sarif:3:7: not valid JSON <&> "quoted"', type: 'failed' });
    const perf = suites.find((s) => s.attrs.name === 'perf:shop-web')!;
    expect(all(perf, 'error')[0]!.attrs.type).toBe('timeout');
  });

  it('keeps hostile text intact apart from forbidden characters', () => {
    const xss = cases.find((c) => c.attrs.classname === 'js/xss')!;
    expect(xss.attrs.name).toBe('Reflected <script>  in ]]> template @ src/views/search.ts:9');
  });

  it('counts a gate failure at low as failures', () => {
    const r = buildReport(sampleRun(), [reported({ scanner: 'code', ruleId: 'r', title: 't', severity: 'low', location: { kind: 'file', path: 'a.ts' } })], 'low', '0.1.0');
    const x = parseXml(writeJunit(r));
    expect(x.attrs.failures).toBe('1');
  });

  it.each([
    ['a & b < c > d', 'a &amp; b &lt; c &gt; d'],
    ['x\u0000y\u001fz\uFFFE', 'xyz'],
    ['emoji 😀 stays', 'emoji 😀 stays'],
    ['lone \uD83D surrogate', 'lone  surrogate'],
  ])('xmlText(%j)', (input, expected) => {
    expect(xmlText(input)).toBe(expected);
  });

  it('xmlAttr keeps quotes and newlines as references', () => {
    expect(xmlAttr(`a"b'c\nd\te`)).toBe('a&quot;b&apos;c&#10;d&#9;e');
  });
});
