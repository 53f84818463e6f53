/**
 * The audit report as one self-contained HTML5 page: the same sections, in the same order, as the
 * signed PDF (reports/pdf/audit.ts) — cover, executive summary, scan coverage, findings, SLA,
 * exceptions, incidents, control mapping, data map, the open-findings appendix and integrity.
 * Nothing is fetched (inline CSS and SVG only, a CSP that forbids the rest), nothing runs (no
 * script), and every value is escaped: titles, justifications and locations come from scanned
 * targets. `@media print` lays it out for A4. The page is not signed; the PDF is.
 */
import { SEVERITIES, type Severity } from '../../src/model/severity.js';
import {
  FINDING_STATUSES,
  type AuditFindingRow,
  type AuditFindings,
  type AuditIncident,
  type AuditReport,
  type ControlResult,
  type ControlStatus,
  type SloVerdict,
} from '../audit/model.js';
import { CONTROL_LABEL, SEVERITY_LABEL, STATUS_LABEL, formatAvailability } from '../audit/labels.js';

// ---------- escaping: every interpolated value is text unless it is already Html ----------

/** Markup this file built; anything else interpolated into `html` is escaped. */
class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as safe HTML text or attribute value; C0 controls (not allowed in HTML) become U+FFFD. */
function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '\uFFFD');
}

type Part = Html | string | number | null | undefined | readonly Part[];

function part(v: Part): string {
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return (v as readonly Part[]).map(part).join('');
  if (v === null || v === undefined) return '';
  return escapeHtml(String(v));
}

/** A template whose values are escaped, except Html made here. */
function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += part(v) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

// ---------- formatting, as the PDF formats ----------

/** An ISO time as `YYYY-MM-DD HH:MM UTC` in a <time>; a missing one as an en dash. */
function time(iso: string | null | undefined): Html {
  if (!iso) return html`–`;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return html`${iso}`;
  const s = d.toISOString();
  return html`<time datetime="${s}">${s.slice(0, 10)} ${s.slice(11, 16)} UTC</time>`;
}

function date(iso: string | null | undefined): Html {
  if (!iso) return html`–`;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return html`${iso}`;
  const s = d.toISOString().slice(0, 10);
  return html`<time datetime="${s}">${s}</time>`;
}

function percent(p: number): string {
  return Number.isFinite(p) ? `${(Math.round(p * 10) / 10).toFixed(1)} %` : '–';
}

