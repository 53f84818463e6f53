/**
 * The record of processing activities (GDPR Art. 30(1)) from a Fides data map: one row per
 * processing activity — a system's privacy declaration — with a column for each of Art. 30(1)(a)
 * to (g), plus the lawful basis, the Art. 9 condition, the DPIA and where the activity is written.
 * Written as CSV (RFC 4180, spreadsheet formulas defused) or as a self-contained HTML page; the
 * PDF comes with the audit report.
 */
import path from 'node:path';
import { countryNames } from '../scanners/datamap/adequacy.js';
import type { ContactDetails, DataMap, Organization, PrivacyDeclaration, System, TaxonomyKind } from '../scanners/datamap/types.js';

/** The columns, in order: a key, the header and the part of Art. 30(1) (or other article) it answers. */
export const ROPA_COLUMNS = [
  { key: 'activity', header: 'Processing activity', article: '' },
  { key: 'system', header: 'System', article: '' },
  { key: 'controller', header: 'Controller (name and contact details)', article: 'Art. 30(1)(a)' },
  { key: 'jointController', header: 'Joint controller', article: 'Art. 30(1)(a)' },
  { key: 'representative', header: "Controller's representative", article: 'Art. 30(1)(a)' },
  { key: 'dpo', header: 'Data protection officer', article: 'Art. 30(1)(a)' },
  { key: 'purpose', header: 'Purpose of the processing', article: 'Art. 30(1)(b)' },
  { key: 'lawfulBasis', header: 'Lawful basis', article: 'Art. 6(1)' },
  { key: 'specialCategoryCondition', header: 'Special-category condition', article: 'Art. 9(2)' },
  { key: 'dataSubjects', header: 'Categories of data subjects', article: 'Art. 30(1)(c)' },
  { key: 'dataCategories', header: 'Categories of personal data', article: 'Art. 30(1)(c)' },
  { key: 'recipients', header: 'Categories of recipients', article: 'Art. 30(1)(d)' },
  { key: 'transfers', header: 'Transfers to third countries and safeguards', article: 'Art. 30(1)(e)' },
  { key: 'retention', header: 'Time limits for erasure', article: 'Art. 30(1)(f)' },
  { key: 'security', header: 'Technical and organisational security measures', article: 'Art. 30(1)(g)' },
  { key: 'dpia', header: 'Data protection impact assessment', article: 'Art. 35' },
  { key: 'source', header: 'Written at', article: '' },
] as const;

export type RopaColumn = (typeof ROPA_COLUMNS)[number]['key'];
export type RopaRow = Record<RopaColumn, string>;

export interface Ropa {
  /** The organisation the record is for (the first one the map declares), when there is one. */
  organization?: string;
  rows: RopaRow[];
  /** Files the map was read from, relative to the base folder. */
  files: string[];
}

/** What is not given is said as such, so an empty cell is never mistaken for "none". */
const NOT_GIVEN = 'not given';

function contact(c: ContactDetails | undefined): string | undefined {
  if (!c) return undefined;
  const parts = [c.name, c.address, c.email, c.phone].filter((x): x is string => !!x && x.trim() !== '');
  return parts.length ? parts.join(', ') : undefined;
}

