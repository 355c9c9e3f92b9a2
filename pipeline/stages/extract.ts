/**
 * extract: one raw file → its ledger entry and zero or more decoded text units.
 * Decides the format from signatures, extension and content; decodes text with detected encodings
 * (pipeline/extract/decode.ts); rejects binary, empty and undecodable files with a reason code.
 * Pure for files read as bytes: the runner reads them and hands them in. Formats read from their path (streamedFormat)
 * are opened by their extractors (PATH_EXTRACTORS).
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { sha256Hex, unitId } from '../lib/ids.js';
import type { ExtractRecord, RawFileInfo, Removal } from '../lib/types.js';
import { decodeText, DECODE_DEFAULTS, type DecodeConfig } from '../extract/decode.js';
import { HTML_EXTENSIONS, HTML_START, NAMED_FORMATS, OOXML_EXTENSIONS, SIGNATURES } from '../rules/formats.js';
import { extractHtml } from '../extract/html.js';
import { extractDocx } from '../extract/docx.js';
import { extractArchive, OOXML_REJECTS } from '../extract/archive.js';
import { extractPptx } from '../extract/pptx.js';
import { extractPdf } from '../extract/pdf.js';
import { extractWarc } from '../extract/warc.js';
import { extractDoc, rejectLegacyWps } from '../extract/doc.js';
import { extractRtf } from '../extract/rtf.js';
import { extractMhtml, looksLikeMhtml } from '../extract/mhtml.js';
import { extractRecordsPath, extractParquet, extractRecords, recordFormatOf, RECORD_DEFAULTS, type RecordColumns } from '../extract/records.js';

export interface RawInput {
  /** Path relative to the raw folder, `/`-separated. */
  path: string;
  bytes: Uint8Array;
}

/** A raw file read from its path, never whole in memory (Parquet, WARC): its ledger facts so far and where it is. */
export interface PathInput {
  /** Path relative to the raw folder, `/`-separated. */
  path: string;
  /** Absolute path on disk (the worker checked it is a regular file, not a link). */
  abs: string;
  bytes: number;
  sha256: string;
}

export interface ExtractResult {
  info: RawFileInfo;
  units: ExtractRecord[];
  /**
   * Spans extraction itself removed from the file's one unit (a PDF's running headers, footers and page numbers):
   * written to `extract.removed.jsonl` with the unit's id, counted in the report and in the ledger's chars_removed.
   */
  removed?: Removal[];
}

export interface ExtractConfig {
  decode: DecodeConfig;
  /** Files larger than this are rejected as `too_large` before decoding (bytes). */
  maxFileBytes: number;
  /** Record files (CSV, TSV, JSONL, JSON, Parquet): the columns set by name (`--text-column` …); null = found by common names. */
  records: RecordColumns;
}

export const EXTRACT_DEFAULTS: ExtractConfig = { decode: DECODE_DEFAULTS, maxFileBytes: 256 * 1024 * 1024, records: RECORD_DEFAULTS };

export const extractStage = {
  name: 'extract',
  describe: 'decodes every raw file (encoding detected, not assumed), rejects binary, empty and undecodable files',
};

/**
 * Formats read from the file's path as a stream instead of its bytes in memory (by file name): Parquet (DuckDB
 * reads it a chunk of rows at a time), WARC web archives, and the text record files (`records`: CSV, TSV, JSONL,
 * JSON, gzipped or not; read whole after all when their bytes are not UTF-8 or not what the name says). The raw-file
 * size limit does not apply to them.
 */
export function streamedFormat(path: string): string | null {
  if (/\.parquet$/i.test(path)) return 'parquet';
  if (/\.(?:csv|tsv|jsonl|ndjson|json)(?:\.gz)?$/i.test(path)) return 'records';
  if (/\.warc(?:\.gz)?$/i.test(path)) return 'warc';
  return null;
}

/** Which way a file is read: by signature first, then extension, then the opening bytes. */
export function sniffFormat(path: string, bytes: Uint8Array): { format: string; binary?: string } {
  // Record files by name: gzipped ones (`.jsonl.gz`) by name and the gzip signature together; others by name
  // unless their bytes carry a container or binary signature (a `.json` that is really a PNG stays binary).
  const rec = recordFormatOf(path);
  if (rec && rec.format !== 'parquet') {
    const gz = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
    if (rec.gzip ? gz : !SIGNATURES.some((sig) => matches(sig, bytes))) return { format: rec.format };
  }
  for (const sig of SIGNATURES) {
    const off = sig.offset ?? 0;
    if (bytes.length >= off + sig.bytes.length && sig.bytes.every((b, i) => bytes[off + i] === b)) {
      if (sig.format === 'parquet' || sig.format === 'pdf' || sig.format === 'rtf') return { format: sig.format };
      if (sig.format === 'binary') return { format: 'binary', binary: sig.name };
      if (sig.format === 'ole') return { format: 'doc' };
      return { format: OOXML_EXTENSIONS.find(([re]) => re.test(path))?.[1] ?? 'zip' };
    }
  }
  // An MHTML archive under any name (`.mht`, `.mhtml`, a Word "single file web page" named `.doc`): its MIME headers.
  if (looksLikeMhtml(bytes)) return { format: 'mhtml' };
  const lower = path.toLowerCase();
  if (HTML_EXTENSIONS.some((e) => lower.endsWith(e))) return { format: 'html' };
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 2048)).replace(/^\ufeff|^\xef\xbb\xbf|^\xff\xfe|^\xfe\xff/, '').replace(/\0/g, '');
  if (HTML_START.test(head)) return { format: 'html' };
  return { format: 'text' };
}