function count(n: number): number {
  return Number.isFinite(n) ? n : 0;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

const CONTROL_TONE: Record<ControlStatus, Tone> = { met: 'good', partial: 'warn', 'not-met': 'bad', 'no-data': 'none' };
type Tone = 'good' | 'warn' | 'bad' | 'none' | 'open';
const OUTCOME_TONE: Record<string, Tone> = { ran: 'good', done: 'good', met: 'good', late: 'warn', waived: 'none', open: 'open', missed: 'bad', failed: 'bad', overdue: 'bad' };

/** The PDF's severity colours; the dash patterns tell the lines apart without colour. */
const SEVERITY_COLOUR: Record<Severity, string> = { critical: '#7f1d1d', high: '#dc2626', medium: '#ea8a0c', low: '#2563eb', info: '#6b7280' };
const SEVERITY_DASH: Record<Severity, string> = { critical: '', high: '8 4', medium: '2 3', low: '10 3 2 3', info: '4 4' };

/** Statuses that count as still open at the end of the period (model: open, reopened, triaged). */
const OPEN_STATUSES = ['open', 'reopened', 'triaged'] as const;

function sev(s: Severity): Html {
  return html`<span class="badge sev-${s}">${SEVERITY_LABEL[s] ?? s}</span>`;
}

function outcome(o: string): Html {
  return html`<span class="badge tone-${OUTCOME_TONE[o] ?? 'none'}">${o}</span>`;
}

function para(text: Part, cls?: string): Html {
  return cls ? html`<p class="${cls}">${text}</p>` : html`<p>${text}</p>`;
}

// ---------- tables ----------

interface Col {
  header: string;
  num?: boolean;
}

/** A table with a caption, column headers and, when `rowHeader`, the first cell of each row as its header. */
function table(opts: { caption: string; cols: Col[]; rows: Part[][]; rowClass?: (i: number) => string | undefined; rowHeader?: boolean; foot?: Part[]; cls?: string }): Html {
  const cell = (c: Col | undefined, v: Part, j: number, tag: 'td' | 'th' = 'td'): Html => {
    const header = tag === 'th' || (opts.rowHeader === true && j === 0);
    const cls = c?.num ? html` class="num"` : html``;
    return header ? html`<th scope="row"${cls}>${v}</th>` : html`<td${cls}>${v}</td>`;
  };
  const head = opts.cols.map((c) => html`<th scope="col"${c.num ? html` class="num"` : html``}>${c.header}</th>`);
  const body = opts.rows.map((r, i) => {
    const cls = opts.rowClass?.(i);
    return html`<tr${cls ? html` class="${cls}"` : html``}>${r.map((v, j) => cell(opts.cols[j], v, j))}</tr>\n`;
  });
  const foot = opts.foot ? html`<tfoot><tr>${opts.foot.map((v, j) => cell(opts.cols[j], v, j, j === 0 ? 'th' : 'td'))}</tr></tfoot>\n` : html``;
  return html`<div class="wrap"><table${opts.cls ? html` class="${opts.cls}"` : html``}>
<caption>${opts.caption}</caption>
<thead><tr>${head}</tr></thead>
<tbody>
${body}</tbody>
${foot}</table></div>
`;
}

/** A major section: its own page in print, linked from the contents. */
function section(id: string, title: string, content: Part): Html {
  return html`<section class="major" id="${id}" aria-labelledby="${id}-h">
<h2 id="${id}-h">${title}</h2>
${content}
</section>
`;
}

const SECTIONS: [string, string][] = [
  ['summary', 'Executive summary'],
  ['coverage', 'Scan coverage against the schedule'],
  ['findings', 'Findings by severity and status'],
  ['sla', 'SLA performance'],
  ['exceptions', 'Exceptions'],
  ['incidents', 'Incidents'],
  ['controls', 'Control mapping'],
  ['datamap', 'Data-map status'],
  ['availability', 'Availability'],
  ['appendix', 'Appendix: open findings'],
  ['integrity', 'Integrity'],
];

function title(id: string): string {
  return SECTIONS.find(([k]) => k === id)?.[1] ?? id;
}

// ---------- the document ----------

/** Render the audit report as one self-contained, unsigned HTML5 document. */
export function renderAuditHtml(report: AuditReport): string {
  const r = report;
  const body = [cover(r), executiveSummary(r), coverage(r), findings(r), sla(r), exceptions(r), incidents(r), controls(r), datamap(r), availability(r), appendix(r), integrity(r)];
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="vigil">
<meta name="referrer" content="no-referrer">
<title>${r.title}</title>
<style>
${new Html(CSS)}</style>
</head>
<body>
<main>
${body}</main>
</body>
</html>
`.text;
}

function cover(r: AuditReport): Html {
  const targets = r.scope.targets.length
    ? table({
        caption: 'Targets vigil was asked to watch',
        cols: [{ header: 'Target' }, { header: 'Kind' }, { header: 'Location' }, { header: 'Scanners' }],
        rows: r.scope.targets.map((t) => [t.name, t.kind, html`<code>${t.location}</code>`, t.scanners.join(', ') || '–']),
        rowHeader: true,
      })
    : para('No targets were configured.');
  const schedules = r.scope.schedules.length
    ? table({
        caption: 'Schedules that ran the scans',
        cols: [{ header: 'Schedule' }, { header: 'Cron' }, { header: 'Time zone' }, { header: 'Targets' }, { header: 'Scanners' }],
        rows: r.scope.schedules.map((s) => [s.name, html`<code>${s.cron}</code>`, s.timezone ?? 'UTC', s.targets.join(', ') || '–', s.scanners.join(', ') || '–']),
        rowHeader: true,
      })
    : para('No schedules were configured.');
  return html`<header class="cover" id="cover">
<p class="kicker">Security scanning and compliance audit</p>
<h1>${r.title}</h1>
<dl class="facts">
<dt>Organisation</dt><dd>${r.organisation ?? 'not named in the configuration'}</dd>
<dt>Period</dt><dd>${time(r.period.from)} to ${time(r.period.to)} (the end is exclusive)</dd>
<dt>Generated at</dt><dd>${time(r.generatedAt)}</dd>
<dt>Ledger</dt><dd><code>${r.scope.ledger}</code></dd>
<dt>Ledger head</dt><dd>event ${r.ledger.headSeq}</dd>
</dl>
<nav class="toc" aria-label="Contents"><p class="toc-title">Contents</p><ol>
${SECTIONS.map(([id, t]) => html`<li><a href="#${id}">${t}</a></li>\n`)}</ol></nav>
<section aria-labelledby="scope-targets"><h2 id="scope-targets">Scope: targets</h2>
${targets}</section>
<section aria-labelledby="scope-schedules"><h2 id="scope-schedules">Scope: schedules</h2>
${schedules}</section>
</header>
`;
}

function openCount(f: AuditFindings, s: Severity): number {
  const row = f.bySeverityStatus[s];
  return row ? OPEN_STATUSES.reduce((n, st) => n + count(row[st] ?? 0), 0) : 0;
}

function tile(value: string, label: string, tone: Tone = 'open'): Html {
  return html`<li class="tile tone-${tone}"><span class="tile-value">${value}</span> <span class="tile-label">${label}</span></li>\n`;
}

function executiveSummary(r: AuditReport): Html {
  const c = r.coverage;
  const openTotal = SEVERITIES.reduce((n, s) => n + openCount(r.findings, s), 0);
  const openIncidents = r.incidents.filter((i) => i.status === 'open').length;
  const statements = r.summary.length ? html`<ul class="statements">\n${r.summary.map((s) => html`<li>${s}</li>\n`)}</ul>` : para('No summary figures were available for the period.');
  const tiles = [
    c.expected > 0
      ? tile(percent((c.ran / c.expected) * 100), `of scheduled scans ran (${c.ran} of ${c.expected})`, c.missed ? 'warn' : 'good')
      : tile('–', 'no scheduled scans were due', 'none'),
    tile(String(c.missed), 'scheduled scans missed', c.missed ? 'bad' : 'good'),
    tile(`${r.findings.newInPeriod} / ${r.findings.fixedInPeriod}`, 'findings new / fixed in the period'),
    r.sla.percent === null
      ? tile('–', 'no findings were remediated', 'none')
      : tile(percent(r.sla.percent), `fixed within SLA (${r.sla.withinSla} of ${r.sla.remediated})`, r.sla.percent >= 90 ? 'good' : 'warn'),
    tile(String(openTotal), 'findings open at the end of the period'),
    tile(String(r.sla.overdue.length), 'open findings past their SLA', r.sla.overdue.length ? 'bad' : 'good'),
    tile(String(r.incidents.length), `incidents opened (${openIncidents} still open)`, openIncidents ? 'bad' : 'open'),
    tile(r.ledger.verified ? 'intact' : 'FAILED', 'ledger hash chain at report time', r.ledger.verified ? 'good' : 'bad'),
  ];
  return section(
    'summary',
    title('summary'),
    html`${statements}
<h3>Key figures</h3>
<ul class="tiles">
${tiles}</ul>
${controlTally(r.controls)}`,
  );
}

function controlTally(controls: readonly ControlResult[]): Html {
  if (!controls.length) return html``;
  const n = (s: ControlStatus) => controls.filter((c) => c.status === s).length;
  return para(`Mapped controls: ${n('met')} met, ${n('partial')} partial, ${n('not-met')} not met, ${n('no-data')} without data in the period (details under Control mapping).`);
}

function coverage(r: AuditReport): Html {
  const c = r.coverage;
  const lead =
    c.expected === 0 && c.schedules.length === 0
      ? para('No schedule was due in the period, so no scheduled scan was expected.')
      : para(`${c.ran} of ${c.expected} scheduled scans ran in the period${c.expected ? ` (${percent((c.ran / c.expected) * 100)})` : ''}; ${c.missed} ${c.missed === 1 ? 'was' : 'were'} missed.`);
  const schedules = c.schedules.map((s) => {
    const slots = s.slots.length
      ? table({
          caption: `Every time schedule ${s.name} was due in the period; missed and failed runs are highlighted`,
          cols: [{ header: 'Due' }, { header: 'Outcome' }, { header: 'Run' }, { header: 'Started' }, { header: 'Run status' }],
          rows: s.slots.map((slot) => [time(slot.due), outcome(slot.outcome), slot.runId ? html`<code>${slot.runId}</code>` : '–', time(slot.startedAt), slot.status ?? '–']),
          rowHeader: true,
          // a missed or failed slot is what an auditor looks for: the whole row stands out
          rowClass: (i) => {
            const o = s.slots[i]?.outcome;
            return o === 'missed' || o === 'failed' ? 'row-bad' : o === 'late' ? 'row-warn' : undefined;
          },
        })
      : para('The schedule was not due in the period.', 'note');
    return html`<h3>Schedule ${s.name}</h3>
${para(html`Cron <code>${s.cron}</code> in ${s.timezone ?? 'UTC'}: expected ${s.expected}, ran ${s.ran}, missed ${s.missed}.`)}
${slots}`;
  });
  const changes = c.changes.length
    ? table({
        caption: 'Schedule changes recorded in the ledger',
        cols: [{ header: 'At' }, { header: 'Actor' }, { header: 'Schedule' }, { header: 'Change' }],
        rows: c.changes.map((ch) => [time(ch.at), ch.actor ?? 'system', ch.schedule, ch.change]),
      })
    : para('No schedule changes were recorded in the ledger.');
  return section(
    'coverage',
    title('coverage'),
    html`${lead}
${para(`${plural(c.adHocRuns, 'ad-hoc run')} (CLI or CI scans no schedule asked for) ran in the period.`)}
${schedules}<h3>Schedule changes</h3>
${changes}`,
  );
}

function findings(r: AuditReport): Html {
  const f = r.findings;
  const rows: Part[][] = SEVERITIES.map((s) => {
    const counts = FINDING_STATUSES.map((st) => count(f.bySeverityStatus[s]?.[st] ?? 0));
    return [sev(s), ...counts, html`<strong>${counts.reduce((a, b) => a + b, 0)}</strong>`];
  });
  const colTotals = FINDING_STATUSES.map((st) => SEVERITIES.reduce((n, s) => n + count(f.bySeverityStatus[s]?.[st] ?? 0), 0));
  const matrix = table({
    caption: 'Findings by severity and current status at the end of the period',
    cols: [{ header: 'Severity' }, ...FINDING_STATUSES.map((st) => ({ header: STATUS_LABEL[st], num: true })), { header: 'Total', num: true }],
    rows,
    rowHeader: true,
    foot: ['Total', ...colTotals, colTotals.reduce((a, b) => a + b, 0)],
  });
  return section(
    'findings',
    title('findings'),
    html`${para(`${plural(f.newInPeriod, 'finding was', 'findings were')} new in the period and ${f.fixedInPeriod} ${f.fixedInPeriod === 1 ? 'was' : 'were'} fixed; the ledger holds ${plural(f.total, 'finding')} in all. Counts are as of the end of the period.`)}
${matrix}<h3>Open findings by severity at the end of the period</h3>
${openBars(f)}
<h3>Trend of open findings by severity, per day</h3>
${trendChart(f.trend)}`,
  );
}

/** Coordinates with one decimal: short, and never NaN (callers pass finite numbers). */
function xy(n: number): string {
  return (Math.round(n * 10) / 10).toFixed(1);
}

/** Horizontal bars of open findings per severity, with the numbers written beside them. */
function openBars(f: AuditFindings): Html {
  const values = SEVERITIES.map((s) => ({ s, v: openCount(f, s) }));
  if (values.every((x) => x.v === 0)) return para('No findings were open at the end of the period.');
  const max = Math.max(...values.map((x) => x.v));
  const W = 560;
  const rowH = 26;
  const labelW = 80;
  const barW = W - labelW - 60;
  const alt = `Open findings by severity at the end of the period: ${values.map((x) => `${SEVERITY_LABEL[x.s]} ${x.v}`).join(', ')}.`;
  const bars = values.map(({ s, v }, i) => {
    const y = 6 + i * rowH;
    const w = max > 0 ? (v / max) * barW : 0;
    return html`<text x="${xy(labelW - 8)}" y="${xy(y + 14)}" text-anchor="end">${SEVERITY_LABEL[s]}</text><rect x="${labelW}" y="${xy(y + 2)}" width="${xy(w)}" height="16" fill="${SEVERITY_COLOUR[s]}"></rect><text x="${xy(labelW + w + 6)}" y="${xy(y + 14)}">${v}</text>\n`;
  });
  return html`<figure class="chart">
<svg class="chart bars" viewBox="0 0 ${W} ${6 + SEVERITIES.length * rowH + 6}" role="img" aria-labelledby="bars-title">
<title id="bars-title">${alt}</title>
${bars}</svg>
</figure>`;
}

/** A nice axis: a step of 1, 2 or 5 × 10ⁿ (at least 1: these are counts) and the top it reaches. */
function niceScale(max: number): { step: number; top: number } {
  if (!(max > 0)) return { step: 1, top: 1 };
  const rough = max / 4;
  const mag = 10 ** Math.floor(Math.log10(rough));
  const norm = rough / mag;
  const step = Math.max(1, (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag);
  return { step, top: Math.ceil(max / step) * step };
}

/** One line per severity that had open findings on some day; vector, labelled, with a legend in words. */
function trendChart(trend: AuditFindings['trend']): Html {
  const days = [...trend].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  if (!days.length) return para('No daily trend is available for the period.');
  const series = SEVERITIES.map((s) => ({ s, values: days.map((d) => count(d.counts[s] ?? 0)) })).filter((x) => x.values.some((v) => v > 0));
  if (!series.length) return para('No findings were open on any day of the period.');

  const W = 760;
  const H = 300;
  const pad = { left: 48, right: 16, top: 14, bottom: 42 };
  const plotW = W - pad.left - pad.right;
  const plotH = H - pad.top - pad.bottom;
  const { step, top } = niceScale(Math.max(...series.flatMap((x) => x.values)));
  const x = (i: number) => pad.left + (days.length === 1 ? plotW / 2 : (i / (days.length - 1)) * plotW);
  const y = (v: number) => pad.top + plotH - (v / top) * plotH;

  const grid: Html[] = [];
  for (let v = 0; v <= top; v += step) {
    grid.push(html`<line class="grid" x1="${pad.left}" y1="${xy(y(v))}" x2="${W - pad.right}" y2="${xy(y(v))}"></line><text class="tick" x="${pad.left - 6}" y="${xy(y(v) + 4)}" text-anchor="end">${v}</text>\n`);
  }
  const tickCount = Math.min(6, days.length);
  const tickIdx = [...new Set(Array.from({ length: tickCount }, (_, k) => (tickCount === 1 ? 0 : Math.round((k * (days.length - 1)) / (tickCount - 1)))))];
  const xTicks = tickIdx.map((i) => {
    const anchor = days.length > 1 && i === 0 ? 'start' : days.length > 1 && i === days.length - 1 ? 'end' : 'middle';
    return html`<line class="axis" x1="${xy(x(i))}" y1="${H - pad.bottom}" x2="${xy(x(i))}" y2="${H - pad.bottom + 5}"></line><text class="tick" x="${xy(x(i))}" y="${H - pad.bottom + 18}" text-anchor="${anchor}">${days[i]!.date}</text>\n`;
  });
  const lines = series.map(({ s, values }) => {
    const points = values.map((v, i) => `${xy(x(i))},${xy(y(v))}`).join(' ');
    const dash = SEVERITY_DASH[s] ? html` stroke-dasharray="${SEVERITY_DASH[s]}"` : html``;
    // a single day has no line to draw: a dot shows it
    const dot = values.length === 1 ? html`<circle cx="${xy(x(0))}" cy="${xy(y(values[0]!))}" r="3" fill="${SEVERITY_COLOUR[s]}"></circle>` : html``;
    return html`<polyline class="series" data-severity="${s}" points="${points}" fill="none" stroke="${SEVERITY_COLOUR[s]}" stroke-width="${s === 'critical' ? 2.5 : 2}"${dash}><title>${SEVERITY_LABEL[s]}</title></polyline>${dot}\n`;
  });
  const first = days[0]!;
  const last = days[days.length - 1]!;
  const lastCounts = SEVERITIES.map((s) => `${SEVERITY_LABEL[s]} ${count(last.counts[s] ?? 0)}`).join(', ');
  const desc = `Lines of open findings per severity at the end of each day from ${first.date} to ${last.date}; on the last day: ${lastCounts}.`;
  const legend = series.map(({ s, values }) => {
    const peak = Math.max(...values);
    const dash = SEVERITY_DASH[s] ? html` stroke-dasharray="${SEVERITY_DASH[s]}"` : html``;
    return html`<li><svg class="swatch" width="30" height="10" viewBox="0 0 30 10" aria-hidden="true"><line x1="0" y1="5" x2="30" y2="5" stroke="${SEVERITY_COLOUR[s]}" stroke-width="2.5"${dash}></line></svg> ${SEVERITY_LABEL[s]}: ${values[values.length - 1]} on the last day, at most ${peak}</li>\n`;
  });
  const none = SEVERITIES.filter((s) => !series.some((x) => x.s === s));
  return html`<figure class="chart">
<svg class="chart trend" id="trend-chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="trend-title trend-desc">
<title id="trend-title">Trend of open findings by severity, per day</title>
<desc id="trend-desc">${desc}</desc>
${grid}<line class="axis" x1="${pad.left}" y1="${H - pad.bottom}" x2="${W - pad.right}" y2="${H - pad.bottom}"></line>
${xTicks}${lines}</svg>
<figcaption><ul class="legend">
${legend}</ul>${none.length ? para(`No open ${none.map((s) => SEVERITY_LABEL[s].toLowerCase()).join(', ')} findings on any day of the period.`, 'note') : html``}</figcaption>
</figure>`;
}

function findingTable(rows: readonly AuditFindingRow[], caption: string): Html {
  return table({
    caption,
    cols: [{ header: 'ID' }, { header: 'Severity' }, { header: 'Status' }, { header: 'Title' }, { header: 'Target' }, { header: 'Location' }, { header: 'First seen' }, { header: 'SLA due' }],
    rows: rows.map((f) => [`#${f.id}`, sev(f.severity), f.status.replace('_', ' '), f.title, f.target, html`<code>${f.location}</code>`, date(f.firstSeen), date(f.slaDue)]),
    rowHeader: true,
    cls: 'findings',
  });
}

