/**
 * What both PDFs share: a pdfkit document set up for PDF/A-2b (embedded DejaVu fonts only, XMP
 * that matches the Info dictionary, sRGB output intent), tagged structure (Document > Sect > H1/P/
 * Table/Figure, everything else an Artifact), and the few blocks the reports are made of —
 * headings, paragraphs, key-figure tiles, tables that paginate, and vector charts.
 *
 * Text is laid out here rather than by pdfkit's line wrapper, so every height is known before
 * anything is drawn: that is what lets a table row move whole to the next page and the header
 * be repeated above it.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';

const require = createRequire(import.meta.url);
const FONT_DIR = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');

/** The only fonts the PDFs use, all embedded TrueType; pdfkit's standard 14 are never opened. */
export const FONTS = {
  sans: path.join(FONT_DIR, 'DejaVuSans.ttf'),
  bold: path.join(FONT_DIR, 'DejaVuSans-Bold.ttf'),
  mono: path.join(FONT_DIR, 'DejaVuSansMono.ttf'),
} as const;
export type FontName = keyof typeof FONTS;

/** One palette, so a severity or a status has the same colour in every table and chart. */
export const COLOURS = {
  text: '#1f2937', muted: '#6b7280', rule: '#d1d5db', accent: '#1f3a5f',
  headerFill: '#1f3a5f', headerText: '#ffffff', zebra: '#f3f4f6', tileFill: '#f8fafc',
  // status: met / done / ran, partial / late, not met / missed / overdue, no data
  good: '#15803d', warn: '#b45309', bad: '#b91c1c', none: '#4b5563',
  badFill: '#fde8e8', warnFill: '#fef3c7',
} as const;

/** Severity colours: red to grey, most severe first (src/model/severity.ts order). */
export const SEVERITY_COLOURS = { critical: '#7f1d1d', high: '#dc2626', medium: '#ea8a0c', low: '#2563eb', info: '#6b7280' } as const;

export interface PdfMeta {
  title: string;
  subject: string;
  keywords: string[];
  /** CreationDate and ModDate: the report's own time, so the same input gives the same bytes. */
  createdAt: Date;
  layout?: 'portrait' | 'landscape';
  /** The text beside the page number in every page's footer; the title when not given. */
  footer?: string;
}

/** A table cell: text, or text with its own look. */
export type Cell = string | { text: string; bold?: boolean; color?: string; mono?: boolean };

export interface Column {
  header: string;
  /** Share of the table's width, relative to the other columns. */
  weight: number;
  align?: 'left' | 'right';
  mono?: boolean;
}

export interface RowStyle { fill?: string; bold?: boolean; color?: string }

export interface TableSpec {
  columns: Column[];
  rows: Cell[][];
  rowStyle?: (row: number) => RowStyle | undefined;
  fontSize?: number;
}

export interface ChartSeries { name: string; color: string; values: number[] }

/** A key figure: a large value over a short caption. */
export interface Tile { value: string; label: string; color?: string }

// pdfkit's internals the typings leave out: the catalog (for the signature dictionary), the XMP
// writer (to make it match the Info dictionary) and a structure element's dictionary (attributes).
interface PdfKitInternals {
  _root: { data: Record<string, unknown> };
  _addInfo: () => void;
  info: PDFKit.DocumentInfo;
  _font: PdfKitFont;
  _fontFamilies: Record<string, { layoutCache?: Record<string, unknown> }>;
}
interface PdfKitFont {
  id: string;
  ascender: number;
  ref(): PDFKit.PDFKitReference;
  encode(text: string): [string[], unknown];
}
interface StructWithDictionary {
  dictionary: { data: Record<string, unknown> };
}

const MARGIN = { top: 54, bottom: 60, left: 50, right: 50 };
const LINE = 1.3;

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function xmpDate(d: Date): string {
  return d.toISOString().split('.')[0] + 'Z';
}

