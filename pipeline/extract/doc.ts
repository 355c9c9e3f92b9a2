/**
 * Legacy Word 97–2003 `.doc` files (OLE2 compound documents with a `WordDocument` stream), read with word-extractor
 * (a maintained pure-JavaScript parser of the binary format). WPS Office writes its `.wps` in the same Word binary
 * format, so a `.wps` that is such a file is read the same way (`format: 'wps'`); an OLE2 file that holds no Word
 * document (an Excel `.xls`, a PowerPoint `.ppt`) is rejected as `unsupported_doc`, a Word file
 * the parser cannot read as `corrupt_doc`; a `.wps` that is not Word's binary format (Microsoft Works, or Kingsoft's
 * formats before WPS 2000) as `unsupported_wps`. The body is the text: page headers and footers, footnotes, comments and
 * text boxes are other streams and are not read. Word's control marks (cell and row ends U+0007, page and section
 * breaks U+000C, field marks U+0013–U+0015) become line ends or go; the title is left to segment (the first line).
 */
import { createRequire } from 'node:module';
import { unitId } from '../lib/ids.js';
import { countChars } from '../lib/stage.js';
import type { RawFileInfo } from '../lib/types.js';
import type { ExtractConfig, ExtractResult, RawInput } from '../stages/extract.js';

interface WordDocument { getBody(): string }
interface WordExtractorClass { new (): { extract(source: Buffer): Promise<WordDocument> } }
const require = createRequire(import.meta.url);
let extractorClass: WordExtractorClass | null = null;
const wordExtractor = (): WordExtractorClass => (extractorClass ??= require('word-extractor') as WordExtractorClass);

/** Stream names (UTF-16LE in the OLE2 directory, [MS-CFB] 2.6.1) that say what an OLE2 file holds. */
const STREAMS: [string, string][] = [
  ['WordDocument', 'Word'], ['Workbook', 'an Excel workbook'], ['Book', 'an Excel 5 workbook'], ['PowerPoint Document', 'a PowerPoint deck'],
  // Microsoft Works word processor: `MatOST` (Works 3 and 4), `CONTENTS` (Works 2000 to 9, "Quill" format); libwps's
  // WPSParser tells the versions apart by these streams. Works used the `.wps` extension too.
  ['MatOST', 'a Microsoft Works 3/4 document'], ['CONTENTS', 'a Microsoft Works 2000+ document'],
];
const utf16 = (s: string) => Buffer.from(s, 'utf16le');

/** What an OLE2 file holds, from the stream names in its directory: `Word`, an Excel workbook … or null. */
export function oleKind(bytes: Uint8Array): string | null {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const [name, kind] of STREAMS) if (b.includes(utf16(name + '\0'))) return kind;
  return null;
}

/** The body text word-extractor gives, with Word's control marks turned into line ends or removed. */
export function docBodyText(body: string): string {
  return body
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0007\u000b\u000c]/g, '\n') // cell/row end, manual line break, page/section break
    .replace(/[\u0000-\u0008\u000e-\u001f]/g, '') // field marks and other control characters
    .split('\n').map((l) => l.replace(/\s+$/u, '')).join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * A `.wps` file that is not an OLE2 compound file: WPS Office writes `.wps` in Word's binary format (an OLE2 file)
 * since WPS 2000; Kingsoft's earlier WPS formats (DOS WPS, WPS 97) are binary formats of their own that no library
 * we can use reads, so such a file is rejected as `unsupported_wps` rather than decoded as text.
 */
export function rejectLegacyWps(info: RawFileInfo): ExtractResult {
  return { info: { ...info, format: 'wps', status: 'rejected', reason: 'unsupported_wps', detail: 'not an OLE2 compound file: an older Kingsoft WPS document (before WPS 2000) or another format named .wps; not read' }, units: [] };
}

/** The registered extractor for `doc` (OLE2) files, and for `.wps` files in Word's binary format. */
export async function extractDoc(input: RawInput, info: RawFileInfo, _cfg: ExtractConfig): Promise<ExtractResult> {
  const format = /\.wps$/i.test(input.path) ? 'wps' : 'doc';
  const base: RawFileInfo = { ...info, format, encoding: 'utf-16le', encoding_method: 'container' };
  const reject = (reason: string, detail: string): ExtractResult => ({ info: { ...base, status: 'rejected', reason, detail }, units: [] });
  // Every OLE2 directory starts with the root storage's entry: without it the file is cut short or damaged.
  if (!Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength).includes(utf16('Root Entry\0'))) return reject('corrupt_doc', 'no OLE2 directory (the file is truncated or damaged)');
  const kind = oleKind(input.bytes);
  // A `.wps` that is not WPS Office's Word binary (Microsoft Works wrote `.wps` too) has a code of its own.
  if (kind !== 'Word') return reject(format === 'wps' ? 'unsupported_wps' : 'unsupported_doc', `an OLE2 file without a Word document${kind ? ` (${kind})` : ''}: not read`);
  let text: string;
  try {
    const doc = await new (wordExtractor())().extract(Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength));
    text = docBodyText(doc.getBody());
  } catch (err) {
    const msg = (err as Error).message ?? String(err);
    return reject('corrupt_doc', `cannot read the Word file: ${msg.slice(0, 120)}`);
  }
  if (countChars(text) === 0) return reject('empty', 'no text in the document');
  return {
    info: base,
    units: [{
      unit_id: unitId(input.path, info.sha256, null), source_file: input.path, source_member: null, source_row: null, source_url: null, source_sha256: info.sha256,
      source_encoding: 'utf-16le', source_format: format, text, title: null, source_site: null, published: null,
    }],
  };
}