function sla(r: AuditReport): Html {
  const s = r.sla;
  const lead =
    s.percent === null
      ? para('No findings were remediated in the period, so there is no SLA percentage to report.')
      : para(`${plural(s.remediated, 'finding was', 'findings were')} remediated in the period; ${s.withinSla} of them within their SLA (${percent(s.percent)}).`);
  const days = table({
    caption: 'Days allowed to remediate a finding, by severity',
    cols: [{ header: 'Severity' }, { header: 'Days to remediate', num: true }],
    rows: SEVERITIES.map((sv) => [sev(sv), s.days[sv] === null || s.days[sv] === undefined ? 'no SLA' : s.days[sv]]),
    rowHeader: true,
  });
  const end = new Date(r.period.to).getTime();
  const overdue = s.overdue.length
    ? table({
        caption: 'Findings open past their SLA due date at the end of the period',
        cols: [{ header: 'ID' }, { header: 'Severity' }, { header: 'Title' }, { header: 'Target' }, { header: 'SLA due' }, { header: 'Days overdue', num: true }],
        rows: s.overdue.map((f) => {
          const due = f.slaDue ? new Date(f.slaDue).getTime() : Number.NaN;
          const late = Number.isFinite(due) && Number.isFinite(end) ? String(Math.max(0, Math.floor((end - due) / 86_400_000))) : '–';
          return [`#${f.id}`, sev(f.severity), f.title, f.target, date(f.slaDue), html`<strong class="bad">${late}</strong>`];
        }),
        rowHeader: true,
      })
    : para('No open finding was past its SLA at the end of the period.');
  return section('sla', title('sla'), html`${lead}\n<h3>SLA days per severity</h3>\n${days}<h3>Open findings past their SLA</h3>\n${overdue}`);
}

