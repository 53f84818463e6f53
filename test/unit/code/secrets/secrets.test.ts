import { createHash, createHmac, generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { rules as presetRules } from '@secretlint/secretlint-rule-preset-recommend';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cataloguedMessages } from '../../../../scanners/code/secrets/catalogue.js';
import { DEFAULT_MAX_LINE_LENGTH, SECRET_RULE_IDS, scanSecrets, secretFindings, type SecretHit } from '../../../../scanners/code/secrets/index.js';
import { scanText } from '../../../../scanners/code/secrets/precheck.js';
import type { CodeLanguage, SourceFile } from '../../../../scanners/code/types.js';
import { VigilError } from '../../../../src/errors.js';
import { secretPassFingerprint } from '../../../../src/model/redact-finding.js';

// Every key-shaped value below is assembled at test time from obviously fake parts or derived from a
// hash, so this file holds nothing a secret scanner (vigil included) would flag.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-secrets-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Write `text` to a real file under the temp folder and read it back, as the walker hands files over. */
async function source(relPath: string, text: string | Buffer, language?: CodeLanguage): Promise<SourceFile> {
  const path = join(dir, relPath);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
  return { path, relPath, language, text: await readFile(path, 'utf8') };
}

const ALPHABETS = {
  alnum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  base64: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
  base64url: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
  upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  hex: '0123456789abcdef',
};

/** Random-looking but fixed characters: SHA-256 of a label, mapped onto an alphabet. */
function derived(label: string, alphabet: keyof typeof ALPHABETS, length: number): string {
  const chars = ALPHABETS[alphabet];
  let out = '';
  for (let i = 0; out.length < length; i++) {
    for (const b of createHash('sha256').update(`${label}:${i}`).digest()) out += chars[b % chars.length];
  }
  return out.slice(0, length);
}

