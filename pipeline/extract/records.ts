/**
 * Record files → one unit per record: `.csv`, `.tsv`, `.jsonl`/`.ndjson` (also gzipped), `.json` (an array of
 * objects, or an object holding one such array) and `.parquet`. Each record's text column becomes the unit's text,
 * its title/date/url columns the unit's `title`, `published` and `source_url`, and its 1-based number `source_row`
 * (CSV/TSV: data rows, the header not counted; JSONL: the line; JSON: the array item; Parquet: the row), so the
 * document ids (pipeline/lib/ids.ts) keep the record's identity: file + row.
 *
 * Columns are found by the common names in pipeline/rules/record-columns.ts or set by name (RecordColumns, from
 * `--text-column` …). A file whose text column cannot be found is rejected as `no_text_column`, the detail naming
 * the columns it has; a record without text is counted as `empty_record` in the ledger row's detail (with its
 * rows), and the run goes on. Text files are decoded like any text file (decode.ts: a CSV saved by Excel in GBK
 * reads as well as UTF-8); CSV/TSV with csv-parse (RFC 4180 quoting, quoted newlines), JSON with JSON.parse.
 * Parquet is read by DuckDB from the file's path (runExtractPath), a chunk of rows at a time, only the resolved
 * columns, never the whole file in memory.
 */
import { gunzipSync } from 'node:zlib';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { lazy } from '../lib/lazy.js';
import { unitId } from '../lib/ids.js';
import type { ExtractRecord, RawFileInfo } from '../lib/types.js';
import type { ExtractConfig, ExtractResult, RawInput, UnitSink } from '../stages/extract.js';
import { decodeText } from './decode.js';
import { columnKey, DATE_VALUE, RECORD_COLUMN_NAMES, URL_VALUE, type RecordRole } from '../rules/record-columns.js';

const csvParse = lazy<typeof import('csv-parse/sync')>('csv-parse/sync');
const duckdb = lazy<typeof import('@duckdb/node-api')>('@duckdb/node-api');

/** Column names set by the user per role; null = found by the common names. */
export type RecordColumns = Record<RecordRole, string | null>;
export const RECORD_DEFAULTS: RecordColumns = { text: null, title: null, date: null, url: null, id: null };

export type RecordFormat = 'csv' | 'tsv' | 'jsonl' | 'json' | 'parquet';

/** The record format a file name says (`.csv`, `.tsv`, `.jsonl`, `.ndjson`, `.json`, `.parquet`; `.gz` after the first four), else null. */
export function recordFormatOf(path: string): { format: RecordFormat; gzip: boolean } | null {
  const m = /\.(csv|tsv|jsonl|ndjson|json|parquet)(\.gz)?$/i.exec(path);
  if (!m) return null;
  const ext = m[1]!.toLowerCase();
  const format = (ext === 'ndjson' ? 'jsonl' : ext) as RecordFormat;
  if (format === 'parquet' && m[2]) return null;
  return { format, gzip: Boolean(m[2]) };
}

/** Largest decompressed `.gz` record file read in memory (the raw-file limit of the bytes route). */
const MAX_GUNZIP = 256 * 1024 * 1024;

type Cfg = ExtractConfig & { records?: RecordColumns };

