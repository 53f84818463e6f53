import { close, fstat, open, read, createReadStream } from 'node:fs';
import { promisify } from 'node:util';
import { crc32, inflateRawSync } from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { VigilError } from '../errors.js';

/**
 * Limits on one zip archive, against zip bombs and runaway downloads. They are judged on each
 * entry's declared sizes, and the declared sizes are enforced while inflating: an entry is cut off
 * the moment it produces one byte more than it declared.
 */
export interface ZipLimits {
  /** Largest uncompressed entry, in bytes. */
  maxEntryBytes: number;
  /** Most uncompressed bytes in the whole archive. */
  maxTotalBytes: number;
  /** Most entries in the archive. */
  maxEntries: number;
  /** Largest uncompressed/compressed ratio of an entry. */
  maxRatio: number;
}

/**
 * OSV's largest advisory is well under 1 MiB and its all-ecosystems `all.zip` holds a few hundred
 * thousand entries in under 4 GiB; JSON deflates about 5-15 times, so 200 leaves room to spare.
 */
export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntryBytes: 16 * 1024 * 1024,
  maxTotalBytes: 4 * 1024 * 1024 * 1024,
  maxEntries: 2_000_000,
  maxRatio: 200,
};

/**
 * Below this many bytes an entry's ratio is not judged: deflate's fixed overhead makes tiny
 * entries look extreme (a 2 KiB run of spaces deflates to a dozen bytes) while they cost nothing.
 * Many small entries are held by the total limit instead.
 */
const RATIO_FLOOR = 1024 * 1024;

/** One entry of an archive, inflated and decoded. */
export interface ZipTextEntry {
  /** `archive.zip!path/in/archive.json`, for messages. */
  label: string;
  text: string;
}

function zipError(code: 'VIGIL_ERR_ZIP_INVALID' | 'VIGIL_ERR_ZIP_LIMIT', file: string, message: string, cause?: unknown): VigilError {
  return new VigilError(code, message, { file }, cause === undefined ? undefined : { cause });
}

function bytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round(n / 1024 / 1024)} MiB` : `${n} bytes`;
}

const readAsync = promisify(read);
const WINDOW = 1024 * 1024;

/**
 * yauzl's file access through two read-ahead windows. yauzl reads each central-directory record
 * and each local header with its own small read, and its per-entry inflate streams cost about a
 * quarter of a millisecond: a minute for OSV's 200,000-entry archives. Served from windows — one
 * over the central directory at the end of the file, one over the entries at the front — an entry
 * costs microseconds, and memory stays at two windows and one entry, whatever the archive's size.
 */
class WindowedReader extends yauzl.RandomAccessReader {
  private readonly windows: { start: number; buf: Buffer }[] = [];

  constructor(
    private readonly fd: number,
    private readonly size: number,
  ) {
    super();
  }

  /** `length` bytes at `position` (fewer at the end of the file); valid until the next call. */
  async bytesAt(position: number, length: number): Promise<Buffer> {
    for (let i = 0; i < this.windows.length; i++) {
      const w = this.windows[i]!;
      if (position >= w.start && position + length <= w.start + w.buf.length) {
        if (i > 0) this.windows.unshift(...this.windows.splice(i, 1));
        return w.buf.subarray(position - w.start, position - w.start + length);
      }
    }
    const n = Math.max(0, Math.min(Math.max(length, WINDOW), this.size - position));
    const buf = Buffer.allocUnsafe(n);
    let got = 0;
    while (got < n) {
      const { bytesRead } = await readAsync(this.fd, buf, got, n - got, position + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    const w = { start: position, buf: buf.subarray(0, got) };
    // An entry larger than a window is used once: it does not evict the central directory's window.
    if (n <= WINDOW) {
      this.windows.unshift(w);
      if (this.windows.length > 2) this.windows.pop();
    }
    return w.buf.subarray(0, Math.min(length, got));
  }

  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (err: Error | null, bytesRead?: number) => void): void {
    this.bytesAt(position, length).then(
      (b) => callback(null, b.copy(buffer, offset)),
      (e: Error) => callback(e),
    );
  }

  override _readStreamForRange(start: number, end: number) {
    return createReadStream('', { fd: this.fd, start, end: end - 1, autoClose: false });
  }

  override close(callback: (err: Error | null) => void): void {
    close(this.fd, callback);
  }
}

/**
 * The `*.json` entries of a zip, one at a time and in archive order: only one entry's text is in
 * memory at once, and the archive is read from disk as entries are asked for. yauzl reads the
 * archive's structure (zip64, names, bounds); directories and other files are skipped. `label`
 * names the archive in errors and entry labels.
 */
export async function* readZipJsonEntries(
  file: string,
  label: string,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
  signal?: AbortSignal,
): AsyncGenerator<ZipTextEntry> {
  let fd: number;
  let size: number;
  try {
    fd = await promisify(open)(file, 'r');
  } catch (e) {
    throw new VigilError('VIGIL_ERR_INPUT_NOT_FOUND', `cannot open: ${(e as Error).message}`, { file: label }, { cause: e });
  }
  try {
    size = (await promisify(fstat)(fd)).size;
  } catch (e) {
    close(fd, () => undefined);
    throw zipError('VIGIL_ERR_ZIP_INVALID', label, `cannot read: ${(e as Error).message}`, e);
  }
  const reader = new WindowedReader(fd, size);
  let zip: ZipFile;
  try {
    // Sizes are checked below as entries inflate; names are only shown, never used as paths.
    zip = await yauzl.fromRandomAccessReaderPromise(reader, size, { autoClose: false, lazyEntries: true, decodeStrings: true, validateEntrySizes: false, strictFileNames: false });
  } catch (e) {
    close(fd, () => undefined);
    throw zipError('VIGIL_ERR_ZIP_INVALID', label, `not a readable zip archive: ${(e as Error).message}`, e);
  }
  try {
    if (zip.entryCount > limits.maxEntries) {
      throw zipError('VIGIL_ERR_ZIP_LIMIT', label, `holds ${zip.entryCount} entries; the limit is ${limits.maxEntries}`);
    }
    let total = 0;
    const entries = zip.eachEntry();
    for (;;) {
      let next: IteratorResult<Entry>;
      try {
        next = await entries.next();
      } catch (e) {
        throw zipError('VIGIL_ERR_ZIP_INVALID', label, `corrupt zip archive: ${(e as Error).message}`, e);
      }
      if (next.done) break;
      signal?.throwIfAborted();
      const entry = next.value;
      if (entry.fileName.endsWith('/') || !entry.fileName.toLowerCase().endsWith('.json')) continue;
      const where = `${label}!${entry.fileName}`;
      const data = await readEntry(zip, reader, entry, where, limits, limits.maxTotalBytes - total);
      total += data.length;
      yield { label: where, text: data.toString('utf8') };
    }
  } finally {
    zip.close();
  }
}

/**
 * Inflate one entry within the limits and check its CRC-32. The limits are judged on the header's
 * sizes, and those bind: exactly `compressedSize` bytes are read, and zlib stops the moment the
 * output passes `uncompressedSize` — a header that lies cannot buy more than it declared.
 */
async function readEntry(zip: ZipFile, reader: WindowedReader, entry: Entry, where: string, limits: ZipLimits, totalLeft: number): Promise<Buffer> {
  const declared = entry.uncompressedSize;
  const compressed = entry.compressedSize;
  if (declared > limits.maxEntryBytes) {
    throw zipError('VIGIL_ERR_ZIP_LIMIT', where, `declares ${bytes(declared)}; an entry may hold at most ${bytes(limits.maxEntryBytes)} (a zip bomb, or raise the entry limit)`);
  }
  if (declared > RATIO_FLOOR && declared / Math.max(compressed, 1) > limits.maxRatio) {
    throw zipError('VIGIL_ERR_ZIP_LIMIT', where, `inflates ${compressed} bytes to ${bytes(declared)}, a ratio over ${limits.maxRatio}: refused as a zip bomb`);
  }
  if (declared > totalLeft) {
    throw zipError('VIGIL_ERR_ZIP_LIMIT', where, `takes the archive past ${bytes(limits.maxTotalBytes)} uncompressed in all; refused (a zip bomb, or raise the total limit)`);
  }
  if (entry.isEncrypted()) throw zipError('VIGIL_ERR_ZIP_INVALID', where, 'the entry is encrypted; OSV archives are not');
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    throw zipError('VIGIL_ERR_ZIP_INVALID', where, `unsupported compression method ${entry.compressionMethod} (only stored and deflated entries are read)`);
  }
  let raw: Buffer;
  try {
    // yauzl checks the local header's signature and that the data lies within the file.
    const { fileDataStart } = await zip.readLocalFileHeaderPromise(entry, { minimal: true });
    raw = await reader.bytesAt(fileDataStart, compressed);
  } catch (e) {
    throw zipError('VIGIL_ERR_ZIP_INVALID', where, `corrupt entry: ${(e as Error).message}`, e);
  }
  if (raw.length !== compressed) throw zipError('VIGIL_ERR_ZIP_INVALID', where, 'corrupt entry: the archive ends inside it');
  let data: Buffer;
  if (entry.compressionMethod === 0) {
    data = raw;
  } else {
    try {
      // maxOutputLength makes zlib count as it inflates and give up one chunk past the declared size.
      data = inflateRawSync(raw, { maxOutputLength: Math.max(declared, 1) });
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw zipError('VIGIL_ERR_ZIP_INVALID', where, `inflates past the ${bytes(declared)} its header declares: refused (a zip bomb or a corrupt archive)`);
      }
      throw zipError('VIGIL_ERR_ZIP_INVALID', where, `corrupt entry: ${(e as Error).message}`, e);
    }
  }
  if (data.length !== declared) {
    throw zipError('VIGIL_ERR_ZIP_INVALID', where, `corrupt entry: it holds ${data.length} bytes, its header declares ${declared}`);
  }
  if (crc32(data) >>> 0 !== entry.crc32 >>> 0) {
    throw zipError('VIGIL_ERR_ZIP_INVALID', where, 'corrupt entry: its CRC-32 does not match its content');
  }
  return data;
}
