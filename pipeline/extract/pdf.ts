/**
 * PDF files → one text unit from the text layer, read with pdfjs-dist (Mozilla's PDF.js): pages in order, each text
 * line a line (pdfjs's end-of-line marks, or a change of baseline), lines broken by the page width left for
 * segment's paragraph repair to rejoin. A page header or footer — a line at the top or bottom of every page that
 * is the same on each page once digits are set aside (`某某市人民政府文件`, `第 3 页`, `- 3 -`) — is removed: one
 * removal row per line (`pdf_running_header`, `pdf_running_footer`, `pdf_page_number`) in extract.removed.jsonl, and
 * the ledger row's detail counts them (lines and characters). A PDF whose pages carry
 * no text at all (a scan: images only; no OCR is done) is rejected as `no_text_layer`, a file pdfjs cannot parse
 * as `corrupt_pdf`, a password-protected one as `encrypted_pdf`.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { unitId } from '../lib/ids.js';
import { countChars } from '../lib/stage.js';
import type { RawFileInfo, Removal } from '../lib/types.js';
import type { ExtractConfig, ExtractResult, RawInput } from '../stages/extract.js';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjsModule: Promise<PdfJs> | null = null;
const pdfjs = (): Promise<PdfJs> => (pdfjsModule ??= import('pdfjs-dist/legacy/build/pdf.mjs'));
/** pdfjs's character maps (Chinese PDFs often use predefined CMaps such as UniGB-UCS2-H) and standard fonts. */
const pdfjsDir = (): string => path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

interface TextItem { str: string; hasEOL: boolean; transform: number[] }

/** One page's text lines from pdfjs's text items: a line ends at an end-of-line mark or a change of baseline. */
export function pageLines(items: readonly TextItem[]): string[] {
  const lines: string[] = [];
  let cur = '';
  let y: number | null = null;
  const flush = () => {
    const t = cur.replace(/\s+/gu, ' ').trim();
    if (t !== '') lines.push(t);
    cur = '';
  };
  for (const it of items) {
    const iy = it.transform[5] ?? 0;
    if (y !== null && it.str !== '' && Math.abs(iy - y) > 2) flush();
    if (it.str !== '') y = iy;
    cur += it.str;
    if (it.hasEOL) flush();
  }
  flush();
  return lines;
}

/**
 * A header or footer line that is only a page number once its digits are `#` (edgeKey): `3`, `- 3 -`, `— 3 —`,
 * `第 3 页`, `第3页 共6页`, `3 / 6`, `Page 3 of 6`, `·3·` — the forms word processors' page-number fields print
 * (LibreOffice's and WPS's defaults, 公文 format's `— 3 —`).
 */
