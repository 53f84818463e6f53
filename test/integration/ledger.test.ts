import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openLedger, type Ledger } from '../../src/ledger/index.js';
import { VigilError } from '../../src/errors.js';
import { stores, type Exec } from '../helpers/ledger-stores.js';
import { fileFinding, runOf } from '../helpers/findings.js';

const DAY = 86_400_000;
const CHILD = fileURLToPath(new URL('../fixtures/ledger/ingest-child.mjs', import.meta.url));

describe.each(stores)('ledger on $name', (store) => {
  let ledger: Ledger;
  let exec: Exec;
  let teardown: () => Promise<void>;
  let location: string;

  beforeAll(async () => {
    ({ location, exec, teardown } = await store.setup());
  });
  afterAll(async () => {
    await teardown();
  });
  beforeEach(async () => {
    ledger?.close().catch(() => undefined);
    await exec('drop table if exists findings; drop table if exists events; drop table if exists runs; drop table if exists ledger_head; drop table if exists incidents; drop table if exists kev_entries; drop table if exists users; drop table if exists api_tokens; drop table if exists run_artifacts; drop table if exists sessions; drop table if exists kysely_migration; drop table if exists kysely_migration_lock;');
    ledger = await openLedger(location, { sla: { critical: 7, high: 30, medium: 90, low: 120 } });
    return async () => {
      await ledger.close();
    };
  });

  it('opens new findings with SLA due dates by severity', async () => {
    const now = new Date('2026-03-01T00:00:00.000Z');
    const fs = [fileFinding(0), fileFinding(1), fileFinding(2), fileFinding(3), fileFinding(4)];
    const s = await ledger.ingest(runOf(fs), { now });
    expect(s.new).toBe(5);
    const page = await ledger.listFindings({ withTotal: true });
    expect(page.total).toBe(5);
    expect(page.findings.map((f) => f.severity)).toEqual(['critical', 'high', 'medium', 'low', 'info']);
    const due = Object.fromEntries(page.findings.map((f) => [f.severity, f.slaDue]));
    expect(due).toEqual({
      critical: new Date(now.getTime() + 7 * DAY).toISOString(),
      high: new Date(now.getTime() + 30 * DAY).toISOString(),
      medium: new Date(now.getTime() + 90 * DAY).toISOString(),
      low: new Date(now.getTime() + 120 * DAY).toISOString(),
      info: null,
    });
    expect(page.findings.every((f) => f.status === 'open' && f.firstSeen === now.toISOString())).toBe(true);
  });

  it('dedups by fingerprint across runs and updates lastSeen', async () => {
    const fs = [fileFinding(1), fileFinding(2)];
    await ledger.ingest(runOf(fs), { now: new Date('2026-03-01T00:00:00Z') });
    const head1 = await ledger.head();
    const s = await ledger.ingest(runOf(fs), { now: new Date('2026-03-02T00:00:00Z') });
    expect(s).toMatchObject({ new: 0, unchanged: 2, fixed: 0, reopened: 0 });
    const page = await ledger.listFindings({ withTotal: true });
    expect(page.total).toBe(2);
    expect(page.findings[0]!.lastSeen).toBe('2026-03-02T00:00:00.000Z');
    expect(page.findings[0]!.firstSeen).toBe('2026-03-01T00:00:00.000Z');
    // Only the run itself is logged when nothing changed.
    expect((await ledger.head()).seq).toBe(head1.seq + 1);
  });

  it('keeps identity when lines shift but the snippet stays, and stores the new line', async () => {
    const f = fileFinding(7, { line: 10 });
    await ledger.ingest(runOf([f]));
    const moved = fileFinding(7, { line: 13 });
    expect(moved.fingerprint).toBe(f.fingerprint);
    const s = await ledger.ingest(runOf([moved]));
    expect(s).toMatchObject({ new: 0, updated: 1 });
    const [row] = (await ledger.listFindings()).findings;
    expect(row!.location).toMatchObject({ kind: 'file', startLine: 13 });
  });

  it('marks findings absent from a complete run fixed, and reopens them when seen again', async () => {
    const a = fileFinding(1);
    const b = fileFinding(2);
    await ledger.ingest(runOf([a, b]), { now: new Date('2026-03-01T00:00:00Z') });
    const s = await ledger.ingest(runOf([a]), { now: new Date('2026-03-02T00:00:00Z') });
    expect(s.fixed).toBe(1);
    const fixed = (await ledger.listFindings({ status: ['fixed'] })).findings;
    expect(fixed.map((f) => f.fingerprint)).toEqual([b.fingerprint]);

    const reopenAt = new Date('2026-04-01T00:00:00Z');
    const s2 = await ledger.ingest(runOf([a, b]), { now: reopenAt });
    expect(s2.reopened).toBe(1);
    const again = await ledger.getFinding(fixed[0]!.id);
    expect(again!.status).toBe('reopened');
    // high severity (n=2 → medium)… the clock restarts from the reopening
    expect(again!.slaDue).toBe(new Date(reopenAt.getTime() + 90 * DAY).toISOString());
    const history = await ledger.findingEvents(fixed[0]!.id);
    expect(history.map((e) => e.type)).toEqual(['finding.opened', 'finding.fixed', 'finding.reopened']);
  });

  it('never marks findings fixed from a partial run', async () => {
    const a = fileFinding(1);
    const other = fileFinding(2, { target: 'api' });
    await ledger.ingest(
      runOf([a, other], [{ target: 'app' }, { target: 'api' }]),
    );
    // The app part completes with no findings, the api part fails: the run is partial.
    const partial = runOf([], [{ target: 'app' }, { target: 'api', status: 'failed', error: 'boom' }]);
    expect(partial.run.status).toBe('partial');
    const s = await ledger.ingest(partial);
    expect(s.fixed).toBe(0);
    expect((await ledger.listFindings({ status: ['fixed'] })).findings).toHaveLength(0);
    const runs = await ledger.listRuns();
    expect(runs[0]!.status).toBe('partial');
    expect(runs[0]!.parts.find((p) => p.target === 'api')!.error).toBe('boom');
  });

  it('only fixes findings of the same scanner and target', async () => {
    const a = fileFinding(1, { target: 'app' });
    const b = fileFinding(1, { target: 'api' });
    expect(a.fingerprint).toBe(b.fingerprint);
    await ledger.ingest(runOf([a, b], [{ target: 'app' }, { target: 'api' }]));
    expect((await ledger.listFindings({ withTotal: true })).total).toBe(2);
    await ledger.ingest(runOf([], [{ target: 'app' }]));
    const open = await ledger.listFindings({ status: ['open'] });
    expect(open.findings.map((f) => f.target)).toEqual(['api']);
  });

  it('triages: accepted needs justification and approver; expired acceptances reopen', async () => {
    await ledger.ingest(runOf([fileFinding(1)]), { now: new Date('2026-03-01T00:00:00Z') });
    const [f] = (await ledger.listFindings()).findings;
    await expect(ledger.triage(f!.id, { status: 'accepted', actor: 'ana' })).rejects.toMatchObject({
      code: 'VIGIL_ERR_TRIAGE_INVALID',
    });
    await expect(
      ledger.triage(f!.id, { status: 'accepted', actor: 'ana', justification: 'x', approver: 'cto', expires: '2020-01-01' }),
    ).rejects.toThrow(/in the past/);
    const accepted = await ledger.triage(
      f!.id,
      { status: 'accepted', actor: 'ana', justification: 'compensating WAF rule', approver: 'ciso', expires: '2026-04-01' },
      { now: new Date('2026-03-02T00:00:00Z') },
    );
    expect(accepted.status).toBe('accepted');
    expect(accepted.acceptance).toEqual({ justification: 'compensating WAF rule', approver: 'ciso', expires: '2026-04-01T00:00:00.000Z' });
    expect(await ledger.expireAcceptances(new Date('2026-03-15T00:00:00Z'))).toBe(0);
    expect(await ledger.expireAcceptances(new Date('2026-04-02T00:00:00Z'))).toBe(1);
    const after = await ledger.getFinding(f!.id);
    expect(after!.status).toBe('reopened');
    const types = (await ledger.findingEvents(f!.id)).map((e) => e.type);
    expect(types).toEqual(['finding.opened', 'finding.triaged', 'finding.acceptance_expired']);
    expect((await ledger.verify()).ok).toBe(true);
  });

  it('expires acceptances during ingest too', async () => {
    const f = fileFinding(1);
    await ledger.ingest(runOf([f]), { now: new Date('2026-03-01T00:00:00Z') });
    const [row] = (await ledger.listFindings()).findings;
    await ledger.triage(row!.id, { status: 'accepted', actor: 'a', justification: 'j', approver: 'b', expires: '2026-03-10' }, { now: new Date('2026-03-02T00:00:00Z') });
    const s = await ledger.ingest(runOf([f]), { now: new Date('2026-03-11T00:00:00Z') });
    expect(s.expiredAcceptances).toBe(1);
    expect(s.records.values().next().value!.status).toBe('reopened');
  });

  it('keeps false positives when they disappear, and rejects triage of unknown ids', async () => {
    await ledger.ingest(runOf([fileFinding(1)]));
    const [row] = (await ledger.listFindings()).findings;
    await expect(ledger.triage(row!.id, { status: 'false_positive', actor: 'a' })).rejects.toBeInstanceOf(VigilError);
    await ledger.triage(row!.id, { status: 'false_positive', actor: 'a', justification: 'test fixture' });
    await ledger.ingest(runOf([]));
    expect((await ledger.getFinding(row!.id))!.status).toBe('false_positive');
    await expect(ledger.triage(999_999, { status: 'triaged', actor: 'a' })).rejects.toMatchObject({
      code: 'VIGIL_ERR_FINDING_NOT_FOUND',
    });
  });

  it('recomputes the SLA when severity changes', async () => {
    const f = fileFinding(3, { severity: 'low' });
    await ledger.ingest(runOf([f]), { now: new Date('2026-03-01T00:00:00Z') });
    await ledger.ingest(runOf([{ ...f, severity: 'critical' }]), { now: new Date('2026-03-05T00:00:00Z') });
    const [row] = (await ledger.listFindings()).findings;
    expect(row!.severity).toBe('critical');
    expect(row!.slaDue).toBe('2026-03-08T00:00:00.000Z');
  });

  it('filters and pages the listing', async () => {
    const fs = Array.from({ length: 30 }, (_, i) => fileFinding(i));
    await ledger.ingest(runOf(fs));
    const high = await ledger.listFindings({ severity: ['high'], status: ['open'], withTotal: true, limit: 4 });
    expect(high.total).toBe(6);
    expect(high.findings).toHaveLength(4);
    expect(high.findings.every((f) => f.severity === 'high')).toBe(true);
    const next = await ledger.listFindings({ severity: ['high'], limit: 4, offset: 4 });
    expect(next.findings).toHaveLength(2);
    const text = await ledger.listFindings({ text: 'file-17.ts' });
    expect(text.findings.map((f) => f.title)).toEqual(['Problem 17']);
    const rule = await ledger.listFindings({ ruleId: 'rule-3', withTotal: true });
    expect(rule.total).toBe(4);
  });

  it('records runs with their trigger and finds the last one', async () => {
    await ledger.ingest(runOf([], [{}], { trigger: 'schedule:nightly', startedAt: '2026-03-01T02:00:00.000Z' }));
    await ledger.ingest(runOf([], [{}], { trigger: 'schedule:nightly', startedAt: '2026-03-02T02:00:00.000Z' }));
    await ledger.ingest(runOf([], [{}], { trigger: 'cli', startedAt: '2026-03-03T02:00:00.000Z' }));
    const last = await ledger.lastRun(['schedule:nightly', 'catch-up:nightly']);
    expect(last!.startedAt).toBe('2026-03-02T02:00:00.000Z');
    expect((await ledger.listRuns({ limit: 10 })).map((r) => r.trigger)).toEqual(['cli', 'schedule:nightly', 'schedule:nightly']);
  });

  it('keeps one unbroken chain when another process writes at the same time', async () => {
    // A second process ingests 20,000 findings while this one ingests twice: the store's
    // write lock (SQLite BEGIN IMMEDIATE + busy timeout, PostgreSQL advisory lock) serialises them.
    const child = spawn(process.execPath, [CHILD, location, '20000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    while (!out.includes('ingest-start')) {
      if (child.exitCode !== null) throw new Error(`child died: ${err}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const a = Array.from({ length: 300 }, (_, i) => fileFinding(i, { target: 'one' }));
    await ledger.ingest(runOf(a, [{ target: 'one' }]));
    await ledger.ingest(runOf(a.slice(0, 100), [{ target: 'one' }]));
    expect(await exited, err).toBe(0);
    expect(out).toContain('ingest-done');
    const v = await ledger.verify();
    expect(v.ok).toBe(true);
    expect(v.events).toBe(300 + 1 + 200 + 1 + 20_000 + 1);
    expect((await ledger.listFindings({ status: ['open', 'fixed'], withTotal: true })).total).toBe(20_300);
  }, 60_000);

  describe('hash chain', () => {
    beforeEach(async () => {
      const fs = Array.from({ length: 12 }, (_, i) => fileFinding(i));
      await ledger.ingest(runOf(fs));
      await ledger.ingest(runOf(fs.slice(0, 6)));
    });

    it('verifies an intact chain and reports its head', async () => {
      const v = await ledger.verify();
      expect(v.ok).toBe(true);
      expect(v.events).toBe(12 + 1 + 6 + 1);
      expect(v.headHash).toBe((await ledger.head()).hash);
    });

    it('detects an edited event', async () => {
      await exec(`update events set data = replace(data, 'critical', 'low') where seq = 6`);
      expect((await ledger.verify()).broken).toEqual({ seq: 6, reason: expect.stringMatching(/edited/) });
    });

    // on SQLite a second thread hashes the later half of the chain: an edit there is named the same way
    it('detects an edited event in the later half of the chain, and names the first of two', async () => {
      await exec(`update events set actor = 'mallory' where seq = 16`);
      expect((await ledger.verify()).broken).toEqual({ seq: 16, reason: expect.stringMatching(/edited/) });
      await exec(`update events set actor = 'mallory' where seq = 8`);
      const v = await ledger.verify();
      expect(v.broken).toEqual({ seq: 8, reason: expect.stringMatching(/edited/) });
      expect(v.events).toBe(7);
    });

    it('names an edited event in the later half before a break found after it', async () => {
      await exec(`update events set actor = 'mallory' where seq = 15`);
      await exec('delete from events where seq = 18');
      const v = await ledger.verify();
      expect(v.broken).toEqual({ seq: 15, reason: expect.stringMatching(/edited/) });
      expect(v.events).toBe(14);
      expect(v.headHash).toMatch(/^[0-9a-f]{64}$/);
    });

    it('detects a deleted event', async () => {
      await exec('delete from events where seq = 4');
      expect((await ledger.verify()).broken).toMatchObject({ seq: 4, reason: expect.stringMatching(/missing/) });
    });

    it('detects reordered events', async () => {
      await exec('update events set seq = -1 where seq = 3; update events set seq = 3 where seq = 5; update events set seq = 5 where seq = -1;');
      const v = await ledger.verify();
      expect(v.ok).toBe(false);
      expect(v.broken!.seq).toBe(3);
    });

    it('detects the newest events being deleted', async () => {
      await exec('delete from events where seq >= 19');
      const v = await ledger.verify();
      expect(v.ok).toBe(false);
      expect(v.broken!.reason).toMatch(/deleted/);
    });

    it('detects a rewritten chain whose head was not rewritten', async () => {
      await exec(`update events set hash = 'x' where seq = 20`);
      expect((await ledger.verify()).broken!.seq).toBe(20);
    });
  });
});
