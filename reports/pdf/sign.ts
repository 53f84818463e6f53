/**
 * The audit PDF's signature. Like a PDF signature dictionary's /ByteRange, the signature covers
 * every byte of the file except its own hex digits: the catalog's /VigilSignature entry points to
 *
 *   << /Type /VigilSignature /Filter /Vigil.Ed25519 /PublicKey <SPKI DER, hex>
 *      /LedgerHead (head hash) /LedgerSeq n /Signature <128 hex digits> >>
 *
 * written with 128 zeros by pdfkit; `signPdf` then computes SHA-256 over the bytes before and after
 * those digits, signs that digest with Ed25519, and writes the signature's hex over the zeros —
 * same length, so every offset and the xref table stay valid. The public key and the ledger head
 * are outside the digits, so they are covered by the signature too.
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { keyFingerprint } from '../audit/key.js';
import type { PdfWriter } from './document.js';

const SIG_BYTES = 64;
const SIG_HEX = SIG_BYTES * 2;
const PLACEHOLDER = '0'.repeat(SIG_HEX);

export interface PdfSignatureCheck {
  ok: boolean;
  /** What was checked and, when `ok` is false, what failed. */
  reason: string;
  publicKeyPem?: string;
  keyFingerprint?: string;
  /** SHA-256, hex, of every byte but the signature's hex digits. */
  contentDigest?: string;
  /** The ledger head hash the signature dictionary carries. */
  headHash?: string;
  headSeq?: number;
}

/** Where the signature dictionary's parts lie in the file. */
interface Located {
  /** [start, end) of the signature's hex digits. */
  start: number;
  end: number;
  publicKeyDer: Buffer;
  headHash?: string;
  headSeq?: number;
}

/** Add the signature dictionary, with a zero placeholder, to the catalog; call before the document ends. */
export function reserveSignature(writer: PdfWriter, opts: { publicKey: KeyObject; headHash?: string; headSeq?: number }): void {
  if (opts.publicKey.asymmetricKeyType !== 'ed25519') throw new Error(`the signing key must be Ed25519, not ${opts.publicKey.asymmetricKeyType}`);
  const data: Record<string, unknown> = {
    Type: 'VigilSignature',
    Filter: 'Vigil.Ed25519',
    PublicKey: opts.publicKey.export({ type: 'spki', format: 'der' }),
  };
  if (opts.headHash !== undefined) {
    if (!/^[0-9a-f]+$/.test(opts.headHash)) throw new Error(`the ledger head hash is not lower-case hex: ${opts.headHash}`);
    // A String object, not a primitive: pdfkit writes the one as a PDF string, the other as a name.
    data.LedgerHead = new String(opts.headHash);
  }
  if (opts.headSeq !== undefined) data.LedgerSeq = opts.headSeq;
  // pdfkit writes a Buffer as a hex string: 64 zero bytes become the 128 zero digits to overwrite.
  data.Signature = Buffer.alloc(SIG_BYTES);
  const ref = writer.doc.ref(data);
  ref.end(undefined); // no stream: the typings insist on a chunk argument
  writer.catalog.VigilSignature = ref;
}

class Malformed extends Error {}

function digestOf(pdf: Buffer, loc: Located): Buffer {
  return createHash('sha256').update(pdf.subarray(0, loc.start)).update(pdf.subarray(loc.end)).digest();
}

/** The text of object `id` found through the xref table, from "id 0 obj" to "endobj". */
function objectAt(text: string, xrefStart: number, count: number, id: number): { offset: number; body: string } {
  if (!(id > 0 && id < count)) throw new Malformed(`object ${id} is not in the cross-reference table`);
  const entry = text.slice(xrefStart + id * 20, xrefStart + id * 20 + 20);
  const m = /^(\d{10}) (\d{5}) n[ \r\n]{2}$/.exec(entry);
  if (!m) throw new Malformed(`the cross-reference entry of object ${id} is malformed`);
  const offset = Number(m[1]);
  const head = new RegExp(`${id} 0 obj\\s`, 'y');
  head.lastIndex = offset;
  if (!head.test(text)) throw new Malformed(`object ${id} is not where the cross-reference table says`);
  const end = text.indexOf('endobj', offset);
  if (end < 0) throw new Malformed(`object ${id} does not end`);
  return { offset, body: text.slice(offset, end) };
}

/**
 * Find the one signature dictionary through the trailer, the catalog and the xref table, and
 * refuse anything an appended update could add: a second dictionary, a second xref section,
 * a /Prev, or bytes after %%EOF beyond one line end.
 */
