import { FAIL_ON, SEVERITIES, type Severity } from '../model/severity.js';
import { TARGET_KINDS, type TargetKind } from '../model/target.js';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_FAIL_ON,
  DEFAULT_LEDGER,
  DEFAULT_SERVER,
  DEFAULT_SUPPRESSIONS,
  DEFAULT_TIMEOUT_SECONDS,
} from './defaults.js';
import { DEFAULT_SLA, DEFAULT_UPTIME, NOTIFY_EVENTS, type ExpectedStatus, type NotifyEvent } from './types.js';

/** Target and schedule names: safe in file names, URLs and log lines. */
export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]*$';
/** Scanner ids, as the scanner registry spells them. */
export const SCANNER_ID_PATTERN = '^[a-z][a-z0-9-]*$';
/** A duration string: a number and a unit (seconds, minutes, hours). */
export const DURATION_PATTERN = '^[0-9]+(\\.[0-9]+)?(s|m|h)$';

/** Which key carries a target's location, by kind. */
export const LOCATION_KEY: Record<TargetKind, 'path' | 'url' | 'host' | 'dsn'> = {
  path: 'path',
  url: 'url',
  host: 'host',
  database: 'dsn',
  tls: 'host',
};

/**
 * vigil.yaml as written, once it has passed the schema: what the normaliser reads.
 * Optional keys stay optional here; defaults are applied when building VigilConfig.
 */
export interface VigilYaml {
  version?: 1;
  ledger?: string;
  sla?: Partial<Record<'critical' | 'high' | 'medium' | 'low', number>> | null;
  gate?: { failOn?: (typeof FAIL_ON)[number] } | null;
  suppressions?: string;
  advisories?: string[] | null;
  vex?: string[] | null;
  runner?: { concurrency?: number; timeout?: number | string } | null;
  server?: { host?: string; port?: number } | null;
  targets: TargetYaml[];
  schedules?: ScheduleYaml[] | null;
  notify?: NotifyYaml | null;
  organisation?: string | null;
  incidents?: { enabled?: boolean; runbooks?: string; escalateEvery?: number | string } | null;
  reports?: { dir?: string; signingKey?: string } | null;
  uptime?: UptimeYaml | null;
}

/** Settings a probe takes from the uptime section unless it has its own. */
interface UptimeSettingsYaml {
  every?: number | string;
  failures?: number;
  slo?: number;
  timeout?: number | string;
  tlsMinDays?: number;
}

export interface UptimeYaml extends UptimeSettingsYaml {
  probes?: UptimeProbeYaml[] | null;
}

export interface UptimeProbeYaml extends UptimeSettingsYaml {
  name: string;
  url: string;
  status?: ExpectedStatus | ExpectedStatus[];
  body?: string;
  ca?: string;
}

interface RoutingYaml {
  events?: NotifyEvent[];
  minSeverity?: Severity;
}

export interface NotifyYaml {
  minSeverity?: Severity;
  dedupeWindow?: number | string;
  waitOnExit?: number | string;
  webhooks?: WebhookYaml[] | null;
  email?: EmailYaml | null;
  sentry?: SentryYaml | null;
}

export interface WebhookYaml extends RoutingYaml {
  name: string;
  url: string;
  format?: 'json' | 'slack';
  headers?: Record<string, string> | null;
  attempts?: number;
  timeout?: number | string;
}

export interface EmailYaml extends RoutingYaml {
  host: string;
  port?: number;
  secure?: boolean;
  starttls?: 'required' | 'opportunistic' | 'never';
  userEnv?: string;
  passwordEnv?: string;
  from: string;
  to: string[];
  ca?: string;
  attempts?: number;
  timeout?: number | string;
}

export interface SentryYaml extends RoutingYaml {
  dsn?: string;
  environment?: string;
  errors?: boolean;
}

export interface TargetYaml {
  name: string;
  kind: TargetKind;
  path?: string;
  url?: string;
  host?: string;
  dsn?: string;
  active?: boolean;
  systems?: string[];
  scanners: string[] | Record<string, Record<string, unknown> | null>;
}

export interface ScheduleYaml {
  name: string;
  cron: string;
  timezone?: string;
  targets?: string[];
  scanners?: string[];
  runOnStart?: boolean;
}

// `x-hint` completes "must be …" in error messages where a bare regex would mean nothing to a reader.
const name = {
  type: 'string',
  pattern: NAME_PATTERN,
  maxLength: 128,
  'x-hint': 'a name of letters, digits, ".", "_" and "-", starting with a letter or digit',
} as const;

