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
 * rows), and the run goes on. CSV/TSV are read with csv-parse's streaming parser (RFC 4180 quoting, quoted newlines),
 * JSONL a line at a time, JSON with stream-json's tokenizer an array item at a time; the same readers run over a file
 * streamed from its path (extractRecordsPath: UTF-8, any size) and over one decoded whole (extractRecords: any
 * encoding decode.ts reads, a GBK CSV as Excel saves it included; within the raw-file limit).
 * Parquet is read by DuckDB from the file's path (runExtractPath), a chunk of rows at a time, only the resolved
 * columns, never the whole file in memory.
 */
import { createGunzip, gunzipSync } from 'node:zlib';
import { createReadStream, readFileSync } from 'node:fs';
import { pipeline, Readable } from 'node:stream';
import { lazy } from '../lib/lazy.js';
import { unitId } from '../lib/ids.js';
import type { ExtractRecord, RawFileInfo } from '../lib/types.js';
import type { ExtractConfig, ExtractResult, RawInput, UnitSink } from '../stages/extract.js';
import { controlShare, decodeText, utf16WithoutBom } from './decode.js';
import { columnKey, DATE_VALUE, RECORD_COLUMN_NAMES, URL_VALUE, type RecordRole } from '../rules/record-columns.js';

const csvParse = lazy<typeof import('csv-parse')>('csv-parse');
const streamJson = lazy<typeof import('stream-json/core/parser.js')>('stream-json/core/parser.js');
const assemblerModule = lazy<typeof import('stream-json/core/assembler.js')>('stream-json/core/assembler.js');
const streamChain = lazy<typeof import('stream-chain/defs.js')>('stream-chain/defs.js');
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
  /** Where a file that broke off was left (csvRecords), for the detail. */
  stopped: string | null = null;
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

  /** Units made so far (kept or handed on). */
  get used(): number {
    return this.units.length + this.given;
  }

  /** The ledger row: ok with a detail, or rejected when no record had text. */
  result(info: RawFileInfo): ExtractResult {
    const c = this.cols;
    const roles = (Object.keys(c) as RecordRole[]).filter((r) => c[r] !== null).map((r) => `${r}=${c[r]}`).join(', ');
    const used = this.used;
    const facts = [`${used} of ${this.records} records used (${c.text === ITEM_TEXT ? 'each item a text' : `columns ${roles}`})`];
    const rows = (list: number[], n: number) => `${n} (row${n > 1 ? 's' : ''} ${list.join(', ')}${n > list.length ? ' …' : ''})`;
    if (this.nEmpty) facts.push(`empty_record: ${rows(this.empty, this.nEmpty)}`);
    if (this.nBad) facts.push(`bad_record: ${rows(this.bad, this.nBad)}`);
    if (this.stopped) facts.push(this.stopped);
    const out: RawFileInfo = { ...info, detail: facts.join('; ') };
    if (used === 0) return { info: { ...out, status: 'rejected', reason: this.records === 0 ? 'empty' : this.nBad === this.records ? 'corrupt_records' : 'empty' }, units: [] };
    return { info: out, units: this.units };
  }
}

function rejected(info: RawFileInfo, reason: string, detail: string): ExtractResult {
  return { info: { ...info, status: 'rejected', reason, detail }, units: [] };
}

/**
 * A record file's decoded text, a chunk at a time; called again for each pass over the file. The same readers run
 * over a file read whole (its text in slices: textSlices) and over a file streamed from its path (fileText), so the
 * two give the same ledger row and units for the same bytes.
 */
type Chunks = () => AsyncIterable<string>;

/** Characters handed on at a time from a text decoded whole. */
const SLICE_CHARS = 1 << 20;

function textSlices(text: string): Chunks {
  return async function* () {
    for (let i = 0; i < text.length;) {
      let j = Math.min(text.length, i + SLICE_CHARS);
      if (j < text.length && /[\ud800-\udbff]/.test(text[j - 1]!)) j--; // never half a surrogate pair
      yield text.slice(i, j);
      i = j;
    }
  };
}

