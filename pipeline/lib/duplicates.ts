/**
 * report/duplicates.jsonl: every document dedupe dropped, as a full published row (every column, counts
 * included) plus why it went. Built from the dedupe stage's dropped rows, in the worker pool.
 */
import { toRow } from '../stages/validate.js';
import type { Doc } from './types.js';

/** The stage whose dropped records report/duplicates.jsonl lists. */
export const DUPLICATES_FROM = 'dedupe';

interface DedupeDrop { reason: string; extra: Record<string, unknown> | null; record: Doc }

/** The report rows (JSON lines) of a batch of dedupe's dropped rows. */
export function duplicatesLines(dropped: unknown[]): string[] {
  const lines: string[] = [];
  for (const x of dropped) {
    const d = x as DedupeDrop;
    if (!Array.isArray((d.record as Partial<Doc>).paragraphs)) continue;
    lines.push(JSON.stringify({ ...toRow(d.record), dup_of: d.extra?.['dup_of'] ?? null, method: d.extra?.['method'] ?? null, similarity: d.extra?.['similarity'] ?? null, reason: d.reason }));
  }
  return lines;
}
