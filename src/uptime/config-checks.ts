import { formatConfigPath, type Report } from '../config/problem.js';

/**
 * What the schema cannot say of the `uptime:` section: probe names are unique (findings, the
 * ledger's results and the dashboard key on them). Called from src/config/checks.ts crossCheck.
 */
export function checkUptime(section: unknown, report: Report): void {
  if (section === null || typeof section !== 'object' || Array.isArray(section)) return;
  const probes = (section as { probes?: unknown }).probes;
  if (!Array.isArray(probes)) return;
  const first = new Map<string, number>();
  probes.forEach((p: unknown, i) => {
    if (p === null || typeof p !== 'object') return;
    const name = (p as { name?: unknown }).name;
    if (typeof name !== 'string') return;
    const at = first.get(name);
    if (at !== undefined) report(['uptime', 'probes', i, 'name'], `"${name}" is already the name of ${formatConfigPath(['uptime', 'probes', at])}; probe names must be unique`);
    else first.set(name, i);
  });
}
