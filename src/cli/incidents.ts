import type { Command } from 'commander';
import { VigilError } from '../errors.js';
import { currentActor, emit, intOption, listOption, maybeConfig, openCommandLedger } from './common.js';

type Common = { ledger?: string; config?: string };

/** `vigil incidents list|show|ack|resolve` — incidents opened by runbooks, from the terminal. */
export function registerIncidents(program: Command): void {
  const incidents = program.command('incidents').summary('incidents opened by runbooks: their steps, clocks and timelines');
  const common = (c: Command) =>
    c
      .option('--ledger <path|url>', 'SQLite file or postgres:// URL (default: $VIGIL_LEDGER, the config, .vigil/ledger.db)')
      .option('-c, --config <file>', 'config file (for its ledger; default ./vigil.yaml when present)');

  common(
    incidents
      .command('list')
      .description('List incidents, newest first, with the next step or clock due.')
      .option('--status <status>', 'open | resolved | all', 'open')
      .option('--limit <n>', 'at most this many', '100')
      .option('-f, --format <format>', 'table | json', 'table'),
  ).action(async (flags: Common & { status: string; limit: string; format: string }) => {
    const format = listOption(flags.format, ['table', 'json'] as const, '--format')![0]!;
    const status = listOption(flags.status, ['open', 'resolved', 'all'] as const, '--status')![0]!;
    const limit = intOption(flags.limit, '--limit', 100);
    const { incidentView } = await import('../incidents/view.js');
    const ledger = await openCommandLedger(flags.ledger, await maybeConfig(flags.config));
    try {
      const list = await ledger.incidents.list({ ...(status !== 'all' ? { status } : {}), limit });
      const now = new Date();
      const views = list.map((r) => incidentView(r, now));
      if (format === 'json') {
        emit(`${JSON.stringify({ incidents: views }, null, 2)}\n`);
        return;
      }
      if (views.length === 0) {
        emit(`no ${status === 'all' ? '' : `${status} `}incidents\n`);
        return;
      }
      const lines = views.map((v) => {
        const next = v.next ? `next: ${v.next.kind} ${v.next.id} ${v.next.state} (due ${v.next.due})` : v.status === 'resolved' ? `resolved ${v.resolvedAt}` : 'nothing due';
        return `#${v.id}  ${v.severity.toUpperCase().padEnd(8)} ${v.status.padEnd(8)} ${v.runbook.padEnd(28)} ${v.title}\n      opened ${v.openedAt}; ${next}`;
      });
      emit(`${lines.join('\n')}\n`);
    } finally {
      await ledger.close();
    }
  });

  common(
    incidents
      .command('show')
      .description('One incident: its runbook, every step and clock with due times, and its timeline from the event log.')
      .argument('<id>', 'incident id (from `vigil incidents list`)')
      .option('-f, --format <format>', 'table | json', 'table'),
  ).action(async (idArg: string, flags: Common & { format: string }) => {
    const format = listOption(flags.format, ['table', 'json'] as const, '--format')![0]!;
    const id = incidentId(idArg);
    const { incidentView, incidentText } = await import('../incidents/view.js');
    const ledger = await openCommandLedger(flags.ledger, await maybeConfig(flags.config));
    try {
      const rec = await ledger.incidents.get(id);
      if (!rec) throw new VigilError('VIGIL_ERR_INCIDENT_NOT_FOUND', `no incident with id ${id}`);
      const view = incidentView(rec, new Date());
      emit(format === 'json' ? `${JSON.stringify({ incident: view }, null, 2)}\n` : incidentText(view));
    } finally {
      await ledger.close();
    }
  });

  common(
    incidents
      .command('ack')
      .description(
        'Record progress on an incident: a step done (--step), a clock met — the notice given — (--clock, with the\n' +
          'notice\'s fields as --field id=value), a clock waived with a reason (--waive CLOCK --note WHY), awareness\n' +
          '(--aware [--at TIME]: GDPR Art. 33 clocks count from it), or a note alone (--note). Each is an event of the\n' +
          'ledger\'s hash chain with its actor and time.',
      )
      .argument('<id>', 'incident id')
      .option('--step <id>', 'a step of the runbook, now done')
      .option('--clock <id>', 'a clock of the runbook, now met')
      .option('--field <id=value...>', 'with --clock: a field of the notice, e.g. nature="SQL injection exposed order records"')
      .option('--waive <clock>', 'a clock whose notice is not owed (needs --note with the reason)')
      .option('--aware', 'record when the organisation became aware')
      .option('--at <time>', 'with --aware: when (ISO time; default now)')
      .option('--note <text>', 'what was done, or why')
      .option('--actor <name>', 'who (default: $VIGIL_ACTOR or the OS user)')
      .option('-f, --format <format>', 'table | json', 'table'),
  ).action(
    async (
      idArg: string,
      flags: Common & { step?: string; clock?: string; field?: string[]; waive?: string; aware?: boolean; at?: string; note?: string; actor?: string; format: string },
    ) => {
      const format = listOption(flags.format, ['table', 'json'] as const, '--format')![0]!;
      const id = incidentId(idArg);
      const chosen = [flags.step && '--step', flags.clock && '--clock', flags.waive && '--waive', flags.aware && '--aware'].filter(Boolean);
      if (chosen.length > 1) throw new VigilError('VIGIL_ERR_USAGE', `one action at a time: ${chosen.join(' and ')} were given`);
      if (flags.field?.length && !flags.clock) throw new VigilError('VIGIL_ERR_USAGE', '--field goes with --clock');
      if (flags.at && !flags.aware) throw new VigilError('VIGIL_ERR_USAGE', '--at goes with --aware');
      const note = flags.note;
      let action: import('../incidents/actions.js').IncidentAction;
      if (flags.step) action = { kind: 'step', step: flags.step, ...(note ? { note } : {}) };
      else if (flags.clock) action = { kind: 'clock', clock: flags.clock, ...(note ? { note } : {}), fields: parseFields(flags.field ?? []) };
      else if (flags.waive) {
        if (!note) throw new VigilError('VIGIL_ERR_USAGE', `waiving clock ${flags.waive} needs --note with the reason it is not owed`);
        action = { kind: 'waive', clock: flags.waive, note };
      } else if (flags.aware) action = { kind: 'aware', ...(flags.at ? { at: flags.at } : {}), ...(note ? { note } : {}) };
      else if (note) action = { kind: 'note', note };
      else throw new VigilError('VIGIL_ERR_USAGE', 'say what to record: --step, --clock, --waive, --aware or --note');
      await act(id, action, flags, format);
    },
  );

  common(
    incidents
      .command('resolve')
      .description('Resolve an incident. Its post-incident steps must be done first (exit 2 names them).')
      .argument('<id>', 'incident id')
      .option('--note <text>', 'how it ended')
      .option('--actor <name>', 'who (default: $VIGIL_ACTOR or the OS user)')
      .option('-f, --format <format>', 'table | json', 'table'),
  ).action(async (idArg: string, flags: Common & { note?: string; actor?: string; format: string }) => {
    const format = listOption(flags.format, ['table', 'json'] as const, '--format')![0]!;
    await act(incidentId(idArg), { kind: 'resolve', ...(flags.note ? { note: flags.note } : {}) }, flags, format);
  });
}

