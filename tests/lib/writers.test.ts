/**
 * Writers of the published files (pipeline/lib/writers.ts) fed with chunks formatted elsewhere (a worker thread):
 * the CSV and Arrow files must be byte for byte what the row-by-row writers wrote, however the rows are split.
 * The references are the writers as they were before chunks: csv-stringify with the options the CSV was written
 * with, and the row-by-row Arrow encoder (copied below). Where the 50 MB bench run's output is on this machine
 * (/tmp/base50, see briefs), its rows are checked too.
 */
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { RecordBatchFileWriter, Utf8, Int32, Schema, Field, RecordBatch, makeData, Struct, tableFromIPC } from 'apache-arrow';
import {
  csvChunk, csvHeader, CsvFileWriter, arrowChunk, arrowChunkTransfer, ArrowFileWriter, isFormulaLike,
  type Cell, type ColumnSpec, type Row,
} from '../../pipeline/lib/writers.js';
import { COLUMNS, INT_COLUMNS } from '../../pipeline/stages/validate.js';
import { tempDir } from '../helpers.js';
import { mulberry32 as rng } from '../../pipeline/lib/random.js';

// ---- references: the writers as they were ----

function csvReference(rows: Row[], columns: ColumnSpec[]): string {
  const cells = rows.map((r) => columns.map((c) => r[c.name] ?? null));
  return stringify(cells, { header: true, columns: columns.map((c) => c.name), record_delimiter: 'windows', quoted_string: true, cast: { number: (v) => String(v) } });
}

function referenceColumn(values: Cell[], type: 'string' | 'int') {
  let nullCount = 0;
  const bits = new Uint8Array(Math.ceil(values.length / 8));
  for (let i = 0; i < values.length; i++) {
    if (values[i] === null || values[i] === undefined) nullCount++;
    else bits[i >> 3]! |= 1 << (i & 7);
  }
  const nullBitmap = nullCount ? bits : undefined;
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

function arrowReference(rows: Row[], columns: ColumnSpec[], batchRows: number): Uint8Array {
  const schema = new Schema(columns.map((c) => new Field(c.name, c.type === 'int' ? new Int32() : new Utf8(), true)));
  const w = new RecordBatchFileWriter();
  w.reset(undefined, schema);
  for (let s = 0; s === 0 || s < rows.length; s += batchRows) {
    const batch = rows.slice(s, s + batchRows);
    const children = columns.map((c) => referenceColumn(batch.map((r) => r[c.name] ?? null), c.type));
    w.write(new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: batch.length, nullCount: 0, children })));
  }
  w.finish();
  return w.toUint8Array(true);
}

// ---- inputs ----

const COLS: ColumnSpec[] = [{ name: 'id', type: 'string' }, { name: 'text', type: 'string' }, { name: 'n', type: 'int' }, { name: 'note', type: 'string' }];

const TRICKY: [string, Row][] = [
  ['plain', { id: 'a', text: '普通文本：同志们好。', n: 1, note: 'x' }],
  ['quotes', { id: 'b', text: '"quoted" and ""double""', n: 0, note: '"' }],
  ['CRLF, LF and CR', { id: 'c', text: '第一行\r\n第二行\n第三行\r', n: -3, note: '\r\n' }],
  ['commas and semicolons', { id: 'd', text: '逗号,分号;', n: 2147483647, note: ',' }],
  ['empty string vs null', { id: 'e', text: '', n: null, note: null }],
  ['missing keys', { id: 'f' }],
  ['formula-like', { id: '=1+1', text: '+1', n: -1, note: '＝SUM(A1)' }],
  ['formula-like tab, CR, @, minus', { id: '\t=1', text: '\r=1', n: 5, note: '@x' }],
  ['four-byte characters', { id: '𠀀', text: '𝌆 😀 𠮷野家', n: 42, note: '-𠮷' }],
  ['spaces and NULL words', { id: ' ', text: ' leading space', n: 7, note: 'NULL' }],
];
const TRICKY_ROWS = TRICKY.map(([, r]) => r);


/** `rows` cut into consecutive chunks: of `size` rows each, or at `cuts` random places. */
function split<T>(rows: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let s = 0; s < rows.length; s += size) out.push(rows.slice(s, s + size));
  return out;
}
function splitRandom<T>(rows: T[], cuts: number, seed: number): T[][] {
  const r = rng(seed);
  const at = [...new Set(Array.from({ length: cuts }, () => Math.floor(r() * (rows.length + 1))))].sort((a, b) => a - b);
  const out: T[][] = [];
  let prev = 0;
  for (const a of [...at, rows.length]) {
    out.push(rows.slice(prev, a));
    prev = a;
  }
  return out;
}

/** Rows with every kind of cell, generated, for batch boundaries at many places. */
function generated(n: number): Row[] {
  const r = rng(7);
  const pieces = ['中文', 'ascii', '"', ',', '\r\n', '𠮷', '', '=', '😀'];
  const str = () => (r() < 0.1 ? null : Array.from({ length: Math.floor(r() * 6) }, () => pieces[Math.floor(r() * pieces.length)]).join(''));
  return Array.from({ length: n }, (_, i) => ({ id: `r${i}`, text: str(), n: r() < 0.1 ? null : Math.floor(r() * 2000) - 1000, note: str() }));
}

