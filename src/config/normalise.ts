import { dirname, resolve } from 'node:path';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_FAIL_ON,
  DEFAULT_LEDGER,
  DEFAULT_SERVER,
  DEFAULT_SUPPRESSIONS,
  DEFAULT_TIMEOUT_SECONDS,
  isPostgresUrl,
} from './defaults.js';
import { durationSeconds } from './duration.js';
import { LOCATION_KEY, type NotifyYaml, type ScheduleYaml, type TargetYaml, type UptimeYaml, type VigilYaml } from './schema.js';
import {
  DEFAULT_NOTIFY,
  DEFAULT_UPTIME,
  DEFAULT_SLA,
  NOTIFY_EVENTS,
  type NotifyConfig,
  type NotifyRouting,
  type ScheduleConfig,
  type TargetConfig,
  type UptimeConfig,
  type VigilConfig,
} from './types.js';

/** Build a VigilConfig from a validated vigil.yaml value: defaults applied, paths absolute, durations in seconds. */
export function normaliseConfig(raw: VigilYaml, file: string): VigilConfig {
  const abs = resolve(file);
  const baseDir = dirname(abs);
  const ledger = raw.ledger ?? DEFAULT_LEDGER;
  return {
    file: abs,
    baseDir,
    ledger: isPostgresUrl(ledger) ? ledger : resolve(baseDir, ledger),
    sla: { ...DEFAULT_SLA, ...raw.sla },
    gate: { failOn: raw.gate?.failOn ?? DEFAULT_FAIL_ON },
    suppressions: resolve(baseDir, raw.suppressions ?? DEFAULT_SUPPRESSIONS),
    advisories: (raw.advisories ?? []).map((p) => resolve(baseDir, p)),
    vex: (raw.vex ?? []).map((p) => resolve(baseDir, p)),
    runner: {
      concurrency: raw.runner?.concurrency ?? DEFAULT_CONCURRENCY,
      timeoutSeconds:
        raw.runner?.timeout === undefined
          ? DEFAULT_TIMEOUT_SECONDS
          : (durationSeconds(raw.runner.timeout) ?? DEFAULT_TIMEOUT_SECONDS),
    },
    server: { host: raw.server?.host ?? DEFAULT_SERVER.host, port: raw.server?.port ?? DEFAULT_SERVER.port },
    targets: raw.targets.map((t) => normaliseTarget(t, baseDir)),
    schedules: (raw.schedules ?? []).map(normaliseSchedule),
    ...(raw.notify ? { notify: normaliseNotify(raw.notify, baseDir) } : {}),
    organisation: raw.organisation ?? null,
    incidents: {
      enabled: raw.incidents?.enabled ?? true,
      runbooks: raw.incidents?.runbooks ? resolve(baseDir, raw.incidents.runbooks) : null,
      escalateEverySeconds: seconds(raw.incidents?.escalateEvery, 60),
    },
    reports: {
      dir: resolve(baseDir, raw.reports?.dir ?? '.vigil/reports'),
      signingKey: raw.reports?.signingKey ? resolve(baseDir, raw.reports.signingKey) : null,
    },
    ...(raw.uptime?.probes?.length ? { uptime: normaliseUptime(raw.uptime, baseDir) } : {}),
  };
}

/** The uptime section: each probe with the section's settings (or their defaults) where it has none of its own. */
function normaliseUptime(u: UptimeYaml, baseDir: string): UptimeConfig {
  const every = seconds(u.every, DEFAULT_UPTIME.everySeconds);
  const timeout = seconds(u.timeout, DEFAULT_UPTIME.timeoutSeconds);
  return {
    probes: (u.probes ?? []).map((p) => ({
      name: p.name,
      url: p.url,
      status: p.status === undefined ? ['2xx'] : Array.isArray(p.status) ? [...p.status] : [p.status],
      ...(p.body !== undefined ? { body: p.body } : {}),
      ...(p.ca ? { ca: resolve(baseDir, p.ca) } : {}),
      tlsMinDays: p.tlsMinDays ?? u.tlsMinDays ?? DEFAULT_UPTIME.tlsMinDays,
      everySeconds: seconds(p.every, every),
      failures: p.failures ?? u.failures ?? DEFAULT_UPTIME.failures,
      sloPct: p.slo ?? u.slo ?? DEFAULT_UPTIME.sloPct,
      timeoutSeconds: seconds(p.timeout, timeout),
    })),
  };
}

