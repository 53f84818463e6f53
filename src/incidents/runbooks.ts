import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { PathSegment } from '../config/problem.js';
import { closest } from '../config/suggest.js';
import { parseYamlSource, type YamlLocator } from '../config/yaml-source.js';
import { VigilError } from '../errors.js';
import { severityRank, type Severity } from '../model/severity.js';
import { shippedPath } from '../util/package-path.js';
import { maxInputBytes, readTextInput } from '../util/read-input.js';
import { duration } from './clock.js';
import { checkRunbookSchema, collector, throwProblems, type RunbookReport } from './runbook-schema.js';
import type {
  ClockDue,
  ClockField,
  Duration,
  NotifyRule,
  Phase,
  Role,
  Runbook,
  RunbookClock,
  RunbookEvent,
  RunbookStep,
  RunbookTrigger,
  StepDue,
} from './types.js';

const CODES = { parse: 'VIGIL_ERR_RUNBOOK_PARSE', invalid: 'VIGIL_ERR_RUNBOOK_INVALID' } as const;

/** The runbooks vigil ships: compliance/runbooks. */
export function shippedRunbooksDir(): string {
  const dir = shippedPath('compliance', 'runbooks');
  if (!dir) throw new VigilError('VIGIL_ERR_INTERNAL', 'compliance/runbooks is missing from this install');
  return dir;
}

/**
 * Load and check every runbook in a folder (`*.yaml` and `*.yml`, not recursive, in name order):
 * each against compliance/runbook.schema.json and the rules a schema cannot state (steps and clocks
 * that name existing ones, no dependency cycle, a post-incident step), then all together (one id
 * each, at most one fallback). Any problem is a VIGIL_ERR_RUNBOOK_* error naming file:line:column.
 */
export async function loadRunbooks(dir: string = shippedRunbooksDir()): Promise<Runbook[]> {
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new VigilError('VIGIL_ERR_INPUT_NOT_FOUND', 'no such runbook folder', { file: dir });
  const files = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => path.join(dir, e.name))
    .sort();
  if (!files.length) throw new VigilError('VIGIL_ERR_INPUT_NOT_FOUND', 'no *.yaml runbooks in this folder', { file: dir });
  const runbooks: Runbook[] = [];
  for (const file of files) runbooks.push(parseRunbook(await readTextInput(file, maxInputBytes()), file));
  checkRunbookSet(runbooks);
  return runbooks;
}

/** Parse and check one runbook file's text. */
export function parseRunbook(text: string, file: string): Runbook {
  const { value, locator } = parseYamlSource(text, file, CODES);
  if (value === null || value === undefined) {
    throw new VigilError('VIGIL_ERR_RUNBOOK_INVALID', 'the file is empty: a runbook needs id, title, description, trigger and steps', { file, line: 1, column: 1 });
  }
  const { report, problems } = collector(locator);
  if (!checkRunbookSchema(value, report)) throwProblems(problems, file);
  const runbook = build(value as Raw, file, locator, report);
  throwProblems(problems, file);
  return runbook;
}

/**
 * Checks across runbooks: ids are unique and at most one is the fallback. The error points at the
 * second of the pair and names the first.
 */
export function checkRunbookSet(runbooks: readonly Runbook[]): void {
  const byId = new Map<string, Runbook>();
  let fallback: Runbook | undefined;
  for (const r of runbooks) {
    const first = byId.get(r.id);
    if (first) {
      throw new VigilError('VIGIL_ERR_RUNBOOK_INVALID', `id: "${r.id}" is already the id of the runbook in ${where(first)}; each runbook needs its own id`, r.where);
    }
    byId.set(r.id, r);
    if (r.trigger.kind === 'fallback') {
      if (fallback) {
        throw new VigilError(
          'VIGIL_ERR_RUNBOOK_INVALID',
          `trigger.fallback: "${fallback.id}" (${where(fallback)}) is already the fallback runbook; only one may take the critical findings no other runbook takes`,
          { ...r.where, ...(fallbackAt.get(r) ?? {}) },
        );
      }
      fallback = r;
    }
  }
}

function where(r: Runbook): string {
  return `${r.where.file}:${r.where.line}`;
}

type Raw = Record<string, unknown>;

/** Where each loaded fallback runbook writes `fallback: true`, for the two-fallbacks error. */
const fallbackAt = new WeakMap<Runbook, { line: number; column: number }>();

