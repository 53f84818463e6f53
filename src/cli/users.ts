import type { Command } from 'commander';
import { ROLES } from '../ledger/auth-store.js';
import { currentActor, emit, listOption, maybeConfig, openCommandLedger } from './common.js';

type Common = { ledger?: string; config?: string; actor?: string };

const common = (c: Command) =>
  c
    .option('--ledger <path|url>', 'SQLite file or postgres:// URL (default: $VIGIL_LEDGER, the config, .vigil/ledger.db)')
    .option('-c, --config <file>', 'config file (for its ledger; default ./vigil.yaml when present)')
    .option('--actor <name>', 'who is doing this, for the event log (default: $VIGIL_ACTOR or the OS user)');

/** `vigil users add|list|disable` — people who may use `vigil serve`'s API; a password is shown once. */
export function registerUsers(program: Command): void {
  const users = program.command('users').summary('users of vigil serve: add one (its password is shown once), list, disable');
  common(
    users
      .command('add')
      .description(
        'Add a user with a random password, printed once on stdout (only its scrypt hash is stored). Roles: admin (everything),\n' +
          'analyst (read, triage, incident actions, reports), auditor (read, reports), ci (findings, runs, the gate).\n' +
          'Recorded in the ledger as a user.added event with its actor.',
      )
      .argument('<name>', 'the user\'s name: 1-64 letters, digits, ".", "_", "@" or "-"')
      .requiredOption('--role <role>', ROLES.join(' | ')),
  ).action(async (name: string, flags: Common & { role: string }) => {
    const role = listOption(flags.role, ROLES, '--role')![0]!;
    const ledger = await openCommandLedger(flags.ledger, await maybeConfig(flags.config));
    try {
      const { user, password } = await ledger.auth.addUser(name, role, { actor: flags.actor ?? currentActor() });
      process.stderr.write(`vigil: user ${user.name} (id ${user.id}, role ${user.role}) added; the password below is shown once\n`);
      emit(`${password}\n`);
    } finally {
      await ledger.close();
    }
  });
  common(
    users
      .command('disable')
      .description('Disable a user: their password is refused and their dashboard sessions end at once. Recorded as a user.disabled event with its actor.')
      .argument('<name>', 'the user\'s name'),
  ).action(async (name: string, flags: Common) => {
    const ledger = await openCommandLedger(flags.ledger, await maybeConfig(flags.config));
    try {
      const { user, changed } = await ledger.auth.disableUser(name, { actor: flags.actor ?? currentActor() });
      process.stderr.write(`vigil: user ${user.name} (id ${user.id}) ${changed ? 'disabled; their sessions are ended' : `was already disabled (${user.disabledAt})`}\n`);
    } finally {
      await ledger.close();
    }
  });
  common(users.command('list').description('List users (never their password hashes).').option('-f, --format <format>', 'table | json', 'table')).action(
    async (flags: Common & { format: string }) => {
      const format = listOption(flags.format, ['table', 'json'] as const, '--format')![0]!;
      const ledger = await openCommandLedger(flags.ledger, await maybeConfig(flags.config));
      try {
        const list = await ledger.auth.listUsers();
        if (format === 'json') emit(`${JSON.stringify({ users: list }, null, 2)}\n`);
        else if (list.length === 0) emit('no users\n');
        else emit(`${list.map((u) => `#${String(u.id).padEnd(5)} ${u.name.padEnd(24)} ${u.role.padEnd(8)} added ${u.createdAt}${u.disabledAt ? `  disabled ${u.disabledAt}` : ''}`).join('\n')}\n`);
      } finally {
        await ledger.close();
      }
    },
  );
}
