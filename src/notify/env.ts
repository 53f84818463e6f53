import { DeliveryError } from './channel.js';

const REF = /\$\{([A-Za-z_][A-Za-z0-9_]{0,127})\}/g;

/**
 * `${NAME}` references replaced by the environment's values. A missing or empty variable is a
 * delivery error that names the variable (never a value), so the alert waits in the outbox
 * until the environment is fixed.
 */
export function expandEnv(template: string, env: NodeJS.ProcessEnv, what: string): string {
  const missing: string[] = [];
  const out = template.replace(REF, (_m, name: string) => {
    const v = env[name];
    if (v === undefined || v === '') missing.push(name);
    return v ?? '';
  });
  if (missing.length) {
    throw new DeliveryError(`${what}: environment variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not set`, { retryable: false });
  }
  return out;
}
