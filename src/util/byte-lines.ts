/**
 * Byte offsets into a UTF-8 text → 1-based lines and columns (columns in characters), as
 * libpg_query reports statement locations in bytes.
 */
export class ByteLines {
  private readonly starts: number[] = [0];
  readonly buf: Buffer;

  constructor(text: string) {
    this.buf = Buffer.from(text, 'utf8');
    for (let i = 0; i < this.buf.length; i++) if (this.buf[i] === 0x0a) this.starts.push(i + 1);
  }

  /** The 1-based line holding byte `offset`. */
  lineAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** The 1-based column of byte `offset`, counted in characters. */
  columnAt(offset: number): number {
    const start = this.starts[this.lineAt(offset) - 1]!;
    return this.buf.toString('utf8', start, offset).length + 1;
  }

  /** The text of 1-based line `n`, without its line break. */
  line(n: number): string {
    const s = this.starts[n - 1];
    if (s === undefined) return '';
    const e = this.starts[n] ?? this.buf.length;
    return this.buf.toString('utf8', s, e).replace(/\r?\n$/, '');
  }
}
