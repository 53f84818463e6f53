import { open, readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { OsvAdvisory } from '../../scanners/deps/model.js';
import { VigilError } from '../errors.js';
import { maxInputBytes, readTextInput } from '../util/read-input.js';
import type { AdvisoryImportCounts, AdvisoryStore } from './store.js';
import { parseOsvDocument } from './validate.js';
import { isKevFile } from '../incidents/kev.js';
import { DEFAULT_ZIP_LIMITS, readZipJsonEntries, type ZipLimits } from './zip.js';

export interface ImportOptions {
  signal?: AbortSignal;
  /** Called each time a batch of 1,000 advisories has been written, and once at the end. */
  onProgress?: (p: ImportProgress) => void;
  /** Zip-bomb limits, each defaulting to DEFAULT_ZIP_LIMITS. */
  zipLimits?: Partial<ZipLimits>;
  /** Ceiling for one plain JSON file; default VIGIL_MAX_INPUT_BYTES or 512 MiB. */
  maxFileBytes?: number;
  /**
   * Takes a document that is CISA's KEV catalogue rather than OSV (see isKevFile); a throw here
   * aborts the whole import like a bad advisory. Without it, such a document is read as OSV.
   */
  onKev?: (text: string, label: string) => void;
}

export interface ImportProgress {
  /** JSON documents read: files, and zip entries. */
  documents: number;
  advisories: number;
  /** The document being read, as errors would name it. */
  current: string;
}

/** What an import read and what it changed; `advisories` is the sum of the four counts. */
export interface ImportSummary extends AdvisoryImportCounts {
  documents: number;
  advisories: number;
}

type Source = { kind: 'json' | 'zip'; path: string } | { kind: 'folder'; path: string };

/** Advisories handed to the store at a time: a bounded slice of a 200,000-advisory import. */
const BATCH = 1000;

/**
 * Import OSV advisories from JSON files (one advisory or an array), folders (recursive `*.json`
 * and `*.zip`) and zip archives (OSV's per-ecosystem `all.zip`, read entry by entry). All or
 * nothing: everything goes in one write transaction, read and checked as it is written, and the
 * first bad document rolls it back with an error naming the file (`all.zip!GHSA-….json`), line
 * and JSON path.
 */
export async function importAdvisories(store: AdvisoryStore, paths: readonly string[], opts: ImportOptions = {}): Promise<ImportSummary> {
  // Every path must exist before the write lock is taken.
  const sources: Source[] = [];
  for (const p of paths) sources.push(await classify(p));
  opts.signal?.throwIfAborted();
  const limits: ZipLimits = { ...DEFAULT_ZIP_LIMITS, ...opts.zipLimits };
  const maxFileBytes = opts.maxFileBytes ?? maxInputBytes();
  let documents = 0;
  let advisories = 0;
  let current = '';

  async function* batches(): AsyncGenerator<OsvAdvisory[]> {
    let batch: OsvAdvisory[] = [];
    for (const source of sources) {
      for await (const doc of documentsOf(source, limits, maxFileBytes, opts.signal)) {
        opts.signal?.throwIfAborted();
        current = doc.label;
        if (opts.onKev && isKevFile(doc.text)) {
          opts.onKev(doc.text, doc.label);
          documents++;
          continue;
        }
        const found = parseOsvDocument(doc.text, doc.label);
        documents++;
        for (const a of found) {
          batch.push(a);
          if (batch.length >= BATCH) {
            advisories += batch.length;
            yield batch;
            batch = [];
            opts.onProgress?.({ documents, advisories, current });
          }
        }
      }
    }
    if (batch.length) {
      advisories += batch.length;
      yield batch;
    }
  }

  const counts = await store.import(batches());
  opts.onProgress?.({ documents, advisories, current });
  return { ...counts, documents, advisories };
}

/** A path's kind, or VIGIL_ERR_INPUT_NOT_FOUND. Zips are known by extension or by their signature. */
async function classify(path: string): Promise<Source> {
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new VigilError('VIGIL_ERR_INPUT_NOT_FOUND', 'no such file or folder', { file: path });
  }
  if (st.isDirectory()) return { kind: 'folder', path };
  if (!st.isFile()) throw new VigilError('VIGIL_ERR_INPUT_NOT_FOUND', 'is not a file or folder', { file: path });
  if (extname(path).toLowerCase() === '.zip' || (await isZip(path))) return { kind: 'zip', path };
  return { kind: 'json', path };
}

async function isZip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(4);
    const { bytesRead } = await fh.read(b, 0, 4, 0);
    // "PK\3\4" starts an archive with entries; "PK\5\6" is an empty one.
    return bytesRead === 4 && b[0] === 0x50 && b[1] === 0x4b && ((b[2] === 3 && b[3] === 4) || (b[2] === 5 && b[3] === 6));
  } finally {
    await fh.close();
  }
}

/** The JSON documents of one source, one at a time. */
async function* documentsOf(source: Source, limits: ZipLimits, maxFileBytes: number, signal?: AbortSignal): AsyncGenerator<{ label: string; text: string }> {
  if (source.kind === 'json') {
    yield { label: source.path, text: await readTextInput(source.path, maxFileBytes) };
  } else if (source.kind === 'zip') {
    yield* readZipJsonEntries(source.path, source.path, limits, signal);
  } else {
    for await (const file of walk(source.path, signal)) {
      if (extname(file).toLowerCase() === '.zip') yield* readZipJsonEntries(file, file, limits, signal);
      else yield { label: file, text: await readTextInput(file, maxFileBytes) };
    }
  }
}

/**
 * `*.json` and `*.zip` files under a folder, depth first in name order so imports are
 * reproducible. Hidden entries (`.git` of a cloned advisory-database) are skipped, and symbolic
 * links to folders are not followed, so a link cycle cannot loop.
 */
async function* walk(dir: string, signal?: AbortSignal): AsyncGenerator<string> {
  signal?.throwIfAborted();
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      yield* walk(path, signal);
      continue;
    }
    const ext = extname(e.name).toLowerCase();
    if (ext !== '.json' && ext !== '.zip') continue;
    if (e.isFile() || (e.isSymbolicLink() && (await stat(path).then((s) => s.isFile(), () => false)))) yield path;
  }
}
