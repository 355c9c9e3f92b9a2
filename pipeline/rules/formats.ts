/**
 * File signatures used to tell formats apart before decoding ("magic numbers", from each format's spec;
 * the list of binary types follows the `file(1)` magic database for the formats crawls commonly hold).
 */
export interface Signature {
  /** What the signature means: a container we extract, or a binary type we reject. */
  format: 'zip' | 'ole' | 'parquet' | 'pdf' | 'rtf' | 'binary';
  name: string;
  bytes: number[];
  offset?: number;
}

export const SIGNATURES: Signature[] = [
  { format: 'zip', name: 'zip', bytes: [0x50, 0x4b, 0x03, 0x04] }, // PKZIP local header: .docx, .zip
  { format: 'zip', name: 'zip_empty', bytes: [0x50, 0x4b, 0x05, 0x06] }, // empty archive
  { format: 'ole', name: 'ole2', bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1] }, // legacy .doc / .xls
  { format: 'parquet', name: 'parquet', bytes: [0x50, 0x41, 0x52, 0x31] }, // PAR1 (Apache Parquet file format spec)
  { format: 'binary', name: 'png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { format: 'binary', name: 'jpeg', bytes: [0xff, 0xd8, 0xff] },
  { format: 'binary', name: 'gif', bytes: [0x47, 0x49, 0x46, 0x38] },
  { format: 'pdf', name: 'pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF- (read for its text layer)
  { format: 'rtf', name: 'rtf', bytes: [0x7b, 0x5c, 0x72, 0x74, 0x66] }, // {\rtf (RTF 1.9.1 spec: every file opens so), a .doc often is one
  { format: 'binary', name: 'gzip', bytes: [0x1f, 0x8b] },
  { format: 'binary', name: 'bzip2', bytes: [0x42, 0x5a, 0x68] },
  { format: 'binary', name: 'xz', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { format: 'binary', name: '7z', bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
  { format: 'binary', name: 'rar', bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07] },
  { format: 'binary', name: 'elf', bytes: [0x7f, 0x45, 0x4c, 0x46] },
  { format: 'binary', name: 'webp_riff', bytes: [0x52, 0x49, 0x46, 0x46] },
  { format: 'binary', name: 'mp4', bytes: [0x66, 0x74, 0x79, 0x70], offset: 4 },
  { format: 'binary', name: 'sqlite', bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66] },
];

/** File-name extensions that mean HTML when the bytes alone are ambiguous. */
export const HTML_EXTENSIONS = ['.html', '.htm', '.xhtml', '.shtml', '.mhtml'];

/**
 * The header block of an MHTML archive (RFC 2557 MIME HTML; RFC 2045 MIME-Version; the files Internet Explorer,
 * Word's "single file web page", Firefox's MAF and Chrome write all open with it): headers from the first line
 * (`From: <Saved by …>`, `MIME-Version: 1.0` …), among them MIME-Version and a `multipart/related` Content-Type,
 * before the first blank line. Read by extract/mhtml.ts looksLikeMhtml on the file's first 16 KB.
 */
export const MHTML_HEADERS = {
  start: /^[A-Za-z][\w-]*:/,
  version: /^mime-version:\s*1\.0/im,
  related: /^content-type:\s*multipart\/related\b/im,
};

/** Opening of an HTML document (after BOM/whitespace), case-insensitive. */
export const HTML_START = /^\s*(<!doctype\s+html|<html[\s>]|<head[\s>]|<meta\s|<!--[\s\S]{0,500}?-->\s*<html)/i;

/**
 * Names of Office Open XML packages (ECMA-376; the extensions Office gives documents, macro-enabled files,
 * templates and shows), read as their kind instead of as a zip archive. A package under another name is still
 * recognised by its parts (pipeline/extract/archive.ts `ooxmlKind`).
 */
export const OOXML_EXTENSIONS: [RegExp, 'docx' | 'pptx' | 'xlsx'][] = [
  [/\.(?:docx|docm|dotx|dotm)$/i, 'docx'],
  [/\.(?:pptx|pptm|ppsx|ppsm|potx|potm)$/i, 'pptx'],
  [/\.(?:xlsx|xlsm|xltx|xltm)$/i, 'xlsx'],
];

/**
 * What a file's name says it is, for the names whose bytes often say otherwise: a `.doc` download from a Chinese
 * document site is as often an HTML page (Word's "save as web page", or the site's own page) or RTF as Word's
 * binary format, a `.docx` is sometimes a renamed `.doc`. When the bytes are another format the file is read as
 * what it is and the ledger row's detail says so (pipeline/stages/extract.ts `misnamed`).
 */
export const NAMED_FORMATS: [RegExp, string[]][] = [
  [/\.(?:doc|dot)$/i, ['doc']],
  [/\.wps$/i, ['doc', 'wps']],
  [/\.(?:docx|docm|dotx|dotm)$/i, ['docx']],
  [/\.pdf$/i, ['pdf']],
  [/\.rtf$/i, ['rtf']],
  [/\.(?:pptx|pptm|ppsx|ppsm|potx|potm)$/i, ['pptx']],
];