const scannerId = {
  type: 'string',
  pattern: SCANNER_ID_PATTERN,
  'x-hint': 'a scanner id: lowercase letters, digits and "-", starting with a letter',
} as const;

const slaDays = { type: 'integer', minimum: 1, description: 'days' } as const;

const nonEmptyString = { type: 'string', minLength: 1 } as const;

/**
 * The tls scanner's options that name files, checked here so a wrong value points at its line
 * in vigil.yaml; the scanner checks the rest of its options when it runs.
 */
const tlsOptions = {
  type: ['object', 'null'],
  properties: {
    intermediates: {
      type: ['string', 'array'],
      minLength: 1,
      items: nonEmptyString,
      minItems: 1,
      description: 'PEM files of intermediate CA certificates that may complete a chain a server sends incomplete (never trust anchors), relative to the config file',
    },
  },
} as const;

/**
 * The datamap scanner's options, checked here so a wrong value points at its line in vigil.yaml
 * (the scanner checks them again when it runs).
 */
const datamapOptions = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    sources: {
      type: ['string', 'array'],
      minLength: 1,
      items: nonEmptyString,
      minItems: 1,
      description: 'where drift reads reality: SQL schema or migration files, ORM models (paths relative to the config file), postgres:// URLs, site URLs for cookies',
    },
    dpiaSubjectThreshold: { type: 'integer', minimum: 0, description: 'data subjects above which special-category processing needs a DPIA (GDPR Art. 35(3)(b)); default 5000' },
    ccpa: { type: 'boolean', description: 'false turns the CCPA checks off; by default they run unless the organization declares itself out of scope' },
    cookies: {
      type: 'object',
      additionalProperties: nonEmptyString,
      description: "URL target name → the data map system (fides_key) whose site it is: the cookies the web scanner recorded there (in the ledger) must be declared by that system or a dataset",
    },
  },
} as const;

const target = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'kind', 'scanners'],
  properties: {
    name,
    kind: { enum: [...TARGET_KINDS] },
    path: { ...nonEmptyString, description: 'kind path: a folder or file, relative to the config file' },
    url: {
      type: 'string',
      pattern: '^[Hh][Tt][Tt][Pp][Ss]?://',
      'x-hint': 'an http:// or https:// URL',
      description: 'kind url: the origin and path to scan',
    },
    host: { ...nonEmptyString, description: 'kind host or tls: host or host:port' },
    dsn: { ...nonEmptyString, description: 'kind database: a connection URL' },
    active: { type: 'boolean', default: false, description: 'allow intrusive checks (active web scans)' },
    systems: {
      type: 'array',
      items: nonEmptyString,
      uniqueItems: true,
      description: "the data map systems (fides_key) this target is part of: its findings get the personal-data tag when they process user.* data",
    },
    scanners: {
      // a list of ids, or a map of id → options; type-specific keywords apply to one form each
      type: ['array', 'object'],
      items: scannerId,
      minItems: 1,
      uniqueItems: true,
      propertyNames: scannerId,
      properties: { tls: tlsOptions, datamap: datamapOptions },
      additionalProperties: { type: ['object', 'null'] },
      minProperties: 1,
    },
  },
  allOf: TARGET_KINDS.map((kind) => ({
    if: { properties: { kind: { const: kind } }, required: ['kind'] },
    then: { required: [LOCATION_KEY[kind]] },
  })),
} as const;

const schedule = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'cron'],
  properties: {
    name,
    cron: { ...nonEmptyString, description: 'a 5- or 6-field cron expression (node-cron)' },
    timezone: { ...nonEmptyString, description: 'an IANA time zone; local time when absent' },
    targets: { type: 'array', items: name, minItems: 1, uniqueItems: true },
    scanners: { type: 'array', items: scannerId, minItems: 1, uniqueItems: true },
    runOnStart: { type: 'boolean', default: false },
  },
} as const;

/** A duration: seconds, or "90s", "10m", "24h". */
const duration = {
  type: ['number', 'string'],
  minimum: 0,
  pattern: DURATION_PATTERN,
  'x-hint': 'a number of seconds, or a duration such as "90s", "10m" or "24h"',
} as const;

/** `${NAME}` references are read from the environment when an alert is sent. */
const ENV_REF_HINT = '${NAME} reads the environment variable NAME when an alert is sent';

const envName = {
  type: 'string',
  pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
  'x-hint': 'the name of an environment variable (letters, digits and "_")',
} as const;

// A plain address: no display name, no comments, no quoted local part (nothing for a parser to read two ways).
const mailbox = {
  type: 'string',
  pattern: '^[A-Za-z0-9.!#$%&\'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$',
  maxLength: 254,
  'x-hint': 'an e-mail address such as security@example.com',
} as const;

