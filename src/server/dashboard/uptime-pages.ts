/**
 * The dashboard's availability views: the overview's Availability panel, the /uptime page (each
 * probe's windows, its last 24 hours as a strip and its recent results) and the /perf page (each
 * perf target's trend over runs). Server-made HTML; charts are inline SVG with presentation
 * attributes only, since the CSP allows no inline style and no external asset.
 */
import { formatAvailability } from '../../../reports/audit/labels.js';
import { levelOf, type PerfLevel, type PerfPoint } from '../../audit/perf-facts.js';
import type { ProbeResult, ProbeSummary, WindowAvailability } from '../../ledger/uptime-store.js';
import { Html, html, when } from './html.js';
import { PERF_SCAN_RUNS, type PerfTargetTrend, type PerfTrend } from './perf-trend.js';

const WINDOWS = [
  ['24h', '24 h'],
  ['7d', '7 d'],
  ['30d', '30 d'],
] as const;

const HOUR = 3_600_000;
const GREEN = '#15803d';
const AMBER = '#b45309';
const RED = '#b91c1c';
const GREY = '#d1d5db';

/** One probe as the /uptime page shows it: its summary, and its results of the last 24 hours (newest first). */
export interface ProbeView {
  summary: ProbeSummary;
  /** Named in the server's config (a probe dropped from it still shows what the ledger kept). */
  configured: boolean;
  /** The results of the last 24 hours, newest first, at most `dayLimit` of them. */
  day: ProbeResult[];
  /** `day` stopped at its limit: the strip's oldest hours may be missing checks. */
  dayTruncated: boolean;
  /** The newest results (however old), newest first. */
  recent: ProbeResult[];
}

/** The summary of a configured probe the ledger has no result for yet. */
export function emptySummary(probe: string, url: string, sloPct: number): ProbeSummary {
  const none: WindowAvailability = { checks: 0, up: 0, availabilityPct: null, downMinutes: 0 };
  return { probe, url, last: null, consecutiveFailures: 0, windows: { '24h': none, '7d': none, '30d': none }, sloPct, sloMet: null };
}

const anchorOf = (i: number) => `probe-${i + 1}`;

function stateOf(s: ProbeSummary): Html {
  if (!s.last) return html`<span class="state-none">no checks yet</span>`;
  if (s.last.ok) return html`<span class="up">up</span>`;
  return html`<span class="down">down</span>${s.consecutiveFailures > 1 ? html` (${s.consecutiveFailures} failures in a row)` : ''}`;
}

function windowCell(w: WindowAvailability, sloPct: number): Html {
  if (w.availabilityPct === null) return html`<span class="state-none">no checks</span>`;
  const below = w.availabilityPct < sloPct;
  return html`<span class="${below ? 'below-slo' : 'within-slo'}">${formatAvailability(w.availabilityPct)}</span>${below ? html` <span class="breach" title="below the ${sloPct} % SLO">below SLO</span>` : ''}`;
}

/** The SLO and whether 30-day availability meets it. */
function sloCell(s: ProbeSummary): Html {
  const verdict = s.sloMet === null ? html`<span class="state-none">no data</span>` : s.sloMet ? html`<span class="within-slo">met</span>` : html`<span class="breach">SLO BREACHED</span>`;
  return html`${s.sloPct} % over 30 d: ${verdict}`;
}

function lastCell(r: ProbeResult | null): Html {
  if (!r) return html`—`;
  return html`${r.ok ? 'ok' : 'failed'}${r.status !== null ? html`, HTTP ${r.status}` : ''}${r.latencyMs !== null ? html`, ${ms(r.latencyMs)}` : ''} at ${when(r.at)}${r.error ? html`<br><span class="probe-error">${r.error}</span>` : ''}`;
}

function tlsCell(r: ProbeResult | null): Html | string {
  const d = r?.tlsDaysLeft;
  if (d === null || d === undefined) return '—';
  return d < 14 ? html`<span class="breach">${d} days</span>` : `${d} days`;
}

