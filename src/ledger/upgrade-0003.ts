import { hash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Finding } from '../model/finding.js';
import { formatLocation } from '../model/location.js';
import { VigilError } from '../errors.js';
import { canonicalJson, eventHash } from './hash-chain.js';
import { FINDING_EVENT_TYPES, applyFindingEvent, compareState, describeMismatch, type MaterialisedRow, type ReplayedState } from './replay.js';

/** Rewrites one stored finding (secrets redacted, fingerprint recomputed), or returns it unchanged. */
export type StoredFindingRewrite = (f: Finding) => Finding;

const PAGE = 20_000;
const CHUNK = 500;

/**
 * Schema 0003: the findings table comes under the hash chain, and code findings lose the secrets
 * 0.1.0 stored in them.
 *
 * Before anything changes, the old chain is recomputed and every row is held to what the old
 * events can say (status, severity, acceptance, first seen, status change): a ledger edited
 * outside vigil is refused, not laundered by the upgrade. Then code findings are rewritten with
 * their secrets redacted and their fingerprints recomputed from the redacted form, and one
 * `finding.checkpoint` event per finding records its whole state, so that from here on every
 * field `ledger verify` checks is known to the chain. Old events stay as they were: their hashes
 * are the chain, and they hold no secret (only fingerprints, ids and statuses).
 */
export async function upgradeTo0003(db: Kysely<any>, rewrite: StoredFindingRewrite): Promise<{ redacted: number }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- migrations see an untyped schema
  const head = await sql<{ seq: number; hash: string }>`select seq, hash from ledger_head where id = 1`.execute(db).then((r) => r.rows[0]);
  if (!head) throw new VigilError('VIGIL_ERR_LEDGER_UNAVAILABLE', 'cannot upgrade the ledger: it has no chain head');
  const states = await replayOldChain(db, { seq: Number(head.seq), hash: head.hash });
  const any = await db.selectFrom('findings').select('id').limit(1).execute();
  // A new ledger (or one that never recorded anything): nothing to bring under the chain.
  if (Number(head.seq) === 0 && any.length === 0) return { redacted: 0 };

  const now = new Date().toISOString();
  const rows = (await db.selectFrom('findings').selectAll().orderBy('id').execute()) as (MaterialisedRow & {
    target: string;
    scanner: string;
    fingerprint: string;
    data: string;
  })[];
  let mismatch: string | undefined;
  let mismatches = 0;
  for (const r of rows) {
    r.id = Number(r.id);
    const st = states.get(r.id);
    const found = st
      ? compareState(r, { ...st, lastSeen: undefined, slaDue: undefined, dataHash: undefined })
      : [{ findingId: r.id, field: 'events', stored: 'a row', expected: 'no finding.opened event: the row was inserted outside vigil' }];
    if (hash('sha1', r.data) !== r.data_hash) found.push({ findingId: r.id, field: 'data', stored: 'edited', expected: `content whose SHA-1 is ${r.data_hash}` });
    states.delete(r.id);
    mismatches += found.length;
    mismatch ??= found[0] && describeMismatch(found[0]);
  }
  for (const id of states.keys()) {
    mismatches++;
    mismatch ??= `finding ${id}: its events exist but its row is missing (deleted outside vigil)`;
  }
  if (mismatch) {
    throw new VigilError(
      'VIGIL_ERR_LEDGER_TAMPERED',
      `cannot upgrade the ledger to schema 0003: the findings table disagrees with its event log: ${mismatch}` +
        `${mismatches > 1 ? ` (and ${mismatches - 1} more)` : ''}. The ledger was left as it was; restore it from a backup.`,
    );
  }

  // Fingerprints taken in each (target, scanner), so a recomputed one never collides with another row's.
  const taken = new Set(rows.map((r) => `${r.target}\u0000${r.scanner}\u0000${r.fingerprint}`));
  let redacted = 0;
  const pending: { findingId: number; data: Record<string, unknown> }[] = [];
  for (const r of rows) {
    const before = JSON.parse(r.data) as Finding & { target?: string };
    const after = rewrite(before) as Finding & { target?: string };
    let fp = r.fingerprint;
    if (after !== before) {
      const base = after.fingerprint;
      if (base !== r.fingerprint) {
        taken.delete(`${r.target}\u0000${r.scanner}\u0000${r.fingerprint}`);
        fp = base;
        for (let n = 2; taken.has(`${r.target}\u0000${r.scanner}\u0000${fp}`); n++) fp = `${base.replace(/:\d+$/, '')}:${n}`;
        taken.add(`${r.target}\u0000${r.scanner}\u0000${fp}`);
      }
      const data = JSON.stringify({ ...after, fingerprint: fp });
      if (data !== r.data) {
        redacted++;
        r.data = data;
        r.data_hash = hash('sha1', data);
        await db
          .updateTable('findings')
          .set({ fingerprint: fp, title: after.title, location: formatLocation(after.location), data, data_hash: r.data_hash })
          .where('id', '=', r.id)
          .execute();
      }
    }
    pending.push({
      findingId: r.id,
      data: {
        fingerprint: fp,
        ...(fp !== r.fingerprint ? { previousFingerprint: r.fingerprint } : {}),
        status: r.status,
        severity: r.severity,
        firstSeen: r.first_seen,
        lastSeen: r.last_seen,
        statusChangedAt: r.status_changed_at,
        slaDue: r.sla_due,
        justification: r.accept_justification,
        approver: r.accept_approver,
        expires: r.accept_expires,
        dataHash: r.data_hash,
      },
    });
  }

  let seq = Number(head.seq);
  let prev = head.hash;
  const append = async (batch: { type: string; findingId: number | null; data: unknown }[]) => {
    const values = batch.map((e) => {
      seq++;
      const data = canonicalJson(e.data);
      const h = eventHash({ seq, at: now, type: e.type, runId: null, findingId: e.findingId, actor: 'vigil', data, prevHash: prev });
      const row = { seq, at: now, type: e.type, run_id: null, finding_id: e.findingId, actor: 'vigil', data, prev_hash: prev, hash: h };
      prev = h;
      return row;
    });
    if (values.length) await db.insertInto('events').values(values).execute();
  };
  await append([{ type: 'ledger.upgraded', findingId: null, data: { schema: '0003-chain-state', findings: rows.length, redacted } }]);
  for (let i = 0; i < pending.length; i += CHUNK) {
    await append(pending.slice(i, i + CHUNK).map((p) => ({ type: 'finding.checkpoint', findingId: p.findingId, data: p.data })));
  }
  await db.updateTable('ledger_head').set({ seq, hash: prev }).where('id', '=', 1).execute();
  return { redacted };
}