const routing = {
  events: {
    type: 'array',
    items: { enum: [...NOTIFY_EVENTS] },
    uniqueItems: true,
    description: 'which alerts the channel takes (an empty list: none)',
  },
  minSeverity: { enum: [...SEVERITIES], description: 'finding alerts below this severity are not sent to the channel' },
} as const;

const webhook = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'url'],
  properties: {
    name,
    url: {
      type: 'string',
      pattern: '^([Hh][Tt][Tt][Pp][Ss]?://|\\$\\{)',
      'x-hint': `an http:// or https:// URL (${ENV_REF_HINT})`,
    },
    format: { enum: ['json', 'slack'], default: 'json' },
    headers: {
      type: ['object', 'null'],
      // RFC 9110 token characters
      propertyNames: { type: 'string', pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$", 'x-hint': 'an HTTP header name' },
      additionalProperties: { type: 'string', pattern: '^[^\\r\\n]*$', 'x-hint': `a header value on one line (${ENV_REF_HINT})` },
    },
    attempts: { type: 'integer', minimum: 1, maximum: 10, default: 5 },
    timeout: { ...duration, description: 'per attempt' },
    ...routing,
  },
} as const;

const email = {
  type: ['object', 'null'],
  additionalProperties: false,
  required: ['host', 'from', 'to'],
  properties: {
    host: nonEmptyString,
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    secure: { type: 'boolean', description: 'TLS from the first byte (SMTPS, usually port 465)' },
    starttls: { enum: ['required', 'opportunistic', 'never'] },
    userEnv: envName,
    passwordEnv: envName,
    from: mailbox,
    to: { type: 'array', items: mailbox, minItems: 1, uniqueItems: true },
    ca: { ...nonEmptyString, description: 'PEM file of a private CA for the SMTP server, relative to the config file' },
    attempts: { type: 'integer', minimum: 1, maximum: 10, default: 3 },
    timeout: { ...duration, description: 'per attempt' },
    ...routing,
  },
} as const;

const sentry = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    dsn: {
      type: 'string',
      pattern: '^([Hh][Tt][Tt][Pp][Ss]?://|\\$\\{)',
      'x-hint': `a Sentry DSN, https://KEY@HOST/PROJECT (${ENV_REF_HINT}; SENTRY_DSN when absent)`,
    },
    environment: nonEmptyString,
    errors: { type: 'boolean', default: true, description: "also report vigil's own failures (exit 3)" },
    ...routing,
  },
} as const;

const notify = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    minSeverity: { enum: [...SEVERITIES], default: 'high' },
    dedupeWindow: { ...duration, default: '24h' },
    waitOnExit: { ...duration, default: '15s' },
    webhooks: { type: ['array', 'null'], items: webhook },
    email,
    sentry,
  },
} as const;

/** A duration that must be more than zero: seconds, or "30s", "5m", "1h". */
const positiveDuration = {
  type: ['number', 'string'],
  exclusiveMinimum: 0,
  // the lookahead asks for a non-zero digit somewhere before the unit
  pattern: '^(?=[0-9.]*[1-9])[0-9]+(\\.[0-9]+)?(s|m|h)$',
  'x-hint': 'a number of seconds more than 0, or a duration such as "30s", "5m" or "1h"',
} as const;

const expectedStatus = {
  type: ['integer', 'string'],
  minimum: 100,
  maximum: 599,
  pattern: '^[1-5]xx$',
  'x-hint': 'an HTTP status code such as 200, or a class such as "2xx"',
} as const;

/** What a probe may set for itself, and the uptime section for all of its probes. */
const uptimeSettings = {
  every: { ...positiveDuration, description: `how often to probe (default ${DEFAULT_UPTIME.everySeconds}s)` },
  failures: { type: 'integer', minimum: 1, maximum: 1000, description: `consecutive failures that raise the uptime-probe-down finding and alert (default ${DEFAULT_UPTIME.failures})` },
  slo: { type: 'number', exclusiveMinimum: 0, maximum: 100, description: `percent availability over 30 days below which the uptime-slo-breach finding is raised (default ${DEFAULT_UPTIME.sloPct})` },
  timeout: { ...positiveDuration, description: `per probe (default ${DEFAULT_UPTIME.timeoutSeconds}s)` },
  tlsMinDays: { type: 'integer', minimum: 0, maximum: 3650, description: `days to certificate expiry below which an https probe fails (default ${DEFAULT_UPTIME.tlsMinDays})` },
} as const;