/** A compact JWS signed with HMAC-SHA256 at test time. */
function jwt(payload: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const signing = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}`;
  return `${signing}.${createHmac('sha256', derived('jwt-secret', 'alnum', 32)).update(signing).digest('base64url')}`;
}

const pkcs8 = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** 1-based line and column of an offset, computed independently of the scanner. */
function lineCol(text: string, offset: number): [number, number] {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return [line, offset - (before.lastIndexOf('\n') + 1) + 1];
}

/** Where `secret` sits in `text`, in SecretHit's terms. */
function spanOf(text: string, secret: string) {
  const at = text.indexOf(secret);
  expect(at, 'fixture holds its secret').toBeGreaterThanOrEqual(0);
  const [startLine, startColumn] = lineCol(text, at);
  const [endLine, endColumn] = lineCol(text, at + secret.length);
  return { startLine, startColumn, endLine, endColumn };
}

const redactedForm = (secret: string) => `${secret.slice(0, 4)}… (${secret.length} chars)`;

/** Nothing returned may hold the secret: not the hits, not the findings made from them. */
function expectNoLeak(hits: SecretHit[], secrets: string[]): void {
  const out = JSON.stringify(hits) + JSON.stringify(secretFindings(hits));
  for (const s of secrets) expect(out.includes(s), `output holds a secret of ${s.length} chars`).toBe(false);
}

const AWS = 'secretlint/@secretlint/secretlint-rule-aws';

interface Case {
  name: string;
  relPath: string;
  language?: CodeLanguage;
  /** The file's text and the secret it holds (the span the hit must cover). */
  make: () => { text: string; secret: string };
  ruleId: string;
  severity: SecretHit['severity'];
  confidence?: SecretHit['confidence'];
  title?: string | RegExp;
}

const cases: Case[] = [
  {
    name: 'AWS access key id',
    relPath: 'aws/id.ts',
    language: 'typescript',
    make: () => {
      const secret = `AKIA${derived('aws-id', 'upper', 16)}`;
      return { text: `// deploy\nconst keyId = "${secret}";\n`, secret };
    },
    ruleId: AWS,
    severity: 'high',
    title: 'AWS access key ID',
  },
  {
    name: 'AWS secret access key (one hit: the entropy rule yields to it)',
    relPath: 'aws/settings.py',
    language: 'python',
    make: () => {
      const secret = derived('aws-secret', 'base64', 40);
      return { text: `import os\n\naws_secret_access_key = "${secret}"\n`, secret };
    },
    ruleId: AWS,
    severity: 'critical',
    title: 'AWS secret access key',
  },
  {
    name: 'GitHub personal access token',
    relPath: 'ci/release.js',
    language: 'javascript',
    make: () => {
      const secret = `ghp_${'FAKE'.repeat(9)}`;
      return { text: `const octokit = new Octokit({\n  auth: '${secret}',\n});\n`, secret };
    },
    ruleId: 'secretlint/@secretlint/secretlint-rule-github',
    severity: 'high',
    title: 'GitHub token (GitHub personal access tokens)',
  },
  {
    name: 'Stripe live secret key',
    relPath: 'pay/stripe.ts',
    language: 'typescript',
    make: () => {
      const secret = ['sk', 'live', derived('stripe-live', 'alnum', 24)].join('_');
      return { text: `import Stripe from 'stripe';\nexport const stripe = new Stripe('${secret}');\n`, secret };
    },
    ruleId: 'vigil/stripe-secret-key',
    severity: 'critical',
    title: 'Stripe secret key (live mode)',
  },
  {
    name: 'Stripe test restricted key',
    relPath: 'pay/stripe-test.ts',
    language: 'typescript',
    make: () => {
      const secret = ['rk', 'test', derived('stripe-test', 'alnum', 24)].join('_');
      return { text: `const key = '${secret}';\n`, secret };
    },
    ruleId: 'vigil/stripe-secret-key',
    severity: 'medium',
    title: 'Stripe restricted key (test mode)',
  },
  {
    name: 'Slack incoming webhook',
    relPath: 'notify.yaml',
    make: () => {
      const secret = `https://hooks.slack.com/services/T${derived('slack-t', 'upper', 9)}/B${derived('slack-b', 'upper', 9)}/${derived('slack-x', 'alnum', 24)}`;
      return { text: `alerts:\n  webhook: ${secret}\n`, secret };
    },
    ruleId: 'secretlint/@secretlint/secretlint-rule-slack',
    severity: 'high',
    title: 'Slack incoming webhook URL',
  },
  {
    name: 'npm token in .npmrc (auth-token and access-token messages give one hit)',
    relPath: '.npmrc',
    make: () => {
      const secret = `npm_${derived('npm', 'alnum', 36)}`;
      return { text: `registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=${secret}\n`, secret };
    },
    ruleId: 'secretlint/@secretlint/secretlint-rule-npm',
    severity: 'high',
  },
  {
    name: 'private key (PKCS#8, generated)',
    relPath: 'keys/signing.ts',
    language: 'typescript',
    make: () => {
      const secret = pkcs8().trim();
      return { text: `export const signingKey = \`${secret}\`;\n`, secret };
    },
    ruleId: 'secretlint/@secretlint/secretlint-rule-privatekey',
    severity: 'critical',
    title: 'Private key',
  },
  {
    name: "Ed25519 private key (PKCS#8: under the preset's 100-character floor)",
    relPath: 'keys/jwt-signing.pem',
    make: () => {
      const secret = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().trim();
      return { text: `${secret}\n`, secret };
    },
    ruleId: 'vigil/compact-private-key',
    severity: 'critical',
    title: 'Private key',
  },
  {
    name: "EC P-256 private key (SEC1, indented in YAML: the preset's magic-byte check misses it)",
    relPath: 'deploy/tls.yaml',
    make: () => {
      const pem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString();
      const text = `tls:\n  key: |\n${pem.trim().split('\n').map((l) => `    ${l}`).join('\n')}\n`;
      const end = '-----END EC PRIVATE KEY-----';
      return { text, secret: text.slice(text.indexOf('-----BEGIN'), text.indexOf(end) + end.length) };
    },
    ruleId: 'vigil/compact-private-key',
    severity: 'critical',
  },
  {
    name: 'GCP service account key file (one hit, at its private_key)',
    relPath: 'deploy/service-account.json',
    make: () => {
      const key = pkcs8();
      const text = `${JSON.stringify(
        { type: 'service_account', project_id: 'vigil-demo', private_key_id: derived('gcp-kid', 'hex', 40), private_key: key, client_email: 'ci@vigil-demo.iam.gserviceaccount.com' },
        null,
        2,
      )}\n`;
      // The secret as the file holds it: the JSON string's contents, escapes and all.
      return { text, secret: JSON.stringify(key).slice(1, -1) };
    },
    ruleId: 'secretlint/@secretlint/secretlint-rule-gcp',
    severity: 'critical',
    title: 'Google Cloud service account key file',
  },
  {
    name: 'credentials in an https URL',
    relPath: 'scripts/fetch.sh',
    make: () => {
      const secret = `https://deploy:${derived('basic', 'alnum', 16)}@artifacts.vigil.test`;
      return { text: `#!/bin/sh\ncurl -fsS ${secret}/builds/latest.tgz -o latest.tgz\n`, secret };
    },
    ruleId: 'secretlint/@secretlint/secretlint-rule-basicauth',
    severity: 'high',
    confidence: 'medium',
  },
  {
    name: 'PostgreSQL URL with a password',
    relPath: 'src/db.ts',
    language: 'typescript',
    make: () => {
      const secret = `postgres://app:${derived('pg', 'alnum', 18)}@db.vigil.test:5432/shop`;
      return { text: `export const pool = new Pool({\n  connectionString: '${secret}',\n});\n`, secret };
    },
    ruleId: 'secretlint/@secretlint/secretlint-rule-database-connection-string',
    severity: 'high',
  },
  {
    name: 'Supabase service_role JWT (legacy key)',
    relPath: 'src/supabase.ts',
    language: 'typescript',
    make: () => {
      const secret = jwt({ iss: 'supabase', ref: 'vigilfakeproject', role: 'service_role', iat: 1700000000, exp: 2000000000 });
      return { text: `import { createClient } from '@supabase/supabase-js';\n\nexport const admin = createClient(url, '${secret}');\n`, secret };
    },
    ruleId: 'vigil/supabase-service-role-key',
    severity: 'critical',
    confidence: 'high',
    title: 'Supabase service_role key (JWT)',
  },
  {
    name: 'Supabase service_role JWT in .env (not also an entropy hit)',
    relPath: '.env',
    make: () => {
      const secret = jwt({ iss: 'supabase', role: 'service_role' });
      return { text: `SUPABASE_URL=https://vigilfakeproject.supabase.co\nSUPABASE_SERVICE_ROLE_KEY=${secret}\n`, secret };
    },
    ruleId: 'vigil/supabase-service-role-key',
    severity: 'critical',
  },
  {
    name: 'Supabase secret API key',
    relPath: 'server/env.ts',
    language: 'typescript',
    make: () => {
      const secret = ['sb', 'secret', derived('sb', 'base64url', 31)].join('_');
      return { text: `const key = "${secret}";\n`, secret };
    },
    ruleId: 'vigil/supabase-service-role-key',
    severity: 'critical',
    title: 'Supabase secret API key',
  },
  {
    name: 'GitLab personal access token',
    relPath: '.gitlab-ci.yml',
    make: () => {
      const secret = `glpat-${derived('gitlab', 'alnum', 20)}`;
      return { text: `variables:\n  GL_TOKEN: "${secret}"\n`, secret };
    },
    ruleId: 'vigil/gitlab-token',
    severity: 'high',
  },
  {
    name: 'Discord webhook URL',
    relPath: 'bot/notify.py',
    language: 'python',
    make: () => {
      const secret = `https://discord.com/api/webhooks/${'1234567890'.repeat(2).slice(0, 18)}/${derived('discord', 'base64url', 68)}`;
      return { text: `WEBHOOK = "${secret}"\n`, secret };
    },
    ruleId: 'vigil/discord-webhook',
    severity: 'high',
  },
  {
    name: 'Azure storage account key in a connection string',
    relPath: 'appsettings.json',
    make: () => {
      const secret = createHash('sha512').update('vigil-azure').digest('base64');
      return { text: `{\n  "Storage": "DefaultEndpointsProtocol=https;AccountName=vigilfake;AccountKey=${secret};EndpointSuffix=core.windows.net"\n}\n`, secret };
    },
    ruleId: 'vigil/azure-shared-key',
    severity: 'critical',
    title: 'Azure storage account key',
  },
  {
    name: 'high-entropy string literal assigned to a password',
    relPath: 'src/config.ts',
    language: 'typescript',
    make: () => {
      const secret = derived('pw', 'base64url', 32);
      return { text: `export const config = {\n  db: { user: 'app', password: "${secret}" },\n};\n`, secret };
    },
    ruleId: 'vigil/high-entropy-secret',
    severity: 'medium',
    confidence: 'medium',
    title: 'High-entropy string assigned to "password"',
  },
  {
    name: 'high-entropy bare YAML value',
    relPath: 'config/prod.yaml',
    make: () => {
      const secret = derived('yaml', 'base64', 40);
      return { text: `service:\n  name: shop\n  api_key: ${secret} # rotated yearly\n`, secret };
    },
    ruleId: 'vigil/high-entropy-secret',
    severity: 'medium',
    title: 'High-entropy string assigned to "api_key"',
  },
  {
    name: 'high-entropy .env value',
    relPath: 'deploy/.env.production',
    make: () => {
      const secret = derived('env', 'alnum', 28);
      return { text: `NODE_ENV=production\nexport OAUTH_CLIENT_SECRET=${secret}\n`, secret };
    },
    ruleId: 'vigil/high-entropy-secret',
    severity: 'medium',
    title: 'High-entropy string assigned to "OAUTH_CLIENT_SECRET"',
  },
  {
    name: 'hex token keyed by a secret name (low confidence)',
    relPath: 'settings.json',
    make: () => {
      const secret = derived('hex', 'hex', 40);
      return { text: `{\n  "webhook": { "authToken": "${secret}" }\n}\n`, secret };
    },
    ruleId: 'vigil/high-entropy-secret',
    severity: 'medium',
    confidence: 'low',
  },
  {
    name: 'UUID keyed as a secret (low confidence)',
    relPath: 'src/heroku.go',
    language: 'go',
    make: () => {
      const h = derived('uuid', 'hex', 32);
      const secret = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
      return { text: `package main\n\nvar apiKey = "${secret}"\n`, secret };
    },
    ruleId: 'vigil/high-entropy-secret',
    severity: 'medium',
    confidence: 'low',
  },
];