function seconds(value: number | string | undefined, fallback: number): number {
  return value === undefined ? fallback : (durationSeconds(value) ?? fallback);
}

/** The notify section with its defaults: every channel takes every event at minSeverity, Sentry critical findings and incidents. */
function normaliseNotify(n: NotifyYaml, baseDir: string): NotifyConfig {
  const minSeverity = n.minSeverity ?? DEFAULT_NOTIFY.minSeverity;
  const routing = (r: Partial<NotifyRouting>, fallback: NotifyRouting): NotifyRouting => ({
    events: [...(r.events ?? fallback.events)],
    minSeverity: r.minSeverity ?? fallback.minSeverity,
  });
  const all: NotifyRouting = { events: [...NOTIFY_EVENTS], minSeverity };
  const out: NotifyConfig = {
    minSeverity,
    dedupeWindowSeconds: seconds(n.dedupeWindow, DEFAULT_NOTIFY.dedupeWindowSeconds),
    waitOnExitSeconds: seconds(n.waitOnExit, DEFAULT_NOTIFY.waitOnExitSeconds),
    webhooks: (n.webhooks ?? []).map((w) => ({
      name: w.name,
      url: w.url,
      format: w.format ?? 'json',
      headers: { ...(w.headers ?? {}) },
      attempts: w.attempts ?? DEFAULT_NOTIFY.webhookAttempts,
      timeoutSeconds: seconds(w.timeout, DEFAULT_NOTIFY.timeoutSeconds),
      ...routing(w, all),
    })),
  };
  if (n.email) {
    const e = n.email;
    const secure = e.secure ?? e.port === 465;
    out.email = {
      host: e.host,
      port: e.port ?? (secure ? 465 : 587),
      secure,
      // a password never crosses the wire in the clear unless the config says so
      starttls: e.starttls ?? (e.userEnv || e.passwordEnv ? 'required' : 'opportunistic'),
      ...(e.userEnv ? { userEnv: e.userEnv } : {}),
      ...(e.passwordEnv ? { passwordEnv: e.passwordEnv } : {}),
      from: e.from,
      to: [...e.to],
      ...(e.ca ? { ca: resolve(baseDir, e.ca) } : {}),
      attempts: e.attempts ?? DEFAULT_NOTIFY.emailAttempts,
      timeoutSeconds: seconds(e.timeout, DEFAULT_NOTIFY.timeoutSeconds),
      ...routing(e, all),
    };
  }
  if (n.sentry !== undefined) {
    const s = n.sentry ?? {};
    out.sentry = {
      ...(s.dsn ? { dsn: s.dsn } : {}),
      ...(s.environment ? { environment: s.environment } : {}),
      errors: s.errors ?? true,
      ...routing(s, { events: ['finding.new', 'incident.escalated'], minSeverity: 'critical' }),
    };
  }
  return out;
}

function normaliseTarget(t: TargetYaml, baseDir: string): TargetConfig {
  // the schema guarantees the kind's location key is present
  const location = t[LOCATION_KEY[t.kind]] ?? '';
  const scanners: TargetConfig['scanners'] = {};
  if (Array.isArray(t.scanners)) {
    for (const id of t.scanners) scanners[id] = {};
  } else {
    for (const [id, options] of Object.entries(t.scanners)) scanners[id] = { ...(options ?? {}) };
  }
  return {
    name: t.name,
    kind: t.kind,
    location: t.kind === 'path' ? resolve(baseDir, location) : location,
    active: t.active ?? false,
    ...(t.systems ? { systems: [...t.systems] } : {}),
    scanners,
  };
}

function normaliseSchedule(s: ScheduleYaml): ScheduleConfig {
  const out: ScheduleConfig = { name: s.name, cron: s.cron, runOnStart: s.runOnStart ?? false };
  if (s.timezone !== undefined) out.timezone = s.timezone;
  if (s.targets !== undefined) out.targets = [...s.targets];
  if (s.scanners !== undefined) out.scanners = [...s.scanners];
  return out;
}
