import { DURATION_PATTERN } from './schema.js';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600 };
const DURATION = new RegExp(DURATION_PATTERN);

/** Seconds in a config duration: a number of seconds, or "90s", "10m", "1h"; undefined when malformed. */
export function durationSeconds(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (!DURATION.test(value)) return undefined;
  const unit = value.slice(-1);
  return Number(value.slice(0, -1)) * UNIT_SECONDS[unit]!;
}
