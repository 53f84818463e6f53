import { isIP } from 'node:net';
import cron from 'node-cron';
import { TARGET_KINDS, type TargetKind } from '../model/target.js';
import { isPostgresUrl } from './defaults.js';
import { durationSeconds } from './duration.js';
import { describeValue, formatConfigPath, type Report } from './problem.js';
import { checkNotify } from './notify-checks.js';
import { checkUptime } from '../uptime/config-checks.js';
import { LOCATION_KEY } from './schema.js';
import { closest } from './suggest.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

const LOCATION_KEYS = Object.values(LOCATION_KEY);

/**
 * The checks a JSON Schema cannot express: unique names, cron and time-zone syntax, URLs,
 * host:port, and references from schedules to targets and scanners. Each check looks only
 * at values of the right type, so a value the schema already rejects is not reported twice.
 */
export function crossCheck(root: unknown, report: Report): void {
  if (!isObj(root)) return;
  if (typeof root.ledger === 'string') checkLedger(root.ledger, report);
  if (isObj(root.runner) && typeof root.runner.timeout === 'string') {
    if (durationSeconds(root.runner.timeout) === 0) {
      report(['runner', 'timeout'], `must be more than 0 seconds (got ${describeValue(root.runner.timeout)})`);
    }
  }

  checkNotify(root.notify, report);
  checkUptime(root.uptime, report);

  // target name → the scanner ids it runs; the first of duplicate names wins
  const targetScanners = new Map<string, Set<string>>();
  const firstTarget = new Map<string, number>();
  list(root.targets).forEach((t, i) => {
    if (!isObj(t)) return;
    if (typeof t.name === 'string') {
      const first = firstTarget.get(t.name);
      if (first !== undefined) {
        report(
          ['targets', i, 'name'],
          `"${t.name}" is already the name of ${formatConfigPath(['targets', first])}; target names must be unique`,
        );
      } else {
        firstTarget.set(t.name, i);
        targetScanners.set(t.name, scannerIds(t.scanners));
      }
    }
    checkTargetLocation(t, i, report);
  });

  const firstSchedule = new Map<string, number>();
  list(root.schedules).forEach((s, i) => {
    if (!isObj(s)) return;
    const at = (...rest: (string | number)[]) => ['schedules', i, ...rest];
    if (typeof s.name === 'string') {
      const first = firstSchedule.get(s.name);
      if (first !== undefined) {
        report(
          at('name'),
          `"${s.name}" is already the name of ${formatConfigPath(['schedules', first])}; schedule names must be unique`,
        );
      } else firstSchedule.set(s.name, i);
    }
    if (typeof s.cron === 'string' && s.cron.length) {
      const why = cronProblem(s.cron);
      if (why) report(at('cron'), `not a valid cron expression: ${why} (got ${describeValue(s.cron)})`);
    }
    if (typeof s.timezone === 'string' && s.timezone.length && !isTimeZone(s.timezone)) {
      report(
        at('timezone'),
        `not a known IANA time zone, such as "UTC" or "Europe/Berlin" (got ${describeValue(s.timezone)})`,
      );
    }

    const names = [...targetScanners.keys()];
    const selected: string[] = [];
    if (Array.isArray(s.targets)) {
      s.targets.forEach((name, j) => {
        if (typeof name !== 'string') return;
        if (targetScanners.has(name)) selected.push(name);
        else report(at('targets', j), `no target is named "${name}"${knownNames(name, names)}`);
      });
    } else {
      selected.push(...names);
    }
    // with no known target selected, the error above already says what is wrong
    if (!selected.length) return;
    list(s.scanners).forEach((id, j) => {
      if (typeof id !== 'string') return;
      if (selected.some((n) => targetScanners.get(n)?.has(id))) return;
      const runs = selected.map((n) => `${n} runs: ${[...(targetScanners.get(n) ?? [])].join(', ') || 'none'}`);
      report(at('scanners', j), `no selected target runs scanner "${id}" (${runs.join('; ')})`);
    });
  });
}