function exceptions(r: AuditReport): Html {
  if (!r.exceptions.length) return section('exceptions', title('exceptions'), para('No exceptions were recorded in the period.'));
  const accepted = r.exceptions.filter((e) => e.status === 'accepted').length;
  return section(
    'exceptions',
    title('exceptions'),
    html`${para(`${plural(accepted, 'accepted risk')} and ${plural(r.exceptions.length - accepted, 'false positive')} were decided in the period.`)}
${table({
  caption: 'Findings accepted as a risk or marked false positive, with who decided and why',
  cols: [{ header: 'Finding' }, { header: 'Severity' }, { header: 'Decision' }, { header: 'Justification' }, { header: 'Approver' }, { header: 'Expires' }, { header: 'Decided' }],
  rows: r.exceptions.map((e) => [
    html`#${e.findingId} ${e.title} <span class="note">(${e.target})</span>`,
    sev(e.severity),
    e.status === 'accepted' ? 'accepted risk' : 'false positive',
    e.justification,
    e.approver ?? '–',
    e.expires ? date(e.expires) : e.status === 'accepted' ? 'never' : '–',
    html`${time(e.decidedAt)} by ${e.decidedBy ?? 'unknown'}`,
  ]),
  rowHeader: true,
})}`,
  );
}

function incident(inc: AuditIncident): Html {
  const id = `incident-${inc.id}`;
  const steps = inc.steps.length
    ? table({
        caption: `Runbook steps of incident #${inc.id}`,
        cols: [{ header: 'Step' }, { header: 'Phase' }, { header: 'Owner' }, { header: 'Due' }, { header: 'Done' }, { header: 'Outcome' }],
        rows: inc.steps.map((s) => [s.title, s.phase, s.owner, time(s.due), time(s.doneAt), outcome(s.outcome)]),
        rowHeader: true,
        rowClass: (i) => (inc.steps[i]?.outcome === 'overdue' ? 'row-bad' : inc.steps[i]?.outcome === 'late' ? 'row-warn' : undefined),
      })
    : para('The runbook has no steps.');
  const clocks = inc.clocks.length
    ? table({
        caption: `Legal clocks of incident #${inc.id}`,
        cols: [{ header: 'Clock' }, { header: 'Law' }, { header: 'Due' }, { header: 'Met' }, { header: 'Outcome' }],
        rows: inc.clocks.map((c) => [c.title, c.law, time(c.due), c.waived ? 'waived' : time(c.metAt), outcome(c.outcome)]),
        rowHeader: true,
        rowClass: (i) => (inc.clocks[i]?.outcome === 'overdue' ? 'row-bad' : inc.clocks[i]?.outcome === 'late' ? 'row-warn' : undefined),
      })
    : para('The runbook has no clocks.');
  const timeline = inc.timeline.length
    ? table({
        caption: `Timeline of incident #${inc.id}`,
        cols: [{ header: 'At' }, { header: 'Actor' }, { header: 'Action' }, { header: 'Detail' }],
        rows: inc.timeline.map((t) => [time(t.at), t.actor ?? 'vigil', t.action, t.detail]),
        rowHeader: true,
      })
    : para('No events were recorded.');
  return html`<article class="incident" id="${id}" aria-labelledby="${id}-h">
<h3 id="${id}-h">Incident #${inc.id}: ${inc.title}</h3>
<dl class="facts">
<dt>Runbook</dt><dd>${inc.runbookTitle} (<code>${inc.runbook}</code>)</dd>
<dt>Severity</dt><dd>${sev(inc.severity)}</dd>
<dt>Status</dt><dd><span class="badge tone-${inc.status === 'resolved' ? 'good' : 'bad'}">${inc.status}</span></dd>
<dt>Opened</dt><dd>${time(inc.openedAt)}</dd>
<dt>Aware</dt><dd>${time(inc.awareAt)}</dd>
<dt>Resolved</dt><dd>${inc.resolvedAt ? time(inc.resolvedAt) : 'not resolved'}</dd>
<dt>Finding</dt><dd>${inc.findingId === null ? 'none' : `#${inc.findingId}`}</dd>
</dl>
<h4>Steps</h4>
${steps}<h4>Clocks</h4>
${clocks}<h4>Timeline</h4>
${timeline}</article>
`;
}

function incidents(r: AuditReport): Html {
  if (!r.incidents.length) return section('incidents', title('incidents'), para('No incidents were opened in the period.'));
  const open = r.incidents.filter((i) => i.status === 'open').length;
  return section('incidents', title('incidents'), html`${para(`${plural(r.incidents.length, 'incident')} in the period; ${open} still open at its end.`)}\n${r.incidents.map(incident)}`);
}

function controls(r: AuditReport): Html {
  if (!r.controls.length) return section('controls', title('controls'), para('No controls were mapped: compliance/controls/ held no mapping when the report was made.'));
  const n = (s: ControlStatus) => r.controls.filter((c) => c.status === s).length;
  const frameworks = [...new Set(r.controls.map((c) => c.framework))];
  const tables = frameworks.map((fw) => {
    const rows = r.controls.filter((c) => c.framework === fw);
    return html`<h3>${fw}</h3>
