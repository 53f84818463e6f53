/**
 * Files kept with each run (migration 0007): the run's own findings as it reported them (kind
 * `results`, JSON Lines) and the files its parts made (kind `sbom`: the CycloneDX SBOM a deps part
 * matched). Each is written by `ingest` in the run's own transaction, gzip-compressed on the thread
 * pool while the ingest goes on, and the SHA-256 of what is stored goes into the run's `run.finished`
 * event, so the chain vouches for what a report of the run is made from. Read back, it is checked
 * against that digest before anything is sent, then decompressed as it is sent.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { createGunzip, gzip, type ZlibOptions } from 'node:zlib';
import type { Kysely } from 'kysely';
import { VigilError } from '../errors.js';
import type { ReportedFinding } from '../model/report.js';
import type { PartArtifactKind, RunArtifact } from '../model/run.js';
import type { LedgerDatabase } from './schema.js';

type Db = Kysely<LedgerDatabase>;

/** The kind of the run's own findings. */
export const RESULTS_KIND = 'results';
/** One finding a line, each a JSON object: what `results` holds. */
export const RESULTS_MEDIA_TYPE = 'application/x-ndjson';

export type RunArtifactKind = typeof RESULTS_KIND | PartArtifactKind;

/** A file kept with a run, without its content. */
export interface RunArtifactInfo {
  runId: string;
  kind: RunArtifactKind;
  /** The target whose part made it; `''` for the whole run (`results`). */
  target: string;
  /** The file's name when saved. */
  name: string;
  mediaType: string;
  /** SHA-256 (hex) of the stored, compressed bytes (what the run's event records). */
  sha256: string;
  /** Bytes of the content, decompressed. */
  size: number;
  createdAt: string;
}

/** The files kept with runs, as `Ledger.artifacts` offers them. */
export interface RunArtifactStore {
  /** The files kept with a run, by kind then target (none for a run recorded before vigil kept them). */
  list(runId: string): Promise<RunArtifactInfo[]>;
  /**
   * One file, its content decompressed as it is read. The stored bytes are first held to the digest
   * the run's event recorded: VIGIL_ERR_LEDGER_TAMPERED when they differ. Undefined when the run
   * kept no such file.
   */
  open(runId: string, kind: RunArtifactKind, target: string): Promise<{ info: RunArtifactInfo; content: Readable } | undefined>;
  /** The run's findings as it reported them (ledger id and status as of the run), or undefined when it kept none. */
  results(runId: string): Promise<ReportedFinding[] | undefined>;
}

/** What the chain records of each file kept with a run (in its `run.finished` event). */
export interface ArtifactDigest {
  kind: string;
  target: string;
  sha256: string;
  size: number;
}

/** A file ready to be inserted: compressed, digested. */
export interface PreparedArtifact extends ArtifactDigest {
  name: string;
  mediaType: string;
  content: Buffer;
}

/**
 * gzip level 1: results are re-read rarely and compress ~10× at any level; 1 keeps a million
 * findings' text cheap to compress. Pieces of ~1 MB each become a gzip member of their own (a
 * gzip file may hold several; every reader, Node's included, reads them as one stream), so each is
 * compressed on the thread pool while the ingest goes on, and never blocks it.
 */
// an output buffer the size of a piece's usual output: one round trip to the thread pool a piece, not a dozen
const GZIP: ZlibOptions = { level: 1, chunkSize: 256 * 1024 };
const PIECE_BYTES = 1 << 20;
/** A piece's buffer: a piece is cut once it holds PIECE_BYTES, or when the next text would not fit. */
const BUFFER_BYTES = PIECE_BYTES + (PIECE_BYTES >> 2);
/** Pieces compressing at once before the writer waits for the oldest: bounds the text held meanwhile. */
const IN_FLIGHT = 8;

const EMPTY: Buffer = Buffer.alloc(0);

function gzipAsync(buf: Buffer): Promise<Buffer> {
  // a piece's output may be a view of a larger output buffer: kept until the end, it is copied to its size
  return new Promise((resolve, reject) => gzip(buf, GZIP, (e, out) => (e ? reject(e) : resolve(out.byteLength * 2 < out.buffer.byteLength ? Buffer.from(out) : out))));
}

/**
 * Text compressed in pieces on the thread pool as it is written. Text is encoded straight into the
 * piece's buffer (no joined string, no copy). `write` is synchronous and says when the caller
 * should `await flush()`, which waits only while too many pieces are still compressing.
 */
export class PiecewiseGzip {
  private buf: Buffer = EMPTY;
  private used = 0;
  private size = 0;
  private readonly pieces: Promise<Buffer>[] = [];
  private waited = 0;
  /** Buffers whose pieces are compressed, for the next pieces: a million findings' text allocates a dozen, not hundreds. */
  private readonly spare: Buffer[] = [];