const uptimeProbe = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'url'],
  properties: {
    name,
    url: {
      type: 'string',
      pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^\\s]+$',
      maxLength: 2048,
      'x-hint': 'an http:// or https:// URL',
      description: 'the health URL, fetched with GET; redirects are not followed',
    },
    status: {
      ...expectedStatus,
      type: ['integer', 'string', 'array'],
      items: expectedStatus,
      minItems: 1,
      uniqueItems: true,
      'x-hint': 'an HTTP status code such as 200, a class such as "2xx", or a list of them',
      description: 'the statuses that count as up (default 2xx)',
    },
    body: { type: 'string', minLength: 1, maxLength: 1024, description: 'a substring the body (its first 64 KiB) must contain; not a regular expression' },
    ca: { ...nonEmptyString, description: 'PEM file of extra trust anchors for TLS validation (a private CA), relative to the config file' },
    ...uptimeSettings,
  },
} as const;

const uptime = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    ...uptimeSettings,
    probes: { type: ['array', 'null'], items: uptimeProbe },
  },
} as const;

/**
 * The JSON Schema (draft-07) of vigil.yaml. Every object is closed (`additionalProperties:
 * false`) so a misspelt key is an error rather than a silently ignored setting. What a schema
 * cannot say (unique names, cron syntax, time zones, references between sections) is checked
 * in checks.ts. Optional sections may be empty (`schedules:` with every entry commented
 * out): that means their defaults.
 */
export const CONFIG_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'urn:vigil:schema:config',
  title: 'vigil.yaml',
  type: 'object',
  additionalProperties: false,
  required: ['targets'],
  properties: {
    version: { const: 1 },
    ledger: { ...nonEmptyString, default: DEFAULT_LEDGER, description: 'SQLite file path or postgres:// URL' },
    sla: {
      type: ['object', 'null'],
      additionalProperties: false,
      default: DEFAULT_SLA,
      properties: { critical: slaDays, high: slaDays, medium: slaDays, low: slaDays },
    },
    gate: {
      type: ['object', 'null'],
      additionalProperties: false,
      properties: { failOn: { enum: [...FAIL_ON], default: DEFAULT_FAIL_ON } },
    },
    suppressions: { ...nonEmptyString, default: DEFAULT_SUPPRESSIONS },
    // OSV advisory files, folders or zips `vigil serve` imports at start (the demo's offline set).
    advisories: { type: ['array', 'null'], items: nonEmptyString },
    // CycloneDX VEX / OpenVEX documents applied to every scan before the gate.
    vex: { type: ['array', 'null'], items: nonEmptyString },
    runner: {
      type: ['object', 'null'],
      additionalProperties: false,
      properties: {
        concurrency: { type: 'integer', minimum: 1, maximum: 64, default: DEFAULT_CONCURRENCY },
        timeout: {
          type: ['number', 'string'],
          exclusiveMinimum: 0,
          pattern: DURATION_PATTERN,
          default: DEFAULT_TIMEOUT_SECONDS,
          'x-hint': 'a number of seconds, or a duration such as "90s", "10m" or "1h"',
        },
      },
    },
    server: {
      type: ['object', 'null'],
      additionalProperties: false,
      properties: {
        host: { ...nonEmptyString, default: DEFAULT_SERVER.host },
        // 0 asks the OS for a free port (tests use it)
        port: { type: 'integer', minimum: 0, maximum: 65535, default: DEFAULT_SERVER.port },
      },
    },
    targets: { type: 'array', minItems: 1, items: target },
    schedules: { type: ['array', 'null'], items: schedule },
    // alerts: webhooks (Slack-compatible), e-mail and Sentry
    notify,
    organisation: { type: ['string', 'null'], minLength: 1, description: 'the organisation the audit report is about (its cover and title)' },
    incidents: {
      type: ['object', 'null'],
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean', default: true, description: 'open incidents from runbooks after each run' },
        runbooks: { ...nonEmptyString, description: 'a folder of runbook YAML files (default: the shipped compliance/runbooks)' },
        escalateEvery: { ...duration, description: 'how often `vigil serve` checks incidents for steps and clocks near or past due (default 60s)' },
      },
    },
    reports: {
      type: ['object', 'null'],
      additionalProperties: false,
      properties: {
        dir: { ...nonEmptyString, description: 'where `vigil serve` writes audit reports (default .vigil/reports)' },
        signingKey: { ...nonEmptyString, description: 'the Ed25519 private key (PEM) that signs audit PDFs; default beside an SQLite ledger; required for PostgreSQL' },
      },
    },
    // health URLs `vigil serve` probes on a schedule (src/uptime)
    uptime,
  },
} as const;