${table({
  caption: `${fw}: each control's status, computed from the period's figures`,
  cols: [{ header: 'Control' }, { header: 'Title' }, { header: 'Status' }, { header: 'Evidence' }],
  rows: rows.map((c) => [
    c.id,
    html`${c.title}<br><span class="note">${c.source}</span>`,
    html`<span class="badge tone-${CONTROL_TONE[c.status]}">${CONTROL_LABEL[c.status]}</span>`,
    c.evidence.length ? html`<ul class="evidence">${c.evidence.map((e) => html`<li>${e}</li>`)}</ul>` : 'no evidence recorded',
  ]),
  rowHeader: true,
  cls: 'controls',
})}`;
  });
  return section(
    'controls',
    title('controls'),
    html`${para(`${plural(r.controls.length, 'control')}: ${n('met')} met, ${n('partial')} partial, ${n('not-met')} not met, ${n('no-data')} without data in the period.`)}
${para('A status is computed from the ledger figures named in each control’s evidence: met when every check passes, partial when some do, not met when none with data does, no data when no check had a figure to judge. It is the evidence vigil holds, not an auditor’s opinion.', 'note')}
${tables}`,
  );
}

function datamap(r: AuditReport): Html {
  const d = r.datamap;
  if (!d.configured) {
    return section('datamap', title('datamap'), para('The data-map scanner is not configured for any target, so GDPR/CCPA data-map checks were not run in the period.'));
  }
  const lead = d.lastRun
    ? para(html`The last complete data-map run was <code>${d.lastRun.runId}</code> at ${time(d.lastRun.at)} (${d.lastRun.status}).`)
    : para('The data-map scanner is configured, but no complete data-map run was recorded in the period.');
  const total = SEVERITIES.reduce((n, s) => n + count(d.openBySeverity[s] ?? 0), 0);
  let open: Html;
  if (total === 0 && d.openByRule.length === 0) open = para('No data-map findings were open at the end of the period.');
  else {
    open = html`${table({
      caption: 'Open data-map findings by severity',
      cols: SEVERITIES.map((s) => ({ header: SEVERITY_LABEL[s], num: true })),
      rows: [SEVERITIES.map((s) => count(d.openBySeverity[s] ?? 0))],
    })}${
      d.openByRule.length
        ? table({
            caption: 'Open data-map findings by rule, most first',
            cols: [{ header: 'Rule' }, { header: 'Title' }, { header: 'Open', num: true }],
            rows: d.openByRule.map((x) => [html`<code>${x.ruleId}</code>`, x.title, x.count]),
            rowHeader: true,
          })
        : html``
    }`;
  }
  return section('datamap', title('datamap'), html`${lead}\n<h3>Open data-map findings</h3>\n${open}`);
}

/** Uptime probes against their SLOs (with each probe's chain head) and the last perf run per target: what the PDF's section says. */
function availability(r: AuditReport): Html {
  const a = r.availability;
  let probes: Html;
  if (a.probes.length === 0) {
    probes = para('No uptime probes are configured (vigil.yaml has no uptime probes) and the ledger holds no probe results for the period, so availability was not measured.');
  } else {
    const n = (v: SloVerdict) => a.probes.filter((p) => p.verdict === v).length;
    const verdict = (v: SloVerdict) => (v === 'met' ? outcome('met') : v === 'breached' ? html`<strong class="bad">BREACHED</strong>` : html`<strong>no checks</strong>`);
    probes = html`${para(
      `${plural(a.probes.length, 'uptime probe')} in the period: ${n('met')} met ${a.probes.length === 1 ? 'its' : 'their'} availability SLO, ${n('breached')} breached it${n('no-data') ? `, ${n('no-data')} made no check` : ''}. Availability is the share of checks that passed, rounded down.`,
    )}${table({
      caption: 'Availability by probe in the period',
      cols: [{ header: 'Probe' }, { header: 'URL' }, { header: 'Checks', num: true }, { header: 'Availability', num: true }, { header: 'SLO', num: true }, { header: 'Verdict' }, { header: 'Outages', num: true }, { header: 'Longest outage', num: true }],
      rows: a.probes.map((p) => [
        p.configured ? p.probe : `${p.probe} (no longer configured)`,
        html`<code>${p.url || '–'}</code>`,
        count(p.checks),
        formatAvailability(p.availabilityPct),
        `${p.sloPct} %`,
        verdict(p.verdict),
        count(p.outages),
        p.outages ? `${Math.round(p.longestOutageMinutes)} min` : '–',
      ]),
      rowHeader: true,
    })}
