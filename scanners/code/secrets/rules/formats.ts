/**
 * Token formats with a fixed, documented shape that secretlint's recommended preset (v11) does not
 * cover: Stripe secret and restricted keys, GitLab tokens, Discord webhook URLs, Azure shared keys.
 * One rule each, so each can be disabled, and named in a `secretlint-disable` comment, on its own.
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
            if (isPlaceholder(spec.body(m)) || spec.publicValues?.has(secretDigest(secret))) continue;
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

export const FORMAT_RULES: readonly SecretLintRuleCreator[] = [stripeRule, gitlabRule, discordRule, azureRule];