function matches(sig: (typeof SIGNATURES)[number], bytes: Uint8Array): boolean {
  const off = sig.offset ?? 0;
  return bytes.length >= off + sig.bytes.length && sig.bytes.every((b, i) => bytes[off + i] === b);
}

/** Newlines: CRLF and lone CR become LF. */
export function normalizeNewlines(s: string): string {
  return s.replace(/\r\n?/g, '\n');
}

function baseInfo(input: RawInput, sha: string): RawFileInfo {
  return { path: input.path, bytes: input.bytes.length, sha256: sha, format: null, encoding: null, encoding_method: null, status: 'ok', reason: null, detail: null };
}

export function reject(info: RawFileInfo, reason: string, detail: string): ExtractResult {
  return { info: { ...info, status: 'rejected', reason, detail }, units: [] };
}

/** Extract a plain-text file. */
export function extractText(input: RawInput, info: RawFileInfo, cfg: ExtractConfig): ExtractResult {
  const d = decodeText(input.bytes, cfg.decode);
  if (!d.ok) return reject({ ...info, format: 'text' }, d.reason, d.detail);
  const text = normalizeNewlines(d.text);
  const detail = d.replaced > 0 ? `${d.replaced} invalid byte sequences replaced by U+FFFD` : null;
  const out: RawFileInfo = { ...info, format: 'text', encoding: d.encoding, encoding_method: d.method, detail };
  if (text.trim().length === 0) return reject(out, 'empty', 'only whitespace after decoding');
  return {
    info: out,
    units: [{
      unit_id: unitId(input.path, info.sha256, null), source_file: input.path, source_member: null, source_row: null, source_url: null, source_sha256: info.sha256,
      source_encoding: d.encoding, source_format: 'text', text, title: null, source_site: null, published: null,
    }],
  };
}

/** Registered extractors for container formats (HTML, Word, archives) — see pipeline/extract/. */
export type Extractor = (input: RawInput, info: RawFileInfo, cfg: ExtractConfig) => Promise<ExtractResult> | ExtractResult;
export const EXTRACTORS: ReadonlyMap<string, Extractor> = new Map<string, Extractor>([
  ['text', extractText],
  ['html', extractHtml],
  ['docx', extractDocx],
  ['zip', extractArchive],
  ['doc', extractDoc],
  ['pptx', extractPptx],
  ['pdf', extractPdf],
  ['rtf', extractRtf],
  ['mhtml', extractMhtml],
  ['xlsx', (input, info) => reject({ ...info, format: 'xlsx' }, 'unsupported_format', OOXML_REJECTS['xlsx']!)],
  ['csv', extractRecords],
  ['tsv', extractRecords],
  ['jsonl', extractRecords],
  ['json', extractRecords],
]);

/**
 * Where a streamed extractor hands each unit as soon as it has it, instead of keeping it in its result (the runner
 * sends a file's units on through the stages a chunk at a time: worker.ts `runStreamed`). Awaited: the extractor
 * reads no further until the sink has taken the unit. With a sink, the result's `units` is empty.
 */
export type UnitSink = (u: ExtractRecord) => Promise<void> | void;

/** Extractors of the formats read from their path (streamedFormat): Parquet, WARC. */
export type PathExtractor = (abs: string, info: RawFileInfo, cfg: ExtractConfig, sink?: UnitSink) => Promise<ExtractResult>;
export const PATH_EXTRACTORS: ReadonlyMap<string, PathExtractor> = new Map<string, PathExtractor>([
  ['parquet', extractParquet],
  ['warc', extractWarc],
  ['records', extractRecordsFromPath],
]);

/** Bytes of a streamed record file's head that sniffFormat looks at. */
const HEAD_BYTES = 4096;

/**
 * A record file from its path when its opening bytes agree with its name (sniffFormat: a `.jsonl.gz` is gzip, a
 * `.json` carries no container or binary signature); else it is read whole like any file (within the size limit),
 * so a PNG named `.json` is still `binary`.
 */
async function extractRecordsFromPath(abs: string, info: RawFileInfo, cfg: ExtractConfig, sink?: UnitSink): Promise<ExtractResult> {
  const head = Buffer.alloc(HEAD_BYTES);
  const fd = openSync(abs, 'r');
  let n: number;
  try {
    n = readSync(fd, head, 0, HEAD_BYTES, 0);
  } finally {
    closeSync(fd);
  }
  if (sniffFormat(info.path, head.subarray(0, n)).format === recordFormatOf(info.path)?.format) return extractRecordsPath(abs, info, cfg, sink);
  if (info.bytes > cfg.maxFileBytes) return reject(info, 'too_large', `${info.bytes} bytes > limit ${cfg.maxFileBytes}`);
  const r = await extractFile({ path: info.path, bytes: readFileSync(abs) }, cfg);
  if (!sink) return r;
  for (const u of r.units) await sink(u);
  return { ...r, units: [] };
}