<h3>Probe chain heads</h3>
${para("Every probe result is chained to the one before it (SHA-256); each probe's head is anchored in the ledger's event chain, which vigil ledger verify checks.")}${table({
      caption: "Each probe's chain head at the end of the period",
      cols: [{ header: 'Probe' }, { header: 'Chain head (SHA-256)' }],
      rows: a.probes.map((p) => [p.probe, html`<code>${p.chainHead ?? 'no result in the period'}</code>`]),
      rowHeader: true,
    })}`;
  }
  const perf = a.perf.length
    ? table({
        caption: 'The last perf run of each target in the period, at 10 times the expected load',
        cols: [{ header: 'Target' }, { header: 'p95', num: true }, { header: 'Connections', num: true }, { header: 'Errors', num: true }, { header: 'Verdict' }, { header: 'Run' }],
        rows: a.perf.map((p) => [
          p.target,
          p.p95Ms === null ? '–' : `${Math.round(p.p95Ms)} ms`,
          p.connections ?? '–',
          p.errorRatePct === null ? '–' : `${p.errorRatePct} %`,
          p.verdict === 'over budget' ? html`<strong class="bad">over budget (${plural(p.breaks, 'break')})</strong>` : !p.healthOk ? 'not measured: the health check failed' : p.verdict,
          html`<code>${p.runId}</code> ${time(p.at)}`,
        ]),
        rowHeader: true,
      })
    : para('No perf scan ran in the period, so no performance budget was checked.');
  const shared = a.perf.some((p) => p.sharedCores) ? para('Where the target was on the scanning machine, the load generator shared its cores with the server: those figures understate what the server alone can do.') : html``;
  return section('availability', title('availability'), html`${probes}\n<h3>Performance budgets</h3>\n${perf}${shared}`);
}

function appendix(r: AuditReport): Html {
  if (!r.openFindings.length) return section('appendix', title('appendix'), para('No findings were open at the end of the period.'));
  return section(
    'appendix',
    title('appendix'),
    html`${para(`${plural(Math.max(r.openFindingsTotal, r.openFindings.length), 'finding was', 'findings were')} open (open, reopened or triaged) at the end of the period, most severe first.${r.openFindingsTotal > r.openFindings.length ? ` The ${r.openFindings.length} most severe are listed; \`vigil findings list\` lists them all.` : ''}`)}
${findingTable(r.openFindings, 'Findings open at the end of the period')}`,
  );
}

