import type { ApiTokenInfo, Principal } from '../../ledger/auth-store.js';
import type { LedgerEvent } from '../../ledger/ledger.js';
import type { IncidentView, DueView } from '../../incidents/view.js';
import { FINDING_STATUSES, TRIAGE_STATUSES, type LedgerFinding } from '../../model/finding.js';
import { formatLocation } from '../../model/location.js';
import type { Run } from '../../model/run.js';
import { SEVERITIES, type Severity } from '../../model/severity.js';
import { ROLES } from '../../ledger/auth-store.js';
import { Html, duration, html, mayUse, when } from './html.js';

/** The logged-in user a page is made for. */
export interface Viewer {
  principal: Principal;
  csrf: string;
}

const csrfField = (v: Viewer) => html`<input type="hidden" name="_csrf" value="${v.csrf}">`;
const sev = (s: string) => html`<span class="sev sev-${s}">${s}</span>`;
const errorBox = (e: string | undefined) => (e ? html`<p class="error" role="alert">${e}</p>` : '');

export function loginBody(opts: { csrf: string; next: string; error?: string }): Html {
  return html`<form method="post" action="/login" class="login stack">
${errorBox(opts.error)}
<input type="hidden" name="_csrf" value="${opts.csrf}">
<input type="hidden" name="next" value="${opts.next}">
<label>User name <input name="username" autocomplete="username" required autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit" id="login-button">Log in</button>
</form>`;
}

export interface OverviewData {
  open: Record<Severity, number>;
  /** Open findings per day, oldest first (90 days). */
  trend: { day: string; open: number }[];
  slaBreaches: number;
  lastRun: Run | undefined;
  nextRuns: { name: string; at: string | null; running: boolean }[];
}

export function overviewBody(d: OverviewData): Html {
  const failed = d.lastRun?.parts.filter((p) => p.status !== 'complete') ?? [];
  return html`<section aria-labelledby="open-h"><h2 id="open-h">Open findings by severity</h2>
<div class="cards">${SEVERITIES.map((s) => html`<a class="card" href="/findings?severity=${s}"><span class="n">${d.open[s]}</span>${sev(s)}</a>`)}
<div class="card"><span class="n">${d.slaBreaches}</span>SLA breaches</div></div></section>
<section aria-labelledby="trend-h"><h2 id="trend-h">Open findings, last 90 days</h2>${trendChart(d.trend)}</section>
<section aria-labelledby="runs-h"><h2 id="runs-h">Runs</h2>
<dl class="meta"><dt>Last run</dt><dd>${d.lastRun ? html`${d.lastRun.trigger}, ${when(d.lastRun.startedAt)}: ${d.lastRun.status}` : 'none yet'}</dd>
${d.nextRuns.map((r) => html`<dt>Next ${r.name}</dt><dd>${r.running ? 'running now' : when(r.at)}</dd>`)}</dl>
<h2>Scanners that failed in the last run</h2>
${failed.length ? html`<ul>${failed.map((p) => html`<li>${p.scanner} on ${p.target}: ${p.status}${p.error ? html` — ${p.error}` : ''}</li>`)}</ul>` : html`<p>None.</p>`}
</section>`;
}