  /** Add text; true when a piece is full and the caller should `await flush()`. */
  write(text: string): boolean {
    this.reserve(text.length * 3);
    this.used += this.buf.write(text, this.used, 'utf8');
    return this.used >= PIECE_BYTES;
  }

  /**
   * Add an object's JSON with more members spliced in before its closing brace: `members` starts
   * with `,` and ends with `}` (and whatever follows the object). `json` must end with `}`.
   */
  writeObjectWith(json: string, members: string): boolean {
    this.reserve((json.length + members.length) * 3);
    // over the closing brace, one byte in UTF-8
    this.used += this.buf.write(json, this.used, 'utf8') - 1;
    this.used += this.buf.write(members, this.used, 'utf8');
    return this.used >= PIECE_BYTES;
  }

  /** Send the text written so far to be compressed; waits while too many pieces are compressing. */
  async flush(): Promise<void> {
    this.cut();
    while (this.pieces.length - this.waited > IN_FLIGHT) await this.pieces[this.waited++];
  }

  /** Every piece compressed, in order: the stored bytes, their digest, and the size of the text. */
  async end(): Promise<{ content: Buffer; sha256: string; size: number }> {
    this.cut();
    // an empty text is still a gzip file (one empty member), so every kept file reads the same way
    if (this.pieces.length === 0) this.pieces.push(gzipAsync(Buffer.alloc(0)));
    const content = Buffer.concat(await Promise.all(this.pieces));
    // of the compressed bytes: a tenth of the text to hash, and checkable before a byte is sent
    return { content, sha256: sha256Hex(content), size: this.size };
  }

  /** Room for `bytes` more (UTF-8 takes at most 3 bytes per UTF-16 unit): the piece so far is sent first when it is short of it. */
  private reserve(bytes: number): void {
    if (this.used + bytes <= this.buf.length) return;
    this.cut();
    this.buf = bytes <= BUFFER_BYTES ? (this.spare.pop() ?? Buffer.allocUnsafe(BUFFER_BYTES)) : Buffer.allocUnsafe(bytes);
  }

  /** Start compressing the piece; its buffer is written again only once it is compressed. */
  private cut(): void {
    if (this.used === 0) return;
    const whole = this.buf;
    const piece = whole.subarray(0, this.used);
    this.buf = EMPTY;
    this.used = 0;
    this.size += piece.length;
    const p = gzipAsync(piece);
    // a failure is seen by `end`; until then it must not count as unhandled
    p.then(
      () => {
        if (whole.length === BUFFER_BYTES) this.spare.push(whole);
      },
      () => undefined,
    );
    this.pieces.push(p);
  }
}

/** A part's file, compressed off the main thread (started before the ingest's transaction, awaited inside). */
export async function prepareRunArtifact(a: RunArtifact): Promise<PreparedArtifact> {
  const buf = Buffer.from(a.content, 'utf8');
  const content = await gzipAsync(buf);
  return { kind: a.kind, target: a.target, name: fileNameOf(a.kind, a.target), mediaType: a.mediaType, sha256: sha256Hex(content), size: buf.length, content };
}

/**
 * The parts' files of a run, one per kind and target (a second one for the same pair replaces the
 * first, as the runner keeps one per part and kind), each being compressed.
 */
export function prepareRunArtifacts(artifacts: readonly RunArtifact[] | undefined): Promise<PreparedArtifact>[] {
  const byKey = new Map<string, RunArtifact>();
  for (const a of artifacts ?? []) byKey.set(`${a.kind}\u0000${a.target}`, a);
  return [...byKey.values()].map((a) => {
    const p = prepareRunArtifact(a);
    p.catch(() => undefined);
    return p;
  });
}

/**
 * What one finding's line in `results` adds to its stored JSON (the text of the findings row's
 * `data`, so the same redacted form): what the ledger said of it when the run was recorded, as
 * `vigil scan` annotates its report; then the line's end. For `PiecewiseGzip.writeObjectWith`.
 */
export function resultMembers(rec: { id: number; status: string; firstSeen: string; slaDue: string | null }): string {
  return `,"id":${rec.id},"status":${JSON.stringify(rec.status)},"firstSeen":${JSON.stringify(rec.firstSeen)},"slaDue":${rec.slaDue === null ? 'null' : JSON.stringify(rec.slaDue)}}\n`;
}

/** The results' row, from the compressed text. */
export function preparedResults(r: { content: Buffer; sha256: string; size: number }): PreparedArtifact {
  return { kind: RESULTS_KIND, target: '', name: fileNameOf(RESULTS_KIND, ''), mediaType: RESULTS_MEDIA_TYPE, ...r };
}