function integrity(r: AuditReport): Html {
  const l = r.ledger;
  const k = r.signingKey;
  const recorded = k.recordedAt ? html`${time(k.recordedAt)}${k.recordedSeq !== null ? ` (event ${k.recordedSeq})` : ''}` : html`not recorded in the ledger`;
  return section(
    'integrity',
    title('integrity'),
    html`${para(`This report covers every ledger event up to and including event ${l.headSeq}, the ledger head when it was made. The SHA-256 hash of that event, which chains every event before it:`)}
<p><code class="hash">${l.headHash}</code></p>
<p class="${l.verified ? 'verified' : 'bad'}"><strong>Ledger verification at report time: ${l.verified ? 'passed' : 'FAILED'}</strong> — ${l.verifyDetail.replace(/\.$/, '')}.</p>
<dl class="facts">
<dt>Head event</dt><dd>${l.headSeq}</dd>
<dt>Signing key</dt><dd><code>${k.fingerprint}</code></dd>
<dt>Recorded in ledger</dt><dd>${recorded}</dd>
</dl>
<pre class="pem">${k.publicKeyPem.trim()}</pre>
<p class="unsigned"><strong>This HTML page is not signed.</strong> The PDF edition of this report carries an Ed25519 signature made with the key above, over every byte of that file except the signature itself, with this head hash stored beside it. To rely on these figures, check the signed PDF (<code>vigil report verify &lt;file&gt;</code>) and compare its head hash and key fingerprint with the ones above.</p>`,
  );
}

// ---------- style: inline only; prints on A4 ----------

