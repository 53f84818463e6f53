import type { Command } from 'commander';
import { VigilError } from '../errors.js';
import { ROLES, type ApiTokenInfo } from '../ledger/auth-store.js';
import { currentActor, emit, listOption, maybeConfig, openCommandLedger } from './common.js';

type Common = { ledger?: string; config?: string; actor?: string };

const common = (c: Command) =>
  c
    .option('--ledger <path|url>', 'SQLite file or postgres:// URL (default: $VIGIL_LEDGER, the config, .vigil/ledger.db)')
    .option('-c, --config <file>', 'config file (for its ledger; default ./vigil.yaml when present)')
    .option('--actor <name>', 'who is doing this, for the event log (default: $VIGIL_ACTOR or the OS user)');

/** `vigil tokens create|list|revoke` — API tokens for scripts and CI; a token is shown once. */
export function registerTokens(program: Command): void {
  const tokens = program.command('tokens').summary('API tokens for vigil serve: create (shown once), list, revoke');
  common(
    tokens
      .command('create')
      .description(
        'Create an API token, printed once on stdout (only its SHA-256 is stored); send it as `Authorization: Bearer <token>`.\n' +
          'Recorded in the ledger as a token.created event with its actor (never the token).',
      )
      .requiredOption('--role <role>', ROLES.join(' | '))
      .requiredOption('--name <name>', 'what the token is for; it is the actor of what the token records (1-64 letters, digits, ".", "_", "@" or "-")')
      .option('--expires <date>', 'when it lapses: a date (the end of that day, UTC) or an ISO time')
      .option('-f, --format <format>', 'text | json (json: the token\'s details and the token itself)', 'text'),
  ).action(async (flags: Common & { role: string; name: string; expires?: string; format: string }) => {
    const format = listOption(flags.format, ['text', 'json'] as const, '--format')![0]!;
    const role = listOption(flags.role, ROLES, '--role')![0]!;
    const ledger = await openCommandLedger(flags.ledger, await maybeConfig(flags.config));
    try {
      const { token, secret } = await ledger.auth.createToken({ name: flags.name, role, expires: flags.expires ?? null }, { actor: flags.actor ?? currentActor() });
      process.stderr.write(
        `vigil: token ${token.id} "${token.name}" (role ${token.role}${token.expiresAt ? `, expires ${token.expiresAt}` : ', no expiry'}) created; it is shown once\n`,
      );
      emit(format === 'json' ? `${JSON.stringify({ token, secret }, null, 2)}\n` : `${secret}\n`);
    } finally {
      await ledger.close();
    }
  });
  common(tokens.command('list').description('List API tokens, newest first: id, name, role, prefix, expiry, revocation, last use.').option('-f, --format <format>', 'table | json', 'table')).action(
    async (flags: Common & { format: string }) => {
      const format = listOption(flags.format, ['table', 'json'] as const, '--format')![0]!;
      const ledger = await openCommandLedger(flags.ledger, await maybeConfig(flags.config));
      try {
        const list = await ledger.auth.listTokens();
        if (format === 'json') emit(`${JSON.stringify({ tokens: list }, null, 2)}\n`);
        else if (list.length === 0) emit('no tokens\n');
        else emit(`${list.map(tokenLine).join('\n')}\n`);
      } finally {
        await ledger.close();
      }
    },
  );
  common(tokens.command('revoke').description('Revoke an API token: from now on it is refused (401). Recorded as a token.revoked event.').argument('<id>', 'token id (from `vigil tokens list`)')).action(
    async (idArg: string, flags: Common) => {
      const m = /^#?([0-9]{1,15})$/.exec(idArg.trim());
      if (!m) throw new VigilError('VIGIL_ERR_USAGE', `"${idArg}" is not a token id (a number from \`vigil tokens list\`)`);
      const ledger = await openCommandLedger(flags.ledger, await maybeConfig(flags.config));
      try {
        const { token, changed } = await ledger.auth.revokeToken(Number(m[1]), { actor: flags.actor ?? currentActor() });
        emit(changed ? `token ${token.id} "${token.name}" revoked\n` : `token ${token.id} "${token.name}" was already revoked (${token.revokedAt})\n`);
      } finally {
        await ledger.close();
      }
    },
  );
}

function tokenLine(t: ApiTokenInfo): string {
  const state = t.revokedAt ? `revoked ${t.revokedAt}` : t.expiresAt && Date.parse(t.expiresAt) <= Date.now() ? `expired ${t.expiresAt}` : t.expiresAt ? `expires ${t.expiresAt}` : 'no expiry';
  return `#${String(t.id).padEnd(5)} ${t.name.padEnd(24)} ${t.role.padEnd(8)} ${t.prefix}…  ${state}; last used ${t.lastUsedAt ?? 'never'}`;
}
