/**
 * 90035 Server Side Template Injection. Put an arithmetic expression in the parameter in the
 * syntaxes of the common template engines (`{{7*191}}` Jinja/Twig/Handlebars-likes, `${7*191}`
 * FreeMarker/JSP EL/JS templates, `<%= 7*191 %>` ERB/EJS, `#{7*191}` Pug/Ruby, …); the product
 * 1337 in the response, absent before, means the input was evaluated. A second expression with
 * random operands in the same syntax confirms it, so a page that shows 1337 by chance is not
 * taken for an engine.
 */
import { randomInt } from 'node:crypto';
import type { ActiveRule, AttackPoint, HttpClient, WebAlert } from '../types.js';
import { attackAlert, sendAttack } from './shared.js';

const ID = '90035';

/** `§` is the expression. */
const SYNTAXES = ['{{§}}', '${§}', '<%= § %>', '#{§}', '{{=§}}', '[[${§}]]', '@(§)', '{§}', '#set($x=§)${x}'];

function render(syntax: string, a: number, b: number): string {
  return syntax.replace('§', `${a}*${b}`);
}

/** Operands whose product the page does not already show: 7*191 as ZAP's habit, else random ones. */
function operands(before: string): [number, number] {
  if (!before.includes('1337')) return [7, 191];
  for (;;) {
    const a = randomInt(1000, 9999);
    const b = randomInt(1000, 9999);
    if (!before.includes(String(a * b))) return [a, b];
  }
}

async function run(point: AttackPoint, client: HttpClient, signal?: AbortSignal): Promise<WebAlert[]> {
  const base = await sendAttack(client, point, point.value, {}, signal);
  if (!base) return [];
  const before = base.res.body;
  const [x, y] = operands(before);
  const expected = String(x * y);
  for (const syntax of SYNTAXES) {
    const payload = point.value + render(syntax, x, y);
    const sent = await sendAttack(client, point, payload, {}, signal);
    if (!sent || !sent.res.body.includes(expected)) continue;
    const [a, b] = operands(before + expected);
    const product = String(a * b);
    const confirmPayload = point.value + render(syntax, a, b);
    const confirm = await sendAttack(client, point, confirmPayload, {}, signal);
    if (confirm && confirm.res.body.includes(product) && !before.includes(product)) {
      return [attackAlert(ID, point, sent, payload, expected, `The expression was evaluated; confirmed with ${a}*${b} → ${product}.`)];
    }
  }
  return [];
}

/** The server side template injection rule (ZAP 90035). */
export const templateInjectionRule: ActiveRule = { id: ID, run };
