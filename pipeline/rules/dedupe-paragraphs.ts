/**
 * Which paragraphs inside one document may be removed as repeats (pipeline/dedup/paragraphs.ts).
 *
 * A short heading or a table cell recurs legitimately: a chapter heading that a contents list names too, the same
 * cell in every row of a table (`指标来源：国家统计局`, `单位：万元`), a section label used in each part (`典型经验`).
 * Removing all but the first deletes document structure (issue 21, seen on gov.cn policy pages in
 * ../shared/eval/real/govcn/: `三、关于资产和土地处置` under two chapters of one 规定). Only sentence paragraphs are
 * repeats; the contents list itself is removed by segment (rule `toc`).
 */
import { STRUCTURE_HEADINGS } from './headings.js';

/** Longest paragraph (code points) that can be a heading or a table cell (GB/T 9704 headings run to ~30). */
export const HEADING_OR_CELL_MAX_CHARS = 40;

/** A paragraph that ends a sentence: closing punctuation, then optional closing quotes or brackets. */
export const SENTENCE_CLOSE = /[。！？!?；;….](?:[”’"'」』）)\]】》]*)$/u;

/**
 * A short heading or a table cell, never a repeated paragraph: at most HEADING_OR_CELL_MAX_CHARS code points, and
 * either a structure heading (`一、`, `（二）`, `1.`, `第三章`: rules/headings.ts) or a line that closes no sentence.
 */
export function headingOrCell(p: string): boolean {
  let n = 0;
  for (const _ of p) if (++n > HEADING_OR_CELL_MAX_CHARS) return false;
  return !SENTENCE_CLOSE.test(p) || STRUCTURE_HEADINGS.some((re) => re.test(p));
}