/** Insert a run's files inside the ingest's transaction. */
export async function insertRunArtifacts(trx: Db, runId: string, artifacts: readonly PreparedArtifact[], createdAt: string): Promise<void> {
  // one row at a time: a row may be a hundred megabytes, and each is one parameter
  for (const a of artifacts) {
    await trx
      .insertInto('run_artifacts')
      .values({ run_id: runId, kind: a.kind, target: a.target, name: a.name, media_type: a.mediaType, sha256: a.sha256, size: a.size, content: a.content, created_at: createdAt })
      .execute();
  }
}

/** The chain's record of the files: what `run.finished` carries. */
export function artifactDigests(artifacts: readonly PreparedArtifact[]): ArtifactDigest[] {
  return artifacts.map((a) => ({ kind: a.kind, target: a.target, sha256: a.sha256, size: a.size }));
}

/** `results.jsonl`, `<target>.cdx.json`: a name safe in any file system and header. */
function fileNameOf(kind: string, target: string): string {
  if (kind === RESULTS_KIND) return 'results.jsonl';
  const base = target.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 100) || 'target';
  return kind === 'sbom' ? `${base}.cdx.json` : `${base}.${kind}`;
}

/** The files kept with runs, over the ledger's database. */
export class KyselyRunArtifacts implements RunArtifactStore {
  constructor(private readonly db: Db) {}

  async list(runId: string): Promise<RunArtifactInfo[]> {
    const rows = await this.db
      .selectFrom('run_artifacts')
      .select(['run_id', 'kind', 'target', 'name', 'media_type', 'sha256', 'size', 'created_at'])
      .where('run_id', '=', runId)
      .orderBy('kind')
      .orderBy('target')
      .execute();
    return rows.map(toInfo);
  }

  async open(runId: string, kind: RunArtifactKind, target: string): Promise<{ info: RunArtifactInfo; content: Readable } | undefined> {
    const row = await this.db.selectFrom('run_artifacts').selectAll().where('run_id', '=', runId).where('kind', '=', kind).where('target', '=', target).executeTakeFirst();
    if (!row) return undefined;
    const info = toInfo(row);
    const stored = storedBytes(row.content);
    const mine = (await this.recorded(runId))?.find((d) => d.kind === kind && d.target === target);
    if (!keptAsChained({ sha256: row.sha256, size: row.size, content: stored }, mine)) {
      throw new VigilError(
        'VIGIL_ERR_LEDGER_TAMPERED',
        `the ${kind} file kept with run ${runId}${target ? ` for target ${target}` : ''} is not the one the run's event recorded: it was edited outside vigil. ` +
          'Run `vigil ledger verify`, and restore the ledger from a backup.',
      );
    }
    const gunzip = createGunzip();
    gunzip.end(stored);
    return { info, content: gunzip };
  }

  async results(runId: string): Promise<ReportedFinding[] | undefined> {
    const opened = await this.open(runId, RESULTS_KIND, '');
    if (!opened) return undefined;
    const out: ReportedFinding[] = [];
    let rest = '';
    // JSON.stringify escapes every newline inside a string: a raw one ends a line
    for await (const chunk of opened.content.setEncoding('utf8') as AsyncIterable<string>) {
      const text = rest + chunk;
      let at = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', at)) {
        if (nl > at) out.push(JSON.parse(text.slice(at, nl)) as ReportedFinding);
        at = nl + 1;
      }
      rest = text.slice(at);
    }
    if (rest.trim()) out.push(JSON.parse(rest) as ReportedFinding);
    return out;
  }

  /** What the run's `run.finished` event says of its files; undefined when the event is missing. */
  private async recorded(runId: string): Promise<ArtifactDigest[] | undefined> {
    const ev = await this.db.selectFrom('events').select('data').where('type', '=', 'run.finished').where('run_id', '=', runId).executeTakeFirst();
    if (!ev) return undefined;
    const d = JSON.parse(ev.data) as { artifacts?: ArtifactDigest[] };
    return d.artifacts ?? [];
  }
}

/** A kept file is what its run.finished event chained: the same digest and size, and stored bytes that hash to it. */
export function keptAsChained(row: { sha256: string; size: number | string; content: Buffer }, chained: ArtifactDigest | undefined): boolean {
  return chained !== undefined && chained.sha256 === row.sha256 && chained.size === Number(row.size) && sha256Hex(row.content) === chained.sha256;
}

/** A content column as a Buffer (better-sqlite3 and pg hand back a Buffer; anything else is copied). */
export function storedBytes(content: unknown): Buffer {
  return Buffer.isBuffer(content) ? content : Buffer.from(content as Uint8Array);
}

function sha256Hex(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

function toInfo(r: { run_id: string; kind: string; target: string; name: string; media_type: string; sha256: string; size: number | string; created_at: string }): RunArtifactInfo {
  return {
    runId: r.run_id,
    kind: r.kind as RunArtifactKind,
    target: r.target,
    name: r.name,
    mediaType: r.media_type,
    sha256: r.sha256,
    size: Number(r.size),
    createdAt: r.created_at,
  };
}