describe('scanSecrets: each rule fires where the secret is', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { text, secret } = c.make();
    const hits = await scanSecrets(await source(c.relPath, text, c.language));
    expect(hits).toHaveLength(1);
    const hit = hits[0]!;
    expect(hit).toMatchObject({
      ruleId: c.ruleId,
      path: c.relPath,
      severity: c.severity,
      cwe: ['CWE-798'],
      redacted: redactedForm(secret),
      secretSha256: createHash('sha256').update(secret).digest('hex'),
      ...spanOf(text, secret),
      ...(c.confidence ? { confidence: c.confidence } : {}),
    });
    if (c.title !== undefined) expect(hit.title).toMatch(c.title);
    expect(hit.remediation.length).toBeGreaterThan(40);
    expectNoLeak(hits, [secret]);
  });

  it('finds every secret in one file, in order, each once', async () => {
    const made = cases.filter((c) => c.language === 'typescript').map((c) => c.make());
    const text = made.map((m) => m.text).join('\n');
    const hits = await scanSecrets(await source('all/mixed.ts', text, 'typescript'));
    expect(hits.map((h) => h.redacted)).toEqual(made.map((m) => redactedForm(m.secret)));
    expect(hits.map((h) => h.startLine)).toEqual(made.map((m) => spanOf(text, m.secret).startLine));
    expectNoLeak(hits, made.map((m) => m.secret));
  });
});