/** What a reader needs besides the text: the ledger row so far, the columns set by name, where units go. */
interface ReadCtx {
  kind: { format: RecordFormat; gzip: boolean };
  base: RawFileInfo;
  set: RecordColumns;
  make: (cols: Record<RecordRole, string | null>) => RecordUnits;
  sink?: UnitSink;
}

/** Adds a record, telling the sink's own failure (the run's plumbing, rethrown as it is) from the file's. */
class SinkError extends Error {
  constructor(readonly inner: unknown) { super('sink'); }
}
async function give(out: RecordUnits, row: number, rec: Record<string, unknown>, sink?: UnitSink): Promise<void> {
  try {
    await out.add(row, rec, sink);
  } catch (err) {
    throw new SinkError(err);
  }
}

/**
 * CSV/TSV with csv-parse's streaming parser (RFC 4180 quotes, quoted newlines; ragged rows and stray quotes
 * tolerated): the first row is the header, the columns resolved from it, each later row a record numbered from 1.
 * A parse error (a quote never closed: csv-parse swallows the rest of the file into that field and fails at its end)
 * keeps the records before it and says where the file stopped (`corrupt_records` in the detail); with no record
 * before it, the file is rejected as `corrupt_records`.
 */
async function csvRecords(chunks: Chunks, ctx: ReadCtx): Promise<ExtractResult> {
  const { kind, base, set } = ctx;
  const parser = csvParse().parse({ delimiter: kind.format === 'tsv' ? '\t' : ',', relax_column_count: true, relax_quotes: true, skip_empty_lines: true });
  const rows = pipeline(Readable.from(chunks()), parser, () => {}) as AsyncIterable<string[]> & { destroy(): void };
  let out: RecordUnits | null = null;
  let at = new Map<string, number>();
  let row = 0;
  try {
    for await (const cells of rows) {
      if (!out) {
        const header = cells.map((h) => h.trim());
        const r = resolveColumns(header, set);
        if (!r.ok) {
          rows.destroy();
          return rejected(base, r.reason, r.detail);
        }
        at = new Map();
        header.forEach((h, i) => { if (!at.has(h)) at.set(h, i); });
        out = ctx.make(r.cols);
        continue;
      }
      const rec: Record<string, unknown> = {};
      for (const name of Object.values(out.cols)) if (name !== null) rec[name] = cells[at.get(name)!];
      await give(out, ++row, rec, ctx.sink);
    }
  } catch (err) {
    if (err instanceof SinkError) throw err.inner;
    const msg = `cannot parse the ${kind.format.toUpperCase()}: ${(err as Error).message.split('\n')[0]!.slice(0, 160)}`;
    if (!out || out.used === 0) return rejected(base, 'corrupt_records', msg);
    out.stopped = `corrupt_records: read up to row ${row}, then ${msg}`;
  }
  if (!out) {
    const r = resolveColumns([], set);
    return rejected(base, r.ok ? 'no_text_column' : r.reason, r.ok ? 'no header row' : r.detail);
  }
  return out.result(base);
}

/** The lines of a text, each with its 1-based number, as `text.split('\n')` numbers them. */
async function* linesOf(chunks: Chunks): AsyncGenerator<[number, string]> {
  let rest = '';
  let n = 0;
  for await (const c of chunks()) {
    const parts = (rest + c).split('\n');
    rest = parts.pop()!;
    for (const l of parts) yield [++n, l];
  }
  yield [++n, rest];
}

/**
 * JSONL: a first pass collects the keys of every line's object (the columns are resolved over all of them), a
 * second hands each line's record on as it parses it; a blank line is skipped, a line that is no JSON object is a
 * `bad_record`.
 */