/**
 * A file read from its path (streamedFormat): like extractFile, but the extractor streams the file itself; with a
 * `sink`, its units go there one by one, none kept (a 1 GB archive never has its units in memory together).
 */
export async function extractPath(input: PathInput, cfg: ExtractConfig = EXTRACT_DEFAULTS, sink?: UnitSink): Promise<ExtractResult> {
  const info: RawFileInfo = { path: input.path, bytes: input.bytes, sha256: input.sha256, format: null, encoding: null, encoding_method: null, status: 'ok', reason: null, detail: null };
  if (input.bytes === 0) return reject(info, 'empty', 'zero bytes');
  const format = streamedFormat(input.path)!;
  // What the sink throws (the run's own plumbing: a stage bug, a closed channel) is no fault of the file: it goes
  // on up, whatever the extractor made of it.
  let failed: { err: unknown } | null = null;
  const guarded: UnitSink | undefined = sink && (async (u) => {
    try {
      await sink(u);
    } catch (err) {
      failed ??= { err };
      throw err;
    }
  });
  let r: ExtractResult;
  try {
    r = await PATH_EXTRACTORS.get(format)!(input.abs, info, cfg, guarded);
  } catch (err) {
    r = reject({ ...info, format }, 'extract_error', errorLine(err));
  }
  if (failed) throw (failed as { err: unknown }).err;
  return r;
}

/** An exception's first line, for a ledger detail: the message libraries throw, never the file's content. */
export function errorLine(err: unknown): string {
  const line = String(err instanceof Error ? `${err.name}: ${err.message}` : err).split('\n')[0]!.trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/**
 * One raw file through the extractor of its format. Never throws on bad input: an exception from an extractor
 * (Readability, linkedom, mammoth, jszip…) rejects the file as `extract_error` and the run goes on.
 * `registry` is for tests; the runner uses the default.
 */
export async function extractFile(input: RawInput, cfg: ExtractConfig = EXTRACT_DEFAULTS, registry: ReadonlyMap<string, Extractor> = EXTRACTORS): Promise<ExtractResult> {
  const info = baseInfo(input, sha256Hex(input.bytes));
  if (input.bytes.length === 0) return reject(info, 'empty', 'zero bytes');
  if (input.bytes.length > cfg.maxFileBytes) return reject(info, 'too_large', `${input.bytes.length} bytes > limit ${cfg.maxFileBytes}`);
  const sniff = sniffFormat(input.path, input.bytes);
  // A `.wps` is read when its bytes are Word's binary format or another format we read by signature (an HTML or
  // RTF page saved under that name); anything else (Kingsoft's DOS-era formats are text with control codes) is not.
  if (/\.wps$/i.test(input.path) && !['doc', 'html', 'rtf', 'pdf', 'docx', 'mhtml'].includes(sniff.format)) return rejectLegacyWps(info);
  if (sniff.binary) return reject({ ...info, format: 'binary' }, 'binary', `${sniff.binary} signature`);
  if (sniff.format === 'parquet') return reject({ ...info, format: 'parquet' }, 'unsupported_format', 'a Parquet file is read only under a .parquet name');
  const fn = registry.get(sniff.format);
  if (!fn) return reject({ ...info, format: sniff.format }, 'unsupported_format', `no extractor for ${sniff.format} files`);
  let r: ExtractResult;
  try {
    r = await fn(input, info, cfg);
  } catch (err) {
    r = reject({ ...info, format: sniff.format }, 'extract_error', errorLine(err));
  }
  const note = misnamed(input.path, r.info.format ?? sniff.format);
  return note ? { ...r, info: { ...r.info, detail: r.info.detail ? `${note}; ${r.info.detail}` : note } } : r;
}

/** Names of the formats as a ledger detail says them. */
const FORMAT_NAMES: Record<string, string> = { mhtml: 'an MHTML archive', html: 'an HTML page', rtf: 'an RTF document', text: 'plain text', doc: 'a Word 97-2003 document', docx: 'a Word document', pdf: 'a PDF', zip: 'a zip archive', pptx: 'a PowerPoint deck' };

/**
 * The ledger's note for a file whose bytes are not what its name says (rules/formats.ts NAMED_FORMATS): `named
 * .doc, but an HTML page: read as HTML`; null when they agree or the name says nothing.
 */
export function misnamed(path: string, format: string): string | null {
  const named = NAMED_FORMATS.find(([re]) => re.test(path));
  if (!named || named[1].includes(format)) return null;
  const ext = /\.[^./]+$/.exec(path)![0].toLowerCase();
  return `named ${ext}, but ${FORMAT_NAMES[format] ?? `a ${format} file`}: read as ${format === 'text' ? 'text' : format.toUpperCase()}`;
}