function scannerIds(v: unknown): Set<string> {
  if (Array.isArray(v)) return new Set(v.filter((x): x is string => typeof x === 'string'));
  if (isObj(v)) return new Set(Object.keys(v));
  return new Set();
}

function knownNames(name: string, names: readonly string[]): string {
  const close = closest(name, names);
  if (close) return ` (did you mean "${close}"?)`;
  return names.length ? ` (targets: ${names.join(', ')})` : '';
}

function checkLedger(ledger: string, report: Report): void {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(ledger)) return;
  if (!isPostgresUrl(ledger)) {
    report(['ledger'], `must be a file path or a postgres:// URL (got ${describeValue(ledger)})`);
    return;
  }
  if (!URL.canParse(ledger)) report(['ledger'], `is not a valid postgres:// URL (got ${describeValue(ledger)})`);
}

function checkTargetLocation(t: Obj, i: number, report: Report): void {
  if (typeof t.kind !== 'string' || !(TARGET_KINDS as readonly string[]).includes(t.kind)) return;
  const kind = t.kind as TargetKind;
  const wanted = LOCATION_KEY[kind];
  for (const k of LOCATION_KEYS) {
    if (k !== wanted && k in t) {
      // a second location key would be ignored; the user most likely meant another kind
      report(['targets', i, k], `"${k}" does not apply to kind ${kind}, which takes "${wanted}"`, 'key');
    }
  }
  const loc = t[wanted];
  if (typeof loc !== 'string' || !loc.length) return;
  if (kind === 'url' && /^https?:\/\//i.test(loc)) {
    let ok = false;
    try {
      ok = new URL(loc).hostname.length > 0;
    } catch {
      ok = false;
    }
    if (!ok) report(['targets', i, 'url'], `is not a valid URL (got ${describeValue(loc)})`);
  }
  if (kind === 'host' || kind === 'tls') {
    const why = hostProblem(loc);
    if (why) report(['targets', i, 'host'], `${why} (got ${describeValue(loc)})`);
  }
}

// DNS labels of up to 63 characters; `_` is allowed because internal names (docker, SRV) use it
const LABEL = '[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?';
const HOST_NAME = new RegExp(`^(?=.{1,253}\\.?$)${LABEL}(?:\\.${LABEL})*\\.?$`);

/** Why `host` is not `host`, `host:port`, an IP address or `[ipv6]:port`; undefined when it is. */
export function hostProblem(host: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host)) return 'must be host or host:port, not a URL (a URL is a kind url target)';
  let name = host;
  let port: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::([^:]*))?$/.exec(host);
  if (bracketed) {
    if (isIP(bracketed[1]!) !== 6) return 'must be host or host:port; [brackets] hold an IPv6 address';
    name = '';
    port = bracketed[2];
  } else if (isIP(host) === 6) {
    return undefined;
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0) {
      name = host.slice(0, colon);
      port = host.slice(colon + 1);
    }
  }
  if (name && !isIP(name) && !HOST_NAME.test(name)) return 'must be a host name or IP address, optionally with :port';
  if (port !== undefined) {
    const n = /^[0-9]{1,5}$/.test(port) ? Number(port) : NaN;
    if (!(n >= 1 && n <= 65535)) return 'has a port that is not a number from 1 to 65535';
  }
  return undefined;
}

/** Why node-cron rejects an expression; undefined when it accepts it. */
export function cronProblem(expr: string): string | undefined {
  try {
    if (cron.validate(expr)) return undefined;
    const first = cron.validateDetailed(expr).errors[0];
    if (!first) return 'node-cron rejects it';
    if (first.field === 'expression') return first.message;
    const value = first.value !== undefined ? `"${first.value}" ` : '';
    return `the ${first.field} field ${value}is out of range or malformed`;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** True for a time zone this Node's Intl knows (IANA names such as "Europe/Berlin", and "UTC"). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
