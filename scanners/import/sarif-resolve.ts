import { isLineTerminator } from '../../src/util/line-terminators.js';
import type {
  SarifArtifactLocation,
  SarifReportingDescriptor,
  SarifResult,
  SarifRun,
  SarifToolComponent,
} from './sarif-types.js';

/**
 * Lookups that follow SARIF's references (rule index, tool component, message id, artifact
 * index). Shared by validation, which reports a failed lookup at its JSON path, and by mapping,
 * which then knows the lookup succeeds.
 */

/** A JSON path relative to the object being resolved, e.g. `['rule', 'index']`. */
export type RelPath = (string | number)[];

export type Resolved<T> = { ok: true; value: T } | { ok: false; at: RelPath; problem: string };

/** A plain JSON object (not null, not an array). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `obj[key]` for own properties only: SARIF keys such as `constructor` must not reach the prototype. */
export function own(obj: unknown, key: string): unknown {
  return isObject(obj) && Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** The value when it is a string, else undefined (lenient reading of parts we only display). */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A short name for a JSON value's type, for messages: `array`, `null`, `string`… */
export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function isIndex(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The driver or extension a result's rule lives in, with how to name it in messages. */
export interface ComponentRef {
  component: SarifToolComponent;
  label: string;
}

/** Follow `result.rule.toolComponent` (index, guid or name) to the component; the driver by default. */
export function resolveComponent(run: SarifRun, result: SarifResult): Resolved<ComponentRef> {
  const driver: ComponentRef = { component: run.tool.driver, label: 'tool.driver' };
  const ref = own(result.rule, 'toolComponent');
  if (!isObject(ref)) return { ok: true, value: driver };
  const extensions = Array.isArray(run.tool.extensions) ? run.tool.extensions : [];
  const index = own(ref, 'index');
  if (index !== undefined && index !== -1) {
    const at = ['rule', 'toolComponent', 'index'];
    if (!isIndex(index) || index < 0) {
      return { ok: false, at, problem: `must be an index into tool.extensions, got ${JSON.stringify(index)}` };
    }
    const ext = extensions[index];
    if (!isObject(ext)) {
      return {
        ok: false,
        at,
        problem: `${index} is out of range; tool.extensions has ${plural(extensions.length, 'entry', 'entries')}`,
      };
    }
    return { ok: true, value: { component: ext, label: `tool.extensions[${index}]` } };
  }
  // guid and name references are matched leniently: an unknown one falls back to the driver
  for (const key of ['guid', 'name'] as const) {
    const want = str(own(ref, key));
    if (want === undefined) continue;
    if (own(run.tool.driver, key) === want) return { ok: true, value: driver };
    const i = extensions.findIndex((e) => own(e, key) === want);
    if (i >= 0) return { ok: true, value: { component: extensions[i]!, label: `tool.extensions[${i}]` } };
  }
  return { ok: true, value: driver };
}

/** The rule a result refers to, and the component holding it. */
export interface RuleRef extends ComponentRef {
  rule: SarifReportingDescriptor | undefined;
}

/**
 * Resolve a result's rule: by `ruleIndex` / `rule.index` into its component's rules (which must
 * exist), else by id (`ruleId` / `rule.id`) in the driver and extensions. An unknown id is not an
 * error: many tools report results without describing their rules.
 */
export function resolveRule(run: SarifRun, result: SarifResult): Resolved<RuleRef> {
  const comp = resolveComponent(run, result);
  if (!comp.ok) return comp;
  const { component, label } = comp.value;
  const rules = Array.isArray(component.rules) ? component.rules : [];
  const candidates: [RelPath, unknown][] = [
    [['ruleIndex'], result.ruleIndex],
    [['rule', 'index'], own(result.rule, 'index')],
  ];
  for (const [at, index] of candidates) {
    if (index === undefined || index === -1) continue; // -1 is the spec's "no index"
    if (!isIndex(index) || index < 0) {
      return { ok: false, at, problem: `must be an index into ${label}.rules, got ${JSON.stringify(index)}` };
    }
    const rule = rules[index];
    if (!isObject(rule)) {
      return {
        ok: false,
        at,
        problem: `${index} is out of range; ${label}.rules has ${plural(rules.length, 'rule')}`,
      };
    }
    return { ok: true, value: { component, label, rule } };
  }
  const id = str(result.ruleId) ?? str(own(result.rule, 'id'));
  return { ok: true, value: { component, label, rule: id === undefined ? undefined : findRuleById(run, component, id) } };
}

function findRuleById(run: SarifRun, preferred: SarifToolComponent, id: string): SarifReportingDescriptor | undefined {
  const components = [preferred, run.tool.driver, ...(Array.isArray(run.tool.extensions) ? run.tool.extensions : [])];
  // a hierarchical id (`CA2000/1`) names a sub-rule of `CA2000`; ids like `js/xss` match whole first
  for (let key = id; key; key = key.includes('/') ? key.slice(0, key.lastIndexOf('/')) : '') {
    for (const c of components) {
      if (!isObject(c) || !Array.isArray(c.rules)) continue;
      const rule = c.rules.find((r) => own(r, 'id') === key);
      if (rule) return rule;
    }
  }
  return undefined;
}

/**
 * The message template of a result: its `text`, or the string its `id` names in the rule's
 * `messageStrings` or the component's (then the driver's) `globalMessageStrings`.
 */
export function messageTemplate(run: SarifRun, result: SarifResult, ref: RuleRef): Resolved<string> {
  const m: unknown = result.message;
  if (!isObject(m)) {
    return { ok: false, at: ['message'], problem: `must be an object with "text" or "id", got ${typeName(m)}` };
  }
  const text = str(m.text);
  if (text !== undefined) return { ok: true, value: text };
  const id = str(m.id);
  if (id === undefined) {
    return { ok: false, at: ['message'], problem: 'needs "text" or "id" (a key into the rule\'s messageStrings)' };
  }
  const tables = [
    own(ref.rule, 'messageStrings'),
    own(ref.component, 'globalMessageStrings'),
    own(run.tool.driver, 'globalMessageStrings'),
  ];
  for (const table of tables) {
    const entry = own(table, id);
    const s = str(own(entry, 'text')) ?? str(own(entry, 'markdown'));
    if (s !== undefined) return { ok: true, value: s };
  }
  const where = ref.rule ? `rule "${String(own(ref.rule, 'id'))}" messageStrings or ` : '';
  return {
    ok: false,
    at: ['message', 'id'],
    problem: `no message string "${id}" in ${where}${ref.label}.globalMessageStrings`,
  };
}

/**
 * Fill `{0}`, `{1}` … from the arguments; `{{` and `}}` are literal braces. A placeholder with
 * no argument is left as written so the gap is visible.
 */
export function interpolate(template: string, args: readonly unknown[] | undefined): string {
  return template.replace(/\{\{|\}\}|\{(\d+)\}/g, (match, n: string | undefined) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    const v = args?.[Number(n)];
    return v === undefined || v === null ? match : String(v);
  });
}

/**
 * Plain text from a SARIF message: embedded links `[text](1)` to related locations become
 * `text`; links to URIs keep the URI in brackets; `\[` and `\]` escapes are undone.
 */
export function plainMessage(text: string): string {
  return replaceLinks(text).replace(/\\([[\]])/g, '$1');
}

/**
 * `text.replace(/(?<!\\)\[((?:\\.|[^\]\\])*)\]\(([^)\s]*)\)/g, …)` in one pass. The label's parts
 * are fixed by the text (an escape or a plain character), so every `[` inside a label that
 * failed reads to the same stop and fails too, and every target inside a target that failed runs
 * to the same space or end: the regex rescanned those from each `[` (quadratic on `[[[[…`).
 */
function replaceLinks(text: string): string {
  const n = text.length;
  let out = '';
  let copied = 0;
  // the end of the last `[^)\s]*` run read, valid for any start inside it
  let runStart = -1;
  let runEnd = -1;
  let i = text.indexOf('[');
  while (i >= 0) {
    if (i > 0 && text[i - 1] === '\\') {
      i = text.indexOf('[', i + 1);
      continue;
    }
    // the label: escapes (a backslash and any character but a line break) and characters other than `]` and `\`
    let j = i + 1;
    while (j < n && text[j] !== ']') {
      if (text[j] !== '\\') j++;
      else if (j + 1 < n && !isLineTerminator(text.charCodeAt(j + 1))) j += 2;
      else break;
    }
    if (text[j] !== ']' || text[j + 1] !== '(') {
      i = text.indexOf('[', j + 1);
      continue;
    }
    const from = j + 2;
    let k: number;
    if (from >= runStart && from <= runEnd) k = runEnd;
    else {
      k = from;
      while (k < n && text[k] !== ')' && !/\s/.test(text[k]!)) k++;
      runStart = from;
      runEnd = k;
    }
    if (text[k] !== ')') {
      i = text.indexOf('[', j + 1);
      continue;
    }
    const label = text.slice(i + 1, j);
    const target = text.slice(from, k);
    out += text.slice(copied, i) + (/^\d+$/.test(target) ? label : `${label} (${target})`);
    copied = k + 1;
    i = text.indexOf('[', k + 1);
  }
  return copied === 0 ? text : out + text.slice(copied);
}


/**
 * The artifact location a physical location means: itself when it has a `uri`, else the
 * `run.artifacts` entry its `index` names (which must exist).
 */
export function resolveArtifactLocation(
  run: SarifRun,
  al: SarifArtifactLocation | undefined,
): Resolved<SarifArtifactLocation | undefined> {
  if (!isObject(al)) return { ok: true, value: undefined };
  if (str(al.uri) !== undefined) return { ok: true, value: al };
  const index = al.index;
  if (index === undefined || index === -1) return { ok: true, value: undefined };
  const artifacts = Array.isArray(run.artifacts) ? run.artifacts : [];
  if (!isIndex(index) || index < 0) {
    return { ok: false, at: ['index'], problem: `must be an index into run.artifacts, got ${JSON.stringify(index)}` };
  }
  const artifact = artifacts[index];
  if (!isObject(artifact)) {
    return {
      ok: false,
      at: ['index'],
      problem: `${index} is out of range; run.artifacts has ${plural(artifacts.length, 'artifact')}`,
    };
  }
  const loc = own(artifact, 'location');
  return { ok: true, value: isObject(loc) ? { ...loc, index } : undefined };
}