const PAGE_NUMBER = /^(?:[-—–·•]?#[-—–·•]?|第#页(?:[，,]?共#页)?|#\/#|(?:page)?#(?:of#)?|共#页第#页)$/i;

/** The removal rule of a repeated header or footer line: a page number, else the running header or footer. */
export function edgeRule(line: string, edge: 'header' | 'footer'): string {
  return PAGE_NUMBER.test(edgeKey(line)) ? 'pdf_page_number' : `pdf_running_${edge}`;
}

/** How a header or footer line is compared across pages: digits (page numbers) and spaces set aside. */
const edgeKey = (line: string) => line.replace(/[0-9０-９]+/g, '#').replace(/\s+/gu, '');

/**
 * The top and bottom lines that repeat on every page (at most two each; two pages at least): how many lines to cut
 * at the top and at the bottom of each page.
 */
export function repeatedEdges(pages: readonly string[][], most = 2): { top: number; bottom: number } {
  if (pages.length < 2) return { top: 0, bottom: 0 };
  const same = (pick: (p: readonly string[]) => string | undefined): boolean => {
    const first = pick(pages[0]!);
    if (first === undefined || edgeKey(first) === '') return false;
    return pages.every((p) => { const l = pick(p); return l !== undefined && edgeKey(l) === edgeKey(first); });
  };
  let top = 0;
  while (top < most && same((p) => (p.length > top + 1 ? p[top] : undefined))) top++;
  let bottom = 0;
  while (bottom < most && same((p) => (p.length > top + bottom + 1 ? p[p.length - 1 - bottom] : undefined))) bottom++;
  return { top, bottom };
}

/** The registered extractor for `pdf` files. */
export async function extractPdf(input: RawInput, info: RawFileInfo, _cfg: ExtractConfig): Promise<ExtractResult> {
  const base: RawFileInfo = { ...info, format: 'pdf', encoding: 'utf-8', encoding_method: 'container' };
  const reject = (reason: string, detail: string): ExtractResult => ({ info: { ...base, status: 'rejected', reason, detail }, units: [] });
  const lib = await pdfjs();
  const dir = pdfjsDir();
  const pages: string[][] = [];
  let doc: Awaited<ReturnType<PdfJs['getDocument']>['promise']> | null = null;
  try {
    // pdfjs takes ownership of (detaches) the buffer it is given: hand it a copy.
    doc = await lib.getDocument({
      data: new Uint8Array(input.bytes), cMapUrl: path.join(dir, 'cmaps') + path.sep, cMapPacked: true,
      standardFontDataUrl: path.join(dir, 'standard_fonts') + path.sep, disableFontFace: true, isEvalSupported: false, useSystemFonts: false, verbosity: 0,
    }).promise;
    for (let p = 1; p <= doc.numPages; p++) {
      const page = await doc.getPage(p);
      const tc = await page.getTextContent();
      pages.push(pageLines(tc.items.filter((i) => 'str' in i) as unknown as TextItem[]));
      page.cleanup();
    }
  } catch (err) {
    const e = err as Error;
    if (e?.name === 'PasswordException') return reject('encrypted_pdf', 'the PDF needs a password');
    return reject('corrupt_pdf', `cannot read the PDF: ${e?.name ?? 'Error'}: ${String(e?.message ?? e).slice(0, 120)}`);
  } finally {
    await doc?.destroy();
  }
  if (pages.every((p) => p.length === 0)) return reject('no_text_layer', `${pages.length} page${pages.length === 1 ? '' : 's'} without a text layer (a scan? no OCR is done)`);
  const { top, bottom } = repeatedEdges(pages);
  const lines: string[] = [];
  const removed: Removal[] = [];
  let cutLines = 0;
  let cutChars = 0;
  let at = 0; // 1-based line of the text layer, pages in order, before anything is removed
  for (const p of pages) {
    for (let i = 0; i < p.length; i++) {
      const l = p[i]!;
      at++;
      const edge = i < top ? 'header' : i >= p.length - bottom ? 'footer' : null;
      if (edge === null) {
        lines.push(l);
        continue;
      }
      const chars = countChars(l);
      cutLines++;
      cutChars += chars;
      // One row per removed line (its text as an excerpt, masked like every removal): the rule says which edge.
      removed.push({ rule: edgeRule(l, edge), chars, line: at, text: l });
    }
  }
  if (countChars(lines.join('')) === 0) return reject('empty', 'no text besides page headers and footers');
  const facts = [`${pages.length} pages`];
  if (cutLines) facts.push(`page header/footer removed: ${top} top and ${bottom} bottom line${top + bottom > 1 ? 's' : ''} repeated on every page (${cutLines} lines, ${cutChars} characters)`);
  return {
    info: { ...base, detail: facts.join('; ') },
    removed,
    units: [{
      unit_id: unitId(input.path, info.sha256, null), source_file: input.path, source_member: null, source_row: null, source_url: null, source_sha256: info.sha256,
      source_encoding: 'utf-8', source_format: 'pdf', text: lines.join('\n'), title: null, source_site: null, published: null,
    }],
  };
}