async function jsonlRecords(chunks: Chunks, ctx: ReadCtx): Promise<ExtractResult> {
  const keys = new Set<string>();
  for await (const [, l] of linesOf(chunks)) {
    const v = jsonLine(l);
    if (v) for (const k of Object.keys(v)) keys.add(k);
  }
  if (keys.size === 0) return rejected(ctx.base, 'corrupt_records', 'no line is a JSON object');
  const r = resolveColumns([...keys], ctx.set);
  if (!r.ok) return rejected(ctx.base, r.reason, r.detail);
  const out = ctx.make(r.cols);
  try {
    for await (const [i, l] of linesOf(chunks)) {
      const v = jsonLine(l);
      if (v) await give(out, i, v, ctx.sink);
      else if (v === undefined) out.corrupt(i);
    }
  } catch (err) {
    throw err instanceof SinkError ? err.inner : err;
  }
  return out.result(ctx.base);
}

type Token = import('stream-json/core/parser.js').Token;

/** The tokens of a JSON text, a chunk's worth at a time (stream-json's tokenizer; throws on text that is not JSON). */
async function* jsonTokens(chunks: Chunks): AsyncGenerator<Token[]> {
  const { none, isMany, getManyValues } = streamChain();
  const p = streamJson().jsonParser({ streamValues: false });
  const batch = (r: unknown): Token[] => (r === none ? [] : isMany(r) ? getManyValues(r) as Token[] : [r as Token]);
  for await (const c of chunks()) yield batch(p(c));
  yield batch((p as unknown as (end: typeof none) => unknown)(none)); // the end: what the tokenizer still holds
}

/** One item of the array that holds the records: an object (assembled), a string, or anything else. */
type JsonItem = { kind: 'object'; value: Record<string, unknown> } | { kind: 'string'; value: string } | { kind: 'other'; what: string };

/**
 * The items of a JSON file's record array, in order, with the top-level key that holds them (null: the file is
 * that array): each item of a top-level array, or of any array that is the value of a key of a top-level object.
 * Only one item is assembled at a time (stream-json's Assembler), so memory is one record, not the file.
 * `top` is set to what the file is at its first token.
 */
async function* jsonItems(chunks: Chunks, top: { is: 'array' | 'object' | 'scalar' | null }): AsyncGenerator<[string | null, JsonItem]> {
  const { default: Assembler } = assemblerModule();
  let depth = 0; // containers open outside the item being read
  let key: string | null = null; // the top-level key being read (top-level object)
  let inArray = false; // inside the array that holds items
  let skip = 0; // depth inside a value that is not read (an item array's nested array, a key's object)
  let asm: InstanceType<typeof Assembler> | null = null;
  for await (const tokens of jsonTokens(chunks)) {
    for (const t of tokens) {
      if (asm) {
        asm.consume(t);
        if (asm.done) {
          const value = asm.current as Record<string, unknown>;
          asm = null;
          yield [key, { kind: 'object', value }];
        }
        continue;
      }
      if (skip > 0) {
        if (t.name === 'startObject' || t.name === 'startArray') skip++;
        else if (t.name === 'endObject' || t.name === 'endArray') skip--;
        if (skip === 0 && inArray) yield [key, { kind: 'other', what: 'array' }];
        continue;
      }
      if (depth === 0) {
        if (t.name === 'startArray') { top.is = 'array'; depth = 1; inArray = true; key = null; }
        else if (t.name === 'startObject') { top.is = 'object'; depth = 1; }
        else top.is ??= 'scalar';
        continue;
      }
      if (inArray) {
        switch (t.name) {
          case 'startObject': asm = new Assembler(); asm.consume(t); break;
          case 'startArray': skip = 1; break;
          case 'endArray': inArray = false; depth--; break;
          case 'stringValue': yield [key, { kind: 'string', value: t.value }]; break;
          case 'numberValue': yield [key, { kind: 'other', what: 'number' }]; break;
          case 'trueValue': case 'falseValue': yield [key, { kind: 'other', what: 'boolean' }]; break;
          case 'nullValue': yield [key, { kind: 'other', what: 'null' }]; break;
          default: break;
        }
        continue;
      }
      // A key of the top-level object, or its value.
      switch (t.name) {
        case 'keyValue': key = t.value; break;
        case 'startArray': inArray = true; depth = 2; yield [key, { kind: 'other', what: 'start' }]; break;
        case 'startObject': skip = 1; yield [key, { kind: 'other', what: 'value' }]; break;
        case 'endObject': depth = 0; break;
        case 'stringValue': case 'numberValue': case 'trueValue': case 'falseValue': case 'nullValue': yield [key, { kind: 'other', what: 'value' }]; break;
        default: break;
      }
    }
  }
}

