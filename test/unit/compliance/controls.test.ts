import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  controlsSchema,
  evaluateControls,
  fillTemplate,
  formatFigure,
  loadControls,
  parseControls,
  shippedControlsDir,
  type ControlSet,
  type EvidenceCheck,
} from '../../../src/compliance/controls.js';
import { FIGURE_DESCRIPTIONS, FIGURE_NAMES } from '../../../src/compliance/figures.js';
import { VigilError } from '../../../src/errors.js';

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

type RawCheck = Record<string, unknown> & { figure: string; says: string; whenNoData?: string };
type RawFile = { framework: string; version: string; controls: { id: string; evidence: RawCheck[] }[] };

const SHIPPED = ['ccpa.yaml', 'gdpr.yaml', 'iso27001.yaml', 'soc2.yaml'];
const rawFiles = SHIPPED.map((f) => ({ file: f, raw: parse(readFileSync(path.join(shippedControlsDir(), f), 'utf8')) as RawFile }));

describe('shipped control mappings (compliance/controls)', () => {
  let sets: ControlSet[];
  beforeAll(async () => {
    sets = await loadControls();
  });

  it('loads the four frameworks with the controls the report cites', () => {
    const ids = Object.fromEntries(sets.map((s) => [s.framework, s.controls.map((c) => c.id)]));
    expect(ids).toEqual({
      'SOC 2': ['CC7.1', 'CC7.2', 'CC7.3', 'CC7.4', 'CC8.1'],
      'ISO/IEC 27001:2022': ['A.5.24', 'A.5.25', 'A.5.26', 'A.5.27', 'A.5.28', 'A.8.8', 'A.8.16'],
      GDPR: ['Art. 30', 'Art. 32', 'Art. 33'],
      'CCPA/CPRA': ['§1798.100(e)', '§1798.150', '§1798.82'],
    });
    for (const s of sets) {
      expect(s.source).toBe(`compliance/controls/${path.basename(s.file)}`);
      expect(s.version.length).toBeGreaterThan(0);
      for (const c of s.controls) {
        expect(c.title.length, `${c.id} has a title`).toBeGreaterThan(0);
        // one sentence: a capital first, a full stop last, no full stop followed by a new sentence inside
        expect(c.summary, `${c.id}'s summary is one sentence`).toMatch(/^[A-Z][^]*\.$/);
        expect(c.summary.slice(0, -1), `${c.id}'s summary is one sentence`).not.toMatch(/\.\s+[A-Z]/);
        expect(c.evidence.length).toBeGreaterThan(0);
        expect(c.where.line).toBeGreaterThan(0);
      }
    }
  });

  it('names only figures the ledger computes, in checks and placeholders', () => {
    const known = new Set<string>(FIGURE_NAMES);
    for (const { file, raw } of rawFiles) {
      for (const c of raw.controls) {
        for (const check of c.evidence) {
          expect(known.has(check.figure), `${file} ${c.id}: ${check.figure}`).toBe(true);
          for (const text of [check.says, check.whenNoData ?? '']) {
            for (const m of text.matchAll(/\{([^{}]*)\}/g)) expect(known.has(m[1]!), `${file} ${c.id}: {${m[1]}}`).toBe(true);
          }
        }
      }
    }
  });

  it('never states a status: the files hold no status key, and the same files give every status from figures alone', () => {
    for (const { file } of rawFiles) expect(readFileSync(path.join(shippedControlsDir(), file), 'utf8')).not.toMatch(/^\s*-?\s*status\s*:/m);
    const all = (v: number | null) => Object.fromEntries(FIGURE_NAMES.map((n) => [n, v]));
    expect(new Set(evaluateControls(sets, all(null)).map((r) => r.status))).toEqual(new Set(['no-data']));

    // figures that meet every check, and figures that miss every one: the checks must agree with each other
    // figures no check judges (the "of N" in a sentence) still have a value
    const good: Record<string, number> = Object.fromEntries(FIGURE_NAMES.map((n) => [n, 7]));
    const bad: Record<string, number> = { ...good };
    const judged = new Set<string>();
    for (const s of sets) {
      for (const c of s.controls) {
        for (const check of c.evidence) {
          const want = check.value;
          const miss = check.comparison === 'atLeast' ? want - 1 : want + 1;
          if (judged.has(check.figure)) {
            expect(good[check.figure], `${s.framework} ${c.id} asks for ${check.figure} as others do`).toBe(want);
          }
          judged.add(check.figure);
          good[check.figure] = want;
          bad[check.figure] = miss;
        }
      }
    }
    const met = evaluateControls(sets, good);
    expect(met.filter((r) => r.status !== 'met')).toEqual([]);
    for (const r of met) for (const e of r.evidence) expect(e).not.toMatch(/required:|no data|NaN|undefined|\{/);
    const notMet = evaluateControls(sets, bad);
    expect(notMet.filter((r) => r.status !== 'not-met')).toEqual([]);
    for (const r of notMet) for (const e of r.evidence) expect(e).toMatch(/ \(required: (at least|at most|exactly) -?\d+(\.\d)?\)\.$/);
  });

  it('reads a quiet period (no incident) as no-data for the incident controls, not as partial', () => {
    const figures: Record<string, number | null> = Object.fromEntries(FIGURE_NAMES.map((n) => [n, n.startsWith('incidents.') ? null : 0]));
    figures['incidents.opened'] = 0;
    const byId = new Map(evaluateControls(sets, figures).map((r) => [r.id, r]));
    for (const id of ['CC7.4', 'A.5.26', 'A.5.27', 'Art. 33', '§1798.82']) expect(byId.get(id)?.status, id).toBe('no-data');
    expect(byId.get('CC7.4')?.evidence).toEqual(['No incident was opened in the period, so no response could be observed.']);
  });

  it('every figure has a description, and the schema lists exactly these figures', () => {
    for (const n of FIGURE_NAMES) expect(FIGURE_DESCRIPTIONS[n].length, n).toBeGreaterThan(10);
    const defs = (controlsSchema()['definitions'] as Record<string, { enum?: string[] }>)['figure'];
    expect(defs?.enum).toEqual([...FIGURE_NAMES]);
  });

  it('the fixture-style figures give the sentences the report prints', () => {
    const r = evaluateControls(sets, { 'scans.expected': 90, 'scans.ran': 89, 'scans.coverage_percent': 98.9, 'scanner.deps.runs': 12, 'scanner.code.runs': 12 });
    const cc71 = r.find((x) => x.id === 'CC7.1')!;
    expect(cc71).toMatchObject({ framework: 'SOC 2', status: 'met', source: 'compliance/controls/soc2.yaml' });
    expect(cc71.evidence[0]).toBe('89 of 90 scheduled scans ran (98.9 %).');
  });
});

describe('evaluateControls', () => {
  const check = (figure: EvidenceCheck['figure'], comparison: EvidenceCheck['comparison'], value: number, says: string, whenNoData: string | null = null): EvidenceCheck => ({
    figure,
    comparison,
    value,
    says,
    whenNoData,
  });
  const set: ControlSet = {
    framework: 'Test',
    version: '1',
    source: 'compliance/controls/test.yaml',
    file: '/x/test.yaml',
    controls: [
      {
        id: 'T.1',
        title: 'Coverage and failures',
        summary: 'Scans run.',
        where: { file: '/x/test.yaml', line: 1, column: 1 },
        evidence: [
          check('scans.coverage_percent', 'atLeast', 95, '{scans.ran} of {scans.expected} ran ({scans.coverage_percent} %).', 'Nothing was scheduled.'),
          check('scans.failed', 'atMost', 0, 'Failed: {scans.failed}.'),
          check('ledger.verified', 'equals', 1, 'Verified: {ledger.verified}.'),
        ],
      },
    ],
  };
  const run = (figures: Record<string, number | null>) => evaluateControls([set], figures)[0]!;

  it.each([
    { name: 'met: every check passes', figures: { 'scans.coverage_percent': 98.9, 'scans.ran': 89, 'scans.expected': 90, 'scans.failed': 0, 'ledger.verified': 1 }, status: 'met' },
    { name: 'met: at the boundaries', figures: { 'scans.coverage_percent': 95, 'scans.failed': 0, 'ledger.verified': 1 }, status: 'met' },
    { name: 'partial: one of three fails', figures: { 'scans.coverage_percent': 98.9, 'scans.failed': 2, 'ledger.verified': 1 }, status: 'partial' },
    { name: 'partial: two pass, one has no data', figures: { 'scans.coverage_percent': null, 'scans.failed': 0, 'ledger.verified': 1 }, status: 'partial' },
    { name: 'not-met: every check fails', figures: { 'scans.coverage_percent': 94.9, 'scans.failed': 1, 'ledger.verified': 0 }, status: 'not-met' },
    { name: 'not-met: the only check with data fails', figures: { 'scans.coverage_percent': null, 'scans.failed': 3, 'ledger.verified': null }, status: 'not-met' },
    { name: 'no-data: every figure null', figures: { 'scans.coverage_percent': null, 'scans.failed': null, 'ledger.verified': null }, status: 'no-data' },
    { name: 'no-data: figures missing or NaN', figures: { 'scans.failed': Number.NaN }, status: 'no-data' },
  ])('$name', ({ figures, status }) => {
    expect(run(figures).status).toBe(status);
  });

  it('fills placeholders: whole numbers plain, others one decimal, null as "no data"; a failing check says what was required', () => {
    expect(run({ 'scans.coverage_percent': 66.66666, 'scans.ran': 2, 'scans.expected': 3, 'scans.failed': 1, 'ledger.verified': 1 }).evidence).toEqual([
      '2 of 3 ran (66.7 %) (required: at least 95).',
      'Failed: 1 (required: at most 0).',
      'Verified: 1.',
    ]);
    expect(run({ 'scans.coverage_percent': 100, 'scans.failed': 0, 'ledger.verified': 0 }).evidence).toEqual([
      'no data of no data ran (100 %).',
      'Failed: 0.',
      'Verified: 0 (required: exactly 1).',
    ]);
  });

  it('uses whenNoData for a null figure, else a sentence naming the figure', () => {
    expect(run({}).evidence).toEqual([
      'Nothing was scheduled.',
      'No data for scans.failed: of the expected slots, those whose run ended failed.',
      'No data for ledger.verified: 1 when the ledger verified at report time (hash chain intact, every finding row matching its events), else 0.',
    ]);
  });

  it('keeps the framework, id, title and source of each control', () => {
    expect(run({})).toMatchObject({ framework: 'Test', id: 'T.1', title: 'Coverage and failures', source: 'compliance/controls/test.yaml' });
  });

  it.each([
    [0, '0'],
    [42, '42'],
    [98.94, '98.9'],
    [98.96, '99.0'],
    [-0.04, '0.0'],
    [null, 'no data'],
    [Number.POSITIVE_INFINITY, 'no data'],
  ] as const)('formatFigure(%s) is %s', (v, text) => {
    expect(formatFigure(v)).toBe(text);
  });

  it('fillTemplate leaves text without placeholders alone and treats unknown names as no data', () => {
    expect(fillTemplate('No braces here.', {})).toBe('No braces here.');
    expect(fillTemplate('{scans.ran} and { scans.ran }', { 'scans.ran': 7 })).toBe('7 and 7');
  });
});

describe('bad control mappings: VIGIL_ERR_CONTROLS_* (exit 2) naming file:line:column', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'vigil-controls-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const GOOD = `framework: Test
version: "1"
controls:
  - id: T.1
    title: Scans run
    summary: Scheduled scans run.
    evidence:
      - figure: scans.coverage_percent
        atLeast: 95
        says: "{scans.coverage_percent} % ran."
  - id: T.2
    title: Nothing overdue
    summary: Nothing is left overdue.
    evidence:
      - figure: sla.overdue
        atMost: 0
        says: "Overdue: {sla.overdue}."
`;

  /** Write `files` into a fresh folder and load it. */
  async function load(scenario: string, files: Record<string, string>): Promise<VigilError> {
    const d = path.join(dir, scenario);
    await mkdir(d, { recursive: true });
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(d, name), text);
    return rejection(loadControls(d));
  }

  it('loads the good example, citing the path it was loaded from', async () => {
    const d = path.join(dir, 'good');
    await mkdir(d, { recursive: true });
    await writeFile(path.join(d, 'test.yaml'), GOOD);
    const [set] = await loadControls(d);
    expect(set?.controls.map((c) => c.id)).toEqual(['T.1', 'T.2']);
    expect(set?.source).toBe(path.join(d, 'test.yaml').split(path.sep).join('/'));
    expect(set?.controls[1]?.where).toMatchObject({ line: 11, column: 9 });
  });

  const cases: { scenario: string; text: string; line: number; column: number; message: RegExp; code?: string }[] = [
    {
      scenario: 'not-yaml',
      text: GOOD.replace('title: Scans run', 'title: "Scans run'),
      line: 5,
      column: 12,
      message: /^not valid YAML/,
      code: 'VIGIL_ERR_CONTROLS_PARSE',
    },
    { scenario: 'bad-indent', text: GOOD.replace('    summary: Scheduled', '   summary: Scheduled'), line: 6, column: 1, message: /^not valid YAML/, code: 'VIGIL_ERR_CONTROLS_PARSE' },
    {
      scenario: 'unknown-key',
      text: GOOD.replace('        atLeast: 95\n', '        atLeast: 95\n        sayz: x\n'),
      line: 10,
      column: 9,
      message: /^controls\[0\]\.evidence\[0\]: unknown key "sayz" \(did you mean "says"\?\)/,
    },
    { scenario: 'unknown-top-key', text: `${GOOD}status: met\n`, line: 18, column: 1, message: /^unknown key "status"/ },
    { scenario: 'status-on-control', text: GOOD.replace('    title: Scans run\n', '    title: Scans run\n    status: met\n'), line: 6, column: 5, message: /^controls\[0\]: unknown key "status"/ },
    {
      scenario: 'unknown-figure',
      text: GOOD.replace('figure: sla.overdue\n', 'figure: sla.overdeu\n'),
      line: 15,
      column: 17,
      message: /^controls\[1\]\.evidence\[0\]\.figure: unknown figure "sla\.overdeu" \(did you mean "sla\.overdue"\?\)/,
    },
    {
      scenario: 'unknown-placeholder',
      text: GOOD.replace('"Overdue: {sla.overdue}."', '"Overdue: {sla.overdue} of {findings.opn}."'),
      line: 17,
      column: 15,
      message: /^controls\[1\]\.evidence\[0\]\.says: the placeholder \{findings\.opn\} names no figure \(did you mean "findings\.open"\?\)$/,
    },
    { scenario: 'stray-brace', text: GOOD.replace('"Overdue: {sla.overdue}."', '"Overdue: {sla.overdue."'), line: 17, column: 15, message: /not part of a placeholder/ },
    { scenario: 'duplicate-id', text: GOOD.replace('id: T.2', 'id: T.1'), line: 11, column: 9, message: /^controls\[1\]\.id: "T\.1" is already the id of the control at line 4/ },
    {
      scenario: 'two-comparisons',
      text: GOOD.replace('        atMost: 0\n', '        atMost: 0\n        equals: 0\n'),
      line: 15,
      column: 9,
      message: /^controls\[1\]\.evidence\[0\]: has atMost and equals: a check takes exactly one comparison/,
    },
    { scenario: 'no-comparison', text: GOOD.replace('        atMost: 0\n', ''), line: 15, column: 9, message: /^controls\[1\]\.evidence\[0\]: has no comparison/ },
    { scenario: 'text-threshold', text: GOOD.replace('atLeast: 95', 'atLeast: "95"'), line: 9, column: 18, message: /^controls\[0\]\.evidence\[0\]\.atLeast: must be a number \(got "95"\)/ },
    { scenario: 'missing-summary', text: GOOD.replace('    summary: Nothing is left overdue.\n', ''), line: 11, column: 5, message: /^controls\[1\]: missing required key "summary"/ },
    { scenario: 'empty', text: '', line: 1, column: 1, message: /the file is empty/ },
  ];

  it.each(cases)('$scenario', async ({ scenario, text, line, column, message, code }) => {
    const e = await load(scenario, { 'test.yaml': text });
    expect(e.code).toBe(code ?? 'VIGIL_ERR_CONTROLS_INVALID');
    expect(e.exitCode).toBe(2);
    expect(e.file).toBe(path.join(dir, scenario, 'test.yaml'));
    expect({ line: e.line, column: e.column }).toEqual({ line, column });
    expect(e.message).toMatch(message);
    expect(e.toString()).toContain(`${path.join(dir, scenario, 'test.yaml')}:${line}:${column}: `);
  });

  it('lists further problems after the first, in document order', async () => {
    const e = await load('several', { 'test.yaml': GOOD.replace('sayz', '').replace('figure: sla.overdue\n', 'figure: nope\n').replace('id: T.1', 'id: ""') });
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/^controls\[0\]\.id: must not be empty.*\(and 1 more: line 15: controls\[1\]\.evidence\[0\]\.figure: unknown figure "nope"; /);
  });

  it('a control id used twice in one framework across two files: the second file, naming the first', async () => {
    const e = await load('duplicate-across-files', { 'a.yaml': GOOD, 'b.yaml': GOOD.replace('id: T.1', 'id: T.9') });
    expect(e.code).toBe('VIGIL_ERR_CONTROLS_INVALID');
    expect(e.file).toBe(path.join(dir, 'duplicate-across-files', 'b.yaml'));
    expect(e.line).toBe(11);
    expect(e.message).toMatch(/"T\.2" is already a control of Test in .*a\.yaml:11/);
  });

  it('the same id in two frameworks is fine', async () => {
    const d = path.join(dir, 'two-frameworks');
    await mkdir(d, { recursive: true });
    await writeFile(path.join(d, 'a.yaml'), GOOD);
    await writeFile(path.join(d, 'b.yaml'), GOOD.replace('framework: Test', 'framework: Other'));
    expect((await loadControls(d)).map((s) => s.framework)).toEqual(['Test', 'Other']);
  });

  it('a missing or empty folder is VIGIL_ERR_INPUT_NOT_FOUND', async () => {
    expect((await rejection(loadControls(path.join(dir, 'no-such-folder')))).code).toBe('VIGIL_ERR_INPUT_NOT_FOUND');
    await mkdir(path.join(dir, 'empty-folder'), { recursive: true });
    expect((await rejection(loadControls(path.join(dir, 'empty-folder')))).code).toBe('VIGIL_ERR_INPUT_NOT_FOUND');
  });

  it('parseControls checks one text without touching the disk', () => {
    expect(parseControls(GOOD, 'inline.yaml').controls[0]?.evidence[0]).toEqual({
      figure: 'scans.coverage_percent',
      comparison: 'atLeast',
      value: 95,
      says: '{scans.coverage_percent} % ran.',
      whenNoData: null,
    });
  });
});
