/**
 * report/duplicates.jsonl: every document dedupe dropped, as a full published row (every column, counts
 * included) plus why it went.
 */
import { toRow } from '../stages/validate.js';
import { readJsonl } from './io.js';
import type { Doc } from './types.js';

interface DedupeDrop { reason: string; extra: Record<string, unknown> | null; record: Doc }

/** The JSONL text of report/duplicates.jsonl, from the dedupe stage's dropped file. */
export async function duplicatesJsonl(droppedFile: string): Promise<string> {
  const lines: string[] = [];
  for await (const d of readJsonl<DedupeDrop>(droppedFile)) {
    if (!Array.isArray((d.record as Partial<Doc>).paragraphs)) continue;
    lines.push(JSON.stringify({ ...toRow(d.record), dup_of: d.extra?.['dup_of'] ?? null, method: d.extra?.['method'] ?? null, similarity: d.extra?.['similarity'] ?? null, reason: d.reason }));
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}