/** Which column plays each role: the set name, else the first common name present. Text is required. */
export function resolveColumns(columns: readonly string[], set: RecordColumns): { ok: true; cols: Record<RecordRole, string | null> } | { ok: false; reason: string; detail: string } {
  const byKey = new Map<string, string>();
  for (const c of columns) if (!byKey.has(columnKey(c))) byKey.set(columnKey(c), c);
  const named = (): string => `columns found: ${columns.length ? columns.slice(0, 20).map((c) => JSON.stringify(c)).join(', ') + (columns.length > 20 ? ` … ${columns.length - 20} more` : '') : 'none'}`;
  const cols = { text: null, title: null, date: null, url: null, id: null } as Record<RecordRole, string | null>;
  for (const role of Object.keys(cols) as RecordRole[]) {
    const want = set[role];
    if (want !== null) {
      const hit = columns.includes(want) ? want : byKey.get(columnKey(want));
      if (hit === undefined) return { ok: false, reason: role === 'text' ? 'no_text_column' : 'missing_column', detail: `no ${role} column ${JSON.stringify(want)}; ${named()}` };
      cols[role] = hit;
      continue;
    }
    for (const name of RECORD_COLUMN_NAMES[role]) {
      const hit = byKey.get(columnKey(name));
      if (hit !== undefined && !Object.values(cols).includes(hit)) {
        cols[role] = hit;
        break;
      }
    }
  }
  if (cols.text === null) return { ok: false, reason: 'no_text_column', detail: `no text column (text, content, 正文, 内容 … or --text-column); ${named()}` };
  return { ok: true, cols };
}

/** A title cell as one line, or null. */
function titleOf(v: unknown): string | null {
  if (typeof v !== 'string' && typeof v !== 'number') return null;
  const s = String(v).replace(/\s+/gu, ' ').trim();
  return s === '' ? null : s;
}

/** A date cell as YYYY-MM-DD (or YYYY-MM), or null when it is not one of the forms in DATE_VALUE. */
export function dateOf(v: unknown): string | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString().slice(0, 10);
  if (typeof v !== 'string') return null;
  const m = DATE_VALUE.exec(v);
  if (!m) return null;
  const mo = Number(m[2]);
  const d = m[3] === undefined ? null : Number(m[3]);
  if (mo < 1 || mo > 12 || (d !== null && (d < 1 || d > 31))) return null;
  return `${m[1]}-${String(mo).padStart(2, '0')}${d === null ? '' : `-${String(d).padStart(2, '0')}`}`;
}

/** A url cell when it is an absolute http(s)/ftp address (at most 4096 characters), else null. */
function urlOf(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const s = v.trim();
  return s.length <= 4096 && URL_VALUE.test(s) ? s : null;
}

/** An id cell as text (numbers as written, trimmed; at most 256 characters), or null when it is empty or longer. */
export function idOf(v: unknown): string | null {
  const s = typeof v === 'string' ? v.trim() : typeof v === 'number' || typeof v === 'bigint' ? String(v) : null;
  return s === null || s === '' || s.length > 256 || /[\n\r]/.test(s) ? null : s;
}

/** The text of a text cell (numbers kept as written), or null when it has none. */
function textOf(v: unknown): string | null {
  const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : null;
  if (s === null) return null;
  const t = s.replace(/\r\n?/g, '\n');
  return t.trim() === '' ? null : t;
}

/** Collects the units of one record file and what the ledger says about it. */
export class RecordUnits {
  readonly units: ExtractRecord[] = [];
  /** Units handed to the sink instead of kept (Parquet streamed through the runner: extractParquet). */
  given = 0;
  private empty: number[] = [];
  private nEmpty = 0;
  private bad: number[] = [];
  private nBad = 0;
  records = 0;
  constructor(private readonly input: { path: string }, private readonly sha: string, private readonly format: RecordFormat, private readonly encoding: string, readonly cols: Record<RecordRole, string | null>) {}

  /** One record, numbered `row`; its unit is kept, or with a `sink` handed there (awaited by the caller). */
  add(row: number, rec: Record<string, unknown>, sink?: UnitSink): Promise<void> | void {
    this.records++;
    const c = this.cols;
    const text = textOf(rec[c.text!]);
    if (text === null) {
      if (this.empty.length < 10) this.empty.push(row);
      this.nEmpty++;
      return;
    }
    // The record's own id (--id-column) is its `source_member`, its identity in the file as a WARC record's id is
    // in the archive; the unit and document ids then come from file, id and row.
    const member = c.id ? idOf(rec[c.id]) : null;
    const unit: ExtractRecord = {
      unit_id: unitId(this.input.path, this.sha, member, row), source_file: this.input.path, source_member: member, source_row: row,
      source_url: c.url ? urlOf(rec[c.url]) : null, source_sha256: this.sha, source_encoding: this.encoding, source_format: this.format,
      text, title: c.title ? titleOf(rec[c.title]) : null, source_site: null, published: c.date ? dateOf(rec[c.date]) : null,
    };
    if (!sink) {
      this.units.push(unit);
      return;
    }
    this.given++;
    return sink(unit);
  }

