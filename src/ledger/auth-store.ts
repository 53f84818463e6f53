import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { VigilError } from '../errors.js';
import { TOKEN_PATTERN, dummyPasswordCheck, hashPassword, newApiToken, newPassword, tokenHash, verifyPassword } from './credentials.js';
import type { Append, WriteTransaction } from './incident-store.js';
import type { ApiTokensTable, LedgerDatabase, UsersTable } from './schema.js';

type Db = Kysely<LedgerDatabase>;

/**
 * Roles of `vigil serve`'s API: `admin` everything; `analyst` read, triage, incident actions and
 * reports; `auditor` read and reports; `ci` findings, runs and the gate. What each may call is one
 * table in src/server/permissions.ts.
 */
export const ROLES = ['admin', 'analyst', 'auditor', 'ci'] as const;
export type Role = (typeof ROLES)[number];

/** Who a request acts as: the token's or the user's name is the actor of what it changes. */
export interface Principal {
  kind: 'token' | 'user';
  id: number;
  name: string;
  role: Role;
}

export interface UserInfo {
  id: number;
  name: string;
  role: Role;
  createdAt: string;
  disabledAt: string | null;
}

/** An API token as it may be listed: never the token or its hash. */
export interface ApiTokenInfo {
  id: number;
  name: string;
  role: Role;
  /** The token's first characters (`vgl_` and 8 more). */
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export type TokenCheck = { ok: true; principal: Principal } | { ok: false; reason: 'unknown' | 'expired' | 'revoked' };
export type PasswordCheck = { ok: true; principal: Principal } | { ok: false; reason: 'unknown' | 'disabled' | 'wrong' };

/** Users and API tokens in the ledger's database; adding, creating and revoking are events of the chain, with their actor. */
export interface AuthStore {
  /** Add a user with a random password, returned once (only its scrypt hash is stored). */
  addUser(name: string, role: string, opts: { actor: string | null; now?: Date }): Promise<{ user: UserInfo; password: string }>;
  listUsers(): Promise<UserInfo[]>;
  /** Disable a user: their password and their dashboard sessions stop working at once (a user.disabled event). Disabling one already disabled changes nothing. */
  disableUser(name: string, opts: { actor: string | null; now?: Date }): Promise<{ user: UserInfo; changed: boolean }>;
  /** Check a user's password (constant time; an unknown name costs the same as a wrong password). */
  checkPassword(name: string, password: string): Promise<PasswordCheck>;
  /** Create a token, returned once (only its SHA-256 is stored). `expires`: an ISO date (the end of that day, UTC) or time. */
  createToken(spec: { name: string; role: string; expires?: string | null }, opts: { actor: string | null; now?: Date }): Promise<{ token: ApiTokenInfo; secret: string }>;
  /** Every token, newest first. */
  listTokens(): Promise<ApiTokenInfo[]>;
  /** Revoke a token; revoking one already revoked changes nothing (`changed: false`). */
  revokeToken(id: number, opts: { actor: string | null; now?: Date }): Promise<{ token: ApiTokenInfo; changed: boolean }>;
  /** Who a presented token is, or why it is refused. */
  resolveToken(secret: string, opts?: { now?: Date }): Promise<TokenCheck>;
  /** A new dashboard session for a user; the id (for the cookie) is returned once, only its SHA-256 is stored. */
  createSession(userId: number, opts: { ttlMs: number; now?: Date }): Promise<{ id: string; csrf: string; expiresAt: string }>;
  /** The live session an id names, with its user as the ledger holds them now: a disabled or removed user has none. */
  session(id: string, opts?: { now?: Date }): Promise<{ principal: Principal; csrf: string; expiresAt: string } | undefined>;
  /** End a session (logging out); an unknown id changes nothing. */
  endSession(id: string): Promise<void>;
}

/** Sessions one user keeps at most: a new login past it ends their oldest. */
const SESSIONS_PER_USER = 20;

/** Names of users and tokens: they become the actor of events and appear in logs. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
/** How stale `last_used_at` may get before a request rewrites it: one write a minute per token, not one a request. */
const LAST_USED_RESOLUTION_MS = 60_000;

export class KyselyAuthStore implements AuthStore {
  constructor(
    private readonly db: Db,
    private readonly write: WriteTransaction,
    private readonly append: Append,
  ) {}

