/**
 * Word `.docx` files → one text unit. The package is first inflated under the archive limits (a docx is a zip:
 * pipeline/extract/archive.ts), then mammoth converts it to HTML: Word headings become `<h1>`–`<h6>`, paragraphs
 * `<p>`, list items `<li>`, tables `<table>`. Each block becomes a line (pipeline/extract/html.ts `blockLines`).
 * Title: the first block when it is a heading, or a paragraph set wholly in bold (how most Word reports set their
 * title without a heading style), and short enough to be a title; it goes to the unit's `title` and out of the
 * text. Images are not read; footnote back-links (`↑`) are dropped.
 */
import { lazy } from '../lib/lazy.js';
import { unitId } from '../lib/ids.js';
import { countChars } from '../lib/stage.js';
import type { RawFileInfo } from '../lib/types.js';
import type { ExtractConfig, ExtractResult, RawInput } from '../stages/extract.js';
import { blockLines } from './html.js';
import { ARCHIVE_DEFAULTS, ArchiveLimitError, openZip, readMember, isDocxPackage, type ArchiveLimits } from './archive.js';

const mammoth = lazy<typeof import('mammoth')>('mammoth');
const linkedom = lazy<typeof import('linkedom')>('linkedom');

export interface DocxConfig {
  /** Longest first block taken as the title (countChars); segment's own limit is 60. */
  maxTitleChars: number;
}

export const DOCX_DEFAULTS: DocxConfig = { maxTitleChars: 60 };

type Cfg = ExtractConfig & { docx?: DocxConfig; archive?: ArchiveLimits };

/** A block that closes a sentence is body text, not a title. */
const SENTENCE_END = /[。；;！!？?：:，,]$/u;

/** Title and body lines of mammoth's HTML. */
export function docxHtmlToText(html: string, cfg: DocxConfig = DOCX_DEFAULTS): { title: string | null; lines: string[] } {
  const { document } = linkedom().parseHTML(`<!DOCTYPE html><html><head></head><body>${html}</body></html>`) as unknown as { document: Document };
  for (const a of Array.from(document.querySelectorAll('a[href^="#footnote-ref"], a[href^="#endnote-ref"]'))) a.remove();
  const body = document.body;
  let title: string | null = null;
  const first = Array.from(body.children).find((e) => (e.textContent ?? '').trim() !== '');
  if (first) {
    const text = (first.textContent ?? '').replace(/\s+/gu, ' ').trim();
    const tag = first.tagName.toUpperCase();
    const bold = Array.from(first.querySelectorAll('strong, b')).map((b) => b.textContent ?? '').join('');
    const isHeading = /^H[1-6]$/.test(tag) || (tag === 'P' && countChars(bold) === countChars(text));
    if (isHeading && countChars(text) <= cfg.maxTitleChars && !SENTENCE_END.test(text)) {
      title = text;
      first.remove();
    }
  }
  return { title, lines: blockLines(body) };
}

/** Inflates every part under the archive limits, so mammoth never sees a bomb. Throws ArchiveLimitError. */
async function checkPackage(bytes: Uint8Array, limits: ArchiveLimits): Promise<boolean> {
  const budget = { bytes: 0, members: 0 };
  const zip = await openZip(bytes, limits, budget, {});
  for (const f of Object.values(zip.files)) if (!f.dir) await readMember(f, limits, budget);
  return isDocxPackage(zip);
}

/** The registered extractor for `docx` files (and Word packages found inside archives). */
export async function extractDocx(input: RawInput, info: RawFileInfo, cfg: Cfg): Promise<ExtractResult> {
  const base: RawFileInfo = { ...info, format: 'docx', encoding: 'utf-8', encoding_method: 'container' };
  const reject = (reason: string, detail: string): ExtractResult => ({ info: { ...base, status: 'rejected', reason, detail }, units: [] });
  let html: string;
  try {
    if (!(await checkPackage(input.bytes, cfg.archive ?? ARCHIVE_DEFAULTS))) return reject('corrupt_docx', 'no word/document.xml in the package');
    const r = await mammoth().convertToHtml(
      { buffer: Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength) },
      { convertImage: mammoth().images.imgElement(() => Promise.resolve({ src: '' })) },
    );
    html = r.value;
  } catch (err) {
    if (err instanceof ArchiveLimitError) return reject(err.reason, err.detail);
    return reject('corrupt_docx', `cannot read the Word file: ${(err as Error).message.slice(0, 120)}`);
  }
  const { title, lines } = docxHtmlToText(html, cfg.docx ?? DOCX_DEFAULTS);
  if (countChars(lines.join('')) === 0) return reject('empty', title ? 'only a title, no body text' : 'no text in the document');
  return {
    info: base,
    units: [{
      unit_id: unitId(input.path, info.sha256, null), source_file: input.path, source_member: null, source_row: null, source_url: null, source_sha256: info.sha256,
      source_encoding: 'utf-8', source_format: 'docx', text: lines.join('\n'), title, source_site: null, published: null,
    }],
  };
}
