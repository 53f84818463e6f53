/** What a scan points at. `kind` says how `location` is read. */
export const TARGET_KINDS = ['path', 'url', 'host', 'database'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export interface Target {
  /** Unique name within a config; findings are keyed by target name and fingerprint. */
  name: string;
  kind: TargetKind;
  /** A filesystem path, a URL, `host[:port]` or a database URL, by kind. */
  location: string;
  /** Allows intrusive checks (active web scans) on this target. */
  active?: boolean;
}
