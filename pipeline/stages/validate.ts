/**
 * validate: turns each document into its flat published row (text joined, counts filled) and checks it
 * against schemas/document.schema.json (the runner does the check and the uniqueness of ids).
 */
import { defineStage } from '../lib/stage.js';
import { countCodePoints, countSentences, countWords } from '../lib/text.js';
import { warmJieba } from '../lib/jieba.js';
import { maskPath, maskPathOrNull } from '../lib/pii.js';
import type { Doc, DocumentRow } from '../lib/types.js';

/** Column order of the published files (documents.jsonl / .csv / .arrow / .parquet). */
export const COLUMNS: (keyof DocumentRow)[] = [
  'id', 'title', 'subtitle', 'text', 'genre', 'source_file', 'source_member', 'source_row', 'source_url', 'source_sha256', 'source_encoding',
  'source_format', 'segment', 'line_start', 'line_end', 'script_original', 'source_site', 'author_affiliation',
  'published', 'n_chars', 'n_paragraphs', 'n_sentences', 'n_words', 'n_masks', 'duplicates',
];

/** Columns that hold integers; every other column is a (nullable) string. */
export const INT_COLUMNS = new Set<keyof DocumentRow>(['source_row', 'segment', 'line_start', 'line_end', 'n_chars', 'n_paragraphs', 'n_sentences', 'n_words', 'n_masks', 'duplicates']);

/**
 * The published row of a document. `source_file`, `source_member` and `source_url` are published paths (lib/pii.ts maskPath):
 * personal data in a file or member name is masked; the id stays the one derived from the raw path.
 */
export function toRow(doc: Doc): DocumentRow {
  const text = doc.paragraphs.join('\n');
  let n_sentences = 0;
  for (const p of doc.paragraphs) n_sentences += countSentences(p);
  // Keys written in COLUMNS order, so every output lists columns the same way (tests/stages/validate.test.ts checks
  // it): building the row and then re-keying it by COLUMNS cost a second object and an array per column per row.
  return {
    id: doc.id, title: doc.title, subtitle: doc.subtitle, text, genre: doc.genre,
    source_file: maskPath(doc.source_file), source_member: maskPathOrNull(doc.source_member),
    // source_url is provenance like the paths: an address can carry a phone number or a name, masked the same way.
    source_row: doc.source_row, source_url: maskPathOrNull(doc.source_url), source_sha256: doc.source_sha256,
    source_encoding: doc.source_encoding, source_format: doc.source_format, segment: doc.segment,
    line_start: doc.line_start, line_end: doc.line_end, script_original: doc.script_original ?? 'Hans',
    source_site: doc.source_site, author_affiliation: doc.author_affiliation, published: doc.published,
    n_chars: countCodePoints(text), n_paragraphs: doc.paragraphs.length, n_sentences, n_words: countWords(text),
    n_masks: doc.n_masks, duplicates: doc.duplicates,
  };
}

export const validate = defineStage<Doc, DocumentRow, Record<string, never>>({
  name: 'validate',
  kind: 'map',
  keepsIds: true,
  describe: 'builds the flat published row (text, counts) and checks it against schemas/document.schema.json',
  defaults: {},
  process(doc) {
    return { out: [toRow(doc)], removed: [] };
  },
  // countWords's dictionary (~25 ms per thread, at the start of the pass that publishes the rows).
  warm: () => warmJieba(),
});