/** What the first pass found in one array: how many items of each kind, and the keys of its objects in order. */
interface ArrayScan { objects: number; strings: number; other: Map<string, number>; keys: Set<string>; occurrence: number }
const newScan = (occurrence = 0): ArrayScan => ({ objects: 0, strings: 0, other: new Map(), keys: new Set(), occurrence });

/**
 * JSON: an array of records, or an object holding exactly one such array (`{"data": [...], "total": 2}`), read in
 * two passes with a streaming parser. The records are the array's objects (their keys, over all of them, give the
 * columns; any other item is a `bad_record`); an array of strings and no objects is an array of texts, each string
 * a record with no other column (`each item a text`); an array of neither, or a file that is no such array, is
 * `no_records`, its detail saying what it holds. Text that is not JSON is `corrupt_records` before any record is
 * handed on (the first pass reads it all).
 */
async function jsonRecords(chunks: Chunks, ctx: ReadCtx): Promise<ExtractResult> {
  const { base } = ctx;
  const top: { is: 'array' | 'object' | 'scalar' | null } = { is: null };
  const arrays = new Map<string | null, ArrayScan>(); // by key; a key given twice counts as its last value (as JSON.parse)
  const seen = new Map<string | null, number>(); // values given to each key so far
  try {
    for await (const [key, item] of jsonItems(chunks, top)) {
      if (item.kind === 'other' && (item.what === 'start' || item.what === 'value')) {
        const n = (seen.get(key) ?? 0) + 1;
        seen.set(key, n);
        arrays.delete(key);
        if (item.what === 'start') arrays.set(key, newScan(n));
        continue;
      }
      let a = arrays.get(key);
      if (!a) arrays.set(key, (a = newScan()));
      if (item.kind === 'object') {
        a.objects++;
        for (const k of Object.keys(item.value)) a.keys.add(k);
      } else if (item.kind === 'string') a.strings++;
      else a.other.set(item.what, (a.other.get(item.what) ?? 0) + 1);
    }
  } catch (err) {
    return rejected(base, 'corrupt_records', `not JSON: ${(err as Error).message.slice(0, 120)}`);
  }
  let at: string | null | undefined;
  if (top.is === 'array') at = null;
  else if (top.is === 'object') {
    const withObjects = [...arrays].filter(([, a]) => a.objects > 0);
    const withStrings = [...arrays].filter(([, a]) => a.strings > 0);
    if (withObjects.length === 1) at = withObjects[0]![0];
    else if (withObjects.length === 0 && withStrings.length === 1) at = withStrings[0]![0];
  }
  if (at === undefined) return rejected(base, 'no_records', 'a JSON file that is not an array of records (nor an object holding one)');
  const scan = arrays.get(at) ?? newScan();
  const texts = scan.objects === 0 && scan.strings > 0;
  if (scan.objects === 0 && !texts) {
    if (scan.other.size === 0) return rejected(base, 'empty', 'an empty JSON array');
    const what = [...scan.other].map(([k, n]) => `${n} ${k}${n > 1 ? (k === 'null' ? 's' : 's') : ''}`).join(', ');
    return rejected(base, 'no_records', `a JSON array of ${what}: neither records (objects) nor texts (strings)`);
  }
  let out: RecordUnits;
  if (texts) {
    // An array of strings has no columns: one set by name cannot be found.
    const r = resolveColumns([], ctx.set);
    if (!r.ok && Object.values(ctx.set).some((v) => v !== null)) return rejected(base, r.reason, `${r.detail} (an array of texts, not of records)`);
    out = ctx.make({ text: ITEM_TEXT, title: null, date: null, url: null, id: null });
  } else {
    const r = resolveColumns([...scan.keys], ctx.set);
    if (!r.ok) return rejected(base, r.reason, r.detail);
    out = ctx.make(r.cols);
  }
  let row = 0;
  let occurrence = 0; // which value of the key `at` is being read: only the one the first pass chose (its last)
  try {
    for await (const [key, item] of jsonItems(chunks, { is: null })) {
      if (key !== at) continue;
      if (item.kind === 'other' && (item.what === 'start' || item.what === 'value')) {
        occurrence++;
        continue;
      }
      if (occurrence !== scan.occurrence) continue;
      row++;
      if (item.kind === 'object' && !texts) await give(out, row, item.value, ctx.sink);
      else if (item.kind === 'string' && texts) await give(out, row, { [ITEM_TEXT]: item.value }, ctx.sink);
      else out.corrupt(row);
    }
  } catch (err) {
    throw err instanceof SinkError ? err.inner : err;
  }
  return out.result(base);
}

