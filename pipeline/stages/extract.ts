/**
 * extract: one raw file → its ledger entry and zero or more decoded text units.
 * Decides the format from signatures, extension and content; decodes text with detected encodings
 * (pipeline/extract/decode.ts); rejects binary, empty and undecodable files with a reason code.
 * Pure: the runner reads the bytes and hands them in; this never touches the file system.
 */
import { sha256Hex, unitId } from '../lib/ids.js';
import type { ExtractRecord, RawFileInfo } from '../lib/types.js';
import { decodeText, DECODE_DEFAULTS, type DecodeConfig } from '../extract/decode.js';
import { HTML_EXTENSIONS, HTML_START, SIGNATURES } from '../rules/formats.js';
import { extractHtml } from '../extract/html.js';
import { extractDocx } from '../extract/docx.js';
import { extractArchive } from '../extract/archive.js';
import { extractDoc } from '../extract/doc.js';

export interface RawInput {
  /** Path relative to the raw folder, `/`-separated. */
  path: string;
  bytes: Uint8Array;
}

export interface ExtractResult {
  info: RawFileInfo;
  units: ExtractRecord[];
}

export interface ExtractConfig {
  decode: DecodeConfig;
  /** Files larger than this are rejected as `too_large` before decoding (bytes). */
  maxFileBytes: number;
}

export const EXTRACT_DEFAULTS: ExtractConfig = { decode: DECODE_DEFAULTS, maxFileBytes: 256 * 1024 * 1024 };

export const extractStage = {
  name: 'extract',
  describe: 'decodes every raw file (encoding detected, not assumed), rejects binary, empty and undecodable files',
};

/** Which way a file is read: by signature first, then extension, then the opening bytes. */
export function sniffFormat(path: string, bytes: Uint8Array): { format: string; binary?: string } {
  for (const sig of SIGNATURES) {
    const off = sig.offset ?? 0;
    if (bytes.length >= off + sig.bytes.length && sig.bytes.every((b, i) => bytes[off + i] === b)) {
      if (sig.format === 'binary') return { format: 'binary', binary: sig.name };
      if (sig.format === 'ole') return { format: 'doc' };
      return { format: /\.docx$/i.test(path) ? 'docx' : 'zip' };
    }
  }
  const lower = path.toLowerCase();
  if (HTML_EXTENSIONS.some((e) => lower.endsWith(e))) return { format: 'html' };
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 2048)).replace(/^\ufeff|^\xef\xbb\xbf|^\xff\xfe|^\xfe\xff/, '').replace(/\0/g, '');
  if (HTML_START.test(head)) return { format: 'html' };
  return { format: 'text' };
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
      unit_id: unitId(input.path, info.sha256, null), source_file: input.path, source_member: null, source_sha256: info.sha256,
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
]);

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
  if (sniff.binary) return reject({ ...info, format: 'binary' }, 'binary', `${sniff.binary} signature`);
  const fn = registry.get(sniff.format);
  if (!fn) return reject({ ...info, format: sniff.format }, 'unsupported_format', `no extractor for ${sniff.format} files`);
  try {
    return await fn(input, info, cfg);
  } catch (err) {
    return reject({ ...info, format: sniff.format }, 'extract_error', errorLine(err));
  }
}
