/**
 * The export's pieces that run outside the runner's end-to-end tests: the per-batch encoding the workers do, and
 * the size of DuckDB's read buffer (from the longest row, which tests/e2e/cache.test.ts checks in validate's meta).
 */
import { describe, it, expect } from 'vitest';
import { exportBatch, DOCUMENT_COLUMNS } from '../../pipeline/stages/export.js';
import { keptKey } from '../../pipeline/export/batch.js';
import { objectSize, csvChunk } from '../../pipeline/lib/writers.js';
import type { DocumentRow } from '../../pipeline/lib/types.js';

function row(id: string, file: string, text: string, title: string | null = '标题'): DocumentRow {
  return {
    id, title, subtitle: null, text, genre: 'speech', source_file: file, source_member: null, source_row: null, source_url: null, source_sha256: 'ab', source_encoding: 'utf-8',
    source_format: 'text', segment: 0, line_start: 1, line_end: 2, script_original: 'Hans', source_site: null, author_affiliation: null,
    published: null, n_chars: [...text].length, n_paragraphs: 1, n_sentences: 1, n_words: 2, n_masks: 0, duplicates: 0,
  };
}

describe('exportBatch', () => {
  it('sums kept documents and ledger characters per source file in order of first appearance, and encodes the CSV rows', () => {
    const rows = [row('a', 'x.txt', '第一 段。'), row('b', 'y.txt', '第二段\n正文𠀀', null), row('c', 'x.txt', '三')];
    const c = exportBatch(rows);
    // Ledger characters: title + subtitle + text, whitespace excluded, a surrogate pair counted once.
    // Keyed by published path and content hash (two raw files may share a published path).
    expect(c.kept).toEqual([[keptKey('x.txt', 'ab'), 2, 2 + 4 + 2 + 1], [keptKey('y.txt', 'ab'), 1, 6]]);
    expect(c.chars).toBe(5 + 7 + 1); // the rows' n_chars (code points, newline included)
    expect(c.csv.rows).toBe(3);
    expect(new TextDecoder().decode(c.csv.bytes)).toBe(csvChunk(rows as never, DOCUMENT_COLUMNS).text);
    expect(c.arrow.rows).toBe(3);
  });
  it('counts formula-like cells', () => {
    expect(exportBatch([row('a', 'x.txt', '=SUM(A1)'), row('b', 'x.txt', '正文', '+86')]).csv.formulaLike).toBe(2);
  });
});

describe('objectSize (DuckDB maximum_object_size)', () => {
  it.each([
    [undefined, 2 ** 30],
    [0, 2 ** 20],
    [2 ** 20 - 2, 2 ** 20],
    [2 ** 20 - 1, 2 ** 21],
    [5_000_000, 2 ** 23],
  ])('longest line %s → %i', (longest, size) => {
    expect(objectSize(longest)).toBe(size);
  });
});
