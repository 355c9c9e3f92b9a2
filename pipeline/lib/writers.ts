/**
 * Writers of the published files, each streaming rows into a temporary file renamed into place:
 * CSV (RFC 4180), Arrow IPC file format (apache-arrow), Parquet with zstd (DuckDB, reading the JSONL with an
 * explicit column list so types never depend on inference).
 *
 * The CSV and Arrow writers take rows one by one or, cheaper, chunks of rows formatted elsewhere (csvChunk,
 * arrowChunk: pure functions meant for the worker threads); the file is the same bytes however the rows come.
 */
import { createWriteStream } from 'node:fs';
import { rm, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { RecordBatchFileWriter, Utf8, Int32, Schema, Field, RecordBatch, makeData, Struct } from 'apache-arrow';
import { DuckDBInstance } from '@duckdb/node-api';
import { tempName, commitTemp } from './io.js';

export type Cell = string | number | null;
export type Row = Record<string, Cell>;
export interface ColumnSpec { name: string; type: 'string' | 'int' }

/**
 * Characters that make a spreadsheet read a cell as a formula (OWASP "CSV Injection": `=` `+` `-` `@`, tab and
 * carriage return), plus their full-width forms, which spreadsheets in CJK locales may also take as formula starts.
 */
export const FORMULA_START = /^[=+\-@\t\r＝＋－＠]/;

/** Whether a spreadsheet opening the CSV by double-click could evaluate this cell. */
export function isFormulaLike(cell: Cell): boolean {
  return typeof cell === 'string' && FORMULA_START.test(cell);
}

/** A CSV string field: always quoted, inner quotes doubled (RFC 4180), so `""` is an empty string. */
function csvString(s: string): string {
  return s.includes('"') ? `"${s.replaceAll('"', '""')}"` : `"${s}"`;
}

/** The header row of the CSV, record delimiter included. */
export function csvHeader(columns: ColumnSpec[]): string {
  return columns.map((c) => csvString(c.name)).join(',') + '\r\n';
}

/**
 * CSV text of a batch of rows, each ending with CRLF, and how many of its cells start like a formula. The text
 * of consecutive batches, appended after `csvHeader`, is the file: so worker threads can format their rows and
 * the main thread only appends (CsvFileWriter.writeChunk).
 *
 * The quoting is the one csv-stringify 6.9 writes with `quoted_string: true, record_delimiter: 'windows'` (which
 * the published files were first written with; tests/lib/writers.test.ts holds the two to the same bytes):
 * strings always quoted, numbers as `String(n)` unquoted, null or a missing key an empty field. Written by hand
 * because csv-stringify's sync API takes 130 ms for the 50 MB bench corpus and this 45 ms (medians of 5).
 */
export function csvChunk(rows: Row[], columns: ColumnSpec[]): { text: string; rows: number; formulaLike: number } {
  let text = '';
  let formulaLike = 0;
  for (const r of rows) {
    let line = '';
    for (let i = 0; i < columns.length; i++) {
      const v = r[columns[i]!.name] ?? null;
      if (i > 0) line += ',';
      if (typeof v === 'string') {
        line += csvString(v);
        if (FORMULA_START.test(v)) formulaLike++;
      } else if (v !== null) line += String(v);
    }
    text += line + '\r\n';
  }
  return { text, rows: rows.length, formulaLike };
}

/**
 * RFC 4180 CSV: UTF-8 without BOM, header row, CRLF after every record, every string field quoted (so `""` is
 * an empty string and an empty field is null), numbers unquoted (see csvChunk).
 *
 * Formula injection: cells are written exactly as the text is, never prefixed with `'` (OWASP's mitigation),
 * because the CSV is a data file and a prefix would change the text pandas, DuckDB and R read. Quoting does not
 * stop a spreadsheet from evaluating `"=…"`: open the CSV in a spreadsheet through its import dialog with
 * columns typed as text, or use the Parquet/Arrow files. Counts how many cells start like a formula, so the
 * report can say so.
 *
 * Rows come either one by one (`write`) or as text already formatted by csvChunk, e.g. in a worker thread
 * (`writeChunk`); both can be mixed, in the order of the rows.
 */
export class CsvFileWriter {
  private readonly tmp: string;
  private readonly out;
  private readonly finished: Promise<void>;
  rows = 0;
  formulaLike = 0;
  constructor(readonly file: string, private readonly columns: ColumnSpec[]) {
    this.tmp = tempName(file);
    this.out = createWriteStream(this.tmp);
    this.finished = new Promise<void>((resolve, reject) => {
      this.out.on('finish', () => resolve());
      this.out.on('error', reject);
    });
    this.finished.catch(() => undefined);
    this.out.write(csvHeader(columns));
  }
  /** Rows given to `write`, appended in pieces of about 64 K characters rather than one stream write a row. */
  private pending = '';
  async write(r: Row): Promise<void> {
    const c = csvChunk([r], this.columns);
    this.rows++;
    this.formulaLike += c.formulaLike;
    this.pending += c.text;
    if (this.pending.length >= 65536) await this.append(this.takePending());
  }
  /**
   * Appends csvChunk's output for `rows` rows: its text, or (better) that text UTF-8 encoded where it was made,
   * e.g. `new TextEncoder().encode(text)` in the worker, a Uint8Array that owns its buffer and can be transferred,
   * so this thread only copies bytes.
   */
  async writeChunk(text: string | Uint8Array, rows: number, formulaLike: number): Promise<void> {
    if (this.pending) await this.append(this.takePending());
    this.rows += rows;
    this.formulaLike += formulaLike;
    await this.append(text);
  }
  private takePending(): string {
    const t = this.pending;
    this.pending = '';
    return t;
  }
  private async append(data: string | Uint8Array): Promise<void> {
    if (!this.out.write(data)) await new Promise<void>((res) => this.out.once('drain', () => res()));
  }
  /** Stops writing and removes the temporary file (a failed run leaves the previous file in place). */
  async abort(): Promise<void> {
    this.out.end();
    await this.finished.catch(() => undefined);
    await rm(this.tmp, { force: true });
  }
  async close(): Promise<{ rows: number; formulaLike: number }> {
    if (this.pending) this.out.write(this.takePending());
    this.out.end();
    await this.finished;
    await commitTemp(this.tmp, this.file);
    return { rows: this.rows, formulaLike: this.formulaLike };
  }
}

export async function writeCsv(file: string, columns: ColumnSpec[], rows: AsyncIterable<Row>): Promise<{ rows: number; formulaLike: number }> {
  await mkdir(path.dirname(file), { recursive: true });
  const w = new CsvFileWriter(file, columns);
  for await (const r of rows) await w.write(r);
  return w.close();
}

function arrowSchema(columns: ColumnSpec[]): Schema {
  return new Schema(columns.map((c) => new Field(c.name, c.type === 'int' ? new Int32() : new Utf8(), true)));
}

/**
 * One column of a batch of rows, in Arrow's layout: a validity bitmap (LSB first; null when no value is null)
 * and, for strings, the UTF-8 bytes of the values one after another with `rows + 1` offsets into them starting
 * at 0; for integers, the values (0 where null). Every array owns its ArrayBuffer, so it can be transferred.
 */
export type ArrowColumnChunk =
  | { type: 'string'; nullCount: number; validity: Uint8Array | null; offsets: Int32Array; bytes: Uint8Array }
  | { type: 'int'; nullCount: number; validity: Uint8Array | null; values: Int32Array };

/** A batch of rows encoded for the Arrow file (arrowChunk), one entry per column. */
export interface ArrowChunk {
  rows: number;
  columns: ArrowColumnChunk[];
}

/** Offsets are Int32 (Arrow's Utf8 type): a string column of one batch must hold less than 2 GiB. */
const MAX_BYTES = 0x7fffffff;

function tooLarge(column: string, bytes: number): Error {
  return new Error(`Arrow: column ${column} holds ${bytes} bytes in one batch, more than Utf8's Int32 offsets address (${MAX_BYTES}); write fewer rows per batch`);
}

function validityOf(values: Cell[]): { validity: Uint8Array | null; nullCount: number } {
  let nullCount = 0;
  const bits = new Uint8Array(Math.ceil(values.length / 8));
  for (let i = 0; i < values.length; i++) {
    if (values[i] === null || values[i] === undefined) nullCount++;
    else bits[i >> 3]! |= 1 << (i & 7);
  }
  return { validity: nullCount ? bits : null, nullCount };
}

function columnChunk(values: Cell[], column: ColumnSpec): ArrowColumnChunk {
  const { validity, nullCount } = validityOf(values);
  if (column.type === 'int') {
    const data = new Int32Array(values.length);
    for (let i = 0; i < values.length; i++) data[i] = (values[i] as number | null) ?? 0;
    return { type: 'int', nullCount, validity, values: data };
  }
  // Two passes (byte lengths, then encode in place) rather than encoding into a 3×-sized buffer: about 50 ms
  // against 40 for the 50 MB bench corpus, without the oversized allocation.
  const offsets = new Int32Array(values.length + 1);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'string') total += Buffer.byteLength(v, 'utf8');
    if (total > MAX_BYTES) throw tooLarge(column.name, total);
    offsets[i + 1] = total;
  }
  // A Uint8Array of its own, not a Buffer: small Buffers share a pool, which must never be transferred.
  const bytes = new Uint8Array(total);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'string') buf.write(v, offsets[i]!, 'utf8');
  }
  return { type: 'string', nullCount, validity, offsets, bytes };
}

