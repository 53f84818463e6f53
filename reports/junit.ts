import { countsTowardGate, exclusionOf } from '../src/gate/gate.js';
import { formatLocation } from '../src/model/location.js';
import type { ReportedFinding, ScanReport } from '../src/model/report.js';
import type { RunPart } from '../src/model/run.js';

/**
 * Characters XML 1.0 cannot carry at all, not even as character references: C0 controls
 * other than tab/LF/CR, U+FFFE/U+FFFF and unpaired surrogates. Scanned content is
 * arbitrary, so they are dropped rather than let them break the CI's parser.
 */
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text safe for XML character data. */
export function xmlText(s: string): string {
  return s.replace(XML_FORBIDDEN, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Text safe inside a double-quoted XML attribute; whitespace is kept as references so parsers do not fold it. */
export function xmlAttr(s: string): string {
  return xmlText(s)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

interface Suite {
  name: string;
  part?: RunPart;
  cases: string[];
  failures: number;
  errors: number;
  skipped: number;
}

/** JUnit XML: a suite per scanner and target, a test case per finding; failures are what fails the gate. */
export function writeJunit(report: ScanReport): string {
  const suites = new Map<string, Suite>();
  const suiteFor = (scanner: string, target: string): Suite => {
    const name = `${scanner}:${target}`;
    let s = suites.get(name);
    if (!s) {
      s = { name, cases: [], failures: 0, errors: 0, skipped: 0 };
      suites.set(name, s);
    }
    return s;
  };
  // parts first, in run order, so suites with no findings still show up as passing
  for (const p of report.run.parts) suiteFor(p.scanner, p.target).part = p;

  for (const f of report.findings) {
    const suite = suiteFor(f.scanner, f.target);
    const open = `    <testcase classname="${xmlAttr(f.ruleId)}" name="${xmlAttr(`${f.title} @ ${formatLocation(f.location)}`)}">`;
    const skip = skipReason(f);
    if (skip !== undefined) {
      suite.skipped++;
      suite.cases.push(`${open}\n      <skipped message="${xmlAttr(skip)}"/>\n    </testcase>`);
    } else if (countsTowardGate(f, report.gate.failOn)) {
      suite.failures++;
      suite.cases.push(
        `${open}\n      <failure message="${xmlAttr(f.title)}" type="${f.severity}">${xmlText(failureBody(f))}</failure>\n    </testcase>`,
      );
    } else {
      // below the --fail-on threshold: reported, but it does not fail the build
      suite.cases.push(`${open}</testcase>`);
    }
  }

  for (const s of suites.values()) {
    const p = s.part;
    if (p && p.status === 'skipped') {
      s.skipped++;
      s.cases.push(
        `    <testcase classname="${xmlAttr(p.scanner)}" name="${xmlAttr(`${p.scanner} on ${p.target}`)}">\n` +
          `      <skipped message="${xmlAttr(p.notes?.[0] ?? 'skipped')}"/>\n    </testcase>`,
      );
    } else if (p && p.status !== 'complete') {
      s.errors++;
      const message = p.error ?? `${p.scanner} on ${p.target}: ${p.status}`;
      s.cases.push(
        `    <testcase classname="${xmlAttr(p.scanner)}" name="${xmlAttr(`${p.scanner} on ${p.target}`)}">\n` +
          `      <error message="${xmlAttr(message)}" type="${xmlAttr(p.status)}">${xmlText(
            `scanner ${p.scanner} on target ${p.target} ended ${p.status}: ${message}`,
          )}</error>\n    </testcase>`,
      );
    }
  }

  const all = [...suites.values()];
  const total = (k: 'failures' | 'errors' | 'skipped') => all.reduce((n, s) => n + s[k], 0);
  const tests = all.reduce((n, s) => n + s.cases.length, 0);
  const runTime = seconds(report.run.startedAt, report.run.finishedAt);

  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines.push(
    `<testsuites name="vigil" tests="${tests}" failures="${total('failures')}" errors="${total('errors')}" skipped="${total(
      'skipped',
    )}"${runTime === undefined ? '' : ` time="${runTime}"`}>`,
  );
  for (const s of all) {
    const time = s.part ? seconds(s.part.startedAt, s.part.finishedAt) : undefined;
    const attrs =
      `name="${xmlAttr(s.name)}" tests="${s.cases.length}" failures="${s.failures}" errors="${s.errors}" skipped="${s.skipped}"` +
      (time === undefined ? '' : ` time="${time}"`);
    if (s.cases.length === 0) {
      lines.push(`  <testsuite ${attrs}/>`);
      continue;
    }
    lines.push(`  <testsuite ${attrs}>`, ...s.cases, '  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

function skipReason(f: ReportedFinding): string | undefined {
  switch (exclusionOf(f)) {
    case 'suppressed':
      return `suppressed: ${f.suppression ? f.suppression.reason : `marked ${f.status} in the vigil ledger`}`;
    case 'baselined':
      return 'baselined: unchanged since the baseline';
    case 'settled':
      return `ledger: ${f.status}`;
    default:
      return undefined;
  }
}

function failureBody(f: ReportedFinding): string {
  const lines = [
    `${f.severity.toUpperCase()} ${f.ruleId}: ${f.title}`,
    `Location: ${formatLocation(f.location)}`,
    `Target: ${f.target}`,
  ];
  if (f.cwe.length) lines.push(`CWE: ${f.cwe.join(', ')}`);
  if (f.aliases.length) lines.push(`Aliases: ${f.aliases.join(', ')}`);
  if (f.evidence) lines.push(`Evidence: ${f.evidence}`);
  if (f.remediation) lines.push(`Remediation: ${f.remediation}`);
  if (f.references.length) lines.push(`References:`, ...f.references.map((r) => `  ${r}`));
  lines.push(`Fingerprint: ${f.fingerprint}`);
  return lines.join('\n');
}

function seconds(from: string | null, to: string | null): string | undefined {
  if (!from || !to) return undefined;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms >= 0 ? (ms / 1000).toFixed(3) : undefined;
}