/** The text "column" of an array of strings: the item itself. */
const ITEM_TEXT = '\u0000item';

/** One reader per record format, over the decoded text in chunks. */
function readRecords(chunks: Chunks, ctx: ReadCtx): Promise<ExtractResult> {
  if (ctx.kind.format === 'csv' || ctx.kind.format === 'tsv') return csvRecords(chunks, ctx);
  if (ctx.kind.format === 'jsonl') return jsonlRecords(chunks, ctx);
  return jsonRecords(chunks, ctx);
}

/**
 * The registered extractor for CSV, TSV, JSONL and JSON record files read as bytes (gzipped or not): decoded whole
 * (decode.ts: any encoding), then read by the same readers as a file streamed from its path (extractRecordsPath).
 */
export async function extractRecords(input: RawInput, info: RawFileInfo, cfg: Cfg, sink?: UnitSink): Promise<ExtractResult> {
  const kind = recordFormatOf(input.path);
  if (!kind || kind.format === 'parquet') return rejected(info, 'unsupported_format', 'not a record file name');
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
  return readRecords(textSlices(text), { kind, base, set: cfg.records ?? RECORD_DEFAULTS, make: (cols) => new RecordUnits(input, info.sha256, kind.format, d.encoding, cols), sink });
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
 * `corrupt` row).
 */