/** Build the typed runbook from a value that passed the schema, reporting what the schema cannot see. */
function build(raw: Raw, file: string, locator: YamlLocator, report: RunbookReport): Runbook {
  const idAt = locator.locate(['id']);
  const steps = buildSteps(raw['steps'] as Raw[]);
  const clocks = buildClocks((raw['clocks'] as Raw[] | null | undefined) ?? []);
  const notify = buildNotify((raw['notify'] as Raw[] | null | undefined) ?? [], report);
  const trigger = buildTrigger(raw['trigger'] as Raw, report);

  checkIds(raw, report);
  checkReferences(steps.map((s) => ({ id: s.id, refs: s.requires, after: s.due.from === 'step' ? s.due.step : undefined })), 'steps', 'step', report);
  checkReferences(clocks.map((c) => ({ id: c.id, refs: [], after: c.due.from === 'clock' ? c.due.clock : undefined })), 'clocks', 'clock', report);
  if (!steps.some((s) => s.phase === 'post-incident')) {
    report(['steps'], 'no step has phase post-incident: an incident is resolved only after its post-incident review, so every runbook needs one');
  }

  const runbook: Runbook = {
    id: raw['id'] as string,
    title: raw['title'] as string,
    description: raw['description'] as string,
    priority: (raw['priority'] as number | undefined) ?? 0,
    trigger,
    steps,
    clocks,
    notify,
    where: { file, line: idAt.line, column: idAt.column },
  };
  if (trigger.kind === 'fallback') {
    const at = locator.locate(['trigger', 'fallback']);
    fallbackAt.set(runbook, { line: at.line, column: at.column });
  }
  return runbook;
}

// durations passed the schema's pattern, which is parseDuration's
function dur(text: unknown): Duration {
  const d = duration(text as string);
  if (!d) throw new VigilError('VIGIL_ERR_INTERNAL', `duration ${String(text)} passed the schema but does not parse`);
  return d;
}

function optionalDur(text: unknown): { escalateBefore: Duration } | Record<string, never> {
  return text === undefined ? {} : { escalateBefore: dur(text) };
}

function buildSteps(raw: Raw[]): RunbookStep[] {
  return raw.map((s) => {
    const rawDue = s['due'] as string | Raw;
    const due: StepDue = typeof rawDue === 'string' ? { from: 'open', offset: dur(rawDue) } : { from: 'step', step: rawDue['after'] as string, offset: dur(rawDue['offset']) };
    const requires = [...((s['requires'] as string[] | undefined) ?? [])];
    // following a step means needing it done
    if (due.from === 'step' && !requires.includes(due.step)) requires.push(due.step);
    return {
      id: s['id'] as string,
      phase: s['phase'] as Phase,
      title: s['title'] as string,
      ...(s['description'] !== undefined ? { description: s['description'] as string } : {}),
      owner: s['owner'] as Role,
      due,
      requires,
      ...optionalDur(s['escalate_before']),
    };
  });
}

function buildClocks(raw: Raw[]): RunbookClock[] {
  return raw.map((c) => {
    const rawDue = c['due'] as string | Raw;
    const due: ClockDue = typeof rawDue === 'string' ? { from: 'awareness', offset: dur(rawDue) } : { from: 'clock', clock: rawDue['after'] as string, offset: dur(rawDue['offset']) };
    return {
      id: c['id'] as string,
      title: c['title'] as string,
      law: c['law'] as string,
      owner: c['owner'] as Role,
      due,
      statutory: (c['statutory'] as boolean | undefined) ?? true,
      ...(c['applies_if'] !== undefined ? { appliesIf: c['applies_if'] as string } : {}),
      fields: (c['fields'] as Raw[]).map((f): ClockField => ({
        id: f['id'] as string,
        title: f['title'] as string,
        ...(f['law'] !== undefined ? { law: f['law'] as string } : {}),
      })),
      ...optionalDur(c['escalate_before']),
    };
  });
}

function buildNotify(raw: Raw[], report: RunbookReport): NotifyRule[] {
  return raw.map((n, i) => {
    const on = n['on'] as NotifyRule['on'];
    const escalates = on.includes('escalation');
    if (escalates && n['escalate_before'] === undefined) {
      report(['notify', i], 'a rule with on: escalation needs escalate_before: how long before a due time it fires (e.g. 12h)');
    }
    if (!escalates && n['escalate_before'] !== undefined) {
      report(['notify', i, 'escalate_before'], 'escalate_before only applies with on: escalation', 'key');
    }
    return {
      on,
      roles: n['roles'] as Role[],
      channels: (n['channels'] as NotifyRule['channels'] | undefined) ?? [],
      ...optionalDur(n['escalate_before']),
    };
  });
}