  /** A line or item that is not a record (JSONL: not a JSON object). */
  corrupt(row: number): void {
    this.records++;
    if (this.bad.length < 10) this.bad.push(row);
    this.nBad++;
  }

  /** The ledger row: ok with a detail, or rejected when no record had text. */
  result(info: RawFileInfo): ExtractResult {
    const c = this.cols;
    const roles = (Object.keys(c) as RecordRole[]).filter((r) => c[r] !== null).map((r) => `${r}=${c[r]}`).join(', ');
    const used = this.units.length + this.given;
    const facts = [`${used} of ${this.records} records used (columns ${roles})`];
    const rows = (list: number[], n: number) => `${n} (row${n > 1 ? 's' : ''} ${list.join(', ')}${n > list.length ? ' …' : ''})`;
    if (this.nEmpty) facts.push(`empty_record: ${rows(this.empty, this.nEmpty)}`);
    if (this.nBad) facts.push(`bad_record: ${rows(this.bad, this.nBad)}`);
    const out: RawFileInfo = { ...info, detail: facts.join('; ') };
    if (used === 0) return { info: { ...out, status: 'rejected', reason: this.records === 0 ? 'empty' : this.nBad === this.records ? 'corrupt_records' : 'empty' }, units: [] };
    return { info: out, units: this.units };
  }
}

function rejected(info: RawFileInfo, reason: string, detail: string): ExtractResult {
  return { info: { ...info, status: 'rejected', reason, detail }, units: [] };
}

