/**
 * Writers of the published files, each streaming rows into a temporary file renamed into place:
 * CSV (RFC 4180), Arrow IPC file format (apache-arrow), Parquet with zstd (DuckDB, reading the JSONL with an
 * explicit column list so types never depend on inference).
 *
 * The CSV and Arrow writers take rows one by one or, cheaper, chunks of rows formatted elsewhere (csvChunk,
 * arrowChunk: pure functions meant for the worker threads); the file is the same bytes however the rows come.
 */
import { closeSync, createWriteStream, openSync, writeSync } from 'node:fs';
import { rm, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Schema, RecordBatch } from 'apache-arrow';
import { tempName, commitTemp, drained, WRITE_BUFFER, WriteBack } from './io.js';
import { lazy } from './lazy.js';

/**
 * apache-arrow and DuckDB load on first use, not with this module: only the export's last steps need them, and
 * loading both took 0.35 s of the main thread's start-up, before any raw file was read. (Synchronous `require`
 * of their CommonJS builds, so that the writers stay synchronous; the types come from the same packages.)
 */
const arrow = lazy<typeof import('apache-arrow')>('apache-arrow');
const duckdb = lazy<typeof import('@duckdb/node-api')>('@duckdb/node-api');

/**
 * Loading apache-arrow and DuckDB, one function each: the main thread runs them while it waits for the pool
 * (lib/runner.ts, idle jobs) instead of at the start of the pass that writes documents.arrow (~50 ms) and of the
 * export's finish (~80 ms), where nothing else runs meanwhile.
 */
export const WRITER_WARMUPS: (() => void)[] = [() => void arrow(), () => void duckdb()];
import { csvHeader, csvChunk, arrowChunk, MAX_BYTES, tooLarge, type ArrowChunk, type ArrowColumnChunk, type ColumnSpec, type Row } from './chunks.js';

export { csvHeader, csvChunk, arrowChunk, arrowChunkTransfer, isFormulaLike, FORMULA_START, type ArrowChunk, type ArrowColumnChunk, type Cell, type ColumnSpec, type Row } from './chunks.js';

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
  private readonly back: WriteBack;
  rows = 0;
  formulaLike = 0;
  /** `bom`: start the file with a UTF-8 byte-order mark (U+FEFF), which Excel needs to read UTF-8 (`--csv-bom`). */
  constructor(readonly file: string, private readonly columns: ColumnSpec[], bom = false) {
    this.tmp = tempName(file);
    this.out = createWriteStream(this.tmp, { highWaterMark: WRITE_BUFFER });
    this.back = new WriteBack(() => (this.out as unknown as { fd?: number | null }).fd);
    this.finished = new Promise<void>((resolve, reject) => {
      this.out.on('finish', () => resolve());
      this.out.on('error', reject);
    });
    this.finished.catch(() => undefined);
    this.out.write((bom ? '\ufeff' : '') + csvHeader(columns));
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
    this.back.wrote(data.length);
    if (!this.out.write(data)) await drained(this.out);
  }
  /** Stops writing and removes the temporary file (a failed run leaves the previous file in place). */
  async abort(): Promise<void> {
    await this.back.settle();
    if (!this.out.destroyed) {
      this.out.end();
      await this.finished.catch(() => undefined);
    }
    await rm(this.tmp, { force: true });
  }
  async close(): Promise<{ rows: number; formulaLike: number }> {
    if (this.pending) this.out.write(this.takePending());
    await this.back.settle();
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
  const { Schema, Field, Int32, Utf8 } = arrow();
  return new Schema(columns.map((c) => new Field(c.name, c.type === 'int' ? new Int32() : new Utf8(), true)));
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
  const { makeData, Int32, Utf8, RecordBatch, Struct } = arrow();
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
  private readonly writer = new (arrow().RecordBatchFileWriter)();
  private readonly done: Promise<void>;
  private rowsBuf: Row[] = [];
  private pieces: Piece[] = [];
  private pending = 0;
  private wrote = false;
  private fd: number | null = null;
  private readonly back = new WriteBack(() => this.fd);
  constructor(readonly file: string, private readonly columns: ColumnSpec[], private readonly batchRows = 8192) {
    if (!Number.isInteger(batchRows) || batchRows < 1) throw new Error(`ArrowFileWriter: batchRows must be a positive integer, got ${batchRows}`);
    this.tmp = tempName(file);
    this.schema = arrowSchema(columns);
    this.done = this.drain(openSync(this.tmp, 'w'));
    this.done.catch(() => undefined);
    this.writer.reset(undefined, this.schema);
  }
  /**
   * Writes the IPC bytes to the file as the writer queues them. The writer's queue hands them out as resolved
   * promises, so this loop empties it within the microtasks that follow each batch, and writes synchronously.
   * (Piping `toNodeStream()` into a file stream let the queue grow: every small chunk waited for an event-loop turn
   * and a libuv write while this thread was busy, and with the 500 MB benchmark corpus about 110 MB of Arrow bytes
   * were still queued in memory at the end of pass 2.)
   */
  private async drain(fd: number): Promise<void> {
    this.fd = fd;
    try {
      for await (const chunk of this.writer) {
        for (let at = 0; at < chunk.byteLength;) at += writeSync(fd, chunk, at);
        this.back.wrote(chunk.byteLength);
      }
    } finally {
      this.fd = null;
      await this.back.settle();
      closeSync(fd);
    }
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

/**
 * DuckDB's `maximum_object_size` for a JSONL file whose longest line has `longest` bytes: the next power of two
 * above it, at least 1 MiB (1 GiB when unknown). DuckDB's read buffers scale with it: with 1 GiB, writing the
 * 460 MB documents.jsonl of the 500 MB bench corpus peaked at 695 MB of RSS, with 64 MiB at 384 MB. The value
 * changes how DuckDB cuts row groups, so it is derived from the data only (same file, same bytes).
 */
export function objectSize(longest?: number): number {
  if (longest === undefined) return 2 ** 30;
  let n = 2 ** 20;
  while (n <= longest + 1) n *= 2;
  return n;
}

/** Parquet (zstd) written by DuckDB from the JSONL file, rows in file order. */
export async function writeParquetFromJsonl(file: string, jsonl: string, columns: ColumnSpec[], longestLine?: number): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = tempName(file);
  const db = await duckdb().DuckDBInstance.create(':memory:');
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
      `COPY (SELECT * FROM read_json(${lit(jsonl)}, format = 'newline_delimited', columns = {${cols}}, maximum_object_size = ${objectSize(longestLine)})) ` +
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