function buildTrigger(raw: Raw, report: RunbookReport): RunbookTrigger {
  const keys = Object.keys(raw);
  if (raw['fallback'] === true) {
    for (const k of keys) if (k !== 'fallback') report(['trigger', k], `"${k}" cannot go with fallback: true; the fallback takes any critical finding no other runbook takes`, 'key');
    return { kind: 'fallback' };
  }
  if (raw['event'] !== undefined) {
    for (const k of keys) {
      if (k !== 'event' && k !== 'scanners') report(['trigger', k], `"${k}" is a finding condition; an event trigger takes only event and scanners`, 'key');
    }
    return { kind: 'event', event: raw['event'] as RunbookEvent, scanners: (raw['scanners'] as string[] | undefined) ?? [] };
  }
  const severity = raw['severity_at_least'] as Severity | undefined;
  if (severity === undefined) {
    report(['trigger'], 'missing required key "severity_at_least": a finding trigger says how severe a finding must be (an event trigger needs event, the fallback fallback: true)');
  }
  const floor = severity ?? 'info';
  const raise = ((raw['raise'] as Raw[] | undefined) ?? []).map((r) => ({ tags: r['tags'] as string[], to: r['to'] as Severity }));
  raise.forEach((r, i) => {
    if (severityRank(r.to) < severityRank(floor)) {
      report(['trigger', 'raise', i, 'to'], `raising to ${r.to} is below severity_at_least ${floor}, so it never makes a finding match`);
    }
  });
  return {
    kind: 'finding',
    severityAtLeast: floor,
    scanners: (raw['scanners'] as string[] | undefined) ?? [],
    ruleIds: (raw['rule_ids'] as string[] | undefined) ?? [],
    tags: (raw['tags'] as string[] | undefined) ?? [],
    notTags: (raw['not_tags'] as string[] | undefined) ?? [],
    raise,
  };
}

/** Step and clock ids are unique within the runbook, across both lists (an incident's CLI names either by id). */
function checkIds(raw: Raw, report: RunbookReport): void {
  const seen = new Map<string, string>();
  for (const list of ['steps', 'clocks'] as const) {
    const items = (raw[list] as Raw[] | null | undefined) ?? [];
    items.forEach((item, i) => {
      const id = item['id'] as string;
      const first = seen.get(id);
      if (first) report([list, i, 'id'], `"${id}" is already the id of ${first}; step and clock ids must be unique in a runbook`);
      else seen.set(id, `${list}[${i}]`);
    });
    // field ids within each clock
    if (list === 'clocks') {
      items.forEach((c, i) => {
        const fields = new Set<string>();
        ((c['fields'] as Raw[] | undefined) ?? []).forEach((f, j) => {
          const id = f['id'] as string;
          if (fields.has(id)) report(['clocks', i, 'fields', j, 'id'], `"${id}" is already the id of another field of this clock`);
          fields.add(id);
        });
      });
    }
  }
}

interface Node {
  id: string;
  refs: string[];
  after: string | undefined;
}

/**
 * Every `requires` and `after` names an item of the same list, and the dependencies have no cycle.
 * A cycle is reported once, at the reference that closes it, naming every item on it.
 */
function checkReferences(nodes: readonly Node[], list: 'steps' | 'clocks', noun: string, report: RunbookReport): void {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const ids = nodes.map((n) => n.id);
  const edges = new Map<string, { to: string; path: PathSegment[] }[]>();
  nodes.forEach((n, i) => {
    const out: { to: string; path: PathSegment[] }[] = [];
    const check = (ref: string, p: PathSegment[]) => {
      if (!index.has(ref)) {
        const near = closest(ref, ids);
        report(p, `no ${noun} has the id "${ref}"${near ? ` (did you mean "${near}"?)` : ''}`);
      } else out.push({ to: ref, path: p });
    };
    if (n.after !== undefined) check(n.after, [list, i, 'due', 'after']);
    n.refs.forEach((r, j) => {
      if (r === n.after) return;
      check(r, [list, i, 'requires', j]);
    });
    edges.set(n.id, out);
  });

  // depth-first search with colours; the stack gives the cycle's members in order
  const colour = new Map<string, 'grey' | 'black'>();
  const stack: string[] = [];
  const reported = new Set<string>();
  const visit = (id: string): void => {
    colour.set(id, 'grey');
    stack.push(id);
    for (const e of edges.get(id) ?? []) {
      const c = colour.get(e.to);
      if (c === 'grey') {
        const cycle = [...stack.slice(stack.indexOf(e.to)), e.to];
        const key = [...cycle.slice(0, -1)].sort().join('\u0000');
        if (!reported.has(key)) {
          reported.add(key);
          report(e.path, `${noun}s depend on each other in a cycle: ${cycle.join(' → ')}; none of them could ever be done`);
        }
      } else if (c === undefined) visit(e.to);
    }
    stack.pop();
    colour.set(id, 'black');
  };
  for (const n of nodes) if (!colour.has(n.id)) visit(n.id);
}
