import { exclusionOf } from '../src/gate/gate.js';
import { formatLocation } from '../src/model/location.js';
import type { ReportedFinding, ScanReport } from '../src/model/report.js';
import { SEVERITIES, type Severity } from '../src/model/severity.js';

export interface TableOptions {
  /** ANSI colours (for a TTY that allows them). */
  color: boolean;
  /** Total line width to fit; defaults to 120. */
  width?: number;
}

const SEVERITY_COLOUR: Record<Severity, string> = {
  critical: '\u001b[1;35m',
  high: '\u001b[31m',
  medium: '\u001b[33m',
  low: '\u001b[36m',
  info: '\u001b[2m',
};
const RED = '\u001b[31m';
const GREEN = '\u001b[32m';
const BOLD = '\u001b[1m';
const RESET = '\u001b[0m';

const HEADERS = ['SEVERITY', 'RULE', 'LOCATION', 'TITLE', 'STATUS'] as const;
/** The least width each column keeps when a long line is shrunk to fit. */
const MIN_WIDTH = [8, 8, 12, 12, 6];
const GAP = '  ';
/** The location column loses its start, not its end: the file name and line are what a reader needs. */
const LOCATION = 2;

/** A table for people at a terminal: one row per finding, then the summary and failed parts. */
export function writeTable(report: ScanReport, opts: TableOptions): string {
  const width = Math.max(40, opts.width ?? 120);
  const paint = (code: string, s: string) => (opts.color ? `${code}${s}${RESET}` : s);
  const out: string[] = [];

  if (report.findings.length === 0) {
    out.push('No findings.');
  } else {
    const rows = report.findings.map((f) => [f.severity, f.ruleId, formatLocation(f.location), f.title, statusOf(f)].map(clean));
    const widths = fitWidths(
      HEADERS.map((h, i) => Math.max(h.length, ...rows.map((r) => charLength(r[i]!)))),
      width,
    );
    out.push(paint(BOLD, layout([...HEADERS], widths, width)));
    report.findings.forEach((f, n) => {
      const line = layout(rows[n]!, widths, width);
      // colour after laying out so escape codes do not count toward the width
      const sev = [...line].slice(0, widths[0]).join('');
      out.push(paint(SEVERITY_COLOUR[f.severity], sev) + line.slice(sev.length));
    });
  }

  for (const p of report.run.parts) {
    if (!p.report?.lines.length) continue;
    out.push('');
    out.push(paint(BOLD, truncate(clean(`${p.scanner} on ${p.target}`), width)));
    for (const l of p.report.lines) out.push(truncate(clean(l), width));
  }

  out.push('');
  out.push(summaryLine(report, paint));
  for (const p of report.run.parts) {
    if (p.status === 'complete') continue;
    if (p.status === 'skipped') {
      out.push(truncate(clean(`– ${p.scanner} on ${p.target}: ${p.notes?.[0] ?? 'skipped'}`), width));
      continue;
    }
    const line = truncate(clean(`✗ ${p.scanner} on ${p.target}: ${p.error ?? p.status}`), width);
    out.push(paint(RED, line));
  }
  return `${out.join('\n')}\n`;
}

/** `3 critical, 5 high, … — gate failed at high (4 findings)`, or `… — gate passed`. */
function summaryLine(report: ScanReport, paint: (code: string, s: string) => string): string {
  const counts = SEVERITIES.map((s) => `${report.summary[s]} ${s}`).join(', ');
  const g = report.gate;
  const verdict = g.failed
    ? paint(RED, `gate failed at ${g.failOn} (${g.counted} finding${g.counted === 1 ? '' : 's'})`)
    : paint(GREEN, g.failOn === 'none' ? 'gate passed (--fail-on none)' : 'gate passed');
  const extra: string[] = [];
  if (g.suppressed) extra.push(`${g.suppressed} suppressed`);
  if (g.baselined) extra.push(`${g.baselined} unchanged from baseline`);
  return `${counts} — ${verdict}${extra.length ? `; ${extra.join(', ')}` : ''}`;
}

function statusOf(f: ReportedFinding): string {
  switch (exclusionOf(f)) {
    case 'suppressed':
      return 'suppressed';
    case 'baselined':
      return 'baseline';
    default:
      if (f.status) return f.status.replace('_', ' ');
      return f.baselineState === 'new' ? 'new' : '';
  }
}

/** Shrink the widest columns until the row fits, never below each column's minimum. */
function fitWidths(natural: number[], total: number): number[] {
  const w = [...natural];
  const budget = total - GAP.length * (w.length - 1);
  let sum = w.reduce((a, b) => a + b, 0);
  while (sum > budget) {
    let widest = -1;
    for (let i = 0; i < w.length; i++) {
      if (w[i]! > MIN_WIDTH[i]! && (widest === -1 || w[i]! > w[widest]!)) widest = i;
    }
    if (widest === -1) break;
    w[widest]!--;
    sum--;
  }
  return w;
}

/** One row; on a terminal too narrow even for the minimums, the row itself is cut. */
function layout(cells: string[], widths: number[], total: number): string {
  const fitted = cells.map((c, i) => pad(i === LOCATION ? truncateStart(c, widths[i]!) : truncate(c, widths[i]!), widths[i]!));
  return truncate(fitted.join(GAP).trimEnd(), total);
}

/**
 * Findings carry scanned text; control characters (ANSI escapes above all) must not reach
 * the terminal, where they could rewrite what the user sees.
 */
function clean(s: string): string {
  return s.replace(/[\u0000-\u001F\u007F-\u009F]+/g, ' ').trim();
}

function truncate(s: string, width: number): string {
  const chars = [...s];
  if (chars.length <= width) return s;
  return width <= 1 ? chars.slice(0, width).join('') : `${chars.slice(0, width - 1).join('')}…`;
}

function truncateStart(s: string, width: number): string {
  const chars = [...s];
  if (chars.length <= width) return s;
  return width <= 1 ? chars.slice(chars.length - width).join('') : `…${chars.slice(chars.length - width + 1).join('')}`;
}

/** Length in code points, so an emoji in a title counts once. */
function charLength(s: string): number {
  return [...s].length;
}

function pad(s: string, width: number): string {
  const len = charLength(s);
  return len >= width ? s : s + ' '.repeat(width - len);
}