async function act(id: number, action: import('../incidents/actions.js').IncidentAction, flags: Common & { actor?: string }, format: 'table' | 'json'): Promise<void> {
  const { incidentView, incidentText } = await import('../incidents/view.js');
  const ledger = await openCommandLedger(flags.ledger, await maybeConfig(flags.config));
  try {
    const rec = await ledger.incidents.act(id, action, { actor: flags.actor ?? currentActor() });
    const view = incidentView(rec, new Date());
    const last = rec.timeline[rec.timeline.length - 1]!;
    if (format === 'json') emit(`${JSON.stringify({ incident: view }, null, 2)}\n`);
    else emit(`incident ${rec.id}: ${last.action}${last.detail ? ` — ${last.detail}` : ''} (event #${last.seq})\n${incidentText(view)}`);
  } finally {
    await ledger.close();
  }
}

function incidentId(s: string): number {
  const id = /^#?([0-9]{1,15})$/.exec(s.trim());
  if (!id) throw new VigilError('VIGIL_ERR_USAGE', `"${s}" is not an incident id (a number from \`vigil incidents list\`)`);
  return Number(id[1]);
}

/** `--field nature=text` pairs; a value may contain "=". */
function parseFields(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new VigilError('VIGIL_ERR_USAGE', `--field "${p}" is not id=value`);
    out[p.slice(0, i).trim()] = p.slice(i + 1);
  }
  return out;
}
