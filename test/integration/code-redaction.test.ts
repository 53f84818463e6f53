/**
 * No secret a code rule matched reaches any output: every shipped rule that declares
 * `metadata.secret-metavariables` (found from the rule files, so the table cannot drift), run by
 * the real CLI over its own annotated example, × every place vigil writes a finding.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/finding.js';
import { redactStoredCodeFinding, redactStoredFinding, secretMetavariableNames } from '../../src/model/redact-finding.js';
import { evaluateFile } from '../../scanners/code/engine/evaluate.js';
import { loadRuleFiles, type CodeRule } from '../../scanners/code/engine/rules.js';
import { languageOf } from '../../scanners/code/languages.js';
import { secretPolicy } from '../../scanners/code/secret-metavariables.js';
import { openLedger } from '../../src/ledger/index.js';
import { vigil, type CliResult } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/pg.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REPLAY = fileURLToPath(new URL('../fixtures/code/semgrep-replay/semgrep', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fixtures/ledger/v0.1.0/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vigil-code-redaction-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Literal contents of 8+ characters in a bound value: what must never be printed or stored. */
function literalsIn(value: string): string[] {
  return [...value.matchAll(/(['"`])([^'"`\n]{8,})\1/g)].map((m) => m[2]!);
}

interface SecretRule {
  rule: CodeRule;
  examples: string[];
  /** The secret values the rule binds in its examples, found by the engine itself. */
  secrets: string[];
}

/** Every shipped rule declaring secret metavariables, with its annotated examples and the secrets they hold. */
async function shippedSecretRules(): Promise<SecretRule[]> {
  const { rules } = await loadRuleFiles([join(ROOT, 'rules/code')]);
  const out: SecretRule[] = [];
  for (const rule of rules) {
    const declared = secretPolicy(rule).declared;
    if (!declared?.length) continue;
    const folder = dirname(rule.source.file);
    const stem = basename(rule.source.file).replace(/\.ya?ml$/, '');
    const examples = readdirSync(folder)
      .filter((n) => n.startsWith(`${stem}.`) && !/\.ya?ml$/.test(n))
      .map((n) => join(folder, n));
    const secrets = new Set<string>();
    for (const path of examples) {
      const text = readFileSync(path, 'utf8');
      const res = evaluateFile([rule], { path, relPath: basename(path), language: languageOf(path), text });
      for (const m of res.matches) {
        for (const name of secretMetavariableNames(Object.keys(m.bindings), declared)) for (const s of literalsIn(m.bindings[name]!)) secrets.add(s);
      }
    }
    out.push({ rule, examples, secrets: [...secrets] });
  }
  return out;
}

const SECRET_RULES = await shippedSecretRules();

/** Every output vigil writes for one scan of the examples, by name, as text (files as raw bytes, read as latin1). */
const outputs = new Map<string, string>();
let jsonFindings: Finding[] = [];

function run(args: string[], cwd: string, env?: Record<string, string | undefined>): CliResult {
  const r = vigil(args, { cwd, ...(env ? { env } : {}) });
  expect(r.code, `vigil ${args.join(' ')}\n${r.stderr}`).toBeLessThan(2);
  return r;
}

/** A file's bytes as text that a UTF-8 secret's bytes can be searched in. */
function bytesOf(path: string): string {
  return existsSync(path) ? readFileSync(path).toString('latin1') : '';
}

const latin1 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

/** Every file the ledger's runs kept (their results, SBOMs), decompressed: stored as gzip, a secret would not show in the bytes. */
async function keptFiles(location: string): Promise<string> {
  const ledger = await openLedger(location);
  try {
    let text = '';
    for (const run of await ledger.listRuns({ limit: 100 })) {
      for (const a of await ledger.artifacts.list(run.id)) {
        const opened = (await ledger.artifacts.open(run.id, a.kind, a.target))!;
        for await (const chunk of opened.content) text += (chunk as Buffer).toString('utf8');
      }
    }
    expect(text).toContain('js-jsonwebtoken-hardcoded-secret');
    return text;
  } finally {
    await ledger.close();
  }
}

describe('the shipped rules that bind secrets', () => {
  const project = join(dir, 'shipped');
  let dropPg: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const src = join(project, 'src');
    mkdirSync(src, { recursive: true });
    for (const r of SECRET_RULES) for (const e of r.examples) copyFileSync(e, join(src, basename(e)));
    const scan = ['scan', 'code', 'src', '--engine', 'embedded', '--fail-on', 'none'];
    for (const format of ['table', 'json', 'sarif', 'junit', 'vex']) {
      const r = run([...scan, '--format', format, '--no-ledger'], project);
      outputs.set(format, r.stdout);
      outputs.set(`stderr of --format ${format}`, r.stderr);
      if (format === 'json') jsonFindings = (JSON.parse(r.stdout) as { findings: Finding[] }).findings;
    }

    // SQLite: the file and its write-ahead log as bytes, then what the CLI shows from it
    const db = join(project, 'l.db');
    const scanned = run([...scan, '--ledger', db], project);
    outputs.set('stderr of the ledger scan', scanned.stdout + scanned.stderr);
    outputs.set('l.db (bytes)', bytesOf(db) + bytesOf(`${db}-wal`) + bytesOf(`${db}-journal`));
    const list = run(['findings', 'list', '--format', 'json', '--status', 'all', '--limit', '1000', '--ledger', db], project);
    outputs.set('findings list --format json', list.stdout + list.stderr);
    outputs.set('findings list', run(['findings', 'list', '--status', 'all', '--limit', '1000', '--ledger', db], project).stdout);
    const listed = (JSON.parse(list.stdout) as { findings: { id: number; ruleId: string }[] }).findings;
    let shown = '';
    for (const r of SECRET_RULES) {
      const f = listed.find((x) => x.ruleId === r.rule.id);
      if (!f) continue;
      // one process each: the table for every rule, JSON for the first
      for (const format of shown ? ['table'] : ['table', 'json']) {
        const s = run(['findings', 'show', String(f.id), '--format', format, '--ledger', db], project);
        shown += s.stdout + s.stderr;
      }
    }
    outputs.set('findings show', shown);
    // the same in a fresh process after the WAL was checkpointed into the file
    outputs.set('l.db after close (bytes)', bytesOf(db) + bytesOf(`${db}-wal`));
    outputs.set('files the run kept in SQLite', await keptFiles(db));

    // PostgreSQL: every row of every table the ledger made
    const { url, drop } = await createTestDatabase('vigil_redaction');
    dropPg = drop;
    const pgScan = run([...scan, '--ledger', url], project);
    outputs.set('stderr of the PostgreSQL scan', pgScan.stdout + pgScan.stderr);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const tables = await c.query<{ table_name: string }>("select table_name from information_schema.tables where table_schema = 'public'");
      let rows = '';
      for (const { table_name } of tables.rows) rows += JSON.stringify((await c.query(`select * from "${table_name}"`)).rows);
      expect(rows).toContain('js-jsonwebtoken-hardcoded-secret');
      outputs.set('PostgreSQL rows', rows);
    } finally {
      await c.end();
    }
    outputs.set('findings list from PostgreSQL', run(['findings', 'list', '--format', 'json', '--status', 'all', '--limit', '1000', '--ledger', url], project).stdout);
    outputs.set('files the run kept in PostgreSQL', await keptFiles(url));
  }, 240_000);

  afterAll(async () => {
    await dropPg?.();
  });

  it('are found from the rule files, and each one binds a literal secret in its example', () => {
    expect(SECRET_RULES.map((r) => r.rule.id)).toEqual(
      expect.arrayContaining([
        'js-jsonwebtoken-hardcoded-secret',
        'js-express-session-hardcoded-secret',
        'js-jose-hardcoded-secret',
        'js-cookie-session-hardcoded-keys',
        'js-cookie-parser-hardcoded-secret',
        'js-node-crypto-hardcoded-key',
      ]),
    );
    for (const r of SECRET_RULES) expect(r.secrets, r.rule.id).not.toEqual([]);
  });

  it.each(SECRET_RULES.map((r) => [r.rule.id, r] as const))('%s reports its example (so the table below means something)', (_id, r) => {
    expect(jsonFindings.some((f) => f.ruleId === r.rule.id)).toBe(true);
  });

  const OUTPUTS = [
    'table',
    'json',
    'sarif',
    'junit',
    'vex',
    'stderr of --format json',
    'l.db (bytes)',
    'l.db after close (bytes)',
    'stderr of the ledger scan',
    'findings list --format json',
    'findings list',
    'findings show',
    'PostgreSQL rows',
    'findings list from PostgreSQL',
    'stderr of the PostgreSQL scan',
    'files the run kept in SQLite',
    'files the run kept in PostgreSQL',
  ];
  describe.each(OUTPUTS)('%s', (output) => {
    it.each(SECRET_RULES.map((r) => [r.rule.id, r] as const))('holds none of the secrets %s matched', (_id, r) => {
      const text = outputs.get(output);
      expect(text, `${output} was not written`).toBeDefined();
      for (const s of r.secrets) {
        expect(text!.includes(s) || text!.includes(latin1(s)), `${s} in ${output}`).toBe(false);
        // nor anything of it past the 4 characters the mask keeps
        expect(text!.includes(s.slice(4)), `${s.slice(4)} in ${output}`).toBe(false);
      }
    });
  });

  it('shows the redacted form instead, and records which metavariables were secret', () => {
    const jwt = jsonFindings.find((f) => f.ruleId === 'js-jsonwebtoken-hardcoded-secret')!;
    expect(jwt.title).toMatch(/\('[^']{4}…\[redacted\]'\)/);
    expect(jwt.location).toMatchObject({ snippet: expect.stringMatching(/^'[^']{4}…\[redacted\]'$/) });
    expect(jwt.properties).toMatchObject({ secretMetavariables: ['$SECRET'] });
  });
});

describe('a rescan after the ledger migration finds the migrated rows', () => {
  it('the scanner gives exactly what redactStoredFinding makes of each code finding vigil 0.1.0 stored', () => {
    const project = join(dir, 'v010');
    mkdirSync(join(project, 'src'), { recursive: true });
    copyFileSync(join(FIXTURE, 'app.js'), join(project, 'src/app.js'));
    const r = run(['scan', 'code', 'src', '--engine', 'embedded', '--format', 'json', '--no-ledger', '--fail-on', 'none'], project);
    const fresh = (JSON.parse(r.stdout) as { findings: (Finding & { target: string })[] }).findings;
    const db = new Database(join(FIXTURE, 'ledger.db'), { readonly: true, fileMustExist: true });
    const stored = db.prepare("select data from findings where scanner = 'code'").all() as { data: string }[];
    db.close();
    // the ledger keeps the rule file's absolute path of the machine that scanned
    const portable = (f: Finding) => ({ ...f, properties: f.properties ? { ...f.properties, ruleFile: basename(String(f.properties['ruleFile'] ?? '')) } : undefined });
    expect(stored.length).toBeGreaterThanOrEqual(5);
    for (const { data } of stored) {
      const old = JSON.parse(data) as Finding & { target: string };
      const migrated = redactStoredFinding(old);
      expect(JSON.stringify(migrated)).not.toMatch(/Zq8vN3kLp2Xw9RtY7uMb4HcE|Hq2Lm9Xv4Rt7Kp3Wz8Yb|k8Jd72Hs91Ls02Md83Ns73Ks01Ld84Ms/);
      const twin = fresh.find((f) => f.ruleId === old.ruleId && f.location.kind === 'file' && old.location.kind === 'file' && f.location.startLine === old.location.startLine);
      expect(twin, old.ruleId).toBeDefined();
      expect(portable(twin!)).toEqual(portable(migrated));
    }
  });

  it('for the issue\'s own case: app.js scanned as a single file, against the finding 0.1.0 printed for it', () => {
    const project = join(dir, 'issue');
    mkdirSync(project, { recursive: true });
    const secret = 'Zq8vN3kLp2Xw9RtY7uMb4HcE';
    writeFileSync(join(project, 'app.js'), `const jwt = require('jsonwebtoken');\nfunction f(){ return jwt.sign({ user: 1 }, '${secret}'); }\n`);
    const r = run(['scan', 'code', 'app.js', '--engine', 'embedded', '--format', 'json', '--no-ledger'], project);
    expect(r.stdout + r.stderr).not.toContain(secret);
    const [now] = (JSON.parse(r.stdout) as { findings: (Finding & { target: string })[] }).findings;
    const message = `The JWT signing secret is written into the source ('${secret}'). Anyone who can read the code or its history can mint valid tokens for any user, and a fallback like \`process.env.X || '...'\` silently ships the same secret when the variable is missing. Load the secret (or private key) from a secrets manager or a required environment variable and fail at start-up when it is absent.`;
    // what 0.1.0 wrote (its path aside: it said app.js/app.js)
    const old: Finding & { target: string } = {
      fingerprint: '5e1b39a9e54ededc2f4095393415f008',
      scanner: 'code',
      ruleId: 'js-jsonwebtoken-hardcoded-secret',
      title: `The JWT signing secret is written into the source ('${secret}').`,
      severity: 'high',
      confidence: 'high',
      cwe: ['CWE-798'],
      aliases: [],
      location: { kind: 'file', path: 'app.js', startLine: 2, endLine: 2, startColumn: 44, endColumn: 70, snippet: `'${secret}'` },
      evidence: `'${secret}'`,
      remediation: message,
      references: now!.references,
      tags: ['code', 'category:security', 'technology:jsonwebtoken', 'technology:jwt'],
      controls: ['OWASP:A07:2021', 'ASVS:V2.10.4', 'ASVS:V6.4.1'],
      properties: { engine: 'embedded', ruleFile: now!.properties!['ruleFile'], bindings: { $JWT: 'jwt', $PAYLOAD: '{ user: 1 }', $SECRET: `'${secret}'` } },
      target: 'app.js',
    };
    expect(now).toEqual(redactStoredCodeFinding(old));
    expect(now!.location).toMatchObject({ path: 'app.js' });
  });
});

describe("a user's own rules", () => {
  const SECRET = 'Wq3Er7Ty1Ui5Op9As2Df6Gh';
  const project = join(dir, 'user');
  const rule = (id: string, extra: string, pattern = 'api.connect($API_TOKEN)') => `rules:
  - id: ${id}
    message: connects with $API_TOKEN; load it from the environment
    severity: WARNING
    languages: [javascript]
${extra}    pattern: ${pattern}
`;

  beforeAll(() => {
    mkdirSync(join(project, 'src'), { recursive: true });
    mkdirSync(join(project, 'rules'), { recursive: true });
    writeFileSync(join(project, 'src/app.js'), `const api = require('./api');\napi.connect('${SECRET}');\nconst apiToken = "${SECRET}";\n`);
    writeFileSync(join(project, 'rules/default.yaml'), rule('user-default', ''));
    writeFileSync(join(project, 'rules/opt-out.yaml'), rule('user-opt-out', '    metadata:\n      secret-metavariables: []\n'));
    writeFileSync(join(project, 'rules/regex.yaml'), rule('user-regex', '', `'apiToken = "(?P<API_TOKEN>\\w+)"'`).replace('pattern:', 'pattern-regex:'));
    writeFileSync(join(project, 'rules/named.yaml'), rule('user-named', '    metadata:\n      secret-metavariables: [$CONFIG]\n', 'api.connect($CONFIG)').replace('$API_TOKEN;', '$CONFIG;'));
    writeFileSync(join(project, 'rules/bad.yaml'), rule('user-bad-list', '    metadata:\n      secret-metavariables: 42\n'));
  });

  function scan(rules: string, env?: Record<string, string | undefined>, engine = 'embedded') {
    const r = run(['scan', 'code', 'src', '--rules', rules, '--engine', engine, '--no-secrets', '--format', 'json', '--no-ledger', '--fail-on', 'none'], project, env);
    return { ...r, findings: (JSON.parse(r.stdout) as { findings: Finding[] }).findings };
  }

  it('redacts a metavariable named like a secret ($API_TOKEN) without any metadata', () => {
    const r = scan('rules/default.yaml');
    expect(r.findings.map((f) => f.title)).toEqual(["connects with 'Wq3E…[redacted]'; load it from the environment"]);
    expect(r.stdout + r.stderr).not.toContain(SECRET.slice(4));
  });

  it('keeps it when the rule opts out with an empty list', () => {
    const r = scan('rules/opt-out.yaml');
    expect(r.findings.map((f) => f.title)).toEqual([`connects with '${SECRET}'; load it from the environment`]);
  });

  it('redacts a regex capture even where it looks like a name, and a metavariable the rule names', () => {
    const regex = scan('rules/regex.yaml');
    expect(regex.findings).toHaveLength(1);
    expect(regex.stdout).not.toContain(SECRET.slice(4));
    const named = scan('rules/named.yaml');
    expect(named.findings.map((f) => f.title)).toEqual(["connects with 'Wq3E…[redacted]'; load it from the environment"]);
  });

  it('notes a secret-metavariables that is not a list of names, and redacts by name instead', () => {
    const r = scan('rules/bad.yaml');
    expect(r.stderr).toMatch(/rule user-bad-list .*bad\.yaml:2\): metadata\.secret-metavariables is not a list of metavariable names/);
    expect(r.stdout).not.toContain(SECRET.slice(4));
  });

  it('redacts what the semgrep binary reports too (here a replay of its JSON), whatever form its message took', () => {
    const bin = join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    copyFileSync(REPLAY, join(bin, 'semgrep'));
    const text = readFileSync(join(project, 'src/app.js'), 'utf8');
    const at = text.indexOf(`'${SECRET}'`);
    const line = 2;
    const col = at - text.indexOf('api.connect') + 1;
    const output = join(dir, 'semgrep-secret.json');
    writeFileSync(
      output,
      JSON.stringify({
        version: '1.86.0',
        results: [
          {
            check_id: 'rules.user-default',
            // relative to semgrep's working directory, the scan root
            path: 'app.js',
            start: { line, col: 1, offset: text.indexOf('api.connect') },
            end: { line, col: col + SECRET.length + 3, offset: at + SECRET.length + 3 },
            extra: {
              // semgrep's own interpolation, with the value as semgrep's `value()` would show it
              message: `connects with '${SECRET}'; load it from the environment (${SECRET})`,
              metavars: { $API_TOKEN: { start: { line, col, offset: at }, end: { line, col: col + SECRET.length + 2, offset: at + SECRET.length + 2 }, abstract_content: `'${SECRET}'` } },
              fix: `api.connect(process.env.API_TOKEN) // was '${SECRET}'`,
              lines: 'requires login',
              severity: 'WARNING',
              metadata: {},
              is_ignored: false,
              engine_kind: 'OSS',
              fingerprint: 'requires login',
            },
          },
        ],
        errors: [],
        paths: { scanned: ['app.js'] },
        skipped_rules: [],
      }),
    );
    chmodSync(join(bin, 'semgrep'), 0o755);
    const r = scan('rules/default.yaml', { PATH: `${bin}:${process.env.PATH ?? ''}`, SEMGREP_REPLAY_OUTPUT: output }, 'semgrep');
    expect(r.findings.map((f) => [f.ruleId, f.properties?.['engine'], f.location.kind === 'file' ? f.location.snippet : '']).sort()).toEqual([
      ['user-default', 'semgrep', "api.connect('Wq3E…[redacted]')"],
    ]);
    expect(r.stdout + r.stderr).not.toContain(SECRET.slice(4));
    expect(r.findings[0]!.remediation).toContain('Suggested fix: api.connect(process.env.API_TOKEN) // was \'Wq3E…[redacted]\'');
  });
});
