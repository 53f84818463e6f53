/**
 * RFC 3339 date-times as OSV writes them (`modified`, `published`, `withdrawn`), turned into one
 * comparable form: UTC, nine fractional digits. OSV timestamps carry microseconds
 * (`2024-02-16T08:16:51.498312Z`), finer than Date's milliseconds, so they are compared as text.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/** `s` as `YYYY-MM-DDTHH:MM:SS.fffffffffZ` in UTC, or undefined when it is not an RFC 3339 date-time. */
export function normaliseTimestamp(s: string): string | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  // 60 is a leap second, which RFC 3339 allows; Date rolls it into the next minute.
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return undefined;
  const d = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0-99 to 1900-1999.
  d.setUTCFullYear(year, month - 1, day);
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined;
  d.setUTCHours(hour, minute, second, 0);
  if (m[8]) {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 23 || om > 59) return undefined;
    const sign = m[8] === '+' ? 1 : -1;
    d.setTime(d.getTime() - sign * (oh * 60 + om) * 60_000);
  }
  const iso = d.toISOString();
  // Shifting by the offset can leave the four-digit years (toISOString then writes ±YYYYYY).
  if (iso.length !== 24) return undefined;
  const fraction = (m[7] ?? '').slice(0, 9).padEnd(9, '0');
  return `${iso.slice(0, 19)}.${fraction}Z`;
}