/**
 * Encodes a batch of rows for the Arrow file: the costly part (UTF-8 encoding, column layout), meant to run in a
 * worker thread; ArrowFileWriter.writeChunk only copies bytes into record batches. (apache-arrow's generic
 * `vectorFromArray` builder costs about 5× more on long texts.)
 */
export function arrowChunk(rows: Row[], columns: ColumnSpec[]): ArrowChunk {
  return { rows: rows.length, columns: columns.map((c) => columnChunk(rows.map((r) => r[c.name] ?? null), c)) };
}

/** The ArrayBuffers of a chunk, to pass as the transfer list when posting it to another thread. */
export function arrowChunkTransfer(chunk: ArrowChunk): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const c of chunk.columns) {
    if (c.validity) out.push(c.validity.buffer as ArrayBuffer);
    if (c.type === 'int') out.push(c.values.buffer as ArrayBuffer);
    else out.push(c.offsets.buffer as ArrayBuffer, c.bytes.buffer as ArrayBuffer);
  }
  return out;
}

/** Rows `[start, end)` of a chunk: the pieces one record batch is cut from. */
interface Piece { chunk: ArrowChunk; start: number; end: number }

/** Column `j` of the rows of `pieces`, laid out exactly as arrowChunk lays out those rows in one call. */
function joinColumn(pieces: Piece[], j: number, column: ColumnSpec, length: number): ArrowColumnChunk {
  const only = pieces.length === 1 && pieces[0]!.start === 0 && pieces[0]!.end === pieces[0]!.chunk.rows ? pieces[0]!.chunk.columns[j]! : null;
  if (only) return only;
  let nullCount = 0;
  for (const p of pieces) {
    const c = p.chunk.columns[j]!;
    if (c.nullCount === 0) continue;
    if (p.start === 0 && p.end === p.chunk.rows) nullCount += c.nullCount;
    else for (let i = p.start; i < p.end; i++) if (!(c.validity![i >> 3]! & (1 << (i & 7)))) nullCount++;
  }
  let validity: Uint8Array | null = null;
  if (nullCount > 0) {
    validity = new Uint8Array(Math.ceil(length / 8));
    let k = 0;
    for (const p of pieces) {
      const v = p.chunk.columns[j]!.validity;
      for (let i = p.start; i < p.end; i++, k++) if (!v || v[i >> 3]! & (1 << (i & 7))) validity[k >> 3]! |= 1 << (k & 7);
    }
  }
  if (column.type === 'int') {
    const values = new Int32Array(length);
    let k = 0;
    for (const p of pieces) {
      const c = p.chunk.columns[j] as Extract<ArrowColumnChunk, { type: 'int' }>;
      values.set(c.values.subarray(p.start, p.end), k);
      k += p.end - p.start;
    }
    return { type: 'int', nullCount, validity, values };
  }
  let total = 0;
  for (const p of pieces) {
    const c = p.chunk.columns[j] as Extract<ArrowColumnChunk, { type: 'string' }>;
    total += c.offsets[p.end]! - c.offsets[p.start]!;
  }
  if (total > MAX_BYTES) throw tooLarge(column.name, total);
  const offsets = new Int32Array(length + 1);
  const bytes = new Uint8Array(total);
  let k = 0;
  let at = 0;
  for (const p of pieces) {
    const c = p.chunk.columns[j] as Extract<ArrowColumnChunk, { type: 'string' }>;
    const base = c.offsets[p.start]!;
    for (let i = p.start; i < p.end; i++) offsets[++k] = at + c.offsets[i + 1]! - base;
    bytes.set(c.bytes.subarray(base, c.offsets[p.end]!), at);
    at += c.offsets[p.end]! - base;
  }
  return { type: 'string', nullCount, validity, offsets, bytes };
}