/** The overview's Availability panel: a row per probe (only made when there are probes). */
export function availabilityPanel(probes: readonly ProbeSummary[]): Html {
  return html`<section aria-labelledby="avail-h"><h2 id="avail-h">Availability</h2>
<table><caption class="visually-hidden">Availability of each uptime probe</caption>
<thead><tr><th scope="col">Probe</th><th scope="col">Now</th>${WINDOWS.map(([, label]) => html`<th scope="col">${label}</th>`)}<th scope="col">SLO</th><th scope="col">Last probe</th><th scope="col">TLS expires in</th></tr></thead>
<tbody>${probes.map(
    (s, i) =>
      html`<tr${s.sloMet === false ? new Html(' class="row-breach"') : ''}><th scope="row"><a href="/uptime#${anchorOf(i)}">${s.probe}</a></th><td>${stateOf(s)}</td>${WINDOWS.map(([k]) => html`<td>${windowCell(s.windows[k], s.sloPct)}</td>`)}<td>${sloCell(s)}</td><td>${lastCell(s.last)}</td><td>${tlsCell(s.last)}</td></tr>`,
  )}</tbody></table>
<p><a href="/uptime">Every probe's recent results</a></p></section>`;
}

/** The /uptime page. */
export function uptimeBody(probes: readonly ProbeView[], now: Date): Html {
  if (probes.length === 0) {
    return html`<p>No uptime probes are configured, and the ledger holds no probe results.</p>
<p>Add health URLs under <code>uptime: probes:</code> in vigil.yaml; <code>vigil serve</code> then probes them on a schedule and keeps every result here.</p>`;
  }
  return html`${probes.map((v, i) => {
    const s = v.summary;
    const recent = v.recent;
    return html`<section aria-labelledby="${anchorOf(i)}-h" id="${anchorOf(i)}"><h2 id="${anchorOf(i)}-h">${s.probe}${v.configured ? '' : ' (no longer configured)'}</h2>
<dl class="meta"><dt>URL</dt><dd><code>${s.url}</code></dd><dt>Now</dt><dd>${stateOf(s)}</dd><dt>SLO</dt><dd>${sloCell(s)}</dd>
<dt>Last probe</dt><dd>${lastCell(s.last)}</dd><dt>TLS expires in</dt><dd>${tlsCell(s.last)}</dd></dl>
<table><caption class="visually-hidden">Availability windows of ${s.probe}</caption>
<thead><tr><th scope="col">Window</th><th scope="col">Checks</th><th scope="col">Up</th><th scope="col">Availability</th><th scope="col">Down (min)</th></tr></thead>
<tbody>${WINDOWS.map(([k, label]) => {
      const w = s.windows[k];
      return html`<tr><th scope="row">${label}</th><td>${w.checks}</td><td>${w.up}</td><td>${windowCell(w, s.sloPct)}</td><td>${Math.round(w.downMinutes)}</td></tr>`;
    })}</tbody></table>
<h3>Last 24 hours</h3>${dayStrip(v.day, now, `${anchorOf(i)}-strip`, s.probe)}${v.dayTruncated ? html`<p class="hint">Only the newest ${v.day.length} results of the last 24 hours are drawn; the oldest hours may show fewer checks than ran.</p>` : ''}
<h3>Recent results</h3>${recent.length === 0 ? html`<p>No results yet.</p>` : html`<table><caption class="visually-hidden">The newest ${recent.length} results of ${s.probe}, newest first</caption>
<thead><tr><th scope="col">Time</th><th scope="col">Result</th><th scope="col">Status</th><th scope="col">Latency</th><th scope="col">Error</th></tr></thead>
<tbody>${recent.map(
      (r) =>
        html`<tr${r.ok ? '' : new Html(' class="row-breach"')}><td>${when(r.at)}</td><td>${r.ok ? html`<span class="up">ok</span>` : html`<span class="down">failed</span>`}</td><td>${r.status ?? '—'}</td><td>${r.latencyMs === null ? '—' : ms(r.latencyMs)}</td><td>${r.error ?? ''}</td></tr>`,
    )}</tbody></table>`}</section>`;
  })}`;
}