const CSS = `:root { color-scheme: light; --text: #1f2937; --muted: #6b7280; --rule: #d1d5db; --head: #1f3a5f; --zebra: #f3f4f6; --good: #15803d; --warn: #b45309; --bad: #b91c1c; --bad-fill: #fde8e8; --warn-fill: #fef3c7; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--text); background: #fff; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; }
main { max-width: 72rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
h1 { font-size: 2rem; line-height: 1.2; margin: .2rem 0 1.2rem; color: var(--head); }
h2 { font-size: 1.45rem; color: var(--head); border-bottom: 2px solid var(--head); padding-bottom: .2rem; margin: 3rem 0 1rem; }
h3 { font-size: 1.15rem; margin: 1.8rem 0 .6rem; }
h4 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
.kicker { margin: 0; color: var(--muted); text-transform: uppercase; letter-spacing: .08em; font-size: .85rem; }
.note { color: var(--muted); }
.bad { color: var(--bad); }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: .88em; }
code { overflow-wrap: anywhere; }
pre.pem { background: var(--zebra); padding: .6rem .8rem; overflow-x: auto; font-size: .8rem; color: var(--muted); }
code.hash { display: inline-block; font-size: 1rem; padding: .4rem .6rem; background: var(--zebra); border: 1px solid var(--rule); word-break: break-all; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1.2rem; margin: 0 0 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
nav.toc { margin: 1.5rem 0; padding: .8rem 1.2rem; border: 1px solid var(--rule); background: #f8fafc; }
nav.toc ol { margin: .2rem 0 0; padding-left: 1.4rem; columns: 2; }
.toc-title { margin: 0; font-weight: 600; }
.wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1.2rem; font-size: .9rem; }
caption { caption-side: top; text-align: left; font-weight: 600; color: var(--muted); padding: .3rem 0; }
th, td { border: 1px solid var(--rule); padding: .35rem .5rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
thead th { background: var(--head); color: #fff; overflow-wrap: normal; }
tbody th { font-weight: 600; }
tbody tr:nth-child(even) { background: var(--zebra); }
tfoot th, tfoot td { font-weight: 700; border-top: 2px solid var(--text); }
.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.row-bad td, tr.row-bad th { background: var(--bad-fill); font-weight: 600; }
tr.row-warn td, tr.row-warn th { background: var(--warn-fill); }
table.findings td:nth-child(4) { min-width: 16rem; }
table.controls td:nth-child(4) { min-width: 20rem; }
ul.evidence { margin: 0; padding-left: 1.1rem; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: .6rem; font-size: .8rem; font-weight: 700; white-space: nowrap; color: #fff; background: var(--muted); -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.sev-critical { background: #7f1d1d; }
.sev-high { background: #dc2626; }
.sev-medium { background: #ea8a0c; color: #1f2937; }
.sev-low { background: #2563eb; }
.sev-info { background: #d1d5db; color: #1f2937; }
.tone-good { background: var(--good); }
.tone-warn { background: var(--warn); }
.tone-bad { background: var(--bad); }
.tone-none { background: #e5e7eb; color: #374151; }
.tone-open { background: var(--head); }
ul.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); gap: .75rem; list-style: none; padding: 0; margin: 0 0 1rem; }
li.tile { background: #f8fafc; border: 1px solid var(--rule); border-left: 6px solid var(--head); padding: .6rem .8rem; color: var(--text); -webkit-print-color-adjust: exact; print-color-adjust: exact; }
li.tile.tone-good { border-left-color: var(--good); }
li.tile.tone-warn { border-left-color: var(--warn); }
li.tile.tone-bad { border-left-color: var(--bad); }
li.tile.tone-none { border-left-color: var(--muted); }
.tile-value { display: block; font-size: 1.5rem; font-weight: 700; }
.tile-label { color: var(--muted); font-size: .9rem; }
figure.chart { margin: .5rem 0 1.5rem; }
svg.chart { display: block; width: 100%; max-width: 760px; height: auto; font: 12px system-ui, sans-serif; }
svg.bars { max-width: 560px; }
svg .grid { stroke: #e5e7eb; stroke-width: 1; }
svg .axis { stroke: #6b7280; stroke-width: 1; }
svg .tick { fill: #4b5563; font-size: 11px; }
ul.legend { list-style: none; padding: 0; margin: .4rem 0; display: flex; flex-wrap: wrap; gap: .3rem 1.4rem; font-size: .9rem; }
svg.swatch { vertical-align: middle; }
article.incident { border-top: 1px solid var(--rule); margin-top: 1.5rem; }
p.unsigned { border-left: 4px solid var(--warn); padding: .4rem .8rem; background: var(--warn-fill); }
@media (max-width: 40rem) { nav.toc ol { columns: 1; } dl.facts { grid-template-columns: 1fr; } }
@media print {
  @page { size: A4; margin: 15mm 12mm 16mm; }
  body { font-size: 9.5pt; line-height: 1.35; }
  main { max-width: none; padding: 0; }
  section.major { break-before: page; }
  h2 { margin-top: 0; }
  h2, h3, h4, caption { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
  tfoot { display: table-footer-group; }
  tr, th, td, li, dl, figure, pre, article.incident dl { break-inside: avoid; page-break-inside: avoid; }
  .wrap { overflow: visible; }
  table { font-size: 8.5pt; }
  th, td { padding: 2pt 4pt; }
  nav.toc a { color: inherit; text-decoration: none; }
  thead th, tbody tr:nth-child(even), tr.row-bad td, tr.row-bad th, tr.row-warn td, tr.row-warn th, code.hash, p.unsigned, li.tile { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  svg.chart { max-width: 100%; }
}
`;
