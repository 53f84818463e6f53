import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../../../reports/audit/model.js';
import { renderAuditHtml } from '../../../../reports/html/audit.js';
import { SEVERITIES } from '../../../../src/model/severity.js';
import { sampleAuditReport } from '../../../helpers/audit-fixture.js';

// No HTML parser is installed (parse5, htmlparser2, cheerio are not in node_modules), so a strict
// one for the subset this writer emits: every element closed in order, attribute values
// double-quoted, no raw "<" or ">" in text or attributes, every "&" an entity. Anything the writer
// got wrong — an unescaped value above all — breaks one of those rules.

interface El {
  tag: string;
  attrs: Record<string, string>;
  children: (El | string)[];
}

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
const RAW_TEXT = new Set(['style', 'script']);
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

function decode(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ENTITIES[e]!);
}

function checkText(s: string, where: string): void {
  if (/[<>]/.test(s)) throw new Error(`raw < or > in ${where}: ${JSON.stringify(s.slice(0, 80))}`);
  for (const m of s.matchAll(/&/g)) {
    const rest = s.slice(m.index, m.index + 8);
    if (!/^&(amp|lt|gt|quot|#39);/.test(rest)) throw new Error(`bare & in ${where}: ${JSON.stringify(rest)}`);
  }
}

function parseHtml(doc: string): El {
  if (!doc.startsWith('<!DOCTYPE html>\n')) throw new Error('no <!DOCTYPE html> first');
  const root: El = { tag: '#document', attrs: {}, children: [] };
  const stack: El[] = [root];
  let i = '<!DOCTYPE html>'.length;
  const startTag = /<([a-z][a-z0-9-]*)/iy;
  const attr = /\s+([a-zA-Z_:][-a-zA-Z0-9_:.]*)="([^"]*)"/y;
  const tagEnd = /\s*(\/?)>/y;
  const endTag = /<\/([a-z][a-z0-9-]*)>/iy;
  while (i < doc.length) {
    const top = stack[stack.length - 1]!;
    const lt = doc.indexOf('<', i);
    const text = doc.slice(i, lt === -1 ? doc.length : lt);
    if (text) {
      checkText(text, `<${top.tag}> text`);
      top.children.push(decode(text));
    }
    if (lt === -1) break;
    i = lt;
    if (doc.startsWith('<!--', i)) throw new Error('comments are not expected');
    endTag.lastIndex = i;
    const end = endTag.exec(doc);
    if (end) {
      const name = end[1]!.toLowerCase();
      if (top.tag !== name) throw new Error(`</${name}> closes <${top.tag}> at offset ${i}`);
      stack.pop();
      i = endTag.lastIndex;
      continue;
    }
    startTag.lastIndex = i;
    const start = startTag.exec(doc);
    if (!start) throw new Error(`a stray < at offset ${i}: ${JSON.stringify(doc.slice(i, i + 40))}`);
    const el: El = { tag: start[1]!.toLowerCase(), attrs: {}, children: [] };
    let j = startTag.lastIndex;
    for (;;) {
      attr.lastIndex = j;
      const a = attr.exec(doc);
      if (!a) break;
      if (a[1]! in el.attrs) throw new Error(`<${el.tag}> repeats the attribute ${a[1]}`);
      checkText(a[2]!, `<${el.tag} ${a[1]}>`);
      el.attrs[a[1]!] = decode(a[2]!);
      j = attr.lastIndex;
    }
    tagEnd.lastIndex = j;
    const close = tagEnd.exec(doc);
    if (!close) throw new Error(`<${el.tag}> is not closed properly at offset ${j}: ${JSON.stringify(doc.slice(j, j + 40))}`);
    i = tagEnd.lastIndex;
    top.children.push(el);
    if (RAW_TEXT.has(el.tag)) {
      const stop = doc.indexOf(`</${el.tag}>`, i);
      if (stop === -1) throw new Error(`<${el.tag}> never ends`);
      el.children.push(doc.slice(i, stop));
      i = stop + el.tag.length + 3;
    } else if (!VOID.has(el.tag) && close[1] !== '/') stack.push(el);
  }
  if (stack.length !== 1) throw new Error(`unclosed: ${stack.map((e) => e.tag).join(' > ')}`);
  return root;
}