function locate(pdf: Buffer): Located {
  const text = pdf.toString('latin1');
  const tail = /startxref\s+(\d+)\s+%%EOF(\r\n|\r|\n)?$/.exec(text.slice(-64));
  if (!tail) throw new Malformed('the file does not end with startxref and %%EOF (bytes were added after its end)');
  if (text.split('startxref').length !== 2) throw new Malformed('the file has more than one cross-reference section (an update was appended)');
  const dictCount = text.match(/\/Type\s*\/VigilSignature\b/g)?.length ?? 0;
  if (dictCount === 0) throw new Malformed('no /VigilSignature dictionary: the file is not signed');
  if (dictCount > 1) throw new Malformed(`${dictCount} /VigilSignature dictionaries: a signed file carries exactly one`);
  const xrefAt = Number(tail[1]);
  const xref = /xref\s+0 (\d+)\s+/y;
  xref.lastIndex = xrefAt;
  const xm = xref.exec(text);
  if (!xm) throw new Malformed('startxref does not point at a cross-reference table');
  const count = Number(xm[1]);
  const entries = xrefAt + xm[0].length;
  const trailerAt = text.indexOf('trailer', entries + count * 20);
  if (trailerAt !== entries + count * 20) throw new Malformed('the cross-reference table is not followed by the trailer');
  const trailer = text.slice(trailerAt, text.length - tail[0].length);
  if (/\/(Prev|XRefStm)\b/.test(trailer)) throw new Malformed('the trailer points at an earlier revision (an update was appended)');
  const root = /\/Root\s+(\d+)\s+0\s+R/.exec(trailer);
  if (!root) throw new Malformed('the trailer names no document catalog');
  const catalog = objectAt(text, entries, count, Number(root[1]));
  const sigRef = /\/VigilSignature\s+(\d+)\s+0\s+R/.exec(catalog.body);
  if (!sigRef) throw new Malformed('no /VigilSignature dictionary in the document catalog: the file is not signed');
  const sig = objectAt(text, entries, count, Number(sigRef[1]));
  const body = sig.body;
  if (!/\/Type\s*\/VigilSignature\b/.test(body)) throw new Malformed('the catalog\'s /VigilSignature is not a signature dictionary');
  if (!/\/Filter\s*\/Vigil\.Ed25519\b/.test(body)) throw new Malformed('the signature dictionary names no /Vigil.Ed25519 filter');
  const key = /\/PublicKey\s*<([0-9a-f]+)>/.exec(body);
  if (!key || key[1]!.length % 2) throw new Malformed('the signature dictionary has no readable /PublicKey');
  // Lower-case only: "A" and "a" are the same hex digit, and a changed byte must never verify.
  const sigHex = new RegExp(`/Signature\\s*<([0-9a-f]{${SIG_HEX}})>`).exec(body);
  if (!sigHex) throw new Malformed(`the signature dictionary has no /Signature of ${SIG_HEX} lower-case hex digits`);
  const start = sig.offset + sigHex.index + sigHex[0].indexOf('<') + 1;
  const head = /\/LedgerHead\s*\(([0-9a-f]+)\)/.exec(body);
  const seq = /\/LedgerSeq\s+(\d+)/.exec(body);
  return {
    start,
    end: start + SIG_HEX,
    publicKeyDer: Buffer.from(key[1]!, 'hex'),
    ...(head ? { headHash: head[1]! } : {}),
    ...(seq ? { headSeq: Number(seq[1]) } : {}),
  };
}

/** Sign a PDF written with `reserveSignature`: fill the placeholder with Ed25519 over the content digest. */
export function signPdf(pdf: Buffer, privateKey: KeyObject): Buffer {
  const loc = locate(pdf);
  if (pdf.toString('latin1', loc.start, loc.end) !== PLACEHOLDER) throw new Error('the PDF is already signed');
  const embedded = createPublicKey({ key: loc.publicKeyDer, format: 'der', type: 'spki' });
  if (!createPublicKey(privateKey).equals(embedded)) throw new Error('the private key does not match the public key the PDF carries');
  const signature = sign(null, digestOf(pdf, loc), privateKey);
  const out = Buffer.from(pdf);
  out.write(signature.toString('hex'), loc.start, 'latin1');
  return out;
}

/** Check a signed PDF: one signature dictionary, nothing appended, Ed25519 over all other bytes valid. */
export function verifyPdfSignature(pdf: Buffer): PdfSignatureCheck {
  let loc: Located;
  try {
    loc = locate(pdf);
  } catch (e) {
    if (e instanceof Malformed) return { ok: false, reason: e.message };
    throw e;
  }
  const extra = { ...(loc.headHash !== undefined ? { headHash: loc.headHash } : {}), ...(loc.headSeq !== undefined ? { headSeq: loc.headSeq } : {}) };
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: loc.publicKeyDer, format: 'der', type: 'spki' });
  } catch {
    return { ok: false, reason: 'the /PublicKey is not a DER SubjectPublicKeyInfo', ...extra };
  }
  if (publicKey.asymmetricKeyType !== 'ed25519') return { ok: false, reason: `the /PublicKey is ${publicKey.asymmetricKeyType}, not Ed25519`, ...extra };
  const found = {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyFingerprint: keyFingerprint(publicKey),
    ...extra,
  };
  const hex = pdf.toString('latin1', loc.start, loc.end);
  if (hex === PLACEHOLDER) return { ok: false, reason: 'the signature placeholder was never filled: the file is not signed', ...found };
  const digest = digestOf(pdf, loc);
  const contentDigest = digest.toString('hex');
  const valid = verify(null, digest, publicKey, Buffer.from(hex, 'hex'));
  return valid
    ? { ok: true, reason: 'the Ed25519 signature over the SHA-256 of every byte but the signature is valid', contentDigest, ...found }
    : { ok: false, reason: 'digest/signature mismatch: the file was changed after it was signed, or signed with another key', contentDigest, ...found };
}