/** The registered extractor for CSV, TSV, JSONL and JSON record files read as bytes (gzipped or not). */
export function extractRecords(input: RawInput, info: RawFileInfo, cfg: Cfg): ExtractResult {
  const kind = recordFormatOf(input.path);
  if (!kind || kind.format === 'parquet') return rejected(info, 'unsupported_format', 'not a record file name');
  const set = cfg.records ?? RECORD_DEFAULTS;
  let bytes = input.bytes;
  if (kind.gzip) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: MAX_GUNZIP });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ERR_BUFFER_TOO_LARGE' || /too large|exceeds/i.test((err as Error).message)) return rejected({ ...info, format: kind.format }, 'too_large', `inflates past ${MAX_GUNZIP} bytes`);
      return rejected({ ...info, format: kind.format }, 'corrupt_records', `cannot gunzip: ${(err as Error).message.slice(0, 120)}`);
    }
  }
  const d = decodeText(bytes, cfg.decode);
  const base: RawFileInfo = { ...info, format: kind.format, encoding: d.ok ? d.encoding : null, encoding_method: d.ok ? d.method : null };
  if (!d.ok) return rejected(base, d.reason, d.detail);
  const text = d.text.replace(/^\ufeff/, '');
  if (text.trim() === '') return rejected(base, 'empty', 'only whitespace after decoding');
  const make = (cols: Record<RecordRole, string | null>) => new RecordUnits(input, info.sha256, kind.format, d.encoding, cols);
  if (kind.format === 'csv' || kind.format === 'tsv') {
    let rows: string[][];
    try {
      rows = csvParse().parse(text, { delimiter: kind.format === 'tsv' ? '\t' : ',', relax_column_count: true, relax_quotes: true, skip_empty_lines: true }) as string[][];
    } catch (err) {
      return rejected(base, 'corrupt_records', `cannot parse the ${kind.format.toUpperCase()}: ${(err as Error).message.split('\n')[0]!.slice(0, 160)}`);
    }
    const header = (rows[0] ?? []).map((h) => h.trim());
    const r = resolveColumns(header, set);
    if (!r.ok) return rejected(base, r.reason, r.detail);
    const at = new Map<string, number>();
    header.forEach((h, i) => { if (!at.has(h)) at.set(h, i); });
    const out = make(r.cols);
    for (let i = 1; i < rows.length; i++) {
      const rec: Record<string, unknown> = {};
      for (const name of Object.values(r.cols)) if (name !== null) rec[name] = rows[i]![at.get(name)!];
      out.add(i, rec);
    }
    return out.result(base);
  }
  if (kind.format === 'jsonl') {
    const lines = text.split('\n');
    const parsed: (Record<string, unknown> | null | undefined)[] = []; // null: a blank line; undefined: not a JSON object
    const keys = new Set<string>();
    for (const l of lines) {
      const v = jsonLine(l);
      if (v) for (const k of Object.keys(v)) keys.add(k);
      parsed.push(v);
    }
    if (keys.size === 0) return rejected(base, 'corrupt_records', 'no line is a JSON object');
    const r = resolveColumns([...keys], set);
    if (!r.ok) return rejected(base, r.reason, r.detail);
    const out = make(r.cols);
    parsed.forEach((v, i) => {
      if (v === null) return;
      if (v === undefined) out.corrupt(i + 1);
      else out.add(i + 1, v);
    });
    return out.result(base);
  }
  // JSON: an array of objects, or an object with exactly one such array (`{"data": [...]}`).
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return rejected(base, 'corrupt_records', `not JSON: ${(err as Error).message.slice(0, 120)}`);
  }
  let items: unknown[] | null = Array.isArray(doc) ? doc : null;
  if (!items && doc !== null && typeof doc === 'object') {
    const arrays = Object.values(doc).filter((v): v is unknown[] => Array.isArray(v) && v.some((x) => x !== null && typeof x === 'object' && !Array.isArray(x)));
    if (arrays.length === 1) items = arrays[0]!;
  }
  if (!items) return rejected(base, 'no_records', 'a JSON file that is not an array of records (nor an object holding one)');
  const keys = new Set<string>();
  for (const v of items) if (v !== null && typeof v === 'object' && !Array.isArray(v)) for (const k of Object.keys(v)) keys.add(k);
  const r = resolveColumns([...keys], set);
  if (!r.ok) return rejected(base, r.reason, r.detail);
  const out = make(r.cols);
  items.forEach((v, i) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) out.add(i + 1, v as Record<string, unknown>);
    else out.corrupt(i + 1);
  });
  return out.result(base);
}

/** Rows DuckDB hands over per chunk (its vector size). */
const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;
const sqlName = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * The reading DuckDB's settings. One thread, rows in file order. Its external file cache off: on by default since
 * DuckDB 1.3, it keeps bytes read from the file in memory until the database closes. Its allocator hands freed
 * memory back once 16 MB of it is free, not 128 MB per thread and 512 MB in bulk (its defaults): with those, a
 * 290 MB file in 10,000-row groups grew to 755-855 MB of RSS as it was read (memory DuckDB had freed but kept,
 * given back only when the database closed), growing with the rows read. No memory limit: DuckDB reads a row
 * group's column chunk whole, so the memory a file needs is its largest row group's, and a limit would turn a
 * file with large row groups into a failure. Measured in README "Benchmark" (pipeline/bench/parquet.ts).
 */
const PARQUET_SETTINGS = "SET threads = 1; SET preserve_insertion_order = true; SET enable_external_file_cache = false; SET allocator_flush_threshold = '16MB'; SET allocator_bulk_deallocation_flush_threshold = '16MB';";

