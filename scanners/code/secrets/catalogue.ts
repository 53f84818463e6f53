/**
 * What vigil says about each (rule, message) the secrets pass can report: title, severity,
 * confidence, remediation, and where the secret is. secretlint's own messages are never shown:
 * they quote the secret (`found GitHub Token(…): ghp_…`).
 */
import type { Confidence } from '../../../src/model/severity.js';
import { AZURE_RULE_ID, COMPACT_KEY_RULE_ID, DISCORD_RULE_ID, GITLAB_RULE_ID, STRIPE_RULE_ID } from './rules/formats.js';
import { HIGH_ENTROPY_RULE_ID } from './rules/high-entropy.js';
import { SUPABASE_RULE_ID } from './rules/supabase.js';
import type { SecretSeverity } from './types.js';

type Data = Readonly<Record<string, unknown>>;

/** How one (rule, message) becomes a SecretHit. */
export interface MessageInfo {
  title: (data: Data) => string;
  severity: (data: Data) => SecretSeverity;
  confidence: (data: Data) => Confidence;
  remediation: string;
  /**
   * The message data property holding the secret, for rules whose range is wider than the secret
   * or misplaced (aws, npm): the secret is looked for from the range's start. Without it the
   * range's text is the secret.
   */
  secretProp?: string;
  /**
   * Characters a rule's match may run on into that are not the secret's: the database rules read a
   * URL's database name as `[^?\s]*`, which takes the closing quote and comma of `'postgres://…/shop',`.
   */
  trimEnd?: RegExp;
  /** Narrow a range that spans more than the secret (a whole key file) to the secret inside it. */
  locate?: (text: string, start: number, end: number) => [number, number] | undefined;
  /**
   * When two hits overlap, the more specific one stands for both: a known format (2, 3 for the
   * GCP key file) over a generic private key or URL credential (1) over the entropy heuristic (0).
   */
  specificity: number;
}

const is = <T>(v: T) => () => v;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const ROTATE =
  'Revoke this credential where it was issued and create a new one: deleting the line does not remove it from the repository history. Then load it at run time from the environment or a secret manager.';
const revokeAt = (where: string) =>
  `Revoke it in ${where} and issue a new one: deleting the line does not remove it from the repository history. Then load it at run time from the environment or a secret manager.`;

const PRIVATE_KEY_REMEDIATION =
  'Treat the key as compromised: generate a new key pair, replace the old one wherever it is trusted (certificates, authorized_keys, deploy keys) and revoke it. Keep private keys out of the repository.';

const AWS = '@secretlint/secretlint-rule-aws';
const GCP = '@secretlint/secretlint-rule-gcp';
const PRIVATE_KEY = '@secretlint/secretlint-rule-privatekey';
const NPM = '@secretlint/secretlint-rule-npm';
const BASIC_AUTH = '@secretlint/secretlint-rule-basicauth';
const SLACK = '@secretlint/secretlint-rule-slack';
const SENDGRID = '@secretlint/secretlint-rule-sendgrid';
const SHOPIFY = '@secretlint/secretlint-rule-shopify';
const GITHUB = '@secretlint/secretlint-rule-github';
const OPENAI = '@secretlint/secretlint-rule-openai';
const ANTHROPIC = '@secretlint/secretlint-rule-anthropic';
const LINEAR = '@secretlint/secretlint-rule-linear';
const ONE_PASSWORD = '@secretlint/secretlint-rule-1password';
const DATABASE = '@secretlint/secretlint-rule-database-connection-string';

