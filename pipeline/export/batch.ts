/**
 * The export's per-batch work, run in the worker threads (pipeline/lib/worker.ts): a batch of published rows
 * formatted as CSV bytes and Arrow columns, and the ledger's kept counts per raw file. It imports no file or
 * Arrow library, so the workers never load them; pipeline/stages/export.ts appends the results to the files.
 */
import { COLUMNS, INT_COLUMNS } from '../stages/validate.js';
import { csvChunk, arrowChunk, type ArrowChunk, type ColumnSpec, type Row } from '../lib/chunks.js';
import { countChars } from '../lib/stage.js';
import type { DocumentRow } from '../lib/types.js';

export const DOCUMENT_COLUMNS: ColumnSpec[] = COLUMNS.map((c) => ({ name: c, type: INT_COLUMNS.has(c) ? 'int' : 'string' }));

/** Characters of a published row, as the ledger counts them (title, subtitle and text). */
export function rowChars(r: DocumentRow): number {
  return countChars(r.title ?? '') + countChars(r.subtitle ?? '') + countChars(r.text);
}

/**
 * What the export step makes of a batch of published rows, in a worker thread: the batch's CSV text and Arrow
 * columns (encoded there, so the main thread only appends bytes), and the ledger's kept documents and
 * characters per raw file.
 */
export interface ExportChunk {
  /** The batch's CSV rows, UTF-8 (encoded where they were made, so the main thread only copies bytes). */
  csv: { bytes: Uint8Array; rows: number; formulaLike: number };
  arrow: ArrowChunk;
  /**
   * [key, documents, characters as the ledger counts them], in order of first appearance; the key is
   * keptKey(published source_file, source_sha256): the rows hold published paths (personal data masked), which two
   * raw files may share, so the content hash comes with it.
   */
  kept: [string, number, number][];
  /** Sum of n_chars. */
  chars: number;
}

/** The ledger's key of a raw file's kept counts: its published path and its sha256. */
export function keptKey(publishedPath: string, sha256: string): string {
  return `${publishedPath}\0${sha256}`;
}

export function exportBatch(rows: DocumentRow[]): ExportChunk {
  const kept = new Map<string, [string, number, number]>();
  let chars = 0;
  for (const r of rows) {
    const key = keptKey(r.source_file, r.source_sha256);
    let k = kept.get(key);
    if (!k) kept.set(key, (k = [key, 0, 0]));
    k[1]++;
    k[2] += rowChars(r);
    chars += r.n_chars;
  }
  const cells = rows as unknown as Row[];
  const csv = csvChunk(cells, DOCUMENT_COLUMNS);
  return { csv: { bytes: new TextEncoder().encode(csv.text), rows: csv.rows, formulaLike: csv.formulaLike }, arrow: arrowChunk(cells, DOCUMENT_COLUMNS), kept: [...kept.values()], chars };
}

