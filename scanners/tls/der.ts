/**
 * A minimal DER (ASN.1) reader: just enough to pull the signature algorithm and the CRL
 * distribution points out of a certificate, which Node 20's X509Certificate does not expose.
 * Every read is bounds-checked against its enclosing value, so a truncated or lying length
 * throws VIGIL_ERR_CERT_INVALID instead of reading past the end or looping.
 */
import { VigilError } from '../../src/errors.js';

/** Universal tags (with the constructed bit where DER requires it). */
export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** The identifier octet of a context-specific tag `[n]` (n < 31). */
export function contextTag(n: number, constructed: boolean): number {
  return 0x80 | (constructed ? 0x20 : 0) | n;
}

/** One tag-length-value, as offsets into the buffer it was read from. */
export interface Tlv {
  /** The first identifier octet: class, constructed bit and tag number (0x1f when the number is in the following octets). */
  tag: number;
  tagNumber: number;
  constructed: boolean;
  /** Offset of the identifier octet. */
  start: number;
  /** Offset of the first value octet. */
  valueStart: number;
  /** Offset just past the value. */
  end: number;
}

function fail(message: string, offset?: number): never {
  const at = offset === undefined ? '' : ` at byte ${offset}`;
  throw new VigilError('VIGIL_ERR_CERT_INVALID', `corrupt DER${at}: ${message}`);
}

/** Read the TLV at `offset`; it must end at or before `limit`. */
export function readTlv(buf: Uint8Array, offset = 0, limit = buf.length): Tlv {
  limit = Math.min(limit, buf.length);
  let p = offset;
  const byte = (what: string): number => {
    if (p >= limit) fail(`truncated: ${what} is missing`, p);
    return buf[p++]!;
  };
  const tag = byte('the tag');
  let tagNumber = tag & 0x1f;
  if (tagNumber === 0x1f) {
    tagNumber = 0;
    for (let i = 0; ; i++) {
      // four base-128 octets already exceed any tag a certificate uses
      if (i === 4) fail('tag number too large', offset);
      const b = byte('the tag number');
      tagNumber = tagNumber * 128 + (b & 0x7f);
      if (!(b & 0x80)) break;
    }
  }
  const first = byte('the length');
  let length = first;
  if (first === 0x80) fail('indefinite length is not allowed in DER', p - 1);
  if (first > 0x80) {
    const n = first & 0x7f;
    if (n > 4) fail(`a ${n}-octet length is too large`, p - 1);
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + byte('a length octet');
  }
  const valueStart = p;
  if (length > limit - valueStart) {
    fail(`length ${length} runs past the end (${limit - valueStart} bytes left)`, offset);
  }
  return { tag, tagNumber, constructed: (tag & 0x20) !== 0, start: offset, valueStart, end: valueStart + length };
}

/** The TLVs inside a constructed value (SEQUENCE, SET, or a constructed context tag), in order. */
export function readChildren(buf: Uint8Array, parent: Tlv): Tlv[] {
  if (!parent.constructed) fail(`tag 0x${parent.tag.toString(16)} is primitive, expected a constructed value`, parent.start);
  const out: Tlv[] = [];
  for (let p = parent.valueStart; p < parent.end; ) {
    const child = readTlv(buf, p, parent.end);
    out.push(child);
    p = child.end;
  }
  return out;
}

/** The TLV that a primitive value wraps, e.g. the DER inside an OCTET STRING extension value. */
export function readInner(buf: Uint8Array, outer: Tlv): Tlv {
  return readTlv(buf, outer.valueStart, outer.end);
}

/** Throw unless `tlv` has the identifier octet `tag`; returns it for chaining. */
export function expectTag(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (!tlv) fail(`${what} is missing`);
  if (tlv.tag !== tag) fail(`${what}: expected tag 0x${tag.toString(16)}, found 0x${tlv.tag.toString(16)}`, tlv.start);
  return tlv;
}

/** An OBJECT IDENTIFIER as a dotted string, e.g. `1.2.840.113549.1.1.11`. */
export function readOid(buf: Uint8Array, tlv: Tlv): string {
  expectTag(tlv, TAG.OID, 'object identifier');
  if (tlv.end === tlv.valueStart) fail('empty object identifier', tlv.start);
  const arcs: bigint[] = [];
  // bigint: arcs such as UUID-based 2.25.<128 bits> exceed 2^53
  let v = 0n;
  for (let p = tlv.valueStart; p < tlv.end; p++) {
    const b = buf[p]!;
    v = v * 128n + BigInt(b & 0x7f);
    if (!(b & 0x80)) {
      arcs.push(v);
      v = 0n;
    } else if (p === tlv.end - 1) {
      fail('object identifier ends inside an arc', tlv.start);
    }
  }
  // the first octet packs two arcs: 40 * first + second, with first capped at 2
  const head = arcs[0]!;
  const first = head < 40n ? 0n : head < 80n ? 1n : 2n;
  return [first, head - first * 40n, ...arcs.slice(1)].join('.');
}

/** An IA5String (ASCII only), UTF8String, PrintableString or VisibleString as text. */
export function readString(buf: Uint8Array, tlv: Tlv): string {
  const bytes = Buffer.from(buf.buffer, buf.byteOffset + tlv.valueStart, tlv.end - tlv.valueStart);
  // [6] uniformResourceIdentifier and [2] dNSName are IMPLICIT IA5String: the tag is context-specific
  const ia5 = tlv.tag === TAG.IA5_STRING || tlv.tag === contextTag(6, false) || tlv.tag === contextTag(2, false);
  if (ia5 || tlv.tag === TAG.PRINTABLE_STRING || tlv.tag === 0x1a) {
    if (bytes.some((b) => b > 0x7f)) fail('non-ASCII octet in an ASCII string', tlv.start);
    return bytes.toString('latin1');
  }
  if (tlv.tag === TAG.UTF8_STRING) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      fail('UTF8String is not valid UTF-8', tlv.start);
    }
  }
  fail(`tag 0x${tlv.tag.toString(16)} is not a string`, tlv.start);
}
