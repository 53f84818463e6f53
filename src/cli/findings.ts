import type { Command } from 'commander';
import { VigilError } from '../errors.js';
import { FINDING_STATUSES, STATUS_FILTER_WORDS, TRIAGE_STATUSES, expandStatusFilter, type LedgerFinding, type TriageStatus } from '../model/finding.js';
import { formatLocation } from '../model/location.js';
import { SEVERITIES } from '../model/severity.js';
import { currentActor, emit, intOption, listOption, maybeConfig, openCommandLedger } from './common.js';

interface ListFlags {
  ledger?: string;
  config?: string;
  status?: string;
  severity?: string;
  target?: string;
  scanner?: string;
  rule?: string;
  search?: string;
  limit?: string;
  offset?: string;
  format: string;
}

/** `vigil findings list|show|triage` — the ledger from the terminal. */
export function registerFindings(program: Command): void {
  const findings = program.command('findings').summary('list, show and triage findings in the ledger');
  const common = (c: Command) =>
    c
      .option('--ledger <path|url>', 'SQLite file or postgres:// URL (default: $VIGIL_LEDGER, the config, .vigil/ledger.db)')
      .option('-c, --config <file>', 'config file (for its ledger and SLA; default ./vigil.yaml when present)');

  common(
    findings
      .command('list')
      .description('List findings, most severe first. `active` means open, reopened or triaged.')
      .option('--status <list>', `comma list of ${[...FINDING_STATUSES, 'active', 'all'].join(', ')}`, 'active')
      .option('--severity <list>', `comma list of ${SEVERITIES.join(', ')}`)
      .option('--target <name>', 'only this target')
      .option('--scanner <id>', 'only this scanner')
      .option('--rule <id>', 'only this rule')
      .option('--search <text>', 'text in the title, rule or location')
      .option('--limit <n>', 'page size', '50')
      .option('--offset <n>', 'skip this many', '0')
      .option('-f, --format <format>', 'table | json', 'table'),
  ).action(async (flags: ListFlags) => {
    const format = listOption(flags.format, ['table', 'json'] as const, '--format')![0]!;
    const status = expandStatusFilter(listOption(flags.status, STATUS_FILTER_WORDS, '--status') ?? []);
    const severity = listOption(flags.severity, SEVERITIES, '--severity');
    const limit = intOption(flags.limit, '--limit', 50);
    const offset = intOption(flags.offset, '--offset', 0);
    const config = await maybeConfig(flags.config);
    const ledger = await openCommandLedger(flags.ledger, config);
    try {
      await ledger.expireAcceptances();
      const page = await ledger.listFindings({
        ...(status ? { status } : {}),
        ...(severity ? { severity } : {}),
        ...(flags.target ? { target: flags.target } : {}),
        ...(flags.scanner ? { scanner: flags.scanner } : {}),
        ...(flags.rule ? { ruleId: flags.rule } : {}),
        ...(flags.search ? { text: flags.search } : {}),
        limit,
        offset,
        withTotal: format === 'table',
      });
      if (format === 'json') emit(`${JSON.stringify({ findings: page.findings }, null, 2)}\n`);
      else emit(findingsTable(page.findings, page.total ?? page.findings.length, offset));
    } finally {
      await ledger.close();
    }
  });

  common(
    findings
      .command('show')
      .description('One finding with its history from the event log.')
      .argument('<id>', 'finding id (from `vigil findings list`)')
      .option('-f, --format <format>', 'table | json', 'table'),
  ).action(async (idArg: string, flags: { ledger?: string; config?: string; format: string }) => {
    const format = listOption(flags.format, ['table', 'json'] as const, '--format')![0]!;
    const id = findingId(idArg);
    const ledger = await openCommandLedger(flags.ledger, await maybeConfig(flags.config));
    try {
      const f = await ledger.getFinding(id);
      if (!f) throw new VigilError('VIGIL_ERR_FINDING_NOT_FOUND', `no finding with id ${id}`);
      const events = await ledger.findingEvents(id);
      if (format === 'json') {
        emit(`${JSON.stringify({ finding: f, events }, null, 2)}\n`);
        return;
      }
      const lines = [
        `#${f.id} ${f.title}`,
        `  ${f.severity.toUpperCase()}  ${f.status}  ${f.scanner}/${f.ruleId}  target ${f.target}`,
        `  at ${formatLocation(f.location)}`,
        `  first seen ${f.firstSeen}, last seen ${f.lastSeen}${f.slaDue ? `, SLA due ${f.slaDue}` : ''}`,
        `  fingerprint ${f.fingerprint}`,
      ];
      if (f.cwe.length) lines.push(`  ${f.cwe.join(', ')}`);
      if (f.aliases.length) lines.push(`  aliases: ${f.aliases.join(', ')}`);
      if (f.evidence) lines.push('', `  evidence: ${f.evidence}`);
      if (f.remediation) lines.push('', `  fix: ${f.remediation}`);
      for (const r of f.references) lines.push(`  see ${r}`);
      if (f.acceptance) {
        lines.push('', `  accepted by ${f.acceptance.approver}: ${f.acceptance.justification}${f.acceptance.expires ? ` (until ${f.acceptance.expires})` : ''}`);
      }
      lines.push('', '  history:');
      for (const e of events) lines.push(`    ${e.at}  #${e.seq} ${e.type}${e.actor ? ` by ${e.actor}` : ''}  ${JSON.stringify(e.data)}`);
      emit(`${lines.join('\n')}\n`);
    } finally {
      await ledger.close();
    }
  });

  common(
    findings
      .command('triage')
      .description(
        'Set a finding\'s triage status. accepted needs --justification and --approver (and takes --expires,\n' +
          'after which the finding reopens); false_positive needs --justification.',
      )
      .argument('<id>', 'finding id')
      .requiredOption('--status <status>', TRIAGE_STATUSES.join(' | '))
      .option('--justification <text>', 'why (required for accepted and false_positive)')
      .option('--approver <name>', 'who accepted the risk (accepted only)')
      .option('--expires <date>', 'when the acceptance lapses, e.g. 2027-01-31 (accepted only)')
      .option('--note <text>', 'a note for the event log')
      .option('--actor <name>', 'who is triaging (default: $VIGIL_ACTOR or the OS user)')
      .option('-f, --format <format>', 'table | json', 'table'),
  ).action(
    async (
      idArg: string,
      flags: { ledger?: string; config?: string; status: string; justification?: string; approver?: string; expires?: string; note?: string; actor?: string; format: string },
    ) => {
      const format = listOption(flags.format, ['table', 'json'] as const, '--format')![0]!;
      const status = listOption(flags.status, TRIAGE_STATUSES, '--status')![0]! as TriageStatus;
      const id = findingId(idArg);
      const ledger = await openCommandLedger(flags.ledger, await maybeConfig(flags.config));
      try {
        const f = await ledger.triage(id, {
          status,
          actor: flags.actor ?? currentActor(),
          ...(flags.justification !== undefined ? { justification: flags.justification } : {}),
          ...(flags.approver !== undefined ? { approver: flags.approver } : {}),
          ...(flags.expires !== undefined ? { expires: flags.expires } : {}),
          ...(flags.note !== undefined ? { note: flags.note } : {}),
        });
        if (format === 'json') emit(`${JSON.stringify({ finding: f }, null, 2)}\n`);
        else emit(`#${f.id} is now ${f.status}\n`);
      } finally {
        await ledger.close();
      }
    },
  );
}

function findingId(arg: string): number {
  const n = Number(arg.replace(/^#/, ''));
  if (!Number.isInteger(n) || n <= 0) throw new VigilError('VIGIL_ERR_USAGE', `"${arg}" is not a finding id (a positive number)`);
  return n;
}

function findingsTable(rows: LedgerFinding[], total: number, offset: number): string {
  if (rows.length === 0) return 'no findings match\n';
  const cols = process.stdout.columns || 120;
  const locs = rows.map((f) => formatLocation(f.location));
  const locWidth = Math.min(48, Math.max(...locs.map((l) => l.length)));
  const ruleWidth = Math.min(32, Math.max(...rows.map((f) => f.ruleId.length)));
  const cell = (s: string, w: number) => (s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w));
  const out = rows.map((f, i) => {
    const line = `${`#${f.id}`.padEnd(8)} ${f.severity.padEnd(8)} ${f.status.padEnd(14)} ${cell(f.ruleId, ruleWidth)}  ${cell(locs[i]!, locWidth)}  ${f.title}`;
    return line.length > cols ? `${line.slice(0, cols - 1)}…` : line;
  });
  out.push(`${offset + 1}–${offset + rows.length} of ${total}`);
  return `${out.join('\n')}\n`;
}