  async addUser(name: string, role: string, opts: { actor: string | null; now?: Date }): Promise<{ user: UserInfo; password: string }> {
    const r = checkRole(role);
    checkName(name, 'user');
    const now = (opts.now ?? new Date()).toISOString();
    const password = newPassword();
    // hashed before the write lock is taken: scrypt takes ~50 ms
    const passwordHash = await hashPassword(password);
    const user = await this.write(async (trx) => {
      const prior = await trx.selectFrom('users').select('id').where('name', '=', name).executeTakeFirst();
      if (prior) throw new VigilError('VIGIL_ERR_USER_EXISTS', `a user named "${name}" already exists (id ${prior.id})`);
      const ins = await trx
        .insertInto('users')
        .values({ name, role: r, password_hash: passwordHash, created_at: now, disabled_at: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      const id = Number(ins.id);
      await this.append(trx, [{ type: 'user.added', runId: null, findingId: null, actor: opts.actor, data: { id, name, role: r } }], now);
      return { id, name, role: r, createdAt: now, disabledAt: null };
    });
    return { user, password };
  }

  async listUsers(): Promise<UserInfo[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('id').execute();
    return rows.map(userInfo);
  }

  async disableUser(name: string, opts: { actor: string | null; now?: Date }): Promise<{ user: UserInfo; changed: boolean }> {
    const now = (opts.now ?? new Date()).toISOString();
    return this.write(async (trx) => {
      const row = NAME.test(name) ? await trx.selectFrom('users').selectAll().where('name', '=', name).executeTakeFirst() : undefined;
      if (!row) throw new VigilError('VIGIL_ERR_USER_NOT_FOUND', `no user named "${name}"`);
      if (row.disabled_at) return { user: userInfo(row), changed: false };
      await trx.updateTable('users').set({ disabled_at: now }).where('id', '=', row.id).execute();
      await trx.deleteFrom('sessions').where('user_id', '=', Number(row.id)).execute();
      await this.append(trx, [{ type: 'user.disabled', runId: null, findingId: null, actor: opts.actor, data: { id: Number(row.id), name: row.name } }], now);
      return { user: userInfo({ ...row, disabled_at: now }), changed: true };
    });
  }

  async checkPassword(name: string, password: string): Promise<PasswordCheck> {
    const row = NAME.test(name) ? await this.db.selectFrom('users').selectAll().where('name', '=', name).executeTakeFirst() : undefined;
    if (!row) {
      await dummyPasswordCheck(password);
      return { ok: false, reason: 'unknown' };
    }
    const match = await verifyPassword(password, row.password_hash);
    if (!match) return { ok: false, reason: 'wrong' };
    if (row.disabled_at) return { ok: false, reason: 'disabled' };
    const u = userInfo(row);
    return { ok: true, principal: { kind: 'user', id: u.id, name: u.name, role: u.role } };
  }

  async createToken(spec: { name: string; role: string; expires?: string | null }, opts: { actor: string | null; now?: Date }): Promise<{ token: ApiTokenInfo; secret: string }> {
    const role = checkRole(spec.role);
    checkName(spec.name, 'token');
    const nowDate = opts.now ?? new Date();
    const now = nowDate.toISOString();
    const expiresAt = spec.expires ? expiryOf(spec.expires, nowDate) : null;
    const { token: secret, hash, prefix } = newApiToken();
    const token = await this.write(async (trx) => {
      const ins = await trx
        .insertInto('api_tokens')
        .values({ name: spec.name, role, token_hash: hash, prefix, created_at: now, expires_at: expiresAt, revoked_at: null, last_used_at: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      const id = Number(ins.id);
      // the event names the token by id: neither the token, its hash nor its prefix is chained
      await this.append(trx, [{ type: 'token.created', runId: null, findingId: null, actor: opts.actor, data: { id, name: spec.name, role, expiresAt } }], now);
      return { id, name: spec.name, role, prefix, createdAt: now, expiresAt, revokedAt: null, lastUsedAt: null } satisfies ApiTokenInfo;
    });
    return { token, secret };
  }

  async listTokens(): Promise<ApiTokenInfo[]> {
    const rows = await this.db.selectFrom('api_tokens').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    return rows.map(tokenInfo);
  }

  async revokeToken(id: number, opts: { actor: string | null; now?: Date }): Promise<{ token: ApiTokenInfo; changed: boolean }> {
    const now = (opts.now ?? new Date()).toISOString();
    return this.write(async (trx) => {
      const row = await trx.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new VigilError('VIGIL_ERR_TOKEN_NOT_FOUND', `no API token with id ${id}`);
      if (row.revoked_at) return { token: tokenInfo(row), changed: false };
      await trx.updateTable('api_tokens').set({ revoked_at: now }).where('id', '=', id).execute();
      await this.append(trx, [{ type: 'token.revoked', runId: null, findingId: null, actor: opts.actor, data: { id, name: row.name } }], now);
      return { token: tokenInfo({ ...row, revoked_at: now }), changed: true };
    });
  }

  async createSession(userId: number, opts: { ttlMs: number; now?: Date }): Promise<{ id: string; csrf: string; expiresAt: string }> {
    const now = opts.now ?? new Date();
    const id = randomBytes(32).toString('base64url');
    const csrf = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + opts.ttlMs).toISOString();
    await this.write(async (trx) => {
      await trx.deleteFrom('sessions').where('expires_at', '<=', now.toISOString()).execute();
      const kept = await trx.selectFrom('sessions').select('id_hash').where('user_id', '=', userId).orderBy('created_at', 'desc').offset(SESSIONS_PER_USER - 1).limit(1000).execute();
      if (kept.length) await trx.deleteFrom('sessions').where('id_hash', 'in', kept.map((k) => k.id_hash)).execute();
      await trx.insertInto('sessions').values({ id_hash: tokenHash(id), user_id: userId, csrf, created_at: now.toISOString(), expires_at: expiresAt }).execute();
    });
    return { id, csrf, expiresAt };
  }

  async session(id: string, opts: { now?: Date } = {}): Promise<{ principal: Principal; csrf: string; expiresAt: string } | undefined> {
    if (!id || id.length > 200) return undefined;
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['sessions.csrf', 'sessions.expires_at', 'users.id', 'users.name', 'users.role', 'users.disabled_at'])
      .where('sessions.id_hash', '=', tokenHash(id))
      .executeTakeFirst();
    if (!row || row.disabled_at || row.expires_at <= (opts.now ?? new Date()).toISOString()) return undefined;
    return { principal: { kind: 'user', id: Number(row.id), name: row.name, role: checkRole(row.role) }, csrf: row.csrf, expiresAt: row.expires_at };
  }

  async endSession(id: string): Promise<void> {
    if (!id || id.length > 200) return;
    await this.db.deleteFrom('sessions').where('id_hash', '=', tokenHash(id)).execute();
  }

  async resolveToken(secret: string, opts: { now?: Date } = {}): Promise<TokenCheck> {
    // the shape is checked first: anything else never reaches the database
    if (!TOKEN_PATTERN.test(secret)) return { ok: false, reason: 'unknown' };
    const row = await this.db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash(secret)).executeTakeFirst();
    if (!row) return { ok: false, reason: 'unknown' };
    if (row.revoked_at) return { ok: false, reason: 'revoked' };
    const now = opts.now ?? new Date();
    if (row.expires_at && Date.parse(row.expires_at) <= now.getTime()) return { ok: false, reason: 'expired' };
    if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) >= LAST_USED_RESOLUTION_MS) {
      // bookkeeping, not the record: outside the chain, and a failure here never refuses the request
      await this.db
        .updateTable('api_tokens')
        .set({ last_used_at: now.toISOString() })
        .where('id', '=', row.id)
        .execute()
        .catch(() => undefined);
    }
    const t = tokenInfo(row);
    return { ok: true, principal: { kind: 'token', id: t.id, name: t.name, role: t.role } };
  }
}