/**
 * A Parquet file through DuckDB, streamed a chunk (2048 rows) at a time, only the resolved columns read, cast to
 * text (a date column of type DATE reads as `2024-03-05`). `absPath` is the file's path on disk. Memory is bounded
 * by the file's largest row group, not its size (PARQUET_SETTINGS).
 */
export async function extractParquet(absPath: string, info: RawFileInfo, cfg: Cfg, sink?: UnitSink): Promise<ExtractResult> {
  const base: RawFileInfo = { ...info, format: 'parquet', encoding: 'utf-8', encoding_method: 'container' };
  const set = cfg.records ?? RECORD_DEFAULTS;
  const db = await duckdb().DuckDBInstance.create(':memory:');
  const con = await db.connect();
  let out: RecordUnits | null = null;
  try {
    await con.run(PARQUET_SETTINGS);
    const src = `read_parquet(${sqlString(absPath)})`;
    let columns: string[];
    try {
      const d = await con.run(`DESCRIBE SELECT * FROM ${src}`);
      columns = (await d.getRows()).map((r) => String(r[0]));
    } catch (err) {
      return rejected(base, 'corrupt_records', `cannot read the Parquet file: ${(err as Error).message.split('\n')[0]!.slice(0, 160)}`);
    }
    const r = resolveColumns(columns, set);
    if (!r.ok) return rejected(base, r.reason, r.detail);
    const picked = [...new Set(Object.values(r.cols).filter((c): c is string => c !== null))];
    const res = await con.stream(`SELECT ${picked.map((c) => `CAST(${sqlName(c)} AS VARCHAR)`).join(', ')} FROM ${src}`);
    out = new RecordUnits({ path: info.path }, info.sha256, 'parquet', 'utf-8', r.cols);
    let row = 0;
    for (let chunk = await res.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await res.fetchChunk()) {
      for (const values of chunk.getRows()) {
        const rec: Record<string, unknown> = {};
        picked.forEach((c, i) => { rec[c] = values[i] ?? null; });
        await out.add(++row, rec, sink);
      }
    }
    return out.result(base);
  } catch (err) {
    // Units already handed on stay published: the file is kept up to where DuckDB stopped, and the detail says so.
    if (out && out.given > 0) {
      const kept = out.result(base);
      return { ...kept, info: { ...kept.info, detail: `${kept.info.detail}; stopped after row ${out.records}: ${(err as Error).message.split('\n')[0]!.slice(0, 160)}` } };
    }
    return rejected(base, 'corrupt_records', `cannot read the Parquet file: ${(err as Error).message.split('\n')[0]!.slice(0, 160)}`);
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

/**
 * One JSONL line: its object, `null` for a blank line, `undefined` for a line that is not a JSON object (a
 * `corrupt` row). The in-memory and the streamed JSONL readers both read lines through it.
 */
function jsonLine(l: string): Record<string, unknown> | null | undefined {
  if (l.trim() === '') return null;
  let v: unknown;
  try { v = JSON.parse(l); } catch { return undefined; }
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Bytes read at a time by the streamed JSONL reader. */
const READ_BYTES = 1 << 20;

/**
 * The lines of a UTF-8 file read 1 MiB at a time (a BOM dropped), each with its 1-based number, as `text.split('\n')`
 * numbers them. Throws a TypeError on bytes that are not UTF-8 (`fatal`).
 */
function* utf8Lines(absPath: string): Generator<[number, string]> {
  const fd = openSync(absPath, 'r');
  try {
    const dec = new TextDecoder('utf-8', { fatal: true });
    const buf = Buffer.allocUnsafe(READ_BYTES);
    let rest = '';
    let n = 0;
    for (let k: number; (k = readSync(fd, buf, 0, buf.length, null)) > 0;) {
      const parts = (rest + dec.decode(buf.subarray(0, k), { stream: true })).split('\n');
      rest = parts.pop()!;
      for (const l of parts) yield [++n, l];
    }
    yield [++n, rest + dec.decode()];
  } finally {
    closeSync(fd);
  }
}

/** What the first pass over a JSONL file found: whether it can be streamed as UTF-8, and its keys. */
interface JsonlScan { utf8: boolean; bom: boolean; blank: boolean; keys: Set<string> }

/**
 * First pass: is the file plain UTF-8 JSON lines (no byte decode.ts would read another way: invalid UTF-8, NUL or
 * other C0 control bytes, a UTF-16 byte-order mark, HZ escapes in 7-bit text), and which keys do its objects have
 * (the columns are resolved over all of them, as the in-memory reader does).
 */
function scanJsonl(absPath: string): JsonlScan {
  const scan: JsonlScan = { utf8: true, bom: false, blank: true, keys: new Set() };
  const fd = openSync(absPath, 'r');
  try {
    const head = Buffer.alloc(3);
    const k = readSync(fd, head, 0, 3, 0);
    scan.bom = k === 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
    if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return { ...scan, utf8: false };
  } finally {
    closeSync(fd);
  }
  let ascii = true;
  let tilde = false;
  try {
    for (const [, l] of utf8Lines(absPath)) {
      // C0 controls other than tab, CR and form feed (decode.ts counts them towards `binary`), and NUL (UTF-16).
      if (/[\u0000-\u0008\u000b\u000e-\u001f]/.test(l)) return { ...scan, utf8: false };
      if (ascii && /[^\u0000-\u007f]/.test(l)) ascii = false;
      if (!tilde && l.includes('~{')) tilde = true;
      const v = jsonLine(l);
      if (v === null) continue;
      scan.blank = false;
      if (v) for (const key of Object.keys(v)) scan.keys.add(key);
    }
  } catch (err) {
    if (err instanceof TypeError) return { ...scan, utf8: false };
    throw err;
  }
  if (ascii && tilde) return { ...scan, utf8: false }; // HZ-encoded GB2312 is 7-bit: decode.ts's to read
  return scan;
}

/**
 * A `.jsonl`/`.ndjson` file read from its path, line by line, never whole in memory and without the raw-file size
 * limit: a first pass checks it is UTF-8 and collects its keys, a second hands each line's unit to the sink as it
 * parses it. The ledger row and the units are those the in-memory reader (extractRecords) gives for the same bytes.
 * A file that is not plain UTF-8 (GBK, UTF-16, HZ…) is read by that reader, whole, within the size limit.
 */
export async function extractJsonlPath(absPath: string, info: RawFileInfo, cfg: Cfg, sink?: UnitSink): Promise<ExtractResult> {
  const scan = scanJsonl(absPath);
  if (!scan.utf8) {
    if (info.bytes > cfg.maxFileBytes) return rejected(info, 'too_large', `${info.bytes} bytes > limit ${cfg.maxFileBytes} (not UTF-8: read whole)`);
    const r = extractRecords({ path: info.path, bytes: readFileSync(absPath) }, info, cfg);
    if (sink) {
      for (const u of r.units) await sink(u);
      return { ...r, units: [] };
    }
    return r;
  }
  const base: RawFileInfo = { ...info, format: 'jsonl', encoding: 'utf-8', encoding_method: scan.bom ? 'bom' : 'utf8_valid' };
  if (scan.blank) return rejected(base, 'empty', 'only whitespace after decoding');
  if (scan.keys.size === 0) return rejected(base, 'corrupt_records', 'no line is a JSON object');
  const r = resolveColumns([...scan.keys], cfg.records ?? RECORD_DEFAULTS);
  if (!r.ok) return rejected(base, r.reason, r.detail);
  const out = new RecordUnits({ path: info.path }, info.sha256, 'jsonl', 'utf-8', r.cols);
  for (const [i, l] of utf8Lines(absPath)) {
    const v = jsonLine(l);
    if (v) await out.add(i, v, sink);
    else if (v === undefined) out.corrupt(i);
  }
  return out.result(base);
}