/** Recompute the old chain and replay what its events say of each finding; a broken chain is refused. */
async function replayOldChain(db: Kysely<any>, head: { seq: number; hash: string }): Promise<Map<number, ReplayedState>> { // eslint-disable-line @typescript-eslint/no-explicit-any -- see above
  const states = new Map<number, ReplayedState>();
  const types: ReadonlySet<string> = new Set(FINDING_EVENT_TYPES);
  let prev = '0'.repeat(64);
  let expect = 1;
  const broken = (seq: number, why: string) =>
    new VigilError('VIGIL_ERR_LEDGER_TAMPERED', `cannot upgrade the ledger to schema 0003: the event chain is broken at event ${seq}: ${why}. The ledger was left as it was.`);
  for (;;) {
    const page = (await db
      .selectFrom('events')
      .select(['seq', 'at', 'type', 'run_id', 'finding_id', 'actor', 'data', 'prev_hash', 'hash'])
      .where('seq', '>=', expect)
      .orderBy('seq')
      .limit(PAGE)
      .execute()) as { seq: number; at: string; type: string; run_id: string | null; finding_id: number | null; actor: string | null; data: string; prev_hash: string; hash: string }[];
    for (const e of page) {
      const seq = Number(e.seq);
      const findingId = e.finding_id === null ? null : Number(e.finding_id);
      if (seq !== expect) throw broken(expect, 'the event is missing');
      if (e.prev_hash !== prev) throw broken(seq, 'events were deleted or reordered');
      const h = eventHash({ seq, at: e.at, type: e.type, runId: e.run_id, findingId, actor: e.actor, data: e.data, prevHash: prev });
      if (h !== e.hash) throw broken(seq, 'the event was edited');
      if (findingId !== null && types.has(e.type)) {
        const next = applyFindingEvent(states.get(findingId), e.type, e.at, JSON.parse(e.data) as Record<string, unknown>);
        if (typeof next === 'string') throw broken(seq, next);
        states.set(findingId, next);
      }
      prev = h;
      expect++;
    }
    if (page.length < PAGE) break;
  }
  if (expect - 1 !== head.seq || prev !== head.hash) throw broken(expect, 'events after it were deleted');
  return states;
}