/** Build the record: one row per privacy declaration of every system that processes personal data. */
export function buildRopa(map: DataMap, opts: { baseDir: string }): Ropa {
  const orgs = new Map(map.organizations.map((o) => [o.fides_key, o]));
  const firstOrg = map.organizations[0];
  const systems = new Map(map.systems.map((s) => [s.fides_key, s]));
  const name = (kind: TaxonomyKind, key: string) => {
    const e = map.taxonomy.get(kind, key);
    return e?.name ? `${e.name} (${key})` : key;
  };
  const names = (kind: TaxonomyKind, keys: readonly string[]) => (keys.length ? keys.map((k) => name(kind, k)).join('; ') : NOT_GIVEN);
  const rel = (file: string) => path.relative(opts.baseDir, file).split(path.sep).join('/');
  const countries = countryNames();
  const rows: RopaRow[] = [];
  for (const sys of map.systems) {
    if (sys.processes_personal_data === false || sys.privacy_declarations.length === 0) continue;
    const org: Organization | undefined = orgs.get(sys.organization_fides_key) ?? firstOrg;
    for (const d of sys.privacy_declarations) rows.push(row(sys, d, org));
  }
  return { ...(firstOrg ? { organization: firstOrg.name ?? firstOrg.fides_key } : {}), rows, files: map.files.map(rel) };

  function row(sys: System, d: PrivacyDeclaration, org: Organization | undefined): RopaRow {
    const recipients: string[] = [];
    if (d.data_shared_with_third_parties) recipients.push(`third parties: ${d.third_parties ?? 'not named'}${d.shared_categories.length ? ` (${names('data_category', d.shared_categories)})` : ''}`);
    if (sys.responsibility.includes('Processor') || sys.responsibility.includes('Sub-Processor')) recipients.push(`processor: ${sys.name ?? sys.fides_key}${sys.dpa_location ? ` (DPA: ${sys.dpa_location})` : ''}`);
    for (const flow of [...d.egress, ...sys.egress.map((e) => e.fides_key)]) {
      const target = systems.get(flow);
      recipients.push(`system: ${target?.name ?? flow}`);
    }
    const transfers = sys.vigil.transfers.map((t) => {
      const country = `${countries.get(t.country) ?? t.country} (${t.country})`;
      const recipient = t.recipient ? `, ${t.recipient}` : '';
      return `${country}${recipient}: ${t.mechanism ?? 'no mechanism given'}${t.dpf_certified ? ', DPF-certified' : ''}${t.reference ? ` — ${t.reference}` : ''}`;
    });
    if (transfers.length === 0 && sys.does_international_transfers) transfers.push(`yes${sys.legal_basis_for_transfers.length ? `: ${sys.legal_basis_for_transfers.join('; ')}` : ', countries not given'}`);
    const dpia = sys.vigil.dpia ? `${sys.vigil.dpia.status}: ${sys.vigil.dpia.location}${sys.vigil.dpia.date ? ` (${sys.vigil.dpia.date})` : ''}` : d.impact_assessment_location ?? (sys.requires_data_protection_assessments ? 'required, not located' : 'none recorded');
    return {
      activity: d.name ?? name('data_use', d.data_use),
      system: `${sys.name ?? sys.fides_key} (${sys.fides_key})`,
      controller: sys.responsibility.includes('Controller') || sys.responsibility.length === 0 ? (contact(org?.controller) ?? (sys.legal_name ? [sys.legal_name, sys.legal_address].filter(Boolean).join(', ') : NOT_GIVEN)) : contact(org?.controller) ?? NOT_GIVEN,
      jointController: sys.joint_controller_info ?? 'none',
      representative: contact(org?.representative) ?? 'none',
      dpo: sys.dpo ?? contact(org?.data_protection_officer) ?? NOT_GIVEN,
      purpose: name('data_use', d.data_use),
      lawfulBasis: d.legal_basis_for_processing ?? NOT_GIVEN,
      specialCategoryCondition: d.processes_special_category_data ? (d.special_category_legal_basis ?? NOT_GIVEN) : 'not applicable',
      dataSubjects: names('data_subject', d.data_subjects),
      dataCategories: names('data_category', d.data_categories),
      recipients: recipients.length ? recipients.join('; ') : 'none',
      transfers: transfers.length ? transfers.join('; ') : 'none',
      retention: d.retention_period ?? NOT_GIVEN,
      security: sys.data_security_practices ?? org?.security_policy ?? NOT_GIVEN,
      dpia,
      source: `${rel(d.where.file)}:${d.where.line}`,
    };
  }
}

/**
 * A cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab, carriage return first)
 * gets a leading `'`, so opening the CSV runs nothing (OWASP's CSV injection advice).
 */
function csvCell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** RFC 4180 CSV with a header row, CRLF line ends. */
export function ropaCsv(ropa: Ropa): string {
  const lines = [ROPA_COLUMNS.map((c) => csvCell(c.article ? `${c.header} (${c.article})` : c.header)).join(',')];
  for (const r of ropa.rows) lines.push(ROPA_COLUMNS.map((c) => csvCell(r[c.key])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A self-contained HTML page: no script, no external resource. */
export function ropaHtml(ropa: Ropa, generatedAt: Date = new Date()): string {
  const title = `Record of processing activities${ropa.organization ? ` — ${ropa.organization}` : ''}`;
  const head = ROPA_COLUMNS.map((c) => `<th scope="col">${escapeHtml(c.header)}${c.article ? `<br><small>${escapeHtml(c.article)}</small>` : ''}</th>`).join('');
  const body = ropa.rows.map((r) => `<tr>${ROPA_COLUMNS.map((c) => `<td>${escapeHtml(r[c.key])}</td>`).join('')}</tr>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>
body { font: 13px/1.4 system-ui, sans-serif; margin: 1.5em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #999; padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: #eee; }
small { font-weight: normal; color: #555; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>GDPR Art. 30(1): one row per processing activity. Generated by vigil on ${escapeHtml(generatedAt.toISOString())} from ${escapeHtml(ropa.files.join(', ') || 'no files')}; ${ropa.rows.length} activit${ropa.rows.length === 1 ? 'y' : 'ies'}. “${NOT_GIVEN}” marks what the data map does not say.</p>
<table>
<thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody>
</table>
</body>
</html>
`;
}
