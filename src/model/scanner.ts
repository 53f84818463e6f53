import type { Finding } from './finding.js';
import type { Target } from './target.js';
import type { Logger } from '../util/logger.js';

/** What the user asked of a scanner for one target (from the config or CLI flags). */
export type ScanOptions = Readonly<Record<string, unknown>>;

/** What is injected into a scanner: nothing here is the user's choice. */
export interface ScanContext {
  /** Aborted on timeout or shutdown; scanners stop promptly when it fires. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** Short progress notes ("12/40 files"); shown on a TTY only. */
  progress(note: string): void;
  /** The folder relative paths in options and targets are resolved against (the config's folder). */
  readonly baseDir: string;
  readonly options: ScanOptions;
}

/** Every scanner implements this; scanners/index.ts maps ids to factories. */
export interface Scanner {
  readonly id: string;
  /** Bump when the meaning of its findings changes. */
  readonly version: number;
  run(target: Target, ctx: ScanContext): AsyncIterable<Finding>;
}

export type ScannerFactory = () => Scanner;