/** True for one of ROLES. */
export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

function checkRole(role: string): Role {
  if (!isRole(role)) throw new VigilError('VIGIL_ERR_AUTH_INVALID', `role "${role}" is not one of ${ROLES.join(', ')}`);
  return role;
}

function checkName(name: string, what: 'user' | 'token'): void {
  if (!NAME.test(name)) {
    throw new VigilError('VIGIL_ERR_AUTH_INVALID', `${what} name "${name.slice(0, 80)}" must be 1-64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit`);
  }
}

/** An expiry as an ISO time: a bare date means the end of that day (UTC). It must be in the future. */
function expiryOf(s: string, now: Date): string {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(s);
  const t = dateOnly ? Date.parse(`${s}T00:00:00.000Z`) + 86_400_000 : Date.parse(s);
  if (Number.isNaN(t)) throw new VigilError('VIGIL_ERR_AUTH_INVALID', `expiry "${s}" is not a date (give e.g. 2027-01-31 or 2027-01-31T12:00:00Z)`);
  if (t <= now.getTime()) throw new VigilError('VIGIL_ERR_AUTH_INVALID', `expiry "${s}" is not in the future`);
  return new Date(t).toISOString();
}

function userInfo(r: Selectable<UsersTable>): UserInfo {
  return { id: Number(r.id), name: r.name, role: r.role as Role, createdAt: r.created_at, disabledAt: r.disabled_at };
}

function tokenInfo(r: Selectable<ApiTokensTable>): ApiTokenInfo {
  return {
    id: Number(r.id),
    name: r.name,
    role: r.role as Role,
    prefix: r.prefix,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
  };
}
