import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openLedger, type Ledger } from '../../src/ledger/index.js';
import { createFinding } from '../../src/model/create.js';
import type { TargetedFinding } from '../../src/model/run.js';
import { loadRunbooks } from '../../src/incidents/runbooks.js';
import { escalateIncidents, incidentsForRun, openIncidentsAfterRun, type IncidentContext } from '../../src/incidents/engine.js';
import { parseKevCatalogue } from '../../src/incidents/kev.js';
import { incidentView } from '../../src/incidents/view.js';
import type { Runbook } from '../../src/incidents/types.js';
import { silentLogger } from '../../src/util/logger.js';
import { stores, type Exec } from '../helpers/ledger-stores.js';
import { fileFinding, runOf } from '../helpers/findings.js';

const HOUR = 3_600_000;
const KEV_FILE = fileURLToPath(new URL('../fixtures/kev/known_exploited_vulnerabilities.json', import.meta.url));

function depFinding(cve: string, severity: 'critical' | 'high', dev = false): TargetedFinding {
  const f = createFinding({
    scanner: 'deps',
    ruleId: `GHSA-${cve.slice(4)}`,
    title: `lib: ${cve}`,
    severity,
    aliases: [cve],
    tags: ['dependency', ...(dev ? ['dev'] : [])],
    location: { kind: 'component', purl: `pkg:npm/lib-${cve}@1.0.0`, path: [] },
  });
  return { ...f, target: 'app' };
}

