/**
 * `vigil/supabase-service-role-key`: Supabase keys that bypass Row Level Security. The preset has no
 * Supabase rule, and a JWT alone says nothing: only its `role` claim tells the public `anon` key
 * (meant for browsers) from the `service_role` key (full access).
 */
import type { SecretLintRuleCreator } from '@secretlint/types';
import { isPlaceholder } from '../entropy.js';
import { decodeJwt } from '../jwt.js';

export const SUPABASE_RULE_ID = 'vigil/supabase-service-role-key';

/** Bounded so a long base64url run costs a bounded amount per `eyJ` it holds. */
const JWT_IN_TEXT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,2048}\.eyJ[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{16,1024}(?![A-Za-z0-9_.-])/g;
/** The newer secret keys: `sb_secret_` and base62 with `_`/`-` (the dashboard shows 31 characters after the prefix). */
const SB_SECRET = /(?<![A-Za-z0-9_-])sb_secret_([A-Za-z0-9_-]{20,128})(?![A-Za-z0-9_-])/g;

const messages = {
  ServiceRoleJwt: { en: (_data?: { ISSUER: string }) => 'found a Supabase service_role key (JWT)' },
  SecretKey: { en: (_data?: Record<string, never>) => 'found a Supabase secret API key (sb_secret_…)' },
};

export const supabaseRule: SecretLintRuleCreator = {
  messages,
  meta: { id: SUPABASE_RULE_ID, recommended: true, type: 'scanner', supportedContentTypes: ['text'] },
  create(context) {
    const t = context.createTranslator(messages);
    return {
      file(source) {
        const text = source.content;
        for (const m of text.matchAll(JWT_IN_TEXT)) {
          const jwt = decodeJwt(m[0]);
          if (jwt?.payload.role !== 'service_role') continue;
          const issuer = jwt.payload.iss === 'supabase' ? 'supabase' : 'other';
          context.report({ message: t('ServiceRoleJwt', { ISSUER: issuer }), range: [m.index, m.index + m[0].length] });
        }
        for (const m of text.matchAll(SB_SECRET)) {
          if (isPlaceholder(m[1]!)) continue;
          context.report({ message: t('SecretKey', {}), range: [m.index, m.index + m[0].length] });
        }
      },
    };
  },
};