/** A step for a chart axis: 1, 2 or 5 times a power of ten, so tick labels read as round numbers. */
export function niceStep(max: number, ticks: number): number {
  if (!(max > 0)) return 1;
  const raw = max / ticks;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const m = raw / pow;
  const step = (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * pow;
  return Math.max(1, step);
}

/** The pdfkit document plus a cursor and the blocks both reports are built from. */
export class PdfWriter {
  readonly doc: PDFKit.PDFDocument;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
  readonly width: number;
  /** The cursor: where the next block starts on the current page. */
  y: number;
  private readonly meta: PdfMeta;
  private readonly root: PDFKit.PDFStructureElement;
  private parent: PDFKit.PDFStructureElement;
  private readonly widths = new Map<string, number>();
  // What was last set on the pdfkit document, so it is set again only when it changes.
  private font: FontName = 'sans';
  private size = 9;
  private lastPage: PDFKit.PDFPage | null = null;
  private fill: string | null = null;
  private fillPage: PDFKit.PDFPage | null = null;
  // The footer's page count and the form XObject that shows the total.
  private pages = 0;
  private readonly total: PDFKit.PDFKitReference;
  private readonly totalFont: PdfKitFont;

  constructor(meta: PdfMeta) {
    this.meta = meta;
    this.doc = new PDFDocument({
      pdfVersion: '1.7',
      subset: 'PDF/A-2b',
      tagged: true,
      lang: 'en',
      displayTitle: true,
      // The default font is opened at creation; naming a TTF here keeps Helvetica out entirely.
      font: FONTS.sans,
      size: 'A4',
      layout: meta.layout ?? 'portrait',
      margins: MARGIN,
      // Pages are written as they are finished, so a long appendix does not pile up in memory;
      // the footer's page total is a form XObject filled in at the end (see footer()).
      bufferPages: false,
      info: {
        Title: meta.title,
        Author: 'vigil',
        Subject: meta.subject,
        Keywords: meta.keywords.join(', '),
        Creator: 'vigil',
        Producer: 'vigil (PDFKit)',
        CreationDate: meta.createdAt,
        ModDate: meta.createdAt,
      },
    });
    const internals = this.doc as unknown as PdfKitInternals;
    // pdfkit's XMP writer leaves values unescaped, omits ModifyDate and puts Creator where
    // Producer belongs; PDF/A requires the XMP to agree with the Info dictionary, so write our own.
    internals._addInfo = () => {
      const info = internals.info;
      const created = info.CreationDate ?? meta.createdAt;
      this.doc.appendXML(`
        <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
            <xmp:CreateDate>${xmpDate(created)}</xmp:CreateDate>
            <xmp:ModifyDate>${xmpDate(info.ModDate ?? created)}</xmp:ModifyDate>
            <xmp:CreatorTool>${escapeXml(info.Creator ?? '')}</xmp:CreatorTool>
        </rdf:Description>
        <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
            <dc:format>application/pdf</dc:format>
            <dc:title><rdf:Alt><rdf:li xml:lang="x-default">${escapeXml(info.Title ?? '')}</rdf:li></rdf:Alt></dc:title>
            <dc:creator><rdf:Seq><rdf:li>${escapeXml(info.Author ?? '')}</rdf:li></rdf:Seq></dc:creator>
            <dc:description><rdf:Alt><rdf:li xml:lang="x-default">${escapeXml(info.Subject ?? '')}</rdf:li></rdf:Alt></dc:description>
        </rdf:Description>
        <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
            <pdf:Producer>${escapeXml(info.Producer ?? '')}</pdf:Producer>
            <pdf:Keywords>${escapeXml(info.Keywords ?? '')}</pdf:Keywords>
        </rdf:Description>`);
    };
    const page = this.doc.page;
    this.left = MARGIN.left;
    this.right = page.width - MARGIN.right;
    this.top = MARGIN.top;
    this.bottom = page.height - MARGIN.bottom;
    this.width = this.right - this.left;
    this.y = this.top;
    this.root = this.doc.struct('Document');
    this.doc.addStructure(this.root);
    this.parent = this.root;
    this.use('sans', 7);
    const sans = (this.doc as unknown as PdfKitInternals)._font;
    this.totalFont = sans;
    this.total = this.doc.ref({ Type: 'XObject', Subtype: 'Form', BBox: [0, -3, 100, 10], Resources: { Font: { [sans.id]: sans.ref() } } });
    this.doc.on('pageAdded', () => this.footer());
    this.footer();
  }

  /**
   * The footer: "Page n of N" and the title. N is not known until the end, so it is a form
   * XObject every page paints and `finish` fills; pages can then be written as they are done.
   */
  private footer(): void {
    const n = ++this.pages;
    const page = this.doc.page;
    const fy = page.height - MARGIN.bottom + 22;
    const num = `Page ${n} of `;
    const numW = this.textWidth(num, 'sans', 7);
    this.artifact(() => {
      this.doc.moveTo(this.left, fy - 6).lineTo(this.right, fy - 6).lineWidth(0.4).strokeColor(COLOURS.rule).stroke();
      this.line(num, this.left, fy, 'sans', 7, COLOURS.muted);
      page.xobjects.Total = this.total;
      const baseline = fy + (this.totalFont.ascender / 1000) * 7;
      // pdfkit's user space runs top-down; the form's text is drawn bottom-up from its origin.
      this.doc.save().transform(1, 0, 0, -1, this.left + numW, baseline).addContent('/Total Do').restore();
      const title = this.meta.footer ?? this.meta.title;
      const room = this.width - 100;
      const text = (this.wrap(title, 'sans', 7, room)[0] ?? '').trimEnd();
      this.line(text, this.right - this.textWidth(text, 'sans', 7), fy, 'sans', 7, COLOURS.muted);
    }, 'Pagination');
  }

  /** The document catalog, for an extra entry such as the signature dictionary. */
  get catalog(): Record<string, unknown> {
    return (this.doc as unknown as PdfKitInternals)._root.data;
  }

  // ---- text measurement -------------------------------------------------------------------

  private use(font: FontName, size: number): void {
    if (font !== this.font || size !== this.size || this.doc.page !== this.lastPage) {
      // By path, not by a registered name: pdfkit caches a font under the key it was first opened
      // with, and a registered name for an already-open font would re-read the TTF on every call.
      this.doc.font(FONTS[font]).fontSize(size);
      this.font = font;
      this.size = size;
      this.lastPage = this.doc.page;
    }
  }
  /** Width of `s` in points; cached per font and size because tables measure the same words often. */
  textWidth(s: string, font: FontName, size: number): number {
    const key = `${font}\u0000${size}\u0000${s}`;
    let w = this.widths.get(key);
    if (w === undefined) {
      this.use(font, size);
      w = this.doc.widthOfString(s);
      if (this.widths.size > 200_000) this.widths.clear();
      this.widths.set(key, w);
    }
    return w;
  }

  /** Lines of `text` no wider than `width`: breaks at spaces, then inside a word too long for a line. */
  wrap(text: string, font: FontName, size: number, width: number): string[] {
    // Tabs and control characters have no glyph in the font: they would print as boxes.
    text = text.replace(/\r\n?/g, '\n').replace(/[\t\v\f]/g, ' ').replace(/[\u0000-\u0008\u000e-\u001f\u007f]/g, '');
    const max = Math.max(width - 0.5, 1);
    const space = this.textWidth(' ', font, size);
    const out: string[] = [];
    const paras = text.split('\n');
    for (const [p, para] of paras.entries()) {
      let line = '';
      let lineW = 0;
      for (const raw of para.split(' ')) {
        let word = raw;
        let w = this.textWidth(word, font, size);
        if (line && lineW + space + w <= max) {
          line += ' ' + word;
          lineW += space + w;
          continue;
        }
        // A line broken at a space keeps it: invisible, but text extraction then joins the words with it.
        if (line) out.push(line + ' ');
        while (w > max && word.length > 1) {
          const cut = this.fitPrefix(word, font, size, max);
          out.push(word.slice(0, cut));
          word = word.slice(cut);
          w = this.textWidth(word, font, size);
        }
        line = word;
        lineW = w;
      }
      out.push(p < paras.length - 1 ? line + ' ' : line);
    }
    return out;
  }

  /** How many characters of `word` fit in `max`, preferring a cut after / . - _ : when one is near. */
  private fitPrefix(word: string, font: FontName, size: number, max: number): number {
    // Estimate from per-character widths (one cached measurement each), then correct with a real
    // measurement: a binary search of real measurements would lay out every prefix in fontkit.
    let lo = 0;
    let acc = 0;
    while (lo < word.length - 1) {
      const cw = this.textWidth(word[lo]!, font, size);
      if (acc + cw > max) break;
      acc += cw;
      lo++;
    }
    lo = Math.max(1, lo);
    while (lo > 1 && this.textWidth(word.slice(0, lo), font, size) > max) lo--;
    for (let i = lo; i > lo / 2; i--) if ('/.-_:,;'.includes(word[i - 1]!)) return i;
    return lo;
  }

  /** The distance between baselines for text of `size` points. */
  lineHeight(size: number): number {
    return size * LINE;
  }

  // ---- drawing primitives ----------------------------------------------------------------

  /** One line of text at (x, y), top-left; pdfkit's own wrapping and page breaking stay off. */
  private line(s: string, x: number, y: number, font: FontName, size: number, color: string): void {
    if (!s) return;
    this.use(font, size);
    // Setting the colour only when it changes keeps a long table's content stream small.
    if (color !== this.fill || this.doc.page !== this.fillPage) {
      this.doc.fillColor(color);
      this.fill = color;
      this.fillPage = this.doc.page;
    }
    this.doc.text(s, x, y, { lineBreak: false });
  }

  /** Draw as an artifact: decoration a screen reader skips and a tagged-PDF checker expects marked. */
  artifact(draw: () => void, type: 'Layout' | 'Pagination' = 'Layout'): void {
    this.doc.markContent('Artifact', { type });
    draw();
    this.fill = null;
    this.doc.endMarkedContent();
  }

  /** Draw as tagged content of a new structure element of `type` under the current parent. */
  private tagged(type: string, draw: () => void, parent: PDFKit.PDFStructureElement = this.parent): PDFKit.PDFStructureElement {
    const el = this.doc.struct(type);
    parent.add(el);
    const content = this.doc.markStructureContent(type);
    draw();
    this.doc.endMarkedContent();
    el.add(content);
    el.end();
    return el;
  }

  /** Start a new page and put the cursor at its top. */
  newPage(): void {
    this.doc.addPage();
    this.y = this.top;
    // pdfkit caches the glyph layout of every word it has drawn, forever; a long appendix has
    // tens of thousands of one-off words, so start the cache afresh once it grows large.
    for (const font of Object.values((this.doc as unknown as PdfKitInternals)._fontFamilies)) {
      if (font.layoutCache && Object.keys(font.layoutCache).length > 4000) font.layoutCache = Object.create(null) as Record<string, unknown>;
    }
  }

  /** Move to a new page unless `h` points still fit on this one. */
  ensureSpace(h: number): void {
    if (this.y + h > this.bottom && this.y > this.top) this.newPage();
  }

  /** Move the cursor down, no further than the bottom margin. */
  space(pt: number): void {
    this.y = Math.min(this.y + pt, this.bottom);
  }

  // ---- blocks ------------------------------------------------------------------------------

  /** A section: its own Sect structure element, an H1 and a bookmark, then whatever `draw` adds. */
  section(title: string, draw: () => void, opts: { newPage?: boolean } = {}): void {
    if (opts.newPage && this.y > this.top) this.newPage();
    const sect = this.doc.struct('Sect');
    this.root.add(sect);
    const outer = this.parent;
    this.parent = sect;
    this.heading(1, title);
    this.doc.outline.addItem(title);
    draw();
    this.parent = outer;
    sect.end();
    this.space(10);
  }

  /** A heading (H1 to H3), kept on the same page as the first lines below it. */
  heading(level: 1 | 2 | 3, text: string): void {
    const size = level === 1 ? 15 : level === 2 ? 11.5 : 10;
    const lh = this.lineHeight(size);
    const lines = this.wrap(text, 'bold', size, this.width);
    this.space(level === 1 ? 4 : 6);
    this.ensureSpace(lines.length * lh + 60);
    const y0 = this.y;
    this.tagged(`H${level}`, () => {
      lines.forEach((l, i) => this.line(l, this.left, y0 + i * lh, 'bold', size, level === 1 ? COLOURS.accent : COLOURS.text));
    });
    this.y = y0 + lines.length * lh;
    if (level === 1) {
      const ruleY = this.y + 1;
      this.artifact(() => {
        this.doc.moveTo(this.left, ruleY).lineTo(this.right, ruleY).lineWidth(1.2).strokeColor(COLOURS.accent).stroke();
      });
      this.y += 6;
    } else this.y += 3;
  }

  /** A paragraph that wraps and, when long, continues on the next page as the same P element. */
  paragraph(text: string, opts: { font?: FontName; size?: number; color?: string; indent?: number; gap?: number; type?: string } = {}): void {
    const font = opts.font ?? 'sans';
    const size = opts.size ?? 9;
    const color = opts.color ?? COLOURS.text;
    const indent = opts.indent ?? 0;
    const lh = this.lineHeight(size);
    const lines = this.wrap(text, font, size, this.width - indent);
    this.ensureSpace(Math.min(lines.length, 2) * lh);
    const el = this.doc.struct(opts.type ?? 'P');
    this.parent.add(el);
    let i = 0;
    while (i < lines.length) {
      if (this.y + lh > this.bottom) this.newPage();
      const fit = Math.max(1, Math.floor((this.bottom - this.y) / lh));
      const part = lines.slice(i, i + fit);
      const y0 = this.y;
      const content = this.doc.markStructureContent(opts.type ?? 'P');
      part.forEach((l, k) => this.line(l, this.left + indent, y0 + k * lh, font, size, color));
      this.doc.endMarkedContent();
      el.add(content);
      this.y = y0 + part.length * lh;
      i += part.length;
    }
    el.end();
    this.y += opts.gap ?? 4;
  }

  /** "Label  value" lines: the label in bold in a fixed column, the value wrapping beside it. */
  labelled(pairs: [string, string][], labelWidth = 110, size = 9): void {
    const lh = this.lineHeight(size);
    for (const [label, value] of pairs) {
      const lines = this.wrap(value, 'sans', size, this.width - labelWidth);
      const h = lines.length * lh;
      this.ensureSpace(h);
      const y0 = this.y;
      this.tagged('P', () => {
        // The trailing spaces are invisible; they keep label and value apart in extracted text.
        this.line(`${label} `, this.left, y0, 'bold', size, COLOURS.muted);
        lines.forEach((l, i) => this.line(l, this.left + labelWidth, y0 + i * lh, 'sans', size, COLOURS.text));
      });
      this.y = y0 + h + 2;
    }
    this.y += 4;
  }

  /** A row of key-figure tiles: a large value over a short caption, each tile one P element. */
  tiles(tiles: Tile[], perRow = 4): void {
    const gap = 8;
    const w = (this.width - gap * (perRow - 1)) / perRow;
    const capSize = 7.5;
    for (let r = 0; r < tiles.length; r += perRow) {
      const row = tiles.slice(r, r + perRow);
      const caps = row.map((t) => this.wrap(t.label, 'sans', capSize, w - 16));
      const h = 12 + 22 + Math.max(...caps.map((c) => c.length)) * this.lineHeight(capSize) + 8;
      this.ensureSpace(h);
      const y0 = this.y;
      row.forEach((t, i) => {
        const x = this.left + i * (w + gap);
        this.artifact(() => {
          this.doc.roundedRect(x, y0, w, h, 4).lineWidth(0.6).fillAndStroke(COLOURS.tileFill, COLOURS.rule);
          this.doc.rect(x, y0, 3, h).fill(t.color ?? COLOURS.accent);
        });
        this.tagged('P', () => {
          this.line(`${t.value} `, x + 10, y0 + 10, 'bold', 16, t.color ?? COLOURS.text);
          caps[i]!.forEach((l, k) => this.line(l, x + 10, y0 + 34 + k * this.lineHeight(capSize), 'sans', capSize, COLOURS.muted));
        });
      });
      this.y = y0 + h + gap;
    }
    this.y += 4;
  }

  // ---- tables ------------------------------------------------------------------------------

  /** A table whose rows never split across pages (unless taller than one), header repeated, cells wrapped. */
  table(spec: TableSpec): void {
    // Tagged as Table > THead/TBody > TR > TH/TD; the headers repeated on later pages are
    // pagination artifacts, so the structure holds the header row once.
    const size = spec.fontSize ?? 7.5;
    const lh = this.lineHeight(size);
    const padX = 4;
    const padY = 3;
    const widths = this.columnWidths(spec, size, padX);
    const xs = widths.map((_, i) => this.left + widths.slice(0, i).reduce((s, w) => s + w, 0));
    const headLines = spec.columns.map((c, i) => this.wrap(c.header, 'bold', size, widths[i]! - 2 * padX));
    const headH = Math.max(...headLines.map((l) => l.length)) * lh + 2 * padY;

    const table = this.doc.struct('Table');
    this.parent.add(table);
    const drawHeader = (tagged: boolean) => {
      const y0 = this.y;
      this.artifact(() => this.doc.rect(this.left, y0, this.width, headH).fill(COLOURS.headerFill));
      const drawCell = (i: number) => {
        const x = spec.columns[i]!.align === 'right' ? null : xs[i]! + padX;
        headLines[i]!.forEach((l, k) => {
          const lx = x ?? xs[i]! + widths[i]! - padX - this.textWidth(l.trimEnd(), 'bold', size);
          this.line(l, lx, y0 + padY + k * lh, 'bold', size, COLOURS.headerText);
        });
      };
      if (tagged) {
        const thead = this.doc.struct('THead');
        table.add(thead);
        const tr = this.doc.struct('TR');
        thead.add(tr);
        spec.columns.forEach((_, i) => {
          const th = this.tagged('TH', () => drawCell(i), tr);
          (th as unknown as StructWithDictionary).dictionary.data.A = { O: 'Table', Scope: 'Column' };
        });
        tr.end();
        thead.end();
      } else this.artifact(() => spec.columns.forEach((_, i) => drawCell(i)), 'Pagination');
      this.y = y0 + headH;
    };

    const layout = (row: Cell[], style: RowStyle | undefined) =>
      spec.columns.map((col, i) => {
        const { text, font, color } = cellLook(row[i], col, style);
        return { font, color, lines: this.wrap(text, font, size, widths[i]! - 2 * padX) };
      });

    const firstH = spec.rows[0] ? Math.max(...layout(spec.rows[0], spec.rowStyle?.(0)).map((c) => c.lines.length)) * lh + 2 * padY : 0;
    this.ensureSpace(headH + Math.min(firstH, 3 * lh + 2 * padY));
    drawHeader(true);
    const tbody = this.doc.struct('TBody');
    table.add(tbody);
    const pageBody = this.bottom - this.top - headH;

    spec.rows.forEach((row, r) => {
      const style = spec.rowStyle?.(r);
      const cells = layout(row, style);
      const rowLines = Math.max(...cells.map((c) => c.lines.length));
      const h = rowLines * lh + 2 * padY;
      // Move the row whole when it fits on a page; a taller row starts here if a few lines fit.
      if (this.y + h > this.bottom && (h <= pageBody || this.bottom - this.y < 3 * lh + 2 * padY)) {
        this.newPage();
        drawHeader(false);
      }
      const tr = this.doc.struct('TR');
      tbody.add(tr);
      const tds = spec.columns.map(() => {
        const td = this.doc.struct('TD');
        tr.add(td);
        return td;
      });
      let from = 0;
      while (from < rowLines) {
        if (this.bottom - this.y < lh + 2 * padY) {
          this.newPage();
          drawHeader(false);
        }
        const fit = Math.max(1, Math.floor((this.bottom - this.y - 2 * padY) / lh));
        const n = Math.min(fit, rowLines - from);
        const y0 = this.y;
        const ph = n * lh + 2 * padY;
        const fill = style?.fill ?? (r % 2 === 1 ? COLOURS.zebra : null);
        this.artifact(() => {
          if (fill) this.doc.rect(this.left, y0, this.width, ph).fill(fill);
          this.doc.moveTo(this.left, y0 + ph).lineTo(this.right, y0 + ph).lineWidth(0.4).strokeColor(COLOURS.rule).stroke();
        });
        cells.forEach((c, i) => {
          const part = c.lines.slice(from, from + n);
          const content = this.doc.markStructureContent('TD');
          part.forEach((l, k) => {
            const lx = spec.columns[i]!.align === 'right' ? xs[i]! + widths[i]! - padX - this.textWidth(l.trimEnd(), c.font, size) : xs[i]! + padX;
            this.line(l, lx, y0 + padY + k * lh, c.font, size, c.color);
          });
          this.doc.endMarkedContent();
          tds[i]!.add(content);
        });
        this.y = y0 + ph;
        from += n;
      }
      tds.forEach((td) => td.end());
      tr.end();
    });
    tbody.end();
    table.end();
    this.y += 8;
  }

  /**
   * Column widths the way a browser's automatic table layout finds them: no column narrower than
   * its longest word, none wider than its longest line, and the room between shared by weight.
   * Long tables are measured on a sample of rows, which is as good and keeps them fast.
   */
  private columnWidths(spec: TableSpec, size: number, padX: number): number[] {
    const n = spec.columns.length;
    const step = Math.max(1, Math.floor(spec.rows.length / 300));
    const min = spec.columns.map((c) => Math.max(0, ...c.header.split(/[ \n]/).map((word) => this.textWidth(word, 'bold', size))));
    const max = spec.columns.map((c) => Math.max(0, ...c.header.split('\n').map((l) => this.textWidth(l, 'bold', size))));
    for (let r = 0; r < spec.rows.length; r += step) {
      const row = spec.rows[r]!;
      const style = spec.rowStyle?.(r);
      spec.columns.forEach((col, i) => {
        const { text, font } = cellLook(row[i], col, style);
        for (const line of text.split('\n')) {
          max[i] = Math.max(max[i]!, this.textWidth(line, font, size));
          for (const word of line.split(' ')) min[i] = Math.max(min[i]!, this.textWidth(word, font, size));
        }
      });
    }
    // +1: wrap() keeps half a point in hand, so a column exactly as wide as its text would wrap it.
    const loAt = (cap: number) => min.map((m) => Math.min(m, cap) + 2 * padX + 1);
    const sum = (a: number[]) => a.reduce((s, x) => s + x, 0);
    // A column's longest word is its minimum, up to a cap; when even that is too wide for the page,
    // lower the cap until the minimums fit, so only the columns with the longest words break them.
    let cap = this.width * 0.22;
    if (sum(loAt(cap)) > this.width) {
      let a = 0;
      for (let k = 0; k < 30; k++) {
        const mid = (a + cap) / 2;
        if (sum(loAt(mid)) <= this.width) a = mid;
        else cap = mid;
      }
      cap = a;
    }
    const lo = loAt(cap);
    const hi = max.map((m, i) => Math.max(m + 2 * padX + 1, lo[i]!));
    const all = [...Array(n).keys()];
    const share = (cols: number[], room: number, weight: (i: number) => number) => {
      const total = cols.reduce((s, i) => s + weight(i), 0);
      return (i: number) => (total > 0 ? (room * weight(i)) / total : room / cols.length);
    };
    const prefer = (i: number) => spec.columns[i]!.weight;
    // While columns still wrap, one grows by its weight times what it still wants: a long title gets the room.
    const want = (i: number) => spec.columns[i]!.weight * Math.max(hi[i]! - lo[i]!, 1);
    if (sum(hi) <= this.width) {
      const extra = share(all, this.width - sum(hi), prefer);
      return hi.map((h, i) => h + extra(i));
    }
    if (sum(lo) > this.width) {
      const part = share(all, this.width, prefer);
      return lo.map((_, i) => part(i));
    }
    const widths = [...lo];
    let room = this.width - sum(lo);
    for (let pass = 0; pass < n && room > 0.5; pass++) {
      const open = all.filter((i) => widths[i]! < hi[i]! - 0.01);
      if (open.length === 0) break;
      const part = share(open, room, want);
      let used = 0;
      for (const i of open) {
        const add = Math.min(part(i), hi[i]! - widths[i]!);
        widths[i]! += add;
        used += add;
      }
      room -= used;
    }
    // Whatever is left (every column at its longest line) goes to the columns by weight.
    if (room > 0.5) {
      const part = share(all, room, prefer);
      return widths.map((w, i) => w + part(i));
    }
    return widths;
  }

  // ---- charts ------------------------------------------------------------------------------

  /** A filled rectangle; the fill colour it leaves set is forgotten so the next text sets its own. */
  private box(x: number, y: number, w: number, h: number, color: string): void {
    this.doc.rect(x, y, w, h).fill(color);
    this.fill = null;
  }

  /** A Figure element with alt text and its bounding box, holding everything `draw` paints. */
  private figure(alt: string, y0: number, height: number, draw: () => void): void {
    const fig = this.doc.struct('Figure', { alt });
    this.parent.add(fig);
    const h = this.doc.page.height;
    (fig as unknown as StructWithDictionary).dictionary.data.A = { O: 'Layout', BBox: [this.left, h - (y0 + height), this.right, h - y0] };
    const content = this.doc.markStructureContent('Figure');
    draw();
    this.fill = null;
    this.doc.endMarkedContent();
    fig.add(content);
    fig.end();
    this.y = y0 + height + 6;
  }

  /** The legend above a chart, drawn inside the chart's Figure: a swatch and a name per series. */
  private legend(series: { name: string; color: string }[], y: number): void {
    let x = this.left;
    for (const s of series) {
      // Not an artifact: opening one would close the Figure's marked content (pdfkit does so).
      this.box(x, y + 1.5, 7, 7, s.color);
      this.line(s.name, x + 10, y, 'sans', 7.5, COLOURS.text);
      x += 10 + this.textWidth(s.name, 'sans', 7.5) + 14;
    }
  }

  /** Stacked vector bars, one per category (a day), with text labels; `emptyText` when there is nothing to plot. */
  stackedBarChart(spec: { categories: string[]; series: ChartSeries[]; height: number; alt: string; emptyText: string; yLabel?: string }): void {
    const n = spec.categories.length;
    const totals = spec.categories.map((_, i) => spec.series.reduce((s, se) => s + Math.max(0, se.values[i] ?? 0), 0));
    const max = Math.max(0, ...totals);
    if (n === 0 || !(max > 0)) {
      this.paragraph(spec.emptyText, { color: COLOURS.muted });
      return;
    }
    const legendH = 14;
    const axisW = 34;
    const xLabelH = 14;
    const full = legendH + spec.height + xLabelH + 6;
    this.ensureSpace(full);
    const y0 = this.y;
    const plotX = this.left + axisW;
    const plotW = this.width - axisW;
    const plotY = y0 + legendH;
    const plotH = spec.height;
    const step = niceStep(max, 4);
    const top = Math.ceil(max / step) * step;
    const scale = plotH / top;
    const slot = plotW / n;
    const barW = Math.max(0.4, slot * (n > 40 ? 0.85 : 0.7));
    this.figure(spec.alt, y0, full, () => {
      this.legend(spec.series, y0);
      for (let v = 0; v <= top + 1e-9; v += step) {
        const gy = plotY + plotH - v * scale;
        this.doc.moveTo(plotX, gy).lineTo(plotX + plotW, gy).lineWidth(0.3).strokeColor(COLOURS.rule).stroke();
        const label = String(Math.round(v));
        this.line(label, plotX - 4 - this.textWidth(label, 'sans', 6.5), gy - 4, 'sans', 6.5, COLOURS.muted);
      }
      for (let i = 0; i < n; i++) {
        let acc = 0;
        const bx = plotX + i * slot + (slot - barW) / 2;
        for (const se of spec.series) {
          const v = Math.max(0, se.values[i] ?? 0);
          if (v === 0) continue;
          const bh = v * scale;
          this.box(bx, plotY + plotH - (acc + v) * scale, barW, bh, se.color);
          acc += v;
        }
      }
      this.doc.moveTo(plotX, plotY + plotH).lineTo(plotX + plotW, plotY + plotH).lineWidth(0.8).strokeColor(COLOURS.text).stroke();
      const every = Math.max(1, Math.ceil(n / 7));
      for (let i = 0; i < n; i += every) {
        const label = spec.categories[i]!;
        const lw = this.textWidth(label, 'sans', 6.5);
        const cx = Math.min(Math.max(plotX + i * slot + slot / 2 - lw / 2, plotX), plotX + plotW - lw);
        this.line(label, cx, plotY + plotH + 4, 'sans', 6.5, COLOURS.muted);
      }
      if (spec.yLabel) this.line(spec.yLabel, this.right - this.textWidth(spec.yLabel, 'sans', 7), y0 + 0.5, 'sans', 7, COLOURS.muted);
    });
  }

  /** Horizontal bars with their values, e.g. findings by severity; `emptyText` when all are zero. */
  barChart(spec: { bars: { label: string; value: number; color: string }[]; alt: string; emptyText: string }): void {
    const max = Math.max(0, ...spec.bars.map((b) => b.value));
    if (spec.bars.length === 0 || !(max > 0)) {
      this.paragraph(spec.emptyText, { color: COLOURS.muted });
      return;
    }
    const barH = 11;
    const gap = 5;
    const labelW = 60;
    const valueW = 40;
    const full = spec.bars.length * (barH + gap);
    this.ensureSpace(full);
    const y0 = this.y;
    const plotW = this.width - labelW - valueW;
    this.figure(spec.alt, y0, full, () => spec.bars.forEach((b, i) => {
      const by = y0 + i * (barH + gap);
      this.line(b.label, this.left, by + 1.5, 'sans', 8, COLOURS.text);
      this.box(this.left + labelW, by, plotW, barH, COLOURS.zebra);
      const w = (Math.max(0, b.value) / max) * plotW;
      if (w > 0) this.box(this.left + labelW, by, Math.max(w, 1), barH, b.color);
      this.line(String(b.value), this.left + labelW + plotW + 6, by + 1.5, 'bold', 8, COLOURS.text);
    }));
  }

  // ---- finishing -----------------------------------------------------------------------------

  /** Fill in the page total every footer shows, end the document and collect its bytes. */
  finish(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    const done = new Promise<Buffer>((resolve, reject) => {
      this.doc.on('data', (c: Buffer) => chunks.push(c));
      this.doc.on('end', () => resolve(Buffer.concat(chunks)));
      this.doc.on('error', reject);
    });
    const [glyphs] = this.totalFont.encode(String(this.pages));
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(COLOURS.muted.slice(i, i + 2), 16) / 255);
    this.total.end(`BT /${this.totalFont.id} 7 Tf ${r!.toFixed(3)} ${g!.toFixed(3)} ${b!.toFixed(3)} rg 0 0 Td <${glyphs.join('')}> Tj ET`);
    this.root.end();
    this.doc.end();
    return done;
  }
}

/** A cell's text and look, from the cell, its column and its row. */
function cellLook(c: Cell | undefined, col: Column, style: RowStyle | undefined): { text: string; font: FontName; color: string } {
  const cell = typeof c === 'string' || c === undefined ? { text: c ?? '' } : c;
  const font: FontName = cell.mono || col.mono ? 'mono' : cell.bold || style?.bold ? 'bold' : 'sans';
  return { text: cell.text, font, color: cell.color ?? style?.color ?? COLOURS.text };
}

/** An ISO time as "2026-12-04 02:00 UTC"; a missing one as an en dash. */
export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const s = d.toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, 16)} UTC`;
}

/** An ISO time as its UTC date; a missing one as an en dash. */
export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 10);
}

/** A percentage with one decimal, as the ledger's figures are rounded. */
export function fmtPercent(p: number): string {
  return `${(Math.round(p * 10) / 10).toFixed(1)} %`;
}