/** The trend as an inline SVG line chart (presentation attributes only: the CSP allows no inline style). */
function trendChart(points: { day: string; open: number }[]): Html {
  const w = 720;
  const h = 180;
  const pad = 30;
  const max = Math.max(1, ...points.map((p) => p.open));
  const x = (i: number) => pad + (i * (w - 2 * pad)) / Math.max(1, points.length - 1);
  const y = (v: number) => h - pad - (v * (h - 2 * pad)) / max;
  const line = points.map((p, i) => `${x(i).toFixed(1)},${y(p.open).toFixed(1)}`).join(' ');
  const first = points[0];
  const last = points[points.length - 1];
  return html`<svg class="chart" role="img" aria-labelledby="trend-t" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" xmlns="http://www.w3.org/2000/svg">
<title id="trend-t">Open findings per day from ${first?.day ?? ''} to ${last?.day ?? ''}: now ${last?.open ?? 0}, at most ${max}</title>
<line x1="${pad}" y1="${h - pad}" x2="${w - pad}" y2="${h - pad}" stroke="#9aa3ad"/>
<line x1="${pad}" y1="${pad}" x2="${pad}" y2="${h - pad}" stroke="#9aa3ad"/>
<text x="4" y="${pad + 4}" font-size="11" fill="#4b5563">${max}</text>
<text x="4" y="${h - pad + 4}" font-size="11" fill="#4b5563">0</text>
<text x="${pad}" y="${h - 8}" font-size="11" fill="#4b5563">${first?.day ?? ''}</text>
<text x="${w - pad}" y="${h - 8}" font-size="11" fill="#4b5563" text-anchor="end">${last?.day ?? ''}</text>
<polyline points="${line}" fill="none" stroke="#0b57d0" stroke-width="2"/>
</svg>`;
}

export interface FindingFilters {
  severity?: string;
  status?: string;
  scanner?: string;
  target?: string;
  text?: string;
}

export function findingsBody(f: FindingFilters, findings: LedgerFinding[], next: string | null, nextHref: string): Html {
  const option = (v: string, cur: string | undefined, label = v) => html`<option value="${v}"${cur === v ? new Html(' selected') : ''}>${label}</option>`;
  return html`<form method="get" action="/findings" class="filters" role="search">
<label>Severity <select name="severity">${option('', f.severity, 'any')}${SEVERITIES.map((s) => option(s, f.severity))}</select></label>
<label>Status <select name="status">${option('', f.status, 'active')}${['all', ...FINDING_STATUSES].map((s) => option(s, f.status))}</select></label>
<label>Scanner <input name="scanner" value="${f.scanner ?? ''}" maxlength="200"></label>
<label>Target <input name="target" value="${f.target ?? ''}" maxlength="200"></label>
<label>Text <input name="text" value="${f.text ?? ''}" maxlength="200"></label>
<button type="submit">Filter</button> <a href="/findings">Clear</a>
</form>
${findings.length === 0 ? html`<p>No findings match.</p>` : html`<table><caption class="visually-hidden">Findings</caption>
<thead><tr><th scope="col">#</th><th scope="col">Severity</th><th scope="col">Title</th><th scope="col">Status</th><th scope="col">Scanner</th><th scope="col">Target</th><th scope="col">Location</th><th scope="col">SLA due</th></tr></thead>
<tbody>${findings.map(
    (x) => html`<tr><td>${x.id}</td><td>${sev(x.severity)}</td><td><a href="/findings/${x.id}">${x.title}</a></td><td>${x.status}</td><td>${x.scanner}</td><td>${x.target}</td><td>${formatLocation(x.location)}</td><td>${when(x.slaDue)}</td></tr>`,
  )}</tbody></table>`}
${next ? html`<p class="pager"><a href="${nextHref}" rel="next">Next page</a></p>` : ''}`;
}