describe('scanSecrets: titles', () => {
  it('never quote a name that holds another secret', async () => {
    const gh = `ghp_${'FAKE'.repeat(9)}`;
    const value = derived('title-guard', 'base64url', 32);
    const text = `{ "${gh}.token": "${value}" }\n`;
    const hits = await scanSecrets(await source('conf/odd.json', text));
    expect(hits.map((h) => [h.ruleId, h.title])).toEqual([
      ['secretlint/@secretlint/secretlint-rule-github', 'GitHub token (GitHub personal access tokens)'],
      ['vigil/high-entropy-secret', 'High-entropy string assigned to a secret-like name'],
    ]);
    expectNoLeak(hits, [gh, value]);
  });
});

describe('scanSecrets: what is not a finding', () => {
  it('leaves the Supabase anon key and other JWTs alone', async () => {
    const anon = jwt({ iss: 'supabase', ref: 'vigilfakeproject', role: 'anon', iat: 1700000000 });
    const user = jwt({ sub: 'user-1', role: 'authenticated', aud: 'authenticated' });
    const other = jwt({ sub: 'svc', scope: 'read' });
    const text = [
      `export const supabase = createClient(url, '${anon}');`,
      `const token = "${user}";`,
      `const accessToken = '${other}';`,
      `NEXT_PUBLIC_SUPABASE_ANON_KEY=${anon}`,
    ].join('\n');
    expect(await scanSecrets(await source('src/client.ts', text, 'typescript'))).toEqual([]);
    expect(await scanSecrets(await source('.env.local', text))).toEqual([]);
  });

  it("leaves AWS's documented example key alone (secretlint's own allow list)", async () => {
    const text = 'const keyId = "AKIAIOSFODNN7EXAMPLE";\n';
    expect(await scanSecrets(await source('docs/aws.ts', text, 'typescript'))).toEqual([]);
  });

  it("leaves Azurite's published development key alone", async () => {
    const azurite = ['Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq', '/K1SZFPTOtr/KBHBeksoGMGw=='].join('');
    const text = `UseDevelopmentStorage: "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${azurite};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1"\n`;
    expect(await scanSecrets(await source('local.yaml', text))).toEqual([]);
  });

  const strong = derived('not-a-secret', 'base64url', 32);
  it.each([
    ['a placeholder word', 'src/a.ts', 'typescript', 'const password = "changeme-changeme-changeme";'],
    ['x-filled placeholder', 'src/a.ts', 'typescript', 'const apiKey = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";'],
    ['an angle-bracket placeholder', 'src/a.ts', 'typescript', 'const secret = "<insert-your-client-secret-here>";'],
    ['one repeated character', 'src/a.ts', 'typescript', `const auth_token = "${'a'.repeat(32)}";`],
    ['masked stars', 'src/a.ts', 'typescript', `client_secret = '${'*'.repeat(28)}'`],
    ['a template literal that interpolates', 'src/a.ts', 'typescript', 'const token = `${process.env.PREFIX}-${process.env.TOKEN_VALUE_FROM_ENV}`;'],
    ['process.env in code', 'src/a.ts', 'typescript', 'const password = process.env.DATABASE_PASSWORD_PRODUCTION;'],
    ['process.env in YAML', 'app.yaml', undefined, 'password: process.env.DATABASE_PASSWORD_PRODUCTION'],
    ['an ${ENV} reference in YAML', 'app.yaml', undefined, 'client_secret: ${OAUTH_CLIENT_SECRET_FROM_VAULT}'],
    ['os.environ in Python', 'app.py', 'python', 'password = os.environ["DATABASE_PASSWORD_PRODUCTION"]'],
    ['a URL without credentials', 'src/a.ts', 'typescript', 'const token = "https://auth.vigil.test/oauth2/v1/token/exchange";'],
    ['a file path', 'src/a.ts', 'typescript', 'const privateKey = "./config/keys/production-signing-2024.pem";'],
    ['an absolute path', 'conf.ini', undefined, 'credentials=/etc/vigil/credentials/service-account.json'],
    ['a low-entropy passphrase', 'src/a.ts', 'typescript', 'const password = "correcthorsebatterystaple";'],
    ['an alphabet run', 'src/a.ts', 'typescript', 'const secret = "abcdefghijklmnopqrstuvwxyz0123456789";'],
    ['an i18n key', 'src/a.ts', 'typescript', 'const token = "errors.authentication.invalidTokenProvided";'],
    ['a name that is not a secret name', 'src/a.ts', 'typescript', `const author = "${strong}";`],
    ['a name that describes a secret', 'src/a.ts', 'typescript', `const tokenType = "${strong}";`],
    ['a bare value in code (an expression)', 'src/a.ts', 'typescript', `const password = ${strong.replace(/-/g, '_')}`],
    ['a comparison, not an assignment', 'src/a.ts', 'typescript', `if (password === "${strong}") {}`],
    ['a Stripe key of x', 'src/a.ts', 'typescript', `const key = "${['sk', 'live', 'x'.repeat(24)].join('_')}";`],
    ['a Supabase secret key placeholder', 'src/a.ts', 'typescript', `const key = "${['sb', 'secret', 'x'.repeat(30)].join('_')}";`],
    ['a short value', 'src/a.ts', 'typescript', `const password = "${strong.slice(0, 19)}";`],
  ] as const)('%s', async (_name, relPath, language, text) => {
    expect(await scanSecrets(await source(relPath, `${text}\n`, language))).toEqual([]);
  });

  it('honours secretlint-disable comments, for the preset and for vigil rules alike', async () => {
    const gh = `ghp_${'FAKE'.repeat(9)}`;
    const text = [
      `const password = "${strong}"; // secretlint-disable-line vigil/high-entropy-secret`,
      '// secretlint-disable-next-line',
      `const token = "${gh}";`,
      `const kept = "${gh}";`,
    ].join('\n');
    const hits = await scanSecrets(await source('src/disabled.ts', text, 'typescript'));
    expect(hits.map((h) => [h.ruleId, h.startLine])).toEqual([['secretlint/@secretlint/secretlint-rule-github', 4]]);
  });
});

