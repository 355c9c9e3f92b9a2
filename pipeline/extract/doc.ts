/**
 * Legacy Word 97–2003 `.doc` files (OLE2 compound documents with a `WordDocument` stream), read with word-extractor
 * (a maintained pure-JavaScript parser of the binary format). WPS Office writes its `.wps` in the same Word binary
 * format, so a `.wps` that is such a file is read the same way (`format: 'wps'`); an OLE2 file that holds no Word
 * document (an Excel `.xls`, a PowerPoint `.ppt`) is rejected as `unsupported_doc`, a Word file
 * the parser cannot read as `corrupt_doc`; a `.wps` that is not Word's binary format (Microsoft Works, or Kingsoft's
 * formats before WPS 2000) as `unsupported_wps`. The body is the text: page headers and footers, footnotes, comments and
 * text boxes are other streams and are not read. Word's control marks (cell and row ends U+0007, page and section
 * breaks U+000C, field marks U+0013–U+0015) become line ends or go; the title is left to segment (the first line).
 *
 * Encrypted files are told apart before parsing, from the compound file's directory read with cfb (SheetJS's
 * reader of [MS-CFB]): an OLE2 file holding an `EncryptedPackage` stream is a password-protected Office Open XML
 * package ([MS-OFFCRYPTO] 2.3.4: Office encrypts a `.docx` into such a wrapper) → `encrypted_docx` (or
 * `encrypted_office` under another name than a Word one); a Word file whose FIB sets fEncrypted or fObfuscated
 * ([MS-DOC] 2.5.2: RC4 or XOR password protection), or that carries a rights-managed `\tDRMContent` stream (IRM:
 * its `WordDocument` holds only Office's "Permission for this document is currently restricted" notice) →
 * `encrypted_doc`. None of them is decrypted: no password is known.
 */
import { createRequire } from 'node:module';
import { lazy } from '../lib/lazy.js';
import { OOXML_EXTENSIONS } from '../rules/formats.js';
import { unitId } from '../lib/ids.js';
import { countChars } from '../lib/stage.js';
import type { RawFileInfo } from '../lib/types.js';
import type { ExtractConfig, ExtractResult, RawInput } from '../stages/extract.js';

interface WordDocument { getBody(): string }
interface WordExtractorClass { new (): { extract(source: Buffer): Promise<WordDocument> } }
const require = createRequire(import.meta.url);
let extractorClass: WordExtractorClass | null = null;
const wordExtractor = (): WordExtractorClass => {
  if (!extractorClass) {
    fixDeletionMarks(require('word-extractor/lib/word-ole-extractor.js') as { prototype: Record<string, unknown> });
    extractorClass = require('word-extractor') as WordExtractorClass;
  }
  return extractorClass;
};

/** A piece of word-extractor's piece table: its bytes' offset in the WordDocument stream, size, bytes per character, text. */
interface Piece { startFilePos: number; size: number; bpc: number; text: string }

/** Operand sizes by a Sprm's spra ([MS-DOC] 2.2.5.1); 6 is variable (a length byte first). */
const SPRA_SIZE = [1, 1, 2, 4, 2, 2, -1, 3];
/** sprmCFRMarkDel ([MS-DOC] 2.6.1): the run is a tracked deletion when its operand's low bit is set. */
const SPRM_CF_RMARK_DEL = 0x0800;

/**
 * Replaces word-extractor's (1.0.4) reading of tracked deletions. It takes every character Sprm whose index bits
 * are 0 for sprmCFRMarkDel instead of comparing the whole Sprm, so the Sprms Kingsoft WPS Office writes in its
 * character runs (0x4A60, 0x8840: same index bits, other operand kinds) blanked real text: of the 15 WPS Office
 * `.wps` files in tests/fixtures/office/wps (README), 9 lost 25-98 % of their body (one kept "附件4" of a 180-
 * character table). This walks the same structures ([MS-DOC] 2.4.2: PlcBteChpx → ChpxFkp pages → Chpx grpprl)
 * and blanks a run (with NULs, which word-extractor then drops) only for sprmCFRMarkDel itself. Hand-written:
 * the library has no option for it and the fix is not released.
 */