export function findingBody(v: Viewer, f: LedgerFinding, events: LedgerEvent[], form: { error?: string; notice?: string; values?: Record<string, string> }): Html {
  const val = (k: string) => form.values?.[k] ?? '';
  const canTriage = mayUse(v.principal.role, 'POST /findings/:id/triage');
  return html`${form.notice ? html`<p class="notice" role="status">${form.notice}</p>` : ''}
<dl class="meta">
<dt>Severity</dt><dd>${sev(f.severity)}</dd><dt>Status</dt><dd>${f.status}</dd>
<dt>Scanner / rule</dt><dd>${f.scanner} / ${f.ruleId}</dd><dt>Target</dt><dd>${f.target}</dd>
<dt>Location</dt><dd>${formatLocation(f.location)}</dd><dt>First seen</dt><dd>${when(f.firstSeen)}</dd><dt>Last seen</dt><dd>${when(f.lastSeen)}</dd>
<dt>SLA due</dt><dd>${when(f.slaDue)}</dd>${f.cwe.length ? html`<dt>CWE</dt><dd>${f.cwe.join(', ')}</dd>` : ''}
${f.aliases.length ? html`<dt>Aliases</dt><dd>${f.aliases.join(', ')}</dd>` : ''}
${f.acceptance ? html`<dt>Accepted</dt><dd>${f.acceptance.justification} (approved by ${f.acceptance.approver}${f.acceptance.expires ? `, until ${f.acceptance.expires}` : ''})</dd>` : ''}
</dl>
<h2>Evidence</h2>${f.evidence ? html`<pre>${f.evidence}</pre>` : html`<p>None recorded.</p>`}
<h2>Remediation</h2>${f.remediation ? html`<p>${f.remediation}</p>` : html`<p>None recorded.</p>`}
${f.references.length ? html`<h2>References</h2><ul>${f.references.map((r) => html`<li>${r}</li>`)}</ul>` : ''}
<h2>History</h2>
<table><thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Actor</th><th scope="col">Details</th></tr></thead>
<tbody>${events.map((e) => html`<tr><td>${when(e.at)}</td><td>${e.type}</td><td>${e.actor ?? '—'}</td><td><code>${JSON.stringify(e.data ?? {}).slice(0, 300)}</code></td></tr>`)}</tbody></table>
${canTriage ? html`<h2 id="triage-h">Triage</h2>
<form method="post" action="/findings/${f.id}/triage" class="stack" aria-labelledby="triage-h">
${errorBox(form.error)}${csrfField(v)}
<label>Status <select name="status" required>${TRIAGE_STATUSES.map((s) => html`<option value="${s}"${(val('status') || 'triaged') === s ? new Html(' selected') : ''}>${s}</option>`)}</select></label>
<label>Justification (needed for accepted and false_positive) <textarea name="justification" rows="3" maxlength="4000">${val('justification')}</textarea></label>
<label>Approver (needed for accepted) <input name="approver" maxlength="200" value="${val('approver')}"></label>
<label>Expires (accepted; a date) <input name="expires" type="date" value="${val('expires')}"></label>
<label>Note <textarea name="note" rows="2" maxlength="4000">${val('note')}</textarea></label>
<button type="submit">Save triage</button>
</form>` : ''}`;
}

export function incidentsBody(list: IncidentView[], status: string): Html {
  return html`<p>${['open', 'resolved', 'all'].map((s) => (s === status ? html`<strong>${s}</strong> ` : html`<a href="/incidents?status=${s}">${s}</a> `))}</p>
${list.length === 0 ? html`<p>No incidents.</p>` : html`<table><thead><tr><th scope="col">#</th><th scope="col">Title</th><th scope="col">Severity</th><th scope="col">Status</th><th scope="col">Opened</th><th scope="col">Next due</th></tr></thead>
<tbody>${list.map(
    (i) => html`<tr><td>${i.id}</td><td><a href="/incidents/${i.id}">${i.title}</a></td><td>${sev(i.severity)}</td><td>${i.status}</td><td>${when(i.openedAt)}</td><td>${i.next ? html`${i.next.kind} ${i.next.id}: ${when(i.next.due)} <span class="state-${i.next.state}">${i.next.state}</span>` : '—'}</td></tr>`,
  )}</tbody></table>`}`;
}

const dueRow = (d: DueView, now: number, action: Html | '') =>
  html`<tr><td>${d.title}</td><td>${d.owner}</td><td>${d.phase ?? d.law ?? ''}</td><td>${when(d.due)}</td><td>${d.doneAt ? when(d.doneAt) : html`<time datetime="${d.due}" data-due="${d.due}">${duration(Date.parse(d.due) - now)}</time>`}</td><td class="state-${d.state}">${d.state}</td>${action === '' ? '' : html`<td>${action}</td>`}</tr>`;