const BASE50 = '/tmp/base50/stages/validate.jsonl';
const base50 = existsSync(BASE50);
const DOC_COLUMNS: ColumnSpec[] = COLUMNS.map((c) => ({ name: c, type: INT_COLUMNS.has(c) ? 'int' : 'string' }));
const base50Rows = (() => {
  let rows: Row[] | null = null;
  return () => (rows ??= readFileSync(BASE50, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row));
})();

const csvOf = (columns: ColumnSpec[], chunks: Row[][]) => csvHeader(columns) + chunks.map((c) => csvChunk(c, columns).text).join('');

// ---- CSV ----

describe('csvChunk', () => {
  it.each(TRICKY)('%s: the same bytes as csv-stringify', (_, row) => {
    expect(csvHeader(COLS) + csvChunk([row], COLS).text).toBe(csvReference([row], COLS));
  });

  it('exact text of the tricky cells', () => {
    expect(csvHeader(COLS)).toBe('"id","text","n","note"\r\n');
    expect(csvChunk([TRICKY_ROWS[1]!, TRICKY_ROWS[4]!, TRICKY_ROWS[5]!], COLS).text).toBe(
      '"b","""quoted"" and """"double""""",0,""""\r\n"e","",,\r\n"f",,,\r\n',
    );
  });

  it('counts the cells that start like a formula, as isFormulaLike does', () => {
    const c = csvChunk(TRICKY_ROWS, COLS);
    expect(c.rows).toBe(TRICKY_ROWS.length);
    expect(c.formulaLike).toBe(TRICKY_ROWS.flatMap((r) => COLS.map((k) => r[k.name] ?? null)).filter(isFormulaLike).length);
    expect(c.formulaLike).toBe(8);
  });

  it('any split of the rows into consecutive chunks gives the same file', () => {
    const whole = csvReference(TRICKY_ROWS, COLS);
    for (let a = 0; a <= TRICKY_ROWS.length; a++) {
      for (let b = a; b <= TRICKY_ROWS.length; b++) {
        expect(csvOf(COLS, [TRICKY_ROWS.slice(0, a), TRICKY_ROWS.slice(a, b), TRICKY_ROWS.slice(b)])).toBe(whole);
      }
    }
  });

  it('no rows: the header only', () => {
    expect(csvHeader(COLS) + csvChunk([], COLS).text).toBe(csvReference([], COLS));
  });

  it.skipIf(!base50)('the 50 MB bench rows, split at random points, give the bytes csv-stringify gives', () => {
    const rows = base50Rows();
    const whole = csvReference(rows, DOC_COLUMNS);
    for (const seed of [1, 2, 3]) expect(csvOf(DOC_COLUMNS, splitRandom(rows, 200, seed)) === whole).toBe(true);
    expect(csvOf(DOC_COLUMNS, split(rows, 1)) === whole).toBe(true);
  });
});

describe('CsvFileWriter', () => {
  it('rows and chunks (text or UTF-8 bytes), mixed, write the file and counters of the rows written one by one', async () => {
    const dir = await tempDir('jw-writers-');
    const rows = [...TRICKY_ROWS, ...generated(300)];
    const file = path.join(dir, 'mixed.csv');
    const w = new CsvFileWriter(file, COLS);
    const chunks = splitRandom(rows, 12, 5);
    for (const [i, c] of chunks.entries()) {
      if (i % 3 === 0) for (const r of c) await w.write(r);
      else {
        const { text, rows: n, formulaLike } = csvChunk(c, COLS);
        await w.writeChunk(i % 3 === 1 ? text : new TextEncoder().encode(text), n, formulaLike);
      }
    }
    const got = await w.close();
    expect(await readFile(file, 'utf8')).toBe(csvReference(rows, COLS));
    expect(got).toEqual({ rows: rows.length, formulaLike: rows.flatMap((r) => COLS.map((k) => r[k.name] ?? null)).filter(isFormulaLike).length });
  });

  it('without rows writes the header', async () => {
    const file = path.join(await tempDir('jw-writers-'), 'empty.csv');
    expect(await new CsvFileWriter(file, COLS).close()).toEqual({ rows: 0, formulaLike: 0 });
    expect(await readFile(file, 'utf8')).toBe('"id","text","n","note"\r\n');
  });
});

// ---- Arrow ----

async function arrowFromChunks(chunks: Row[][], columns: ColumnSpec[], batchRows?: number): Promise<Uint8Array> {
  const file = path.join(await tempDir('jw-writers-'), 'documents.arrow');
  const w = new ArrowFileWriter(file, columns, batchRows);
  for (const c of chunks) w.writeChunk(arrowChunk(c, columns));
  await w.close();
  return new Uint8Array(await readFile(file));
}

const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

