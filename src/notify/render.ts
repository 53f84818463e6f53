import { alertSeverity, redactDeep, type Alert, type AlertItem } from './alert.js';

/** How many items a message lists before it says "and N more". */
export const MAX_LISTED = 20;
/** Slack: at most 50 blocks a message, 3000 characters a section, 150 a header. */
const SLACK_LISTED = 10;
const SLACK_SECTION = 3000;
const SLACK_HEADER = 150;

const EVENT_WORDS: Record<Alert['event'], [one: string, many: string]> = {
  'finding.new': ['new finding', 'new findings'],
  'sla.breach': ['finding past its SLA', 'findings past their SLA'],
  'scan.failed': ['failed scan part', 'failed scan parts'],
  'incident.escalated': ['incident escalated', 'incidents escalated'],
};

/** One line for a subject, a Slack header, a Sentry message: `[vigil] 3 new findings (critical)`. */
export function alertTitle(alert: Alert): string {
  const n = alert.items.length;
  if (n === 1 && alert.event !== 'finding.new' && alert.event !== 'sla.breach') return `[vigil] ${alert.items[0]!.title}`;
  const [one, many] = EVENT_WORDS[alert.event];
  return `[vigil] ${n} ${n === 1 ? one : many} (${alertSeverity(alert)})`;
}

/** Where an item is and what else is known of it: `app: src/a.ts:12 (reopened; CVE-2024-1)`. */
function itemContext(i: AlertItem): string {
  const where = [i.target, i.location].filter(Boolean).join(': ');
  const extra = [
    i.reopened ? 'reopened' : undefined,
    i.slaDue && i.key.startsWith('sla.breach:') ? `SLA due ${i.slaDue.slice(0, 10)}` : undefined,
    i.aliases?.length ? i.aliases.join(', ') : undefined,
  ].filter(Boolean);
  return `${where}${extra.length ? `${where ? ' ' : ''}(${extra.join('; ')})` : ''}`;
}

/** One item as plain text: `[high] #12 Title (rule) — target: location`, then its detail indented. */
export function itemLine(i: AlertItem): string {
  const head = [`[${i.severity}]`, i.findingId !== undefined ? `#${i.findingId}` : undefined, i.title, i.ruleId ? `(${i.ruleId})` : undefined];
  const ctx = itemContext(i);
  return `${head.filter(Boolean).join(' ')}${ctx ? ` — ${ctx}` : ''}${i.detail ? `\n    ${i.detail}` : ''}`;
}

/** The alert as plain text: title, a line per item (at most MAX_LISTED), then where it came from. */
export function alertText(alert: Alert): string {
  const a = redactDeep(alert);
  const lines = [alertTitle(a), ''];
  for (const i of a.items.slice(0, MAX_LISTED)) lines.push(`- ${itemLine(i)}`);
  if (a.items.length > MAX_LISTED) lines.push(`- … and ${a.items.length - MAX_LISTED} more`);
  lines.push('', footer(a));
  return lines.join('\n');
}

function footer(a: Alert): string {
  return [a.trigger ? `run ${a.trigger}` : undefined, a.runId ? `id ${a.runId}` : undefined, `at ${a.createdAt}`].filter(Boolean).join(', ');
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** A simple HTML body: the title, a table of items, the footer. Every value is escaped. */
export function alertHtml(alert: Alert): string {
  const a = redactDeep(alert);
  const rows = a.items.slice(0, MAX_LISTED).map(
    (i) =>
      `<tr><td>${escapeHtml(i.severity)}</td><td>${escapeHtml(i.title)}${i.detail ? `<br><small>${escapeHtml(i.detail)}</small>` : ''}</td>` +
      `<td>${escapeHtml(i.ruleId ?? i.scanner ?? '')}</td><td>${escapeHtml([i.target, i.location].filter(Boolean).join(': '))}</td></tr>`,
  );
  if (a.items.length > MAX_LISTED) rows.push(`<tr><td colspan="4">… and ${a.items.length - MAX_LISTED} more</td></tr>`);
  return [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<h2>${escapeHtml(alertTitle(a))}</h2>`,
    '<table border="1" cellpadding="4" cellspacing="0"><thead><tr><th>severity</th><th>what</th><th>rule</th><th>where</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody></table>`,
    `<p><small>${escapeHtml(footer(a))}</small></p>`,
    '</body></html>',
  ].join('\n');
}

/** The JSON a `format: json` webhook receives. */
export function alertJson(alert: Alert): Record<string, unknown> {
  const a = redactDeep(alert);
  return {
    schemaVersion: 1,
    id: a.id,
    event: a.event,
    severity: alertSeverity(a),
    title: alertTitle(a),
    text: alertText(a),
    createdAt: a.createdAt,
    ...(a.runId || a.trigger ? { run: { id: a.runId ?? null, trigger: a.trigger ?? null } } : {}),
    items: a.items,
  };
}

/** Slack's mrkdwn: `&`, `<` and `>` are the only characters it needs escaped. */
function mrkdwn(s: string): string {
  return s.replace(/[&<>]/g, (c) => HTML_ESCAPES[c]!);
}

function cut(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/**
 * A Slack incoming-webhook payload: `text` (the notification and fallback) and `blocks` (a
 * header, a section per item up to ten, a context line), within Slack's block limits.
 */
export function slackPayload(alert: Alert): { text: string; blocks: Record<string, unknown>[] } {
  const a = redactDeep(alert);
  const title = alertTitle(a);
  const blocks: Record<string, unknown>[] = [{ type: 'header', text: { type: 'plain_text', text: cut(title, SLACK_HEADER), emoji: false } }];
  for (const i of a.items.slice(0, SLACK_LISTED)) {
    const id = i.findingId !== undefined ? ` #${i.findingId}` : '';
    const lines = [`*[${i.severity}]*${id} ${mrkdwn(i.title)}${i.ruleId ? ` \`${mrkdwn(i.ruleId)}\`` : ''}`];
    const ctx = itemContext(i);
    if (ctx) lines.push(mrkdwn(ctx));
    if (i.detail) lines.push(`> ${mrkdwn(i.detail)}`);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(lines.join('\n'), SLACK_SECTION) } });
  }
  const more = a.items.length > SLACK_LISTED ? `… and ${a.items.length - SLACK_LISTED} more · ` : '';
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: cut(mrkdwn(`${more}${footer(a)}`), SLACK_SECTION) }] });
  return { text: cut(alertText(a), SLACK_SECTION), blocks };
}
