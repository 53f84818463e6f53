/**
 * The catalogue of vigil's errors. Each code has a message template, the CLI exit code and
 * the HTTP status it maps to. docs/errors.md documents every code (a test checks it).
 */
export const ERROR_CODES = {
  VIGIL_ERR_USAGE: { exit: 2, status: 400, summary: 'the command line is wrong' },
  VIGIL_ERR_INPUT_NOT_FOUND: { exit: 2, status: 404, summary: 'an input file or folder does not exist' },
  VIGIL_ERR_INPUT_TOO_LARGE: { exit: 2, status: 413, summary: 'an input file exceeds the size limit' },
  VIGIL_ERR_CONFIG_NOT_FOUND: { exit: 2, status: 400, summary: 'the config file does not exist' },
  VIGIL_ERR_CONFIG_PARSE: { exit: 2, status: 400, summary: 'the config file is not valid YAML' },
  VIGIL_ERR_CONFIG_INVALID: { exit: 2, status: 400, summary: 'the config breaks its schema' },
  VIGIL_ERR_SARIF_PARSE: { exit: 2, status: 400, summary: 'a SARIF file is not valid JSON' },
  VIGIL_ERR_SARIF_INVALID: { exit: 2, status: 400, summary: 'a SARIF file breaks the SARIF 2.1.0 shape' },
  VIGIL_ERR_BASELINE_PARSE: { exit: 2, status: 400, summary: 'a baseline file is not valid JSON' },
  VIGIL_ERR_BASELINE_INVALID: { exit: 2, status: 400, summary: 'a baseline file is not a vigil JSON output' },
  VIGIL_ERR_SUPPRESSION_PARSE: { exit: 2, status: 400, summary: 'a suppression file is not valid YAML' },
  VIGIL_ERR_SUPPRESSION_INVALID: { exit: 2, status: 400, summary: 'a suppression file breaks its schema' },
  VIGIL_ERR_OSV_PARSE: { exit: 2, status: 400, summary: 'an OSV advisory file is not valid JSON' },
  VIGIL_ERR_OSV_INVALID: { exit: 2, status: 400, summary: 'an OSV advisory breaks the OSV schema' },
  VIGIL_ERR_ZIP_INVALID: { exit: 2, status: 400, summary: 'a zip archive is corrupt or unreadable' },
  VIGIL_ERR_ZIP_LIMIT: { exit: 2, status: 413, summary: 'a zip archive exceeds the size, entry or compression-ratio limits' },
  VIGIL_ERR_SBOM_PARSE: { exit: 2, status: 400, summary: 'an SBOM file is not valid JSON' },
  VIGIL_ERR_SBOM_INVALID: { exit: 2, status: 400, summary: 'an SBOM file is not CycloneDX 1.4-1.6 JSON or breaks its essentials' },
  VIGIL_ERR_VEX_PARSE: { exit: 2, status: 400, summary: 'a VEX file is not valid JSON' },
  VIGIL_ERR_VEX_INVALID: { exit: 2, status: 400, summary: 'a VEX file is neither CycloneDX VEX nor OpenVEX, or a statement lacks its vulnerability or status' },
  VIGIL_ERR_LOCKFILE_INVALID: { exit: 2, status: 400, summary: 'a lockfile is corrupt, truncated or of an unsupported version' },
  VIGIL_ERR_MANIFEST_INVALID: { exit: 2, status: 400, summary: 'a package.json beside a lockfile is not valid JSON or has the wrong shape' },
  VIGIL_ERR_LICENSE_POLICY_INVALID: { exit: 2, status: 400, summary: 'a licence policy file is not valid YAML or breaks its shape' },
  VIGIL_ERR_RULE_PARSE: { exit: 2, status: 400, summary: 'a rule file is not valid YAML' },
  VIGIL_ERR_RULE_INVALID: { exit: 2, status: 400, summary: 'a rule breaks the Semgrep rule format: an unknown key or operator, an unparsable pattern or a bad regex' },
  VIGIL_ERR_RULE_TEST_INVALID: { exit: 2, status: 400, summary: 'a rule test annotation names a rule id that no rule has, or the test target has no rules' },
  VIGIL_ERR_SEMGREP: { exit: 3, status: 502, summary: 'the semgrep binary failed or printed output vigil cannot read' },
  VIGIL_ERR_CERT_INVALID: { exit: 2, status: 400, summary: 'a certificate or CA file is not PEM or DER X.509, or is corrupt' },
  VIGIL_ERR_TLS_PROBE: { exit: 3, status: 502, summary: 'a TLS host could not be checked: unreachable, not speaking TLS, or hanging past the timeout' },
  VIGIL_ERR_DATAMAP_PARSE: { exit: 2, status: 400, summary: 'a data map file (Fides resources) is not valid YAML' },
  VIGIL_ERR_DATAMAP_INVALID: { exit: 2, status: 400, summary: 'a data map breaks the Fides resource schema: an unknown key, a wrong type, an unknown taxonomy key, a dangling reference or an unknown country' },
  VIGIL_ERR_RUNBOOK_PARSE: { exit: 2, status: 400, summary: 'an incident runbook file is not valid YAML' },
  VIGIL_ERR_RUNBOOK_INVALID: { exit: 2, status: 400, summary: 'an incident runbook breaks its schema: an unknown key, a bad duration, a step or clock that names an unknown one, a dependency cycle, no post-incident step, a duplicate id or a second fallback' },
  VIGIL_ERR_CONTROLS_PARSE: { exit: 2, status: 400, summary: 'a compliance control mapping file is not valid YAML' },
  VIGIL_ERR_CONTROLS_INVALID: { exit: 2, status: 400, summary: 'a compliance control mapping breaks its schema: an unknown key, an unknown figure, a check without exactly one comparison, a placeholder naming no figure, or a control id used twice in one framework' },
  VIGIL_ERR_KEV_PARSE: { exit: 2, status: 400, summary: 'a CISA KEV catalogue file is not valid JSON' },
  VIGIL_ERR_KEV_INVALID: { exit: 2, status: 400, summary: 'a CISA KEV catalogue breaks its schema, or its count disagrees with its list' },
  VIGIL_ERR_INCIDENT_NOT_FOUND: { exit: 2, status: 404, summary: 'no incident has that id' },
  VIGIL_ERR_INCIDENT_ACTION: { exit: 2, status: 409, summary: 'an incident action does not apply: an unknown step or clock, a step whose prerequisites are not done, an incident already resolved, or a resolve before its post-incident steps are done' },
  VIGIL_ERR_SIGNING_KEY: { exit: 3, status: 500, summary: 'the report signing key is missing, unreadable, or differs from the one the ledger recorded' },
  VIGIL_ERR_REPORT_PERIOD: { exit: 2, status: 400, summary: 'a report period is not a date, or ends before it starts' },
  VIGIL_ERR_SCANNER_UNKNOWN: { exit: 2, status: 400, summary: 'no scanner has that id' },
  VIGIL_ERR_TARGET_UNKNOWN: { exit: 2, status: 400, summary: 'no target has that name' },
  VIGIL_ERR_LEDGER_URL: { exit: 2, status: 400, summary: 'the ledger location is not a path or postgres:// URL' },
  VIGIL_ERR_LEDGER_UNAVAILABLE: { exit: 3, status: 503, summary: 'the ledger could not be opened' },
  VIGIL_ERR_LEDGER_TAMPERED: { exit: 3, status: 409, summary: 'the findings table disagrees with the hash-chained event log: the ledger was edited outside vigil' },
  VIGIL_ERR_LEDGER_TOO_NEW: { exit: 3, status: 409, summary: 'the ledger was written by a newer vigil' },
  VIGIL_ERR_FINDING_NOT_FOUND: { exit: 2, status: 404, summary: 'no finding has that id' },
  VIGIL_ERR_TRIAGE_INVALID: { exit: 2, status: 400, summary: 'a triage request is incomplete or contradictory' },
  VIGIL_ERR_CURSOR_INVALID: { exit: 2, status: 400, summary: 'a pagination cursor is not one vigil made' },
  VIGIL_ERR_RUN_NOT_FOUND: { exit: 2, status: 404, summary: 'no run has that id' },
  VIGIL_ERR_RUN_IN_PROGRESS: { exit: 2, status: 409, summary: 'a run of that schedule is already going' },
  VIGIL_ERR_RUNS_UNAVAILABLE: { exit: 3, status: 503, summary: 'this server cannot start runs: it was built without a scheduler' },
  VIGIL_ERR_SCHEDULE_UNKNOWN: { exit: 2, status: 400, summary: 'no schedule has that name' },
  VIGIL_ERR_REPORT_FILE_NOT_FOUND: { exit: 2, status: 404, summary: 'no saved report file has that name in the reports folder' },
  VIGIL_ERR_REPORT_UNAVAILABLE: { exit: 2, status: 404, summary: 'the server cannot make that report: the config has no data map for ROPA' },
  VIGIL_ERR_RUN_RESULTS_UNAVAILABLE: { exit: 2, status: 404, summary: 'the run was recorded before vigil kept each run\'s results, so its report cannot be made' },
  VIGIL_ERR_SBOM_NOT_FOUND: { exit: 2, status: 404, summary: 'the run kept no CycloneDX SBOM (of that target)' },
  VIGIL_ERR_SBOM_TARGET_REQUIRED: { exit: 2, status: 400, summary: 'the run kept the SBOMs of several targets: name one' },
  VIGIL_ERR_AUTH_INVALID: { exit: 2, status: 400, summary: 'a user or API token request is invalid: an unknown role, a bad name, or an expiry that is not a future date' },
  VIGIL_ERR_AUTH_REQUIRED: { exit: 2, status: 401, summary: 'the API request has no valid credentials: no token, or an unknown, expired or revoked one, or a wrong password' },
  VIGIL_ERR_AUTH_FORBIDDEN: { exit: 2, status: 403, summary: 'the credentials\' role may not use that route' },
  VIGIL_ERR_USER_EXISTS: { exit: 2, status: 409, summary: 'a user with that name already exists' },
  VIGIL_ERR_USER_NOT_FOUND: { exit: 2, status: 404, summary: 'no user has that name' },
  VIGIL_ERR_TOKEN_NOT_FOUND: { exit: 2, status: 404, summary: 'no API token has that id' },
  VIGIL_ERR_API_INVALID: { exit: 2, status: 400, summary: 'an API request breaks the route\'s schema: malformed JSON, a wrong type, a missing or unknown field or query parameter' },
  VIGIL_ERR_API_NOT_FOUND: { exit: 2, status: 404, summary: 'no API route has that method and path' },
  VIGIL_ERR_API_MEDIA_TYPE: { exit: 2, status: 415, summary: 'an API request body is not application/json' },
  VIGIL_ERR_API_RATE_LIMITED: { exit: 2, status: 429, summary: 'too many API requests, or too many failed credential checks, from one address' },
  VIGIL_ERR_SCANNER_DUPLICATE: { exit: 3, status: 500, summary: 'two scanners registered the same id' },
  VIGIL_ERR_SCANNER_TIMEOUT: { exit: 3, status: 504, summary: 'a scanner ran past its timeout' },
  VIGIL_ERR_OSV_ONLINE: { exit: 3, status: 502, summary: 'the online OSV API failed or answered nonsense' },
  VIGIL_ERR_DATABASE_CONNECT: { exit: 3, status: 502, summary: 'a database could not be scanned: the connection was refused, the credentials are wrong, TLS was refused or required, or it did not answer within the timeout' },
  VIGIL_ERR_SQUAWK: { exit: 3, status: 502, summary: 'the squawk binary (npm squawk-cli) is missing, failed, or printed output vigil cannot read' },
  VIGIL_ERR_BUDGET_PARSE: { exit: 2, status: 400, summary: 'a budget file (perf or pages) is not valid YAML or JSON' },
  VIGIL_ERR_BUDGET_INVALID: { exit: 2, status: 400, summary: 'a budget file breaks its schema: an unknown key, a wrong type, or a threshold out of range' },
  VIGIL_ERR_LIGHTHOUSE: { exit: 3, status: 502, summary: 'Lighthouse could not audit a page: Chromium is missing or crashed, or the page did not load within the timeout' },
  VIGIL_ERR_TARGET_UNREACHABLE: { exit: 3, status: 502, summary: 'an HTTP target did not answer: the connection was refused or reset, or no response came within the timeout' },
  VIGIL_ERR_INTERNAL: { exit: 3, status: 500, summary: 'a bug in vigil' },
} as const satisfies Record<string, { exit: 2 | 3; status: number; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Where in a file the problem is. Lines and columns are 1-based. */
export interface SourcePosition {
  file?: string;
  line?: number;
  column?: number;
}

/** An error vigil knows how to report: a code, a position and a message that says what to do. */
export class VigilError extends Error {
  readonly code: ErrorCode;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;

  constructor(code: ErrorCode, message: string, pos: SourcePosition = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VigilError';
    this.code = code;
    if (pos.file !== undefined) this.file = pos.file;
    if (pos.line !== undefined) this.line = pos.line;
    if (pos.column !== undefined) this.column = pos.column;
  }

  get exitCode(): 2 | 3 {
    return ERROR_CODES[this.code].exit;
  }

  get statusCode(): number {
    return ERROR_CODES[this.code].status;
  }

  /** True for bad input or usage (exit 2), as opposed to failures of vigil or a scanner. */
  get isInputError(): boolean {
    return this.exitCode === 2;
  }

  /** `file:line:col: message` — the shape editors and CI logs link. */
  get where(): string {
    if (!this.file) return '';
    return [this.file, this.line, this.line ? this.column : undefined].filter((x) => x !== undefined).join(':');
  }

  override toString(): string {
    const w = this.where;
    return `${this.code}: ${w ? `${w}: ` : ''}${this.message}`;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, file: this.file, line: this.line, column: this.column };
  }
}

export function isVigilError(e: unknown): e is VigilError {
  return e instanceof VigilError;
}

/** A one-line description of any thrown value. */
export function describeError(e: unknown): string {
  if (e instanceof VigilError) return e.toString();
  if (e instanceof Error) return e.message;
  return String(e);
}
