/**
 * ZAP's baseline rules file (`zap-baseline.py -c`): one rule per line, `id<TAB>ACTION<TAB>comment`
 * with ACTION one of IGNORE, INFO, WARN, FAIL, or `id<TAB>OUTOFSCOPE<TAB>url-regex` to drop a
 * rule's alerts on matching URLs (`*` as the id: every rule). `#` starts a comment line.
 *
 * Mapping to vigil: an alert's severity is ZAP's risk (High→high, Medium→medium, Low→low,
 * Informational→info). A rules file changes it through the action: IGNORE drops the alert,
 * INFO keeps it as info (never counted by a gate), WARN makes it medium (a `--fail-on medium`
 * gate counts it, as the baseline's warnings) and FAIL makes it high (a `--fail-on high` gate
 * counts it, as the baseline's failures). Rules the file does not name get the baseline's
 * default — INFO for Informational alerts, WARN for the rest — but a default never lowers a
 * High alert: only an explicit line does that.
 */
import { VigilError } from '../../src/errors.js';
import type { Severity } from '../../src/model/severity.js';
import type { WebAlert, ZapRisk } from './types.js';
import { ZAP_ALERTS } from './zap-alerts.js';

export const RULE_ACTIONS = ['IGNORE', 'INFO', 'WARN', 'FAIL'] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];

export interface RulesConfig {
  /** Plugin id → action, for the rules the file names (a later line wins, as in zap-baseline.py). */
  actions: Map<string, RuleAction>;
  /** Alerts of `id` (or of every rule, for `*`) on a URL matching `url` are dropped. */
  outOfScope: { id: string; url: RegExp }[];
}

/** ZAP's risk as a vigil severity. */
export const RISK_SEVERITY: Readonly<Record<ZapRisk, Severity>> = { 3: 'high', 2: 'medium', 1: 'low', 0: 'info' };

/** The severity an action gives an alert (IGNORE drops it, so it has none). */
export const ACTION_SEVERITY: Readonly<Record<Exclude<RuleAction, 'IGNORE'>, Severity>> = { INFO: 'info', WARN: 'medium', FAIL: 'high' };

/** Parse a rules file; `file` names it in errors. */
export function parseRulesConfig(text: string, file: string): RulesConfig {
  const actions = new Map<string, RuleAction>();
  const outOfScope: RulesConfig['outOfScope'] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    const bad = (why: string): never => {
      throw new VigilError('VIGIL_ERR_CONFIG_INVALID', `ZAP rules file: ${why} (expected "id<TAB>IGNORE|INFO|WARN|FAIL<TAB>comment" or "id<TAB>OUTOFSCOPE<TAB>url-regex")`, { file, line });
    };
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    // tabs are the format; runs of spaces are accepted too, since editors and web pages often turn tabs into spaces
    const m = splitRuleLine(trimmed);
    if (!m) return bad(`line "${trimmed}" has no action`);
    const id = m.id;
    const action = m.action.toUpperCase();
    const rest = m.rest.trim();
    if (action === 'OUTOFSCOPE') {
      if (!/^(?:\d+|\*)$/.test(id)) bad(`"${id}" is not a plugin id or *`);
      // the regex is the rest of the line; only a tab separates it, so a regex may contain spaces
      const tabbed = raw.split('\t');
      const pattern = (tabbed.length >= 3 ? tabbed.slice(2).join('\t') : rest).trim();
      if (!pattern) bad(`OUTOFSCOPE for ${id} has no URL regex`);
      try {
        outOfScope.push({ id, url: new RegExp(pattern) });
      } catch (e) {
        bad(`bad URL regex ${JSON.stringify(pattern)}: ${(e as Error).message}`);
      }
      return;
    }
    if (!/^\d+$/.test(id)) bad(`"${id}" is not a plugin id (a number such as 10020)`);
    if (!(RULE_ACTIONS as readonly string[]).includes(action)) bad(`"${m.action}" is not IGNORE, INFO, WARN, FAIL or OUTOFSCOPE`);
    actions.set(id, action as RuleAction);
  });
  return { actions, outOfScope };
}

/**
 * A trimmed line as `/^(\S+)[\t ]+(\S+)(?:[\t ]+(.*))?$/` reads it, without that regex's
 * backtracking: when the rest holds a line break `.` cannot take (a lone CR), the regex tried
 * every split of the blanks before it, each scanning to the break (quadratic in the blanks).
 */
export function splitRuleLine(line: string): { id: string; action: string; rest: string } | undefined {
  const head = /^(\S+)[\t ]+(\S+)/.exec(line);
  if (!head) return undefined;
  const after = line.slice(head[0].length);
  const blanks = /^[\t ]*/.exec(after)![0].length;
  // after the action: nothing, or blanks and a rest without line breaks
  if (after !== '' && (blanks === 0 || /[\n\r\u2028\u2029]/.test(after.slice(blanks)))) return undefined;
  return { id: head[1]!, action: head[2]!, rest: after.slice(blanks) };
}

/** The alert's ZAP risk: its own override, else the catalogue's, else Low. */
function riskOf(a: WebAlert): ZapRisk {
  return a.risk ?? ZAP_ALERTS[a.pluginId]?.risk ?? 1;
}

/** The baseline's action for a rule the file does not name. */
export function defaultAction(risk: ZapRisk): RuleAction {
  return risk === 0 ? 'INFO' : 'WARN';
}

export interface ConfiguredAlert {
  alert: WebAlert;
  action: Exclude<RuleAction, 'IGNORE'>;
  /** The vigil severity after the action (see the module comment). */
  severity: Severity;
}

/** Apply a rules file: drop IGNOREd and out-of-scope alerts, and give the rest an action and a severity. */
export function applyRulesConfig(alerts: WebAlert[], config: RulesConfig): ConfiguredAlert[] {
  const out: ConfiguredAlert[] = [];
  for (const alert of alerts) {
    if (config.outOfScope.some((o) => (o.id === '*' || o.id === alert.pluginId) && o.url.test(alert.url))) continue;
    const risk = riskOf(alert);
    const explicit = config.actions.get(alert.pluginId);
    const action = explicit ?? defaultAction(risk);
    if (action === 'IGNORE') continue;
    let severity = ACTION_SEVERITY[action];
    // the default WARN raises Low alerts to the warning level but must not quietly downgrade a High one
    if (explicit === undefined && risk === 3) severity = 'high';
    out.push({ alert, action, severity });
  }
  return out;
}
