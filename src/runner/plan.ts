import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { TargetConfig, VigilConfig } from '../config/types.js';
import { VigilError } from '../errors.js';
import type { Target, TargetKind } from '../model/target.js';
import type { PlanItem } from './runner.js';

/** A config target as the model's Target. */
export function toTarget(t: TargetConfig): Target {
  return { name: t.name, kind: t.kind, location: t.location, active: t.active };
}

/**
 * Targets × scanners from the config, optionally narrowed to some targets and scanners.
 * Unknown names are usage errors, not silently empty runs.
 */
export function planFromConfig(config: VigilConfig, only: { targets?: readonly string[]; scanners?: readonly string[] } = {}): PlanItem[] {
  const names = new Set(config.targets.map((t) => t.name));
  for (const n of only.targets ?? []) {
    if (!names.has(n)) {
      throw new VigilError('VIGIL_ERR_TARGET_UNKNOWN', `no target "${n}" in ${config.file}; targets: ${[...names].join(', ') || '(none)'}`);
    }
  }
  const plan: PlanItem[] = [];
  for (const t of config.targets) {
    if (only.targets && !only.targets.includes(t.name)) continue;
    for (const [scanner, options] of Object.entries(t.scanners)) {
      if (only.scanners && !only.scanners.includes(scanner)) continue;
      const skip = config.leftOut?.get(`${scanner}\u0000${t.name}`);
      plan.push({ target: toTarget(t), scanner, options, ...(skip !== undefined ? { skip } : {}) });
    }
  }
  return plan;
}

/**
 * A target from a command-line argument: a URL, a postgres:// URL, `host:port`, or a path.
 * Paths are named relative to the working folder so the same invocation keeps the same ledger identity.
 */
export function targetFromArg(arg: string, cwd: string = process.cwd()): Target {
  let kind: TargetKind;
  let location = arg;
  let name = arg;
  if (/^https?:\/\//i.test(arg)) {
    kind = 'url';
    // the name is printed and stored: a password in the URL stays in its location only
    name = withoutPassword(arg);
  } else if (/^postgres(ql)?:\/\//i.test(arg)) {
    kind = 'database';
    name = withoutPassword(arg);
  } else if (existsSync(resolve(cwd, arg))) {
    kind = 'path';
    location = resolve(cwd, arg);
    name = relative(cwd, location).replace(/\\/g, '/') || '.';
  } else if (/^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(:\d{1,5})?$/i.test(arg)) kind = 'host';
  else {
    throw new VigilError('VIGIL_ERR_INPUT_NOT_FOUND', 'not a file or folder, a URL, or host[:port]', { file: arg });
  }
  return { name, kind, location };
}

/** `scheme://user:secret@host…` → `scheme://user@host…`; linear: each class excludes the delimiter after it. */
function withoutPassword(url: string): string {
  return url.replace(/:\/\/([^:@/]+):[^@/]*@/, '://$1@');
}