function recordBatch(schema: Schema, columns: ColumnSpec[], pieces: Piece[], length: number): RecordBatch {
  const children = columns.map((spec, j) => {
    const c = joinColumn(pieces, j, spec, length);
    const nullBitmap = c.validity ?? undefined;
    return c.type === 'int'
      ? makeData({ type: new Int32(), length, nullCount: c.nullCount, nullBitmap, data: c.values })
      : makeData({ type: new Utf8(), length, nullCount: c.nullCount, nullBitmap, valueOffsets: c.offsets, data: c.bytes });
  });
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, nullCount: 0, children }));
}

/**
 * Arrow IPC *file* format (what pandas.read_feather and pyarrow.ipc.open_file read), in record batches of
 * exactly `batchRows` rows (the last one shorter; one empty batch when there are no rows), whatever the sizes
 * of the chunks the rows arrive in: so the bytes depend only on the rows.
 *
 * Rows come either one by one (`write`) or encoded by arrowChunk, e.g. in a worker thread (`writeChunk`); both
 * can be mixed, in the order of the rows.
 */
export class ArrowFileWriter {
  private readonly tmp: string;
  private readonly schema: Schema;
  private readonly writer = new RecordBatchFileWriter();
  private readonly done: Promise<void>;
  private rowsBuf: Row[] = [];
  private pieces: Piece[] = [];
  private pending = 0;
  private wrote = false;
  constructor(readonly file: string, private readonly columns: ColumnSpec[], private readonly batchRows = 8192) {
    if (!Number.isInteger(batchRows) || batchRows < 1) throw new Error(`ArrowFileWriter: batchRows must be a positive integer, got ${batchRows}`);
    this.tmp = tempName(file);
    this.schema = arrowSchema(columns);
    const piped = this.writer.toNodeStream().pipe(createWriteStream(this.tmp));
    this.done = new Promise<void>((resolve, reject) => {
      piped.on('finish', () => resolve());
      piped.on('error', reject);
    });
    this.done.catch(() => undefined);
    this.writer.reset(undefined, this.schema);
  }
  write(r: Row): void {
    this.rowsBuf.push(r);
    if (this.rowsBuf.length >= this.batchRows) this.encodeRows();
  }
  /** Appends the rows of a chunk from arrowChunk (made with the same columns), writing every full batch. */
  writeChunk(chunk: ArrowChunk): void {
    if (chunk.columns.length !== this.columns.length) throw new Error(`ArrowFileWriter: chunk has ${chunk.columns.length} columns, the file ${this.columns.length}`);
    this.encodeRows();
    this.append(chunk);
  }
  private encodeRows(): void {
    if (this.rowsBuf.length === 0) return;
    const rows = this.rowsBuf;
    this.rowsBuf = [];
    this.append(arrowChunk(rows, this.columns));
  }
  private append(chunk: ArrowChunk): void {
    let start = 0;
    while (start < chunk.rows) {
      const end = Math.min(chunk.rows, start + this.batchRows - this.pending);
      this.pieces.push({ chunk, start, end });
      this.pending += end - start;
      start = end;
      if (this.pending === this.batchRows) this.flush();
    }
  }
  private flush(): void {
    this.writer.write(recordBatch(this.schema, this.columns, this.pieces, this.pending));
    this.wrote = true;
    this.pieces = [];
    this.pending = 0;
  }
  /** Stops writing and removes the temporary file. */
  async abort(): Promise<void> {
    this.writer.finish();
    await this.done.catch(() => undefined);
    await rm(this.tmp, { force: true });
  }
  async close(): Promise<void> {
    this.encodeRows();
    // The last, shorter batch; or one empty batch, so that a file without rows still has one.
    if (this.pending > 0 || !this.wrote) this.flush();
    this.writer.finish();
    await this.done;
    await commitTemp(this.tmp, this.file);
  }
}

