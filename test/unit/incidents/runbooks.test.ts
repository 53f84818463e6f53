import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VigilError } from '../../../src/errors.js';
import { SEVERITIES } from '../../../src/model/severity.js';
import { DURATION_PATTERN } from '../../../src/incidents/clock.js';
import { runbookSchema } from '../../../src/incidents/runbook-schema.js';
import { loadRunbooks, parseRunbook } from '../../../src/incidents/runbooks.js';
import { CHANNELS, NOTIFY_ON, PHASES, ROLES, RUNBOOK_EVENTS, type Runbook } from '../../../src/incidents/types.js';

const FIXTURES = 'test/fixtures/incidents/runbooks';

/** The VigilError a promise rejects with (fails the test when it resolves). */
async function rejection(p: Promise<unknown>): Promise<VigilError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(VigilError);
    return e as VigilError;
  }
  throw new Error('expected an error, got none');
}

describe('shipped runbooks (compliance/runbooks)', () => {
  let runbooks: Runbook[];
  beforeAll(async () => {
    runbooks = await loadRunbooks();
  });
  const byId = (id: string) => {
    const r = runbooks.find((x) => x.id === id);
    expect(r, `runbook ${id} is shipped`).toBeDefined();
    return r!;
  };

  it('loads every runbook the task asks for, each checked', () => {
    expect(runbooks.map((r) => r.id).sort()).toEqual([
      'certificate-expiry',
      'critical-dependency',
      'critical-finding',
      'exposed-secret',
      'personal-data-breach',
      'scan-failed',
    ]);
    for (const r of runbooks) {
      expect(r.where.file.endsWith(`${r.id}.yaml`), `${r.id} lives in ${r.id}.yaml`).toBe(true);
      expect(r.steps.some((s) => s.phase === 'post-incident'), `${r.id} has a post-incident step`).toBe(true);
      for (const s of r.steps) expect(ROLES).toContain(s.owner);
      expect(r.notify.some((n) => n.on.includes('open')), `${r.id} tells someone on open`).toBe(true);
    }
  });

  it('has exactly one fallback, and one event runbook for failed scans', () => {
    expect(runbooks.filter((r) => r.trigger.kind === 'fallback').map((r) => r.id)).toEqual(['critical-finding']);
    expect(byId('scan-failed').trigger).toEqual({ kind: 'event', event: 'scan-failed', scanners: [] });
  });

  it('critical dependency: deps, production only, KEV raises to critical', () => {
    expect(byId('critical-dependency').trigger).toEqual({
      kind: 'finding',
      severityAtLeast: 'critical',
      scanners: ['deps'],
      ruleIds: [],
      tags: ['dependency'],
      notTags: ['dev'],
      raise: [{ tags: ['kev'], to: 'critical' }],
    });
  });

  it('exposed secret: revoking comes first and is due within the hour', () => {
    const r = byId('exposed-secret');
    expect(r.steps[0]).toMatchObject({ id: 'revoke', phase: 'contain', due: { from: 'open', offset: { text: '1h', ms: 3_600_000 } } });
    const earliest = Math.min(...r.steps.filter((s) => s.due.from === 'open').map((s) => s.due.offset.ms));
    expect(r.steps[0]!.due.offset.ms).toBe(earliest);
  });

  it('personal-data breach: the Art. 33 clock is 72 hours from awareness with the contents Art. 33(3) asks for', () => {
    const r = byId('personal-data-breach');
    const art33 = r.clocks.find((c) => c.id === 'gdpr-art33-authority')!;
    expect(art33).toMatchObject({ law: 'GDPR Art. 33(1)', owner: 'dpo', statutory: true, due: { from: 'awareness', offset: { ms: 72 * 3_600_000 } } });
    expect(art33.fields.map((f) => f.id)).toEqual(['nature', 'subjects', 'records', 'contact', 'consequences', 'measures', 'delay-reasons']);
    expect(art33.fields.filter((f) => f.law?.startsWith('Art. 33(3)')).map((f) => f.law)).toEqual([
      'Art. 33(3)(a)',
      'Art. 33(3)(a)',
      'Art. 33(3)(a)',
      'Art. 33(3)(b)',
      'Art. 33(3)(c)',
      'Art. 33(3)(d)',
    ]);
    const art34 = r.clocks.find((c) => c.id === 'gdpr-art34-subjects')!;
    // "without undue delay": the period is the organisation's target, not the law's
    expect(art34.statutory).toBe(false);
    expect(r.clocks.find((c) => c.id === 'ca-residents')).toMatchObject({ due: { from: 'awareness', offset: { text: '30d' } } });
    expect(r.clocks.find((c) => c.id === 'ca-attorney-general')).toMatchObject({ due: { from: 'clock', clock: 'ca-residents', offset: { text: '15d' } } });
    expect(r.clocks.find((c) => c.id === 'us-state-residents')).toMatchObject({ due: { from: 'awareness', offset: { text: '30d' } } });
    expect(r.trigger).toMatchObject({ kind: 'finding', tags: ['personal-data'], severityAtLeast: 'high' });
  });

  it('certificate expiry: the tls expiry rules', () => {
    expect(byId('certificate-expiry').trigger).toMatchObject({ scanners: ['tls'], ruleIds: ['tls-cert-expired', 'tls-cert-expiring'], tags: ['cert-expiry'] });
  });

  it('an `after` step is also required, so it cannot be done before the step it follows', () => {
    const verify = byId('critical-dependency').steps.find((s) => s.id === 'verify')!;
    expect(verify.due).toEqual({ from: 'step', step: 'upgrade', offset: { text: '1d', ms: 86_400_000 } });
    expect(verify.requires).toEqual(['upgrade']);
  });
});