describe('arrowChunk and ArrowFileWriter.writeChunk', () => {
  const rows = [...TRICKY_ROWS, ...generated(20000)];

  it.each([1, 7, 8192, 10000])('chunks of %i rows: the bytes of the row-by-row writer (batches of 8192)', async (size) => {
    expect(same(await arrowFromChunks(split(rows, size), COLS), arrowReference(rows, COLS, 8192))).toBe(true);
  });

  it.each([[1, 5], [3, 5], [7, 5], [5, 5], [13, 4]])('chunks of %i rows, batches of %i: the same bytes', async (size, batchRows) => {
    const some = rows.slice(0, 200);
    expect(same(await arrowFromChunks(split(some, size), COLS, batchRows), arrowReference(some, COLS, batchRows))).toBe(true);
  });

  it('chunks cut at random places, some empty: the same bytes', async () => {
    const some = rows.slice(0, 3000);
    for (const seed of [1, 2]) expect(same(await arrowFromChunks(splitRandom(some, 40, seed), COLS, 256), arrowReference(some, COLS, 256))).toBe(true);
  });

  it('no rows: one empty batch, as before', async () => {
    expect(same(await arrowFromChunks([], COLS), arrowReference([], COLS, 8192))).toBe(true);
    expect(same(await arrowFromChunks([[], []], COLS), arrowReference([], COLS, 8192))).toBe(true);
  });

  it('reads back with apache-arrow: the values, nulls and batch sizes', async () => {
    const t = tableFromIPC(await arrowFromChunks(split(TRICKY_ROWS, 3), COLS, 4));
    expect(t.batches.map((b) => b.numRows)).toEqual([4, 4, 2]);
    expect(t.toArray().map((r) => r.toJSON())).toEqual(TRICKY_ROWS.map((r) => Object.fromEntries(COLS.map((c) => [c.name, r[c.name] ?? null]))));
  });

  it('rows written one by one and chunks, mixed, keep their order', async () => {
    const some = rows.slice(0, 100);
    const file = path.join(await tempDir('jw-writers-'), 'mixed.arrow');
    const w = new ArrowFileWriter(file, COLS, 16);
    for (const [i, c] of splitRandom(some, 10, 3).entries()) {
      if (i % 2) for (const r of c) w.write(r);
      else w.writeChunk(arrowChunk(c, COLS));
    }
    await w.close();
    expect(same(new Uint8Array(await readFile(file)), arrowReference(some, COLS, 16))).toBe(true);
  });

  it('a chunk crosses threads by transfer: its buffers are its own, and the copy writes the same bytes', async () => {
    const chunk = arrowChunk(rows.slice(0, 50), COLS);
    const transfer = arrowChunkTransfer(chunk);
    expect(new Set(transfer).size).toBe(transfer.length);
    expect(transfer.length).toBe(3 * 2 + 1 + chunk.columns.filter((c) => c.validity).length);
    const moved = structuredClone(chunk, { transfer });
    expect(transfer.every((b) => b.byteLength === 0)).toBe(true);
    const file = path.join(await tempDir('jw-writers-'), 'moved.arrow');
    const w = new ArrowFileWriter(file, COLS);
    w.writeChunk(moved);
    await w.close();
    expect(same(new Uint8Array(await readFile(file)), arrowReference(rows.slice(0, 50), COLS, 8192))).toBe(true);
  });

  it('does not hold written batches in memory: they are in the file after one turn of the event loop', async () => {
    // The main thread writes batches between long stretches of work; bytes that waited for a stream to drain piled
    // up (110 MB at the end of pass 2 of the 500 MB benchmark corpus).
    const dir = await tempDir('jw-writers-');
    const file = path.join(dir, 'drained.arrow');
    const w = new ArrowFileWriter(file, COLS, 16);
    const some = rows.slice(0, 160);
    for (const c of split(some, 16)) w.writeChunk(arrowChunk(c, COLS));
    await new Promise((r) => setImmediate(r));
    const tmp = path.join(dir, `.drained.arrow.${process.pid}.tmp`);
    const written = statSync(tmp).size;
    await w.close();
    const whole = (await readFile(file)).length;
    // Everything but the footer (the file's last bytes, written by close) is already on disk.
    expect(written).toBeGreaterThan(whole - 1024);
    expect(same(new Uint8Array(await readFile(file)), arrowReference(some, COLS, 16))).toBe(true);
  });

  it('bad arguments fail with what to fix', () => {
    expect(() => new ArrowFileWriter('/nonexistent/x.arrow', COLS, 0)).toThrow('batchRows must be a positive integer, got 0');
  });

  it.skipIf(!base50)('the 50 MB bench rows in chunks of 1, 7, 8192 and 10000 rows: the bytes of the published file', async () => {
    const all = base50Rows();
    const published = new Uint8Array(readFileSync('/tmp/base50/documents.arrow'));
    expect(same(arrowReference(all, DOC_COLUMNS, 8192), published)).toBe(true);
    for (const size of [1, 7, 8192, 10000]) expect(same(await arrowFromChunks(split(all, size), DOC_COLUMNS), published)).toBe(true);
  });
});
