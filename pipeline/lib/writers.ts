/**
 * Writers of the published files, each streaming rows into a temporary file renamed into place:
 * CSV (csv-stringify, RFC 4180), Arrow IPC file format (apache-arrow), Parquet with zstd (DuckDB, reading the
 * JSONL with an explicit column list so types never depend on inference).
 */
import { createWriteStream } from 'node:fs';
import { rm, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'csv-stringify';
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

/**
 * RFC 4180 CSV: UTF-8 without BOM, header row, CRLF between records, every string field quoted (so `""` is an
 * empty string and an empty field is null), numbers unquoted.
 *
 * Formula injection: cells are written exactly as the text is, never prefixed with `'` (OWASP's mitigation),
 * because the CSV is a data file and a prefix would change the text pandas, DuckDB and R read. Quoting does not
 * stop a spreadsheet from evaluating `"=…"`: open the CSV in a spreadsheet through its import dialog with
 * columns typed as text, or use the Parquet/Arrow files. Returns how many cells start like a formula, so the
 * report can say so.
 */
export class CsvFileWriter {
  private readonly tmp: string;
  private readonly out;
  private readonly csv;
  private readonly finished: Promise<void>;
  rows = 0;
  formulaLike = 0;
  constructor(readonly file: string, private readonly columns: ColumnSpec[]) {
    this.tmp = tempName(file);
    this.out = createWriteStream(this.tmp);
    this.csv = stringify({ header: true, columns: columns.map((c) => c.name), record_delimiter: 'windows', quoted_string: true, cast: { number: (v) => String(v) } });
    this.csv.pipe(this.out);
    this.finished = new Promise<void>((resolve, reject) => {
      this.out.on('finish', () => resolve());
      this.out.on('error', reject);
    });
    this.finished.catch(() => undefined);
  }
  async write(r: Row): Promise<void> {
    const cells = this.columns.map((c) => r[c.name] ?? null);
    this.rows++;
    for (const c of cells) if (isFormulaLike(c)) this.formulaLike++;
    if (!this.csv.write(cells)) await new Promise<void>((res) => this.csv.once('drain', () => res()));
  }
  async close(): Promise<{ rows: number; formulaLike: number }> {
    this.csv.end();
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

/** Validity bitmap (LSB-first, as Arrow lays it out) and null count of a column; no bitmap when nothing is null. */
function validity(values: Cell[]): { nullBitmap: Uint8Array | undefined; nullCount: number } {
  let nullCount = 0;
  const bits = new Uint8Array(Math.ceil(values.length / 8));
  for (let i = 0; i < values.length; i++) {
    if (values[i] === null || values[i] === undefined) nullCount++;
    else bits[i >> 3]! |= 1 << (i & 7);
  }
  return { nullBitmap: nullCount ? bits : undefined, nullCount };
}

/**
 * Arrow column data built straight from the values: UTF-8 bytes and offsets in one buffer for strings, an
 * Int32Array for integers. (apache-arrow's generic `vectorFromArray` builder costs about 5× more on long texts.)
 */
function columnData(values: Cell[], type: 'string' | 'int') {
  const { nullBitmap, nullCount } = validity(values);
  if (type === 'int') {
    const data = new Int32Array(values.length);
    for (let i = 0; i < values.length; i++) data[i] = (values[i] as number | null) ?? 0;
    return makeData({ type: new Int32(), length: values.length, nullCount, nullBitmap, data });
  }
  const valueOffsets = new Int32Array(values.length + 1);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'string') total += Buffer.byteLength(v, 'utf8');
    valueOffsets[i + 1] = total;
  }
  const data = Buffer.alloc(total);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'string') data.write(v, valueOffsets[i]!, 'utf8');
  }
  return makeData({ type: new Utf8(), length: values.length, nullCount, nullBitmap, valueOffsets, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
}

function batchOf(schema: Schema, columns: ColumnSpec[], rows: Row[]): RecordBatch {
  const children = columns.map((c) => columnData(rows.map((r) => r[c.name] ?? null), c.type));
  const data = makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children });
  return new RecordBatch(schema, data);
}

/** Arrow IPC *file* format (what pandas.read_feather and pyarrow.ipc.open_file read), in batches of rows. */
export class ArrowFileWriter {
  private readonly tmp: string;
  private readonly schema: Schema;
  private readonly writer = new RecordBatchFileWriter();
  private readonly done: Promise<void>;
  private buf: Row[] = [];
  private wrote = false;
  constructor(readonly file: string, private readonly columns: ColumnSpec[], private readonly batchRows = 8192) {
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
    this.buf.push(r);
    if (this.buf.length >= this.batchRows) this.flush();
  }
  private flush(): void {
    this.writer.write(batchOf(this.schema, this.columns, this.buf));
    this.wrote = true;
    this.buf = [];
  }
  async close(): Promise<void> {
    if (this.buf.length > 0 || !this.wrote) this.flush();
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
    // One thread and insertion order preserved: the bytes are the same on every run and machine.
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