export async function writeArrow(file: string, columns: ColumnSpec[], rows: AsyncIterable<Row>, batchRows = 8192): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const w = new ArrowFileWriter(file, columns, batchRows);
  for await (const r of rows) w.write(r);
  await w.close();
}

/** Parquet (zstd) written by DuckDB from the JSONL file, rows in file order. */
export async function writeParquetFromJsonl(file: string, jsonl: string, columns: ColumnSpec[]): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = tempName(file);
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try {
    // One thread and insertion order preserved: the bytes are the same on every run and machine. (Two threads
    // gave the same bytes too, but no speed: median 191 ms against 184 for the 50 MB bench corpus, 1.56 s against
    // 1.53 for ten copies of it.)
    // Memory stays bounded whatever the corpus size: row groups of 4096 rows are buffered, not the whole file.
    await con.run(`SET threads = 1; SET preserve_insertion_order = true;`);
    const cols = columns.map((c) => `'${c.name}': '${c.type === 'int' ? 'INTEGER' : 'VARCHAR'}'`).join(', ');
    const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
    await con.run(
      `COPY (SELECT * FROM read_json(${lit(jsonl)}, format = 'newline_delimited', columns = {${cols}}, maximum_object_size = 1073741824)) ` +
        `TO ${lit(tmp)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 4096)`,
    );
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  } finally {
    con.closeSync();
    db.closeSync();
  }
  await commitTemp(tmp, file);
}

