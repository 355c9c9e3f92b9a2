/**
 * The records that flow between stages. Every stage reads one of these shapes and writes one;
 * `schemas/<stage>.schema.json` is the machine-checked version of the same contract.
 */

/** How a raw file came out of extraction: one per raw file, the ledger's starting point. */
export interface RawFileInfo {
  /** Path relative to the raw folder, `/`-separated (file names in legacy encodings are decoded). */
  path: string;
  bytes: number;
  sha256: string;
  /** Decided format: `text`, `html`, `docx`, `doc`, `pptx`, `pdf`, `zip`, `csv`, `tsv`, `jsonl`, `json`, `parquet`, `warc`, or null when the file was rejected before that. */
  format: string | null;
  /** WHATWG encoding label used to decode (`utf-8`, `utf-16le`, `gb18030`, `big5`…), null if not decoded. */
  encoding: string | null;
  /** How the encoding was decided: `bom`, `utf8_valid`, `detector:<name>:<confidence>`, `meta`, `container`… */
  encoding_method: string | null;
  /** `skipped`: not a source by design (raw/SOURCES.md, hidden files); `rejected`: could not be used. */
  status: 'ok' | 'rejected' | 'skipped';
  /** Reason code when rejected or skipped (`empty`, `binary`, `undecodable`, `unreadable`…), else null. */
  reason: string | null;
  /** A one-line human explanation of `reason` (never file content). */
  detail: string | null;
}

/** One decoded text unit: a text file, an HTML page, a Word document, or one member of an archive. */
export interface ExtractRecord {
  /** Stable id of the unit: `u_` + hex, derived from path, member and content hash. */
  unit_id: string;
  source_file: string;
  /** Member path inside an archive (`.zip`), a WARC page's record id, a record's own id (`--id-column`), else null. */
  source_member: string | null;
  /** 1-based record number in a record file (CSV/TSV/JSONL/JSON array/Parquet: data rows, header not counted), else null. */
  source_row: number | null;
  /** The page's address: a WARC record's target URI, or a record file's url column; else null. */
  source_url: string | null;
  source_sha256: string;
  source_encoding: string;
  source_format: string;
  /** Decoded text with `\n` line ends (CR and CRLF normalised); line numbers below refer to it. */
  text: string;
  /** Metadata the container gave (HTML `<title>`, meta tags, Word headings), else null. */
  title: string | null;
  source_site: string | null;
  published: string | null;
}

export type Script = 'Hans' | 'Hant' | 'mixed';

/**
 * A document from segmentation onward. Fields are filled by the stage that owns them and are null
 * before it: `genre` by segment, `script_original`/`n_masks` by normalize, `author_affiliation` by clean,
 * `duplicates` by dedupe.
 */
export interface Doc {
  /** `jw_` + 20 hex: sha256 of source path, content hash, member and segment ordinal. */
  id: string;
  source_file: string;
  source_member: string | null;
  source_row: number | null;
  source_url: string | null;
  source_sha256: string;
  source_encoding: string;
  source_format: string;
  /** 1-based ordinal of the document in its source unit. */
  segment: number;
  /** 1-based first and last line of the document in the decoded source text. */
  line_start: number;
  line_end: number;
  title: string | null;
  subtitle: string | null;
  /** Body paragraphs, in order, without the title/subtitle lines. */
  paragraphs: string[];
  /** Decoded-source line (1-based) where each paragraph starts; same length as `paragraphs`. */
  para_lines: number[];
  genre: string | null;
  script_original: Script | null;
  source_site: string | null;
  author_affiliation: string | null;
  published: string | null;
  n_masks: number;
  /** Number of documents dropped as duplicates of this one (set by dedupe). */
  duplicates: number;
}

/** A final, flat dataset row: what `documents.{jsonl,csv,arrow,parquet}` hold. */
export interface DocumentRow {
  id: string;
  title: string | null;
  subtitle: string | null;
  text: string;
  genre: string | null;
  source_file: string;
  source_member: string | null;
  source_row: number | null;
  source_url: string | null;
  source_sha256: string;
  source_encoding: string;
  source_format: string;
  segment: number;
  line_start: number;
  line_end: number;
  script_original: Script;
  source_site: string | null;
  author_affiliation: string | null;
  published: string | null;
  n_chars: number;
  n_paragraphs: number;
  n_sentences: number;
  n_words: number;
  n_masks: number;
  duplicates: number;
}

/**
 * A span some stage removed or rewrote away. `chars` counts non-whitespace code points (the unit of
 * the ledger's accounting). `text` is an optional short excerpt for auditing; the runner masks any
 * personal data in it before it is written, and rules that remove personal data never set it.
 */
export interface Removal {
  rule: string;
  chars: number;
  /** Where: decoded-source line if known, and/or paragraph index in the document. */
  line?: number | null;
  paragraph?: number | null;
  /** Kind of personal data (`email`, `phone`…) for PII removals. */
  kind?: string | null;
  /** sha256 (first 16 hex) of the removed value, for PII removals that need a fingerprint. */
  hash?: string | null;
  text?: string | null;
}

/** A document or unit a stage dropped, with its reason code. */
export interface Drop {
  reason: string;
  detail?: string | null;
  /** Extra audit fields (e.g. dedupe's `dup_of`, `method`, `similarity`). */
  extra?: Record<string, string | number | boolean | null>;
}
