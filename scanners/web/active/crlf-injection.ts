/**
 * 40003 CRLF Injection. Append a line break and a header of our own to the value (CR LF, bare LF,
 * and a literal `%0d%0a` for apps that decode twice); the response splits when that header comes
 * back as a real header. Only the parsed headers count: the text in a body proves nothing.
 */
import type { ActiveRule, AttackPoint, HttpClient, WebAlert } from '../types.js';
import { attackAlert, headerValue, sendAttack } from './shared.js';

const ID = '40003';
const HEADER = 'x-vigil-injected';
const LINE = 'X-Vigil-Injected: 1';

const SUFFIXES = [`\r\n${LINE}`, `\n${LINE}`, `%0d%0a${LINE}`];

async function run(point: AttackPoint, client: HttpClient, signal?: AbortSignal): Promise<WebAlert[]> {
  const base = await sendAttack(client, point, point.value, { followRedirects: false }, signal);
  if (base && headerValue(base.res, HEADER) !== undefined) return [];
  for (const suffix of SUFFIXES) {
    // with and without the original value: some apps reject a changed value but not an extended one
    for (const payload of new Set([point.value + suffix, suffix])) {
      const sent = await sendAttack(client, point, payload, { followRedirects: false }, signal);
      if (!sent) continue;
      const v = headerValue(sent.res, HEADER);
      if (v !== undefined) return [attackAlert(ID, point, sent, payload, `${LINE.split(':')[0]}: ${v}`)];
    }
  }
  return [];
}

/** The CRLF injection rule (ZAP 40003). */
export const crlfInjectionRule: ActiveRule = { id: ID, run };