function all(el: El, pred: (e: El) => boolean, out: El[] = []): El[] {
  for (const c of el.children) {
    if (typeof c === 'string') continue;
    if (pred(c)) out.push(c);
    all(c, pred, out);
  }
  return out;
}

const byTag = (root: El, tag: string) => all(root, (e) => e.tag === tag);

function text(el: El): string {
  return el.children.map((c) => (typeof c === 'string' ? c : text(c))).join('');
}

function elements(el: El): El[] {
  return el.children.filter((c): c is El => typeof c !== 'string');
}

const HOSTILE = `<script>alert(1)</script> "quoted" & 'single' <img src=x onerror=alert(2)>`;

/** The fixture with hostile text wherever a scanned target or a person could put some. */
function hostileReport(): AuditReport {
  const r = sampleAuditReport();
  r.openFindings[0]!.title = `Title ${HOSTILE}`;
  r.openFindings[1]!.location = `https://evil.example/${HOSTILE}`;
  r.exceptions[0]!.justification = `Because ${HOSTILE}`;
  r.incidents[0]!.timeline[0]!.detail = `Detail ${HOSTILE}`;
  r.controls[0]!.evidence.push(`Evidence ${HOSTILE}`);
  r.datamap.openByRule[0]!.title = `Rule ${HOSTILE}`;
  r.coverage.changes[0]!.change = `Change ${HOSTILE}`;
  r.scope.targets[1]!.location = 'javascript:alert(3)';
  return r;
}

/** A report of a quiet, empty period: every section has nothing to show. */
function emptyReport(): AuditReport {
  const r = sampleAuditReport({ rows: 0, incidents: false });
  const zero = { open: 0, reopened: 0, triaged: 0, accepted: 0, false_positive: 0, fixed: 0 };
  r.organisation = null;
  r.summary = [];
  r.scope.targets = [];
  r.scope.schedules = [];
  r.coverage = { schedules: [], expected: 0, ran: 0, missed: 0, adHocRuns: 0, changes: [] };
  r.findings = {
    bySeverityStatus: { critical: { ...zero }, high: { ...zero }, medium: { ...zero }, low: { ...zero }, info: { ...zero } },
    trend: [],
    newInPeriod: 0,
    fixedInPeriod: 0,
    total: 0,
  };
  r.sla = { remediated: 0, withinSla: 0, percent: null, overdue: [], days: { critical: 7, high: 30, medium: 90, low: 120, info: null } };
  r.exceptions = [];
  r.controls = [];
  r.datamap = { configured: false, lastRun: null, openBySeverity: { critical: 0, high: 0, medium: 0, low: 0, info: 0 }, openByRule: [] };
  r.figures = {};
  return r;
}

const SECTION_HEADINGS = [
  'Scope: targets',
  'Scope: schedules',
  'Executive summary',
  'Scan coverage against the schedule',
  'Findings by severity and status',
  'SLA performance',
  'Exceptions',
  'Incidents',
  'Control mapping',
  'Data-map status',
  'Availability',
  'Appendix: open findings',
  'Integrity',
];

describe('the well-formedness checker these tests rely on', () => {
  it.each([
    ['a raw <', '<p>a < b</p>'],
    ['a raw >', '<p>a > b</p>'],
    ['a bare &', '<p>fish & chips</p>'],
    ['an unquoted attribute', '<p class=x>y</p>'],
    ['a < in an attribute', '<p title="<b>">y</p>'],
    ['misnested elements', '<div><p>y</div></p>'],
    ['an unclosed element', '<div><p>y</p>'],
    ['a repeated attribute', '<p id="a" id="b">y</p>'],
  ])('rejects %s', (_, bad) => {
    expect(() => parseHtml(`<!DOCTYPE html>\n${bad}`)).toThrow();
  });

  it('accepts void elements, self-closed SVG elements and entities', () => {
    const tree = parseHtml('<!DOCTYPE html>\n<p title="&quot;x&quot;">a &amp; b<br><svg><path d="M0 0"/></svg></p>');
    expect(text(byTag(tree, 'p')[0]!)).toBe('a & b');
    expect(byTag(tree, 'p')[0]?.attrs['title']).toBe('"x"');
  });
});