function jsonLine(l: string): Record<string, unknown> | null | undefined {
  if (l.trim() === '') return null;
  let v: unknown;
  try { v = JSON.parse(l); } catch { return undefined; }
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Bytes read from a record file's path at a time. */
const READ_BYTES = 1 << 20;

/** A record file's bytes from its path (inflated when gzipped), a chunk at a time. */
function fileBytes(absPath: string, gzip: boolean): AsyncIterable<Buffer> {
  const raw = createReadStream(absPath, { highWaterMark: READ_BYTES });
  return gzip ? pipeline(raw, createGunzip({ chunkSize: 64 * 1024 }), () => {}) : raw;
}

/**
 * A record file's text from its path, a chunk at a time, as decodeText and the whole-file reader give it: UTF-8
 * with a byte-order mark dropped (and one U+FEFF after it, as extractRecords drops it), or GB18030/Big5 (decodeText
 * keeps a U+FEFF, extractRecords drops one).
 */
function fileText(absPath: string, gzip: boolean, encoding = 'utf-8'): Chunks {
  return async function* () {
    const dec = new TextDecoder(encoding, { fatal: true, ignoreBOM: encoding !== 'utf-8' });
    let first = true;
    for await (const b of fileBytes(absPath, gzip)) {
      let s = dec.decode(b, { stream: true });
      if (first && s !== '') {
        s = s.replace(/^\ufeff/, '');
        first = false;
      }
      if (s !== '') yield s;
    }
    const tail = dec.decode();
    if (tail !== '') yield first ? tail.replace(/^\ufeff/, '') : tail;
  };
}

/** What the first pass over a record file found: whether it streams as UTF-8 (and how decode.ts would say so). */
type TextScan = { utf8: true; bom: boolean; blank: boolean } | { utf8: false; gunzip?: string };

/**
 * First pass: is the file plain UTF-8 (no byte decode.ts would read another way: invalid UTF-8, NUL or other C0
 * control bytes, a UTF-16 byte-order mark, HZ escapes in 7-bit text), with a BOM or not, only whitespace or not.
 * A gzipped file is inflated as it is read; a gzip stream that breaks is `gunzip` (the whole-file reader rejects it
 * too, so nothing has been handed on).
 */
async function scanText(absPath: string, gzip: boolean): Promise<TextScan> {
  const dec = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let head: Buffer | null = null;
  let bom = false;
  let blank = true;
  let ascii = true;
  let last = '';
  let tilde = false;
  let bad = false;
  const check = (s: string) => {
    // C0 controls other than tab, LF, FF, CR (decode.ts counts them towards `binary`), and NUL (UTF-16).
    if (/[\u0000-\u0008\u000b\u000e-\u001f]/.test(s)) bad = true;
    if (ascii && /[^\u0000-\u007f]/.test(s)) ascii = false;
    if (!tilde && (last + s).includes('~{')) tilde = true;
    if (blank && /\S/.test(s)) blank = false;
    last = s.slice(-1);
  };
  try {
    for await (const b of fileBytes(absPath, gzip)) {
      if (bad) continue; // the rest is still inflated: a broken gzip stream is told apart from text in another encoding
      if (head === null || head.length < 3) {
        head = head ? Buffer.concat([head, b.subarray(0, 3)]) : Buffer.from(b.subarray(0, 3));
        if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) { bad = true; continue; }
      }
      try {
        let s = dec.decode(b, { stream: true });
        if (!bom && last === '' && blank && s.startsWith('\ufeff') && head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
          bom = true;
          s = s.slice(1);
        }
        check(s);
      } catch (err) {
        if (err instanceof TypeError) bad = true;
        else throw err;
      }
    }
    if (!bad) {
      try { check(dec.decode()); } catch (err) { if (err instanceof TypeError) bad = true; else throw err; }
    }
  } catch (err) {
    if (gzip && (err as NodeJS.ErrnoException).code?.startsWith('Z_')) return { utf8: false, gunzip: (err as Error).message.slice(0, 120) };
    throw err;
  }
  if (bad || (ascii && tilde)) return { utf8: false }; // HZ-encoded GB2312 is 7-bit: decode.ts's to read
  return { utf8: true, bom, blank };
}

/** Bytes decodeText looks at for its UTF-16 and binary tests (controlShare reads the first 64 KB). */
const HEAD_BYTES = 1 << 16;

/**
 * Second pass over a file that is not UTF-8: the encoding decodeText would give it when that is the only one of
 * GB18030 and Big5 that decodes it strictly (`only_strict`, an Excel CSV saved in GBK), found a chunk at a time;
 * null when decodeText would decide otherwise or look at the whole file (a byte-order mark, UTF-16 without one,
 * control bytes, both or neither decoding strictly: jschardet and the plausibility score read the whole text), or
 * for a file under 8 KB (its even-length prefix is what the UTF-16 test reads), which is then read whole.
 */
