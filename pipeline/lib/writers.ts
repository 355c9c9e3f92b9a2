/**
 * Writers of the published files, each streaming rows into a temporary file renamed into place:
 * CSV (csv-stringify, RFC 4180), Arrow IPC file format (apache-arrow), Parquet with zstd (DuckDB, reading the
 * JSONL with an explicit column list so types never depend on inference).
 */
import { createWriteStream } from 'node:fs';
import { rm, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'csv-stringify';
import { RecordBatchFileWriter, vectorFromArray, Utf8, Int32, Schema, Field, RecordBatch, makeData, Struct } from 'apache-arrow';
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
export async function writeCsv(file: string, columns: ColumnSpec[], rows: AsyncIterable<Row>): Promise<{ rows: number; formulaLike: number }> {
  let n = 0;
  let formulaLike = 0;
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = tempName(file);
  const out = createWriteStream(tmp);
  const csv = stringify({ header: true, columns: columns.map((c) => c.name), record_delimiter: 'windows', quoted_string: true, cast: { number: (v) => String(v) } });
  csv.pipe(out);
  for await (const r of rows) {
    const cells = columns.map((c) => r[c.name] ?? null);
    n++;
    for (const c of cells) if (isFormulaLike(c)) formulaLike++;
    if (!csv.write(cells)) await new Promise<void>((res) => csv.once('drain', () => res()));
  }
  await new Promise<void>((resolve, reject) => {
    out.on('finish', () => resolve());
    out.on('error', reject);
    csv.end();
  });
  await commitTemp(tmp, file);
  return { rows: n, formulaLike };
}

function arrowSchema(columns: ColumnSpec[]): Schema {
  return new Schema(columns.map((c) => new Field(c.name, c.type === 'int' ? new Int32() : new Utf8(), true)));
}

function batchOf(schema: Schema, columns: ColumnSpec[], rows: Row[]): RecordBatch {
  const children = columns.map((c) => vectorFromArray(rows.map((r) => r[c.name] ?? null), c.type === 'int' ? new Int32() : new Utf8()).data[0]!);
  const data = makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children });
  return new RecordBatch(schema, data);
}

/** Arrow IPC *file* format (what pandas.read_feather and pyarrow.ipc.open_file read), in batches of rows. */
export async function writeArrow(file: string, columns: ColumnSpec[], rows: AsyncIterable<Row>, batchRows = 8192): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = tempName(file);
  const schema = arrowSchema(columns);
  const writer = new RecordBatchFileWriter();
  const out = createWriteStream(tmp);
  const piped = writer.toNodeStream().pipe(out);
  const done = new Promise<void>((resolve, reject) => {
    piped.on('finish', () => resolve());
    piped.on('error', reject);
  });
  writer.reset(undefined, schema);
  let buf: Row[] = [];
  let wrote = false;
  for await (const r of rows) {
    buf.push(r);
    if (buf.length >= batchRows) {
      writer.write(batchOf(schema, columns, buf));
      wrote = true;
      buf = [];
    }
  }
  if (buf.length > 0 || !wrote) writer.write(batchOf(schema, columns, buf));
  writer.finish();
  await done;
  await commitTemp(tmp, file);
}

/** Parquet (zstd) written by DuckDB from the JSONL file, rows in file order. */
export async function writeParquetFromJsonl(file: string, jsonl: string, columns: ColumnSpec[]): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = tempName(file);
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try {
    // One thread and insertion order preserved: the bytes are the same on every run and machine.
    await con.run(`SET threads = 1; SET preserve_insertion_order = true;`);
    const cols = columns.map((c) => `'${c.name}': '${c.type === 'int' ? 'INTEGER' : 'VARCHAR'}'`).join(', ');
    const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
    await con.run(
      `COPY (SELECT * FROM read_json(${lit(jsonl)}, format = 'newline_delimited', columns = {${cols}}, maximum_object_size = 1073741824)) ` +
        `TO ${lit(tmp)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 100000)`,
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