describe('renderAuditHtml', () => {
  const report = sampleAuditReport();
  const doc = renderAuditHtml(report);
  const root = parseHtml(doc);
  const body = text(byTag(root, 'body')[0]!).replace(/\s+/g, ' ');

  it('says what the PDF says of availability: each probe against its SLO with its chain head, and the last perf run per target', () => {
    expect(body).toContain('2 uptime probes in the period: 1 met their availability SLO, 1 breached it.');
    const section = all(root, (e) => e.tag === 'section' && e.attrs['id'] === 'availability')[0]!;
    const rows = byTag(section, 'tr').map((tr) => elements(tr).map((c) => text(c).replace(/\s+/g, ' ').trim()));
    expect(rows).toContainEqual(['shop-api', 'https://api.example.test/healthz', '129600', '99.930 %', '99.9 %', 'BREACHED', '3', '42 min']);
    expect(rows).toContainEqual(['shop-web', 'https://shop.example.test/', '129600', '100.000 %', '99.9 %', 'met', '0', '–']);
    expect(rows).toContainEqual(['shop-api', 'a1'.repeat(32)]);
    expect(rows).toContainEqual(['shop-api', '1840 ms', '100', '0.4 %', 'over budget (1 break)', expect.stringMatching(/^run-perf-1 /)]);
    const none = renderAuditHtml({ ...report, availability: { configured: [], probes: [], perf: [] } });
    const noneText = text(byTag(parseHtml(none), 'body')[0]!).replace(/\s+/g, ' ');
    expect(noneText).toContain('No uptime probes are configured (vigil.yaml has no uptime probes) and the ledger holds no probe results for the period, so availability was not measured.');
    expect(noneText).toContain('No perf scan ran in the period, so no performance budget was checked.');
  });

  it('is one well-formed HTML5 document in English, with a charset, a title and a CSP that forbids fetching', () => {
    const [htmlEl, ...more] = elements(root);
    expect(more).toEqual([]);
    expect(htmlEl).toMatchObject({ tag: 'html', attrs: { lang: 'en' } });
    expect(elements(htmlEl!).map((e) => e.tag)).toEqual(['head', 'body']);
    const head = byTag(root, 'head')[0]!;
    expect(byTag(head, 'meta')[0]?.attrs).toEqual({ charset: 'utf-8' });
    expect(text(byTag(head, 'title')[0]!)).toBe(report.title);
    const csp = byTag(head, 'meta').find((m) => m.attrs['http-equiv'] === 'Content-Security-Policy');
    expect(csp?.attrs['content']).toBe("default-src 'none'; style-src 'unsafe-inline'");
  });

  it('has every section heading, in the PDF order, Integrity last', () => {
    expect(text(byTag(root, 'h1')[0]!)).toBe(report.title);
    expect(byTag(root, 'h2').map(text)).toEqual(SECTION_HEADINGS);
    const contents = byTag(byTag(root, 'nav')[0]!, 'a').map((a) => a.attrs['href']);
    for (const href of contents) expect(all(root, (e) => `#${e.attrs['id']}` === href), href).toHaveLength(1);
  });

  it('shows the fixture’s figures', () => {
    for (const s of [
      'Example Shop Ltd',
      '2026-09-07 00:00 UTC to 2026-12-06 00:00 UTC (the end is exclusive)',
      '2026-12-06 10:00 UTC',
      '/srv/vigil/.vigil/ledger.db',
      ...report.summary,
      '89 of 90 scheduled scans ran in the period (98.9 %); 1 was missed.',
      '14 ad-hoc runs',
      'Cron 0 2 * * * in UTC: expected 3, ran 2, missed 1.',
      'added: cron "0 2 * * *"',
      '41 findings were new in the period and 37 were fixed; the ledger holds 75 findings in all.',
      '37 findings were remediated in the period; 35 of them within their SLA (94.6 %).',
      'Reachable only from the build script; no user input reaches it.',
      'ciso@example.com',
      'A documented test vector, not a credential.',
      'Incident #1: SQL injection on a personal-data system',
      'Notify the supervisory authority',
      'GDPR Art. 33(1)',
      'gdpr-art33-authority: notified the lead authority',
      'Detection and monitoring of vulnerabilities',
      '94.6 % of findings fixed within SLA (35 of 37).',
      'No personal-data incident in the period.',
      'compliance/controls/iso27001.yaml',
      'gdpr-art30-missing-retention',
      'Transfer without safeguard',
      'run-c',
      report.signingKey.fingerprint,
      'hash chain intact: 4821 events; every finding row matches its events',
      'event 4821',
    ]) {
      expect(body, s).toContain(s);
    }
    // the severity × status matrix: the high row and the column totals
    const matrix = byTag(root, 'table').find((t) => text(byTag(t, 'caption')[0]!).startsWith('Findings by severity'))!;
    const high = byTag(matrix, 'tr').find((tr) => text(tr).startsWith('High'))!;
    expect(elements(high).map(text)).toEqual(['High', '7', '1', '0', '1', '0', '12', '21']);
    expect(elements(byTag(byTag(matrix, 'tfoot')[0]!, 'tr')[0]!).map(text)).toEqual(['Total', '31', '1', '2', '1', '3', '37', '75']);
    // every open finding in the appendix
    const appendix = all(root, (e) => e.attrs['id'] === 'appendix')[0]!;
    expect(byTag(byTag(appendix, 'tbody')[0]!, 'tr')).toHaveLength(report.openFindings.length);
    // each control's status as a word
    const statuses = byTag(all(root, (e) => e.attrs['id'] === 'controls')[0]!, 'span').filter((s) => s.attrs['class']?.startsWith('badge')).map(text);
    expect(statuses).toEqual(['met', 'partial', 'no data']);
  });

  it('highlights a missed slot: the whole row, and the outcome in words', () => {
    const rows = byTag(all(root, (e) => e.attrs['id'] === 'coverage')[0]!, 'tr');
    const missed = rows.filter((tr) => tr.attrs['class'] === 'row-bad');
    expect(missed).toHaveLength(1);
    expect(text(missed[0]!)).toContain('2026-12-04 02:00 UTC');
    expect(text(missed[0]!)).toContain('missed');
    expect(rows.filter((tr) => tr.attrs['class'] === 'row-warn').map(text)[0]).toContain('late');
  });

  it('ends with the integrity section: the full 64-character head hash, the head seq, the verify result and the key; says the HTML is not signed', () => {
    const sections = all(root, (e) => e.tag === 'section' && e.attrs['class'] === 'major');
    const integrity = sections[sections.length - 1]!;
    expect(integrity.attrs['id']).toBe('integrity');
    expect(report.ledger.headHash).toMatch(/^[0-9a-f]{64}$/);
    const hash = byTag(integrity, 'code').find((c) => c.attrs['class'] === 'hash');
    expect(text(hash!)).toBe(report.ledger.headHash);
    const words = text(integrity).replace(/\s+/g, ' ');
    expect(words).toContain('up to and including event 4821');
    expect(words).toContain('Ledger verification at report time: passed');
    expect(words).toContain(report.signingKey.fingerprint);
    expect(words).toContain('(event 3)');
    expect(words).toContain('This HTML page is not signed.');
    expect(words).toContain('The PDF edition of this report carries an Ed25519 signature');
    expect(text(byTag(integrity, 'pre')[0]!)).toBe(report.signingKey.publicKeyPem.trim());
  });

  it('says FAILED when the ledger did not verify', () => {
    const r = sampleAuditReport();
    r.ledger.verified = false;
    r.ledger.verifyDetail = 'event 17 was edited';
    const words = text(parseHtml(renderAuditHtml(r))).replace(/\s+/g, ' ');
    expect(words).toContain('Ledger verification at report time: FAILED — event 17 was edited.');
  });

  it('uses semantic tables: a caption first, column headers in a thead, every th scoped', () => {
    const tables = byTag(root, 'table');
    expect(tables.length).toBeGreaterThan(10);
    for (const t of tables) {
      const kids = elements(t);
      expect(kids[0]?.tag, 'caption first').toBe('caption');
      expect(text(kids[0]!).trim().length).toBeGreaterThan(0);
      expect(kids[1]?.tag).toBe('thead');
      for (const th of byTag(t, 'th')) expect(['col', 'row']).toContain(th.attrs['scope']);
      for (const th of byTag(byTag(t, 'thead')[0]!, 'th')) expect(th.attrs['scope']).toBe('col');
    }
  });

  it('prints on A4: page breaks before major sections, repeated headers, rows kept whole, badge colours kept', () => {
    const css = text(byTag(root, 'style')[0]!);
    const print = css.slice(css.indexOf('@media print'));
    expect(print).toContain('@page { size: A4;');
    expect(print).toContain('section.major { break-before: page; }');
    expect(print).toContain('thead { display: table-header-group; }');
    expect(print).toMatch(/tr, th, td[^{]*\{ break-inside: avoid;/);
    expect(css).toMatch(/\.badge \{[^}]*print-color-adjust: exact;/);
    expect(all(root, (e) => e.tag === 'section' && e.attrs['class'] === 'major')).toHaveLength(11);
  });

  it('draws the trend as an accessible inline SVG: one polyline per severity with data, finite coordinates', () => {
    const svg = all(root, (e) => e.tag === 'svg' && e.attrs['id'] === 'trend-chart')[0]!;
    expect(svg.attrs['role']).toBe('img');
    for (const id of svg.attrs['aria-labelledby']!.split(' ')) expect(all(svg, (e) => e.attrs['id'] === id), id).toHaveLength(1);
    expect(text(byTag(svg, 'title')[0]!)).toBe('Trend of open findings by severity, per day');
    expect(text(byTag(svg, 'desc')[0]!)).toContain('from 2026-09-08 to 2026-12-06');
    const lines = byTag(svg, 'polyline');
    expect(lines.map((l) => l.attrs['data-severity'])).toEqual([...SEVERITIES]);
    for (const l of lines) {
      const points = l.attrs['points']!.split(' ');
      expect(points).toHaveLength(report.findings.trend.length);
      for (const p of points) expect(p).toMatch(/^\d+\.\d,\d+\.\d$/);
    }
    expect(doc).not.toMatch(/NaN|Infinity|undefined|\[object Object\]/);
  });

  it('leaves out the lines of severities with no open finding on any day, and says so', () => {
    const r = sampleAuditReport();
    for (const d of r.findings.trend) {
      d.counts.low = 0;
      d.counts.info = 0;
    }
    const out = parseHtml(renderAuditHtml(r));
    const svg = all(out, (e) => e.attrs['id'] === 'trend-chart')[0]!;
    expect(byTag(svg, 'polyline').map((l) => l.attrs['data-severity'])).toEqual(['critical', 'high', 'medium']);
    expect(text(out)).toContain('No open low, info findings on any day of the period.');
  });

  it('copes with a one-day period and with counts that are not numbers', () => {
    const r = sampleAuditReport();
    r.findings.trend = [{ date: '2026-12-05', counts: { critical: Number.NaN, high: 2, medium: Number.POSITIVE_INFINITY, low: 0, info: 0 } }];
    const out = renderAuditHtml(r);
    const svg = all(parseHtml(out), (e) => e.attrs['id'] === 'trend-chart')[0]!;
    expect(byTag(svg, 'polyline').map((l) => l.attrs['data-severity'])).toEqual(['high']);
    expect(byTag(svg, 'circle')).toHaveLength(1);
    expect(out).not.toMatch(/NaN|Infinity/);
  });

  it('escapes every value from a scanned target: no script, no markup, no URL in any attribute', () => {
    const out = renderAuditHtml(hostileReport());
    const tree = parseHtml(out);
    expect(out).not.toMatch(/<script/i);
    expect(out).not.toMatch(/<img/i);
    expect(byTag(tree, 'script')).toEqual([]);
    expect(byTag(tree, 'img')).toEqual([]);
    const words = text(tree);
    for (const where of ['Title ', 'Because ', 'Detail ', 'Evidence ', 'Rule ', 'Change ', 'https://evil.example/']) expect(words).toContain(`${where}${HOSTILE}`);
    expect(out).toContain('Title &lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; &amp; &#39;single&#39; &lt;img src=x onerror=alert(2)&gt;');
    for (const el of all(tree, () => true)) {
      expect(Object.keys(el.attrs).filter((a) => a === 'src' || a.startsWith('on')), `<${el.tag}>`).toEqual([]);
      for (const v of Object.values(el.attrs)) expect(v, `<${el.tag}>`).not.toMatch(/https?:|javascript:/i);
      if (el.attrs['href'] !== undefined) expect(el.attrs['href']).toMatch(/^#[a-z-]+$/);
    }
  });

  it('fetches nothing and runs nothing', () => {
    expect(doc).not.toMatch(/<script/i);
    expect(doc).not.toMatch(/<(link|img|iframe|object|embed|audio|video|source|base|form)\b/i);
    expect(doc).not.toMatch(/\bsrc=/i);
    expect(doc).not.toMatch(/\son[a-z]+=/i);
    const css = text(byTag(root, 'style')[0]!);
    expect(css).not.toMatch(/@import|url\(/);
    for (const el of all(root, () => true)) for (const v of Object.values(el.attrs)) expect(v).not.toMatch(/https?:\/\//);
  });

  it('gives each empty section its "no data" sentence', () => {
    const out = renderAuditHtml(emptyReport());
    const tree = parseHtml(out);
    const words = text(tree).replace(/\s+/g, ' ');
    expect(byTag(tree, 'h2').map(text)).toEqual(SECTION_HEADINGS);
    for (const s of [
      'not named in the configuration',
      'No targets were configured.',
      'No schedules were configured.',
      'No summary figures were available for the period.',
      'no scheduled scans were due',
      'No schedule was due in the period, so no scheduled scan was expected.',
      '0 ad-hoc runs',
      'No schedule changes were recorded in the ledger.',
      'No findings were open at the end of the period.',
      'No daily trend is available for the period.',
      'No findings were remediated in the period, so there is no SLA percentage to report.',
      'No open finding was past its SLA at the end of the period.',
      'No exceptions were recorded in the period.',
      'No incidents were opened in the period.',
      'No controls were mapped',
      'The data-map scanner is not configured for any target',
    ]) {
      expect(words, s).toContain(s);
    }
    expect(all(tree, (e) => e.attrs['id'] === 'trend-chart')).toEqual([]);
    expect(out).not.toMatch(/NaN|Infinity|undefined|\[object Object\]/);
  });

  it('says when a trend has days but no open finding on any of them, and when the data map has not run', () => {
    const r = emptyReport();
    r.findings.trend = [{ date: '2026-12-01', counts: { critical: 0, high: 0, medium: 0, low: 0, info: 0 } }];
    r.datamap.configured = true;
    const words = text(parseHtml(renderAuditHtml(r))).replace(/\s+/g, ' ');
    expect(words).toContain('No findings were open on any day of the period.');
    expect(words).toContain('no complete data-map run was recorded in the period');
    expect(words).toContain('No data-map findings were open at the end of the period.');
  });

  it('renders the same report to the same text', () => {
    expect(renderAuditHtml(report)).toBe(doc);
  });
});