async function scanLegacy(absPath: string, gzip: boolean, cfg: Cfg): Promise<{ encoding: string; blank: boolean } | null> {
  const candidates = ['gb18030', 'big5'];
  const decoders = candidates.map((enc) => ({ enc, dec: new TextDecoder(enc, { fatal: true, ignoreBOM: true }), ok: true, blank: true }));
  let head = Buffer.alloc(0);
  let total = 0;
  try {
    for await (const b of fileBytes(absPath, gzip)) {
      if (head.length < HEAD_BYTES) head = Buffer.concat([head, b.subarray(0, HEAD_BYTES - head.length)]);
      total += b.length;
      for (const d of decoders) {
        if (!d.ok) continue;
        try {
          const s = d.dec.decode(b, { stream: true });
          if (d.blank && /\S/.test(s)) d.blank = false;
        } catch { d.ok = false; }
      }
      if (!decoders.some((d) => d.ok)) return null;
    }
    for (const d of decoders) {
      if (!d.ok) continue;
      try {
        if (d.blank && /\S/.test(d.dec.decode())) d.blank = false;
      } catch { d.ok = false; }
    }
  } catch {
    return null; // the whole-file reader says what is wrong
  }
  if (total <= 8192) return null;
  if ((head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) || (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return null;
  if (utf16WithoutBom(head) !== null || controlShare(head) > cfg.decode.binaryControlShare) return null;
  const strict = decoders.filter((d) => d.ok);
  return strict.length === 1 ? { encoding: strict[0]!.enc, blank: strict[0]!.blank } : null;
}

/**
 * A `.csv`, `.tsv`, `.jsonl`/`.ndjson`, `.json` file (also gzipped) read from its path, a chunk at a time, never
 * whole in memory and without the raw-file size limit: a first pass checks it is UTF-8 (scanText), then the readers
 * the whole-file reader (extractRecords) uses read its text as it is decoded, each record's unit handed to the sink
 * as it is made; the ledger row and the units are those extractRecords gives for the same bytes. A file that is not
 * plain UTF-8 (GBK, UTF-16, HZ…) is read by extractRecords, whole, within the size limit.
 */
export async function extractRecordsPath(absPath: string, info: RawFileInfo, cfg: Cfg, sink?: UnitSink): Promise<ExtractResult> {
  const kind = recordFormatOf(info.path)!;
  const scan = await scanText(absPath, kind.gzip);
  if (!scan.utf8) {
    if (scan.gunzip !== undefined) return rejected({ ...info, format: kind.format }, 'corrupt_records', `cannot gunzip: ${scan.gunzip}`);
    const legacy = await scanLegacy(absPath, kind.gzip, cfg);
    if (legacy) {
      const base: RawFileInfo = { ...info, format: kind.format, encoding: legacy.encoding, encoding_method: 'only_strict' };
      if (legacy.blank) return rejected(base, 'empty', 'only whitespace after decoding');
      return readRecords(fileText(absPath, kind.gzip, legacy.encoding), { kind, base, set: cfg.records ?? RECORD_DEFAULTS, make: (cols) => new RecordUnits({ path: info.path }, info.sha256, kind.format, legacy.encoding, cols), sink });
    }
    if (info.bytes > cfg.maxFileBytes) return rejected({ ...info, format: kind.format }, 'too_large', `${info.bytes} bytes > limit ${cfg.maxFileBytes} (not UTF-8 nor only GB18030 or Big5: read whole)`);
    return extractRecords({ path: info.path, bytes: readFileSync(absPath) }, info, cfg, sink);
  }
  const base: RawFileInfo = { ...info, format: kind.format, encoding: 'utf-8', encoding_method: scan.bom ? 'bom' : 'utf8_valid' };
  if (scan.blank) return rejected(base, 'empty', 'only whitespace after decoding');
  return readRecords(fileText(absPath, kind.gzip), { kind, base, set: cfg.records ?? RECORD_DEFAULTS, make: (cols) => new RecordUnits({ path: info.path }, info.sha256, kind.format, 'utf-8', cols), sink });
}
