/**
 * Formats with a fixed, documented shape that secretlint's recommended preset (v11) does not cover:
 * Stripe secret and restricted keys, GitLab tokens, Discord webhook URLs, Azure shared keys, and
 * the short PEM private keys its privatekey rule does not recognise. One rule each, so each can be
 * disabled, and named in a `secretlint-disable` comment, on its own.
 */
import type { SecretLintRuleCreator } from '@secretlint/types';
import { isPlaceholder } from '../entropy.js';
import { secretDigest } from '../redact.js';

interface FormatSpec {
  id: string;
  messageId: string;
  message: string;
  /** Global, with indices (`dg`); the secret is the `secret` group when there is one, else the whole match. */
  pattern: RegExp;
  /** The part that must not be a placeholder (`xxxx…`, `FAKEFAKE…`). */
  body: (m: RegExpMatchArray) => string;
  /** A check the pattern cannot express. */
  accept?: (m: RegExpMatchArray) => boolean;
  data?: (m: RegExpMatchArray) => Record<string, string>;
  /** SHA-256 of values published as examples or emulator defaults: not secrets. Hashes, so the source holds no key. */
  publicValues?: ReadonlySet<string>;
}

function formatRule(spec: FormatSpec): SecretLintRuleCreator {
  const messages = { [spec.messageId]: { en: (_data?: Record<string, string>) => spec.message } };
  return {
    messages,
    meta: { id: spec.id, recommended: true, type: 'scanner', supportedContentTypes: ['text'] },
    create(context) {
      const t = context.createTranslator(messages);
      return {
        file(source) {
          for (const m of source.content.matchAll(spec.pattern)) {
            const span = m.indices?.groups?.secret ?? m.indices?.[0];
            if (!span) continue;
            const secret = source.content.slice(span[0], span[1]);
            if ((spec.accept && !spec.accept(m)) || isPlaceholder(spec.body(m)) || spec.publicValues?.has(secretDigest(secret))) continue;
            context.report({ message: t(spec.messageId, spec.data?.(m) ?? {}), range: [span[0], span[1]] });
          }
        },
      };
    },
  };
}

export const STRIPE_RULE_ID = 'vigil/stripe-secret-key';
export const GITLAB_RULE_ID = 'vigil/gitlab-token';
export const DISCORD_RULE_ID = 'vigil/discord-webhook';
export const AZURE_RULE_ID = 'vigil/azure-shared-key';
export const COMPACT_KEY_RULE_ID = 'vigil/compact-private-key';

/** `sk_live_…` secret keys and `rk_live_…` restricted keys; `_test_` keys reach test-mode data only. */
export const stripeRule = formatRule({
  id: STRIPE_RULE_ID,
  messageId: 'StripeKey',
  message: 'found a Stripe secret or restricted API key',
  pattern: /(?<![A-Za-z0-9_])(?<kind>sk|rk)_(?<mode>live|test)_(?<body>[A-Za-z0-9]{20,247})(?![A-Za-z0-9])/dg,
  body: (m) => m.groups!.body!,
  data: (m) => ({ KIND: m.groups!.kind!, MODE: m.groups!.mode! }),
});

/** Personal/project/group access (`glpat-`), deploy (`gldt-`), runner (`glrt-`) and pipeline-trigger (`glptt-`) tokens. */
export const gitlabRule = formatRule({
  id: GITLAB_RULE_ID,
  messageId: 'GitLabToken',
  message: 'found a GitLab token',
  pattern: /(?<![A-Za-z0-9_-])(?<kind>glpat|gldt|glrt|glptt)-(?<body>[A-Za-z0-9_-][A-Za-z0-9_.-]{18,78}[A-Za-z0-9_-])(?![A-Za-z0-9_-])/dg,
  body: (m) => m.groups!.body!,
  data: (m) => ({ KIND: m.groups!.kind! }),
});

/** Anyone holding the URL can post to the channel as the webhook. */
export const discordRule = formatRule({
  id: DISCORD_RULE_ID,
  messageId: 'DiscordWebhook',
  message: 'found a Discord webhook URL',
  pattern: /https:\/\/(?:(?:ptb|canary)\.)?discord(?:app)?\.com\/api\/webhooks\/[0-9]{17,20}\/(?<body>[A-Za-z0-9_-]{60,80})(?![A-Za-z0-9_-])/dg,
  body: (m) => m.groups!.body!,
});

/** Storage account keys (`AccountKey=`, 64 bytes) and Service Bus / Event Hubs keys (`SharedAccessKey=`, 32 bytes) in connection strings. */
export const azureRule = formatRule({
  id: AZURE_RULE_ID,
  messageId: 'AzureSharedKey',
  message: 'found an Azure shared key in a connection string',
  pattern: /(?<![A-Za-z])(?<kind>AccountKey|SharedAccessKey)=(?<secret>[A-Za-z0-9+/]{86}==|[A-Za-z0-9+/]{43}=)(?![A-Za-z0-9+/=])/dg,
  body: (m) => m.groups!.secret!,
  data: (m) => ({ KIND: m.groups!.kind! }),
  // Azurite's well-known development account key, published in Microsoft's documentation.
  publicValues: new Set(['0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059']),
});

/** A PEM body without its line breaks (real ones, or `\n` escapes inside a JSON string). */
const pemBody = (m: RegExpMatchArray) => m.groups!.body!.replace(/\\[nr]|\s/g, '');

/**
 * PEM private keys of under 128 bytes of DER: Ed25519, X25519 and Ed448 keys (PKCS#8) and P-256 EC
 * keys (SEC1, `BEGIN EC PRIVATE KEY`). Their base64 starts `M` and A-H (a DER SEQUENCE with a
 * one-byte length); secretlint's privatekey rule wants `MI` (a longer one) and 100 characters, and
 * so misses them all. Longer keys stay the preset's.
 */
export const compactPrivateKeyRule = formatRule({
  id: COMPACT_KEY_RULE_ID,
  messageId: 'CompactPrivateKey',
  message: 'found a private key',
  pattern: /-----BEGIN (?<label>(?:[A-Z0-9]+ )?PRIVATE KEY)-----(?<body>[A-Za-z0-9+/=\s\\]{40,400})-----END \k<label>-----/dg,
  body: pemBody,
  accept: (m) => /^M[A-H][A-Za-z0-9+/]{38,}={0,2}$/.test(pemBody(m)),
});

export const FORMAT_RULES: readonly SecretLintRuleCreator[] = [stripeRule, gitlabRule, discordRule, azureRule, compactPrivateKeyRule];