const dbConnection = (engine: string): MessageInfo => ({
  title: is(`${engine} connection string with a password`),
  severity: is('high'),
  confidence: is('medium'),
  remediation: 'Change this password on the database server, then take it out of the URL and supply it from the environment or a secret manager.',
  secretProp: 'URI',
  trimEnd: /["'`),;\]}>]+$/,
  specificity: 1,
});

const token = (title: string, where: string, secretProp?: string): MessageInfo => ({
  title: is(title),
  severity: is('high'),
  confidence: is('high'),
  remediation: revokeAt(where),
  ...(secretProp ? { secretProp } : {}),
  specificity: 2,
});

const CATALOGUE: ReadonlyMap<string, MessageInfo> = new Map<string, MessageInfo>([
  [
    `${AWS}#AWSSecretAccessKey`,
    {
      title: is('AWS secret access key'),
      severity: is('critical'),
      confidence: is('high'),
      remediation:
        'Deactivate and delete this access key in IAM, create a new one only if it is still needed, and check CloudTrail for calls made with it. Give workloads an IAM role instead of stored keys.',
      secretProp: 'KEY',
      specificity: 2,
    },
  ],
  [
    // An access key id alone grants nothing, but its secret is rarely far away.
    `${AWS}#AWSAccessKeyID`,
    {
      title: is('AWS access key ID'),
      severity: is('high'),
      confidence: is('high'),
      remediation:
        'Find the secret access key that goes with this id (it is usually near); deactivate the key pair in IAM and check CloudTrail for its use. Give workloads an IAM role instead of stored keys.',
      secretProp: 'ID',
      specificity: 2,
    },
  ],
  [
    `${GCP}#PrivateKeyJSON`,
    {
      title: is('Google Cloud service account key file'),
      severity: is('critical'),
      confidence: is('high'),
      remediation:
        'Delete this key in the Google Cloud console (IAM → Service accounts → Keys), create a new one only if it is still needed, and prefer workload identity to key files.',
      // The rule reports the whole file; the secret is its private_key.
      locate: (text, start, end) => {
        const m = /"private_key"\s*:\s*"((?:[^"\\\n]|\\.)*)"/d.exec(text.slice(start, end));
        const span = m?.indices?.[1];
        return span ? [start + span[0], start + span[1]] : undefined;
      },
      specificity: 3,
    },
  ],
  [
    // Reported only for a .p12 file read from disk; vigil hands secretlint text, so this stays silent.
    `${GCP}#PrivateKeyP12`,
    {
      title: is('Google Cloud service account key file (.p12)'),
      severity: is('critical'),
      confidence: is('high'),
      remediation: 'Delete this key in the Google Cloud console (IAM → Service accounts → Keys), create a new one only if it is still needed, and prefer workload identity to key files.',
      specificity: 3,
    },
  ],
  [
    `${PRIVATE_KEY}#PrivateKey`,
    {
      title: is('Private key'),
      severity: is('critical'),
      confidence: is('high'),
      remediation: PRIVATE_KEY_REMEDIATION,
      secretProp: 'KEY',
      specificity: 1,
    },
  ],
  [
    `${COMPACT_KEY_RULE_ID}#CompactPrivateKey`,
    { title: is('Private key'), severity: is('critical'), confidence: is('high'), remediation: PRIVATE_KEY_REMEDIATION, specificity: 1 },
  ],
  [`${NPM}#PackageJSON_xOauthToken`, token('GitHub token in a git URL (x-oauth-basic)', 'GitHub (Settings → Developer settings)', 'TOKEN')],
  [`${NPM}#Npmrc_authToken`, token('npm auth token in .npmrc', 'npm (Access Tokens), and refer to it in .npmrc as ${NPM_TOKEN}', 'TOKEN')],
  [`${NPM}#NPM_ACCESS_TOKEN`, token('npm access token', 'npm (Access Tokens)', 'TOKEN')],
  [
    `${BASIC_AUTH}#BasicAuth`,
    {
      title: is('Credentials in a URL (basic auth)'),
      severity: is('high'),
      confidence: is('medium'),
      remediation: 'Change this password on the server it belongs to, then take the credentials out of the URL and supply them from the environment or a secret manager.',
      secretProp: 'CREDENTIAL',
      specificity: 1,
    },
  ],
  [`${SLACK}#SLACK_TOKEN`, token('Slack token', "the Slack app's settings (OAuth & Permissions)", 'TOKEN')],
  [`${SLACK}#IncomingWebhook`, token('Slack incoming webhook URL', "the Slack app's Incoming Webhooks settings (anyone with the URL can post)", 'URL')],
  [`${SENDGRID}#SENDGRID_KEY`, token('SendGrid API key', 'SendGrid (Settings → API Keys)', 'KEY')],
  [`${SHOPIFY}#SHOPIFY_KEY`, token('Shopify access token or app secret', "the Shopify app's settings", 'KEY')],
  [
    `${GITHUB}#GITHUB_TOKEN`,
    {
      ...token('GitHub token', "GitHub (Settings → Developer settings, or the organisation's token list), then review the audit log", 'KEY'),
      title: (d) => (str(d.typeName) ? `GitHub token (${str(d.typeName)})` : 'GitHub token'),
    },
  ],
  [`${OPENAI}#OPENAI_TOKEN`, token('OpenAI API key', 'the OpenAI platform (API keys)', 'TOKEN')],
  [`${ANTHROPIC}#ANTHROPIC_API_KEY`, token('Anthropic API key', 'the Anthropic Console (API keys)', 'KEY')],
  [`${LINEAR}#LINEAR_API_TOKEN`, token('Linear API key', 'Linear (Settings → API)', 'ID')],
  [
    // It opens every vault the service account can read.
    `${ONE_PASSWORD}#OPS_TOKEN`,
    { ...token('1Password service account token', '1Password (Developer → Service Accounts), and rotate the items its vaults hold', 'TOKEN'), severity: is('critical') },
  ],
  [`${DATABASE}#MongoDBConnection`, dbConnection('MongoDB')],
  [`${DATABASE}#MySQLConnection`, dbConnection('MySQL')],
  [`${DATABASE}#PostgreSQLConnection`, dbConnection('PostgreSQL')],
  [
    `${SUPABASE_RULE_ID}#ServiceRoleJwt`,
    {
      title: is('Supabase service_role key (JWT)'),
      severity: is('critical'),
      // service_role is Supabase's claim; another issuer using it is less certain.
      confidence: (d) => (d.ISSUER === 'supabase' ? 'high' : 'medium'),
      remediation:
        'This key bypasses Row Level Security. Roll the project JWT secret in the Supabase dashboard (or move to the new secret keys and disable the legacy ones), and keep service-role keys on the server only.',
      specificity: 2,
    },
  ],
  [
    `${SUPABASE_RULE_ID}#SecretKey`,
    {
      title: is('Supabase secret API key'),
      severity: is('critical'),
      confidence: is('high'),
      remediation:
        'This key bypasses Row Level Security. Delete it in the Supabase dashboard (Project Settings → API Keys) and create a new one; keep secret keys on the server only.',
      specificity: 2,
    },
  ],
  [
    `${STRIPE_RULE_ID}#StripeKey`,
    {
      title: (d) => `Stripe ${d.KIND === 'rk' ? 'restricted' : 'secret'} key (${d.MODE === 'live' ? 'live' : 'test'} mode)`,
      // A test-mode key reaches test data only; a live one moves money.
      severity: (d) => (d.MODE === 'live' ? 'critical' : 'medium'),
      confidence: is('high'),
      remediation: 'Roll the key in the Stripe dashboard (Developers → API keys), review recent API requests, and prefer restricted keys with the fewest permissions.',
      specificity: 2,
    },
  ],
  [`${GITLAB_RULE_ID}#GitLabToken`, token('GitLab token', 'GitLab (Access tokens of the user, group or project), then review the audit events')],
  [`${DISCORD_RULE_ID}#DiscordWebhook`, token('Discord webhook URL', "the channel's Integrations settings (anyone with the URL can post)")],
  [
    `${AZURE_RULE_ID}#AzureSharedKey`,
    {
      title: (d) => (d.KIND === 'SharedAccessKey' ? 'Azure Service Bus / Event Hubs shared access key' : 'Azure storage account key'),
      severity: is('critical'),
      confidence: is('high'),
      remediation: 'Rotate the key in the Azure portal (Access keys / Shared access policies), then move to Microsoft Entra ID authentication or a Key Vault reference.',
      specificity: 2,
    },
  ],
  [
    `${HIGH_ENTROPY_RULE_ID}#HighEntropySecret`,
    {
      title: (d) => (str(d.NAME) ? `High-entropy string assigned to ${JSON.stringify(str(d.NAME))}` : 'High-entropy string assigned to a secret-like name'),
      severity: is('medium'),
      confidence: (d) => (d.CONFIDENCE === 'low' ? 'low' : 'medium'),
      remediation: `${ROTATE} If it is not a secret (a test fixture, a public id), add a \`secretlint-disable-line ${HIGH_ENTROPY_RULE_ID}\` comment or a suppression with the reason.`,
      specificity: 0,
    },
  ],
]);

/** The catalogue's entry, or a generic one for a message a newer preset added: it is still a secret, and still redacted. */
export function messageInfo(ruleId: string, messageId: string): MessageInfo {
  return (
    CATALOGUE.get(`${ruleId}#${messageId}`) ?? {
      title: is(`Secret (${ruleId.replace(/^@secretlint\/secretlint-rule-/, '')}: ${messageId})`),
      severity: is('high'),
      confidence: is('medium'),
      remediation: ROTATE,
      specificity: 1,
    }
  );
}

/** The (rule, message) pairs the catalogue maps, for documentation and tests. */
export function cataloguedMessages(): string[] {
  return [...CATALOGUE.keys()];
}