/** The last 24 hours as 24 hourly bars: green all up, amber some failed, red most failed, grey no checks. */
export function dayStrip(results: readonly ProbeResult[], now: Date, id: string, probe: string): Html {
  const end = now.getTime();
  const start = end - 24 * HOUR;
  const buckets = Array.from({ length: 24 }, () => ({ checks: 0, up: 0 }));
  for (const r of results) {
    const t = Date.parse(r.at);
    if (!(t >= start && t < end)) continue;
    const b = buckets[Math.min(23, Math.floor((t - start) / HOUR))]!;
    b.checks++;
    if (r.ok) b.up++;
  }
  const w = 720;
  const h = 56;
  const bw = 28;
  const gap = 2;
  const checks = buckets.reduce((n, b) => n + b.checks, 0);
  const up = buckets.reduce((n, b) => n + b.up, 0);
  const hourText = (i: number) => new Date(start + i * HOUR).toISOString().slice(11, 16);
  return html`<svg class="chart strip" role="img" aria-labelledby="${id}-t" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" xmlns="http://www.w3.org/2000/svg">
<title id="${id}-t">${probe}, last 24 hours by hour: ${up} of ${checks} checks up${checks ? ` (${formatAvailability((up / checks) * 100)})` : ''}</title>
${buckets.map((b, i) => {
    const colour = b.checks === 0 ? GREY : b.up === b.checks ? GREEN : b.up * 2 >= b.checks ? AMBER : RED;
    return html`<rect x="${i * (bw + gap) + 4}" y="4" width="${bw}" height="32" rx="2" fill="${colour}"><title>${hourText(i)}–${hourText(i + 1)} UTC: ${b.checks ? `${b.up} of ${b.checks} checks up` : 'no checks'}</title></rect>`;
  })}
<text x="4" y="${h - 4}" font-size="11" fill="#4b5563">${hourText(0)} UTC</text>
<text x="${24 * (bw + gap) + 2}" y="${h - 4}" font-size="11" fill="#4b5563" text-anchor="end">now</text>
</svg>`;
}

/** A small line over a series (nulls are gaps), for the perf trend. */
export function sparkline(values: readonly (number | null)[], opts: { id: string; label: string; unit: string }): Html {
  const w = 240;
  const h = 48;
  const pad = 4;
  const present = values.filter((v): v is number => v !== null);
  if (present.length === 0) return html`<p class="hint">${opts.label}: no figures yet.</p>`;
  const max = Math.max(...present);
  const min = Math.min(...present);
  const span = max - min || 1;
  const x = (i: number) => pad + (values.length === 1 ? (w - 2 * pad) / 2 : (i * (w - 2 * pad)) / (values.length - 1));
  const y = (v: number) => h - pad - ((v - min) * (h - 2 * pad)) / span;
  // a null breaks the line: each run of figures is its own polyline
  const lines: string[] = [];
  let cur: string[] = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (cur.length) lines.push(cur.join(' '));
      cur = [];
    } else cur.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
  });
  if (cur.length) lines.push(cur.join(' '));
  const lastIndex = values.length - 1 - [...values].reverse().findIndex((v) => v !== null);
  const last = values[lastIndex]!;
  return html`<figure class="spark"><svg role="img" aria-labelledby="${opts.id}-t" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" xmlns="http://www.w3.org/2000/svg">
<title id="${opts.id}-t">${opts.label} over ${values.length} runs: last ${fmt(last)} ${opts.unit}, lowest ${fmt(min)}, highest ${fmt(max)}</title>
<rect x="0" y="0" width="${w}" height="${h}" fill="#ffffff"/>
${lines.map((pts) => html`<polyline points="${pts}" fill="none" stroke="#0b57d0" stroke-width="2"/>`)}
<circle cx="${x(lastIndex).toFixed(1)}" cy="${y(last).toFixed(1)}" r="3" fill="#0b57d0"/>
</svg><figcaption>${opts.label}: ${fmt(last)} ${opts.unit} (range ${fmt(min)}–${fmt(max)})</figcaption></figure>`;
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? String(Math.round(v)) : String(Math.round(v * 10) / 10);
}

function ms(v: number): string {
  return `${fmt(v)} ms`;
}

