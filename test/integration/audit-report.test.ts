import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedger, type Ledger } from '../../src/ledger/index.js';
import { defaultConfig } from '../../src/config/index.js';
import type { VigilConfig } from '../../src/config/types.js';
import { gatherAudit, reportPeriod } from '../../src/audit/gather.js';
import { recordScheduleChanges, scheduleCoverage, scheduleSpans, SCHEDULE_EVENT } from '../../src/audit/schedules.js';
import { loadSigningKey, signingKeyPath } from '../../src/audit/signing-key.js';
import { incidentsForRun } from '../../src/incidents/engine.js';
import { loadRunbooks } from '../../src/incidents/runbooks.js';
import { vigil } from '../helpers/cli.js';
import { fileFinding, runOf } from '../helpers/findings.js';
import { createTestDatabase } from '../helpers/pg.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const T0 = Date.parse('2026-06-01T00:00:00.000Z');
const at = (days: number, hours = 0) => new Date(T0 + days * DAY + hours * HOUR);

/**
 * A ledger with a known history: a nightly schedule (02:00 UTC) recorded on day 0; runs on nights
 * 1, 2 and 4 (night 3 missed, night 5 a catch-up hours late); findings opened, fixed in and out of
 * their SLA, accepted and marked false positive; an incident with its GDPR clock met.
 */
async function buildHistory(ledger: Ledger): Promise<{ acceptedId: number; incidentId: number }> {
  const config = { ...defaultConfig('/tmp'), schedules: [{ name: 'nightly', cron: '0 2 * * *', runOnStart: false }] } as VigilConfig;
  await recordScheduleChanges(ledger, config.schedules, { actor: 'admin', now: at(0) });
  const crit = fileFinding(0, { severity: 'critical' });
  const high = fileFinding(1, { severity: 'high' });
  const med = fileFinding(2, { severity: 'medium' });
  const low = fileFinding(3, { severity: 'low' });
  const nightly = (days: number, hours: number, findings: ReturnType<typeof fileFinding>[], trigger = 'schedule:nightly') => {
    const r = runOf(findings, [{}], { trigger, startedAt: at(days, hours).toISOString() });
    return ledger.ingest(r, { now: at(days, hours) }).then((s) => ({ r, s }));
  };
  const first = await nightly(1, 2, [crit, high, med, low]);
  const runbooks = await loadRunbooks();
  const items = incidentsForRun(first.r, first.s, { runbooks, personalData: new Map([['app', new Set(['user.contact'])]]), kev: new Set() }, { scheduled: true, ingestedAt: at(1, 2).toISOString() });
  const { opened } = await ledger.incidents.open(items, { now: at(1, 2) });
  const incident = opened[0]!;
  await ledger.incidents.act(incident.id, { kind: 'aware' }, { actor: 'alice', now: at(1, 3) });
  await ledger.incidents.act(incident.id, { kind: 'clock', clock: 'gdpr-art33-authority', note: 'filed' }, { actor: 'dpo', now: at(2, 3) });
  // night 2: the critical is fixed (within its 7 days)
  await nightly(2, 2, [high, med, low]);
  // night 3: missed. Night 4: on time; the high is gone 3 days in (within 30)
  await nightly(4, 2, [med, low]);
  const ids = new Map((await ledger.listFindings({ status: ['open', 'reopened', 'fixed'] })).findings.map((f) => [f.fingerprint, f.id]));
  await ledger.triage(ids.get(low.fingerprint)!, { status: 'accepted', actor: 'alice', justification: 'Only reachable from the build', approver: 'ciso@example.com', expires: at(200).toISOString() }, { now: at(4, 5) });
  await ledger.triage(ids.get(med.fingerprint)!, { status: 'false_positive', actor: 'bob', justification: 'A test vector, not a key' }, { now: at(4, 6) });
  // night 5: a catch-up run, hours late
  await nightly(5, 9, [med, low], 'catch-up:nightly');
  return { acceptedId: ids.get(low.fingerprint)!, incidentId: incident.id };
}