describe('runbook.schema.json agrees with the code', () => {
  const schema = runbookSchema() as { properties: Record<string, any>; definitions: Record<string, any> }; // any: walking a JSON document

  it('lists the same phases, roles, channels, events, notify moments and severities', () => {
    const p = schema.properties;
    expect(p['steps'].items.properties.phase.enum).toEqual([...PHASES]);
    expect(schema.definitions['role'].enum).toEqual([...ROLES]);
    expect(p['notify'].items.properties.channels.items.enum).toEqual([...CHANNELS]);
    expect(p['notify'].items.properties.on.items.enum).toEqual([...NOTIFY_ON]);
    expect(p['trigger'].properties.event.enum).toEqual([...RUNBOOK_EVENTS]);
    expect(p['trigger'].properties.severity_at_least.enum).toEqual([...SEVERITIES]);
  });

  it('uses the duration pattern parseDuration uses, everywhere a duration goes', () => {
    expect(schema.definitions['duration'].pattern).toBe(DURATION_PATTERN);
    expect(schema.properties['steps'].items.properties.due.pattern).toBe(DURATION_PATTERN);
    expect(schema.properties['clocks'].items.properties.due.pattern).toBe(DURATION_PATTERN);
  });
});

describe('bad runbooks: VIGIL_ERR_RUNBOOK_* (exit 2) naming file:line:column', () => {
  const cases: { scenario: string; file: string; line: number; column: number; message: RegExp; code?: string }[] = [
    { scenario: 'unknown-key', file: 'leak.yaml', line: 11, column: 5, message: /^steps\[0\]: unknown key "owners" \(did you mean "owner"\?\)$/ },
    { scenario: 'bad-duration', file: 'leak.yaml', line: 11, column: 10, message: /^steps\[0\]\.due: must be a duration .*\(got "4 hours"\).*line 16: steps\[1\]\.due\.offset: must be a duration.*\(got "1\.5d"\)/ },
    { scenario: 'unknown-requires', file: 'leak.yaml', line: 17, column: 16, message: /^steps\[1\]\.requires\[0\]: no step has the id "asess" \(did you mean "assess"\?\)$/ },
    { scenario: 'unknown-after', file: 'leak.yaml', line: 16, column: 19, message: /^steps\[1\]\.due\.after: no step has the id "patch"$/ },
    { scenario: 'cycle', file: 'leak.yaml', line: 17, column: 19, message: /cycle: assess → review → fix → assess/ },
    { scenario: 'no-post-incident', file: 'leak.yaml', line: 7, column: 3, message: /no step has phase post-incident/ },
    { scenario: 'duplicate-id', file: 'b.yaml', line: 2, column: 5, message: /"leak" is already the id of the runbook in .*duplicate-id\/a\.yaml:2/ },
    { scenario: 'two-fallbacks', file: 'other.yaml', line: 5, column: 13, message: /"catch-all" \(.*catch-all\.yaml:1\) is already the fallback runbook/ },
    { scenario: 'clock-after-unknown', file: 'breach.yaml', line: 25, column: 19, message: /^clocks\[1\]\.due\.after: no clock has the id "resident" \(did you mean "residents"\?\)$/ },
    { scenario: 'event-with-finding-keys', file: 'scan.yaml', line: 6, column: 3, message: /"severity_at_least" is a finding condition; an event trigger takes only event and scanners/ },
    { scenario: 'escalation-without-window', file: 'scan.yaml', line: 15, column: 5, message: /^notify\[1\]: a rule with on: escalation needs escalate_before/ },
    { scenario: 'not-yaml', file: 'leak.yaml', line: 2, column: 8, message: /^not valid YAML/, code: 'VIGIL_ERR_RUNBOOK_PARSE' },
  ];

  it.each(cases)('$scenario', async ({ scenario, file, line, column, message, code }) => {
    const e = await rejection(loadRunbooks(path.join(FIXTURES, scenario)));
    expect(e.code).toBe(code ?? 'VIGIL_ERR_RUNBOOK_INVALID');
    expect(e.exitCode).toBe(2);
    expect(e.file).toBe(path.join(FIXTURES, scenario, file));
    expect({ line: e.line, column: e.column }).toEqual({ line, column });
    expect(e.message).toMatch(message);
  });

  it('names the cycle once, even though every member could report it', async () => {
    const e = await rejection(loadRunbooks(path.join(FIXTURES, 'cycle')));
    expect(e.message.match(/cycle/g)).toHaveLength(1);
  });

  it('a missing folder, or one without runbooks, is VIGIL_ERR_INPUT_NOT_FOUND', async () => {
    expect((await rejection(loadRunbooks(path.join(FIXTURES, 'no-such-folder')))).code).toBe('VIGIL_ERR_INPUT_NOT_FOUND');
    expect((await rejection(loadRunbooks('test/fixtures/kev'))).code).toBe('VIGIL_ERR_INPUT_NOT_FOUND');
  });
});