describe.each(stores)('incidents in the ledger on $name', (store) => {
  let ledger: Ledger;
  let exec: Exec;
  let teardown: () => Promise<void>;
  let location: string;
  let runbooks: Runbook[];
  let ctx: IncidentContext;

  beforeAll(async () => {
    ({ location, exec, teardown } = await store.setup());
    runbooks = await loadRunbooks();
  });
  afterAll(async () => {
    await teardown();
  });
  beforeEach(async () => {
    await exec(
      'drop table if exists findings; drop table if exists events; drop table if exists runs; drop table if exists ledger_head; drop table if exists incidents; drop table if exists kev_entries; drop table if exists users; drop table if exists api_tokens; drop table if exists run_artifacts; drop table if exists sessions; drop table if exists kysely_migration; drop table if exists kysely_migration_lock;',
    );
    ledger = await openLedger(location);
    ctx = { runbooks, personalData: new Map([['shop-db', new Set(['user.contact.email'])]]), kev: new Set() };
    return async () => {
      await ledger.close();
    };
  });

  async function runAndOpen(findings: TargetedFinding[], now: Date, opts: { trigger?: string; parts?: Parameters<typeof runOf>[1]; scheduled?: boolean } = {}) {
    const result = runOf(findings, opts.parts ?? [{ scanner: findings[0]?.scanner ?? 'import', target: findings[0]?.target ?? 'app' }], { trigger: opts.trigger ?? 'cli', startedAt: now.toISOString() });
    const summary = await ledger.ingest(result, { now });
    return openIncidentsAfterRun(ledger, { result, summary, ingestedAt: now.toISOString(), scheduled: opts.scheduled ?? false }, ctx, { logger: silentLogger });
  }

  it('opens one incident per finding, not per run, under the runbook that takes it', async () => {
    const t0 = new Date('2026-05-01T10:00:00.000Z');
    const crit = fileFinding(0, { severity: 'critical' });
    const high = fileFinding(1, { severity: 'high' });
    const first = await runAndOpen([crit, high], t0);
    expect(first.opened).toHaveLength(1);
    expect(first.opened[0]).toMatchObject({ runbook: { id: 'critical-finding' }, severity: 'critical', status: 'open', openedAt: t0.toISOString() });
    const again = await runAndOpen([crit, high], new Date(t0.getTime() + HOUR));
    expect(again.opened).toHaveLength(0);
    expect(await ledger.incidents.list()).toHaveLength(1);
    const v = await ledger.verify();
    expect(v.ok).toBe(true);
    expect(v.incidents).toEqual({ checked: 1, problems: [] });
  });

  it('routes by tags: personal-data on a linked target, kev from the imported catalogue (raised to critical), secrets', async () => {
    const t0 = new Date('2026-05-01T10:00:00.000Z');
    const summary = await ledger.kev.import(parseKevCatalogue(readFileSync(KEV_FILE, 'utf8'), KEV_FILE), { now: t0 });
    expect(summary).toMatchObject({ entries: 5, added: 5, updated: 0, removed: 0 });
    ctx.kev = await ledger.kev.ids();
    expect(ctx.kev.has('CVE-2021-44228')).toBe(true);
    const kevHigh = depFinding('CVE-2021-44228', 'high');
    const plainHigh = depFinding('CVE-2020-0001', 'high');
    const pd = fileFinding(2, { severity: 'high', target: 'shop-db', scanner: 'web' });
    const r = await runAndOpen([kevHigh, plainHigh], t0, { parts: [{ scanner: 'deps', target: 'app' }] });
    expect(r.opened.map((i) => [i.runbook.id, i.severity])).toEqual([['critical-dependency', 'critical']]);
    expect(r.opened[0]!.timeline[0]!.detail).toContain('kev');
    const r2 = await runAndOpen([{ ...pd, severity: 'critical' }], t0, { parts: [{ scanner: 'web', target: 'shop-db' }] });
    expect(r2.opened.map((i) => i.runbook.id)).toEqual(['personal-data-breach']);
    const events = await ledger.eventsOfType(['kev.imported']);
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ catalogVersion: '2025.02.24', entries: 5 });
  });

  it('records steps, clocks, awareness and resolution as chained events, and refuses what does not apply', async () => {
    const t0 = new Date('2026-05-01T10:00:00.000Z');
    const pd = { ...fileFinding(3, { target: 'shop-db', scanner: 'web' }), severity: 'critical' as const };
    const { opened } = await runAndOpen([pd], t0, { parts: [{ scanner: 'web', target: 'shop-db' }] });
    const inc = opened[0]!;
    const rb = inc.runbook;
    const post = rb.steps.find((s) => s.phase === 'post-incident')!;
    const blocked = rb.steps.find((s) => s.requires.length > 0)!;
    const at = (h: number) => ({ actor: 'alice', now: new Date(t0.getTime() + h * HOUR) });

    await expect(ledger.incidents.act(inc.id, { kind: 'step', step: blocked.id }, at(1))).rejects.toMatchObject({ code: 'VIGIL_ERR_INCIDENT_ACTION' });
    await expect(ledger.incidents.act(inc.id, { kind: 'step', step: 'no-such-step' }, at(1))).rejects.toThrow(/has no step "no-such-step"/);
    await expect(ledger.incidents.act(inc.id, { kind: 'resolve' }, at(1))).rejects.toThrow(new RegExp(`post-incident step.*${post.id}`));
    await expect(ledger.incidents.act(999, { kind: 'note', note: 'x' }, at(1))).rejects.toMatchObject({ code: 'VIGIL_ERR_INCIDENT_NOT_FOUND' });

    const aware = await ledger.incidents.act(inc.id, { kind: 'aware', at: new Date(t0.getTime() + 2 * HOUR).toISOString() }, at(3));
    expect(aware.awareAt).toBe(new Date(t0.getTime() + 2 * HOUR).toISOString());
    // GDPR Art. 33's clock counts 72 hours from awareness
    const art33 = incidentView(aware, at(3).now).clocks.find((c) => c.id === 'gdpr-art33-authority')!;
    expect(art33.due).toBe(new Date(t0.getTime() + 74 * HOUR).toISOString());
    await expect(ledger.incidents.act(inc.id, { kind: 'clock', clock: 'gdpr-art33-authority', fields: { bogus: 'x' } }, at(4))).rejects.toThrow(/has no field bogus/);
    const field = rb.clocks.find((c) => c.id === 'gdpr-art33-authority')!.fields[0]!.id;
    const met = await ledger.incidents.act(inc.id, { kind: 'clock', clock: 'gdpr-art33-authority', note: 'filed with the authority', fields: { [field]: 'order records exposed' } }, at(20));
    expect(met.clocks['gdpr-art33-authority']).toMatchObject({ metAt: at(20).now.toISOString(), actor: 'alice', fields: { [field]: 'order records exposed' } });
    expect(incidentView(met, at(21).now).clocks.find((c) => c.id === 'gdpr-art33-authority')!.state).toBe('met');

    // every step in dependency order, then resolve
    let rec = met;
    const done = new Set<string>();
    while (done.size < rb.steps.length) {
      const next = rb.steps.find((s) => !done.has(s.id) && s.requires.every((r) => done.has(r)))!;
      rec = await ledger.incidents.act(inc.id, { kind: 'step', step: next.id }, at(30 + done.size));
      done.add(next.id);
    }
    const resolved = await ledger.incidents.act(inc.id, { kind: 'resolve', note: 'closed after review' }, at(60));
    expect(resolved.status).toBe('resolved');
    await expect(ledger.incidents.act(inc.id, { kind: 'step', step: post.id }, at(61))).rejects.toThrow(/resolved/);
    // the timeline is the chain's events, in order, with actors
    const seqs = resolved.timeline.map((t) => t.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(resolved.timeline.map((t) => t.action)).toEqual(['opened', 'aware', 'clock met', ...rb.steps.map(() => 'step done'), 'resolved']);
    expect(resolved.timeline.slice(1).every((t) => t.actor === 'alice')).toBe(true);
    expect((await ledger.verify()).ok).toBe(true);
  });

  it('escalates each step or clock once as it nears and passes its due time, and tells the listener', async () => {
    const t0 = new Date('2026-05-01T10:00:00.000Z');
    const { opened } = await runAndOpen([fileFinding(0, { severity: 'critical' })], t0);
    const inc = opened[0]!;
    const heard: string[] = [];
    const listener = { incidentEscalated: async (i: { level: string | number }) => void heard.push(String(i.level)) };
    const triage = incidentView(inc, t0).steps[0]!;
    expect(await escalateIncidents(ledger, { now: t0, listener, logger: silentLogger })).toBe(1); // within its 12h window already
    expect(heard).toEqual([`step:${triage.id}:due-soon`]);
    expect(await escalateIncidents(ledger, { now: new Date(t0.getTime() + 60_000), listener, logger: silentLogger })).toBe(0);
    const late = new Date(Date.parse(triage.due) + 60_000);
    expect(await escalateIncidents(ledger, { now: late, listener, logger: silentLogger })).toBeGreaterThanOrEqual(1);
    expect(heard).toContain(`step:${triage.id}:overdue`);
    const rec = (await ledger.incidents.get(inc.id))!;
    expect(Object.keys(rec.escalations)).toContain(`step:${triage.id}:overdue`);
    expect(rec.timeline.filter((t) => t.action === 'escalated').every((t) => t.actor === 'vigil')).toBe(true);
    expect((await ledger.verify()).ok).toBe(true);
  });

  it('a failed scheduled scan opens one incident per schedule, scanner and target, and recurs on it', async () => {
    const t0 = new Date('2026-05-01T02:00:00.000Z');
    const parts = [{ scanner: 'tls', target: 'edge', status: 'failed' as const, error: 'connect ECONNREFUSED' }];
    const a = await runAndOpen([], t0, { trigger: 'schedule:nightly', parts, scheduled: true });
    expect(a.opened.map((i) => [i.runbook.id, i.key])).toEqual([['scan-failed', 'scan-failed:nightly:tls:edge']]);
    const b = await runAndOpen([], new Date(t0.getTime() + 24 * HOUR), { trigger: 'schedule:nightly', parts, scheduled: true });
    expect(b.opened).toHaveLength(0);
    expect(b.recurred.map((i) => i.id)).toEqual([a.opened[0]!.id]);
    // a CLI run that fails is not a missed schedule
    const c = await runAndOpen([], new Date(t0.getTime() + 25 * HOUR), { trigger: 'cli', parts, scheduled: false });
    expect(c.opened.length + c.recurred.length).toBe(0);
  });

  it('a finding fixed and seen again after its incident was resolved opens a new one', async () => {
    const t0 = new Date('2026-05-01T10:00:00.000Z');
    const crit = fileFinding(0, { severity: 'critical' });
    const { opened } = await runAndOpen([crit], t0);
    const rb = opened[0]!.runbook;
    const done = new Set<string>();
    while (done.size < rb.steps.length) {
      const next = rb.steps.find((s) => !done.has(s.id) && s.requires.every((r) => done.has(r)))!;
      await ledger.incidents.act(opened[0]!.id, { kind: 'step', step: next.id }, { actor: 'bob', now: t0 });
      done.add(next.id);
    }
    await ledger.incidents.act(opened[0]!.id, { kind: 'resolve' }, { actor: 'bob', now: t0 });
    expect((await runAndOpen([crit], new Date(t0.getTime() + HOUR))).opened).toHaveLength(0); // still seen, not new
    await runAndOpen([], new Date(t0.getTime() + 2 * HOUR), { parts: [{ scanner: 'import', target: 'app' }] }); // fixed
    const back = await runAndOpen([crit], new Date(t0.getTime() + 3 * HOUR));
    expect(back.opened).toHaveLength(1);
    expect((await ledger.incidents.list({ status: 'open' })).map((i) => i.id)).toEqual([back.opened[0]!.id]);
  });

  it('ledger verify and the next action catch an incident row edited outside vigil', async () => {
    const t0 = new Date('2026-05-01T10:00:00.000Z');
    const { opened } = await runAndOpen([fileFinding(0, { severity: 'critical' })], t0);
    const id = opened[0]!.id;
    await exec(`update incidents set status = 'resolved', resolved_at = '2026-05-01T11:00:00.000Z' where id = ${id}`);
    const v = await ledger.verify();
    expect(v.ok).toBe(false);
    expect(v.broken!.reason).toMatch(new RegExp(`incident ${id}: status is "resolved" but its events say "open"`));
    await expect(ledger.incidents.act(id, { kind: 'note', note: 'x' }, { actor: 'eve' })).rejects.toMatchObject({ code: 'VIGIL_ERR_LEDGER_TAMPERED' });
    await exec(`update incidents set status = 'open', resolved_at = null where id = ${id}`);
    expect((await ledger.verify()).ok).toBe(true);
    await exec(`delete from incidents where id = ${id}`);
    expect((await ledger.verify()).broken!.reason).toMatch(/its row does not: it was deleted/);
  });

  it('the fallback runbook takes only findings new in this run', async () => {
    const t0 = new Date('2026-05-01T10:00:00.000Z');
    const crit = fileFinding(0, { severity: 'critical' });
    const result = runOf([crit], [{}], { startedAt: t0.toISOString() });
    const summary = await ledger.ingest(result, { now: t0 });
    // incidents were off for the first run; turning them on later opens nothing for the old critical
    const later = runOf([crit], [{}], { startedAt: new Date(t0.getTime() + HOUR).toISOString() });
    const s2 = await ledger.ingest(later, { now: new Date(t0.getTime() + HOUR) });
    expect(incidentsForRun(later, s2, ctx, { scheduled: false, ingestedAt: new Date(t0.getTime() + HOUR).toISOString() })).toHaveLength(0);
    expect(incidentsForRun(result, summary, ctx, { scheduled: false, ingestedAt: t0.toISOString() })).toHaveLength(1);
  });
});
