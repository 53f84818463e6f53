import path from 'node:path';
import type { TargetConfig, VigilConfig } from '../config/types.js';
import { suggest } from '../config/suggest.js';
import { VigilError } from '../errors.js';

/**
 * A target as personalDataTargets reads it. `systems` is the proposed per-target key (not in the
 * config schema yet): the data-map systems (fides_key) the target is part of.
 */
export type LinkedTarget = TargetConfig & { systems?: readonly string[] };

/**
 * Target name → the data categories processed by the data-map systems linked to it, for tagsFor's
 * `personal-data` tag. The data maps are those of the config's `datamap` targets (their
 * privacy_declarations' data_categories, per system). Links come from each target's `systems`,
 * from the datamap options' `cookies` (a site target → the system whose site it is), and from
 * `extra` (target → systems). A link to a system no data map defines is a config error: a silent
 * miss would keep a breach's legal clocks from starting.
 */
export async function personalDataTargets(
  config: Pick<VigilConfig, 'file' | 'targets'> & { targets: readonly LinkedTarget[] },
  baseDir: string,
  extra: Readonly<Record<string, readonly string[]>> = {},
): Promise<Map<string, Set<string>>> {
  const links = new Map<string, Set<string>>();
  const link = (target: string, system: string) => {
    const set = links.get(target) ?? new Set<string>();
    set.add(system);
    links.set(target, set);
  };
  for (const t of config.targets) for (const s of t.systems ?? []) link(t.name, s);
  const datamapTargets = config.targets.filter((t) => t.kind === 'path' && t.scanners['datamap'] !== undefined);
  for (const t of datamapTargets) {
    const cookies = t.scanners['datamap']?.['cookies'];
    if (cookies && typeof cookies === 'object') for (const [site, system] of Object.entries(cookies)) if (typeof system === 'string') link(site, system);
  }
  for (const [target, systems] of Object.entries(extra)) for (const s of systems) link(target, s);
  if (!links.size) return new Map();

  // only read data maps when something links to them; the loader lives with the datamap scanner
  const { loadDataMap } = await import('../../scanners/datamap/fides.js');
  const categories = new Map<string, Set<string>>();
  for (const t of datamapTargets) {
    const map = await loadDataMap([path.resolve(baseDir, t.location)]);
    for (const system of map.systems) {
      const set = categories.get(system.fides_key) ?? new Set<string>();
      for (const d of system.privacy_declarations) for (const c of d.data_categories) set.add(c);
      categories.set(system.fides_key, set);
    }
  }

  const known = [...categories.keys()].sort();
  const out = new Map<string, Set<string>>();
  for (const [target, systems] of links) {
    const set = new Set<string>();
    for (const s of systems) {
      const cats = categories.get(s);
      if (!cats) {
        const where = datamapTargets.length ? `no data map of a datamap target (${datamapTargets.map((t) => t.name).join(', ')}) defines it` : 'the config has no datamap target to read systems from';
        throw new VigilError('VIGIL_ERR_CONFIG_INVALID', `target "${target}" is linked to data map system "${s}", but ${where}${suggest(s, known)}`, { file: config.file });
      }
      for (const c of cats) set.add(c);
    }
    out.set(target, set);
  }
  return out;
}