describe('the audit report from a ledger with a known history', () => {
  let dir: string;
  let dbFile: string;
  let ledger: Ledger;
  let history: { acceptedId: number; incidentId: number };
  const period = { from: at(0).toISOString(), to: at(6).toISOString() };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-audit-'));
    dbFile = join(dir, 'ledger.db');
    ledger = await openLedger(dbFile);
    history = await buildHistory(ledger);
  });
  afterAll(async () => {
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('proves coverage against the recorded schedule: every slot, the missed one and the late catch-up called out', async () => {
    const spans = scheduleSpans(await ledger.eventsOfType([SCHEDULE_EVENT]));
    const facts = await ledger.auditFacts(period, { appendixLimit: 100 });
    const [cov] = scheduleCoverage(spans, facts.runs, period);
    expect(cov!.slots.map((s) => [s.due.slice(0, 13), s.outcome])).toEqual([
      ['2026-06-01T02', 'missed'],
      ['2026-06-02T02', 'ran'],
      ['2026-06-03T02', 'ran'],
      ['2026-06-04T02', 'missed'],
      ['2026-06-05T02', 'ran'],
      ['2026-06-06T02', 'late'],
    ]);
    expect(cov).toMatchObject({ expected: 6, ran: 4, missed: 2 });
  });

  it('states figures that match the ledger, and control statuses computed from them', async () => {
    const key = await loadSigningKey(ledger, signingKeyPath(ledger, dbFile, null), { create: true, actor: 'test' });
    const config = { ...defaultConfig(dir), organisation: 'Example Shop Ltd' } as VigilConfig;
    const r = await gatherAudit(ledger, config, { period, now: at(6, 1), key });
    expect(r.figures).toMatchObject({
      'scans.expected': 6,
      'scans.ran': 4,
      'scans.missed': 2,
      'scans.coverage_percent': 66.7,
      'findings.new': 4,
      'findings.fixed': 2,
      'sla.remediated': 2,
      'sla.within': 2,
      'sla.percent': 100,
      'exceptions.accepted': 1,
      'exceptions.false_positive': 1,
      'incidents.opened': 2,
      'incidents.clocks.met': 1,
      'ledger.verified': 1,
      'schedule.changes': 1,
    });
    expect(r.findings.bySeverityStatus.critical.fixed).toBe(1);
    expect(r.findings.bySeverityStatus.low.accepted).toBe(1);
    expect(r.exceptions.map((e) => [e.findingId, e.status, e.approver, e.decidedBy])).toEqual([
      [expect.any(Number), 'false_positive', null, 'bob'],
      [history.acceptedId, 'accepted', 'ciso@example.com', 'alice'],
    ]);
    expect(r.incidents[0]!.clocks.find((c) => c.id === 'gdpr-art33-authority')!.outcome).toBe('met');
    // the trend: one point per day, the critical gone after night 2
    expect(r.findings.trend).toHaveLength(6);
    expect(r.findings.trend[1]!.counts.critical).toBe(1);
    expect(r.findings.trend[2]!.counts.critical).toBe(0);
    // CC7.1 rests on coverage: 66.7 % is below its bar, so it cannot read met
    const cc71 = r.controls.find((c) => c.framework.includes('SOC') && c.id === 'CC7.1')!;
    expect(cc71.status).not.toBe('met');
    expect(cc71.evidence.join(' ')).toContain('66.7');
    expect(r.summary[0]).toBe('4 of 6 scheduled scans ran in the period (66.7 %); 2 were missed.');
    expect(r.ledger.headHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a period ending mid-day ends its trend with that day, as it stood at the end', async () => {
    const facts = await ledger.auditFacts({ from: at(0).toISOString(), to: at(1, 12).toISOString() }, { appendixLimit: 10 });
    expect(facts.trend.map((t) => [t.date, t.counts.critical, t.counts.high])).toEqual([
      ['2026-06-01', 0, 0],
      ['2026-06-02', 1, 1],
    ]);
  });

  it('vigil report audit writes a signed PDF whose text matches the ledger; verify passes, and fails after one byte changes', () => {
    const pdf = join(dir, 'audit.pdf');
    const r = vigil(['report', 'audit', '--from', '2026-06-01', '--to', '2026-06-06', '--ledger', dbFile, '-o', pdf], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const head = /ledger head #(\d+) ([0-9a-f]{64})/.exec(r.stderr)!;
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    for (const h of ['Executive summary', 'Scan coverage against the schedule', 'SLA performance', 'Exceptions', 'Incidents', 'Control mapping', 'Integrity']) expect(text).toContain(h);
    expect(text).toContain('4 of 6 scheduled scans ran in the period (66.7 %); 2 were missed.');
    expect(text).toContain('ciso@example.com'); // the acceptance's approver (its justification wraps in its cell)
    expect(text).toMatch(new RegExp(`^\\s*${head[2]}\\s*$`, 'm')); // the whole head hash on one line
    expect(execFileSync('qpdf', ['--check', pdf], { encoding: 'utf8' })).toMatch(/No syntax or stream encoding errors/);
    const fonts = execFileSync('pdffonts', [pdf], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
    expect(fonts.length).toBeGreaterThan(0);
    for (const f of fonts) expect(f).toMatch(/\syes\s+yes\s+yes\s/);

    const v = vigil(['report', 'verify', pdf, '--ledger', dbFile, '--format', 'json'], { cwd: dir });
    expect(v.code, v.stdout + v.stderr).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ ok: true, headSeq: Number(head[1]), headHash: head[2] });
    // the report's making is a later event: the head it printed is not the head now
    const bytes = readFileSync(pdf);
    for (const pos of [0, Math.floor(bytes.length / 3), bytes.length - 1]) {
      const bad = Buffer.from(bytes);
      bad[pos] = bad[pos]! ^ 0x01;
      const tampered = join(dir, `tampered-${pos}.pdf`);
      writeFileSync(tampered, bad);
      const t = vigil(['report', 'verify', tampered], { cwd: dir });
      expect(t.code).toBe(1);
      expect(t.stdout).toMatch(/^NOT VERIFIED/);
    }
  });

  it('verify against another ledger fails the key check', async () => {
    const other = join(dir, 'other.db');
    const l = await openLedger(other);
    await loadSigningKey(l, signingKeyPath(l, other, null), { create: true, actor: 'x' });
    await l.close();
    const v = vigil(['report', 'verify', join(dir, 'audit.pdf'), '--ledger', other], { cwd: dir });
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/\[FAIL\] key recorded in the ledger/);
  });

  it('an HTML report of the same content; a period with no data says so; a bad period is exit 2', () => {
    const html = join(dir, 'audit.html');
    expect(vigil(['report', 'audit', '--from', '2026-06-01', '--to', '2026-06-06', '--ledger', dbFile, '-o', html], { cwd: dir }).code).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('4 of 6 scheduled scans ran in the period (66.7 %); 2 were missed.');
    expect(page).not.toMatch(/<script|src="http|href="http/);
    const empty = join(dir, 'empty.pdf');
    expect(vigil(['report', 'audit', '--from', '2020-01-01', '--to', '2020-02-01', '--ledger', dbFile, '-o', empty], { cwd: dir }).code).toBe(0);
    const text = execFileSync('pdftotext', ['-layout', empty, '-'], { encoding: 'utf8' });
    expect(text).toContain('No scheduled scan was due in the period.');
    expect(text).toMatch(/No incident/);
    const bad = vigil(['report', 'audit', '--from', 'yesterday', '--ledger', dbFile, '-o', join(dir, 'x.pdf')], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('VIGIL_ERR_REPORT_PERIOD');
    expect(() => reportPeriod('2026-06-05', '2026-06-01', new Date())).toThrow(/the period is empty/);
  });

  it('a key file that is not an Ed25519 PEM private key is an error naming the file, and writes no report', () => {
    const other = join(dir, 'bad-key.db');
    writeFileSync(`${other}.signing-key.pem`, '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n');
    const out = join(dir, 'bad-key.pdf');
    const r = vigil(['report', 'audit', '--ledger', other, '-o', out], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/VIGIL_ERR_SIGNING_KEY: .*bad-key\.db\.signing-key\.pem.*not a PEM private key/);
    expect(existsSync(out)).toBe(false);
  });

  it('a lost key file is an error, not a silent new key', () => {
    rmSync(`${dbFile}.signing-key.pem`);
    const r = vigil(['report', 'audit', '--ledger', dbFile, '-o', join(dir, 'y.pdf')], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/VIGIL_ERR_SIGNING_KEY.*the ledger recorded key SHA256:/);
  });
});

describe('the audit report on PostgreSQL', () => {
  it('needs reports.signingKey, then signs with the key kept there', async () => {
    const { url, drop } = await createTestDatabase('vigil_audit');
    const dir = mkdtempSync(join(tmpdir(), 'vigil-audit-pg-'));
    try {
      const l = await openLedger(url);
      await buildHistory(l);
      await l.close();
      const noKey = vigil(['report', 'audit', '--ledger', url, '-o', join(dir, 'a.pdf')], { cwd: dir });
      expect(noKey.code).toBe(3);
      expect(noKey.stderr).toContain('set reports.signingKey');
      writeFileSync(join(dir, 'vigil.yaml'), `ledger: ${url}\nreports:\n  signingKey: keys/report.pem\ntargets:\n  - name: app\n    kind: path\n    path: .\n    scanners: [import]\n`);
      const ok = vigil(['report', 'audit', '--from', '2026-06-01', '--to', '2026-06-06', '-o', join(dir, 'a.pdf')], { cwd: dir });
      expect(ok.code, ok.stderr).toBe(0);
      expect(readFileSync(join(dir, 'keys/report.pem'), 'utf8')).toContain('PRIVATE KEY');
      const v = vigil(['report', 'verify', join(dir, 'a.pdf')], { cwd: dir });
      expect(v.code, v.stdout).toBe(0);
      expect(v.stdout).toMatch(/\[ok\] head hash in the ledger/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await drop();
    }
  });
});