describe('bad runbooks, one problem each (parseRunbook)', () => {
  const BASE = `id: leak
title: Leak
description: A leak.
trigger:
  severity_at_least: high
steps:
  - id: revoke
    phase: contain
    title: Revoke it
    owner: service-owner
    due: 1h
  - id: review
    phase: post-incident
    title: Review
    owner: security-lead
    due: 7d
`;
  const parse = (text: string) => {
    try {
      parseRunbook(text, 'leak.yaml');
    } catch (e) {
      expect(e).toBeInstanceOf(VigilError);
      return e as VigilError;
    }
    throw new Error('expected an error');
  };

  it('accepts the base text', () => {
    expect(parseRunbook(BASE, 'leak.yaml').steps.map((s) => s.id)).toEqual(['revoke', 'review']);
  });

  it.each([
    { name: 'an unknown top-level key', text: BASE + 'owner: me\n', line: 17, message: /^unknown key "owner"/ },
    { name: 'an unknown phase', text: BASE.replace('phase: contain', 'phase: containment'), line: 8, message: /^steps\[0\]\.phase: must be one of "detect", .*\(got "containment"\)/ },
    { name: 'an unknown role', text: BASE.replace('owner: service-owner', 'owner: ciso'), line: 10, message: /^steps\[0\]\.owner: must be one of "security-lead"/ },
    { name: 'a duration without a unit', text: BASE.replace('due: 7d', 'due: 7'), line: 16, message: /^steps\[1\]\.due: must be a duration from the incident's opening .*\(got 7\)$/ },
    { name: 'a duration in seconds', text: BASE.replace('due: 1h', 'due: 3600s'), line: 11, message: /^steps\[0\]\.due: must be a duration/ },
    { name: 'a bad escalate_before', text: BASE.replace('    due: 1h\n', '    due: 1h\n    escalate_before: soon\n'), line: 12, message: /^steps\[0\]\.escalate_before: must be a duration: a whole number and m \(minutes\)/ },
    { name: 'a duplicate step id', text: BASE.replace('id: review', 'id: revoke'), line: 12, message: /^steps\[1\]\.id: "revoke" is already the id of steps\[0\]/ },
    { name: 'a step that requires itself', text: BASE.replace('    due: 7d\n', '    due: 7d\n    requires: [review]\n'), line: 17, message: /cycle: review → review/ },
    { name: 'a finding trigger without severity_at_least', text: BASE.replace('  severity_at_least: high\n', '  tags: [secret]\n'), line: 5, message: /^trigger: missing required key "severity_at_least"/ },
    { name: 'fallback with finding conditions', text: BASE.replace('  severity_at_least: high\n', '  fallback: true\n  tags: [secret]\n'), line: 6, message: /^trigger: "tags" cannot go with fallback: true/ },
    { name: 'a raise below the floor', text: BASE.replace('  severity_at_least: high\n', '  severity_at_least: high\n  raise: [{ tags: [kev], to: medium }]\n'), line: 6, message: /raising to medium is below severity_at_least high/ },
    { name: 'an empty trigger', text: BASE.replace('  severity_at_least: high\n', '  {}\n').replace('trigger:\n  {}', 'trigger: {}'), line: 4, message: /^trigger: must not be empty/ },
    { name: 'an empty file', text: '# nothing\n', line: 1, message: /the file is empty/ },
  ])('$name', ({ text, line, message }) => {
    const e = parse(text);
    expect(e.code).toBe('VIGIL_ERR_RUNBOOK_INVALID');
    expect(e.file).toBe('leak.yaml');
    expect(e.line).toBe(line);
    expect(e.message).toMatch(message);
  });
});

describe('loadRunbooks on a folder of its own', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'vigil-runbooks-'));
    await writeFile(path.join(dir, 'b.yml'), 'id: b\ntitle: B\ndescription: B.\ntrigger: { event: scan-failed }\nsteps:\n  - { id: r, phase: post-incident, title: R, owner: on-call, due: 1d }\n');
    await writeFile(path.join(dir, 'a.yaml'), 'id: a\ntitle: A\ndescription: A.\npriority: 5\ntrigger: { severity_at_least: low }\nsteps:\n  - { id: r, phase: post-incident, title: R, owner: on-call, due: 1d }\n');
    await writeFile(path.join(dir, 'notes.txt'), 'not a runbook');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads *.yaml and *.yml in name order and ignores other files', async () => {
    const rbs = await loadRunbooks(dir);
    expect(rbs.map((r) => [r.id, r.priority])).toEqual([
      ['a', 5],
      ['b', 0],
    ]);
    expect(rbs[1]!.clocks).toEqual([]);
    expect(rbs[1]!.notify).toEqual([]);
  });
});
