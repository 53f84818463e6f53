/** What a scan points at. `kind` says how `location` is read. */
/** `tls` is a host read as one: `host[:port]` whose default port is 443, for the tls scanner. */
export const TARGET_KINDS = ['path', 'url', 'host', 'database', 'tls'] as const;
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
