/**
 * The CSV and Arrow encodings of a batch of rows, without I/O and without libraries: what the worker threads run
 * (pipeline/stages/export.ts's exportBatch), so that they never load apache-arrow or DuckDB; the writers in
 * writers.ts only append these chunks to files.
 */
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
export const MAX_BYTES = 0x7fffffff;

export function tooLarge(column: string, bytes: number): Error {
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

