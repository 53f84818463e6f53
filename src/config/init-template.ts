/**
 * The vigil.yaml that `vigil init` writes: every setting, each with what it does and its
 * default, so a new user can read it top to bottom. A test parses it with parseConfig.
 */
export function initTemplate(): string {
  return TEMPLATE;
}

const TEMPLATE = `# vigil.yaml: what vigil scans, when, and what fails a build.
# Only \`targets\` is required. The settings above it show their defaults, so
# deleting one changes nothing. Relative paths are resolved against this file's folder.

version: 1                        # format of this file; 1 is the only one so far

# Where findings are kept: a SQLite file, or a postgres:// URL for a shared ledger.
# --ledger and the VIGIL_LEDGER environment variable override it.
ledger: .vigil/ledger.db

# Days to fix a finding, by severity, before it is overdue.
sla:
  critical: 7
  high: 30
  medium: 90
  low: 120

gate:
  # \`vigil scan\` exits 1 when a finding at or above this severity is left after
  # suppressions, VEX and the baseline: critical | high | medium | low | none.
  # --fail-on overrides it.
  failOn: high

# Findings to ignore, each with a reason and an expiry date.
suppressions: .vigilignore.yaml

# OSV advisory files, folders or all.zip archives that "vigil serve" imports at start into the
# offline store the deps scanner matches against ("vigil advisories import" does it by hand).
advisories: []

# CycloneDX VEX or OpenVEX documents: not_affected and false_positive statements suppress the
# findings they name (with their justification recorded) before the gate decides.
vex: []

runner:
  concurrency: 4                  # scanner/target pairs that run at once (1 to 64)
  timeout: 10m                    # per scanner and target: seconds, or "90s", "10m", "1h"

# \`vigil serve\`: REST API and dashboard. Keep it on loopback unless a proxy guards it.
server:
  host: 127.0.0.1
  port: 8787

# What to scan. Names are unique; kind says which key holds the location:
# path (a folder), url (http/https), host (host or host:port), database (dsn).
targets:
  - name: app
    kind: path
    path: .
    active: false                 # true allows intrusive checks (active web scans)
    # Scanner ids to run: a list, or a map of id to options (\`import: {}\`).
    # import ingests the SARIF files it finds under the target.
    scanners: [import]

  # More kinds of target, for the scanners that handle them:
  # - name: staging
  #   kind: url
  #   url: https://staging.example.com
  #   scanners: [web]
  # - name: api-tls
  #   kind: host
  #   host: api.example.com:443
  #   scanners: [tls]

# When \`vigil serve\` runs scans on its own; none when absent.
schedules:
  - name: nightly
    cron: "0 2 * * *"             # minute hour day month weekday (6 fields: seconds first)
    timezone: UTC                 # IANA time zone; the server's local time when absent
    # targets: [app]              # target names; all targets when absent
    # scanners: [import]          # scanner ids; every scanner of each target when absent
    runOnStart: false             # also run once when \`vigil serve\` starts

# Alerts: new findings, findings past their SLA, failed scheduled scans and escalated incidents,
# to webhooks (JSON or Slack), e-mail and Sentry. None while this section is empty.
# \${NAME} in a url, a header or the dsn is read from the environment when an alert is sent.
notify:
#   minSeverity: high             # finding alerts below this are not sent (per channel too)
#   dedupeWindow: 24h             # an alert with the same key is sent once in this window
#   waitOnExit: 15s               # \`vigil scan\` waits this long at exit; the rest wait in
#                                 # .vigil/notify-outbox.jsonl for the next run or \`vigil serve\`
#   webhooks:
#     - name: slack
#       url: \${SLACK_WEBHOOK_URL}
#       format: slack             # json (vigil's own payload) | slack (text and blocks)
#       headers: {}               # e.g. { Authorization: "Bearer \${HOOK_TOKEN}" }
#       events: [finding.new, sla.breach, scan.failed, incident.escalated]
#       minSeverity: high
#       attempts: 5               # 429, 5xx and network errors retried with backoff
#       timeout: 10s              # per attempt
#   email:
#     host: smtp.example.com
#     port: 587
#     secure: false               # true: TLS from the first byte (port 465)
#     starttls: required          # required | opportunistic | never
#     userEnv: SMTP_USER          # names of environment variables, never the secrets
#     passwordEnv: SMTP_PASSWORD
#     from: vigil@example.com
#     to: [security@example.com]
#   sentry:                       # vigil's own errors, critical findings and incidents
#     dsn: \${SENTRY_DSN}          # SENTRY_DSN when absent
#     events: [finding.new, incident.escalated]
#     minSeverity: critical

# The organisation audit reports are about (their cover and title).
organisation:

# Incidents: after each run, a finding a runbook takes opens an incident with steps, owners and
# clocks (GDPR Art. 33's 72 hours); \`vigil serve\` escalates steps and clocks near or past due.
incidents:
#   enabled: true
#   runbooks: compliance/runbooks # a folder of runbook YAML files; the shipped ones when absent
#   escalateEvery: 60s

# Audit reports: \`vigil report audit\` signs each PDF with an Ed25519 key made once, whose public
# half the ledger records. The key is kept beside an SQLite ledger; give a path for PostgreSQL.
reports:
#   dir: .vigil/reports           # where \`vigil serve\` writes reports
#   signingKey: /etc/vigil/report-signing-key.pem

# Uptime: \`vigil serve\` probes health URLs and keeps every result in the ledger; failures in a
# row, or 30-day availability under the SLO, raise a finding (and an alert).
uptime:
#   every: 60s                    # how often (each probe may set its own)
#   failures: 3                   # failed probes in a row that raise uptime-probe-down
#   slo: 99.9                     # percent over 30 days; below it, uptime-slo-breach
#   timeout: 10s
#   tlsMinDays: 14                # https: fail when the certificate expires sooner
#   probes:
#     - name: shop
#       url: https://localhost:8443/healthz
#       status: 200               # a code, a class ('2xx', the default) or a list
#       body: '"status":"ok"'     # a substring the body must contain (not a regex)
#       ca: .vigil/demo-tls/ca.pem
`;