const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 100) / 100} %`);

function levelCells(l: PerfLevel | undefined): Html {
  if (!l) return html`<td colspan="4" class="state-none">not run</td>`;
  return html`<td>${fmt(l.rps)}</td><td>${l.latencyMs.p95 === null ? '—' : ms(l.latencyMs.p95)}</td><td>${l.latencyMs.p99 === null ? '—' : ms(l.latencyMs.p99)}</td><td>${pct(l.errorRatePct)}</td>`;
}

function perfRow(p: PerfPoint): Html {
  const link = (text: string) => html`<a href="/findings?scanner=perf&amp;target=${encodeURIComponent(p.target)}">${text}</a>`;
  const findings = !p.perf.health.ok
    ? html`<span class="down">health check failed</span>: ${link('load not run')}`
    : p.findings
      ? link(`${p.findings} budget ${p.findings === 1 ? 'break' : 'breaks'}`)
      : 'within budget';
  const growth = p.perf.memory?.growthPct;
  return html`<tr><td>${when(p.at)}</td><td><a href="/api/runs/${encodeURIComponent(p.runId)}"><code>${p.runId}</code></a></td><td>${p.status === 'complete' ? findings : p.status}</td>${levelCells(levelOf(p.perf, 'expected'))}${levelCells(levelOf(p.perf, '10x'))}<td>${growth === null || growth === undefined ? '—' : pct(growth)}</td></tr>`;
}

function perfTarget(t: PerfTargetTrend, i: number): Html {
  const newestFirst = [...t.points].reverse();
  const cores = t.points[t.points.length - 1]?.perf.loadGenerator.cores;
  const shared = t.points.some((p) => p.perf.loadGenerator.sharedCores);
  return html`<section aria-labelledby="perf-${i + 1}-h"><h2 id="perf-${i + 1}-h">${t.target}</h2>
<p><code>${t.url}</code> — the last ${t.points.length} perf ${t.points.length === 1 ? 'run' : 'runs'}.</p>
${shared ? html`<p class="hint" role="note">Load figures came from a load generator that shared the machine's ${cores ?? ''} cores with the server: they understate what the server alone can serve.</p>` : ''}
<div class="sparks">${sparkline(
    t.points.map((p) => levelOf(p.perf, '10x')?.latencyMs.p95 ?? null),
    { id: `perf-${i + 1}-p95`, label: 'p95 at 10×', unit: 'ms' },
  )}${sparkline(
    t.points.map((p) => levelOf(p.perf, '10x')?.rps ?? null),
    { id: `perf-${i + 1}-rps`, label: 'Requests/s at 10×', unit: 'req/s' },
  )}</div>
<table><caption class="visually-hidden">Perf runs of ${t.target}, newest first</caption>
<thead><tr><th scope="col" rowspan="2">When</th><th scope="col" rowspan="2">Run</th><th scope="col" rowspan="2">Budget</th><th scope="colgroup" colspan="4">Expected load</th><th scope="colgroup" colspan="4">10× load</th><th scope="col" rowspan="2">Memory growth</th></tr>
<tr>${[0, 1].map(() => html`<th scope="col">req/s</th><th scope="col">p95</th><th scope="col">p99</th><th scope="col">errors</th>`)}</tr></thead>
<tbody>${newestFirst.map(perfRow)}</tbody></table></section>`;
}

/** The /perf page: each perf target's trend. */
export function perfBody(trend: PerfTrend): Html {
  if (trend.targets.length === 0) {
    const n = Math.min(trend.runsScanned, PERF_SCAN_RUNS);
    return html`<p>${n === 0 ? 'No run is recorded yet.' : `No perf run is recorded among the ${n === 1 ? 'one newest run' : `${n} newest runs`}.`}</p>
<p>Give a target the perf scanner in vigil.yaml (<code>scanners: { perf: { budget: perf-budget.yaml } }</code>) or run <code>vigil scan perf URL</code>: each run's figures then show here as a trend.</p>`;
  }
  return html`<p>The newest ${trend.runsScanned} runs were read; runs without a perf part are left out.</p>${trend.targets.map(perfTarget)}`;
}