function fixDeletionMarks(ole: { prototype: Record<string, unknown> }): void {
  ole.prototype['writeCharacterProperties'] = function (this: { _pieces: Piece[] }, doc: Buffer, table: Buffer): void {
    const fc = doc.readUInt32LE(0x00fa);
    const lcb = doc.readUInt32LE(0x00fe);
    if (lcb < 4 || fc + lcb > table.length) return;
    const n = (lcb - 4) / 8;
    const plc = table.subarray(fc, fc + lcb);
    for (let i = 0; i < n; i++) {
      const pn = plc.readUInt32LE((n + 1) * 4 + i * 4);
      const fkp = doc.subarray(pn * 512, pn * 512 + 512);
      if (fkp.length < 512) continue;
      const crun = fkp[511]!;
      for (let j = 0; j < crun; j++) {
        const rgb = fkp[(crun + 1) * 4 + j]!;
        if (rgb === 0) continue;
        const cb = fkp[rgb * 2]!;
        const grpprl = fkp.subarray(rgb * 2 + 1, rgb * 2 + 1 + cb);
        let deleted = false;
        for (let o = 0; o + 2 <= grpprl.length;) {
          const sprm = grpprl.readUInt16LE(o);
          o += 2;
          if (sprm === SPRM_CF_RMARK_DEL && (grpprl[o]! & 1) === 1) deleted = true;
          const size = SPRA_SIZE[sprm >> 13]!;
          o += size >= 0 ? size : (grpprl[o] ?? 0) + 1;
        }
        if (deleted) blank(this._pieces, fkp.readUInt32LE(j * 4), fkp.readUInt32LE((j + 1) * 4));
      }
    }
  };
}

/** Sets the characters at file positions [start, end) of every piece they fall in to NUL (the piece's length kept). */
function blank(pieces: Piece[], start: number, end: number): void {
  for (const p of pieces) {
    const s = Math.max(start, p.startFilePos);
    const e = Math.min(end, p.startFilePos + p.size);
    if (s >= e) continue;
    const a = Math.floor((s - p.startFilePos) / p.bpc);
    const b = Math.floor((e - p.startFilePos) / p.bpc);
    p.text = p.text.slice(0, a) + '\0'.repeat(b - a) + p.text.slice(b);
  }
}

/** Stream names (UTF-16LE in the OLE2 directory, [MS-CFB] 2.6.1) that say what an OLE2 file holds. */
const STREAMS: [string, string][] = [
  ['WordDocument', 'Word'], ['Workbook', 'an Excel workbook'], ['Book', 'an Excel 5 workbook'], ['PowerPoint Document', 'a PowerPoint deck'],
  // Microsoft Works word processor: `MatOST` (Works 3 and 4), `CONTENTS` (Works 2000 to 9, "Quill" format); libwps's
  // WPSParser tells the versions apart by these streams. Works used the `.wps` extension too.
  ['MatOST', 'a Microsoft Works 3/4 document'], ['CONTENTS', 'a Microsoft Works 2000+ document'],
];
const utf16 = (s: string) => Buffer.from(s, 'utf16le');
const cfb = lazy<typeof import('cfb')>('cfb');

/** Word names: an encrypted OOXML package under one of them is a Word document (`encrypted_docx`). */
const WORD_NAME = /\.(?:docx|docm|dotx|dotm|doc|dot|wps)$/i;

/**
 * Why an OLE2 file cannot be read without its password ([MS-OFFCRYPTO], [MS-DOC] 2.5.2), or null: its reason code
 * and detail. `path` picks the code of an encrypted OOXML package (a Word name or another).
 */
export function encryptedOle(bytes: Uint8Array, path: string): { reason: string; detail: string; format?: string } | null {
  let c: import('cfb').CFB$Container;
  try {
    c = cfb().read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { type: 'buffer' });
  } catch {
    return null; // a damaged directory is word-extractor's to report (corrupt_doc)
  }
  const entry = (name: string) => {
    const i = c.FullPaths.indexOf(`${c.FullPaths[0]}${name}`);
    return i < 0 ? null : c.FileIndex[i]!;
  };
  if (entry('EncryptedPackage')) {
    const format = OOXML_EXTENSIONS.find(([re]) => re.test(path))?.[1];
    return WORD_NAME.test(path)
      ? { reason: 'encrypted_docx', detail: 'a password-protected Word document (an encrypted Office Open XML package): not read', format: format ?? 'docx' }
      : { reason: 'encrypted_office', detail: 'a password-protected Office document (an encrypted Office Open XML package): not read', ...(format ? { format } : {}) };
  }
  if (entry('\tDRMContent')) return { reason: 'encrypted_doc', detail: 'a rights-managed (IRM) Word document: its text is encrypted, not read' };
  const wd = entry('WordDocument')?.content;
  if (wd && wd.length >= 12) {
    const flags = wd[0x0a]! | (wd[0x0b]! << 8);
    if (flags & 0x0100) return { reason: 'encrypted_doc', detail: 'a password-protected Word document (FIB fEncrypted): not read' };
    if (flags & 0x8000) return { reason: 'encrypted_doc', detail: 'a password-protected Word document (FIB fObfuscated): not read' };
  }
  return null;
}

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
  const locked = encryptedOle(input.bytes, input.path);
  if (locked) return { info: { ...base, format: locked.format ?? format, status: 'rejected', reason: locked.reason, detail: locked.detail }, units: [] };
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