describe('scanSecrets: files it does not read, and long lines', () => {
  const gh = `ghp_${'FAKE'.repeat(9)}`;

  it('skips a file with a NUL byte in its first 8 KiB', async () => {
    const bin = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]), Buffer.from(`\ntoken="${gh}"\n`)]);
    expect(await scanSecrets(await source('img/logo.png', bin))).toEqual([]);
  });

  it('reads a file whose first NUL comes after 8 KiB', async () => {
    const text = `const token = "${gh}";\n${' '.repeat(9000)}\u0000\n`;
    expect(await scanSecrets(await source('src/late-nul.ts', text, 'typescript'))).toHaveLength(1);
  });

  it('finds a secret in the middle of a 5 MB line while reading only windows of it', async () => {
    const chunk = 'function f(a){return a.map(function(b){return b*2}).filter(Boolean)};var o={k:1,v:"x"};';
    const half = chunk.repeat(Math.ceil(2_600_000 / chunk.length));
    const text = `/* bundle */\n${half}var t="${gh}";${half}\nconsole.log(1);\n`;
    expect(text.length).toBeGreaterThan(5_000_000);
    const cut = scanText(text, DEFAULT_MAX_LINE_LENGTH);
    expect(cut.windowed).toBe(true);
    expect(cut.content.length).toBeLessThan(16 * 1024);
    const hits = await scanSecrets(await source('dist/bundle.js', text, 'javascript'));
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ ruleId: 'secretlint/@secretlint/secretlint-rule-github', ...spanOf(text, gh) });
  });

  it('keeps positions right in short lines after a long one', async () => {
    const long = `var a=${'1+'.repeat(5000)}1;var k="${gh}";`;
    const pw = derived('after-long', 'base64url', 30);
    const text = `${long}\nconst password = "${pw}";\n`;
    const hits = await scanSecrets(await source('dist/mixed.js', text, 'javascript'));
    expect(hits).toMatchObject([
      { ruleId: 'secretlint/@secretlint/secretlint-rule-github', ...spanOf(text, gh) },
      { ruleId: 'vigil/high-entropy-secret', ...spanOf(text, pw) },
    ]);
  });

  it('counts columns after a BOM as an editor does, and with CRLF line ends', async () => {
    const text = `\uFEFFline one\r\nconst token = "${gh}";\r\n`;
    const hits = await scanSecrets(await source('src/bom.ts', text, 'typescript'));
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ startLine: 2, startColumn: 16, endLine: 2, endColumn: 16 + gh.length });
  });
});