/** One incident action as a small form: the same actions as `vigil incidents ack` and POST /api/incidents/:id/ack. */
function actForm(
  v: Viewer,
  id: number,
  fields: Record<string, string>,
  label: string,
  opts: { note?: 'optional' | 'required'; aria: string; notice?: NonNullable<DueView['fields']> },
): Html {
  return html`<form method="post" action="/incidents/${id}/act" class="inline">${csrfField(v)}${Object.entries(fields).map(([k, val]) => html`<input type="hidden" name="${k}" value="${val}">`)}${
    (opts.notice ?? []).map((f) => html`<label>${f.title}${f.law ? ` (${f.law})` : ''} <input name="field_${f.id}" maxlength="4000" value="${f.value ?? ''}"></label>`)
  }${opts.note ? html`<label>Note <input name="note" maxlength="4000"${opts.note === 'required' ? html` required` : ''}></label>` : ''}<button type="submit" aria-label="${opts.aria}">${label}</button></form>`;
}

export function incidentBody(v: Viewer, i: IncidentView, now: Date, form: { error?: string; notice?: string } = {}): Html {
  const n = now.getTime();
  const canAct = i.status === 'open' && mayUse(v.principal.role, 'POST /incidents/:id/act');
  const stepAction = (d: DueView) =>
    !canAct ? '' : d.doneAt ? html`—` : actForm(v, i.id, { action: 'step', step: d.id }, 'Done', { note: 'optional', aria: `Mark step ${d.title} done` });
  const clockAction = (d: DueView) =>
    !canAct
      ? ''
      : d.doneAt || d.state === 'waived'
        ? html`—`
        : html`${actForm(v, i.id, { action: 'clock', clock: d.id }, 'Met', { note: 'optional', aria: `Record clock ${d.title} met`, ...(d.fields ? { notice: d.fields } : {}) })}${actForm(v, i.id, { action: 'waive', clock: d.id }, 'Waive', { note: 'required', aria: `Waive clock ${d.title}` })}`;
  const table = (caption: string, rows: DueView[], action: (d: DueView) => Html | '') =>
    html`<h2>${caption}</h2>${rows.length === 0 ? html`<p>None.</p>` : html`<table><thead><tr><th scope="col">What</th><th scope="col">Owner</th><th scope="col">Phase / law</th><th scope="col">Due</th><th scope="col">Remaining</th><th scope="col">State</th>${canAct ? html`<th scope="col">Record</th>` : ''}</tr></thead><tbody>${rows.map((d) => dueRow(d, n, action(d)))}</tbody></table>`}`;
  return html`${form.notice ? html`<p class="notice" role="status">${form.notice}</p>` : ''}${errorBox(form.error)}
<dl class="meta"><dt>Runbook</dt><dd>${i.runbookTitle}</dd><dt>Severity</dt><dd>${sev(i.severity)}</dd><dt>Status</dt><dd>${i.status}</dd>
<dt>Opened</dt><dd>${when(i.openedAt)}</dd><dt>Aware</dt><dd>${when(i.awareAt)}</dd><dt>Resolved</dt><dd>${when(i.resolvedAt)}</dd>
${i.findingId !== null ? html`<dt>Finding</dt><dd><a href="/findings/${i.findingId}">#${i.findingId}</a></dd>` : ''}</dl>
${table('Clocks', i.clocks, clockAction)}${table('Steps', i.steps, stepAction)}
${canAct ? html`<h2 id="record-h">Record</h2>
<div class="stack" aria-labelledby="record-h">
${i.awareAt ? '' : actForm(v, i.id, { action: 'aware' }, 'We are aware now', { note: 'optional', aria: 'Record awareness now' })}
${actForm(v, i.id, { action: 'note' }, 'Add note', { note: 'required', aria: 'Add a note to the timeline' })}
${i.resolveBlockedBy.length ? html`<p>Resolving waits for: ${i.resolveBlockedBy.join(', ')}.</p>` : actForm(v, i.id, { action: 'resolve' }, 'Resolve incident', { note: 'optional', aria: 'Resolve the incident' })}
</div>` : ''}
<h2>Timeline</h2><table><thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Who</th><th scope="col">Detail</th></tr></thead>
<tbody>${i.timeline.map((t) => html`<tr><td>${when(t.at)}</td><td>${t.action}</td><td>${t.actor ?? 'vigil'}</td><td>${t.detail}</td></tr>`)}</tbody></table>`;
}

export function datamapBody(rows: { ruleId: string; title: string; count: number; worst: Severity }[]): Html {
  return rows.length === 0
    ? html`<p>No open data-map findings.</p>`
    : html`<table><thead><tr><th scope="col">Rule</th><th scope="col">Title</th><th scope="col">Worst severity</th><th scope="col">Open</th></tr></thead>
<tbody>${rows.map((r) => html`<tr><td><a href="/findings?scanner=datamap&amp;text=${encodeURIComponent(r.ruleId)}">${r.ruleId}</a></td><td>${r.title}</td><td>${sev(r.worst)}</td><td>${r.count}</td></tr>`)}</tbody></table>`;
}

export function reportsBody(opts: { from: string; to: string; ropa: boolean }): Html {
  return html`<h2 id="audit-h">Audit report</h2>
<form method="get" action="/api/reports/audit" class="filters" aria-labelledby="audit-h">
<label>From <input type="date" name="from" value="${opts.from}" required></label>
<label>To <input type="date" name="to" value="${opts.to}" required></label>
<label>Format <select name="format"><option value="pdf">PDF (signed)</option><option value="html">HTML</option></select></label>
<button type="submit" id="audit-download">Download</button>
</form>
<p>Check a downloaded PDF with <code>npx vigil report verify &lt;file&gt;</code>.</p>
<h2>Record of processing activities (GDPR Art. 30)</h2>
${opts.ropa ? html`<ul><li><a href="/api/reports/ropa?format=csv">CSV</a></li><li><a href="/api/reports/ropa?format=html">HTML</a></li><li><a href="/api/reports/ropa?format=pdf">PDF</a></li></ul>` : html`<p>The server's config has no target that runs the datamap scanner.</p>`}`;
}

export function settingsBody(v: Viewer, tokens: ApiTokenInfo[], opts: { error?: string; created?: { name: string; secret: string } }): Html {
  return html`${opts.created ? html`<div class="notice" role="status"><p>Token <strong>${opts.created.name}</strong> created. Copy it now: it is not shown again.</p><pre id="new-token">${opts.created.secret}</pre></div>` : ''}
<h2 id="create-h">Create an API token</h2>
<form method="post" action="/settings/tokens" class="stack" aria-labelledby="create-h">
${errorBox(opts.error)}${csrfField(v)}
<label>Name <input name="name" required pattern="[A-Za-z0-9][A-Za-z0-9._@\\-]{0,63}" maxlength="64"></label>
<label>Role <select name="role">${ROLES.map((r) => html`<option value="${r}">${r}</option>`)}</select></label>
<label>Expires (optional) <input name="expires" type="date"></label>
<button type="submit">Create token</button>
</form>
<h2>API tokens</h2>
${tokens.length === 0 ? html`<p>No tokens.</p>` : html`<table><thead><tr><th scope="col">#</th><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Prefix</th><th scope="col">Created</th><th scope="col">Expires</th><th scope="col">Last used</th><th scope="col">State</th></tr></thead>
<tbody>${tokens.map(
    (t) => html`<tr><td>${t.id}</td><td>${t.name}</td><td>${t.role}</td><td><code>${t.prefix}</code></td><td>${when(t.createdAt)}</td><td>${when(t.expiresAt)}</td><td>${when(t.lastUsedAt)}</td><td>${t.revokedAt ? `revoked ${when(t.revokedAt)}` : html`<form method="post" action="/settings/tokens/${t.id}/revoke">${csrfField(v)}<button type="submit" aria-label="Revoke token ${t.name}">Revoke</button></form>`}</td></tr>`,
  )}</tbody></table>`}`;
}

export function errorPageBody(message: string): Html {
  return html`<p class="error" role="alert">${message}</p><p><a href="/">Back to the overview</a></p>`;
}
