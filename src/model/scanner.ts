import type { Finding } from './finding.js';
import type { PartArtifact, PartReport } from './run.js';
import type { Target } from './target.js';
import type { Logger } from '../util/logger.js';

/** What the user asked of a scanner for one target (from the config or CLI flags). */
export type ScanOptions = Readonly<Record<string, unknown>>;

/** Offline advisories by package, as the ledger's advisory store answers them (see src/advisories). */
export interface AdvisoryLookup {
  /** Advisories (OSV JSON objects) for each `ecosystem\u0000name` key asked for. */
  forPackages(keys: { ecosystem: string; name: string }[]): Promise<Map<string, unknown[]>>;
  /**
   * The same answer with each advisory as JSON text, when the store can give it unparsed: the
   * runner passes that to a scanner on another thread, cheaper than cloning the objects.
   */
  forPackagesJson?(keys: { ecosystem: string; name: string }[]): Promise<Map<string, string[]>>;
}

/** The ledger's findings (not fixed) of one scanner on one target, newest state of each. */
export type PriorFindings = (q: { scanner: string; target: string }) => Promise<(Finding & { status?: string })[]>;

/** What is injected into a scanner: nothing here is the user's choice. */
export interface ScanContext {
  /** Aborted on timeout or shutdown; scanners stop promptly when it fires. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** Short progress notes ("12/40 files"); shown on a TTY only. */
  progress(note: string): void;
  /**
   * A lasting note on this part of the run — a rule that could not be evaluated, files that did not
   * parse — kept with the run and shown in every report, so nothing is skipped silently.
   */
  note?(message: string): void;
  /** The scanner's summary of the target, kept with this part of the run (the last one given wins). */
  report?(report: PartReport): void;
  /** A file to keep with this part of the run (the deps scanner's SBOM); the last one of each kind wins. */
  artifact?(artifact: PartArtifact): void;
  /** The folder relative paths in options and targets are resolved against (the config's folder). */
  readonly baseDir: string;
  readonly options: ScanOptions;
  /** The advisory store, for scanners that match components against advisories. */
  readonly advisories?: AdvisoryLookup;
  /**
   * What the ledger holds for another scanner on another target (findings not fixed), when the
   * run has a ledger: the datamap scanner reads the cookies the web scanner recorded this way.
   */
  readonly priorFindings?: PriorFindings;
}

/** Every scanner implements this; scanners/index.ts maps ids to factories. */
export interface Scanner {
  readonly id: string;
  /** Bump when the meaning of its findings changes. */
  readonly version: number;
  run(target: Target, ctx: ScanContext): AsyncIterable<Finding>;
}

/** Builds a scanner; a promise when the scanner's module is loaded on first use. */
export type ScannerFactory = () => Scanner | Promise<Scanner>;
