import { describe, expect, it } from 'vitest';
import { COLUMNS, toRow } from '../../pipeline/stages/validate.js';
import { check } from '../../pipeline/lib/schema.js';
import { essays000 } from '../fixtures/dedupe/seeds.js';

describe('validate: the published row', () => {
  it('has exactly the columns, in COLUMNS order, with the counts filled, and passes the document schema', () => {
    const doc = { ...essays000()[0]!, duplicates: 2, n_masks: 1 };
    const row = toRow(doc);
    expect(Object.keys(row)).toEqual(COLUMNS);
    expect(row.text).toBe(doc.paragraphs.join('\n'));
    expect([row.n_paragraphs, row.duplicates, row.n_masks]).toEqual([doc.paragraphs.length, 2, 1]);
    expect(row.n_chars).toBe([...row.text].length);
    expect(row.n_words).toBeGreaterThan(0);
    expect(check('validate', row)).toBeNull();
    // Key order is what JSON.stringify writes: the published JSONL lists the columns in this order.
    expect(Object.keys(JSON.parse(JSON.stringify(row)))).toEqual(COLUMNS);
  });
});