describe('scanSecrets options', () => {
  it('leaves out disabled rules', async () => {
    const gh = `ghp_${'FAKE'.repeat(9)}`;
    const pw = derived('disable', 'base64url', 30);
    const file = await source('src/opts.ts', `const t = "${gh}";\nconst password = "${pw}";\n`, 'typescript');
    expect((await scanSecrets(file)).map((h) => h.ruleId)).toEqual(['secretlint/@secretlint/secretlint-rule-github', 'vigil/high-entropy-secret']);
    expect((await scanSecrets(file, { disableRules: ['secretlint/@secretlint/secretlint-rule-github'] })).map((h) => h.ruleId)).toEqual(['vigil/high-entropy-secret']);
    expect((await scanSecrets(file, { disableRules: ['vigil/high-entropy-secret'] })).map((h) => h.ruleId)).toEqual(['secretlint/@secretlint/secretlint-rule-github']);
  });

  it('refuses a rule id that names no rule, and a nonsensical line cap', async () => {
    const file = await source('src/empty.ts', 'export {};\n', 'typescript');
    const err = await scanSecrets(file, { disableRules: ['vigil/no-such-rule'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VigilError);
    expect(err).toMatchObject({ code: 'VIGIL_ERR_CONFIG_INVALID' });
    expect((err as VigilError).message).toMatch(/"vigil\/no-such-rule".*vigil\/high-entropy-secret/);
    await expect(scanSecrets(file, { maxLineLength: 10 })).rejects.toMatchObject({ code: 'VIGIL_ERR_CONFIG_INVALID' });
  });

  it('lists every rule of the installed preset, and maps every message a rule can report', () => {
    const presetIds = presetRules.map((r) => r.meta.id);
    expect(SECRET_RULE_IDS).toEqual(expect.arrayContaining(presetIds.map((id) => `secretlint/${id}`)));
    const mapped = new Set(cataloguedMessages());
    // Account ids are filtered (not secrets); the comment filter reports nothing.
    const unmapped = presetRules
      .flatMap((r) => Object.keys(r.messages).map((m) => `${r.meta.id}#${m}`))
      .filter((k) => !mapped.has(k) && !k.endsWith('#AWSAccountID') && !k.endsWith('#IGNORE_MESSAGE'));
    expect(unmapped).toEqual([]);
  });
});

describe('secretFindings', () => {
  const key = (label = 'finding') => ['sk', 'live', derived(label, 'alnum', 24)].join('_');

  it('builds code findings with redacted evidence and no snippet', async () => {
    const secret = key();
    const hits = await scanSecrets(await source('pay/a.ts', `const k = '${secret}';\n`, 'typescript'));
    const [f] = secretFindings(hits);
    expect(f).toMatchObject({
      scanner: 'code',
      ruleId: 'vigil/stripe-secret-key',
      severity: 'critical',
      confidence: 'high',
      cwe: ['CWE-798'],
      tags: ['secret'],
      evidence: redactedForm(secret),
      location: { kind: 'file', path: 'pay/a.ts', startLine: 1, startColumn: 12, endLine: 1, endColumn: 12 + secret.length },
    });
    expect(f!.location).not.toHaveProperty('snippet');
    expect(f!.fingerprint).toMatch(/^[0-9a-f]{32}$/);
  });

  it('keeps a fingerprint when the secret moves, and tells secrets apart only by what their redacted form shows', async () => {
    const secret = key();
    const fp = async (rel: string, text: string) => secretFindings(await scanSecrets(await source(rel, text, 'typescript')))[0]!.fingerprint;
    const here = await fp('pay/b.ts', `const k = '${secret}';\n`);
    const moved = await fp('pay/b.ts', `// a\n// b\n\nexport function pay() {\n  const k = '${secret}';\n}\n`);
    // another secret shown the same way (same first 4 characters, same length): the fingerprint
    // cannot tell them apart, because nothing derived from the rest of the secret goes into it
    const alike = await fp('pay/b.ts', `const k = '${key('another-finding')}';\n`);
    const longer = await fp('pay/b.ts', `const k = '${['sk', 'live', derived('longer', 'alnum', 30)].join('_')}';\n`);
    const elsewhere = await fp('pay/c.ts', `const k = '${secret}';\n`);
    expect(moved).toBe(here);
    expect(alike).toBe(here);
    expect(longer).not.toBe(here);
    expect(elsewhere).not.toBe(here);
    expect(here).toBe(secretPassFingerprint('vigil/stripe-secret-key', 'pay/b.ts', redactedForm(secret)));
  });
});

describe('redaction holds for any value near a secret name', () => {
  const names = ['password', 'DB_PASSWORD', 'passwd', 'secret', 'clientSecret', 'client_secret', 'api_key', 'apiKey', 'x-api-key', 'ACCESS_KEY', 'privateKey', 'authToken', 'auth', 'credentials', 'config.secret'];
  const forms = [
    (n: string, v: string) => `const ${n.replace(/[^\w$]/g, '_')} = "${v}";`,
    (n: string, v: string) => `{ "${n}": "${v}" }`,
    (n: string, v: string) => `${n}: ${v}`,
    (n: string, v: string) => `${n}=${v}`,
    (n: string, v: string) => `${n} := '${v}'`,
  ];
  const value = fc.array(fc.constantFrom(...ALPHABETS.base64url, ...'+/=.:@!%'), { minLength: 20, maxLength: 72 }).map((a) => a.join(''));
  const noise = fc.string({ maxLength: 12 });

  it('never returns the value, nor 8 of its characters in a row', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...names), fc.constantFrom(...forms), value, noise, noise, fc.boolean(), async (name, form, v, before, after, code) => {
        const text = `${before}${form(name, v)}${after}\n`;
        const hits = await scanSecrets(await source(`prop/${run++}.${code ? 'ts' : 'env'}`, text, code ? 'typescript' : undefined));
        const out = JSON.stringify(hits) + JSON.stringify(secretFindings(hits));
        for (let i = 0; i + 8 <= v.length; i++) expect(out.includes(v.slice(i, i + 8))).toBe(false);
        for (const h of hits) expect(h.redacted).toMatch(/^[^]{1,4}… \(\d+ chars\)$/u);
      }),
      { numRuns: 150 },
    );
  });
});
